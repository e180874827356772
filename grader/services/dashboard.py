"""What the instructor dashboard shows: activity, the queue, workers, pass rates, one exercise's
mistakes, a student's submissions and one submission in full. Plain data, no Flask."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grader.exercise import Exercise, pick
from grader.models import (
    ApiToken,
    CaseResultRow,
    Regrade,
    Role,
    Status,
    Submission,
    User,
    WorkerHeartbeat,
    now,
)
from grader.services.workers import ALIVE_SECONDS
from grader.times import aware

FULL = 1e-9  # a score this close to the maximum is full marks


@dataclass(frozen=True)
class WorkerState:
    """One live grading process and its sandbox layers."""

    name: str
    host: str
    pid: int
    seen_seconds_ago: float
    layers: list[str]
    missing: dict[str, str]


@dataclass(frozen=True)
class PassRate:
    """How the students who tried one exercise are doing."""

    slug: str
    attempted: int
    full_marks: int
    mean_best: float | None
    max_score: float


@dataclass
class Overview:
    """The dashboard's first page."""

    today: int
    last_hour: int
    queued: int
    running: int
    errors: int
    regrading: int  # graded submissions whose regrade is pending (their score still shown)
    failed_regrades: int  # regrades the grader gave up on (the old score was kept)
    oldest_queued_seconds: float | None
    workers: list[WorkerState]
    pass_rates: list[PassRate]
    since: datetime = field(default_factory=now)


def overview(session: Session, moment: datetime | None = None) -> Overview:
    """Submissions today (UTC) and in the last hour, the queue, live workers, pass rates."""
    moment = moment or now()
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    count = func.count(Submission.id)
    today, last_hour = session.execute(
        select(
            count.filter(Submission.created_at >= midnight),
            count.filter(Submission.created_at >= moment - timedelta(hours=1)),
        )
    ).one()
    by_status = dict(
        session.execute(
            select(Submission.status, func.count(Submission.id)).group_by(Submission.status)
        ).all()
    )
    oldest = aware(
        session.scalar(select(func.min(Submission.created_at)).where(Submission.status == Status.queued))
    )
    return Overview(
        today=today,
        last_hour=last_hour,
        queued=by_status.get(Status.queued, 0),
        running=by_status.get(Status.running, 0),
        errors=by_status.get(Status.error, 0),
        regrading=session.scalar(select(func.count()).where(Submission.regrade_requested_at.is_not(None)))
        or 0,
        failed_regrades=session.scalar(select(func.count()).where(Regrade.error.is_not(None))) or 0,
        oldest_queued_seconds=(moment - oldest).total_seconds() if oldest else None,
        workers=live_workers(session, moment),
        pass_rates=pass_rates(session),
        since=midnight,
    )


def live_workers(session: Session, moment: datetime | None = None) -> list[WorkerState]:
    """Workers that reported in the last ALIVE_SECONDS, with their sandbox layers."""
    moment = moment or now()
    rows = session.scalars(
        select(WorkerHeartbeat)
        .where(WorkerHeartbeat.seen_at >= moment - timedelta(seconds=ALIVE_SECONDS))
        .order_by(WorkerHeartbeat.name)
    ).all()
    return [
        WorkerState(
            name=row.name,
            host=row.host,
            pid=row.pid,
            seen_seconds_ago=max(0.0, (moment - (aware(row.seen_at) or moment)).total_seconds()),
            layers=sorted(k for k, on in row.mechanisms.get("active", {}).items() if on),
            missing=dict(row.mechanisms.get("missing", {})),
        )
        for row in rows
    ]


def pass_rates(session: Session) -> list[PassRate]:
    """Per exercise submitted to: students who tried, students at full marks, mean best score."""
    graded_best = func.max(Submission.score).filter(Submission.status == Status.graded)
    rows = session.execute(
        select(Submission.exercise_slug, Submission.user_id, graded_best, func.max(Submission.max_score))
        .join(User, User.id == Submission.user_id)
        .where(User.role == Role.student)
        .group_by(Submission.exercise_slug, Submission.user_id)
    ).all()
    per_exercise: dict[str, list[tuple[float | None, float]]] = defaultdict(list)
    for slug, _user, best, top in rows:
        per_exercise[slug].append((best, top or 0.0))
    rates = []
    for slug, students in sorted(per_exercise.items()):
        bests = [best for best, _ in students if best is not None]
        top = max(t for _, t in students)
        rates.append(
            PassRate(
                slug=slug,
                attempted=len(students),
                full_marks=sum(1 for best, t in students if best is not None and best >= t - FULL),
                mean_best=round(sum(bests) / len(bests), 3) if bests else None,
                max_score=top,
            )
        )
    return rates


@dataclass(frozen=True)
class FailingCase:
    """A case students fail, how often, and what they are told most often."""

    case: str
    count: int
    messages: list[tuple[str, int]]


@dataclass(frozen=True)
class MutantSeen:
    """A known mistake recognised in students' work."""

    name: str
    hint: str | None
    submissions: int
    students: int


def failing_cases(session: Session, slug: str, lang: str = "en", most: int = 10) -> list[FailingCase]:
    """The most failed cases of an exercise (graded work), each with its three commonest messages."""
    in_lang = CaseResultRow.message_zh if lang == "zh" else CaseResultRow.message_en
    rows = session.execute(
        select(CaseResultRow.name, in_lang)
        .join(Submission, Submission.id == CaseResultRow.submission_id)
        .where(
            Submission.exercise_slug == slug,
            Submission.status == Status.graded,
            CaseResultRow.passed.is_(False),
        )
    ).all()
    messages: dict[str, Counter[str]] = defaultdict(Counter)
    for name, message in rows:
        messages[name][message] += 1
    ranked = sorted(messages.items(), key=lambda item: (-item[1].total(), item[0]))[:most]
    return [FailingCase(name, found.total(), found.most_common(3)) for name, found in ranked]


def mutants_seen(session: Session, exercise: Exercise, lang: str = "en") -> list[MutantSeen]:
    """The exercise's known mistakes matched in graded work: submissions and students, commonest first."""
    rows = session.execute(
        select(CaseResultRow.mutant, Submission.id, Submission.user_id)
        .join(Submission, Submission.id == CaseResultRow.submission_id)
        .where(
            Submission.exercise_slug == exercise.slug,
            Submission.status == Status.graded,
            CaseResultRow.mutant.is_not(None),
        )
        .distinct()
    ).all()
    found: dict[str, tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    for mutant, submission_id, user_id in rows:
        assert mutant is not None  # filtered out by the query
        found[mutant][0].add(submission_id)
        found[mutant][1].add(user_id)
    hints = {m.name: pick(m.hint, lang) if m.hint else None for m in exercise.mutants}
    seen = [MutantSeen(name, hints.get(name), len(subs), len(users)) for name, (subs, users) in found.items()]
    return sorted(seen, key=lambda m: (-m.submissions, m.name))


@dataclass(frozen=True)
class FirstFull:
    """Attempts to the first full score: how many students needed n, the median, who is not there yet."""

    distribution: list[tuple[int, int]]
    median: float | None
    reached: int
    not_yet: int


def attempts_to_full(session: Session, slug: str) -> FirstFull:
    """Per student, the submissions up to and including their first full-score one."""
    rows = session.execute(
        select(Submission.user_id, Submission.status, Submission.score, Submission.max_score)
        .join(User, User.id == Submission.user_id)
        .where(Submission.exercise_slug == slug, User.role == Role.student)
        .order_by(Submission.user_id, Submission.id)
    ).all()
    needed: dict[int, int | None] = {}
    counted: Counter[int] = Counter()
    for user_id, status, score, top in rows:
        if needed.get(user_id) is not None:
            continue  # full marks already reached: later submissions do not count
        counted[user_id] += 1
        full = status == Status.graded and score is not None and score >= top - FULL
        needed[user_id] = counted[user_id] if full else None
    reached = [n for n in needed.values() if n is not None]
    return FirstFull(
        distribution=sorted(Counter(reached).items()),
        median=statistics.median(reached) if reached else None,
        reached=len(reached),
        not_yet=len(needed) - len(reached),
    )


@dataclass(frozen=True)
class UserRow:
    """One line of the users page."""

    id: int
    username: str
    role: str
    created_at: datetime | None
    tokens: int
    submissions: int
    deactivated: bool = False


def list_users(session: Session) -> list[UserRow]:
    """Every user with the number of live tokens and of submissions, by role then name."""
    tokens = (
        select(ApiToken.user_id, func.count(ApiToken.id).label("n"))
        .where(ApiToken.revoked_at.is_(None))
        .group_by(ApiToken.user_id)
        .subquery()
    )
    works = (
        select(Submission.user_id, func.count(Submission.id).label("n"))
        .group_by(Submission.user_id)
        .subquery()
    )
    rows = session.execute(
        select(User, func.coalesce(tokens.c.n, 0), func.coalesce(works.c.n, 0))
        .outerjoin(tokens, tokens.c.user_id == User.id)
        .outerjoin(works, works.c.user_id == User.id)
        .order_by(User.role, User.username)
    ).all()
    return [
        UserRow(u.id, u.username, u.role.value, aware(u.created_at), t, s, u.deactivated_at is not None)
        for u, t, s in rows
    ]


@dataclass(frozen=True)
class TokenLine:
    """One API token as the users page shows it (never the token itself)."""

    id: int
    name: str
    prefix: str
    created_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


def token_line(row: ApiToken) -> TokenLine:
    """A token row as plain data."""
    return TokenLine(
        row.id, row.name, row.prefix, aware(row.created_at), aware(row.last_used_at), aware(row.revoked_at)
    )


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
