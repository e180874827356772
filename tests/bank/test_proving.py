"""What `grader exercises validate` proves of an exercise of the bank: a shipped exercise with a
proven adequacy gap fails (from its fresh record, or measured then and there when the record is
stale); a course folder's exercise shows its recorded score and is judged by its validation."""

from __future__ import annotations

from pathlib import Path

from grader.bank.folders import Origin
from grader.bank.loader import Entry
from grader.bank.proving import prove
from grader.bank.records import as_record, write_record
from grader.grading.adequacy import Adequacy, Evidence, Survivor
from grader.grading.validation import validation_seeds
from tests.exercises_for_tests import L1, l1_with_a_gap
from worker.sandbox.client import Sandbox

SEEDS = validation_seeds(2)


def _entry(folder: Path, *, shipped: bool, exercise: object = L1, digest: str = "d" * 64) -> Entry:
    return Entry(exercise, Origin(folder, shipped=shipped), folder / "test" / "l1.py", digest)  # type: ignore[arg-type]


def test_a_shipped_exercise_with_a_proven_gap_fails_validation(sandbox: Sandbox, tmp_path: Path) -> None:
    """No record: measured now, and the gap the exercise's own seeds show fails it."""
    proof = prove(_entry(tmp_path, shipped=True, exercise=l1_with_a_gap()), sandbox, SEEDS)
    assert proof.measured_now and not proof.validation.ok
    [problem] = proof.validation.problems
    assert problem.startswith("proven gap: the mutant `return x.sum()` (line 2, removed .abs())")
    assert "case 'random vector'" in problem and problem.endswith("Add a hidden case like it.")


def test_a_fresh_record_is_read_not_measured(sandbox: Sandbox, tmp_path: Path) -> None:
    found = _entry(tmp_path, shipped=True)
    evidence = Evidence("seed 42", "random vector", "l1([-1.0])", "values differ")
    gap = Survivor(2, "return x.sum()", "removed .abs()", "gap", evidence)
    write_record(found, as_record(found, Adequacy("test.l1", 3, 2, [gap]), SEEDS))
    proof = prove(found, sandbox, SEEDS)
    assert not proof.measured_now and proof.adequacy is not None and proof.adequacy["killed"] == 2
    assert proof.validation.problems == [
        "proven gap: the mutant `return x.sum()` (line 2, removed .abs()) keeps full marks on a validation "
        "seed, but seed 42, case 'random vector', tells it apart: l1([-1.0]): values differ Add a hidden "
        "case like it."
    ]
    changed = _entry(tmp_path, shipped=True, digest="e" * 64)  # the module changed: the record is stale
    assert prove(changed, sandbox, SEEDS).measured_now


def test_a_course_exercise_is_judged_by_its_validation_and_shows_its_record(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    found = _entry(tmp_path, shipped=False, exercise=l1_with_a_gap())
    proof = prove(found, sandbox, SEEDS)
    assert proof.validation.ok and proof.adequacy is None and not proof.measured_now
    write_record(found, as_record(found, Adequacy("test.l1", 3, 2, []), SEEDS))
    assert prove(found, sandbox, SEEDS).adequacy is not None
