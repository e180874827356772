"""Judge one case: the trusted outcome against the sandbox's, as one finding (or None: passed).

The order says what matters most: a tampered run, a banned call made at run time, a fault of
the run (timeout, crash, memory), an exception where a value was expected (or the wrong one),
then the value itself, then what the call did to its arguments.
"""

from __future__ import annotations

from typing import Any

from grader.grading.compare import compare, same_grad, same_state
from grader.grading.exercise import Comparison, Exercise
from grader.grading.trusted import Expected, Raised
from grader.i18n.messages import Finding, where
from worker.sandbox.contract import CaseOutcome


def judge(
    want: Expected,
    got: CaseOutcome,
    rule: Comparison,
    exercise: Exercise,
    params: list[str],
    limits: dict[str, float],
) -> Finding | None:
    """What is wrong with one case's outcome, or None if it passes."""
    if got.tampered:
        return Finding("tampered")
    banned = runtime_banned(got, exercise)
    if banned:
        return Finding("banned_runtime", {"name": banned[0]})
    if got.status != "returned" and got.status != "raised":
        return _fault_finding(got, limits)
    if got.status == "raised":
        error = got.error or {}
        if isinstance(want, Raised):
            if want.type_name in error.get("bases", []):
                return None
            return Finding("wrong_exception", {"actual": error.get("type"), "expected": want.type_name})
        return _raised_finding(error, limits)
    if isinstance(want, Raised):
        return Finding("expected_raise", {"expected": want.type_name, "actual": repr(got.value)[:80]})
    finding = compare(want.value, got.value, rule)
    if finding is not None:
        return finding
    return mutation_finding(want.args_after, got.args_after or [], params, rule)


def mutation_finding(
    before: list[Any], after: list[Any], params: list[str], rule: Comparison
) -> Finding | None:
    """What the call did wrong to its arguments (changed one in place, or its gradient)."""
    for index, (want, got) in enumerate(zip(before, after, strict=False)):
        name = params[index] if index < len(params) else f"argument {index + 1}"
        if not same_state(want, got):
            return Finding("mutated", {"name": name})
        if not same_grad(want, got, rule):
            return Finding("grad_changed", {"name": name})
    return None


def _raised_finding(error: dict[str, Any], limits: dict[str, float]) -> Finding:
    message = str(error.get("message", ""))
    place = {"where": {"en": where(error, "en"), "zh": where(error, "zh")}}
    if (
        error.get("type") == "MemoryError"
        or "can't allocate memory" in message
        or "not enough memory" in message
    ):
        return Finding("memory", {"limit": memory_text(limits), **place})
    return Finding("raised", {"type": error.get("type", "Exception"), "message": message[:300], **place})


def memory_text(limits: dict[str, float]) -> str:
    """The memory limit in GiB or MiB."""
    memory = limits.get("memory_bytes", 0)
    return f"{memory / (1 << 30):g} GiB" if memory >= 1 << 30 else f"{memory / (1 << 20):g} MiB"


def _fault_finding(got: CaseOutcome, limits: dict[str, float]) -> Finding:
    kind, _, rest = got.detail.partition(":")
    if got.status == "timeout" and kind == "cpu":
        return Finding("timeout_cpu", {"seconds": rest})
    if got.status == "timeout" and kind == "busy":
        return Finding("timeout_busy", {"seconds": rest})
    if got.status == "timeout":
        seconds, _, scope = rest.partition(":")
        return Finding(
            "timeout_submission" if scope == "submission" and got.wall_seconds == 0 else "timeout_wall",
            {"seconds": seconds},
        )
    if got.status == "crashed" and kind == "exit":
        return Finding("exited", {"code": rest})
    if got.status == "crashed":
        detail = rest or got.detail or "no reply"
        if rest == "SIGKILL":
            detail = f"killed: memory limit {memory_text(limits)} or a resource limit"
        return Finding("crashed", {"detail": detail})
    if got.status == "not_run":
        return (
            Finding("timeout_submission", {"seconds": f"{limits.get('submission_wall_seconds', 0):g}"})
            if "time limit" in got.detail
            else Finding("not_run", {"reason": got.detail})
        )
    if got.status == "unencodable":
        return Finding("unencodable", {"message": (got.error or {}).get("message", "")[:200]})
    return Finding("bad_reply", {"detail": got.detail[:200]})


def runtime_banned(got: CaseOutcome, exercise: Exercise) -> list[str]:
    """Banned names the call ran, torch-level names (what the student wrote) before aten ops."""
    found = (set(got.ops) | set(got.functions)) & exercise.bans.runtime
    return sorted(found, key=lambda name: (":" in name, name))
