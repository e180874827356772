"""Mutation adequacy through the real sandbox: which slips an exercise's cases miss, and the input
that tells a surviving mutant from the reference (a gap) or none (equivalent)."""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from grader.exercise import Case, Exercise, Mutant, text
from grader.grading.adequacy import EXTRA_SEEDS, SolutionFails, measure
from grader.grading.validation import validation_seeds
from worker.sandbox.client import Sandbox

SEEDS = validation_seeds(3)
HINT = text("hint", "提示")


def _l1(x: torch.Tensor) -> torch.Tensor:
    return x.abs().sum()


def _nonnegative(g: torch.Generator) -> list[Case]:
    return [
        Case("random vector", (torch.rand(5, generator=g),)),
        Case("float64", (torch.rand(3, generator=g, dtype=torch.float64),)),
    ]


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
    mutants=[Mutant("sum", "def l1(x):\n    return x.sum()\n", HINT)] * 3,
)


def test_inputs_of_other_sizes_expose_a_mutant_that_the_cases_miss(sandbox: Sandbox) -> None:
    """Every case is non-negative, so dropping abs() survives; the same vectors at other sizes
    with values drawn afresh (negative ones among them) tell it apart: a likely gap."""
    result = measure(L1, sandbox, SEEDS)
    assert result.generated == 3 and result.killed == 2  # sum -> mean and sum -> prod die
    [dropped] = result.survivors
    assert dropped.mutation == "removed .abs()"
    assert dropped.verdict == "likely gap" and dropped.code == "return x.sum()" and dropped.line == 2
    assert dropped.evidence is not None and "at sizes" in dropped.evidence.found_by
    assert dropped.evidence.input.startswith("l1(") and "differ" in dropped.evidence.message
    data = result.to_dict()
    assert set(data) == {"slug", "generated", "killed", "survivors"}
    assert {"line", "code", "mutation"} <= set(data["survivors"][0])


def test_strong_cases_kill_every_mutant(sandbox: Sandbox) -> None:
    def signed(g: torch.Generator) -> list[Case]:
        return [
            Case("random vector", (torch.randn(5, generator=g),)),
            Case("a single entry", (torch.randn(1, generator=g),)),
        ]

    strong = replace(
        L1, public_cases=[Case("mixed signs", (torch.tensor([1.0, -2.0, 3.0]),))], hidden_cases=signed
    )
    result = measure(strong, sandbox, SEEDS)
    assert result.survivors == [] and result.killed == result.generated == 3


def test_a_mutant_the_exercises_own_inputs_tell_apart_is_a_proven_gap(sandbox: Sandbox) -> None:
    """A generator that draws a negative entry only on some seeds, none of the validation seeds:
    a seed beyond them is the evidence, and the verdict a gap."""
    first = {
        seed: torch.rand(1, generator=torch.Generator().manual_seed(seed)).item()
        for seed in validation_seeds(3 + EXTRA_SEEDS)
    }
    threshold = max(first[seed] for seed in SEEDS)
    assert any(value > threshold for value in first.values()), (
        "no seed beyond the validation ones draws higher"
    )

    def sometimes_negative(g: torch.Generator) -> list[Case]:
        flip = torch.rand(1, generator=g).item() > threshold
        x = torch.rand(4, generator=g)
        return [Case("random vector", (-x if flip else x,))]

    weak = replace(
        L1, hidden_cases=sometimes_negative, public_cases=[Case("small", (torch.tensor([1.0, 2.0]),))]
    )
    result = measure(weak, sandbox, SEEDS)
    gap = {s.mutation: s for s in result.survivors}["removed .abs()"]
    assert gap.verdict == "gap" and result.gaps == [gap]
    assert gap.evidence is not None and gap.evidence.found_by.startswith("seed ")
    assert int(gap.evidence.found_by.split()[1]) not in SEEDS and gap.evidence.case == "random vector"


def test_an_equivalent_mutant_is_called_so(sandbox: Sandbox) -> None:
    exercise = replace(L1, solution="def l1(x):\n    return x.clone().abs().sum()\n")
    clone = {s.mutation: s for s in measure(exercise, sandbox, SEEDS).survivors}["removed .clone()"]
    assert clone.verdict == "equivalent" and clone.evidence is None


def test_a_solution_that_fails_is_refused(sandbox: Sandbox) -> None:
    with pytest.raises(SolutionFails, match="the solution fails case 'small'"):
        measure(replace(L1, solution="def l1(x):\n    return x.sum() + 1\n"), sandbox, SEEDS)
