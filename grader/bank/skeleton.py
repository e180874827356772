"""``grader exercises new UNIT.NAME --path DIR``: a complete exercise module to fill in, with the
unit's ``__init__.py`` and the folder's case-name catalog when they are missing. The skeleton
loads as it is; every part the author must write carries ``TODO(author)``, which ``grader
exercises validate`` lists until none is left."""

from __future__ import annotations

import keyword
from pathlib import Path

from grader.grading.validation import TODO

MODULE = '''"""{slug}: {todo} one line on what the exercise asks."""

import torch

from grader.exercise import Bans, Case, Exercise, Mutant, text

# Course folders are trusted code, like the shipped bank: the grader imports this module, and
# the reference and the mutants run on the grader's side, never in the sandbox. Fill in each
# {todo}; `grader exercises validate {slug}` lists those left, then proves the exercise.


def reference(x: torch.Tensor) -> torch.Tensor:
    """The trusted answer (any torch code, banned APIs included): expected outputs come from it.
    Where it raises, a student must raise the same built-in exception type."""
    # {todo} compute the answer, e.g. `return x.sum(dim=0)`.
    raise NotImplementedError("{todo} the reference")


# A complete model submission that obeys the rules (the statement's, the bans): full marks.
SOLUTION = """
import torch

def {name}(x):
    # {todo} the model answer, e.g. `return x.sum(dim=0)` written without banned APIs.
    raise NotImplementedError
"""

# Wrong answers that real students write, each with a hint in both languages. Each must lose
# marks on every seed: write hidden cases that catch it. Three at least.
MUTANTS = [
    Mutant(
        "{todo} the first mistake, e.g. sums the wrong axis",
        "def {name}(x):\\n    raise NotImplementedError  # {todo} the wrong answer\\n",
        text("{todo} the hint, in English", "{todo} 提示（中文）"),
    ),
    Mutant(
        "{todo} the second mistake",
        "def {name}(x):\\n    raise NotImplementedError  # {todo} the wrong answer\\n",
        text("{todo} the hint, in English", "{todo} 提示（中文）"),
    ),
    Mutant(
        "{todo} the third mistake",
        "def {name}(x):\\n    raise NotImplementedError  # {todo} the wrong answer\\n",
        text("{todo} the hint, in English", "{todo} 提示（中文）"),
    ),
]

# Shown to students with their expected outputs: small and fixed. Name each case for what it
# probes; names are shown to students, in Chinese from the folder's _case_names.py.
PUBLIC = [
    Case("a 2x2 matrix", (torch.tensor([[1.0, 2.0], [3.0, 4.0]]),)),
]


def hidden(g: torch.Generator) -> list[Case]:
    """Drawn from ``g`` (seeded per submission): random inputs, and fixed edge cases."""
    # {todo} cases that catch every mutant: empty and size-1 dimensions, negative axes,
    # float64, large magnitudes. `grader exercises adequacy {slug}` shows what they miss.
    return [
        Case("random matrix", (torch.randn(3, 4, generator=g),)),
        Case("float64 input", (torch.randn(3, 4, generator=g, dtype=torch.float64),)),
    ]


EXERCISE = Exercise(
    slug="{slug}",
    title=text("{todo} the title", "{todo} 标题"),
    statement=text(
        """{todo} what to compute, a small worked example with numbers, and the rules
(what is not allowed, do not change the inputs, the dtype to return).""",
        """{todo} 用中文写同样的题目说明：计算什么、带数字的小例子、规则。""",
    ),
    signature="{name}(x: Tensor) -> Tensor",
    starter="import torch\\n\\n\\ndef {name}(x: torch.Tensor) -> torch.Tensor:\\n    ...\\n",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
    # APIs a submission must not use, e.g. Bans(names=frozenset({{"torch.sum", "Tensor.sum"}}),
    # runtime=frozenset({{"aten::sum", "torch.sum", "Tensor.sum"}})).
    bans=Bans(),
)
'''

UNIT_INIT = '''"""The {unit} unit of this course folder."""

from grader.exercise import text

# The unit's title in English and Chinese, as listings show it (else the folder's name).
TITLE = text("{title}", "{title}")
'''

CATALOG = '''"""Chinese names of this folder's cases. ZH maps a case name, as the exercises write it (in
English), to its Chinese; a name the shipped catalog has ("float64 input", "an empty dimension")
needs no entry here, and one that no catalog has is shown as written."""

ZH: dict[str, str] = {
    "random matrix": "随机矩阵",
}
'''


class SkeletonError(ValueError):
    """The slug or the folder cannot take a new exercise; the message says why."""


def check_slug(slug: str) -> tuple[str, str]:
    """(unit, function) of a slug ``UNIT.NAME`` that can be a module, or SkeletonError."""
    unit, dot, name = slug.partition(".")
    for part, what in ((unit, "UNIT"), (name, "NAME")):
        if not dot or not part.isidentifier() or keyword.iskeyword(part) or part.startswith("_"):
            raise SkeletonError(
                f"{slug!r} is not UNIT.NAME: {what} must be a Python name not starting with _ "
                "(NAME is the function students write), e.g. course.row_means"
            )
    return unit, name


def write_skeleton(slug: str, folder: Path) -> list[Path]:
    """Write the exercise's module (and the unit's ``__init__.py``, the folder's catalog, when
    missing) under ``folder``; the paths written, the module first."""
    unit, name = check_slug(slug)
    module = folder / unit / f"{name}.py"
    if module.exists():
        raise SkeletonError(f"{module} exists already; pick another NAME or edit that file")
    written = [module]
    module.parent.mkdir(parents=True, exist_ok=True)
    module.write_text(MODULE.format(slug=slug, name=name, todo=TODO), encoding="utf-8")
    init = module.parent / "__init__.py"
    if not init.exists():
        init.write_text(UNIT_INIT.format(unit=unit, title=unit.replace("_", " ").capitalize()))
        written.append(init)
    catalog = folder / "_case_names.py"
    if not catalog.exists():
        catalog.write_text(CATALOG, encoding="utf-8")
        written.append(catalog)
    return written
