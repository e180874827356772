"""Known mistakes and generic diagnoses: tell a failed case what the student's outcome equals.

A mutant is recognised on a failed case (``CaseResult.mutant``, ``Report.mutants_matched``) where
it is itself wrong (it differs from the reference) and the student's outcome matches it, unless
the match is trivial: a result of zeros matches as well (a tolerance too loose to tell), or the
mutant returns nothing to compare (an empty tensor). Its hint is shown only where the match is
also specific: no other mutant, no generic diagnosis and not the reference's values merely
attached to a graph explain the outcome as well. Elsewhere the diagnosis that explains the most
failed cases (``grader.grading.diagnoses``) is shown instead.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch

from grader.grading.compare import compare
from grader.grading.diagnoses import MAX_CASES, Explanation, deadline_from_now, explanations
from grader.grading.exercise import Case, Comparison, Exercise, Mutant
from grader.grading.judge import mutation_finding
from grader.grading.report import CaseResult
from grader.grading.trusted import Expected, Raised, Returned, call_trusted
from worker.sandbox.contract import CaseOutcome

_log = logging.getLogger(__name__)

# Findings that say the student broke a rule, not that the result is wrong: a mutant that
# happens to give the same values would explain nothing there.
_RULE_FINDINGS = {"banned_static", "banned_runtime", "evasion", "tampered"}


@dataclass
class _Seen:
    """What matches the student's outcome on one failed case."""

    mutants: list[int]
    diagnoses: list[Explanation]  # the generic diagnoses that are shown
    generic: bool  # a generic explanation matches (a shown diagnosis, or a silent one)
    trivial: bool  # zeros match, or a mutant's empty result: a match there says nothing
    called: bool = False  # the reference was called on changed arguments for this case

    def specific(self) -> bool:
        """True if exactly one mutant, and nothing else, explains the outcome."""
        return len(self.mutants) == 1 and not self.generic and not self.trivial


def attach_hints(
    exercise: Exercise,
    cases: Sequence[Case],
    expected: Sequence[Expected],
    results: list[CaseResult],
    outcomes: list[CaseOutcome],
) -> list[str]:
    """Recognise the mutant each failed case's outcome matches, give its hint where the match
    is specific and the best diagnosis elsewhere; the names of the mutants recognised."""
    failed = [
        i
        for i, r in enumerate(results)
        if not r.passed
        and outcomes[i].status in ("returned", "raised")
        and (r.finding is None or r.finding.key not in _RULE_FINDINGS)
    ]
    if not failed:
        return []
    from grader.grading.mutants import mutant_functions

    mutants = mutant_functions(exercise)
    deadline = deadline_from_now()
    seen: dict[int, _Seen] = {}
    for i in failed:
        # The reference's own calls on at most MAX_CASES cases: the value transforms on all.
        calls = sum(1 for found in seen.values() if found.called) < MAX_CASES
        seen[i] = _what_matches(exercise, mutants, cases[i], expected[i], outcomes[i], deadline, calls)
    matched = _give_mutant_hints(mutants, seen, results)
    _give_diagnoses(seen, results)
    return matched


def _what_matches(
    exercise: Exercise,
    mutants: Sequence[tuple[Mutant, Any]],
    case: Case,
    want: Expected,
    got: CaseOutcome,
    deadline: float,
    calls: bool,
) -> _Seen:
    """The mutants and generic explanations that are wrong on the case and match its outcome."""
    rule = case.comparison or exercise.comparison
    params = exercise.parameter_names()
    found = _Seen([], [], generic=False, trivial=False)
    for index, (_, function) in enumerate(mutants):
        outcome = call_trusted(function, case.args)
        # A mutant counts only where it is itself wrong: elsewhere its mistake does not show.
        # (The match first: most outcomes differ from the student's, and cheaply.)
        if not _matches(outcome, got, rule, params) or agree(outcome, want, rule, params):
            continue
        # One that returns no number to compare (an empty tensor) matches saying nothing.
        if isinstance(outcome, Returned) and not _has_values(outcome.value):
            found.trivial = True
        else:
            found.mutants.append(index)
    if not isinstance(want, Returned) or got.status != "returned":
        return found
    found.called = calls
    for explanation in _explanations(exercise, case, want, deadline, calls):
        if not _matches(explanation.outcome, got, rule, params) or agree(
            explanation.outcome, want, rule, params
        ):
            continue
        if explanation.identity == ("zeros",):
            found.trivial = True
        else:
            found.generic = True
            if explanation.finding is not None:
                found.diagnoses.append(explanation)
    return found


def _explanations(
    exercise: Exercise, case: Case, want: Returned, deadline: float, calls: bool
) -> list[Explanation]:
    """The case's generic explanations; none if computing them fails (they only add to a
    finding that is complete without them: the fault is logged, the grading goes on)."""
    try:
        return explanations(exercise, case, want, deadline, call_reference=calls)
    except Exception:
        _log.exception("diagnoses failed for %s, case %r", exercise.slug, case.name)
        return []


def _give_mutant_hints(
    mutants: Sequence[tuple[Mutant, Any]], seen: dict[int, _Seen], results: list[CaseResult]
) -> list[str]:
    """Recognise mutants, the one matching the most cases first; give the hint where specific."""
    counts: dict[int, int] = {}
    for found in seen.values():
        for index in found.mutants if not found.trivial else []:
            counts[index] = counts.get(index, 0) + 1
    matched = []
    for index in sorted(counts, key=lambda m: (-counts[m], m)):
        mutant = mutants[index][0]
        fresh = [
            i
            for i, found in seen.items()
            if index in found.mutants and not found.trivial and results[i].mutant is None
        ]
        for i in fresh:
            results[i].mutant = mutant.name
            if seen[i].specific():
                results[i].hint = mutant.hint
        if fresh:
            matched.append(mutant.name)
    return matched


def _give_diagnoses(seen: dict[int, _Seen], results: list[CaseResult]) -> None:
    """The diagnosis that explains the most cases first, on the cases without a mutant's hint."""
    counts: dict[tuple[Any, ...], int] = {}
    for found in seen.values():
        if not found.trivial:
            for explanation in found.diagnoses:
                counts[explanation.identity] = counts.get(explanation.identity, 0) + 1
    for i, found in seen.items():
        if found.trivial or not found.diagnoses or results[i].hint is not None:
            continue
        best = max(found.diagnoses, key=lambda e: counts[e.identity])
        results[i].diagnosis = best.finding


def _has_values(value: Any) -> bool:
    """True if a value holds something to compare beyond its kind: not only empty tensors."""
    if isinstance(value, torch.Tensor):
        return value.numel() > 0
    if isinstance(value, (list, tuple)):
        return any(_has_values(item) for item in value)
    return True


def agree(mutant: Expected, want: Expected, rule: Comparison, params: list[str]) -> bool:
    """True if a trusted call's outcome (a mutant's) is the reference's: it is not wrong here."""
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
