"""Known mistakes: give a failed case the hint of the exercise's mutant whose outcome the
student's matches, where that mutant is itself wrong."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from grader.grading.compare import compare
from grader.grading.exercise import Case, Comparison, Exercise
from grader.grading.judge import mutation_finding
from grader.grading.report import CaseResult
from grader.grading.trusted import Expected, Raised, call_trusted
from worker.sandbox.contract import CaseOutcome

# Findings that say the student broke a rule, not that the result is wrong: a mutant that
# happens to give the same values would explain nothing there.
_RULE_FINDINGS = {"banned_static", "banned_runtime", "evasion", "tampered"}


def attach_hints(
    exercise: Exercise,
    cases: Sequence[Case],
    expected: Sequence[Expected],
    results: list[CaseResult],
    outcomes: list[CaseOutcome],
) -> list[str]:
    """Give failed cases the hint of the mutant whose outcome the student's matches.

    A mutant counts on a case only where it is itself wrong (it differs from the reference);
    the mutant that explains the most failed cases is preferred, then the next, and so on.
    """
    from grader.grading.mutants import mutant_functions

    failed = [
        i
        for i, r in enumerate(results)
        if not r.passed
        and outcomes[i].status in ("returned", "raised")
        and (r.finding is None or r.finding.key not in _RULE_FINDINGS)
    ]
    if not failed:
        return []
    params = exercise.parameter_names()
    explained: list[tuple[list[int], str, Any]] = []
    for mutant, function in mutant_functions(exercise):
        hits = []
        for i in failed:
            rule = cases[i].comparison or exercise.comparison
            outcome = call_trusted(function, cases[i].args)
            if _agree(outcome, expected[i], rule, params):
                continue  # the mutant is right here: its mistake does not show on this case
            if _matches(outcome, outcomes[i], rule, params):
                hits.append(i)
        if hits:
            explained.append((hits, mutant.name, mutant.hint))
    matched = []
    for hits, name, hint in sorted(explained, key=lambda item: -len(item[0])):
        fresh = [i for i in hits if results[i].mutant is None]
        for i in fresh:
            results[i].mutant, results[i].hint = name, hint
        if fresh:
            matched.append(name)
    return matched


def _agree(mutant: Expected, want: Expected, rule: Comparison, params: list[str]) -> bool:
    """True if the mutant's outcome is what the reference gives (it is not wrong here)."""
    if isinstance(want, Raised) or isinstance(mutant, Raised):
        return isinstance(want, Raised) and isinstance(mutant, Raised) and want.type_name == mutant.type_name
    return (
        _same_kinds(want.value, mutant.value)
        and compare(want.value, mutant.value, rule) is None
        and mutation_finding(want.args_after, mutant.args_after, params, rule) is None
    )


def _matches(mutant: Expected, got: CaseOutcome, rule: Comparison, params: list[str]) -> bool:
    """True if the student's outcome is the mutant's: same exception, or same kind and value."""
    if isinstance(mutant, Raised):
        error = got.error or {}
        return (
            got.status == "raised"
            and error.get("type") == mutant.type_name
            and str(error.get("message", "")) == mutant.message
        )
    if got.status != "returned" or not _same_kinds(mutant.value, got.value):
        return False
    if compare(mutant.value, got.value, rule) is not None:
        return False
    return mutation_finding(mutant.args_after, got.args_after or [], params, rule) is None


def _same_kinds(a: Any, b: Any) -> bool:
    """Same kind of value all the way down (the comparison's leniency does not apply to
    recognising a mistake: a float is not the tensor a mutant returned)."""
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        return isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return (
            type(a) is type(b)
            and len(a) == len(b)
            and all(_same_kinds(x, y) for x, y in zip(a, b, strict=True))
        )
    return type(a) is type(b)
