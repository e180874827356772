"""Translate what a child sent, or how it ended, into the contract's outcomes."""

from __future__ import annotations

import signal
import time
from typing import Any

from worker.sandbox import wire
from worker.sandbox.contract import CaseOutcome, LoadOutcome, SandboxConfig

BUSY_SHARE = 0.1  # a case that used at least this share of its wall time on CPU was computing

LOAD_FAILURES = {
    "eof": "crashed while loading",
    "cpu": "timed out while loading (top-level code)",
    "wall": "timed out while loading (top-level code)",
    "bad": "sent a malformed reply while loading",
}


def load_outcome(header: dict[str, Any]) -> LoadOutcome:
    return LoadOutcome(
        ok=header.get("ok") is True,
        error=_plain_dict(header.get("error")),
        cell_errors=[e for e in header.get("cell_errors", []) if isinstance(e, dict)][:50],
        missing_function=header.get("missing") if isinstance(header.get("missing"), str) else None,
        found_instead=header.get("found") if isinstance(header.get("found"), str) else None,
    )


def _plain_dict(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def case_outcome(frame: tuple[dict[str, Any], bytes], limits: wire.Limits) -> CaseOutcome:
    header, payload = frame
    status = header.get("status")
    try:
        value = wire.decode_value(header["value"], payload, limits) if "value" in header else None
        after = wire.decode_value(header["args_after"], payload, limits)
    except (wire.WireError, KeyError) as exc:
        return CaseOutcome(status="bad_reply", detail=str(exc))
    if status not in ("returned", "raised", "unencodable"):
        return CaseOutcome(status="bad_reply", detail=f"unknown status {status!r}")
    ops, functions = header.get("ops", []), header.get("functions", [])
    return CaseOutcome(
        status=status,
        value=value,
        args_after=after if isinstance(after, list) else None,
        error=_plain_dict(header.get("error")),
        ops=[o for o in ops if isinstance(o, str)][:500] if isinstance(ops, list) else [],
        functions=[f for f in functions if isinstance(f, str)][:500] if isinstance(functions, list) else [],
        tampered=header.get("tampered") is not False,
    )


def failure(
    kind: str, detail: Any, cpu: float, wall: float, deadline: float, config: SandboxConfig
) -> CaseOutcome:
    if kind == "cpu":
        return CaseOutcome(
            status="timeout",
            detail=f"cpu:{config.case_cpu_seconds:g}",
            cpu_seconds=cpu,
            wall_seconds=wall,
        )
    if kind == "wall" and cpu >= BUSY_SHARE * wall:
        # Computing, not waiting: on a loaded machine the wall clock can run out before the
        # CPU budget, and "sleeping?" would mislead the student.
        return CaseOutcome(status="timeout", detail=f"busy:{wall:.0f}", cpu_seconds=cpu, wall_seconds=wall)
    if kind == "wall":
        limit = "submission" if time.monotonic() >= deadline else "case"
        seconds = config.submission_wall_seconds if limit == "submission" else config.case_wall_seconds
        return CaseOutcome(
            status="timeout", detail=f"wall:{seconds:g}:{limit}", cpu_seconds=cpu, wall_seconds=wall
        )
    if kind == "bad":
        return CaseOutcome(status="bad_reply", detail=str(detail))
    return CaseOutcome(status="crashed", detail="", cpu_seconds=cpu, wall_seconds=wall)


def explain_end(outcome: CaseOutcome, ended: dict[str, Any], config: SandboxConfig) -> None:
    """Complete a crashed case's detail with how the process ended (signal or exit code)."""
    if outcome.status != "crashed" or outcome.detail:
        return
    sig, code = ended.get("signal"), ended.get("exit_code")
    if sig in (signal.SIGXCPU, signal.SIGKILL) and outcome.cpu_seconds >= config.case_cpu_seconds:
        outcome.status, outcome.detail = "timeout", f"cpu:{config.case_cpu_seconds:g}"
    elif sig is not None:
        outcome.detail = f"signal:{signal.Signals(sig).name}"
    else:
        outcome.detail = f"exit:{code}"
