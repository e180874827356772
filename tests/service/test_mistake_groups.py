"""Mistake groups end to end: students of two courses submit over HTTP, real worker processes
grade, course staff read the groups and write a hint; on PostgreSQL + Redis and on the embedded
default. Answers written three ways per behaviour fall in one group; the hint reaches the
group's later submissions (and its past ones when asked) and nobody else."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from grader.settings import Settings
from tests.grading.test_fingerprint import ALWAYS_AXIS_0, IGNORES_KEEPDIM
from tests.service.conftest import Worker, wait_graded
from tests.service.test_courses import token_for
from tests.web.course_setup import SUM, Course, build_course

RIGHT = "def sum_axis(x, axis, keepdim=False):\n    return x.sum(dim=axis, keepdim=keepdim)\n"
# A fourth way of always summing along axis 0, submitted once the group has a hint.
AXIS_0_AGAIN = "def sum_axis(x, axis, keepdim=False):\n    return x.sum(dim=0, keepdim=keepdim) + 0\n"
MISTAKES = f"/api/v1/exercises/{SUM}/mistakes"


def _submit(client: FlaskClient, headers: dict[str, str], code: str, assignment: int) -> int:
    body = {"exercise": SUM, "code": code, "assignment": assignment}
    response = client.post("/api/v1/submissions", json=body, headers=headers)
    assert response.status_code == 202, response.get_json()
    return int(response.get_json()["id"])


def _graded(client: FlaskClient, headers: dict[str, str], ids: list[int]) -> list[dict[str, Any]]:
    token = headers["Authorization"].split()[1]
    bodies = wait_graded(client, token, ids)
    assert all(b["status"] == "graded" for b in bodies), bodies
    return bodies


def _groups(client: FlaskClient, headers: dict[str, str], query: str = "") -> list[dict[str, Any]]:
    response = client.get(MISTAKES + query, headers=headers)
    assert response.status_code == 200, response.get_json()
    items: list[dict[str, Any]] = response.get_json()["items"]
    return items


@pytest.fixture
def made(service_settings: Settings) -> Course:
    return build_course(service_settings)


def test_groups_hints_and_who_sees_them(
    service_settings: Settings, client: FlaskClient, start_worker: type[Worker], made: Course
) -> None:
    start_worker()
    amy, ben, zed = (token_for(service_settings, name) for name in ("amy", "ben", "zed"))
    prof, tia = token_for(service_settings, "prof"), token_for(service_settings, "tia")
    # Each behaviour written three ways, by students of two courses; one right answer.
    axis_0 = [
        _submit(client, amy, ALWAYS_AXIS_0[0], made.late),
        _submit(client, ben, ALWAYS_AXIS_0[1], made.late),
        _submit(client, zed, ALWAYS_AXIS_0[2], made.other),
    ]
    keepdim = [
        _submit(client, amy, IGNORES_KEEPDIM[0], made.late),
        _submit(client, ben, IGNORES_KEEPDIM[1], made.late),
        _submit(client, zed, IGNORES_KEEPDIM[2], made.other),
    ]
    right = _submit(client, ben, RIGHT, made.late)
    _graded(client, amy, [axis_0[0], keepdim[0]])
    _graded(client, ben, [axis_0[1], keepdim[1], right])
    _graded(client, zed, [axis_0[2], keepdim[2]])

    groups = _groups(client, prof)
    assert [(g["count"], g["students"]) for g in groups] == [(3, 3), (3, 3)]
    by_ids = {frozenset(g["submissions"]): g for g in groups}
    assert set(by_ids) == {frozenset(axis_0), frozenset(keepdim)}
    axis_group, keepdim_group = by_ids[frozenset(axis_0)], by_ids[frozenset(keepdim)]
    assert axis_group["submissions"] == sorted(axis_0, reverse=True)  # newest first
    assert (axis_group["mutant"], keepdim_group["mutant"]) == ("always axis 0", "ignores keepdim")
    assert axis_group["hint"] is None
    example = axis_group["example"]  # the first of the group recorded (two workers race)
    assert example["source"] == ALWAYS_AXIS_0[axis_0.index(example["submission"])]
    assert axis_group["outputs"]["expected"].startswith("tensor([3.0, 5.0, 7.0]")

    # Staff only: students are refused, in their course too; a TA reads their course's work.
    assert client.get(MISTAKES, headers=amy).status_code == 403
    assert client.get(MISTAKES + "?course=dl101", headers=amy).status_code == 403
    assert client.get(MISTAKES, headers=tia).status_code == 403
    assert client.get(MISTAKES + "?course=ml201", headers=tia).status_code == 404  # not her course
    own = _groups(client, tia, "?course=dl101")
    assert sorted((g["count"], g["students"]) for g in own) == [(2, 2), (2, 2)]
    in_course = {g["id"]: g for g in own}[axis_group["id"]]
    assert in_course["submissions"] == sorted(axis_0[:2], reverse=True)
    assert in_course["example"]["submission"] in axis_0[:2]  # never another course's answer
    assert _groups(client, tia, f"?assignment={made.late}") == own
    hint_url = f"{MISTAKES}/{axis_group['id']}/hint"
    hint = {"en": "Sum along the axis you are given.", "zh": "请沿给定的维度求和。"}
    assert client.put(hint_url, json=hint, headers=amy).status_code == 403
    # A malformed hint for a group that is there says what is wrong.
    assert client.put(hint_url, data="x", headers=prof).status_code == 400
    for body in ({"en": ""}, {"zh": "只有中文"}, {"en": "x" * 2001}, {"en": "ok", "zh": 3}):
        answer = client.put(hint_url, json=body, headers=prof)
        assert answer.status_code == 422, body
    assert client.put(hint_url + "?course=dl101", json=hint, headers=amy).status_code == 403

    # The TA writes a hint: later submissions of the group get it, nobody else does.
    answer = client.put(hint_url + "?course=dl101", json=hint, headers=tia)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {"id": axis_group["id"], "hint": hint, "past_submissions": 0}
    later = _submit(client, ben, AXIS_0_AGAIN, made.late)
    other_group = _submit(client, zed, IGNORES_KEEPDIM[0], made.other)
    right_again = _submit(client, amy, RIGHT, made.late)
    [got] = _graded(client, ben, [later])
    assert got["hint"] == hint["en"] and got["score"] < 10
    chinese = client.get(f"/api/v1/submissions/{later}?lang=zh", headers=ben).get_json()
    assert chinese["hint"] == hint["zh"]
    assert [b["hint"] for b in _graded(client, zed, [other_group])] == [None]
    assert [b["hint"] for b in _graded(client, amy, [right_again])] == [None]
    past = client.get(f"/api/v1/submissions/{axis_0[0]}", headers=amy).get_json()
    assert past["hint"] is None  # not asked for the group's past submissions
    assert {g["id"]: g for g in _groups(client, prof)}[axis_group["id"]]["hint"] == hint

    # Asked: the group's past submissions get it too; then it is removed from all of them.
    answer = client.put(hint_url + "?past=1", json={"en": "Use the axis argument."}, headers=prof)
    assert answer.get_json()["past_submissions"] == 4
    for token, ids in ((amy, [axis_0[0]]), (ben, [axis_0[1], later]), (zed, [axis_0[2]])):
        for submission in ids:
            body = client.get(f"/api/v1/submissions/{submission}?lang=zh", headers=token).get_json()
            assert body["hint"] == "Use the axis argument."  # no Chinese text given: the English
    for submission in keepdim:
        assert client.get(f"/api/v1/submissions/{submission}", headers=prof).get_json()["hint"] is None
    answer = client.delete(hint_url + "?past=1", headers=prof)
    assert answer.status_code == 200 and answer.get_json()["past_submissions"] == 4
    assert client.get(f"/api/v1/submissions/{later}", headers=ben).get_json()["hint"] is None


def test_bad_requests_say_what_is_wrong(
    service_settings: Settings, client: FlaskClient, made: Course
) -> None:
    prof = token_for(service_settings, "prof")
    assert _groups(client, prof) == []
    for query, field in (("?page=0", "page"), ("?per_page=500", "per_page"), ("?assignment=x", "assignment")):
        answer = client.get(MISTAKES + query, headers=prof)
        assert answer.status_code == 422 and field in answer.get_json()["error"]["message"]
    assert client.get("/api/v1/exercises/nope.nothing/mistakes", headers=prof).status_code == 404
    assert client.get(MISTAKES + "?course=nope", headers=prof).status_code == 404
    assert client.get(MISTAKES + f"?course=dl101&assignment={made.other}", headers=prof).status_code == 404
    hint_url = f"{MISTAKES}/12345/hint"
    assert client.put(hint_url, json={"en": "x"}, headers=prof).status_code == 404
    assert client.put(hint_url, data="x", headers=prof).status_code == 404  # no group: whatever the body
    assert client.put(hint_url + "?past=yes", json={"en": "x"}, headers=prof).status_code == 422
    assert client.delete(hint_url, headers=prof).status_code == 404
