"""A student's own progress: best score and state per exercise, history, the last attempt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grader.submissions.models import Status, Submission
from grader.times import aware


@dataclass(frozen=True)
class Standing:
    """Where a student stands on one exercise."""

    best: float | None  # best graded score; None if nothing graded yet
    max_score: float
    attempts: int
    pending: int  # submissions still queued or running

    @property
    def state(self) -> str:
        """not-started, pending, full, partial or zero: the badge on the exercise list."""
        if self.attempts == 0:
            return "not-started"
        if self.best is None:
            return "pending"
        if self.max_score and self.best >= self.max_score - 1e-9:
            return "full"
        return "partial" if self.best > 0 else "zero"


def standings(session: Session, user_id: int) -> dict[str, Standing]:
    """The student's standing on every exercise they have submitted to, by slug."""
    graded_best = func.max(Submission.score).filter(Submission.status == Status.graded)
    pending = func.count(Submission.id).filter(Submission.status.in_([Status.queued, Status.running]))
    rows = session.execute(
        select(
            Submission.exercise_slug,
            graded_best,
            func.max(Submission.max_score),
            func.count(Submission.id),
            pending,
        )
        .where(Submission.user_id == user_id)
        .group_by(Submission.exercise_slug)
    ).all()
    return {
        slug: Standing(best=best, max_score=top or 0.0, attempts=count, pending=waiting)
        for slug, best, top, count, waiting in rows
    }


@dataclass(frozen=True)
class Attempt:
    """One past submission in a student's history."""

    id: int
    created_at: datetime
    status: str
    score: float | None
    max_score: float


def history(session: Session, user_id: int, slug: str, limit: int = 200) -> list[Attempt]:
    """The student's submissions to one exercise, oldest first (the most recent ``limit``)."""
    rows = session.execute(
        select(
            Submission.id, Submission.created_at, Submission.status, Submission.score, Submission.max_score
        )
        .where(Submission.user_id == user_id, Submission.exercise_slug == slug)
        .order_by(Submission.id.desc())
        .limit(limit)
    ).all()
    return [Attempt(i, aware(at), status.value, score, top) for i, at, status, score, top in reversed(rows)]


def last_source(session: Session, user_id: int, slug: str) -> str | None:
    """The code of the student's latest submission to the exercise, to start the editor from."""
    return session.scalar(
        select(Submission.source)
        .where(
            Submission.user_id == user_id,
            Submission.exercise_slug == slug,
            Submission.notebook.is_(False),
        )
        .order_by(Submission.id.desc())
        .limit(1)
    )
