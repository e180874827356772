"""Regrades: grade submissions again against the exercise's current version, audited, without
ever hiding a score.

A graded submission keeps its status and last score while its regrade is pending
(``regrade_requested_at``); the regrade's grading replaces them when it records. A submission
whose grading failed (``error``) goes back to the queue. A submission still waiting for its first
grading needs nothing: that grading already uses the current version. Repeating a request is
safe: a submission with a regrade pending joins it, and an exercise has at most one pending
regrade (a repeat joins it too), so no amount of clicking multiplies the work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from grader import queue
from grader.bank.catalog import current_version
from grader.db import chunked
from grader.errors import NotFound
from grader.settings import Settings
from grader.submissions.models import ExerciseRegrade, Regrade, Status, Submission
from grader.times import now

_SUBMISSIONS = cast(Table, Submission.__table__)
_REGRADES = cast(Table, Regrade.__table__)


@dataclass(frozen=True)
class Ticket:
    """What a request to regrade one submission did."""

    submission_id: int
    status: str  # the submission's status now (a graded one stays graded while it is regraded)
    audit_id: int | None  # the pending regrade's audit row; None for a first grading under way
    joined: bool  # True if the request joined work already pending: nothing new was queued

    @property
    def enqueue(self) -> bool:
        """Whether the caller must send the submission to the queue (after commit)."""
        return not self.joined


def request_submission(
    session: Session, submission_id: int, requested_by: int | None, reason: str = "requested"
) -> Ticket:
    """Regrade one submission (audited): a graded one keeps its score until the regrade records,
    an ``error`` one is queued again, one waiting for its first grading is left to it."""
    row = session.get(Submission, submission_id, with_for_update=True)
    if row is None:
        raise NotFound(f"no submission {submission_id}")
    if row.status in (Status.queued, Status.running):
        return Ticket(row.id, row.status.value, None, joined=True)
    if row.regrade_requested_at is not None:
        pending = session.scalar(
            select(Regrade.id)
            .where(Regrade.submission_id == row.id, Regrade.completed_at.is_(None))
            .order_by(Regrade.id.desc())
            .limit(1)
        )
        return Ticket(row.id, row.status.value, pending, joined=True)
    _, version = current_version(session, row.exercise_slug)
    audit = Regrade(
        submission_id=row.id,
        requested_by=requested_by,
        reason=reason,
        old_score=row.score,
        old_version_id=row.exercise_version_id,
        new_version_id=version.id,
    )
    session.add(audit)
    moment = now()
    if row.status == Status.graded:
        row.regrade_requested_at = moment
    else:  # error: a new first-grading round
        row.status = Status.queued
        row.started_at = None
        row.exercise_version_id = version.id
    row.claimed_at = None
    row.attempts = 0
    row.updated_at = moment
    session.flush()
    return Ticket(row.id, row.status.value, audit.id, joined=False)


def request_one(session: Session, settings: Settings, submission_id: int, requested_by: int) -> Ticket:
    """What an instructor's button does: regrade one submission, sent once the session commits."""
    ticket = request_submission(session, submission_id, requested_by)
    if ticket.enqueue:
        queue.grade_after_commit(session, settings, [submission_id])
    return ticket


@dataclass(frozen=True)
class ExerciseTicket:
    """The pending regrade of an exercise, as a request found or made it."""

    id: int
    exercise: str
    submissions: int
    requested_at: datetime
    joined: bool  # True if the request joined a regrade already pending


def pending_exercise_regrade(session: Session, slug: str) -> ExerciseRegrade | None:
    """The exercise's pending regrade, if any; one whose every submission has recorded is
    marked complete here (completion is noticed when it is next looked at)."""
    pending = session.scalar(
        select(ExerciseRegrade).where(
            ExerciseRegrade.exercise_slug == slug, ExerciseRegrade.completed_at.is_(None)
        )
    )
    if pending is None or pending.dispatched_at is None:
        return pending
    if open_audits(session, pending.id):
        return pending
    pending.completed_at = now()
    session.flush()
    return None


def open_audits(session: Session, batch_id: int) -> int:
    """How many submissions of an exercise regrade have not recorded their regrade yet."""
    return (
        session.scalar(
            select(func.count()).where(Regrade.batch_id == batch_id, Regrade.completed_at.is_(None))
        )
        or 0
    )


def request_exercise_regrade(session: Session, slug: str, requested_by: int | None) -> ExerciseTicket:
    """Regrade every submission of an exercise, or join the regrade already pending. The work
    itself (marking thousands of submissions, sending them) is the dispatch task's, sent by the
    caller after commit when the ticket is new."""
    for _ in range(2):  # a request made at the same moment may win the insert: then join it
        pending = pending_exercise_regrade(session, slug)
        if pending is not None:
            return _exercise_ticket(pending, joined=True)
        batch = ExerciseRegrade(
            exercise_slug=slug, requested_by=requested_by, submissions=count_exercise(session, slug)
        )
        try:
            with session.begin_nested():
                session.add(batch)
        except IntegrityError:
            continue
        return _exercise_ticket(batch, joined=False)
    raise RuntimeError(f"could not find or create the pending regrade of {slug}")


def _exercise_ticket(batch: ExerciseRegrade, *, joined: bool) -> ExerciseTicket:
    return ExerciseTicket(batch.id, batch.exercise_slug, batch.submissions, batch.created_at, joined)


def request_exercise(session: Session, settings: Settings, slug: str, requested_by: int) -> ExerciseTicket:
    """What an instructor's button does: find or make the exercise's pending regrade; a new
    one's dispatch task is sent once the session commits."""
    ticket = request_exercise_regrade(session, slug, requested_by)
    if not ticket.joined:
        queue.regrade_after_commit(session, settings, ticket.id)
    return ticket


def count_exercise(session: Session, slug: str) -> int:
    """How many submissions an exercise regrade will look at."""
    return session.scalar(select(func.count()).where(Submission.exercise_slug == slug)) or 0


def dispatch_exercise_regrade(session: Session, batch_id: int) -> list[int]:
    """Mark every submission of the regrade's exercise for regrading (audited, in bulk) and
    return their ids, to enqueue after commit. Graded ones keep their score; ``error`` ones are
    queued again; ones with a regrade pending already, or waiting for a first grading, are left
    as they are. Done once: a batch dispatched already returns nothing (the sweep finds any of
    its submissions that the broker lost)."""
    batch = session.get(ExerciseRegrade, batch_id, with_for_update=True)
    if batch is None or batch.dispatched_at is not None:
        return []
    slug = batch.exercise_slug
    _, version = current_version(session, slug)
    table = _SUBMISSIONS.c
    rows = session.execute(
        select(table.id, table.status, table.score, table.exercise_version_id)
        .where(
            table.exercise_slug == slug,
            ((table.status == Status.graded) & table.regrade_requested_at.is_(None))
            | (table.status == Status.error),
        )
        .order_by(table.id)
        .with_for_update()
    ).all()
    moment = now()
    if rows:
        session.execute(
            insert(_REGRADES),
            [
                {
                    "submission_id": row.id,
                    "batch_id": batch.id,
                    "requested_by": batch.requested_by,
                    "reason": f"exercise {slug} regraded",
                    "old_score": row.score,
                    "old_version_id": row.exercise_version_id,
                    "new_version_id": version.id,
                    "created_at": moment,
                }
                for row in rows
            ],
        )
    graded = [row.id for row in rows if row.status == Status.graded]
    failed = [row.id for row in rows if row.status == Status.error]
    reset = {"claimed_at": None, "attempts": 0, "updated_at": moment}
    for ids in chunked(graded):
        session.execute(
            update(_SUBMISSIONS).where(table.id.in_(ids)).values(regrade_requested_at=moment, **reset)
        )
    for ids in chunked(failed):
        session.execute(
            update(_SUBMISSIONS)
            .where(table.id.in_(ids))
            .values(status=Status.queued, started_at=None, exercise_version_id=version.id, **reset)
        )
    batch.dispatched_at = moment
    batch.submissions = len(rows)
    return [row.id for row in rows]


@dataclass(frozen=True)
class Progress:
    """How far an exercise's latest regrade has come."""

    id: int
    requested_at: datetime
    submissions: int
    remaining: int
    completed_at: datetime | None


def latest_progress(session: Session, slug: str) -> Progress | None:
    """The exercise's latest regrade and how many of its submissions are still to record."""
    pending_exercise_regrade(session, slug)  # marks a finished one complete
    batch = session.scalar(
        select(ExerciseRegrade)
        .where(ExerciseRegrade.exercise_slug == slug)
        .order_by(ExerciseRegrade.id.desc())
        .limit(1)
    )
    if batch is None:
        return None
    remaining = batch.submissions if batch.dispatched_at is None else open_audits(session, batch.id)
    return Progress(batch.id, batch.created_at, batch.submissions, remaining, batch.completed_at)
