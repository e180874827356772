"""The embedded broker's channel: FIFO delivery, each message once, nothing left behind."""

from __future__ import annotations

import socket
import sqlite3
import time
from pathlib import Path
from queue import Empty

import pytest

from grader.queue import GRADE, QUEUE, embedded_poll_interval, producer


def test_embedded_broker_delivers_each_message_once_in_order_and_keeps_no_delivered_rows(
    tmp_path: Path,
) -> None:
    database = tmp_path / "broker.db"
    app = producer(f"sqla+sqlite:///{database}")
    for submission_id in range(5):
        app.send_task(GRADE, args=[submission_id], queue=QUEUE)
    with app.connection_for_read() as connection:
        channel = connection.default_channel
        assert channel._size(QUEUE) == 5
        delivered = [channel._get(QUEUE)["headers"]["argsrepr"] for _ in range(5)]
        with pytest.raises(Empty):
            channel._get(QUEUE)
    assert delivered == [f"[{i}]" for i in range(5)]
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM kombu_message").fetchone() == (0,)


def test_a_second_channel_sees_what_the_first_sent(tmp_path: Path) -> None:
    app = producer(f"sqla+sqlite:///{tmp_path / 'broker.db'}")
    with app.connection_for_write() as sender, app.connection_for_read() as receiver:
        sender.default_channel._put(QUEUE, {"body": "x"})
        assert receiver.default_channel._get(QUEUE) == {"body": "x"}
        with pytest.raises(Empty):
            sender.default_channel._get(QUEUE)


def test_an_idle_embedded_consumer_polls_slowly_and_still_gets_the_next_message(tmp_path: Path) -> None:
    app = producer(f"sqla+sqlite:///{tmp_path / 'broker.db'}")
    with app.connection_for_read() as connection:
        channel = connection.default_channel
        polls = []
        original = channel._get

        def counted(queue: str) -> dict:
            polls.append(queue)
            return original(queue)

        channel._get = counted
        received = []
        channel.basic_consume(QUEUE, True, received.append, "test")
        transport = connection.transport
        transport._last_delivery = time.monotonic() - 5  # idle for a while
        with pytest.raises(socket.timeout):
            connection.drain_events(timeout=1.0)
        # Every 100 ms when idle (it was every 10 ms, about 100 polls a second).
        assert 5 <= len(polls) <= 15
        app.send_task(GRADE, args=[7], queue=QUEUE)
        connection.drain_events(timeout=5.0)
        assert len(received) == 1 and time.monotonic() - transport._last_delivery < 1.0
        assert embedded_poll_interval(0.0) < embedded_poll_interval(10.0)
