"""The REST API without workers: authorization for every endpoint, bad input, instructor views,
health and the OpenAPI document."""

from __future__ import annotations

import io
import json

import pytest
from flask.testing import FlaskClient

from grader.accounts.models import Role
from grader.settings import Settings
from tests.service.conftest import auth, make_user

CODE = "def sum_axis(x, axis, keepdim=False):\n    return x.sum(dim=axis, keepdim=keepdim)\n"


@pytest.fixture
def people(service_settings: Settings, client: FlaskClient) -> dict[str, object]:
    tokens = {
        "alice": make_user(service_settings, "alice"),
        "bob": make_user(service_settings, "bob"),
        "teacher": make_user(service_settings, "teacher", Role.instructor),
    }
    response = client.post(
        "/api/v1/submissions",
        json={"exercise": "linalg.sum_axis", "code": CODE},
        headers=auth(tokens["alice"]),
    )
    return {**tokens, "submission": response.get_json()["id"]}


# (method, path, who -> expected status). "own" is alice's submission.
MATRIX = [
    ("GET", "/api/v1/exercises", {"none": 200, "bad": 200, "alice": 200, "bob": 200, "teacher": 200}),
    ("GET", "/api/v1/exercises/linalg.sum_axis", {"none": 200, "alice": 200, "teacher": 200}),
    ("GET", "/api/v1/submissions/{own}", {"none": 401, "bad": 401, "alice": 200, "bob": 404, "teacher": 200}),
    ("GET", "/api/v1/submissions", {"none": 401, "bad": 401, "alice": 200, "bob": 200, "teacher": 200}),
    ("POST", "/api/v1/submissions", {"none": 401, "bad": 401, "alice": 202, "teacher": 202}),
    ("GET", "/api/v1/gradebook", {"none": 401, "bad": 401, "alice": 403, "bob": 403, "teacher": 200}),
    ("GET", "/api/v1/exercises/linalg.sum_axis/stats", {"none": 401, "alice": 403, "teacher": 200}),
    (
        "POST",
        "/api/v1/submissions/{own}/regrade",  # still waiting for its first grading: joined
        {"none": 401, "bad": 401, "alice": 403, "bob": 403, "teacher": 200},
    ),
    ("POST", "/api/v1/exercises/linalg.sum_axis/regrade", {"none": 401, "alice": 403, "teacher": 202}),
]


@pytest.mark.parametrize("method, path, expected", MATRIX, ids=[f"{m} {p}" for m, p, _ in MATRIX])
def test_authorization_matrix(
    client: FlaskClient, people: dict[str, object], method: str, path: str, expected: dict[str, int]
) -> None:
    url = path.format(own=people["submission"])
    for who, status in expected.items():
        headers = {} if who == "none" else auth("tg_not-a-token" if who == "bad" else str(people[who]))
        body = (
            {"exercise": "linalg.sum_axis", "code": CODE}
            if method == "POST" and url.endswith("submissions")
            else None
        )
        response = client.open(url, method=method, json=body, headers=headers)
        assert response.status_code == status, (who, response.get_json())
        if status >= 400:
            error = response.get_json()["error"]
            assert error["code"] and error["message"]


def test_students_only_list_their_own(client: FlaskClient, people: dict[str, object]) -> None:
    assert client.get("/api/v1/submissions", headers=auth(str(people["bob"]))).get_json()["total"] == 0
    mine = client.get("/api/v1/submissions", headers=auth(str(people["alice"]))).get_json()
    assert mine["total"] == 1
    everyone = client.get("/api/v1/submissions?student=alice", headers=auth(str(people["teacher"])))
    assert everyone.get_json()["total"] == 1


BAD = [
    ("malformed JSON", {"data": "{nope", "content_type": "application/json"}, 400, "bad_request"),
    ("JSON that is not an object", {"json": [1, 2]}, 400, "bad_request"),
    ("missing code", {"json": {"exercise": "linalg.sum_axis"}}, 422, "invalid"),
    ("unknown exercise", {"json": {"exercise": "linalg.nope", "code": CODE}}, 422, "invalid"),
    ("code over 256 KiB", {"json": {"exercise": "linalg.sum_axis", "code": "#" * 300_000}}, 413, "too_large"),
    ("request over the limit", {"upload": (b"#" * 600_000, "a.py")}, 413, "too_large"),
    ("a .txt upload", {"upload": (b"x", "a.txt")}, 422, "invalid"),
    ("non-UTF-8 upload", {"upload": (b"\xff\xfe", "a.py")}, 422, "invalid"),
    ("broken notebook", {"upload": (b"{", "a.ipynb")}, 422, "invalid"),
    (
        "multipart without a file",
        {"data": {"exercise": "linalg.sum_axis"}, "content_type": "multipart/form-data"},
        422,
        "invalid",
    ),
    (
        "a form that is neither JSON nor multipart",
        {"data": {"exercise": "linalg.sum_axis"}},
        400,
        "bad_request",
    ),
    (
        "bad callback_url",
        {"json": {"exercise": "linalg.sum_axis", "code": CODE, "callback_url": "ftp://x"}},
        422,
        "invalid",
    ),
]


@pytest.mark.parametrize("request_kwargs, status, code", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input(
    client: FlaskClient, people: dict[str, object], request_kwargs: dict, status: int, code: str
) -> None:
    if "upload" in request_kwargs:  # a fresh file object per request: the client closes it
        content, name = request_kwargs["upload"]
        request_kwargs = {"data": {"exercise": "linalg.sum_axis", "file": (io.BytesIO(content), name)}}
    response = client.post("/api/v1/submissions", headers=auth(str(people["bob"])), **request_kwargs)
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"]["code"] == code


def test_upload_of_a_notebook(client: FlaskClient, people: dict[str, object]) -> None:
    notebook = {
        "cells": [{"cell_type": "code", "source": CODE, "metadata": {}, "outputs": []}],
        "nbformat": 4,
    }
    response = client.post(
        "/api/v1/submissions",
        headers=auth(str(people["bob"])),
        data={"exercise": "linalg.sum_axis", "file": (io.BytesIO(json.dumps(notebook).encode()), "hw.ipynb")},
    )
    assert response.status_code == 202


def test_rate_limit_says_when_to_retry(service_settings: Settings, client: FlaskClient) -> None:
    from dataclasses import replace

    from grader.web.app import create_app

    strict = create_app(replace(service_settings, submissions_per_minute=2), {"TESTING": True}).test_client()
    token = make_user(service_settings, "eager")
    codes = [
        strict.post(
            "/api/v1/submissions", json={"exercise": "linalg.sum_axis", "code": CODE}, headers=auth(token)
        )
        for _ in range(3)
    ]
    assert [c.status_code for c in codes] == [202, 202, 429]
    assert 1 <= int(codes[2].headers["Retry-After"]) <= 61
    assert codes[2].get_json()["error"]["code"] == "rate_limited"


def test_exercise_detail_and_language(client: FlaskClient) -> None:
    detail = client.get("/api/v1/exercises/linalg.sum_axis?lang=zh").get_json()
    assert detail["title"] == "沿某一维求和" and detail["signature"].startswith("sum_axis(")
    assert detail["public_examples"][0]["expected"]["tensor"] == [3.0, 5.0, 7.0]
    assert client.get("/api/v1/exercises/linalg.nope").status_code == 404
    assert client.get("/api/v1/exercises?lang=fr").status_code == 422


def test_instructor_views(client: FlaskClient, people: dict[str, object]) -> None:
    teacher = auth(str(people["teacher"]))
    assert client.get("/api/v1/gradebook?format=csv", headers=teacher).data.decode().startswith("student")
    stats = client.get("/api/v1/exercises/linalg.sum_axis/stats", headers=teacher).get_json()
    assert stats["exercise"] == "linalg.sum_axis" and len(stats["histogram"]) == 10
    regraded = client.post("/api/v1/exercises/linalg.sum_axis/regrade", headers=teacher).get_json()
    assert regraded["queued"] == 1


def test_health_and_openapi(client: FlaskClient) -> None:
    health = client.get("/healthz")
    assert health.status_code == 200
    body = health.get_json()
    assert body["database"]["ok"] and body["broker"]["ok"]
    assert body["status"] == "degraded" and body["workers"]["count"] == 0  # no worker running here
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    for path in (
        "/api/v1/submissions",
        "/api/v1/submissions/{id}",
        "/api/v1/gradebook",
        "/api/v1/exercises/{slug}/stats",
        "/api/v1/exercises/{slug}/regrade",
        "/healthz",
    ):
        assert path in document["paths"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and b"openapi.json" in page.data and b"https://" not in page.data
