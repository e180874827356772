"""Small exercises built for tests (not part of the bank)."""

from __future__ import annotations

import torch

from exercises._common import MATRIX_PRODUCT_BANS
from grader.exercise import Case, Exercise, Mutant, text

HIDDEN_MARK = 7777.0


def _dot_reference(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return torch.dot(a, b)


DOT = Exercise(
    slug="test.dot",
    title=text("dot", "点积"),
    statement=text("dot product", "点积"),
    signature="dot(a: Tensor, b: Tensor) -> Tensor",
    starter="def dot(a, b):\n    ...\n",
    reference=_dot_reference,
    public_cases=[Case("small", (torch.tensor([1.0, 2.0, 3.0]), torch.tensor([4.0, 5.0, 6.0])))],
    hidden_cases=lambda g: [
        Case("random", (torch.randn(5, generator=g), torch.randn(5, generator=g))),
        Case("marked", (torch.full((4,), HIDDEN_MARK), torch.full((4,), 2.0))),
    ],
    solution="def dot(a, b):\n    return (a * b).sum()\n",
    mutants=[Mutant("sum only", "def dot(a, b):\n    return a.sum()\n", text("multiply", "相乘"))],
    bans=MATRIX_PRODUCT_BANS,
)
