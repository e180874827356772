"""The embedded broker's channel: FIFO delivery, each message once, nothing left behind."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from queue import Empty

import pytest

from grader.queue import GRADE, QUEUE, producer


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
