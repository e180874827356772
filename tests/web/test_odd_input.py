"""Odd input answers 4xx, never 5xx, on PostgreSQL + Redis and embedded SQLite: ids beyond the
database's integers, deeply nested JSON, lone surrogates, a notebook pasted as code."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from grader.accounts.models import Role
from grader.db import unit_of_work
from grader.settings import Settings
from grader.submissions.models import Submission
from tests.web.conftest import embedded_only, grade_now, make_user, page_token, sign_in
from worker.sandbox.client import Sandbox

SLUG = "linalg.sum_axis"
INT4_MAX = 2**31 - 1


@pytest.fixture
def teacher(service_settings: Settings, client: FlaskClient) -> tuple[FlaskClient, dict[str, str]]:
    """The test client signed in as an instructor, and the headers of the instructor's token."""
    token = make_user(service_settings, "teacher", Role.instructor)
    sign_in(client, "teacher")
    return client, {"Authorization": f"Bearer {token}"}


def id_routes(app: Flask, number: str) -> list[tuple[str, str]]:
    """(method, URL) of every route with an integer in its path, each integer set to ``number``."""
    found = []
    for rule in app.url_map.iter_rules():
        if "<int" not in rule.rule:
            continue
        url = re.sub(r"<int[^>]*>", number, rule.rule)
        url = re.sub(r"<[^>]+>", lambda m: SLUG if "slug" in m.group() else "teacher", url)
        found += [(method, url) for method in sorted(rule.methods or ()) if method not in ("HEAD", "OPTIONS")]
    return found


@pytest.mark.parametrize("number", [str(INT4_MAX), str(INT4_MAX + 1), str(2**63), "9" * 5000])
def test_ids_beyond_the_databases_integers_are_404_on_every_route(
    teacher: tuple[FlaskClient, dict[str, str]], number: str
) -> None:
    client, bearer = teacher
    csrf = page_token(client, "/dashboard/")
    routes = id_routes(client.application, number)
    assert len(routes) >= 7, routes  # the API's, the portal's and the dashboard's
    for method, url in routes:
        response = client.open(url, method=method, headers=bearer, data={"csrf_token": csrf})
        assert response.status_code == 404, (method, url[:80], response.status_code)


@pytest.fixture
def student(service_settings: Settings) -> dict[str, str]:
    """The headers of a student's token."""
    return {"Authorization": f"Bearer {make_user(service_settings, 'sam')}"}


@embedded_only  # parsing happens before any query
@pytest.mark.parametrize("opening, closing", [("[", "]"), ('{"a":', "}")])
def test_json_nested_thousands_deep_is_a_400_that_says_so(
    client: FlaskClient, student: dict[str, str], opening: str, closing: str
) -> None:
    body = opening * 5000 + "1" + closing * 5000
    response = client.post("/api/v1/submissions", data=body, content_type="application/json", headers=student)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert error["code"] == "bad_request" and "nested too deeply" in error["message"]


def test_a_lone_surrogate_in_code_is_a_422_that_says_where_and_how_to_fix(
    client: FlaskClient, student: dict[str, str]
) -> None:
    # As a client writes it: the JSON escape of half a UTF-16 pair, which no UTF-8 text can hold.
    body = '{"exercise": "linalg.sum_axis", "code": "def sum_axis(x, axis):\\n    return \\"\\ud800\\"\\n"}'
    response = client.post("/api/v1/submissions", data=body, content_type="application/json", headers=student)
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    message = response.get_json()["error"]["message"]
    assert "lone surrogate (U+D800)" in message and "line 2, column 13" in message
    assert "send both halves of the pair" in message


@pytest.mark.parametrize("value", ["http://example.org/\\ud800", "http://example.org/\\u0000"])
def test_text_the_database_cannot_store_is_a_422_naming_the_field(
    client: FlaskClient, student: dict[str, str], value: str
) -> None:
    body = f'{{"exercise": "{SLUG}", "code": "x = 1", "callback_url": "{value}"}}'
    response = client.post("/api/v1/submissions", data=body, content_type="application/json", headers=student)
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert "'callback_url' has a" in response.get_json()["error"]["message"]
    assert "character 20" in response.get_json()["error"]["message"]


NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "sum_axis.ipynb"


def test_a_notebook_sent_as_code_is_graded_as_the_notebook_it_is(
    service_settings: Settings, client: FlaskClient, student: dict[str, str], sandbox: Sandbox
) -> None:
    code = NOTEBOOK.read_text()  # markdown, a magic, the function, a plot: as Jupyter saves it
    response = client.post("/api/v1/submissions", json={"exercise": SLUG, "code": code}, headers=student)
    assert response.status_code == 202, response.get_json()
    submission_id = response.get_json()["id"]
    grade_now(service_settings, submission_id, sandbox)
    result = client.get(f"/api/v1/submissions/{submission_id}", headers=student).get_json()
    assert result["status"] == "graded" and result["score"] == result["max_score"], result
    with unit_of_work(service_settings.database_url) as session:
        row = session.get(Submission, submission_id)
        assert row is not None and row.notebook and row.filename == "submission.ipynb"
        assert row.source == code  # stored as sent, shown as a notebook


@embedded_only
def test_code_that_only_looks_like_json_is_still_python(client: FlaskClient, student: dict[str, str]) -> None:
    for code in ('{"cells": [], "nbformat": 4', '{"cells": "x", "nbformat": 4}', '{"cells": []}', "[1, 2]"):
        response = client.post("/api/v1/submissions", json={"exercise": SLUG, "code": code}, headers=student)
        assert response.status_code == 202, (code, response.get_json())


@embedded_only
def test_a_notebook_uploaded_under_a_py_name_is_read_as_a_notebook(
    service_settings: Settings, client: FlaskClient, student: dict[str, str]
) -> None:
    upload = (io.BytesIO(NOTEBOOK.read_bytes()), "homework.py")
    response = client.post("/api/v1/submissions", data={"exercise": SLUG, "file": upload}, headers=student)
    assert response.status_code == 202, response.get_json()
    with unit_of_work(service_settings.database_url) as session:
        row = session.get(Submission, response.get_json()["id"])
        assert row is not None and row.notebook


NUL = [
    ("GET", "/api/v1/submissions?exercise=a%00b", 422),
    ("GET", "/api/v1/submissions?student=a%00b", 422),
    ("POST", "/api/v1/submissions", 422),  # an upload whose file name has NUL
    ("GET", "/dashboard/students/a%00b", 404),
    ("GET", "/dashboard/users/a%00b", 404),
    ("GET", "/dashboard/gradebook?unit=a%00b", 422),
    ("POST", "/dashboard/users", 422),  # a username with NUL
]


@pytest.mark.parametrize("method, url, status", NUL, ids=[f"{m} {u}" for m, u, _ in NUL])
def test_nul_in_a_name_or_field_is_refused_before_it_reaches_the_database(
    teacher: tuple[FlaskClient, dict[str, str]], method: str, url: str, status: int
) -> None:
    client, bearer = teacher
    forms = {
        "/api/v1/submissions": {"exercise": SLUG, "file": (io.BytesIO(b"x = 1"), "a\x00.py")},
        "/dashboard/users": {"csrf_token": page_token(client, "/dashboard/users"), "username": "a\x00b"},
    }
    response = client.open(url, method=method, headers=bearer, data=forms.get(url.partition("?")[0]))
    assert response.status_code == status, response.get_data(as_text=True)[:300]


PAGES = ["²", "0" * 5000 + "1", "1" + "0" * 30, "0", "-1"]


@embedded_only
@pytest.mark.parametrize("page", PAGES)
def test_a_page_number_out_of_range_is_a_422(teacher: tuple[FlaskClient, dict[str, str]], page: str) -> None:
    client, bearer = teacher
    for url in ("/api/v1/submissions", "/dashboard/students/teacher"):
        response = client.get(url, query_string={"page": page}, headers=bearer)
        assert response.status_code == 422, (url, response.status_code)


def test_an_idempotency_key_over_its_column_is_a_422(client: FlaskClient, student: dict[str, str]) -> None:
    headers = {**student, "Idempotency-Key": "k" * 256}
    response = client.post("/api/v1/submissions", json={"exercise": SLUG, "code": "x = 1"}, headers=headers)
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert "at most 255 characters" in response.get_json()["error"]["message"]
