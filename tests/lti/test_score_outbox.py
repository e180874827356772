"""LMS score sends are owed until they reach a final outcome: the transaction that asks for a
send marks it, the send settles it, and the sweep sends again what the broker lost (never what
waits for its retry), so a broker down at commit or flushed later loses no grade on its way to
the LMS."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from grader.assignments.models import Assignment
from grader.db import unit_of_work
from grader.lti import outbox, passback
from grader.lti.models import ScoreSent
from grader.times import now
from tests.lti.conftest import Tool
from tests.lti.platform import Platform
from tests.lti.test_grades import graded, late_assignment, send, wait_for
from tests.service.test_grading_flow import _lose_queue
from tests.web.conftest import embedded_only

both_backends = pytest.mark.parametrize("service_settings", ["postgres+redis", "embedded"], indirect=True)


def row(tool: Tool, assignment_id: int, user_id: int) -> ScoreSent:
    with unit_of_work(tool.settings.database_url) as session:
        found = session.scalars(
            select(ScoreSent).where(ScoreSent.assignment_id == assignment_id, ScoreSent.user_id == user_id)
        ).one()
        session.expunge(found)
        return found


def graded_and_owed(tool: Tool, assignment_id: int, user_id: int) -> None:
    """amy's submission graded 10 of 10 (half credit: late), and the send its grading asks for
    owed, as the grading task does in the transaction that records the report."""
    graded(tool, assignment_id, 10.0)
    with unit_of_work(tool.settings.database_url) as session:
        assignment = session.get_one(Assignment, assignment_id)
        assert passback.send_after_commit(session, tool.settings, assignment, [user_id]) == 1


def age(tool: Tool, **columns: Any) -> None:
    """Move every send's times into the past."""
    with unit_of_work(tool.settings.database_url) as session:
        session.execute(update(ScoreSent).values(**columns))


def lost(tool: Tool) -> list[outbox.Owed]:
    """What a sweep would send again now (its window: a minute; a retry's wait: five)."""
    with unit_of_work(tool.settings.database_url) as session:
        return outbox.owed_and_lost(session, waiting_after_seconds=60, quiet_after_seconds=300)


@both_backends
def test_a_send_is_owed_from_the_grading_until_it_is_sent_and_the_sweep_finds_only_lost_ones(
    tool: Tool, platform: Platform
) -> None:
    assignment_id, amy, prof = late_assignment(tool, platform)
    gradebook = f"{tool.url}/courses/dl-101/assignments/{assignment_id}/grades"
    graded_and_owed(tool, assignment_id, amy)  # its task went to a broker no worker reads
    owed = row(tool, assignment_id, amy)
    assert owed.wanted_at is not None and not owed.wanted_force and owed.attempts == 0
    assert "waiting to be sent" in prof.get(gradebook).text
    assert lost(tool) == []  # young: the broker may still deliver it

    age(tool, wanted_at=now() - timedelta(minutes=10))
    assert lost(tool) == [outbox.Owed(assignment_id, amy, False)]
    assert lost(tool) == []  # marked as sent again: the next sweep gives it a full window

    assert send(tool, assignment_id, amy).status == "sent"
    settled = row(tool, assignment_id, amy)
    assert settled.wanted_at is None and settled.score_given == 5.0
    page = prof.get(gradebook).text
    assert "5 / 10" in page and "waiting to be sent" not in page
    age(tool, tried_at=now() - timedelta(hours=1))
    assert lost(tool) == []  # nothing owed

    with unit_of_work(tool.settings.database_url) as session:  # "send again" owes a forced send
        assignment = session.get_one(Assignment, assignment_id)
        assert passback.send_again_after_commit(session, tool.settings, assignment, "amy")
    age(tool, wanted_at=now() - timedelta(minutes=10))
    assert lost(tool) == [outbox.Owed(assignment_id, amy, True)]
    assert send(tool, assignment_id, amy, force=True).status == "sent"
    assert (row(tool, assignment_id, amy).wanted_at, row(tool, assignment_id, amy).wanted_force) == (
        None,
        False,
    )
    assert len(platform.scores) == 2


@embedded_only
def test_a_send_waiting_for_its_retry_stays_owed_and_is_left_to_it(tool: Tool, platform: Platform) -> None:
    assignment_id, amy, _ = late_assignment(tool, platform)
    graded_and_owed(tool, assignment_id, amy)
    platform.fail_scores = 2
    first = passback.send_score(
        lambda: unit_of_work(tool.settings.database_url),
        tool.settings.secret_key(),
        assignment_id,
        amy,
        last_attempt=False,
    )
    assert first.status == "failed" and first.retryable
    assert row(tool, assignment_id, amy).wanted_at is not None  # its retry will send it
    age(tool, wanted_at=now() - timedelta(minutes=10))
    assert lost(tool) == []  # tried a moment ago: its retry is due, not lost

    last = send(tool, assignment_id, amy)  # the last attempt fails too: the send is settled
    assert last.status == "failed"
    failed = row(tool, assignment_id, amy)
    assert failed.wanted_at is None and "503" in (failed.error or "")


@embedded_only
def test_a_mark_made_after_a_send_started_stays_for_the_send_it_asked_for(
    tool: Tool, platform: Platform
) -> None:
    assignment_id, amy, _ = late_assignment(tool, platform)
    started = now()
    graded_and_owed(tool, assignment_id, amy)  # marks it after ``started``
    with unit_of_work(tool.settings.database_url) as session:
        outbox.settled(session, assignment_id, amy, started)
    assert row(tool, assignment_id, amy).wanted_at is not None


@embedded_only
def test_the_sweep_sends_a_score_whose_message_the_broker_lost(
    tool: Tool, platform: Platform, start_worker: Any
) -> None:
    assignment_id, amy, _ = late_assignment(tool, platform)
    graded_and_owed(tool, assignment_id, amy)
    _lose_queue(tool.settings)  # the send's message is gone before any worker read it
    start_worker(beat=True)
    wait_for(lambda: len(platform.scores) == 1, timeout=120)
    assert platform.scores[0]["scoreGiven"] == 5.0
    wait_for(lambda: row(tool, assignment_id, amy).wanted_at is None, timeout=30)
