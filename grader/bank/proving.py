"""Prove an exercise of the bank: its validation (the solution scores full marks, every mutant
loses marks) and, for the shipped bank, no proven gap in its mutation adequacy. A fresh record
(``records``) costs nothing; a stale or missing one is measured now, through the same sandbox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from grader.bank.loader import Entry
from grader.bank.records import RecordError, as_record, fresh_record, gaps
from grader.grading.adequacy import SolutionFails, measure
from grader.grading.validation import Validation, validate, validation_seeds
from worker.sandbox.contract import Runner

ADEQUACY_SEEDS = 3


@dataclass
class Proof:
    """A validation, with the adequacy record it was checked against (if any) and whether that
    record had to be measured now (it was stale or missing)."""

    validation: Validation
    adequacy: dict[str, Any] | None = None
    measured_now: bool = False
    record_error: str | None = None


def gap_problem(survivor: dict[str, Any]) -> str:
    """A proven gap, as a validation problem that says which hidden case to add."""
    return (
        f"proven gap: the mutant `{survivor['code']}` (line {survivor['line']}, {survivor['mutation']}) "
        f"keeps full marks on a validation seed, but {survivor['found_by']}, case {survivor['case']!r}, "
        f"tells it apart: {survivor['input']}: {survivor['message']} Add a hidden case like it."
    )


def adequacy_record(found: Entry, runner: Runner) -> tuple[dict[str, Any], bool]:
    """(the exercise's adequacy record, measured now): the fresh record, else a new measure."""
    record = fresh_record(found)
    if record is not None:
        return record, False
    seeds = validation_seeds(ADEQUACY_SEEDS)
    return as_record(found, measure(found.exercise, runner, seeds), seeds), True


def prove(found: Entry, runner: Runner, seeds: list[int]) -> Proof:
    """Validate the exercise; a shipped one must also have no proven gap."""
    proof = Proof(validate(found.exercise, runner, seeds))
    try:
        if found.origin.shipped and proof.validation.ok:
            proof.adequacy, proof.measured_now = adequacy_record(found, runner)
            proof.validation.problems += [gap_problem(s) for s in gaps(proof.adequacy)]
        elif not found.origin.shipped:
            proof.adequacy = fresh_record(found)
    except RecordError as exc:
        proof.record_error = str(exc)
        if found.origin.shipped:
            proof.validation.problems.append(str(exc))
    except SolutionFails:  # the validation has said so already
        pass
    return proof
