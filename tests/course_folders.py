"""Course folders for tests: exercise modules written the way an instructor writes them, outside
the project, importing the public authoring API (``grader.exercise``)."""

from __future__ import annotations

from pathlib import Path

EXERCISE = '''"""{unit}.{name}: the sum of each column of a matrix."""

import torch

from grader.exercise import Case, Exercise, Mutant, text


def reference(x: torch.Tensor) -> torch.Tensor:
    return x.sum(dim=0)


SOLUTION = "def {name}(x):\\n    return {solution}\\n"

MUTANTS = [
    Mutant(
        "row sums",
        "def {name}(x):\\n    return x.sum(dim=1)\\n",
        text("Columns run down: sum over dim 0.", "列是竖着的：沿第 0 维求和。"),
    ),
    Mutant(
        "keeps the summed dimension",
        "def {name}(x):\\n    return x.sum(dim=0, keepdim=True)\\n",
        text("Return a vector, one sum per column.", "请返回向量，每列一个和。"),
    ),
    Mutant(
        "the total",
        "def {name}(x):\\n    return x.sum()\\n",
        text("One sum per column, not one for the matrix.", "每列一个和，而不是整个矩阵一个和。"),
    ),
]

PUBLIC = [Case("a 2x3 matrix", (torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),))]


def hidden(g: torch.Generator) -> list[Case]:
    return [
        Case("random matrix", (torch.randn(4, 3, generator=g),)),
        Case("float64 input", (torch.randn(2, 5, generator=g, dtype=torch.float64),)),
        Case("a single row", (torch.randn(1, 4, generator=g),)),
    ]


EXERCISE = Exercise(
    slug="{unit}.{name}",
    title=text("{title}", "列求和"),
    statement=text("Return the sum of each column of `x`.", "返回 `x` 每一列的和。"),
    signature="{name}(x: Tensor) -> Tensor",
    starter="def {name}(x):\\n    ...\\n",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
    points={points},
)
'''


def write_exercise(
    folder: Path,
    unit: str = "course",
    name: str = "col_sums",
    *,
    solution: str = "x.sum(dim=0)",
    points: float = 10.0,
    title: str = "Column sums",
) -> Path:
    """A complete, valid exercise ``unit.name`` in ``folder`` (a wrong ``solution`` makes it fail
    validation); returns its module's path."""
    path = folder / unit / f"{name}.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = EXERCISE.format(unit=unit, name=name, solution=solution, points=points, title=title)
    path.write_text(text, encoding="utf-8")
    return path


SOLVED = "def col_sums(x):\n    return x.sum(dim=0)\n"
