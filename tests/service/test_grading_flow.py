"""Submit over HTTP, graded by real worker processes, read back: on PostgreSQL + Redis and on
the embedded default. Then the failure cases: a worker killed mid-grade, a broker that lost its
queue, a burst of 500 submissions from 20 students."""

from __future__ import annotations

import time

import redis
from flask.testing import FlaskClient
from sqlalchemy import func, select

from grader.accounts.models import Role
from grader.db import unit_of_work
from grader.grading.report import CaseResult, Report
from grader.i18n.messages import Finding
from grader.settings import Settings
from grader.submissions import lifecycle
from grader.submissions.models import CaseResultRow, Regrade, Status, Submission
from tests.service.conftest import Worker, auth, make_user, wait_graded

RIGHT = "def sum_axis(x, axis, keepdim=False):\n    return x.sum(dim=axis, keepdim=keepdim)\n"
WRONG = "def sum_axis(x, axis, keepdim=False):\n    return x.sum(dim=axis)\n"
SLOW = (
    "import time\n\ndef sum_axis(x, axis, keepdim=False):\n    time.sleep(0.4)\n"
    "    return x.sum(dim=axis, keepdim=keepdim)\n"
)


def _submit(client: FlaskClient, token: str, code: str, **headers: str) -> int:
    response = client.post(
        "/api/v1/submissions",
        json={"exercise": "linalg.sum_axis", "code": code},
        headers={**auth(token), **headers},
    )
    assert response.status_code in (200, 202), response.get_json()
    return int(response.get_json()["id"])


def test_submit_grade_read_back(
    service_settings: Settings, client: FlaskClient, start_worker: type[Worker]
) -> None:
    start_worker()
    health = client.get("/healthz").get_json()
    assert health["status"] == "ok", health
    assert health["workers"]["count"] == 2 and health["sandbox"]["ok"] and not health["sandbox"]["missing"]
    token = make_user(service_settings, "alice")
    right, wrong = _submit(client, token, RIGHT), _submit(client, token, WRONG)
    graded = {b["id"]: b for b in wait_graded(client, token, [right, wrong])}
    assert graded[right]["status"] == "graded" and graded[right]["score"] == 10
    assert graded[wrong]["score"] < 10
    failed = [t for t in graded[wrong]["tests"] if not t["passed"]]
    assert any("keepdim" in t["message"] for t in failed)
    hidden = [t for t in graded[right]["tests"] if t["visibility"] == "hidden"]
    assert hidden and all(
        set(t) == {"name", "visibility", "passed", "points", "max_points", "message"} for t in hidden
    )
    chinese = client.get(f"/api/v1/submissions/{wrong}?lang=zh", headers=auth(token)).get_json()
    assert any("keepdim" in t["message"] and "形状" in t["message"] for t in chinese["tests"])
    listing = client.get("/api/v1/submissions", headers=auth(token)).get_json()
    assert [item["id"] for item in listing["items"]] == [wrong, right] and listing["total"] == 2


def test_idempotency_key_returns_the_same_submission(service_settings: Settings, client: FlaskClient) -> None:
    token = make_user(service_settings, "bob")
    first = client.post(
        "/api/v1/submissions",
        json={"exercise": "linalg.sum_axis", "code": RIGHT},
        headers={**auth(token), "Idempotency-Key": "retry-1"},
    )
    again = client.post(
        "/api/v1/submissions",
        json={"exercise": "linalg.sum_axis", "code": RIGHT},
        headers={**auth(token), "Idempotency-Key": "retry-1"},
    )
    assert (first.status_code, again.status_code) == (202, 200)
    assert first.get_json()["id"] == again.get_json()["id"]
    with unit_of_work(service_settings.database_url) as session:
        assert session.scalar(select(func.count()).select_from(Submission)) == 1


def test_worker_killed_mid_grade_is_graded_exactly_once(
    service_settings: Settings, client: FlaskClient, start_worker: type[Worker]
) -> None:
    token = make_user(service_settings, "carol")
    doomed = start_worker(concurrency=1)
    submission = _submit(client, token, SLOW)
    deadline = time.time() + 30
    while _status(service_settings, submission) != Status.running:
        assert time.time() < deadline, "never started"
        time.sleep(0.05)
    doomed.kill()  # SIGKILL mid-grade: the task is neither acknowledged nor recorded
    start_worker(beat=True)  # the sweep finds it running past the deadline and enqueues it again
    (body,) = wait_graded(client, token, [submission], timeout=120)
    assert body["status"] == "graded" and body["score"] == 10
    with unit_of_work(service_settings.database_url) as session:
        row = session.get(Submission, submission)
        assert row is not None and row.attempts >= 2
        cases = session.scalar(
            select(func.count()).select_from(CaseResultRow).where(CaseResultRow.submission_id == submission)
        )
        assert cases == len(body["tests"])  # one set of results, not two


def _status(settings: Settings, submission: int) -> Status:
    with unit_of_work(settings.database_url) as session:
        row = session.get(Submission, submission)
        assert row is not None
        return row.status


def test_broker_that_lost_its_queue_is_recovered_by_the_sweep(
    service_settings: Settings, client: FlaskClient, start_worker: type[Worker]
) -> None:
    token = make_user(service_settings, "dave")
    ids = [_submit(client, token, RIGHT) for _ in range(10)]
    _lose_queue(service_settings)  # nothing consumed them yet: they are gone from the broker
    start_worker(beat=True)
    bodies = wait_graded(client, token, ids, timeout=120)
    assert all(b["status"] == "graded" and b["score"] == 10 for b in bodies)


def _lose_queue(settings: Settings) -> None:
    if settings.broker_url.startswith("redis"):
        redis.Redis.from_url(settings.broker_url).flushdb()
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(settings.broker_url.removeprefix("sqla+"))
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM kombu_message"))


def test_burst_of_500_from_20_students(
    service_settings: Settings, client: FlaskClient, start_worker: type[Worker]
) -> None:
    start_worker(concurrency=2, beat=True)
    tokens = [make_user(service_settings, f"student{i}") for i in range(20)]
    teacher = make_user(service_settings, "teacher", Role.instructor)
    ids = [_submit(client, tokens[i % 20], RIGHT if i % 3 else WRONG) for i in range(500)]
    assert len(set(ids)) == 500
    bodies = wait_graded(client, teacher, ids, timeout=400)
    assert all(b["status"] == "graded" for b in bodies)
    assert sum(b["score"] == 10 for b in bodies) == sum(1 for i in range(500) if i % 3)
    with unit_of_work(service_settings.database_url) as session:
        rows = session.scalars(select(Submission)).all()
        assert len(rows) == 500
        assert all(len(row.results) == len(bodies[0]["tests"]) for row in rows)  # no duplicates
    book = client.get("/api/v1/gradebook", headers=auth(teacher)).get_json()
    assert len(book["students"]) == 20
    assert all(student["scores"]["linalg.sum_axis"] == 10 for student in book["students"])


def test_regrades_go_through_a_worker_keep_scores_visible_and_are_audited(
    service_settings: Settings, client: FlaskClient, start_worker: type[Worker]
) -> None:
    # Submission and audit ids differ on purpose: the embedded default once matched an open
    # audit by the audit's id instead of the submission's, and every regrade failed.
    start_worker()
    token = make_user(service_settings, "erin")
    teacher = make_user(service_settings, "mr_li", Role.instructor)
    ids = [_submit(client, token, WRONG if i % 2 else RIGHT) for i in range(3)]
    first = {b["id"]: b for b in wait_graded(client, token, ids)}
    one = client.post(f"/api/v1/submissions/{ids[2]}/regrade", headers=auth(teacher))
    assert one.status_code == 202 and one.get_json()["regrade"] != ids[2]
    _wait_audits_complete(service_settings, 1)
    everything = client.post("/api/v1/exercises/linalg.sum_axis/regrade", headers=auth(teacher))
    assert everything.status_code == 202 and everything.get_json()["queued"] == 3
    while not _audits_complete(service_settings, 4):  # meanwhile every score stays visible
        for body in (client.get(f"/api/v1/submissions/{i}", headers=auth(token)).get_json() for i in ids):
            assert body["status"] == "graded" and body["score"] == first[body["id"]]["score"], body
        time.sleep(0.05)
    with unit_of_work(service_settings.database_url) as session:
        audits = session.scalars(select(Regrade).order_by(Regrade.id)).all()
        assert [a.submission_id for a in audits] == [ids[2], *ids]
        assert all(a.old_score == a.new_score == first[a.submission_id]["score"] for a in audits)
        assert all(a.requested_by is not None and a.error is None for a in audits)
        for submission in ids:
            cases = session.scalar(
                select(func.count())
                .select_from(CaseResultRow)
                .where(CaseResultRow.submission_id == submission)
            )
            assert cases == len(first[submission]["tests"])  # replaced, not added to
    done = client.get("/api/v1/exercises/linalg.sum_axis/regrade", headers=auth(teacher)).get_json()
    assert done["remaining"] == 0 and done["completed_at"] is not None


def _audits_complete(settings: Settings, count: int) -> bool:
    with unit_of_work(settings.database_url) as session:
        audits = session.scalars(select(Regrade)).all()
        return len(audits) == count and all(a.completed_at is not None for a in audits)


def _wait_audits_complete(settings: Settings, count: int, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while not _audits_complete(settings, count):
        assert time.time() < deadline, "the regrade was not recorded"
        time.sleep(0.1)


def test_a_report_that_cannot_be_recorded_counts_as_attempts_then_is_an_error(
    service_settings: Settings, client: FlaskClient, start_worker: type[Worker]
) -> None:
    # A fault while recording (here a trigger refuses the case rows) is a grader fault like a
    # sandbox failure: retried a bounded number of times, then ``error``, counted by /healthz.
    _refuse_case_rows(service_settings)
    start_worker()
    token = make_user(service_settings, "gil")
    submission = _submit(client, token, RIGHT)
    (body,) = wait_graded(client, token, [submission], timeout=120)
    assert body["status"] == "error" and body["score"] is None
    with unit_of_work(service_settings.database_url) as session:
        row = session.get(Submission, submission)
        assert row is not None and row.attempts == service_settings.max_attempts
        assert row.error is not None and "injected" in row.error
    health = client.get("/healthz").get_json()
    assert health["status"] == "degraded" and health["grading"]["errors"] == 1


def _refuse_case_rows(settings: Settings) -> None:
    from sqlalchemy import text

    with unit_of_work(settings.database_url) as session:
        if settings.embedded:
            session.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON case_results "
                    "BEGIN SELECT RAISE(ABORT, 'injected fault'); END"
                )
            )
            return
        session.execute(
            text(
                "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'injected fault'; END $$"
            )
        )
        session.execute(
            text("CREATE TRIGGER refuse BEFORE INSERT ON case_results FOR EACH ROW EXECUTE FUNCTION refuse()")
        )


def test_the_first_grading_of_a_round_records_and_a_regrade_joins_the_pending_round(
    service_settings: Settings, client: FlaskClient
) -> None:
    # The sweep may re-enqueue a slow grading (and Celery may redeliver one): every grading of
    # that round may record and the first to finish wins, so a slow one cannot be superseded
    # forever. A regrade starts a round of its own; asking again while it is pending joins it,
    # so no grading under way is thrown away.
    token = make_user(service_settings, "frank")
    teacher = make_user(service_settings, "ms_wu", Role.instructor)
    submission = _submit(client, token, RIGHT)
    url, report = service_settings.database_url, _report(10.0)
    with unit_of_work(url) as session:
        slow = lifecycle.claim(session, submission, worker="slow")
    with unit_of_work(url) as session:
        fast = lifecycle.claim(session, submission, worker="fast")
    assert slow is not None and fast is not None and not fast.regrade
    assert fast.attempt == slow.attempt + 1 and fast.round == slow.round
    with unit_of_work(url) as session:  # the earlier claim finishes first: it records
        assert lifecycle.record_report(session, slow, report, 1.0)
    with unit_of_work(url) as session:
        assert not lifecycle.record_report(session, fast, report, 1.0)  # graded already
    response = client.post(f"/api/v1/submissions/{submission}/regrade", headers=auth(teacher))
    assert response.status_code == 202 and response.get_json()["status"] == "graded"
    with unit_of_work(url) as session:
        before = lifecycle.claim(session, submission, worker="w")
    assert before is not None and before.regrade
    again = client.post(f"/api/v1/submissions/{submission}/regrade", headers=auth(teacher))
    assert again.status_code == 200 and again.get_json()["joined"]
    with unit_of_work(url) as session:
        after = lifecycle.claim(session, submission, worker="w")
    assert after is not None and after.regrade and after.round == before.round
    shown = client.get(f"/api/v1/submissions/{submission}", headers=auth(token)).get_json()
    assert shown["status"] == "graded" and shown["score"] == 10.0 and shown["regrading"]
    with unit_of_work(url) as session:
        assert lifecycle.record_report(session, before, _report(0.0), 1.0)
    with unit_of_work(url) as session:
        assert not lifecycle.record_report(session, after, _report(5.0), 1.0)
    with unit_of_work(url) as session:
        row = session.get(Submission, submission)
        assert row is not None and row.score == 0.0 and row.status == Status.graded
        assert len(row.results) == 1 and row.regrade_requested_at is None
        audits = session.scalars(select(Regrade).where(Regrade.submission_id == submission)).all()
        assert [(a.old_score, a.new_score) for a in audits] == [(10.0, 0.0)]


def _report(score: float) -> Report:
    passed = score > 0
    case = CaseResult("one", "public", passed, score, 10.0, None if passed else Finding("tampered"))
    return Report(
        exercise="linalg.sum_axis",
        status="passed" if passed else "failed",
        score=score,
        max_score=10.0,
        tests=[case],
    )
