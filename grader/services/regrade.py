"""Regrades: put graded submissions back in the queue against the exercise's current version,
with an audit row per submission (who asked, the score and version before)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from grader import queue
from grader.db import unit_of_work
from grader.models import Regrade, Status, Submission, now
from grader.services.catalog import current_version
from grader.settings import Settings


def reset_submission(
    session: Session, submission_id: int, requested_by: int | None, reason: str = "requested"
) -> int:
    """Queue one submission again; returns its id (to enqueue after commit)."""
    row = session.get(Submission, submission_id, with_for_update=True)
    if row is None:
        from grader.errors import NotFound

        raise NotFound(f"no submission {submission_id}")
    _, version = current_version(session, row.exercise_slug)
    session.add(
        Regrade(
            submission_id=row.id,
            requested_by=requested_by,
            reason=reason,
            old_score=row.score,
            old_version_id=row.exercise_version_id,
        )
    )
    row.exercise_version_id = version.id
    row.status = Status.queued
    row.score = None
    row.graded_at = None
    row.started_at = None  # a new grading round: the previous round's gradings may not record
    row.attempts = 0
    row.updated_at = now()
    return row.id


def count_exercise(session: Session, slug: str) -> int:
    """How many submissions an exercise regrade will queue."""
    from sqlalchemy import func

    return session.scalar(select(func.count()).where(Submission.exercise_slug == slug)) or 0


def reset_exercise(session: Session, slug: str, requested_by: int | None) -> list[int]:
    """Queue every submission of an exercise again."""
    ids = list(
        session.scalars(select(Submission.id).where(Submission.exercise_slug == slug).order_by(Submission.id))
    )
    return [reset_submission(session, i, requested_by, reason=f"exercise {slug} regraded") for i in ids]


def request_one(settings: Settings, submission_id: int, requested_by: int) -> None:
    """Reset a submission (audited), commit, then enqueue it: what an instructor's button does."""
    with unit_of_work(settings.database_url) as session:
        reset_submission(session, submission_id, requested_by)
    queue.enqueue_grading(settings, [submission_id])


def request_exercise(settings: Settings, slug: str, requested_by: int) -> int:
    """Enqueue the regrade of every submission of an exercise (a task: a course may have
    thousands); returns how many there are."""
    with unit_of_work(settings.database_url) as session:
        count = count_exercise(session, slug)
    queue.enqueue_regrade(settings, slug, requested_by)
    return count
