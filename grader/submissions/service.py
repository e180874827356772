"""Submissions as people see them: store a new one (rate-limited), read one or a page of them
(each only by whoever may), and present one as the API shows it. The worker's side of a
submission's life is in ``lifecycle``."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.orm import Session

from grader.accounts.models import Role, User
from grader.assignments import service as assignments
from grader.assignments.models import Assignment
from grader.bank.catalog import current_version_id
from grader.courses import service as courses
from grader.errors import NotFound, RateLimited
from grader.grading.source_loader import Source
from grader.submissions import tallies
from grader.submissions.models import Status, Submission
from grader.submissions.tally_models import ExerciseStanding
from grader.times import iso, now


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
    assignment_id: int | None = None,
) -> tuple[Submission, bool]:
    """Store a new queued submission (to an assignment, if one is given and open to the user:
    see ``assignments.service.check_submission``): (row, created). A repeated idempotency key
    returns the submission it first created (created False) instead of a new one."""
    if idempotency_key:
        existing = session.scalar(
            select(Submission).where(
                Submission.user_id == user.id, Submission.idempotency_key == idempotency_key
            )
        )
        if existing is not None:
            return existing, False
    _check_rate(session, user, per_minute)
    if assignment_id is not None:
        assignments.check_submission(session, user, assignment_id, slug, now())
    exercise, version_id = current_version_id(session, slug)
    row = Submission(
        user_id=user.id,
        user=user,  # present() names the student: no query for it
        exercise_slug=slug,
        exercise_version_id=version_id,
        source=source.original,
        filename=filename,
        notebook=source.notebook,
        seed=secrets.randbits(31),
        max_score=exercise.points,
        idempotency_key=idempotency_key or None,
        callback_url=callback_url,
        assignment_id=assignment_id,
    )
    session.add(row)
    session.flush()
    tallies.count_submission(session, user.id, slug, exercise.points)
    return row, True


def _check_rate(session: Session, user: User, per_minute: int) -> None:
    since = now() - timedelta(seconds=60)
    # The per_minute-th newest submission of the last minute, if there is one: then the user is
    # at the limit, and may submit again once that one is a minute old. One row, not all of them.
    oldest = session.scalar(_NEWEST, {"b_user": user.id, "b_since": since, "b_skip": max(per_minute - 1, 0)})
    if oldest is not None:
        oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=since.tzinfo)
        wait = max(1, int((oldest - since).total_seconds()) + 1)
        raise RateLimited(f"at most {per_minute} submissions a minute; try again in {wait} s", wait)


_SUBMISSIONS = cast(Table, Submission.__table__)
# Built once: the rate limit runs at every POST (see lifecycle's claim statement).
_NEWEST = (
    select(_SUBMISSIONS.c.created_at)
    .where(_SUBMISSIONS.c.user_id == bindparam("b_user"), _SUBMISSIONS.c.created_at >= bindparam("b_since"))
    .order_by(_SUBMISSIONS.c.created_at.desc())
    .offset(bindparam("b_skip"))
    .limit(1)
)


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


def get_visible(session: Session, user: User, submission_id: int) -> Submission:
    """A submission the user may see: their own, any for instructors, and one to an assignment
    for the TAs and instructors of its course (others get NotFound)."""
    row = session.get(Submission, submission_id)
    if row is None or not _may_see(session, user, row):
        raise NotFound(f"no submission {submission_id}")
    return row


def _may_see(session: Session, user: User, row: Submission) -> bool:
    if user.role != Role.student or row.user_id == user.id:
        return True
    if row.assignment_id is None:
        return False
    assignment = session.get(Assignment, row.assignment_id)
    role = courses.role_in(session, assignment.course, user) if assignment is not None else None
    return role in courses.STAFF


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
    ids = select(Submission.id)
    # How many: the standings count every submission per user and exercise, a few thousand
    # rows where counting the submissions themselves read them all.
    total = select(func.coalesce(func.sum(ExerciseStanding.submissions), 0))
    if user.role == Role.student:
        ids = ids.where(Submission.user_id == user.id)
        total = total.where(ExerciseStanding.user_id == user.id)
    elif student:
        ids = ids.join(User, User.id == Submission.user_id).where(User.username == student)
        total = total.join(User, User.id == ExerciseStanding.user_id).where(User.username == student)
    if exercise:
        ids = ids.where(Submission.exercise_slug == exercise)
        total = total.where(ExerciseStanding.exercise_slug == exercise)
    # The page's ids first (from the index alone, however deep the page), then their rows.
    page_ids = ids.order_by(Submission.id.desc()).offset((page - 1) * per_page).limit(per_page)
    rows = session.scalars(
        select(Submission).where(Submission.id.in_(page_ids.scalar_subquery())).order_by(Submission.id.desc())
    ).all()
    return list(rows), int(session.scalar(total) or 0)


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
        "regrading": row.regrade_requested_at is not None,  # the score stands until it records
        "assignment": row.assignment_id,
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
            # The hint course staff wrote for the group of answers that behave like this one.
            "hint": row.mistake.hint.get(lang) if row.mistake and row.mistake.hint else None,
            "flags": report.get("flags", []),
            "output": report.get("output", ""),
            "output_truncated": report.get("output_truncated", False),
            "counterexample": (report.get("counterexample") or {}).get(lang),
            "error": "the grader failed; it will be looked at" if row.status == Status.error else None,
        }
    )
    return data


def credit_fields(session: Session, row: Submission) -> dict[str, Any]:
    """``late`` and ``credit`` of a submission to an assignment, under the student's own dates
    as they stand now (None for practice outside an assignment)."""
    if row.assignment_id is None:
        return {"late": None, "credit": None}
    assignment = session.get(Assignment, row.assignment_id)
    if assignment is None:
        return {"late": None, "credit": None}
    own = assignments.timeline_for(session, assignment, row.user_id)
    return {"late": own.is_late(row.created_at), "credit": own.credit_at(row.created_at)}
