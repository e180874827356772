"""The student portal over Flask's test client, on PostgreSQL + Redis and embedded SQLite:
sign-in, sessions and CSRF, the exercise list and page, submitting, results, history, errors."""

from __future__ import annotations

import io
import re

import pytest
from flask.testing import FlaskClient

from grader.accounts.models import Role
from grader.settings import Settings
from tests.web.conftest import csrf_from, embedded_only, grade_now, make_user, page_token, sign_in
from worker.sandbox.client import Sandbox

SLUG = "linalg.sum_axis"
RIGHT = "def sum_axis(x, axis, keepdim=False):\n    return x.sum(dim=axis, keepdim=keepdim)\n"
WRONG = "def sum_axis(x, axis, keepdim=False):\n    return x.sum(dim=axis)\n"


@pytest.fixture
def alice(service_settings: Settings, client: FlaskClient) -> FlaskClient:
    make_user(service_settings, "alice")
    sign_in(client, "alice")
    return client


def submit(client: FlaskClient, code: str, *, slug: str = SLUG, json: bool = True) -> dict:
    token = page_token(client, f"/exercises/{slug}")
    headers = {"Accept": "application/json"} if json else {}
    response = client.post(
        f"/exercises/{slug}/submit", data={"code": code, "csrf_token": token}, headers=headers
    )
    return {"status": response.status_code, "body": response.get_json(silent=True), "response": response}


@embedded_only
def test_pages_need_a_session_and_come_back_after_sign_in(service_settings: Settings, client: FlaskClient):
    make_user(service_settings, "alice")
    response = client.get(f"/exercises/{SLUG}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/exercises/")
    token = page_token(client, "/login")
    answer = client.post(
        "/login",
        data={"username": "alice", "password": "password", "csrf_token": token, "next": f"/exercises/{SLUG}"},
    )
    assert answer.status_code == 302 and answer.headers["Location"] == f"/exercises/{SLUG}"
    assert client.get(f"/exercises/{SLUG}").status_code == 200


@embedded_only
def test_a_wrong_password_is_refused_without_saying_which_half(
    service_settings: Settings, client: FlaskClient
):
    make_user(service_settings, "alice")
    for name, password in [("alice", "nope"), ("nobody", "password")]:
        token = page_token(client, "/login")
        response = client.post("/login", data={"username": name, "password": password, "csrf_token": token})
        assert response.status_code == 401
        assert "wrong username or password" in response.get_data(as_text=True)
    assert client.get("/exercises").status_code == 302


@embedded_only
def test_sign_in_never_redirects_to_another_site(service_settings: Settings, client: FlaskClient):
    make_user(service_settings, "alice")
    for target in ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]:
        client.post("/logout", data={"csrf_token": page_token(client, "/login")})
        token = page_token(client, "/login")
        response = client.post(
            "/login", data={"username": "alice", "password": "password", "csrf_token": token, "next": target}
        )
        assert response.headers["Location"] == "/", target


@embedded_only
def test_posts_without_the_csrf_token_are_refused(alice: FlaskClient):
    response = alice.post(f"/exercises/{SLUG}/submit", data={"code": RIGHT})
    assert response.status_code == 400
    assert "reload the page" in response.get_data(as_text=True)
    assert alice.post("/logout").status_code == 400
    assert alice.get("/exercises").status_code == 200  # still signed in


@embedded_only
def test_sign_out_ends_the_session(alice: FlaskClient):
    token = page_token(alice, "/exercises")
    assert alice.post("/logout", data={"csrf_token": token}).status_code == 302
    assert alice.get("/exercises").status_code == 302


def test_the_exercise_list_shows_every_unit_and_the_students_standing(
    service_settings: Settings, alice: FlaskClient, sandbox: Sandbox
):
    html = alice.get("/exercises").get_data(as_text=True)
    for unit in ["tensors", "linalg", "autograd", "activations", "optim", "ops", "stats"]:
        assert f'id="unit-{unit}"' in html
    assert html.count('class="exercise-item state-not-started"') == 43
    first = submit(alice, WRONG)["body"]["id"]
    grade_now(service_settings, first, sandbox)
    html = alice.get("/exercises").get_data(as_text=True)
    item = re.search(rf'<li class="exercise-item state-(\w+)" data-slug="{SLUG}">(.*?)</li>', html, re.S)
    assert item and item.group(1) == "partial"
    second = submit(alice, RIGHT)["body"]["id"]
    grade_now(service_settings, second, sandbox)
    html = alice.get("/exercises").get_data(as_text=True)
    assert f'<li class="exercise-item state-full" data-slug="{SLUG}">' in html
    assert "1 of 43 exercises at full marks" in html


@embedded_only
def test_the_exercise_page_in_both_languages_remembers_the_choice(alice: FlaskClient):
    html = alice.get(f"/exercises/{SLUG}").get_data(as_text=True)
    assert "Public examples" in html and "def sum_axis(x: torch.Tensor" in html
    assert 'data-editor="python"' in html and "vendor/editor.js" in html
    token = csrf_from(html)
    response = alice.post("/language", data={"lang": "zh", "next": f"/exercises/{SLUG}", "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == f"/exercises/{SLUG}"
    html = alice.get(f"/exercises/{SLUG}").get_data(as_text=True)
    assert "公开样例" in html and 'lang="zh-CN"' in html
    assert alice.get("/exercises").get_data(as_text=True).count("练习") >= 1  # the cookie stays


def test_submitting_shows_the_result_and_the_editor_keeps_the_last_attempt(
    service_settings: Settings, alice: FlaskClient, sandbox: Sandbox
):
    sent = submit(alice, WRONG)
    assert sent["status"] == 202
    body = sent["body"]
    pending = alice.get(body["fragment"])
    assert pending.headers["X-Grading-Pending"] == "1"
    grade_now(service_settings, body["id"], sandbox)
    done = alice.get(body["fragment"])
    assert done.headers["X-Grading-Pending"] == "0"
    html = done.get_data(as_text=True)
    assert 'data-status="graded"' in html and "keepdim" in html  # the mutant's hint
    assert 'class="fail"' in html
    page = alice.get(f"/exercises/{SLUG}").get_data(as_text=True)
    assert "The editor holds your last submission." in page
    assert "return x.sum(dim=axis)\n</textarea>" in page


@embedded_only
def test_a_plain_form_post_without_script_lands_on_the_submission_page(alice: FlaskClient):
    sent = submit(alice, RIGHT, json=False)
    assert sent["status"] == 302
    location = sent["response"].headers["Location"]
    page = alice.get(location).get_data(as_text=True)
    assert 'http-equiv="refresh"' in page  # refreshes itself while it waits (no script needed)
    assert "x.sum(dim=axis, keepdim=keepdim)" in page


@embedded_only
def test_uploading_a_file(alice: FlaskClient):
    token = page_token(alice, f"/exercises/{SLUG}")
    response = alice.post(
        f"/exercises/{SLUG}/submit",
        data={"csrf_token": token, "code": "", "file": (io.BytesIO(RIGHT.encode()), "mine.py")},
        headers={"Accept": "application/json"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 202
    page = alice.get(response.get_json()["page"]).get_data(as_text=True)
    assert "mine.py" in page


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"code": "   "}, 422, "the editor is empty"),
        (
            {"code": "def sum_axis(x, axis, keepdim=False):\n    return (\n"},
            202,
            None,
        ),  # graded 0, not refused
        ({"code": "x" * (300 * 1024)}, 413, "KiB"),
        ({"file": (b"hello", "notes.txt")}, 422, "submit a .py file or a .ipynb notebook"),
        ({"file": (b"{not json", "broken.ipynb")}, 422, "notebook"),
    ],
)
@embedded_only
def test_bad_submissions_get_a_clear_error(alice: FlaskClient, data: dict, status: int, message: str | None):
    token = page_token(alice, f"/exercises/{SLUG}")
    if "file" in data:  # a fresh stream per run: the test client closes it
        data = {"file": (io.BytesIO(data["file"][0]), data["file"][1])}
    response = alice.post(
        f"/exercises/{SLUG}/submit",
        data={"csrf_token": token, **data},
        headers={"Accept": "application/json"},
        content_type="multipart/form-data",
    )
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    if message:
        assert message in response.get_json()["error"]["message"]


@embedded_only
def test_errors_are_pages_for_browsers(alice: FlaskClient):
    response = alice.get("/exercises/nope.nothing")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "there is no exercise" in response.get_data(as_text=True)
    assert alice.get("/submissions/999999").status_code == 404
    assert alice.get("/no/such/page").status_code == 404


def test_the_rate_limit_is_a_clear_page(service_settings: Settings, client: FlaskClient):
    from dataclasses import replace

    from grader.web.app import create_app

    limited = create_app(replace(service_settings, submissions_per_minute=1), {"TESTING": True}).test_client()
    make_user(service_settings, "alice")
    sign_in(limited, "alice")
    assert submit(limited, RIGHT, json=False)["status"] == 302
    again = submit(limited, RIGHT, json=False)["response"]
    assert again.status_code == 429 and again.mimetype == "text/html"
    assert "at most 1 submissions a minute" in again.get_data(as_text=True)
    assert int(again.headers["Retry-After"]) >= 1


def test_students_cannot_see_each_others_submissions(service_settings: Settings, alice: FlaskClient):
    mine = submit(alice, RIGHT)["body"]["id"]
    make_user(service_settings, "bob")
    alice.post("/logout", data={"csrf_token": page_token(alice, "/exercises")})
    sign_in(alice, "bob")
    assert alice.get(f"/submissions/{mine}").status_code == 404
    assert alice.get(f"/submissions/{mine}/result").status_code == 404


def test_history_charts_the_scores(service_settings: Settings, alice: FlaskClient, sandbox: Sandbox):
    for code in (WRONG, RIGHT):
        grade_now(service_settings, submit(alice, code)["body"]["id"], sandbox)
    html = alice.get(f"/exercises/{SLUG}/history").get_data(as_text=True)
    assert '<svg class="chart"' in html
    assert html.count("<rect") == 2
    assert html.count('class="badge status-graded"') == 2


@embedded_only
def test_instructors_land_on_the_dashboard(service_settings: Settings, client: FlaskClient):
    make_user(service_settings, "teacher", Role.instructor)
    sign_in(client, "teacher")
    assert client.get("/").headers["Location"] == "/dashboard/"


@embedded_only
def test_pages_send_a_strict_content_security_policy(alice: FlaskClient):
    response = alice.get("/exercises")
    policy = response.headers["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    assert response.headers["X-Frame-Options"] == "DENY"


HOSTILE = (
    "# </textarea></pre><script>alert(1)</script>\n"
    "def sum_axis(x, axis, keepdim=False):\n"
    "    print('<b onmouseover=alert(2)>out</b>')\n"
    "    raise ValueError('<img src=x onerror=alert(3)>')\n"
)


@embedded_only
def test_everything_a_student_wrote_is_escaped(
    service_settings: Settings, alice: FlaskClient, sandbox: Sandbox
):
    sent = submit(alice, HOSTILE)["body"]
    grade_now(service_settings, sent["id"], sandbox)
    pages = {
        "editor": alice.get(f"/exercises/{SLUG}").get_data(as_text=True),
        "submission": alice.get(sent["page"]).get_data(as_text=True),
        "fragment": alice.get(sent["fragment"]).get_data(as_text=True),
    }
    for name, html in pages.items():
        for raw in ["<script>alert(1)", "<b onmouseover", "<img src=x onerror"]:
            assert raw not in html, (name, raw)
    assert "&lt;/textarea&gt;&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in pages["editor"]
    assert "&lt;img src=x onerror=alert(3)&gt;" in pages["fragment"]  # the exception, as text
    assert "&lt;b onmouseover=alert(2)&gt;out&lt;/b&gt;" in pages["submission"]  # the output, as text


@embedded_only
def test_a_database_that_is_down_is_a_503_page(service_settings: Settings):
    from dataclasses import replace

    from grader.web.app import create_app

    down = replace(service_settings, database_url="postgresql+psycopg://postgres@127.0.0.1:9/none")
    browser = create_app(down, {"TESTING": True}).test_client()
    token = page_token(browser, "/login")
    response = browser.post("/login", data={"username": "alice", "password": "password", "csrf_token": token})
    assert response.status_code == 503 and response.mimetype == "text/html"
    assert "unavailable" in response.get_data(as_text=True)
    assert response.headers["Retry-After"]


@embedded_only
def test_a_broker_that_is_down_loses_no_submission(service_settings: Settings, client: FlaskClient):
    from dataclasses import replace

    from grader.db import unit_of_work
    from grader.submissions.models import Status, Submission
    from grader.web.app import create_app

    make_user(service_settings, "alice")
    down = replace(service_settings, broker_url="redis://127.0.0.1:9/0")
    browser = create_app(down, {"TESTING": True}).test_client()
    sign_in(browser, "alice")
    sent = submit(browser, RIGHT)
    assert sent["status"] == 202  # stored; the sweep enqueues it once the broker is back
    with unit_of_work(service_settings.database_url) as session:
        assert session.get(Submission, sent["body"]["id"]).status == Status.queued
