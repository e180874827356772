"""Courses, rosters, assignments, extensions and assignment grades through the REST API, on both
backends: the contract of the issue, who may do what, and the late policy applied when grades
are read (a date moved or an extension granted changes grades at once)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient

from grader.accounts import service as accounts
from grader.accounts.models import Role
from grader.db import unit_of_work
from grader.settings import Settings
from grader.submissions import lifecycle
from grader.submissions.models import Submission
from tests.service.conftest import auth, make_user
from tests.service.test_regrade import report

SUM = "linalg.sum_axis"
DOT = "linalg.dot"
CODE = "def sum_axis(x, axis, keepdim=False):\n    return x.sum(dim=axis, keepdim=keepdim)\n"
ROSTER = (
    "username,name,email,role,student_id\n"
    "amy,Amy Adams,amy@example.org,student,s1\n"
    "ben,Ben Brown,ben@example.org,,s2\n"
    "cat,Cat Chen,cat@example.org,student,\n"
    "tia,Tia Tan,tia@example.org,ta,\n"
)


def at(hours: float) -> str:
    """A moment ``hours`` from now, in the API's form."""
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


def token_for(settings: Settings, username: str) -> dict[str, str]:
    with unit_of_work(settings.database_url) as session:
        return auth(accounts.create_token(session, username))


@pytest.fixture
def course(service_settings: Settings, client: FlaskClient) -> dict[str, dict[str, str]]:
    """A course made by an instructor, with the roster above; tokens of its people."""
    prof = auth(make_user(service_settings, "prof", Role.instructor))
    made = client.post("/api/v1/courses", json={"code": "dl101", "title": "Deep learning"}, headers=prof)
    assert made.status_code == 201, made.get_json()
    imported = client.post(
        "/api/v1/courses/dl101/roster", data=ROSTER, headers={**prof, "Content-Type": "text/csv"}
    )
    assert imported.status_code == 200 and imported.get_json()["created"] == 4, imported.get_json()
    people = {"prof": prof} | {
        name: token_for(service_settings, name) for name in ("amy", "ben", "cat", "tia")
    }
    return people


def test_creating_and_listing_courses(service_settings: Settings, client: FlaskClient, course: dict) -> None:
    prof, amy = course["prof"], course["amy"]
    again = client.post("/api/v1/courses", json={"code": "dl101", "title": "Again"}, headers=prof)
    assert again.status_code == 409 and "in use" in again.get_json()["error"]["message"]
    refused = client.post("/api/v1/courses", json={"code": "mine", "title": "Mine"}, headers=amy)
    assert refused.status_code == 403
    bad = client.post("/api/v1/courses", json={"code": "Has Space", "title": "x"}, headers=prof)
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "code"
    zone = client.post(
        "/api/v1/courses", json={"code": "z1", "title": "x", "timezone": "Mars/Base"}, headers=prof
    )
    assert zone.status_code == 422 and zone.get_json()["error"]["field"] == "timezone"
    assert (
        client.get("/api/v1/courses", headers=prof).get_json()
        == {"items": [{"code": "dl101", "title": "Deep learning", "role": "instructor"}]}
        or client.get("/api/v1/courses", headers=prof).get_json()["items"][0]["role"] == "instructor"
    )
    assert [c["role"] for c in client.get("/api/v1/courses", headers=amy).get_json()["items"]] == ["student"]
    assert [c["role"] for c in client.get("/api/v1/courses", headers=course["tia"]).get_json()["items"]] == [
        "ta"
    ]


def test_roster_import_reports_bad_lines_and_changes_nothing_the_second_time(
    service_settings: Settings, client: FlaskClient, course: dict
) -> None:
    prof, headers = course["prof"], {**course["prof"], "Content-Type": "text/csv"}
    messy = (
        "email,username,name\n"  # columns in another order
        "amy@example.org,amy,Amy Adams\n"  # unchanged
        "ben@new.example.org,ben,Ben Brown\n"  # an email changed
        "dan@example.org,dan,Dan Dunn\n"  # a new student
        "not-an-address,eve,Eve\n"  # line 5: a bad email
        "x@example.org,,Nobody\n"  # line 6: no username
        "dan@example.org,dan,Dan Dunn\n"  # line 7: twice in the file
    )
    first = client.post("/api/v1/courses/dl101/roster", data=messy, headers=headers).get_json()
    assert (first["created"], first["enrolled"], first["updated"], first["unchanged"]) == (1, 0, 1, 1)
    assert [e["line"] for e in first["errors"]] == [5, 6, 7]
    assert "email" in first["errors"][0]["message"] and "line 4" in first["errors"][2]["message"]
    again = client.post("/api/v1/courses/dl101/roster", data=messy, headers=headers).get_json()
    assert (again["created"], again["enrolled"], again["updated"], again["unchanged"]) == (0, 0, 0, 3)
    members = client.get("/api/v1/courses/dl101/roster", headers=prof).get_json()["items"]
    assert {m["username"]: m["email"] for m in members}["ben"] == "ben@new.example.org"
    header = client.post("/api/v1/courses/dl101/roster", data="user,mail\nx,y\n", headers=headers)
    assert header.status_code == 422 and "line 1" in header.get_json()["error"]["message"]
    assert client.post("/api/v1/courses/dl101/roster", data=messy, headers=course["tia"]).status_code == 403


def test_dropping_keeps_submissions_and_links_let_new_students_in(
    service_settings: Settings, client: FlaskClient, course: dict
) -> None:
    prof = course["prof"]
    submitted = client.post(
        "/api/v1/submissions", json={"exercise": SUM, "code": CODE}, headers=course["cat"]
    )
    assert client.delete("/api/v1/courses/dl101/roster/cat", headers=prof).status_code == 204
    names = [
        m["username"] for m in client.get("/api/v1/courses/dl101/roster", headers=prof).get_json()["items"]
    ]
    assert "cat" not in names
    with_dropped = client.get("/api/v1/courses/dl101/roster?dropped=1", headers=prof).get_json()["items"]
    assert any(m["username"] == "cat" and m["dropped"] for m in with_dropped)
    assert (
        client.get(f"/api/v1/submissions/{submitted.get_json()['id']}", headers=course["cat"]).status_code
        == 200
    )
    links = client.post("/api/v1/courses/dl101/links?format=csv", headers=prof)
    rows = list(csv.DictReader(io.StringIO(links.get_data(as_text=True))))
    assert {row["username"] for row in rows} == {"amy", "ben"}  # students without a password
    assert all(row["link"].startswith(service_settings.public_url + "/set-password/") for row in rows)


ASSIGNMENT = {
    "title": "Week 1",
    "exercises": [{"exercise": SUM, "points": 10}, {"exercise": DOT, "points": 5}],
}


def test_assignment_fields_are_checked_and_named(client: FlaskClient, course: dict) -> None:
    prof = course["prof"]
    cases = [
        ({"opens_at": at(2), "due_at": at(1)}, "due_at"),
        (
            {"due_at": at(1), "late": [{"until": at(3), "credit": 0.5}, {"until": at(2), "credit": 0.2}]},
            "late[1].until",
        ),
        ({"due_at": at(1), "late": [{"until": at(2), "credit": 1.5}]}, "late[0].credit"),
        ({"due_at": "2027-03-05T18:00:00"}, "due_at"),  # no offset
        ({"due_at": at(1), "exercises": [{"exercise": "linalg.nope", "points": 1}]}, "exercises[0].exercise"),
        ({"due_at": at(1), "exercises": [{"exercise": SUM, "points": 0}]}, "exercises[0].points"),
    ]
    for fields, field in cases:
        answer = client.post("/api/v1/courses/dl101/assignments", json={**ASSIGNMENT, **fields}, headers=prof)
        assert answer.status_code == 422, (fields, answer.get_json())
        assert answer.get_json()["error"]["field"] == field, answer.get_json()
    made = client.post(
        "/api/v1/courses/dl101/assignments", json={**ASSIGNMENT, "due_at": at(1)}, headers=prof
    )
    assert made.status_code == 201 and made.get_json()["points"] == 15
    assert (
        client.post("/api/v1/courses/dl101/assignments", json=ASSIGNMENT, headers=course["tia"]).status_code
        == 403
    )


def _grade(settings: Settings, submission_id: int, score: float) -> None:
    with unit_of_work(settings.database_url) as session:
        job = lifecycle.claim(session, submission_id, worker="test:1")
    assert job is not None
    with unit_of_work(settings.database_url) as session:
        assert lifecycle.record_report(session, job, report(score, cases=1), 1.0)


def _submit(client: FlaskClient, who: dict[str, str], assignment: int, slug: str = SUM) -> int:
    answer = client.post(
        "/api/v1/submissions", json={"exercise": slug, "code": CODE, "assignment": assignment}, headers=who
    )
    assert answer.status_code == 202, answer.get_json()
    return int(answer.get_json()["id"])


def test_late_credit_extensions_and_moved_dates_change_grades_at_once(
    service_settings: Settings, client: FlaskClient, course: dict
) -> None:
    prof, amy = course["prof"], course["amy"]
    made = client.post(
        "/api/v1/courses/dl101/assignments",
        json={
            **ASSIGNMENT,
            "opens_at": at(-48),
            "due_at": at(-1),
            "late": [{"until": at(24), "credit": 0.5}],
        },
        headers=prof,
    ).get_json()
    assignment = made["id"]
    assert made["phase"] == "late" and made["credit_now"] == 0.5
    late = _submit(client, amy, assignment)
    _grade(service_settings, late, 10.0)
    shown = client.get(f"/api/v1/submissions/{late}", headers=amy).get_json()
    assert (shown["assignment"], shown["late"], shown["credit"]) == (assignment, True, 0.5)

    book = client.get(f"/api/v1/assignments/{assignment}/grades", headers=prof).get_json()
    rows = {row["username"]: row for row in book["items"]}
    assert set(rows) == {"amy", "ben", "cat"}  # every enrolled student, the TA is staff
    assert rows["amy"]["exercises"] == {SUM: 5.0, DOT: None} and rows["amy"]["late"][SUM]
    assert rows["ben"]["total"] == 0 and rows["ben"]["exercises"] == {SUM: None, DOT: None}

    granted = client.put(
        f"/api/v1/assignments/{assignment}/extensions/amy", json={"due_at": at(48)}, headers=course["tia"]
    )
    assert granted.status_code == 200, granted.get_json()
    rows = {
        row["username"]: row
        for row in client.get(f"/api/v1/assignments/{assignment}/grades", headers=prof).get_json()["items"]
    }
    assert rows["amy"]["exercises"][SUM] == 10.0 and not rows["amy"]["late"][SUM] and rows["amy"]["extension"]
    assert client.get(f"/api/v1/submissions/{late}", headers=amy).get_json()["credit"] == 1.0
    mine = client.get(f"/api/v1/assignments/{assignment}", headers=amy).get_json()
    assert mine["phase"] == "open" and mine["grades"][SUM] == 10.0 and mine["total"] == 10.0

    assert client.delete(f"/api/v1/assignments/{assignment}/extensions/amy", headers=prof).status_code == 204
    moved = client.patch(f"/api/v1/assignments/{assignment}", json={"due_at": at(12)}, headers=prof)
    assert moved.status_code == 200, moved.get_json()
    rows = {
        row["username"]: row
        for row in client.get(f"/api/v1/assignments/{assignment}/grades", headers=prof).get_json()["items"]
    }
    assert rows["amy"]["exercises"][SUM] == 10.0  # the moved due date makes it on time
    assert (
        client.put(
            f"/api/v1/assignments/{assignment}/extensions/amy", json={"due_at": at(1)}, headers=amy
        ).status_code
        == 403
    )


def test_submitting_to_an_assignment_is_checked(
    service_settings: Settings, client: FlaskClient, course: dict
) -> None:
    prof, amy = course["prof"], course["amy"]
    future = client.post(
        "/api/v1/courses/dl101/assignments",
        json={**ASSIGNMENT, "opens_at": at(24), "due_at": at(48)},
        headers=prof,
    ).get_json()["id"]
    early = client.post(
        "/api/v1/submissions", json={"exercise": SUM, "code": CODE, "assignment": future}, headers=amy
    )
    assert early.status_code == 403 and "opens at" in early.get_json()["error"]["message"]
    other = client.post(
        "/api/v1/submissions",
        json={"exercise": "linalg.matmul", "code": CODE, "assignment": future},
        headers=prof,
    )
    assert other.status_code == 422 and other.get_json()["error"]["field"] == "exercise"
    closed = client.post(
        "/api/v1/courses/dl101/assignments",
        json={**ASSIGNMENT, "due_at": at(-2), "late": [{"until": at(-1), "credit": 0.5}]},
        headers=prof,
    ).get_json()["id"]
    practice = _submit(client, amy, closed)  # after the last window: accepted, for practice
    _grade(service_settings, practice, 10.0)
    assert client.get(f"/api/v1/submissions/{practice}", headers=amy).get_json()["credit"] == 0.0
    stranger = auth(make_user(service_settings, "zed"))
    assert (
        client.post(
            "/api/v1/submissions",
            json={"exercise": SUM, "code": CODE, "assignment": closed},
            headers=stranger,
        ).status_code
        == 404
    )
    bad = client.post(
        "/api/v1/submissions", json={"exercise": SUM, "code": CODE, "assignment": "one"}, headers=amy
    )
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "assignment"


def test_grades_csv_is_the_gradebook_import_layout(
    service_settings: Settings, client: FlaskClient, course: dict
) -> None:
    prof = course["prof"]
    assignment = client.post(
        "/api/v1/courses/dl101/assignments", json={**ASSIGNMENT, "due_at": at(5)}, headers=prof
    ).get_json()["id"]
    _grade(service_settings, _submit(client, course["ben"], assignment), 7.0)
    answer = client.get(f"/api/v1/assignments/{assignment}/grades?format=csv&detail=exercises", headers=prof)
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
    assert rows[0][:6] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Email"]
    assert rows[0][-1] == "Week 1 (15 pts)" and rows[0][6] == f"{SUM} (10 pts)"
    by_login = {row[3]: row for row in rows[1:]}
    assert by_login["ben"][0] == "Ben Brown" and by_login["ben"][2] == "s2" and by_login["ben"][-1] == "7"
    assert by_login["amy"][-1] == "0" and by_login["amy"][6] == ""
    assert client.get(f"/api/v1/assignments/{assignment}/grades?format=xml", headers=prof).status_code == 422


def test_strangers_and_students_learn_nothing_of_a_course(
    service_settings: Settings, client: FlaskClient, course: dict
) -> None:
    prof, amy = course["prof"], course["amy"]
    assignment = client.post(
        "/api/v1/courses/dl101/assignments", json={**ASSIGNMENT, "due_at": at(5)}, headers=prof
    ).get_json()["id"]
    other = auth(make_user(service_settings, "other_prof", Role.instructor))
    for method, path in [
        ("GET", "/api/v1/courses/dl101"),
        ("GET", "/api/v1/courses/dl101/roster"),
        ("GET", f"/api/v1/assignments/{assignment}"),
        ("GET", f"/api/v1/assignments/{assignment}/grades"),
        ("GET", f"/api/v1/assignments/{assignment}/extensions"),
        ("PATCH", f"/api/v1/assignments/{assignment}"),
    ]:
        assert client.open(path, method=method, json={}, headers=other).status_code == 404, path
    for path in [
        "/api/v1/courses/dl101/roster",
        f"/api/v1/assignments/{assignment}/grades",
        f"/api/v1/assignments/{assignment}/extensions",
    ]:
        assert client.get(path, headers=amy).status_code == 403, path
    assert client.get(f"/api/v1/assignments/{assignment}", headers=amy).status_code == 200
    # A TA sees a student's submission to the course's assignment; another course's staff do not.
    submission = _submit(client, amy, assignment)
    assert client.get(f"/api/v1/submissions/{submission}", headers=course["tia"]).status_code == 200
    assert client.get(f"/api/v1/submissions/{submission}", headers=course["ben"]).status_code == 404
    with unit_of_work(service_settings.database_url) as session:
        assert session.get(Submission, submission).assignment_id == assignment  # type: ignore[union-attr]
