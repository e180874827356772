"""Mutation adequacy through the real sandbox: which slips an exercise's cases miss, and the input
that tells a surviving mutant from the reference (a gap) or none (equivalent)."""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from grader.exercise import Case
from grader.grading.adequacy import SolutionFails, measure
from grader.grading.validation import validation_seeds
from tests.exercises_for_tests import L1, l1_with_a_gap
from worker.sandbox.client import Sandbox

SEEDS = validation_seeds(3)


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
    weak = l1_with_a_gap()
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
