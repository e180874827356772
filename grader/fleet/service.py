"""Worker heartbeats: each grading process records itself and its sandbox layers every few
seconds, so /healthz can say which workers are alive and whether their sandboxes are whole,
on any broker and across hosts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from grader.fleet.models import WorkerHeartbeat
from grader.times import now

ALIVE_SECONDS = 30.0


def beat(
    session: Session, name: str, host: str, pid: int, mechanisms: dict[str, bool], details: dict[str, str]
) -> None:
    """Record that this worker process is alive, with its sandbox layers."""
    row = session.get(WorkerHeartbeat, name)
    state = {
        "active": mechanisms,
        "missing": {k: details.get(k, "") for k, on in mechanisms.items() if not on},
    }
    if row is None:
        session.add(WorkerHeartbeat(name=name, host=host, pid=pid, mechanisms=state))
    else:
        row.seen_at = now()
        row.mechanisms = state


def status(session: Session) -> dict[str, Any]:
    """Workers seen recently, and whether every one of them has every sandbox layer."""
    since = now() - timedelta(seconds=ALIVE_SECONDS)
    session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.seen_at < since - timedelta(hours=1)))
    alive = session.scalars(
        select(WorkerHeartbeat).where(WorkerHeartbeat.seen_at >= since).order_by(WorkerHeartbeat.name)
    ).all()
    missing = {row.name: row.mechanisms.get("missing", {}) for row in alive if row.mechanisms.get("missing")}
    return {
        "workers": {"ok": bool(alive), "count": len(alive), "names": [row.name for row in alive]},
        "sandbox": {
            "ok": bool(alive) and not missing,
            "missing": missing,
            "layers": sorted(alive[0].mechanisms.get("active", {})) if alive else [],
        },
    }
