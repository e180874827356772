"""The sweep on both backends: it sends again only what a dead worker claimed or what the broker
lost, never a backlog, and never two sweeps at once."""

from __future__ import annotations

import os
import socket
import threading
from datetime import timedelta

from sqlalchemy import select, update

from grader import queue
from grader.db import unit_of_work
from grader.fleet.models import WorkerHeartbeat
from grader.settings import Settings
from grader.submissions import lifecycle, regrade, sweep
from grader.submissions.models import ExerciseRegrade, Status, Submission
from grader.times import now
from tests.service.conftest import make_user
from tests.service.test_regrade import grade, submit

LONG_AGO = timedelta(minutes=10)


def plan(settings: Settings, *, broker_empty: bool, lease_seconds: float = 0.0) -> sweep.SweepPlan | None:
    with unit_of_work(settings.database_url) as session:
        return sweep.plan_sweep(
            session,
            holder="test",
            waiting_after_seconds=60,
            stuck_after_seconds=300,
            broker_empty=broker_empty,
            lease_seconds=lease_seconds,
        )


def age(settings: Settings, ids: list[int], **columns: object) -> None:
    """Move submissions' times into the past."""
    with unit_of_work(settings.database_url) as session:
        session.execute(update(Submission).where(Submission.id.in_(ids)).values(**columns))


def test_a_backlog_is_left_alone_and_what_the_broker_lost_is_sent_once(service_settings: Settings) -> None:
    make_user(service_settings, "ana")
    waiting = [submit(service_settings, "ana") for _ in range(3)]
    fresh = submit(service_settings, "ana")
    age(service_settings, waiting, updated_at=now() - LONG_AGO)
    backlog = plan(service_settings, broker_empty=False)
    assert backlog is not None and backlog.submissions == []  # the broker still holds them
    lost = plan(service_settings, broker_empty=True)
    assert lost is not None and lost.lost == waiting and fresh not in lost.submissions
    again = plan(service_settings, broker_empty=True)
    assert again is not None and again.submissions == []  # sent once: a full window before the next


def test_only_claims_of_gone_or_stuck_workers_are_sent_again(service_settings: Settings) -> None:
    url = service_settings.database_url
    make_user(service_settings, "bo")
    here, me = socket.gethostname(), os.getpid()
    with unit_of_work(url) as session:  # a live worker on this host, and one whose pid is gone
        session.add(WorkerHeartbeat(name=f"{here}:{me}", host=here, pid=me, mechanisms={}))
        session.add(WorkerHeartbeat(name=f"{here}:999999", host=here, pid=999999, mechanisms={}))
    alive, dead, silent, stuck, young = (submit(service_settings, "bo") for _ in range(5))
    for submission_id, worker in [
        (alive, f"{here}:{me}"),
        (dead, f"{here}:999999"),
        (silent, "elsewhere:42"),
        (stuck, f"{here}:{me}"),
        (young, "elsewhere:42"),
    ]:
        with unit_of_work(url) as session:
            assert lifecycle.claim(session, submission_id, worker) is not None
    age(service_settings, [alive, dead, silent], claimed_at=now() - timedelta(seconds=30))
    age(service_settings, [stuck], claimed_at=now() - LONG_AGO)
    found = plan(service_settings, broker_empty=False)
    assert found is not None and found.abandoned == sorted([dead, silent, stuck])
    with unit_of_work(url) as session:
        rows = {r.id: r for r in session.scalars(select(Submission))}
    assert all(rows[i].status == Status.queued and rows[i].claimed_at is None for i in (dead, silent, stuck))
    assert rows[alive].status == Status.running and rows[young].status == Status.running


def test_a_regrade_waiting_for_a_worker_is_sent_only_when_lost(service_settings: Settings) -> None:
    make_user(service_settings, "cy")
    graded = submit(service_settings, "cy")
    grade(service_settings, graded, 5.0, cases=1)
    with unit_of_work(service_settings.database_url) as session:
        regrade.request_submission(session, graded, None)
        session.add(ExerciseRegrade(exercise_slug="linalg.norm", created_at=now() - LONG_AGO))
    age(service_settings, [graded], updated_at=now() - LONG_AGO)
    assert plan(service_settings, broker_empty=False) == sweep.SweepPlan()
    lost = plan(service_settings, broker_empty=True)
    assert lost is not None and lost.lost == [graded] and len(lost.regrades) == 1


def test_two_sweeps_at_once_never_send_the_same_work(service_settings: Settings) -> None:
    make_user(service_settings, "dee")
    ids = [submit(service_settings, "dee") for _ in range(20)]
    age(service_settings, ids, updated_at=now() - LONG_AGO)
    plans: list[sweep.SweepPlan | None] = []
    start = threading.Barrier(2)

    def run() -> None:
        start.wait()
        plans.append(plan(service_settings, broker_empty=True, lease_seconds=30))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent = [p for p in plans if p is not None]
    assert len(sent) == 1 and sent[0].lost == ids  # the other found the lease held
    assert plan(service_settings, broker_empty=True, lease_seconds=30) is None  # still held


def test_the_broker_counts_its_waiting_messages(service_settings: Settings) -> None:
    app = queue.make_celery(service_settings.broker_url)
    assert queue.waiting_messages(app) == 0
    queue.enqueue_grading(service_settings, [101, 102, 103])
    assert queue.waiting_messages(app) == 3
