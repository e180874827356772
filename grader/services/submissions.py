"""Submissions: accept, claim for grading, record the report, fail and retry, read back.

The database is the source of truth: a submission is committed as ``queued`` before its id is
enqueued (by the caller, after the transaction), a worker claims it (``running``, one more
attempt), and the report is recorded at most once (``graded``). Everything a worker needs is
handed over as plain data, so no transaction stays open while the sandbox runs.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, exists, func, insert, select, update
from sqlalchemy.orm import Session

from grader.errors import Invalid, NotFound, RateLimited
from grader.messages import render
from grader.models import CaseResultRow, Regrade, Role, Status, Submission, User, now
from grader.report import Report
from grader.services.catalog import current_version
from grader.source_loader import Source
from grader.times import iso

MAX_CALLBACK_URL = 2000
# The tables themselves, for the worker's per-submission statements: plain Core statements
# skip the ORM's bookkeeping, which cost more CPU than the database's own work.
_SUBMISSIONS = cast(Table, Submission.__table__)
_CASE_RESULTS = cast(Table, CaseResultRow.__table__)
_REGRADES = cast(Table, Regrade.__table__)


@dataclass(frozen=True)
class GradingJob:
    """What a worker needs to grade one submission: plain data, no ORM row."""

    submission_id: int
    exercise_slug: str
    source: str
    notebook: bool
    seed: int
    attempt: int
    callback_url: str | None = None
    regrade: bool = False  # an open regrade audit: a previous grading's case rows may exist
    started_at: datetime | None = None  # when this grading round began: its record must match


def submit(
    session: Session,
    user: User,
    slug: str,
    source: Source,
    *,
    filename: str = "submission.py",
    idempotency_key: str | None = None,
    callback_url: str | None = None,
    per_minute: int = 20,
) -> tuple[Submission, bool]:
    """Store a new queued submission: (row, created). A repeated idempotency key returns the
    submission it first created (created False) instead of a new one."""
    if idempotency_key:
        existing = session.scalar(
            select(Submission).where(
                Submission.user_id == user.id, Submission.idempotency_key == idempotency_key
            )
        )
        if existing is not None:
            return existing, False
    _check_rate(session, user, per_minute)
    if callback_url is not None:
        _check_callback(callback_url)
    exercise, version = current_version(session, slug)
    row = Submission(
        user_id=user.id,
        user=user,  # present() names the student: no query for it
        exercise_slug=slug,
        exercise_version_id=version.id,
        source=source.original,
        filename=filename,
        notebook=source.notebook,
        seed=secrets.randbits(31),
        max_score=exercise.points,
        idempotency_key=idempotency_key or None,
        callback_url=callback_url,
    )
    session.add(row)
    session.flush()
    return row, True


def _check_rate(session: Session, user: User, per_minute: int) -> None:
    since = now() - timedelta(seconds=60)
    # The per_minute-th newest submission of the last minute, if there is one: then the user is
    # at the limit, and may submit again once that one is a minute old. One row, not all of them.
    oldest = session.scalar(
        select(Submission.created_at)
        .where(Submission.user_id == user.id, Submission.created_at >= since)
        .order_by(Submission.created_at.desc())
        .offset(max(per_minute - 1, 0))
        .limit(1)
    )
    if oldest is not None:
        oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=since.tzinfo)
        wait = max(1, int((oldest - since).total_seconds()) + 1)
        raise RateLimited(f"at most {per_minute} submissions a minute; try again in {wait} s", wait)


def _check_callback(url: str) -> None:
    if len(url) > MAX_CALLBACK_URL or not url.startswith(("http://", "https://")):
        raise Invalid("callback_url must be an http(s) URL of at most 2000 characters")


def claim(session: Session, submission_id: int, worker: str) -> GradingJob | None:
    """Mark a submission running for this worker; None if there is nothing to do (unknown, or
    already graded: a redelivered task must not grade twice). One UPDATE ... RETURNING, which
    locks the row as a SELECT ... FOR UPDATE did.

    ``started_at`` is set by the round's first claim and kept by later ones (a redelivery, the
    sweep's re-enqueue, a retry): every grading of one round may record, the first to finish
    wins. A regrade clears it, so gradings of the round before cannot record any more."""
    table, audits = _SUBMISSIONS.c, _REGRADES.c
    open_audit = exists().where(audits.submission_id == table.id, audits.completed_at.is_(None))
    claimed = session.execute(
        update(_SUBMISSIONS)
        .where(table.id == submission_id, table.status != Status.graded)
        .values(
            status=Status.running,
            attempts=table.attempts + 1,
            worker=worker,
            started_at=func.coalesce(table.started_at, now()),
        )
        .returning(
            table.id,
            table.exercise_slug,
            table.source,
            table.notebook,
            table.seed,
            table.attempts,
            table.callback_url,
            open_audit,
            table.started_at,
        )
    ).one_or_none()
    return GradingJob(*claimed) if claimed is not None else None


def record_report(session: Session, job: GradingJob, report: Report, grading_ms: float) -> bool:
    """Store the graded report and close the submission's open regrade audits; False (nothing
    written) if it was graded already (another grading of the round finished first) or a
    regrade reset it meanwhile (the regrade's own grading records instead).

    Plain statements, no ORM objects (this runs once per submission and was most of a worker's
    database time): the submission's UPDATE (which locks the row and checks the claim), and one
    bulk INSERT of the case rows; a regrade first deletes the previous grading's rows and closes
    its audit."""
    problem = report.problem
    graded_at = now()
    table = _SUBMISSIONS.c
    submission_id = job.submission_id
    recorded = session.execute(
        update(_SUBMISSIONS)
        .where(
            table.id == submission_id,
            table.status != Status.graded,
            table.started_at == job.started_at,
        )
        .values(
            status=Status.graded,
            score=report.score,
            max_score=report.max_score,
            graded_at=graded_at,
            grading_ms=grading_ms,
            error=None,
            report={
                "status": report.status,
                "message": {lang: render(problem, lang) if problem else None for lang in ("en", "zh")},
                "flags": [flag.to_dict("en") for flag in report.flags],
                "output": report.output,
                "output_truncated": report.output_truncated,
                "hidden_output_bytes": report.hidden_output_bytes,
                "mutants_matched": report.mutants_matched,
            },
        )
        .returning(table.id)
    ).one_or_none()
    if recorded is None:
        return False
    if job.regrade:  # the previous grading's case rows go, and its audit is closed
        session.execute(delete(_CASE_RESULTS).where(_CASE_RESULTS.c.submission_id == submission_id))
        audits = _REGRADES.c
        session.execute(
            update(_REGRADES)
            .where(audits.submission_id == submission_id, audits.completed_at.is_(None))
            .values(new_score=report.score, completed_at=graded_at)
        )
    if report.tests:
        session.execute(
            insert(_CASE_RESULTS),
            [
                {
                    "submission_id": submission_id,
                    "position": position,
                    "name": case.name,
                    "visibility": case.visibility,
                    "passed": case.passed,
                    "points": case.points,
                    "max_points": case.max_points,
                    "finding": case.finding.key if case.finding else None,
                    "mutant": case.mutant,
                    "message_en": case.message("en"),
                    "message_zh": case.message("zh"),
                }
                for position, case in enumerate(report.tests)
            ],
        )
    return True


def record_failure(session: Session, submission_id: int, message: str, max_attempts: int) -> bool:
    """A grader fault: back to queued for another attempt, or ``error`` when attempts are spent.
    Returns True if it should be retried."""
    row = session.get(Submission, submission_id, with_for_update=True)
    if row is None or row.status == Status.graded:
        return False
    row.error = message[:2000]
    retry = row.attempts < max_attempts
    row.status = Status.queued if retry else Status.error
    return retry


def note_webhook(
    session: Session, submission_id: int, attempts: int, status: int | None, error: str | None
) -> None:
    """Record the latest webhook attempt in the submission's report (for the instructor)."""
    row = session.get(Submission, submission_id)
    if row is None:
        return
    report = dict(row.report or {})
    report["webhook"] = {"attempts": attempts, "status": status, "error": error, "delivered": error is None}
    row.report = report


def stale(session: Session, older_than_seconds: float) -> list[int]:
    """Submissions left queued or running past the deadline (lost by the broker, or whose
    worker died): the sweep enqueues them again."""
    cutoff = now() - timedelta(seconds=older_than_seconds)
    return list(
        session.scalars(
            select(Submission.id)
            .where(Submission.status.in_([Status.queued, Status.running]), Submission.updated_at < cutoff)
            .order_by(Submission.id)
        )
    )


def touch(session: Session, ids: list[int]) -> None:
    """Mark re-enqueued submissions as seen now, so one sweep does not repeat the next's work."""
    for row in session.scalars(select(Submission).where(Submission.id.in_(ids))):
        row.updated_at = now()


def get_visible(session: Session, user: User, submission_id: int) -> Submission:
    """A submission the user may see: their own, or any for instructors (others get NotFound)."""
    row = session.get(Submission, submission_id)
    if row is None or (user.role == Role.student and row.user_id != user.id):
        raise NotFound(f"no submission {submission_id}")
    return row


def list_visible(
    session: Session,
    user: User,
    *,
    page: int,
    per_page: int,
    exercise: str | None = None,
    student: str | None = None,
) -> tuple[list[Submission], int]:
    """A page of submissions the user may see, newest first, and how many there are in all."""
    query = select(Submission)
    if user.role == Role.student:
        query = query.where(Submission.user_id == user.id)
    elif student:
        query = query.join(User, User.id == Submission.user_id).where(User.username == student)
    if exercise:
        query = query.where(Submission.exercise_slug == exercise)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Submission.id.desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return list(rows), total


def present(row: Submission, lang: str, *, full: bool = True) -> dict[str, Any]:
    """The API's view of a submission (hidden cases carry messages that reveal no values)."""
    data: dict[str, Any] = {
        "id": row.id,
        "exercise": row.exercise_slug,
        "status": row.status.value,
        "score": row.score,
        "max_score": row.max_score,
        "student": row.user.username,
        "attempts": row.attempts,
        "created_at": iso(row.created_at),
        "graded_at": iso(row.graded_at),
    }
    if not full:
        return data
    report = row.report or {}
    message = report.get("message") or {}
    data.update(
        {
            "message": message.get(lang) if isinstance(message, dict) else None,
            "tests": [
                {
                    "name": r.name,
                    "visibility": r.visibility,
                    "passed": r.passed,
                    "points": r.points,
                    "max_points": r.max_points,
                    "message": r.message_zh if lang == "zh" else r.message_en,
                }
                for r in row.results
            ],
            "flags": report.get("flags", []),
            "output": report.get("output", ""),
            "output_truncated": report.get("output_truncated", False),
            "error": "the grader failed; it will be looked at" if row.status == Status.error else None,
        }
    )
    return data
