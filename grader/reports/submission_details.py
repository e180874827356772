"""Submissions as the dashboard lists and opens them: list lines, the regrade audit, what
the grading did (worker, timing, seed, the fault)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from grader.accounts.models import User
from grader.submissions.models import Regrade, Submission
from grader.times import aware


@dataclass(frozen=True)
class SubmissionLine:
    """One submission in a list."""

    id: int
    exercise: str
    created_at: datetime | None
    status: str
    score: float | None
    max_score: float


def lines(rows: list[Submission]) -> list[SubmissionLine]:
    """Submissions as list lines."""
    return [
        SubmissionLine(r.id, r.exercise_slug, aware(r.created_at), r.status.value, r.score, r.max_score)
        for r in rows
    ]


@dataclass(frozen=True)
class AuditRow:
    """One regrade of a submission."""

    requested_by: str | None
    reason: str
    old_score: float | None
    new_score: float | None
    created_at: datetime | None
    completed_at: datetime | None


def regrade_audit(session: Session, submission_id: int) -> list[AuditRow]:
    """The regrades of a submission, oldest first, with who asked for them."""
    rows = session.execute(
        select(Regrade, User.username)
        .outerjoin(User, User.id == Regrade.requested_by)
        .where(Regrade.submission_id == submission_id)
        .order_by(Regrade.id)
    ).all()
    return [
        AuditRow(name, r.reason, r.old_score, r.new_score, aware(r.created_at), aware(r.completed_at))
        for r, name in rows
    ]


def grading_details(row: Submission) -> dict[str, Any]:
    """What the instructor sees beyond the student's view: worker, timing, seed, the fault."""
    report = row.report or {}
    return {
        "worker": row.worker,
        "attempts": row.attempts,
        "seed": row.seed,
        "grading_ms": row.grading_ms,
        "started_at": aware(row.started_at),
        "graded_at": aware(row.graded_at),
        "fault": row.error,
        "report_status": report.get("status"),
        "webhook": report.get("webhook"),
        "hidden_output_bytes": report.get("hidden_output_bytes", 0),
        "mutants_matched": report.get("mutants_matched", []),
    }
