"""Generic diagnoses: what a wrong result equals, computed from the reference alone.

For any exercise, without a mutant written for it: the reference called with two arguments in
the other order, along another axis (a ``dim``/``axis`` parameter), with ``keepdim`` flipped or
in the other floating precision, and the reference's result transposed, negated, or scaled by the
size of an input's dimension (a sum where a mean is asked, or back). All of it is trusted code on
copies of the case's inputs, run here (never in the sandbox); the student's outcome is the one
the sandbox already returned, so a diagnosis costs no run of student code.

Two explanations are never shown but tell a match that says nothing: a result of zeros (under a
loose tolerance, or on an empty result, everything small matches) and the reference's own values
merely attached to (or detached from) a graph, which the finding already names.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch

from grader.grading.exercise import Case, Exercise
from grader.grading.trusted import Expected, Returned, call_trusted
from grader.i18n.messages import Finding

# At most this many failed cases are diagnosed, within this much time: a bound on the work one
# wrong submission adds to its grading (each reference-calling diagnosis is one reference call).
MAX_CASES = 6
BUDGET_SECONDS = 2.0
MAX_SWAPS = 6

_OTHER_FLOAT = {torch.float32: torch.float64, torch.float64: torch.float32}


@dataclass(frozen=True)
class Explanation:
    """One thing a wrong result may equal on a case, and the finding that says so (None: an
    explanation that is never shown, only used to tell that a match is not specific)."""

    finding: Finding | None
    outcome: Expected
    identity: tuple[Any, ...] = field(default=())


def explanations(
    exercise: Exercise, case: Case, want: Returned, deadline: float, *, call_reference: bool = True
) -> list[Explanation]:
    """Every generic explanation of a wrong result on ``case`` (whose reference outcome is
    ``want``): the value transforms (cheap), then, if ``call_reference``, the reference's calls
    on changed arguments while time is left."""
    found = list(_trivial(want)) + list(_transformed(case, want, exercise.parameter_names()))
    if not call_reference:
        return found
    for make in (_swapped, _other_axis, _keepdim_flipped, _other_precision):
        for explanation in make(exercise, case, want, deadline):
            found.append(explanation)
    return found


def deadline_from_now() -> float:
    """The monotonic time by which a grading's diagnoses stop."""
    return time.monotonic() + BUDGET_SECONDS


def _map(value: Any, change: Callable[[Any], Any]) -> Any:
    """``value`` with ``change`` applied to each number or tensor inside it."""
    if isinstance(value, (list, tuple)):
        return type(value)(_map(item, change) for item in value)
    if isinstance(value, torch.Tensor) or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return change(value)
    return value


def _on_values(change: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``change`` applied to a tensor's values, keeping whether it requires grad."""

    def apply(value: Any) -> Any:
        if not isinstance(value, torch.Tensor):
            return change(value)
        with torch.no_grad():
            result = change(value.detach())
        if value.requires_grad and result.dtype.is_floating_point:
            result.requires_grad_(True)
        return result

    return apply


def _trivial(want: Returned) -> Iterator[Explanation]:
    def zero(value: Any) -> Any:
        return torch.zeros_like(value) if isinstance(value, torch.Tensor) else type(value)(0)

    yield Explanation(None, Returned(_map(want.value, _on_values(zero)), want.args_after), ("zeros",))
    value = want.value
    if isinstance(value, torch.Tensor) and value.dtype.is_floating_point:
        flipped = value.detach().clone().requires_grad_(not value.requires_grad)
        yield Explanation(None, Returned(flipped, want.args_after), ("attached",))


def _has_values(value: Any) -> bool:
    """True if a result holds numbers that a transform could change (not bools, not empty)."""
    if isinstance(value, torch.Tensor):
        return value.numel() > 0 and value.dtype != torch.bool
    if isinstance(value, (list, tuple)):
        return any(_has_values(item) for item in value)
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _transformed(case: Case, want: Returned, params: Sequence[str]) -> Iterator[Explanation]:
    value = want.value
    if not _has_values(value):
        return
    negate = _on_values(lambda v: -v if not (isinstance(v, torch.Tensor) and v.dtype == torch.bool) else v)
    yield Explanation(Finding("diagnosis_negated"), Returned(_map(value, negate), want.args_after), ("neg",))
    if isinstance(value, torch.Tensor) and value.dim() >= 2:
        transposed = _on_values(lambda v: v.mT.contiguous())(value)
        yield Explanation(Finding("diagnosis_transposed"), Returned(transposed, want.args_after), ("T",))
    if not _is_floating(value):
        return
    for position, dim, size in _sizes(case):
        where = _size_text(_name(params, position), dim)
        for key, factor in (("diagnosis_times", size), ("diagnosis_divided", 1.0 / size)):
            scaled = _map(value, _on_values(_times(factor)))
            yield Explanation(
                Finding(key, {"size": where, "value": size}),
                Returned(scaled, want.args_after),
                (key, position, dim),
            )


def _times(factor: float) -> Callable[[Any], Any]:
    def scale(value: Any) -> Any:
        return value * factor

    return scale


def _is_floating(value: Any) -> bool:
    if isinstance(value, torch.Tensor):
        return value.dtype.is_floating_point
    if isinstance(value, (list, tuple)):
        return bool(value) and all(_is_floating(item) for item in value)
    return isinstance(value, float)


def _sizes(case: Case) -> list[tuple[int, int | None, int]]:
    """(argument position, dimension or None for all elements, size) of the inputs' sizes above
    1, each size once: the factors a mean and a sum differ by."""
    seen: set[int] = set()
    found: list[tuple[int, int | None, int]] = []
    for position, arg in enumerate(case.args):
        if not isinstance(arg, torch.Tensor):
            continue
        for dim, size in enumerate(arg.shape):
            if size > 1 and size not in seen:
                seen.add(size)
                found.append((position, dim, int(size)))
        if arg.dim() > 1 and arg.numel() not in seen and arg.numel() > 1:
            seen.add(arg.numel())
            found.append((position, None, arg.numel()))
    return found


def _size_text(name: str, dim: int | None) -> dict[str, str]:
    """'the size of dimension 1 of `x`' (or its number of elements), in both languages."""
    if dim is None:
        return {"en": f"the number of elements of `{name}`", "zh": f"`{name}` 的元素个数"}
    return {"en": f"the size of dimension {dim} of `{name}`", "zh": f"`{name}` 第 {dim} 维的长度"}


def _swapped(exercise: Exercise, case: Case, want: Returned, deadline: float) -> Iterator[Explanation]:
    params = exercise.parameter_names()
    args = case.args
    tried = 0
    for i in range(len(args)):
        for j in range(i + 1, len(args)):
            if tried >= MAX_SWAPS or time.monotonic() > deadline:
                return
            if not _same_kind(args[i], args[j]) or identical(args[i], args[j]):
                continue
            tried += 1
            swapped = list(args)
            swapped[i], swapped[j] = swapped[j], swapped[i]
            outcome = call_trusted(exercise.reference, tuple(swapped))
            # What the call left in each argument is judged by position: put them back.
            if isinstance(outcome, Returned):
                after = list(outcome.args_after)
                after[i], after[j] = after[j], after[i]
                outcome = Returned(outcome.value, after)
            names = {"first": _name(params, i), "second": _name(params, j)}
            yield Explanation(Finding("diagnosis_swapped", names), outcome, ("swap", i, j))


def _name(params: Sequence[str], index: int) -> str:
    return params[index] if index < len(params) else f"argument {index + 1}"


def _same_kind(a: Any, b: Any) -> bool:
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        return isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)
    return type(a) is type(b) and isinstance(a, (int, float, tuple, list)) and not isinstance(a, bool)


def identical(a: Any, b: Any) -> bool:
    """True if two arguments are equal all the way down (swapping them would change nothing)."""
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        return (
            isinstance(a, torch.Tensor)
            and isinstance(b, torch.Tensor)
            and a.shape == b.shape
            and a.dtype == b.dtype
            and bool(torch.equal(a.detach(), b.detach()))
        )
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(identical(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and bool(a == b)


def _axis_positions(exercise: Exercise, case: Case) -> list[int]:
    return [
        i
        for i, name in enumerate(exercise.parameter_names())
        if i < len(case.args)
        and ("dim" in name.lower() or "axis" in name.lower())
        and type(case.args[i]) is int
    ]


def _other_axis(exercise: Exercise, case: Case, want: Returned, deadline: float) -> Iterator[Explanation]:
    ndim = max((a.dim() for a in case.args if isinstance(a, torch.Tensor)), default=0)
    params = exercise.parameter_names()
    for position in _axis_positions(exercise, case):
        current = case.args[position]
        for other in range(ndim):
            if other == current % ndim or time.monotonic() > deadline:
                continue
            args = list(case.args)
            args[position] = other
            outcome = call_trusted(exercise.reference, tuple(args))
            finding = Finding("diagnosis_axis", {"name": params[position], "value": other})
            yield Explanation(finding, outcome, ("axis", position, other))


def _keepdim_flipped(
    exercise: Exercise, case: Case, want: Returned, deadline: float
) -> Iterator[Explanation]:
    params = exercise.parameter_names()
    for position, name in enumerate(params):
        if name != "keepdim" or time.monotonic() > deadline:
            continue
        current = case.args[position] if position < len(case.args) else False
        if type(current) is not bool:
            continue
        args = list(case.args) + [False] * (position + 1 - len(case.args))
        args[position] = not current
        outcome = call_trusted(exercise.reference, tuple(args))
        yield Explanation(Finding("diagnosis_keepdim", {"value": str(not current)}), outcome, ("keepdim",))


def _other_precision(
    exercise: Exercise, case: Case, want: Returned, deadline: float
) -> Iterator[Explanation]:
    """The reference on the inputs in the other floating precision, its result brought back to
    the reference's dtype: a computation in float32 where float64 is given loses digits."""
    floats = [a for a in case.args if isinstance(a, torch.Tensor) and a.dtype in _OTHER_FLOAT]
    if not floats or time.monotonic() > deadline:
        return
    other = _OTHER_FLOAT[floats[0].dtype]

    def convert(value: Any) -> Any:
        if isinstance(value, torch.Tensor) and value.dtype in _OTHER_FLOAT:
            return value.detach().to(other).requires_grad_(value.requires_grad)
        return value

    outcome = call_trusted(exercise.reference, tuple(_map(a, convert) for a in case.args))
    if not isinstance(outcome, Returned):
        return

    def back(value: Any, like: Any) -> Any:
        if isinstance(value, torch.Tensor) and isinstance(like, torch.Tensor):
            with torch.no_grad():
                result = value.detach().to(like.dtype)
            return result.requires_grad_(like.requires_grad) if like.dtype.is_floating_point else result
        if isinstance(value, (list, tuple)) and isinstance(like, (list, tuple)) and len(value) == len(like):
            return type(value)(back(v, w) for v, w in zip(value, like, strict=True))
        return value

    dtype = str(other).removeprefix("torch.")
    yield Explanation(
        Finding("diagnosis_precision", {"dtype": dtype}),
        Returned(back(outcome.value, want.value), want.args_after),
        ("precision",),
    )
