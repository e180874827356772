"""Grade passback (AGS) against the platform simulator: the student's assignment total with the
late policy applied, sent with the exact score contract to the line item (found by resourceId
and tag before one is created), with an access token from a verified client assertion, cached;
failures kept for the gradebook page, with "send again"; and the whole path through a real
worker after a graded submission and after an extension."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from sqlalchemy import delete, select

from grader.accounts import service as accounts
from grader.db import unit_of_work
from grader.lti import passback
from grader.lti.models import LineItem, ScoreSent
from grader.submissions import intake, lifecycle
from grader.submissions import service as submissions
from tests.lti.conftest import Tool, launch
from tests.lti.platform import CLIENT_ID, Platform
from tests.lti.test_launch import AMY, PROF
from tests.service.test_regrade import report
from tests.web.conftest import csrf_from, embedded_only

SUM = "linalg.sum_axis"
CODE = "def sum_axis(x, axis, keepdim=False):\n    return x.sum(dim=axis, keepdim=keepdim)\n"


def at(hours: float) -> str:
    """A moment ``hours`` from now."""
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


def late_assignment(tool: Tool, platform: Platform) -> tuple[int, int, requests.Session]:
    """The instructor's launch makes the course; an assignment due an hour ago, half credit
    for a day; the student launches into it. Returns (assignment id, student id, prof browser)."""
    from grader.assignments import service as assignments
    from grader.courses.models import Course

    platform.people = {"prof": PROF, "amy": AMY}
    prof = requests.Session()
    assert launch(tool, platform, "prof", prof).status_code == 302
    with unit_of_work(tool.settings.database_url) as session:
        course = session.scalars(select(Course)).one()
        body = {
            "title": "Week 1",
            "exercises": [{"exercise": SUM, "points": 10}],
            "due_at": at(-1),
            "late": [{"until": at(24), "credit": 0.5}],
        }
        assignment_id = assignments.create_assignment(session, course, body).id
    platform.custom["amy"] = {"assignment": str(assignment_id)}
    assert launch(tool, platform, "amy").status_code == 302
    with unit_of_work(tool.settings.database_url) as session:
        amy_id = accounts.find_user(session, "amy").id
    return assignment_id, amy_id, prof


def graded(tool: Tool, assignment_id: int, score: float) -> None:
    """A submission of amy's to the assignment, graded ``score`` of 10 (as a worker records it)."""
    with unit_of_work(tool.settings.database_url) as session:
        user = accounts.find_user(session, "amy")
        row, _ = submissions.submit(
            session, user, SUM, intake.load_code(CODE), per_minute=1000, assignment_id=assignment_id
        )
        submission_id = row.id
    with unit_of_work(tool.settings.database_url) as session:
        job = lifecycle.claim(session, submission_id, worker="test:1")
    assert job is not None
    with unit_of_work(tool.settings.database_url) as session:
        assert lifecycle.record_report(session, job, report(score, cases=1), 1.0)


def send(tool: Tool, assignment_id: int, user_id: int, force: bool = False) -> passback.Outcome:
    """The task's body, called as a plain function."""
    return passback.send_score(
        lambda: unit_of_work(tool.settings.database_url),
        tool.settings.secret_key(),
        assignment_id,
        user_id,
        force=force,
    )


@pytest.mark.parametrize("service_settings", ["postgres+redis", "embedded"], indirect=True)
def test_the_late_total_is_sent_with_the_score_contract(tool: Tool, platform: Platform) -> None:
    assignment_id, amy_id, _ = late_assignment(tool, platform)
    graded(tool, assignment_id, 10.0)  # full marks, but late: half credit
    assert send(tool, assignment_id, amy_id).status == "sent"

    assert len(platform.line_items) == 1
    item = platform.line_items[0]
    assert (item["resourceId"], item["tag"], item["scoreMaximum"], item["label"]) == (
        str(assignment_id), "tensor-grader", 10.0, "Week 1")  # fmt: skip
    [score] = platform.scores
    assert score["lineitem"] == item["id"]
    sent = {key: value for key, value in score.items() if key != "lineitem"}
    assert set(sent) == {
        "userId",
        "scoreGiven",
        "scoreMaximum",
        "activityProgress",
        "gradingProgress",
        "timestamp",
    }
    assert sent["userId"] == AMY.sub and sent["scoreGiven"] == 5.0 and sent["scoreMaximum"] == 10.0
    assert sent["gradingProgress"] == "FullyGraded" and sent["activityProgress"] == "Completed"
    assert abs(datetime.fromisoformat(sent["timestamp"]) - datetime.now(UTC)) < timedelta(minutes=1)

    [asked] = platform.token_requests
    assertion = asked["assertion"]  # the simulator verified it against /lti/jwks
    assert assertion["iss"] == assertion["sub"] == CLIENT_ID and assertion["aud"] == f"{platform.url}/token"
    published = requests.get(f"{tool.url}/lti/jwks").json()["keys"]
    assert asked["kid"] in [key["kid"] for key in published]
    assert set(asked["form"]["scope"].split()) == set(passback.SCOPES)

    assert send(tool, assignment_id, amy_id).status == "unchanged"  # the same total: not again
    assert send(tool, assignment_id, amy_id, force=True).status == "sent"
    assert len(platform.scores) == 2 and len(platform.token_requests) == 1  # the token was cached
    with unit_of_work(tool.settings.database_url) as session:
        row = session.scalars(select(ScoreSent)).one()
        assert (row.score_given, row.score_maximum, row.error, row.attempts) == (5.0, 10.0, None, 2)


@embedded_only
def test_the_line_item_is_found_before_one_is_created(tool: Tool, platform: Platform) -> None:
    assignment_id, amy_id, _ = late_assignment(tool, platform)
    graded(tool, assignment_id, 4.0)
    assert send(tool, assignment_id, amy_id).status == "sent"
    with unit_of_work(tool.settings.database_url) as session:  # the tool forgets it made one
        session.execute(delete(LineItem))
    graded(tool, assignment_id, 8.0)
    assert send(tool, assignment_id, amy_id).status == "sent"
    assert len(platform.line_items) == 1  # found by resourceId and tag, not made again
    assert [s["scoreGiven"] for s in platform.scores] == [2.0, 4.0]
    assert all(s["lineitem"] == platform.line_items[0]["id"] for s in platform.scores)


@embedded_only
def test_the_launchs_line_item_is_used_as_it_is(tool: Tool, platform: Platform) -> None:
    platform.lineitem_for_launch = f"{platform.url}/lineitems/77"  # made by the LMS from a deep link
    assignment_id, amy_id, _ = late_assignment(tool, platform)
    graded(tool, assignment_id, 10.0)
    assert send(tool, assignment_id, amy_id).status == "sent"
    assert platform.line_items == [] and platform.scores[0]["lineitem"] == f"{platform.url}/lineitems/77"


@embedded_only
def test_a_failed_send_is_kept_and_shown_with_send_again(tool: Tool, platform: Platform) -> None:
    assignment_id, amy_id, prof = late_assignment(tool, platform)
    graded(tool, assignment_id, 10.0)
    platform.fail_scores = 1
    failed = send(tool, assignment_id, amy_id)
    assert failed.status == "failed" and failed.retryable and "503" in (failed.error or "")
    page = prof.get(f"{tool.url}/courses/dl-101/assignments/{assignment_id}/grades")
    assert page.status_code == 200 and "Sent to the LMS" in page.text
    assert "answered 503" in page.text and "Send again" in page.text

    retried = send(tool, assignment_id, amy_id)  # what the task's retry does
    assert retried.status == "sent"
    page = prof.get(f"{tool.url}/courses/dl-101/assignments/{assignment_id}/grades")
    assert "5 / 10" in page.text and "answered 503" not in page.text
    again = prof.post(
        f"{tool.url}/courses/dl-101/assignments/{assignment_id}/grades/amy/send",
        data={"csrf_token": csrf_from(page.text)},
        allow_redirects=False,
    )
    assert again.status_code == 302
    assert "being sent to the LMS" in prof.get(tool.url + again.headers["Location"]).text

    platform.fail_scores = 0
    with unit_of_work(tool.settings.database_url) as session:  # the platform refuses the request itself
        session.execute(delete(LineItem))
    platform.line_items[:] = [  # the LMS's column now leads nowhere (404)
        {"id": f"{platform.url}/nowhere", "resourceId": str(assignment_id), "tag": "tensor-grader"}
    ]
    refused = send(tool, assignment_id, amy_id, force=True)
    assert refused.status == "failed" and not refused.retryable  # a 4xx: retrying will not help


def wait_for(found: Any, timeout: float = 60) -> None:
    """Wait until ``found()`` is true."""
    deadline = time.time() + timeout
    while not found():
        assert time.time() < deadline, "timed out"
        time.sleep(0.2)


@embedded_only
def test_a_graded_submission_and_an_extension_send_the_total_through_a_worker_with_retries(
    tool: Tool, platform: Platform, start_worker: Any
) -> None:
    assignment_id, _amy, _ = late_assignment(tool, platform)
    with unit_of_work(tool.settings.database_url) as session:
        token = accounts.create_token(session, "amy")
        prof_token = accounts.create_token(session, "pat")
    start_worker(concurrency=1)
    platform.fail_scores = 1  # the first send fails (503): the task tries again after a backoff
    posted = requests.post(
        f"{tool.url}/api/v1/submissions",
        json={"exercise": SUM, "code": CODE, "assignment": assignment_id},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert posted.status_code == 202, posted.text
    wait_for(lambda: len(platform.scores) == 1)
    assert platform.scores[0]["scoreGiven"] == 5.0 and platform.scores[0]["userId"] == AMY.sub
    with unit_of_work(tool.settings.database_url) as session:
        sent = session.scalars(select(ScoreSent)).one()
        assert (sent.attempts, sent.error, sent.score_given) == (2, None, 5.0)  # retried once

    extended = requests.put(
        f"{tool.url}/api/v1/assignments/{assignment_id}/extensions/amy",
        json={"due_at": at(2)},
        headers={"Authorization": f"Bearer {prof_token}"},
    )
    assert extended.status_code == 200, extended.text
    wait_for(lambda: len(platform.scores) == 2)  # on time now: full credit
    assert platform.scores[1]["scoreGiven"] == 10.0
    assert len(platform.line_items) == 1
    assert platform.scores[1]["timestamp"] > platform.scores[0]["timestamp"]
