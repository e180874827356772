"""The instructor dashboard over Flask's test client, on PostgreSQL + Redis and embedded SQLite:
who may see it, each page with real graded work, sorting and CSV, regrades, users and tokens,
escaping of everything a student wrote."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from grader.accounts import service as accounts
from grader.accounts.models import Role
from grader.db import unit_of_work
from grader.fleet import service as workers
from grader.grading.report import CaseResult, Flag, Report
from grader.i18n.messages import Finding
from grader.settings import Settings
from grader.submissions import intake, lifecycle
from grader.submissions import service as submissions
from grader.submissions.models import Regrade, Status, Submission
from tests.web.conftest import embedded_only, grade_now, make_user, page_token, sign_in
from worker.sandbox.client import Sandbox

SLUG = "linalg.sum_axis"
RIGHT = "def sum_axis(x, axis, keepdim=False):\n    return x.sum(dim=axis, keepdim=keepdim)\n"
WRONG = "def sum_axis(x, axis, keepdim=False):\n    return x.sum(dim=axis)\n"
PAGES = [
    "/dashboard/",
    f"/dashboard/exercises/{SLUG}",
    "/dashboard/gradebook",
    "/dashboard/gradebook.csv",
    "/dashboard/students/amy",
    "/dashboard/submissions/1",
    "/dashboard/users",
    "/dashboard/users/amy",
]


def add(settings: Settings, username: str, code: str, slug: str = SLUG) -> int:
    """A queued submission of ``code`` by ``username``; returns its id."""
    with unit_of_work(settings.database_url) as session:
        user = accounts.find_user(session, username)
        row, _ = submissions.submit(session, user, slug, intake.load_code(code), per_minute=1000)
        return row.id


def add_graded(settings: Settings, sandbox: Sandbox, username: str, code: str) -> int:
    """A submission graded for real, in this process."""
    submission_id = add(settings, username, code)
    grade_now(settings, submission_id, sandbox)
    return submission_id


def record(settings: Settings, submission_id: int, report: Report) -> None:
    """Record a report built by hand, as a worker would."""
    with unit_of_work(settings.database_url) as session:
        job = lifecycle.claim(session, submission_id, worker="test-worker@host")
    assert job is not None
    with unit_of_work(settings.database_url) as session:
        lifecycle.record_report(session, job, report, grading_ms=12.5)


@pytest.fixture
def course(service_settings: Settings, sandbox: Sandbox) -> dict[str, int]:
    """Three students graded for real: amy wrong then right, ben right at once, cai wrong."""
    for name in ("amy", "ben", "cai"):
        make_user(service_settings, name)
    return {
        "amy_wrong": add_graded(service_settings, sandbox, "amy", WRONG),
        "amy_right": add_graded(service_settings, sandbox, "amy", RIGHT),
        "ben_right": add_graded(service_settings, sandbox, "ben", RIGHT),
        "cai_wrong": add_graded(service_settings, sandbox, "cai", WRONG),
    }


@pytest.fixture
def teacher(service_settings: Settings, client: FlaskClient) -> FlaskClient:
    """The test client signed in as an instructor."""
    make_user(service_settings, "teacher", Role.instructor)
    sign_in(client, "teacher")
    return client


def token_of(client: FlaskClient) -> str:
    return page_token(client, "/dashboard/")


def html(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined, no-any-return]


@embedded_only
def test_anonymous_readers_are_sent_to_sign_in(client: FlaskClient) -> None:
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login?next=/dashboard/"), path


@embedded_only
def test_a_student_gets_403_on_every_dashboard_page(
    service_settings: Settings, client: FlaskClient, course: dict[str, int]
) -> None:
    sign_in(client, "amy")
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "for instructors" in html(response)
    token = page_token(client, "/exercises")
    for path in [
        f"/dashboard/submissions/{course['amy_wrong']}/regrade",
        f"/dashboard/exercises/{SLUG}/regrade",
        "/dashboard/users",
        "/dashboard/users/amy/tokens",
    ]:
        response = client.post(path, data={"csrf_token": token, "confirm": "yes", "username": "x"})
        assert response.status_code == 403, path


def test_overview_counts_the_queue_and_says_when_no_worker_is_alive(
    service_settings: Settings, teacher: FlaskClient, course: dict[str, int]
) -> None:
    add(service_settings, "cai", RIGHT)  # queued: no worker here
    page = html(teacher.get("/dashboard/"))
    assert re.search(r'id="today">5<', page) and re.search(r'id="queued">1<', page)
    assert 'id="no-workers"' in page and "nothing will be graded" in page
    assert f'href="/dashboard/exercises/{SLUG}"' in page
    rates = page.split('id="pass-rates"')[1]
    assert re.search(r'<td class="num">3</td>\s*<td class="num">2 <small>\(67%\)', rates)
    assert '<svg class="chart"' in page and 'aria-label="Students at full marks' in page


def test_overview_lists_live_workers_with_their_sandbox_layers(
    service_settings: Settings, teacher: FlaskClient
) -> None:
    with unit_of_work(service_settings.database_url) as session:
        workers.beat(
            session, "w1@box", "box", 42, {"landlock": True, "seccomp": False}, {"seccomp": "old kernel"}
        )
    page = html(teacher.get("/dashboard/"))
    assert "no-workers" not in page and "w1@box" in page
    assert ">landlock<" in page and "seccomp missing" in page and 'title="old kernel"' in page


def test_exercise_page_shows_distribution_failures_mistakes_and_attempts(
    teacher: FlaskClient, course: dict[str, int]
) -> None:
    page = html(teacher.get(f"/dashboard/exercises/{SLUG}"))
    assert "4 graded submissions from 3 students, 2 at full marks" in page
    assert page.count('<g class="bar">') == 10 + 2  # ten score bins, then attempts 1 and 2
    failing = page.split('id="failing"')[1].split("</table>")[0]
    assert "keepdim" in failing and "×2" in failing  # amy and cai were told the same thing
    mutants = page.split('id="mutants"')[1].split("</table>")[0]
    assert "<code>ignores keepdim</code>" in mutants and "keepdim=True keeps the reduced axis" in mutants
    assert re.search(r"<td class=\"num\">2</td><td class=\"num\">2</td>", mutants)
    assert "Median 1.5 submissions; 2 students reached full marks, 1 not yet." in page
    assert 'name="confirm"' in page and "Regrade every submission" in page


def test_exercise_regrade_needs_the_confirmation_then_queues_it(
    teacher: FlaskClient, course: dict[str, int]
) -> None:
    token = token_of(teacher)
    refused = teacher.post(f"/dashboard/exercises/{SLUG}/regrade", data={"csrf_token": token})
    assert refused.status_code == 302
    assert "Nothing was regraded" in html(teacher.get(refused.headers["Location"]))
    done = teacher.post(
        f"/dashboard/exercises/{SLUG}/regrade",
        data={"csrf_token": token, "confirm": "yes"},
        follow_redirects=True,
    )
    assert done.status_code == 200 and "4 submissions of linalg.sum_axis are queued" in html(done)


@embedded_only
def test_unknown_things_are_404_pages(teacher: FlaskClient) -> None:
    for path in [
        "/dashboard/exercises/linalg.nope",
        "/dashboard/students/nobody",
        "/dashboard/submissions/999",
        "/dashboard/users/nobody",
    ]:
        response = teacher.get(path)
        assert response.status_code == 404, path
        assert "Something went wrong" in html(response), path


def test_gradebook_sorts_by_any_column(
    service_settings: Settings, sandbox: Sandbox, teacher: FlaskClient, course: dict[str, int]
) -> None:
    make_user(service_settings, "dan")
    add_graded(service_settings, sandbox, "dan", "def sum_axis(x, axis, keepdim=False):\n    return x\n")

    def order(query: str) -> list[str]:
        page = html(teacher.get(f"/dashboard/gradebook{query}"))
        return re.findall(r'<th scope="row"><a href="/dashboard/students/(\w+)"', page)

    assert order("") == ["amy", "ben", "cai", "dan"]
    assert order("?sort=student&dir=desc") == ["dan", "cai", "ben", "amy"]
    by_score = order(f"?sort={SLUG}&dir=desc")
    assert by_score[:2] == ["amy", "ben"] and sorted(by_score[2:]) == ["cai", "dan"]
    assert order("?sort=total&dir=asc")[-2:] == ["amy", "ben"]
    page = html(teacher.get("/dashboard/gradebook?sort=total&dir=desc"))
    assert page.count("aria-sort=") == 1 and 'aria-sort="descending"' in page
    assert 'href="/dashboard/gradebook?sort=total&amp;dir=asc"' in page  # the header link flips it
    assert order("?sort=bogus") == ["amy", "ben", "cai", "dan"]
    assert order("?unit=optim") == []


def test_gradebook_pages_students_in_the_order_asked_and_the_api_can_too(
    service_settings: Settings,
    sandbox: Sandbox,
    teacher: FlaskClient,
    course: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from grader.web import dashboard

    make_user(service_settings, "dan")
    add_graded(service_settings, sandbox, "dan", "def sum_axis(x, axis, keepdim=False):\n    return x\n")
    monkeypatch.setattr(dashboard, "GRADEBOOK_PER_PAGE", 3)

    def order(query: str) -> list[str]:
        page = html(teacher.get(f"/dashboard/gradebook{query}"))
        return re.findall(r'<th scope="row"><a href="/dashboard/students/(\w+)"', page)

    assert order("") == ["amy", "ben", "cai"] and order("?page=2") == ["dan"]
    by_score = order(f"?sort={SLUG}&dir=desc") + order(f"?sort={SLUG}&dir=desc&page=2")
    assert by_score[:2] == ["amy", "ben"] and sorted(by_score) == ["amy", "ben", "cai", "dan"]
    first = html(teacher.get("/dashboard/gradebook?sort=total&dir=desc"))
    assert "Page 1 of 2" in first and "4 students × 1 exercise" in first
    assert 'href="/dashboard/gradebook?sort=total&amp;dir=desc&amp;page=2"' in first  # the order is kept
    assert order("?sort=total&dir=desc&page=2")[-1] in ("cai", "dan")
    assert order("?page=3") == [] and teacher.get("/dashboard/gradebook?page=0").status_code == 422
    token = accounts_token(service_settings, "teacher")
    api = {"Authorization": f"Bearer {token}"}
    paged = teacher.get("/api/v1/gradebook?per_page=3&page=2", headers=api).get_json()
    assert [row["student"] for row in paged["students"]] == ["dan"]
    assert (paged["page"], paged["per_page"], paged["total"], paged["exercises"]) == (2, 3, 4, [SLUG])
    whole = teacher.get("/api/v1/gradebook", headers=api).get_json()
    assert [row["student"] for row in whole["students"]] == ["amy", "ben", "cai", "dan"]
    refused = teacher.get("/api/v1/gradebook?format=csv&page=1", headers=api)
    assert (
        refused.status_code == 422 and "always the whole gradebook" in refused.get_json()["error"]["message"]
    )
    assert teacher.get("/api/v1/gradebook?per_page=1001", headers=api).status_code == 422


def accounts_token(settings: Settings, username: str) -> str:
    with unit_of_work(settings.database_url) as session:
        return accounts.create_token(session, username)


def test_gradebook_csv_export(teacher: FlaskClient, course: dict[str, int]) -> None:
    response = teacher.get("/dashboard/gradebook.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(html(response))))
    assert rows[0] == ["student", SLUG]
    scores = {name: float(score) for name, score in rows[1:]}
    assert scores["amy"] == scores["ben"] == 10 and scores["cai"] < 10
    assert 'href="/dashboard/gradebook.csv"' in html(teacher.get("/dashboard/gradebook"))


def test_student_page_lists_their_submissions_newest_first(
    service_settings: Settings, teacher: FlaskClient, course: dict[str, int]
) -> None:
    page = html(teacher.get("/dashboard/students/amy"))
    ids = [int(i) for i in re.findall(r'href="/dashboard/submissions/(\d+)"', page)]
    assert ids == [course["amy_right"], course["amy_wrong"]]
    assert "2 submissions" in page
    for _ in range(50):  # 51 in all: one page of 50, and the first one on page 2
        add(service_settings, "ben", RIGHT)
    first = html(teacher.get("/dashboard/students/ben"))
    assert "Page 1 of 2" in first and 'rel="next"' in first
    second = html(teacher.get("/dashboard/students/ben?page=2"))
    assert re.findall(r'href="/dashboard/submissions/(\d+)"', second) == [str(course["ben_right"])]


def test_submission_page_shows_grading_details_and_a_regrade_that_keeps_the_score(
    service_settings: Settings, teacher: FlaskClient, course: dict[str, int]
) -> None:
    submission = course["amy_wrong"]
    page = html(teacher.get(f"/dashboard/submissions/{submission}"))
    assert "x.sum(dim=axis)" in page and "keepdim" in page
    details = page.split('id="grading-details"')[1].split("</dl>")[0]
    assert " ms" in details and "<code>test</code>" in details and ">1</dd>" in details
    assert "Never regraded." in page
    response = teacher.post(
        f"/dashboard/submissions/{submission}/regrade", data={"csrf_token": token_of(teacher)}
    )
    assert (
        response.status_code == 302 and response.headers["Location"] == f"/dashboard/submissions/{submission}"
    )
    with unit_of_work(service_settings.database_url) as session:
        row = session.get(Submission, submission)
        assert row is not None and row.status == Status.graded and row.regrade_requested_at is not None
        (audit,) = session.scalars(select(Regrade).where(Regrade.submission_id == submission)).all()
        assert audit.old_score is not None and audit.old_score < 10 and audit.requested_by is not None
        assert row.score == audit.old_score  # the score stands while the regrade is pending
    after = html(teacher.get(response.headers["Location"]))
    assert f"Submission #{submission} is queued to be graded again." in after
    assert 'id="regrading"' in after
    audit_table = after.split('id="audit"')[1]
    assert "<td>teacher</td>" in audit_table and "<td>requested</td>" in audit_table


@embedded_only
def test_everything_a_student_wrote_is_escaped_and_flags_stand_out(
    service_settings: Settings, teacher: FlaskClient
) -> None:
    make_user(service_settings, "mallory")
    submission = add(service_settings, "mallory", "</pre><script>alert(1)</script>")
    report = Report(
        exercise=SLUG,
        status="failed",
        score=0.0,
        max_score=10.0,
        tests=[
            CaseResult(
                "rows", "public", False, 0.0, 10.0, Finding("shape", {"actual": "<b>", "expected": "x"})
            )
        ],
        flags=[Flag("introspection", "<img src=x onerror=alert(2)>", {"line": 3})],
        output="<script>alert(3)</script>",
    )
    record(service_settings, submission, report)
    page = html(teacher.get(f"/dashboard/submissions/{submission}"))
    assert "<script>alert(" not in page and "<img src=x" not in page and "<b>" not in page
    assert "&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(3)" in page and "&lt;img src=x onerror=alert(2)&gt;" in page
    flags = page.split('id="flags"')[1].split("</section>")[0]
    assert "introspection" in flags and "line 3" in flags
    assert "12 ms" in page or "13 ms" in page


def test_users_page_is_paged_and_finds_a_name(
    service_settings: Settings, teacher: FlaskClient, course: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from grader.web import dashboard

    monkeypatch.setattr(dashboard, "USERS_PER_PAGE", 2)

    def names(query: str) -> list[str]:
        page = html(teacher.get(f"/dashboard/users{query}"))
        return re.findall(r'<th scope="row"><a href="/dashboard/users/(\w+)"', page)

    assert names("") == ["teacher", "amy"] and names("?page=2") == ["ben", "cai"]  # by role, then name
    first = html(teacher.get("/dashboard/users"))
    assert "4 users" in first and "Page 1 of 2" in first and 'href="/dashboard/users?page=2"' in first
    assert names("?q=ca") == ["cai"] and "1 user<" in html(teacher.get("/dashboard/users?q=ca"))
    assert ">2</a>" in html(teacher.get("/dashboard/users?q=amy"))  # amy's submissions, counted
    assert names("?q=%25") == [] and teacher.get("/dashboard/users?page=x").status_code == 422


def test_create_users_with_clear_errors(service_settings: Settings, teacher: FlaskClient) -> None:
    token = token_of(teacher)

    def create(**fields: str) -> object:
        return teacher.post("/dashboard/users", data={"csrf_token": token, **fields})

    made = create(username="zoe", role="student", password="long enough")
    assert made.status_code == 302 and made.headers["Location"] == "/dashboard/users/zoe"
    with unit_of_work(service_settings.database_url) as session:
        assert accounts.check_password(session, "zoe", "long enough").role == Role.student
    again = create(username="zoe", role="student", password="long enough")
    assert again.status_code == 422 and "the username &#39;zoe&#39; is taken" in html(again)  # type: ignore[attr-defined]
    assert 'value="zoe"' in html(again)  # the form comes back filled in
    short = create(username="yan", role="instructor", password="short")
    assert short.status_code == 422 and "at least 8 characters" in html(short)  # type: ignore[attr-defined]
    odd = create(username="a b/c", role="student", password="long enough")
    assert odd.status_code == 422  # type: ignore[attr-defined]
    assert create(username="boss", role="admin", password="long enough").status_code == 403  # type: ignore[attr-defined]
    assert create(username="ines", role="instructor", password="long enough").status_code == 302  # type: ignore[attr-defined]
    listing = html(teacher.get("/dashboard/users"))
    assert ">zoe</a></th>" in listing and ">ines</a></th>" in listing and 'value="admin"' not in listing


@embedded_only
def test_a_token_is_shown_once_and_can_be_revoked(service_settings: Settings, teacher: FlaskClient) -> None:
    make_user(service_settings, "amy")
    made = teacher.post(
        "/dashboard/users/amy/tokens", data={"csrf_token": token_of(teacher), "name": "laptop"}
    )
    assert made.status_code == 200
    page = html(made)
    token = re.search(r'id="token-value" class="token" readonly value="(tg_[^"]+)"', page)
    assert token and "will not be shown again" in page
    assert made.headers["Cache-Control"] == "no-store"
    assert token.group(1) not in html(teacher.get("/dashboard/users/amy"))  # never again
    api = teacher.application.test_client()
    bearer = {"Authorization": f"Bearer {token.group(1)}"}
    assert api.get("/api/v1/submissions", headers=bearer).status_code == 200
    with unit_of_work(service_settings.database_url) as session:
        (row,) = [t for t in accounts.list_tokens(session, "amy") if t.name == "laptop"]
    revoked = teacher.post(
        f"/dashboard/users/amy/tokens/{row.id}/revoke", data={"csrf_token": token_of(teacher)}
    )
    assert revoked.status_code == 302
    assert "is revoked" in html(teacher.get("/dashboard/users/amy"))
    assert api.get("/api/v1/submissions", headers=bearer).status_code == 401
    assert (
        teacher.post(
            f"/dashboard/users/teacher/tokens/{row.id}/revoke", data={"csrf_token": token_of(teacher)}
        )
    ).status_code == 404  # the token is amy's, not teacher's


@embedded_only
def test_an_instructor_cannot_manage_another_instructors_tokens(
    service_settings: Settings, teacher: FlaskClient
) -> None:
    make_user(service_settings, "colleague", Role.instructor)
    page = html(teacher.get("/dashboard/users/colleague"))
    assert "Only an admin or this user" in page and "Create a token" not in page
    response = teacher.post("/dashboard/users/colleague/tokens", data={"csrf_token": token_of(teacher)})
    assert response.status_code == 403


@embedded_only
def test_a_post_without_the_csrf_token_is_refused(teacher: FlaskClient, course: dict[str, int]) -> None:
    response = teacher.post(f"/dashboard/submissions/{course['amy_wrong']}/regrade")
    assert response.status_code == 400 and "the form expired" in html(response)
    response = teacher.post(
        "/dashboard/users", data={"username": "eve", "role": "student", "password": "12345678"}
    )
    assert response.status_code == 400


@embedded_only
def test_pages_render_in_chinese(teacher: FlaskClient, course: dict[str, int]) -> None:
    teacher.set_cookie("lang", "zh")
    for path in ["/dashboard/", f"/dashboard/exercises/{SLUG}", "/dashboard/gradebook", "/dashboard/users"]:
        response = teacher.get(path)
        assert response.status_code == 200 and 'lang="zh-CN"' in html(response), path
    assert "各练习通过率" in html(teacher.get("/dashboard/"))
