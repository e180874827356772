"""A wrong answer's behaviour fingerprint: what the student's function returned (or raised) on
a probe set that is the same for every submission of one exercise version, reduced to something
comparable and hashed, so that answers that behave alike fall in one group however they are
written (``x.sum(0)``, ``torch.sum(x, dim=0)``, a loop).

The probe set is the public cases and a draw of the hidden generator from a fixed seed, never a
submission's own secret seed: its inputs run in the submission's own sandbox run, after the
graded cases, so they cost no extra child and change no grade. The reduction keeps the kind of
each value, a tensor's shape and dtype, and its values on a grid a little coarser than the
exercise's tolerance (float rounding from another order of summation lands on the same point),
or the type of the exception raised.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch

from grader.grading.compare import SCALAR_TOLERANCE, format_value, tolerances
from grader.grading.exercise import Case, Comparison, Exercise
from grader.grading.trusted import Raised, call_trusted
from grader.i18n.messages import Finding
from worker.sandbox.contract import CaseOutcome, Other

# The hidden generator's seed for the probe inputs: a constant, so every submission of an
# exercise version meets the same inputs (a student's own seed is secret and differs).
PROBE_SEED = 170_017
# The grid is this many times the tolerance (relative, and absolute near zero): values the
# comparison calls equal share a point unless they straddle one of its lines, which float noise
# far below the grid rarely does; behaviours that differ by less than the grid everywhere (1 %
# at float32's tolerance) would share a group.
RELATIVE_COARSER = 1000
ABSOLUTE_COARSER = 100
MAX_SHOWN = 600  # characters of one value shown on the dashboard


@dataclass(frozen=True)
class Behaviour:
    """A graded submission's behaviour: its digest (the group key within an exercise version)
    and, for the instructor, its outcome next to the reference's on the first probe input."""

    digest: str
    example: dict[str, str]


def probe_cases(exercise: Exercise) -> list[Case]:
    """The probe inputs beyond the public cases: the hidden generator drawn from PROBE_SEED."""
    return exercise.hidden_cases(torch.Generator().manual_seed(PROBE_SEED))


def behaviour_of(exercise: Exercise, probes: Sequence[Case], outcomes: Sequence[CaseOutcome]) -> Behaviour:
    """The fingerprint of the student's outcomes on ``probes`` (public cases, then probe cases)."""
    reduced = [
        _outcome(outcome, case.comparison or exercise.comparison)
        for case, outcome in zip(probes, outcomes, strict=True)
    ]
    example: dict[str, str] = {}
    if probes:
        first = probes[0]
        want = call_trusted(exercise.reference, first.args)
        example = {
            "case": first.name,
            "input": _clip(", ".join(format_value(arg) for arg in first.args)),
            "output": _shown_outcome(outcomes[0]),
            "expected": _clip(f"raises {want.type_name}" if isinstance(want, Raised) else _show(want.value)),
        }
    return Behaviour(_digest(["ran", reduced]), example)


def behaviour_of_problem(problem: Finding) -> Behaviour:
    """The fingerprint of a submission whose function never ran (it did not load, or a static
    check refused it): what kind of problem it was."""
    kind = problem.params.get("type")
    shown = problem.key if kind is None else f"{problem.key}: {kind}"
    return Behaviour(_digest(["invalid", problem.key, kind]), {"output": shown})


def _digest(reduced: Any) -> str:
    text = json.dumps(reduced, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _outcome(outcome: CaseOutcome, rule: Comparison) -> Any:
    if outcome.tampered:
        return ["tampered"]
    if outcome.status == "raised":
        return ["raised", (outcome.error or {}).get("type")]
    if outcome.status != "returned":
        return [outcome.status]  # a timeout, a crash, a value the wire could not carry
    after = [_reduce(arg, rule) for arg in outcome.args_after or []]
    return ["returned", _reduce(outcome.value, rule), after]


def _reduce(value: Any, rule: Comparison) -> Any:
    """A JSON-able form of a value in which values the comparison calls equal are equal."""
    if isinstance(value, Other):
        return ["other", value.type_name]
    if isinstance(value, torch.Tensor):
        return _reduce_tensor(value, rule)
    if isinstance(value, (bool, int)) or value is None:
        return [type(value).__name__, value]
    if isinstance(value, float):
        rtol = rule.rtol if rule.rtol is not None else SCALAR_TOLERANCE[0]
        atol = rule.atol if rule.atol is not None else SCALAR_TOLERANCE[1]
        return ["float", _on_grid(value, rtol, atol)]
    if isinstance(value, (list, tuple)):
        return [type(value).__name__, [_reduce(item, rule) for item in value]]
    if isinstance(value, str):
        return ["str", value[:200]]
    return ["other", type(value).__name__]


def _reduce_tensor(tensor: torch.Tensor, rule: Comparison) -> Any:
    data = tensor.detach()
    head = ["tensor", str(data.dtype), list(data.shape), tensor.requires_grad]
    if data.is_complex():
        data = torch.view_as_real(data)
    if data.dtype.is_floating_point:
        rtol, atol = tolerances(tensor.dtype, rule)
        values = data.to(torch.float64)
        if rule.sign_invariant_dim is not None and values.dim() > rule.sign_invariant_dim:
            values = _canonical_signs(values, rule.sign_invariant_dim, atol)
        points: list[Any] = [_on_grid(v, rtol, atol) for v in values.flatten().tolist()]
    else:
        points = data.flatten().tolist()
    grad = tensor.grad
    return [*head, points, None if grad is None else _reduce_tensor(grad, rule)]


def _canonical_signs(values: torch.Tensor, dim: int, atol: float) -> torch.Tensor:
    """Each slice along ``dim`` with the sign that makes its first clearly non-zero entry
    positive (a principal component is only defined up to its sign)."""
    moved = values.movedim(dim, -1).reshape(-1, values.shape[dim])
    signs = []
    for column in moved.T:
        clear = column[column.abs() > ABSOLUTE_COARSER * max(atol, 1e-12)]
        signs.append(-1.0 if clear.numel() and clear[0] < 0 else 1.0)
    flip = torch.tensor(signs, dtype=values.dtype)
    shape = [1] * values.dim()
    shape[dim] = values.shape[dim]
    return values * flip.reshape(shape)


def _on_grid(value: float, rtol: float, atol: float) -> Any:
    """``value`` rounded to a grid coarser than the tolerance: a relative step for large values,
    an absolute one near zero (where noise is absolute), as text."""
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    floor = ABSOLUTE_COARSER * max(atol, 1e-300)
    if abs(value) < floor:
        return "0"
    exponent = math.floor(math.log10(abs(value)))
    # At least two significant digits, however loose the tolerance (float16, bfloat16).
    coarse = min(math.ceil(math.log10(RELATIVE_COARSER * max(rtol, 1e-16))), -1)
    relative = 10.0 ** (exponent + coarse)
    step = max(relative, floor)
    return f"{round(value / step) * step:.6g}"


def _shown_outcome(outcome: CaseOutcome) -> str:
    if outcome.status == "returned":
        return _show(outcome.value)
    if outcome.status == "raised":
        error = outcome.error or {}
        return _clip(f"raises {error.get('type')}: {error.get('message', '')}")
    return outcome.status


def _show(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        data = value.detach()
        values = format_value(data.tolist()) if data.numel() <= 48 else "…"
        return _clip(f"tensor({values}, shape={tuple(data.shape)}, dtype={data.dtype})")
    return _clip(format_value(value))


def _clip(text: str) -> str:
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"
