"""Small exercises built for tests (not part of the bank)."""

from __future__ import annotations

from dataclasses import replace

import torch

from exercises._common import MATRIX_PRODUCT_BANS
from grader.exercise import Case, Exercise, Mutant, text
from grader.grading.adequacy import EXTRA_SEEDS
from grader.grading.validation import validation_seeds

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


def _l1(x: torch.Tensor) -> torch.Tensor:
    return x.abs().sum()


def _nonnegative(g: torch.Generator) -> list[Case]:
    return [
        Case("random vector", (torch.rand(5, generator=g),)),
        Case("float64", (torch.rand(3, generator=g, dtype=torch.float64),)),
    ]


# The l1 norm with only non-negative cases: dropping abs() keeps full marks.
L1 = Exercise(
    slug="test.l1",
    title=text("l1", "l1"),
    statement=text("l1 norm", "l1 范数"),
    signature="l1(x: Tensor) -> Tensor",
    starter="def l1(x):\n    ...\n",
    reference=_l1,
    public_cases=[Case("small", (torch.tensor([1.0, 2.0]),))],
    hidden_cases=_nonnegative,
    solution="def l1(x):\n    return x.abs().sum()\n",
    mutants=[
        Mutant(name, f"def l1(x):\n    return {body}\n", text("hint", "提示"))
        for name, body in (
            ("twice", "2 * x.abs().sum()"),
            ("mean", "x.abs().mean()"),
            ("max", "x.abs().max()"),
        )
    ],
)


def l1_with_a_gap() -> Exercise:
    """L1 whose generator draws a negative vector on some seeds, but on none of the validation
    seeds: the mutant without abs() is a proven gap (a seed beyond them tells it apart)."""
    seeds = validation_seeds(3 + EXTRA_SEEDS)
    first = {seed: torch.rand(1, generator=torch.Generator().manual_seed(seed)).item() for seed in seeds}
    threshold = max(first[seed] for seed in seeds[:3])
    assert any(value > threshold for value in first.values()), (
        "no seed beyond the validation ones draws higher"
    )

    def sometimes_negative(g: torch.Generator) -> list[Case]:
        flip = torch.rand(1, generator=g).item() > threshold
        x = torch.rand(4, generator=g)
        return [Case("random vector", (-x if flip else x,))]

    return replace(L1, hidden_cases=sometimes_negative)
