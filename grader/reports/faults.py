"""Gradings the grader gave up on lately: what makes /healthz say "degraded" and what the
dashboard counts as grader faults."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grader.submissions.models import Regrade, Status, Submission
from grader.times import now

FAULT_WINDOW = timedelta(hours=1)


def recent_faults(session: Session) -> dict[str, Any]:
    """Gradings the grader gave up on in the last FAULT_WINDOW (attempts spent): submissions
    left in ``error`` and regrades that kept the old score. Any makes the service degraded."""
    since = now() - FAULT_WINDOW
    failed = session.scalar(
        select(func.count()).where(Submission.status == Status.error, Submission.updated_at >= since)
    )
    regrades = session.scalar(
        select(func.count()).where(Regrade.error.is_not(None), Regrade.completed_at >= since)
    )
    return {
        "ok": not failed and not regrades,
        "errors": failed or 0,
        "failed_regrades": regrades or 0,
        "window_seconds": int(FAULT_WINDOW.total_seconds()),
    }
