"""The sweep: find the gradings that would otherwise never finish, and nothing else.

A submission is sent to the queue again only when it can be shown to be lost:
- a worker claimed it and stopped reporting on it: that worker process is gone (no heartbeat
  for ``ALIVE_SECONDS``, or its pid no longer exists on this host), or it has held the claim far
  longer than any grading takes;
- it waits for a worker (queued, or a regrade not yet claimed) past the deadline while the
  broker holds no message at all: the broker lost it (a restart without persistence, a flush).
A submission that only waits in a backlog is left alone: the broker still has it.

Two sweeps never run at once (two workers started with ``--beat``, an orphaned beat): each
holds the ``sweep`` lease for its transaction, and what it sends is marked in that transaction,
so the next sweep does not send it again.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, case, select, update
from sqlalchemy.orm import Session

from grader.db import chunked
from grader.models import ExerciseRegrade, Status, Submission, WorkerHeartbeat, now
from grader.services.leases import hold_lease
from grader.services.submissions import claimed_condition, waiting_condition
from grader.services.workers import ALIVE_SECONDS
from grader.times import aware

_SUBMISSIONS = cast(Table, Submission.__table__)
LEASE = "sweep"
DEAD_CLAIM_GRACE_SECONDS = 5.0  # a claim this young is left to its worker's first heartbeat


@dataclass
class SweepPlan:
    """What one sweep sends again (after its transaction commits)."""

    abandoned: list[int] = field(default_factory=list)  # claimed by a worker that stopped
    lost: list[int] = field(default_factory=list)  # waiting, and the broker holds nothing
    regrades: list[int] = field(default_factory=list)  # exercise regrades never dispatched

    @property
    def submissions(self) -> list[int]:
        """Every submission to send again."""
        return sorted(self.abandoned + self.lost)


def plan_sweep(
    session: Session,
    *,
    holder: str,
    waiting_after_seconds: float,
    stuck_after_seconds: float,
    broker_empty: bool,
    lease_seconds: float,
) -> SweepPlan | None:
    """Choose what to send again and mark it sent; None if another sweep holds the lease."""
    if not hold_lease(session, LEASE, holder, lease_seconds):
        return None
    moment = now()
    plan = SweepPlan(abandoned=_abandoned(session, stuck_after_seconds))
    cutoff = None
    if broker_empty:
        cutoff = moment - timedelta(seconds=waiting_after_seconds)
        plan.lost = list(
            session.scalars(
                select(Submission.id)
                .where(waiting_condition(), Submission.updated_at < cutoff)
                .order_by(Submission.id)
            )
        )
        plan.regrades = list(
            session.scalars(
                select(ExerciseRegrade.id).where(
                    ExerciseRegrade.dispatched_at.is_(None),
                    ExerciseRegrade.completed_at.is_(None),
                    ExerciseRegrade.created_at < cutoff,
                )
            )
        )
    _mark_sent(session, plan, cutoff)
    return plan


def _abandoned(session: Session, stuck_after_seconds: float) -> list[int]:
    """Claimed submissions whose worker is gone, or that were claimed too long ago."""
    moment = now()
    rows = session.execute(
        select(Submission.id, Submission.worker, Submission.claimed_at).where(
            claimed_condition(),
            Submission.claimed_at < moment - timedelta(seconds=DEAD_CLAIM_GRACE_SECONDS),
        )
    ).all()
    if not rows:
        return []
    alive = _alive_workers(session)
    stuck_before = moment - timedelta(seconds=stuck_after_seconds)
    return sorted(
        submission_id
        for submission_id, worker, claimed_at in rows
        if worker not in alive or (aware(claimed_at) or moment) < stuck_before
    )


def _alive_workers(session: Session) -> set[str]:
    """Names of the grading processes that reported recently and, on this host, still exist."""
    since = now() - timedelta(seconds=ALIVE_SECONDS)
    here = socket.gethostname()
    rows = session.execute(
        select(WorkerHeartbeat.name, WorkerHeartbeat.host, WorkerHeartbeat.pid).where(
            WorkerHeartbeat.seen_at >= since
        )
    ).all()
    return {name for name, host, pid in rows if host != here or _pid_exists(pid)}


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _mark_sent(session: Session, plan: SweepPlan, cutoff: datetime | None) -> None:
    """Mark what is sent again as waiting, as of now: the next sweep gives it a full window."""
    table = _SUBMISSIONS.c
    moment = now()
    for ids in chunked(plan.abandoned):
        session.execute(
            update(_SUBMISSIONS)
            .where(table.id.in_(ids))
            .values(
                status=case((table.status == Status.running, Status.queued.value), else_=table.status),
                claimed_at=None,
                updated_at=moment,
            )
        )
    if plan.lost and cutoff is not None:  # the same rows as chosen: the lease keeps other sweeps out
        session.execute(
            update(_SUBMISSIONS)
            .where(waiting_condition(), table.updated_at < cutoff)
            .values(updated_at=moment)
        )
