"""The dashboard's first page: submissions today and in the last hour, the queue, live workers
and their sandbox layers, pass rates by exercise."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grader.accounts.models import Role, User
from grader.fleet.models import WorkerHeartbeat
from grader.fleet.service import ALIVE_SECONDS
from grader.submissions.models import Regrade, Status, Submission
from grader.times import aware, now

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
