"""A counterexample a student may see: when only hidden cases fail, a small new input of the same
kind on which the student's function and the reference differ.

Candidates are made from each failing hidden case: its tensors shrunk (every size mapped to a
small one, sizes that were equal stay equal, 0 and 1 stay) and filled with fresh small values,
its floats rounded, its ints kept (an axis, a count); then the generator's case of the same name
drawn from a fresh seed. A hidden case's values are never shown: every tensor is drawn anew.
A candidate counts only where the exercise's own solution agrees with the reference (an input
where they disagree is ill-posed: a tie, a direction defined only up to sign). The student's
function runs on the candidates in the sandbox, in one extra run with its own short time limit.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import Any

import torch

from grader.grading.compare import format_value
from grader.grading.diagnoses import identical
from grader.grading.exercise import Case, Exercise
from grader.grading.hints import agree
from grader.grading.judge import judge
from grader.grading.mutants import solution_function
from grader.grading.report import CaseResult
from grader.grading.source_loader import Source
from grader.grading.trusted import Expected, Raised, call_trusted, copy_value
from grader.i18n.messages import Finding, render
from worker.sandbox.contract import CaseOutcome, Runner

_log = logging.getLogger(__name__)

# The search's bounds: failing hidden cases it starts from, candidates in all, and the wall
# time of the one sandbox run that tries them.
MAX_SOURCES = 3
MAX_CANDIDATES = 12
WALL_SECONDS = 3.0

# Findings that do not say the function computes something else: no counterexample shows them.
_NOT_WRONG = {"banned_static", "banned_runtime", "evasion", "tampered"}
_RUN_FAULTS = ("returned", "raised")


@dataclass(frozen=True)
class Counterexample:
    """A public input where the student's function differs from the reference."""

    case: str  # the hidden case it was made from (its name is public, its values are not)
    inputs: list[tuple[str, str]]  # (parameter, value as text)
    expected: dict[str, str]
    actual: dict[str, str]
    finding: Finding

    def to_dict(self, lang: str) -> dict[str, Any]:
        """Plain data for the report JSON, in ``lang``."""
        return {
            "case": self.case,
            "input": [{"name": name, "value": value} for name, value in self.inputs],
            "expected": self.expected[lang],
            "actual": self.actual[lang],
            "message": render(self.finding, lang),
        }


def wanted(results: list[CaseResult]) -> bool:
    """True when a counterexample would help: every public case passed, a hidden one failed
    on what it computed (not a timeout, a crash or a banned call)."""
    public = [r for r in results if r.visibility == "public"]
    hidden = [r for r in results if r.visibility == "hidden" and not r.passed]
    return all(r.passed for r in public) and any(_computed(r) for r in hidden)


def _computed(result: CaseResult) -> bool:
    finding = result.finding
    return (
        finding is not None
        and finding.key not in _NOT_WRONG
        and not finding.key.startswith(
            ("timeout", "crashed", "exited", "memory", "not_run", "bad_reply", "unencodable")
        )
    )


def find_counterexample(
    exercise: Exercise,
    source: Source,
    runner: Runner,
    cases: list[Case],
    expected: list[Expected],
    results: list[CaseResult],
) -> Counterexample | None:
    """The smallest candidate input on which the student's function is judged wrong, or None.

    The search only adds to a grading that is complete: if it fails (an exercise whose inputs
    it cannot shrink, a sandbox fault), the report goes without it and the fault is logged."""
    try:
        return _search(exercise, source, runner, cases, expected, results)
    except Exception:
        _log.exception("counterexample search failed for %s", exercise.slug)
        return None


def _search(
    exercise: Exercise,
    source: Source,
    runner: Runner,
    cases: list[Case],
    expected: list[Expected],
    results: list[CaseResult],
) -> Counterexample | None:
    failing = [
        (case, want)
        for case, want, result in zip(cases, expected, results, strict=True)
        if result.visibility == "hidden" and _computed(result)
    ]
    g = torch.Generator().manual_seed(secrets.randbits(62))
    candidates = _well_posed(exercise, _candidates(exercise, failing[:MAX_SOURCES], g))
    if not candidates:
        return None
    run = runner.run(
        source.cells,
        exercise.function,
        [copy_value(case.args) for _, case, _ in candidates],
        hidden_from=0,  # what it prints is not shown: the search is not the student's run
        tolerant=source.notebook,
        case_cpu_seconds=exercise.limits.case_cpu_seconds,
        submission_wall_seconds=WALL_SECONDS,
        memory_bytes=exercise.limits.memory_bytes,
    )
    if not run.load.ok:
        return None
    params = exercise.parameter_names()
    for (name, case, want), got in zip(candidates, run.cases, strict=True):
        if got.status not in _RUN_FAULTS:
            continue
        rule = case.comparison or exercise.comparison
        finding = judge(want, got, rule, exercise, params, run.limits)
        if finding is not None and finding.key not in _NOT_WRONG:
            return _shown(name, case, want, got, finding, params)
    return None


def _shown(
    name: str, case: Case, want: Expected, got: CaseOutcome, finding: Finding, params: list[str]
) -> Counterexample:
    inputs = [
        (params[i] if i < len(params) else f"argument {i + 1}", _text(a)) for i, a in enumerate(case.args)
    ]
    if isinstance(want, Raised):
        expected = {"en": f"raises {want.type_name}", "zh": f"抛出 {want.type_name}"}
    else:
        expected = {"en": _text(want.value), "zh": _text(want.value)}
    if got.status == "raised":
        error = got.error or {}
        kind = f"{error.get('type', 'Exception')}: {str(error.get('message', ''))[:200]}"
        actual = {"en": f"raised {kind}", "zh": f"抛出了 {kind}"}
    else:
        actual = {"en": _text(got.value), "zh": _text(got.value)}
    return Counterexample(name, inputs, expected, actual, finding)


def _text(value: Any) -> str:
    """An input as text: its values, and its shape and dtype where the values do not say them."""
    if isinstance(value, torch.Tensor):
        dtype = str(value.dtype).removeprefix("torch.")
        if value.numel() == 0 or value.numel() > 12:
            return f"tensor of shape {tuple(value.shape)}, dtype {dtype}"
        shown = format_value(value)
        return shown if value.dtype == torch.float32 else f"{shown} ({dtype})"
    if isinstance(value, (list, tuple)) and any(isinstance(v, torch.Tensor) for v in value):
        inner = ", ".join(_text(v) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    return format_value(value)


def _well_posed(
    exercise: Exercise, candidates: list[tuple[str, Case, Expected]]
) -> list[tuple[str, Case, Expected]]:
    """Candidates with the reference's outcome, smallest first: those whose outcome is of the
    hidden case's kind (a value, or the same exception) and where the exercise's solution agrees
    with the reference."""
    solution = solution_function(exercise)
    params = exercise.parameter_names()
    kept = []
    for name, case, source_want in candidates:
        want = call_trusted(exercise.reference, case.args)
        if isinstance(want, Raised) != isinstance(source_want, Raised):
            continue
        if (
            isinstance(want, Raised)
            and isinstance(source_want, Raised)
            and want.type_name != source_want.type_name
        ):
            continue
        rule = case.comparison or exercise.comparison
        if agree(call_trusted(solution, case.args), want, rule, params):
            kept.append((name, case, want))
    kept.sort(key=lambda item: _size(item[1].args))
    return kept[:MAX_CANDIDATES]


def _size(value: Any) -> int:
    if isinstance(value, torch.Tensor):
        return value.numel()
    if isinstance(value, (list, tuple)):
        return sum(_size(item) for item in value) + len(value)
    return 1


def _candidates(
    exercise: Exercise, failing: list[tuple[Case, Expected]], g: torch.Generator
) -> list[tuple[str, Case, Expected]]:
    """(the hidden case's name, a candidate, the hidden case's reference outcome) for each."""
    found: list[tuple[str, Case, Expected]] = []
    for case, want in failing:
        made = [_shrunk(case.args, g, small, first) for small, first in ((True, 2), (True, 3), (False, 2))]
        made += [c.args for c in exercise.hidden_cases(g) if c.name == case.name]
        # A fixed edge case shrinks (or is drawn) to itself: its values are never shown.
        found += [
            (case.name, Case(case.name, args, case.weight, case.comparison), want)
            for args in made
            if not identical(args, case.args)
        ]
    return found


def _all_sizes(value: Any, sizes: set[int]) -> None:
    if isinstance(value, torch.Tensor):
        sizes.update(value.shape)
    elif isinstance(value, (list, tuple)):
        for item in value:
            if type(item) is int:
                sizes.add(item)  # a shape given as a tuple of ints
            else:
                _all_sizes(item, sizes)


def _shrunk(args: tuple[Any, ...], g: torch.Generator, small_values: bool, first: int) -> tuple[Any, ...]:
    """The arguments with every size above 1 mapped to a small one, in order from ``first``
    (equal sizes stay equal, a larger one stays larger), tensors filled anew."""
    sizes: set[int] = set()
    _all_sizes(args, sizes)
    mapping = {size: size for size in sizes if size <= 1}
    for rank, size in enumerate(sorted(s for s in sizes if s > 1)):
        mapping[size] = rank + first
    return tuple(_shrink(a, mapping, g, small_values, top=True) for a in args)


def _shrink(
    value: Any, mapping: dict[int, int], g: torch.Generator, small_values: bool, top: bool = False
) -> Any:
    if isinstance(value, torch.Tensor):
        return _fresh(value, tuple(mapping[s] for s in value.shape), mapping, g, small_values)
    if isinstance(value, (list, tuple)):
        items = [
            mapping.get(item, item) if type(item) is int else _shrink(item, mapping, g, small_values)
            for item in value
        ]
        return type(value)(items)
    if type(value) is float:
        return float(f"{value:.1g}") if value else value  # one significant digit: not the case's value
    return value  # ints (an axis, a count, an iteration number), bools, strings: the case's kind


def _fresh(
    like: torch.Tensor,
    shape: tuple[int, ...],
    mapping: dict[int, int],
    g: torch.Generator,
    small_values: bool,
) -> torch.Tensor:
    """New values of ``like``'s dtype at ``shape``: small integers (readable), or normal ones."""
    if like.dtype == torch.bool:
        fresh = torch.randint(0, 2, shape, generator=g).bool()
    elif like.dtype.is_floating_point:
        if small_values:
            fresh = torch.randint(-3, 4, shape, generator=g).to(like.dtype)
        else:
            fresh = (torch.randn(shape, generator=g, dtype=torch.float64) * 100).round() / 100
            fresh = fresh.to(like.dtype)
    elif like.dtype.is_complex:
        fresh = torch.randn(shape, generator=g, dtype=like.dtype)
    else:
        # Integers often index (labels, positions): keep them below every size there is.
        top = max(1, min((s for s in mapping.values() if s > 0), default=2))
        fresh = torch.randint(0, top, shape, generator=g, dtype=like.dtype)
    if like.requires_grad and fresh.dtype.is_floating_point:
        fresh.requires_grad_(True)
        if like.grad is not None:
            fresh.grad = torch.randint(-3, 4, shape, generator=g).to(like.dtype)
    return fresh
