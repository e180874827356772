"""The REST API of courses, rosters, assignments, extensions and assignment grades (/api/v1):
parse the request, call one service, present the result. Who may do what is the services'."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Blueprint, Response, jsonify, request

from grader.assignments import service as assignments
from grader.assignments.models import Assignment, Extension
from grader.assignments.policy import windows_from_json, windows_to_json
from grader.courses import roster
from grader.courses import service as courses
from grader.courses.models import Course
from grader.errors import BadRequest, Invalid
from grader.lti import passback
from grader.reports import assignment_grades
from grader.times import iso, now
from grader.web import limits
from grader.web.auth import current_user, login_required
from grader.web.common import app_settings
from grader.web.db import get_db

blueprint = Blueprint("api_courses", __name__)
MAX_CSV_BYTES = 2 << 20  # a roster of 20,000 students fits


def _choice(name: str, allowed: tuple[str, ...]) -> str:
    """A query parameter that must be one of ``allowed`` (the first is the default); checked
    before anything is looked up, so a malformed request is a 422 whatever it names."""
    value = request.args.get(name, allowed[0])
    if value not in allowed:
        raise Invalid(f"{name} must be {' or '.join(allowed)}", name)
    return value


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("send a JSON object (Content-Type: application/json)")
    return body


def _csv_body() -> str:
    if request.mimetype not in ("text/csv", "text/plain"):
        raise BadRequest("send the CSV itself as the body, with Content-Type: text/csv")
    data = request.get_data(cache=False)
    if len(data) > MAX_CSV_BYTES:
        raise Invalid(f"the CSV is over {MAX_CSV_BYTES >> 20} MiB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Invalid(f"the CSV is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None


def present_course(course: Course, role: str | None = None) -> dict[str, Any]:
    """A course as the API shows it."""
    body: dict[str, Any] = {
        "code": course.code,
        "title": course.title,
        "term": course.term,
        "timezone": course.timezone,
    }
    if role is not None:
        body["role"] = role
    return body


def present_assignment(assignment: Assignment, *, own: Any | None = None) -> dict[str, Any]:
    """An assignment as the API shows it; ``own`` is a student's timeline (their due date)."""
    base = assignments.timeline(assignment)
    shown = own or base
    moment = now()
    return {
        "id": assignment.id,
        "course": assignment.course.code,
        "title": assignment.title,
        "exercises": [{"exercise": row.exercise_slug, "points": row.points} for row in assignment.exercises],
        "points": sum(row.points for row in assignment.exercises),
        "opens_at": iso(shown.opens_at),
        "due_at": iso(shown.due_at),
        "late": windows_to_json(shown.late),
        "phase": shown.phase(moment),
        "credit_now": shown.credit_at(moment) if shown.is_open(moment) else None,
    }


@blueprint.post("/courses")
@login_required
@limits.instructor_writes
def create_course() -> Any:
    """A new course (201); its creator is its instructor; a code in use is 409."""
    body = _json_body()
    course = courses.create_course(
        get_db(),
        current_user(),
        body.get("code", ""),  # checked by the service, as are the others
        body.get("title", ""),
        term=body.get("term", ""),
        timezone=body.get("timezone", "UTC"),
    )
    return jsonify(present_course(course, "instructor")), 201


@blueprint.get("/courses")
@login_required
def list_courses() -> Any:
    """The caller's courses, with their role in each."""
    items = [present_course(m.course, m.role.value) for m in courses.courses_of(get_db(), current_user())]
    return jsonify({"items": items})


@blueprint.get("/courses/<code>")
@login_required
def show_course(code: str) -> Any:
    """A course and its assignments (a student sees their own due dates)."""
    session, user = get_db(), current_user()
    membership = courses.course_for(session, user, code)
    listed = []
    for assignment in assignments.course_assignments(session, membership.course):
        own = None if membership.staff else assignments.timeline_for(session, assignment, user.id)
        listed.append(present_assignment(assignment, own=own))
    return jsonify(present_course(membership.course, membership.role.value) | {"assignments": listed})


@blueprint.post("/courses/<code>/roster")
@login_required
@limits.instructor_writes
def import_roster(code: str) -> Any:
    """Import a roster CSV: created, enrolled, updated, unchanged, and each bad line."""
    session = get_db()
    membership = courses.course_for(session, current_user(), code, "instructor")
    report = roster.import_roster(session, membership.course, _csv_body())
    return jsonify(report.as_dict())


@blueprint.get("/courses/<code>/roster")
@login_required
def show_roster(code: str) -> Any:
    """The course's members (``?dropped=1``: with those dropped)."""
    dropped = _choice("dropped", ("0", "1")) == "1"
    session = get_db()
    membership = courses.course_for(session, current_user(), code, "staff")
    members = courses.roster(session, membership.course, include_dropped=dropped)
    return jsonify(
        {
            "items": [
                {
                    "username": m.username,
                    "name": m.name,
                    "email": m.email,
                    "role": m.role,
                    "student_id": m.student_id,
                    "dropped": m.dropped,
                    "has_password": m.has_password,
                }
                for m in members
            ]
        }
    )


@blueprint.put("/courses/<code>/roster/<username>")
@login_required
@limits.instructor_writes
def put_member(code: str, username: str) -> Any:
    """Add one member (or change their name, email, role or student id)."""
    session, body = get_db(), _json_body()
    membership = courses.course_for(session, current_user(), code, "instructor")
    report = roster.enroll_one(
        session,
        membership.course,
        username,
        name=str(body.get("name", "")),
        email=str(body.get("email", "")),
        role=str(body.get("role", "student")),
        student_id=body.get("student_id"),
    )
    return jsonify(report.as_dict())


@blueprint.delete("/courses/<code>/roster/<username>")
@login_required
@limits.instructor_writes
def drop_member(code: str, username: str) -> Any:
    """Drop a member (their submissions stay)."""
    session = get_db()
    membership = courses.course_for(session, current_user(), code, "instructor")
    courses.drop(session, membership.course, username)
    return "", 204


@blueprint.post("/courses/<code>/links")
@login_required
@limits.instructor_writes
def roster_links(code: str) -> Any:
    """One-time set-password links for the students without a password (JSON, or CSV for a
    mail merge with ``?format=csv``); each replaces the student's unused earlier link."""
    answer = _choice("format", ("json", "csv"))
    session, user = get_db(), current_user()
    membership = courses.course_for(session, user, code, "instructor")
    issued = courses.issue_links(session, membership.course, app_settings().public_url, user)
    rows = [
        {
            "username": m.username,
            "name": m.name,
            "email": m.email,
            "link": link.url,
            "expires_at": iso(link.expires_at),
        }
        for m, link in issued
    ]
    if answer == "csv":
        return _csv_response(rows, ["username", "name", "email", "link", "expires_at"], f"{code}-links.csv")
    return jsonify({"items": rows})


def _csv_response(rows: list[dict[str, Any]], columns: list[str], filename: str) -> Response:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return _download(out.getvalue(), filename)


def _download(text: str, filename: str) -> Response:
    """A CSV answer that browsers save as ``filename``."""
    disposition = f"attachment; filename={filename}"
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": disposition})


@blueprint.post("/courses/<code>/assignments")
@login_required
@limits.instructor_writes
def create_assignment(code: str) -> Any:
    """A new assignment (201); a due date before the opening, windows out of order or unknown
    exercises are a 422 naming the field."""
    session = get_db()
    membership = courses.course_for(session, current_user(), code, "instructor")
    assignment = assignments.create_assignment(session, membership.course, _json_body())
    return jsonify(present_assignment(assignment)), 201


@blueprint.get("/assignments/<int:assignment_id>")
@login_required
def show_assignment(assignment_id: int) -> Any:
    """An assignment; a student sees their own dates and their credited points."""
    session, user = get_db(), current_user()
    access = assignments.assignment_for(session, user, assignment_id)
    if access.membership.staff:
        return jsonify(present_assignment(access.assignment))
    own = assignments.timeline_for(session, access.assignment, user.id)
    grades = assignment_grades.student_grades(session, access.assignment, user.id)
    body = present_assignment(access.assignment, own=own)
    body["grades"] = {slug: grade.points for slug, grade in grades.items()}
    body["total"] = round(sum(grade.points or 0.0 for grade in grades.values()), 4)
    return jsonify(body)


@blueprint.patch("/assignments/<int:assignment_id>")
@login_required
@limits.instructor_writes
def patch_assignment(assignment_id: int) -> Any:
    """Change any field of an assignment; grades follow at once."""
    session = get_db()
    access = assignments.assignment_for(session, current_user(), assignment_id, "instructor")
    changed = assignments.update_assignment(session, access.assignment, _json_body())
    passback.dates_changed_after_commit(session, app_settings(), changed)
    return jsonify(present_assignment(changed))


def present_extension(username: str, extension: Extension) -> dict[str, Any]:
    """An extension as the API shows it."""
    late = windows_from_json(extension.late) if extension.late is not None else None
    return {
        "username": username,
        "due_at": iso(extension.due_at),
        "late": windows_to_json(late) if late is not None else None,
    }


@blueprint.get("/assignments/<int:assignment_id>/extensions")
@login_required
def list_extensions(assignment_id: int) -> Any:
    """The assignment's extensions."""
    session = get_db()
    access = assignments.assignment_for(session, current_user(), assignment_id, "staff")
    return jsonify(
        {"items": [present_extension(u, e) for u, e in assignments.extensions(session, access.assignment)]}
    )


@blueprint.post("/assignments/<int:assignment_id>/extensions")
@login_required
@limits.instructor_writes
def import_extensions(assignment_id: int) -> Any:
    """Grant extensions in bulk from a CSV ``username,due_at``."""
    session, user = get_db(), current_user()
    access = assignments.assignment_for(session, user, assignment_id, "staff")
    report = assignments.import_extensions(session, access.assignment, _csv_body(), user)
    passback.dates_changed_after_commit(session, app_settings(), access.assignment)
    return jsonify(report)


@blueprint.put("/assignments/<int:assignment_id>/extensions/<username>")
@login_required
@limits.instructor_writes
def put_extension(assignment_id: int, username: str) -> Any:
    """Give a student their own due date (and optionally late windows)."""
    session, user = get_db(), current_user()
    access = assignments.assignment_for(session, user, assignment_id, "staff")
    extension = assignments.grant_extension(session, access.assignment, username, _json_body(), user)
    passback.dates_changed_after_commit(session, app_settings(), access.assignment, username)
    return jsonify(present_extension(username, extension))


@blueprint.delete("/assignments/<int:assignment_id>/extensions/<username>")
@login_required
@limits.instructor_writes
def delete_extension(assignment_id: int, username: str) -> Any:
    """Take an extension back."""
    session = get_db()
    access = assignments.assignment_for(session, current_user(), assignment_id, "staff")
    assignments.remove_extension(session, access.assignment, username)
    passback.dates_changed_after_commit(session, app_settings(), access.assignment, username)
    return "", 204


@blueprint.get("/assignments/<int:assignment_id>/grades")
@login_required
def grades(assignment_id: int) -> Any:
    """Every enrolled student's credited points and total (``?format=csv``: Canvas's and
    Moodle's gradebook import layout; ``&detail=exercises``: a column per exercise too)."""
    answer = _choice("format", ("json", "csv"))
    detail = _choice("detail", ("", "exercises")) == "exercises"
    session = get_db()
    access = assignments.assignment_for(session, current_user(), assignment_id, "staff")
    result = assignment_grades.book(session, access.assignment)
    if answer == "csv":
        name = f"{access.assignment.course.code}-assignment-{assignment_id}-grades.csv"
        return _download(assignment_grades.as_csv(result, detail=detail), name)
    return jsonify(assignment_grades.as_json(result))
