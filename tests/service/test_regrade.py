"""Regrades on both backends, through the services a worker and the API use: scores stay visible,
repeats join the pending work, ids of audits and submissions differ, and a grading the grader
cannot finish ends in a visible fault instead of a loop."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import func, select

from grader.accounts import service as accounts
from grader.accounts.models import Role, User
from grader.db import unit_of_work
from grader.grading.report import CaseResult, Report
from grader.i18n.messages import Finding
from grader.settings import Settings
from grader.submissions import intake, lifecycle, regrade
from grader.submissions import service as submissions
from grader.submissions.models import CaseResultRow, ExerciseRegrade, Regrade, Status, Submission
from tests.service.conftest import auth, make_user

SLUG = "linalg.sum_axis"
CODE = "def sum_axis(x, axis, keepdim=False):\n    return x.sum(dim=axis)\n"


def report(score: float, cases: int) -> Report:
    """A report of ``cases`` cases sharing ``score`` out of 10."""
    tests = [
        CaseResult(f"case {i}", "public", score == 10, score / cases, 10 / cases, Finding("tampered"))
        for i in range(cases)
    ]
    status = "passed" if score == 10 else "failed"
    return Report(exercise=SLUG, status=status, score=score, max_score=10.0, tests=tests)


def submit(settings: Settings, username: str) -> int:
    with unit_of_work(settings.database_url) as session:
        user = accounts.find_user(session, username)
        row, _ = submissions.submit(session, user, SLUG, intake.load_code(CODE), per_minute=1000)
        return row.id


def grade(settings: Settings, submission_id: int, score: float, cases: int) -> lifecycle.GradingJob:
    """Claim and record one grading, as a worker does; returns the claim."""
    with unit_of_work(settings.database_url) as session:
        job = lifecycle.claim(session, submission_id, worker="test:1")
    assert job is not None
    with unit_of_work(settings.database_url) as session:
        assert lifecycle.record_report(session, job, report(score, cases), 1.0)
    return job


def user_id(settings: Settings, username: str) -> int:
    with unit_of_work(settings.database_url) as session:
        found = session.scalar(select(User.id).where(User.username == username))
        assert found is not None
        return found


def case_rows(settings: Settings, submission_id: int) -> int:
    with unit_of_work(settings.database_url) as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(CaseResultRow)
                .where(CaseResultRow.submission_id == submission_id)
            )
            or 0
        )


def test_exercise_regrade_keeps_scores_until_each_records_and_joins_repeats(
    service_settings: Settings,
) -> None:
    url = service_settings.database_url
    for name in ("amy", "ben"):
        make_user(service_settings, name)
    make_user(service_settings, "teacher", Role.instructor)
    teacher = user_id(service_settings, "teacher")
    ids = [submit(service_settings, "amy" if i % 2 else "ben") for i in range(6)]
    for submission_id in ids:
        grade(service_settings, submission_id, 4.0, cases=2)
    # Audit ids run ahead of submission ids: two single regrades first (ids 1 and 2 on audits
    # that belong to submissions 5 and 6), each recorded.
    for submission_id in ids[-2:]:
        with unit_of_work(url) as session:
            ticket = regrade.request_submission(session, submission_id, teacher)
        assert ticket.enqueue and ticket.audit_id is not None and ticket.status == "graded"
        grade(service_settings, submission_id, 4.0, cases=2)
    with unit_of_work(url) as session:
        batch = regrade.request_exercise_regrade(session, SLUG, teacher)
        again = regrade.request_exercise_regrade(session, SLUG, teacher)
    assert not batch.joined and again.joined and again.id == batch.id
    with unit_of_work(url) as session:
        sent = regrade.dispatch_exercise_regrade(session, batch.id)
        assert regrade.dispatch_exercise_regrade(session, batch.id) == []  # once only
    assert sent == ids
    with unit_of_work(url) as session:  # a repeat while it runs joins it too
        assert regrade.request_exercise_regrade(session, SLUG, teacher).id == batch.id
        audits = session.scalars(select(Regrade).where(Regrade.batch_id == batch.id)).all()
        assert sorted(a.submission_id for a in audits) == ids
        assert all(a.id != a.submission_id for a in audits)
        rows = session.scalars(select(Submission).where(Submission.id.in_(ids))).all()
        assert all(r.status == Status.graded and r.score == 4.0 for r in rows)  # still visible
    jobs = []
    for submission_id in ids:
        with unit_of_work(url) as session:
            job = lifecycle.claim(session, submission_id, worker="test:1")
        assert job is not None and job.regrade, submission_id
        jobs.append(job)
    with unit_of_work(url) as session:  # claimed, still graded, score shown
        assert {r.status for r in session.scalars(select(Submission))} == {Status.graded}
    for job in jobs:
        with unit_of_work(url) as session:
            assert lifecycle.record_report(session, job, report(7.0, cases=3), 1.0)
        with unit_of_work(url) as session:  # a redelivered grading of the same round: nothing
            assert not lifecycle.record_report(session, job, report(1.0, cases=1), 1.0)
    for submission_id in ids:
        assert case_rows(service_settings, submission_id) == 3  # replaced, not added to
    with unit_of_work(url) as session:
        rows = session.scalars(select(Submission).where(Submission.id.in_(ids))).all()
        assert all(r.score == 7.0 and r.regrade_requested_at is None for r in rows)
        audits = session.scalars(select(Regrade).where(Regrade.batch_id == batch.id)).all()
        assert all(a.completed_at is not None and a.new_score == 7.0 for a in audits)
        progress = regrade.latest_progress(session, SLUG)
        assert progress is not None and progress.remaining == 0 and progress.completed_at is not None
        fresh = regrade.request_exercise_regrade(session, SLUG, teacher)
    assert not fresh.joined and fresh.id != batch.id  # the first one is over: a new one starts


def test_one_submission_regrade_joins_what_is_pending(service_settings: Settings) -> None:
    url = service_settings.database_url
    make_user(service_settings, "cai")
    waiting = submit(service_settings, "cai")
    graded = submit(service_settings, "cai")
    grade(service_settings, graded, 10.0, cases=1)
    with unit_of_work(url) as session:
        first = regrade.request_submission(session, graded, None)
        repeat = regrade.request_submission(session, graded, None)
        queued = regrade.request_submission(session, waiting, None)
    assert first.enqueue and repeat.joined and repeat.audit_id == first.audit_id
    assert queued.joined and queued.status == "queued" and queued.audit_id is None
    with unit_of_work(url) as session:
        assert session.scalar(select(func.count()).select_from(Regrade)) == 1


def test_regrade_that_keeps_failing_gives_up_and_keeps_the_old_score(
    service_settings: Settings, client: FlaskClient
) -> None:
    url = service_settings.database_url
    make_user(service_settings, "dai")
    submission_id = submit(service_settings, "dai")
    grade(service_settings, submission_id, 6.0, cases=2)
    with unit_of_work(url) as session:
        regrade.request_submission(session, submission_id, None)
    for attempt in range(1, service_settings.max_attempts + 1):
        with unit_of_work(url) as session:
            job = lifecycle.claim(session, submission_id, worker="test:1")
        assert job is not None and job.regrade and job.attempt == attempt
        with unit_of_work(url) as session:
            retry = lifecycle.record_failure(
                session, job, "IntegrityError: boom", service_settings.max_attempts
            )
        assert retry == (attempt < service_settings.max_attempts)
    with unit_of_work(url) as session:
        row = session.get(Submission, submission_id)
        assert row is not None and row.status == Status.graded and row.score == 6.0
        assert row.regrade_requested_at is None and row.claimed_at is None
        (audit,) = session.scalars(select(Regrade)).all()
        assert audit.completed_at is not None and audit.error == "IntegrityError: boom"
        assert lifecycle.claim(session, submission_id, worker="test:1") is None  # nothing left
    assert case_rows(service_settings, submission_id) == 2
    health = client.get("/healthz").get_json()
    assert health["status"] == "degraded" and health["grading"]["failed_regrades"] == 1


def test_first_grading_that_keeps_failing_is_an_error_counted_by_health(
    service_settings: Settings, client: FlaskClient
) -> None:
    url = service_settings.database_url
    teacher = make_user(service_settings, "mr_fu", Role.instructor)
    make_user(service_settings, "eva")
    submission_id = submit(service_settings, "eva")
    assert client.get("/healthz").get_json()["grading"]["ok"]
    for _ in range(service_settings.max_attempts):
        with unit_of_work(url) as session:
            job = lifecycle.claim(session, submission_id, worker="test:1")
        assert job is not None and not job.regrade
        with unit_of_work(url) as session:
            lifecycle.record_failure(session, job, "OSError: gone", service_settings.max_attempts)
    body = client.get(f"/api/v1/submissions/{submission_id}", headers=auth(teacher)).get_json()
    assert body["status"] == "error" and body["error"]
    health = client.get("/healthz").get_json()
    assert health["grading"] == {**health["grading"], "ok": False, "errors": 1}
    # An instructor's regrade of an error starts a new round, which may record.
    response = client.post(f"/api/v1/submissions/{submission_id}/regrade", headers=auth(teacher))
    assert response.status_code == 202 and response.get_json()["status"] == "queued"
    grade(service_settings, submission_id, 10.0, cases=1)


def test_exercise_regrade_over_the_api_joins_a_pending_one(
    service_settings: Settings, client: FlaskClient
) -> None:
    teacher = auth(make_user(service_settings, "ms_gu", Role.instructor))
    make_user(service_settings, "fei")
    grade(service_settings, submit(service_settings, "fei"), 3.0, cases=1)
    first = client.post(f"/api/v1/exercises/{SLUG}/regrade", headers=teacher)
    repeat = client.post(f"/api/v1/exercises/{SLUG}/regrade", headers=teacher)
    assert (first.status_code, repeat.status_code) == (202, 200)
    assert repeat.get_json()["regrade"] == first.get_json()["regrade"] and repeat.get_json()["joined"]
    assert first.get_json()["requested_at"].endswith("+00:00")
    progress = client.get(f"/api/v1/exercises/{SLUG}/regrade", headers=teacher).get_json()
    assert progress["regrade"] == first.get_json()["regrade"] and progress["completed_at"] is None
    with unit_of_work(service_settings.database_url) as session:
        assert session.scalar(select(func.count()).select_from(ExerciseRegrade)) == 1
