"""The grader's side of the broker: a Celery app configured from the settings, used only to send
tasks by name. The web service never imports the worker's task module."""

from __future__ import annotations

from functools import cache

from celery import Celery

from grader.settings import Settings

GRADE = "grader.grade_submission"
SWEEP = "grader.sweep"
REGRADE_EXERCISE = "grader.regrade_exercise"
WEBHOOK = "grader.deliver_webhook"
QUEUE = "grading"


def make_celery(broker_url: str, sweep_every_seconds: float = 30.0) -> Celery:
    """A Celery app for this broker, with the delivery guarantees grading needs."""
    if broker_url.startswith("sqla+"):
        # The embedded broker polls its SQLite table; kombu's default of once a second would add
        # a second to every submission. (A transport option would be forwarded to
        # create_engine() and fail: the interval is a class attribute of the transport.)
        from kombu.transport.sqlalchemy import Transport

        Transport.polling_interval = 0.01
    app = Celery("tensor_grader", broker=broker_url, set_as_current=False)
    app.conf.update(
        task_default_queue=QUEUE,
        task_acks_late=True,  # a task is acknowledged after it ran: a dead worker's task returns
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # grading is CPU-bound: no hoarding of tasks
        task_ignore_result=True,  # results live in the database
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        beat_schedule={"sweep": {"task": SWEEP, "schedule": sweep_every_seconds}},
    )
    if broker_url.startswith(("redis://", "rediss://")):
        # Unacknowledged tasks of a dead worker come back after this long; the sweep is faster.
        app.conf.broker_transport_options = {"visibility_timeout": 3600}
    return app


@cache
def producer(broker_url: str) -> Celery:
    """The (cached) app that sends tasks to this broker."""
    return make_celery(broker_url)


def enqueue_grading(settings: Settings, submission_ids: list[int]) -> None:
    """Send one grading task per id (call only after the rows are committed)."""
    app = producer(settings.broker_url)
    for submission_id in submission_ids:
        app.send_task(GRADE, args=[submission_id], queue=QUEUE)


def enqueue_regrade(settings: Settings, slug: str, requested_by: int | None) -> None:
    """Regrade every submission of an exercise, in the background."""
    producer(settings.broker_url).send_task(REGRADE_EXERCISE, args=[slug, requested_by], queue=QUEUE)
