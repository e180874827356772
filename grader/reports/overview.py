"""The dashboard's first page: submissions today and in the last hour, the queue, live workers
and their sandbox layers, pass rates by exercise."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grader.accounts.models import Role, User
from grader.fleet.models import WorkerHeartbeat
from grader.fleet.service import ALIVE_SECONDS
from grader.submissions.models import Regrade, Status, Submission
from grader.submissions.tally_models import ExerciseStanding
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
    hour_ago = moment - timedelta(hours=1)
    count = func.count(Submission.id)
    today, last_hour = session.execute(
        select(
            count.filter(Submission.created_at >= midnight), count.filter(Submission.created_at >= hour_ago)
        )
        # Only the rows of the last day or hour, found by the index on created_at.
        .where(Submission.created_at >= min(midnight, hour_ago))
    ).one()
    # Only the states that are few: the status index counts them without reading the graded rest.
    waiting = [Status.queued, Status.running, Status.error]
    by_status = dict(
        session.execute(
            select(Submission.status, func.count(Submission.id))
            .where(Submission.status.in_(waiting))
            .group_by(Submission.status)
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
    """Per exercise submitted to: students who tried, students at full marks, mean best score
    (from the standings kept as work is recorded: one row per student and exercise)."""
    standing = ExerciseStanding
    full = (standing.best_score.is_not(None)) & (standing.best_score >= standing.max_score - FULL)
    rows = session.execute(
        select(
            standing.exercise_slug,
            func.count(),
            func.count().filter(full),
            func.avg(standing.best_score),
            func.max(standing.max_score),
        )
        .join(User, User.id == standing.user_id)
        .where(User.role == Role.student)
        .group_by(standing.exercise_slug)
        .order_by(standing.exercise_slug)
    ).all()
    return [
        PassRate(
            slug=slug,
            attempted=attempted,
            full_marks=full_marks,
            mean_best=round(float(mean), 3) if mean is not None else None,
            max_score=top,
        )
        for slug, attempted, full_marks, mean, top in rows
    ]
