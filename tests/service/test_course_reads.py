"""The read functions the course pages use, on both backends: an exercise opened from an
assignment, an assignment body previewed without being stored, a student's standing in a
course (their own dates and credited points)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from grader.accounts import service as accounts
from grader.assignments import service as assignments
from grader.assignments.models import Assignment
from grader.courses import service as courses
from grader.db import unit_of_work
from grader.errors import Invalid, NotFound
from grader.reports.course_standing import course_standing
from grader.settings import Settings
from tests.service.test_courses import token_for
from tests.web.course_setup import DOT, SUM, Course, at, build_course, extend, submit_graded


@pytest.fixture
def made(service_settings: Settings) -> Course:
    return build_course(service_settings)


def test_an_exercise_opened_from_an_assignment(service_settings: Settings, made: Course) -> None:
    with unit_of_work(service_settings.database_url) as session:
        amy = accounts.find_user(session, "amy")
        found = assignments.assigned_exercise(session, amy, made.later, SUM)
        assert found.access.assignment.title == "Week 2" and not found.access.membership.staff
        assert found.timeline.phase(found.timeline.due_at) == "open"
        assert found.timeline.opens_at is not None  # not open yet: the page says when it opens
        with pytest.raises(NotFound):
            assignments.assigned_exercise(session, amy, made.later, "linalg.matmul")
        with pytest.raises(NotFound):
            assignments.assigned_exercise(session, accounts.find_user(session, "zed"), made.later, SUM)


def test_a_preview_checks_the_body_and_stores_nothing(service_settings: Settings, made: Course) -> None:
    body = {"title": "W", "exercises": [{"exercise": SUM, "points": 1}], "due_at": at(2)}
    with unit_of_work(service_settings.database_url) as session:
        before = session.scalar(select(func.count(Assignment.id)))
        timeline = assignments.preview_timeline(session, {**body, "late": [{"until": at(3), "credit": 0.25}]})
        assert [credit for _, _, credit in timeline.bands()] == [1.0, 0.25, 0.0]
        with pytest.raises(Invalid) as wrong:
            assignments.preview_timeline(session, {**body, "opens_at": at(5)})
        assert wrong.value.field == "due_at"
        with pytest.raises(Invalid) as unknown:
            assignments.preview_timeline(
                session, {**body, "exercises": [{"exercise": "no.such", "points": 1}]}
            )
        assert unknown.value.field == "exercises[0].exercise"
        assert session.scalar(select(func.count(Assignment.id))) == before


def test_a_students_standing_follows_their_extension(service_settings: Settings, made: Course) -> None:
    submit_graded(service_settings, "amy", made.late, 10)
    submit_graded(service_settings, "amy", made.late, 6, DOT)

    def standing() -> dict[str, tuple[float, float, bool, dict[str, float | None]]]:
        with unit_of_work(service_settings.database_url) as session:
            course = courses.find_course(session, "dl101")
            amy = accounts.find_user(session, "amy")
            return {
                s.assignment.title: (
                    s.total,
                    s.points,
                    s.extended,
                    {k: g.points for k, g in s.grades.items()},
                )
                for s in course_standing(session, course, amy.id)
            }

    first = standing()
    assert list(first) == ["Week 0", "Week 1", "Week 2"]  # by due date
    assert first["Week 1"] == (6.5, 15.0, False, {SUM: 5.0, DOT: 1.5})
    assert first["Week 2"] == (0.0, 15.0, False, {SUM: None, DOT: None})
    extend(service_settings, made.late, "amy", 24)
    assert standing()["Week 1"] == (13.0, 15.0, True, {SUM: 10.0, DOT: 3.0})


def test_changing_an_assignments_exercises_keeps_those_it_had(
    service_settings: Settings, made: Course, client: FlaskClient
) -> None:
    """A PATCH that keeps an exercise (with other points, in another place) and drops another
    used to insert the kept one's new row beside the old one: a unique violation, a 500."""
    prof = token_for(service_settings, "prof")
    answer = client.patch(
        f"/api/v1/assignments/{made.late}",
        json={"exercises": [{"exercise": DOT, "points": 2}, {"exercise": SUM, "points": 4}]},
        headers=prof,
    )
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["exercises"] == [{"exercise": DOT, "points": 2}, {"exercise": SUM, "points": 4}]
    answer = client.patch(
        f"/api/v1/assignments/{made.late}", json={"exercises": [{"exercise": SUM, "points": 3}]}, headers=prof
    )
    assert (
        answer.get_json()["exercises"] == [{"exercise": SUM, "points": 3}]
        and answer.get_json()["points"] == 3
    )
