"""The exercise model: everything one exercise module declares, as plain frozen data.

An exercise module in ``exercises/<unit>/<name>.py`` builds one ``Exercise`` and names it
``EXERCISE``. The trusted ``reference`` computes expected outputs; ``solution`` and each
mutant's ``source`` are complete student submissions (source text) that the validator grades
through the real sandbox: the solution must score full marks and every mutant must lose marks.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import torch

Text = dict[str, str]
LANGUAGES = ("en", "zh")


def text(en: str, zh: str) -> Text:
    """A string in both languages of the course."""
    return {"en": en, "zh": zh}


def pick(value: Text, lang: str) -> str:
    """The text in ``lang``, falling back to English."""
    return value.get(lang) or value["en"]


@dataclass(frozen=True)
class Comparison:
    """How a returned value is compared with the reference's.

    ``rtol``/``atol`` override the defaults for the dtype; ``sign_invariant_dim`` marks a
    dimension along which each slice is only defined up to sign (principal components);
    ``float_for_tensor`` accepts a Python number where a 0-dim tensor is expected;
    ``check_dtype`` may be switched off where any floating dtype is fair.
    """

    rtol: float | None = None
    atol: float | None = None
    sign_invariant_dim: int | None = None
    float_for_tensor: bool = False
    check_dtype: bool = True


@dataclass(frozen=True)
class Case:
    """One call of the student's function: positional arguments, weight, what it probes."""

    name: str
    args: tuple[Any, ...]
    weight: float = 1.0
    comparison: Comparison | None = None


@dataclass(frozen=True)
class Mutant:
    """A known-wrong solution that real students write, with the hint shown when one matches."""

    name: str
    source: str
    hint: Text | None = None


@dataclass(frozen=True)
class Bans:
    """APIs a submission must not use.

    ``names`` are checked statically: dotted names resolved through imports (``torch.matmul``,
    ``torch.linalg.*``), ``Tensor.<method>`` for any attribute of that name, ``@`` for the
    operator. ``runtime`` are checked on what the call executed: aten ops (``aten::mm``), torch
    functions (``torch.outer``, ``Tensor.backward``) and ``autograd::backward`` for any run of
    the autograd engine.
    """

    names: frozenset[str] = frozenset()
    runtime: frozenset[str] = frozenset()

    def __or__(self, other: Bans) -> Bans:
        return Bans(self.names | other.names, self.runtime | other.runtime)


NO_BANS = Bans()


@dataclass(frozen=True)
class Limits:
    """This exercise's own limits; None keeps the service's setting (GRADER_* variables)."""

    case_cpu_seconds: float | None = None
    submission_wall_seconds: float | None = None
    memory_bytes: int | None = None


@dataclass(frozen=True)
class Exercise:
    """One exercise of the bank."""

    slug: str
    title: Text
    statement: Text
    signature: str
    starter: str
    reference: Callable[..., Any]
    public_cases: Sequence[Case]
    hidden_cases: Callable[[torch.Generator], list[Case]]
    solution: str
    mutants: Sequence[Mutant]
    points: float = 10.0
    bans: Bans = NO_BANS
    comparison: Comparison = field(default_factory=Comparison)
    limits: Limits = field(default_factory=Limits)

    @property
    def unit(self) -> str:
        """The unit, the part of the slug before the dot."""
        return self.slug.split(".", 1)[0]

    @property
    def function(self) -> str:
        """The name of the function the student defines."""
        return self.slug.split(".", 1)[1]

    def _definition(self) -> ast.arguments:
        return _arguments(self.signature)

    def parameter_names(self) -> list[str]:
        """The names of the signature's positional parameters (for messages about inputs)."""
        return [arg.arg for arg in self._definition().args]

    def parameters(self) -> tuple[int, int]:
        """(required, total) positional parameters of the signature."""
        arguments = self._definition()
        total = len(arguments.args)
        return total - len(arguments.defaults), total

    def cases(self, seed: int | None) -> list[Case]:
        """Public cases, then (unless ``seed`` is None) the hidden cases drawn from ``seed``."""
        cases = list(self.public_cases)
        if seed is not None:
            generator = torch.Generator().manual_seed(seed)
            cases.extend(self.hidden_cases(generator))
        return cases


@cache
def _arguments(signature: str) -> ast.arguments:
    """A signature's parameters, parsed once per process (every grading asks for them)."""
    func = ast.parse(f"def {signature}: pass").body[0]
    assert isinstance(func, ast.FunctionDef)
    return func.args
