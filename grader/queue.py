"""The grader's side of the broker: a Celery app configured from the settings, used only to send
tasks by name. The web service never imports the worker's task module."""

from __future__ import annotations

import json
import logging
import time
from functools import cache
from queue import Empty
from typing import TYPE_CHECKING, Any

from celery import Celery
from kombu.exceptions import OperationalError as BrokerDown
from sqlalchemy.orm import Session

from grader.db import after_commit
from grader.settings import Settings

log = logging.getLogger(__name__)

GRADE = "grader.grade_submission"
SWEEP = "grader.sweep"
REGRADE_EXERCISE = "grader.regrade_exercise"
WEBHOOK = "grader.deliver_webhook"
LTI_SCORE = "grader.lti_send_score"
QUEUE = "grading"


def make_celery(broker_url: str, sweep_every_seconds: float = 30.0) -> Celery:
    """A Celery app for this broker, with the delivery guarantees grading needs."""
    if broker_url.startswith("sqla+"):
        _configure_embedded_broker()
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


EMBEDDED_POLL_SECONDS = 0.01  # while messages arrive
EMBEDDED_IDLE_POLL_SECONDS = 0.1  # once none has come for EMBEDDED_BUSY_SECONDS
EMBEDDED_BUSY_SECONDS = 1.0


def embedded_poll_interval(seconds_since_delivery: float) -> float:
    """How long the embedded broker's consumer sleeps after finding its queue empty."""
    if seconds_since_delivery < EMBEDDED_BUSY_SECONDS:
        return EMBEDDED_POLL_SECONDS
    return EMBEDDED_IDLE_POLL_SECONDS


def _configure_embedded_broker() -> None:
    """The embedded broker (kombu's SQLAlchemy transport on SQLite): polling and channel.

    kombu polls the table once a second by default, which would add a second to every
    submission; polling every 10 ms all the time kept an idle worker at a tenth of a core. The
    transport is replaced by one that polls every 10 ms while messages arrive and every 100 ms
    once a second has passed without one. (A transport option would be forwarded to
    create_engine() and fail.) Its channel is replaced by one that deletes a message when it is
    delivered (kombu keeps it, marked invisible, forever: every poll then walked every message
    ever sent, so polling cost grew with the deployment's age) and looks a queue's id up once
    instead of at every put and poll."""
    from kombu.transport import sqlalchemy as kombu_sqla

    if not issubclass(kombu_sqla.Transport, _EmbeddedTransportMixin):
        channel: Any = type("EmbeddedChannel", (_EmbeddedChannelMixin, kombu_sqla.Channel), {})
        transport: Any = type(
            "EmbeddedTransport", (_EmbeddedTransportMixin, kombu_sqla.Transport), {"Channel": channel}
        )
        # kombu finds the 'sqla' transport by this name ("kombu.transport.sqlalchemy:Transport").
        setattr(kombu_sqla, "Transport", transport)  # noqa: B010 (mypy refuses assigning to a class)


class _EmbeddedTransportMixin:
    """kombu's virtual ``drain_events`` (mixed in ahead of it), with the sleep between empty
    polls chosen by ``embedded_poll_interval`` and never past the caller's timeout."""

    cycle: Any
    _deliver: Any
    _last_delivery = float("-inf")

    def drain_events(self, connection: Any, timeout: float | None = None) -> None:
        started = time.monotonic()
        while True:
            try:
                self.cycle.get(self._deliver, timeout=timeout)
            except Empty:
                now = time.monotonic()
                if timeout is not None and now - started >= timeout:
                    raise TimeoutError() from None
                pause = embedded_poll_interval(now - self._last_delivery)
                if timeout is not None:
                    pause = min(pause, started + timeout - now)
                time.sleep(pause)
            else:
                self._last_delivery = time.monotonic()
                return


class _EmbeddedChannelMixin:
    """Overrides of kombu's SQLAlchemy channel (mixed in ahead of it): ``_put`` and ``_get``
    as plain statements on its message table, a delivered message deleted, queue ids cached.

    Same delivery semantics as kombu's: a message is handed out once, oldest first, under
    SQLite's write lock (``BEGIN IMMEDIATE``) or a row lock elsewhere; kombu never reads a
    delivered (invisible) message again, so deleting it changes nothing but the table's size.
    An unacknowledged task of a worker that dies is the sweep's to find, as before."""

    session: Any
    message_cls: Any
    if TYPE_CHECKING:

        def _get_or_create(self, queue: str) -> Any: ...  # kombu's channel has it

    def _queue_id(self, queue: str) -> int:
        ids: dict[str, int] = self.__dict__.setdefault("_queue_ids", {})
        if queue not in ids:
            ids[queue] = int(self._get_or_create(queue).id)
        return ids[queue]

    def _put(self, queue: str, payload: Any, **_kwargs: Any) -> None:
        from sqlalchemy.exc import OperationalError

        table = self.message_cls.__table__
        values = {"queue_id": self._queue_id(queue), "payload": json.dumps(payload), "visible": True}
        try:
            self.session.execute(table.insert().values(version=1, **values))
            self.session.commit()
        except OperationalError:
            self.session.rollback()  # the publish fails (and may be retried): nothing was stored
            raise

    def _get(self, queue: str) -> Any:
        from sqlalchemy import select, text

        table = self.message_cls.__table__
        queue_id = self._queue_id(queue)
        sqlite = self.session.bind.name == "sqlite"
        if sqlite:
            self.session.execute(text("BEGIN IMMEDIATE TRANSACTION"))
        try:
            oldest = (
                select(table.c.id, table.c.payload)
                .where(table.c.queue_id == queue_id, table.c.visible.is_(True))
                .order_by(table.c.timestamp, table.c.id)
                .limit(1)
            )
            row = self.session.execute(oldest if sqlite else oldest.with_for_update()).first()
            if row is None:
                raise Empty()
            self.session.execute(table.delete().where(table.c.id == row.id))
            return json.loads(row.payload)
        finally:
            self.session.commit()


@cache
def producer(broker_url: str) -> Celery:
    """The (cached) app that sends tasks to this broker."""
    return make_celery(broker_url)


def grade_after_commit(session: Session, settings: Settings, submission_ids: list[int]) -> None:
    """Send a grading task per id once the session commits. A broker that is down then loses
    nothing: the rows are committed, and the sweep sends them once it can show them lost."""
    if not submission_ids:
        return
    ids = list(submission_ids)

    def send() -> None:
        try:
            enqueue_grading(settings, ids)
        except BrokerDown:
            log.exception("broker unavailable; %d submission(s) wait for the sweep: %s", len(ids), ids[:20])

    after_commit(session, send)


def regrade_after_commit(session: Session, settings: Settings, batch_id: int) -> None:
    """Send the dispatch of an exercise regrade once the session commits (the sweep sends it
    again if the broker loses it)."""

    def send() -> None:
        try:
            enqueue_regrade(settings, batch_id)
        except BrokerDown:
            log.exception("broker unavailable; exercise regrade %s waits for the sweep", batch_id)

    after_commit(session, send)


def after_commit_send(session: Session, settings: Settings, task: str, *args: Any, **kwargs: Any) -> None:
    """Send task ``task`` with these arguments once the session commits (an LTI score send: one
    a broker that is down loses is sent again by the sweep, from ``grader.lti.outbox``)."""

    def send() -> None:
        try:
            producer(settings.broker_url).send_task(task, args=list(args), kwargs=kwargs, queue=QUEUE)
        except BrokerDown:
            log.exception("broker unavailable; task %s%r was not sent", task, args)

    after_commit(session, send)


def enqueue_grading(settings: Settings, submission_ids: list[int]) -> None:
    """Send one grading task per id (call only after the rows are committed)."""
    app = producer(settings.broker_url)
    for submission_id in submission_ids:
        app.send_task(GRADE, args=[submission_id], queue=QUEUE)


def enqueue_regrade(settings: Settings, batch_id: int) -> None:
    """Dispatch an exercise regrade (mark its submissions, send them), in the background."""
    producer(settings.broker_url).send_task(REGRADE_EXERCISE, args=[batch_id], queue=QUEUE)


def waiting_messages(app: Celery) -> int:
    """How many messages wait in the grading queue of ``app``'s broker (not those a worker has
    taken and not yet acknowledged)."""
    with app.connection_for_read() as connection, connection.channel() as channel:
        return int(channel.queue_declare(queue=QUEUE).message_count)
