"""Grade passback: a student's assignment total, with the late policy and their extension
applied (``reports.assignment_grades``), sent to the assignment's line item in the LMS.

Sent after every graded submission to the assignment and whenever a date or an extension may
change the grade; each send is a task (``grader.queue.LTI_SCORE``) that plans in one
transaction, talks to the platform with none open, and records what happened in another. A
total equal to the last one sent is not sent again unless asked ("send again"). The transaction
that asks for a send also marks it owed (``outbox``), so a send the broker loses is not lost."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from grader import queue
from grader.accounts.models import User
from grader.assignments.models import Assignment
from grader.lti import ags, claims, keys, outbox
from grader.lti.errors import PlatformUnreachable
from grader.lti.models import Context, Identity, LineItem, Platform, ScoreSent
from grader.lti.service_token import Client, access_token
from grader.lti.service_token import forget as forget_token
from grader.reports import assignment_grades
from grader.settings import Settings
from grader.submissions.models import Submission
from grader.times import now

SCOPES = (claims.SCOPE_LINEITEM, claims.SCOPE_LINEITEM_READ, claims.SCOPE_SCORE)
SEND_ATTEMPTS = 6  # with backoff 10 s, 20 s, 40 s, 80 s, 160 s: about five minutes


def retry_delay(retries: int) -> int:
    """Seconds to wait before the next attempt, after ``retries`` retries."""
    return min(10 * 2**retries, 600)


LONGEST_BACKOFF_SECONDS = retry_delay(SEND_ATTEMPTS - 2)


def _context(session: Session, course_id: int) -> Context | None:
    return session.scalar(select(Context).where(Context.course_id == course_id))


def lti_students(session: Session, assignment: Assignment, user_ids: list[int] | None = None) -> list[int]:
    """The students of the assignment's course reached through its LMS (those with an identity
    on the platform of its linked LMS course), of ``user_ids`` when given."""
    context = _context(session, assignment.course_id)
    if context is None:
        return []
    query = select(Identity.user_id).where(Identity.platform_id == context.platform_id)
    if user_ids is not None:
        query = query.where(Identity.user_id.in_(user_ids))
    return sorted(set(session.scalars(query)))


def send_after_commit(
    session: Session, settings: Settings, assignment: Assignment, user_ids: list[int] | None = None
) -> int:
    """Send the scores of these students (all the LMS's students without ``user_ids``) once the
    session commits; returns how many sends were registered."""
    students = lti_students(session, assignment, user_ids)
    _owe_and_send(session, settings, assignment.id, students)
    return len(students)


def _owe_and_send(
    session: Session, settings: Settings, assignment_id: int, user_ids: list[int], *, force: bool = False
) -> None:
    """Mark these sends owed in this transaction, and send them once it commits."""
    outbox.want(session, assignment_id, user_ids, force=force)
    for user_id in user_ids:
        queue.after_commit_send(session, settings, queue.LTI_SCORE, assignment_id, user_id, force=force)


def dates_changed_after_commit(
    session: Session, settings: Settings, assignment: Assignment, username: str | None = None
) -> int:
    """After an assignment's dates or points, or a student's extension (``username``), changed:
    send the totals that may have changed (the task skips a total equal to the last one sent)."""
    if username is None:
        return send_after_commit(session, settings, assignment)
    user_id = session.scalar(select(User.id).where(User.username == username))
    return send_after_commit(session, settings, assignment, [user_id]) if user_id is not None else 0


def send_again_after_commit(
    session: Session, settings: Settings, assignment: Assignment, username: str
) -> bool:
    """Send a student's total once more whatever was sent before (the gradebook's "send
    again"); False if the student is not one of the LMS's."""
    user_id = session.scalar(select(User.id).where(User.username == username))
    if user_id is None or not lti_students(session, assignment, [user_id]):
        return False
    _owe_and_send(session, settings, assignment.id, [user_id], force=True)
    return True


def send_lost_after_commit(session: Session, settings: Settings) -> int:
    """The sweep's part: send again the sends owed past the sweep's window and quiet for longer
    than a retry waits (call under the sweep's lease, when the broker holds no message)."""
    owed = outbox.owed_and_lost(
        session,
        waiting_after_seconds=settings.sweep_after_seconds,
        quiet_after_seconds=LONGEST_BACKOFF_SECONDS + 60,
    )
    for send in owed:
        queue.after_commit_send(
            session, settings, queue.LTI_SCORE, send.assignment_id, send.user_id, force=send.force
        )
    return len(owed)


def after_grading(session: Session, settings: Settings, submission_id: int) -> None:
    """After a submission to an assignment was graded: send its student's total."""
    row = session.get(Submission, submission_id)
    if row is None or row.assignment_id is None:
        return
    assignment = session.get(Assignment, row.assignment_id)
    if assignment is not None:
        send_after_commit(session, settings, assignment, [row.user_id])


@dataclass(frozen=True)
class Plan:
    """One send, as plain data: where, with which key, and what."""

    client: Client
    key: keys.SigningKey
    context_id: int
    lineitem_url: str | None  # None: find or create it at lineitems_url
    lineitems_url: str | None
    label: str
    score: dict[str, Any]


def plan_send(
    session: Session, secret_key: str, assignment_id: int, user_id: int, *, force: bool = False
) -> Plan | None:
    """What to send for this student, or None when there is nothing to (the course is not
    linked to an LMS course, the student is not from it, the total is the one last sent)."""
    assignment = session.get(Assignment, assignment_id)
    context = _context(session, assignment.course_id) if assignment is not None else None
    if assignment is None or context is None:
        return None
    identity = session.scalar(
        select(Identity).where(Identity.platform_id == context.platform_id, Identity.user_id == user_id)
    )
    if identity is None:
        return None
    grades = assignment_grades.student_grades(session, assignment, user_id)
    total = round(sum(grade.points or 0.0 for grade in grades.values()), 4)
    maximum = float(sum(row.points for row in assignment.exercises))
    last = session.scalar(
        select(ScoreSent).where(ScoreSent.assignment_id == assignment_id, ScoreSent.user_id == user_id)
    )
    if not force and last is not None and last.error is None and last.score_given == total:
        return None
    line = session.scalar(
        select(LineItem).where(LineItem.context_id == context.id, LineItem.assignment_id == assignment_id)
    )
    if line is None and not context.lineitems_url:
        raise PlatformUnreachable("the LMS announced no line items service for this course (AGS claim)")
    graded = [grade for grade in grades.values() if grade.points is not None]
    progress = "Completed" if len(graded) == len(grades) else "InProgress" if graded else "Initialized"
    platform = session.get_one(Platform, context.platform_id)
    score = {
        "userId": identity.sub,
        "scoreGiven": total,
        "scoreMaximum": maximum,
        "activityProgress": progress,
        "gradingProgress": "FullyGraded",
        "timestamp": now().isoformat(timespec="milliseconds"),
    }
    return Plan(
        Client(platform.client_id, platform.token_url),
        keys.signing_key(session, secret_key),
        context.id,
        line.url if line else None,
        context.lineitems_url,
        assignment.title,
        score,
    )


def line_item_for(session: Session, plan: Plan, assignment_id: int) -> str:
    """The line item of the plan: known, else found or created at the platform once. The
    context's row is written first, which holds other sends of this course back until this
    transaction ends (a row lock; SQLite's write lock), so two never both create one."""
    if plan.lineitem_url is not None:
        return plan.lineitem_url
    session.execute(update(Context).where(Context.id == plan.context_id).values(title=Context.title))
    line = session.scalar(
        select(LineItem).where(
            LineItem.context_id == plan.context_id, LineItem.assignment_id == assignment_id
        )
    )
    if line is not None:
        return line.url
    assert plan.lineitems_url is not None
    token = access_token(plan.client, SCOPES, plan.key)
    url = ags.find_or_create_line_item(
        plan.lineitems_url, token, assignment_id, plan.label, float(plan.score["scoreMaximum"])
    )
    session.add(LineItem(context_id=plan.context_id, assignment_id=assignment_id, url=url[:1000]))
    return url


def deliver(plan: Plan, lineitem_url: str) -> None:
    """POST the score (a token the platform refuses is forgotten, and asked for once more)."""
    token = access_token(plan.client, SCOPES, plan.key)
    try:
        ags.post_score(lineitem_url, token, plan.score)
    except ags.Refused:
        raise
    except PlatformUnreachable as exc:
        if " answered 401" not in str(exc):
            raise
        forget_token(plan.client)
        ags.post_score(lineitem_url, access_token(plan.client, SCOPES, plan.key), plan.score)


def record(
    session: Session, assignment_id: int, user_id: int, score: dict[str, Any] | None, error: str | None
) -> None:
    """Keep what was sent (or why it failed) for the gradebook page."""
    row = session.scalar(
        select(ScoreSent).where(ScoreSent.assignment_id == assignment_id, ScoreSent.user_id == user_id)
    )
    if row is None:
        row = ScoreSent(assignment_id=assignment_id, user_id=user_id, attempts=0)
        try:
            with session.begin_nested():  # a send of the same student may have made it meanwhile
                session.add(row)
        except IntegrityError:
            row = session.scalars(
                select(ScoreSent).where(
                    ScoreSent.assignment_id == assignment_id, ScoreSent.user_id == user_id
                )
            ).one()
    row.attempts = (row.attempts or 0) + 1
    row.tried_at = now()
    row.error = error[:1000] if error else None
    if score is not None and error is None:
        row.score_given, row.score_maximum, row.sent_at = score["scoreGiven"], score["scoreMaximum"], now()


@dataclass(frozen=True)
class Outcome:
    """What one send did: ``sent``, ``unchanged`` (nothing to send) or ``failed`` (``error``
    says why; ``retryable`` unless the platform refused the request itself)."""

    status: str
    error: str | None = None
    retryable: bool = False


Transaction = Callable[[], AbstractContextManager[Session]]


def send_score(
    transaction: Transaction,
    secret_key: str,
    assignment_id: int,
    user_id: int,
    *,
    force: bool = False,
    last_attempt: bool = True,
) -> Outcome:
    """One send (the task's body): plan in a transaction, find or create the line item, POST the
    score with no transaction open, record the outcome in a last transaction. A final outcome
    (anything but a failure worth retrying before the ``last_attempt``) settles what was owed."""
    started = now()
    try:
        with transaction() as session:
            plan = plan_send(session, secret_key, assignment_id, user_id, force=force)
            if plan is None:
                outbox.settled(session, assignment_id, user_id, started)
    except PlatformUnreachable as exc:
        with transaction() as session:
            record(session, assignment_id, user_id, None, str(exc))
            outbox.settled(session, assignment_id, user_id, started)
        return Outcome("failed", str(exc))
    if plan is None:
        return Outcome("unchanged")
    error, retryable = None, False
    try:
        with transaction() as session:
            url = line_item_for(session, plan, assignment_id)
        deliver(plan, url)
    except PlatformUnreachable as exc:
        error, retryable = str(exc), not isinstance(exc, ags.Refused)
    with transaction() as session:
        record(session, assignment_id, user_id, plan.score, error)
        if not retryable or last_attempt:
            outbox.settled(session, assignment_id, user_id, started)
    return Outcome("failed" if error else "sent", error, retryable)


def sent_by_username(session: Session, assignment: Assignment) -> dict[str, ScoreSent]:
    """The last send per student (by username), for the gradebook page."""
    rows = session.execute(
        select(User.username, ScoreSent)
        .join(ScoreSent, ScoreSent.user_id == User.id)
        .where(ScoreSent.assignment_id == assignment.id)
    ).all()
    return {username: sent for username, sent in rows}


def linked(session: Session, assignment: Assignment) -> bool:
    """Whether the assignment's course is linked to an LMS course (its gradebook shows sends)."""
    return _context(session, assignment.course_id) is not None
