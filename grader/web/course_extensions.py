"""An assignment's extensions page (/courses/<code>/assignments/<id>/extensions) for its
course's staff (TAs too): the list with a remove button each, one granted from a form (the due
date on the course's clock), many from a CSV ``username,due_at`` with its per-line report."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from grader.assignments import service as assignments
from grader.courses import service as courses
from grader.errors import Invalid, NotFound
from grader.lti import passback
from grader.web import limits
from grader.web.assignment_form import parse_local
from grader.web.common import app_settings
from grader.web.course_common import assignment_in, field_error, me, t, uploaded_csv
from grader.web.db import get_db
from grader.web.sessions import signed_in

blueprint = Blueprint("course_extensions", __name__)


def _page(access: assignments.Access, status: int = 200, **extra: Any) -> Any:
    db = get_db()
    students = [user.username for user in courses.enrolled_students(db, access.assignment.course)]
    return render_template(
        "courses/extensions.html",
        m=access.membership,
        a=access.assignment,
        timeline=assignments.timeline(access.assignment),
        granted=assignments.extensions(db, access.assignment),
        students=students,
        **extra,
    ), status


@blueprint.get("/<code>/assignments/<int:assignment_id>/extensions")
@signed_in
def show(code: str, assignment_id: int) -> Any:
    """The extensions, and the forms to grant them."""
    return _page(assignment_in(code, assignment_id, "staff"))


@blueprint.post("/<code>/assignments/<int:assignment_id>/extensions")
@signed_in
@limits.instructor_writes
def grant(code: str, assignment_id: int) -> Any:
    """Give one student their own due date (the assignment's late windows move with it); a
    wrong field (not a student of the course, a date before the opening): the form again."""
    access = assignment_in(code, assignment_id, "staff")
    username = request.form.get("username", "").strip()
    try:
        due = parse_local(request.form.get("due_at", ""), access.assignment.course.timezone, "due_at")
        assignments.grant_extension(get_db(), access.assignment, username, {"due_at": due}, me())
        passback.dates_changed_after_commit(get_db(), app_settings(), access.assignment, username)
    except NotFound:
        error = ("username", t("c.err.not_student", name=username))
        return _page(access, 422, grant_error=error, grant_form=request.form)
    except Invalid as exc:
        return _page(access, 422, grant_error=field_error(exc), grant_form=request.form)
    flash(t("c.extension_granted", name=username), "info")
    return redirect(url_for("course_extensions.show", code=code, assignment_id=assignment_id))


@blueprint.post("/<code>/assignments/<int:assignment_id>/extensions/upload")
@signed_in
@limits.instructor_writes
def upload(code: str, assignment_id: int) -> Any:
    """Grant extensions from a CSV ``username,due_at`` (ISO 8601 with an offset): the page with
    what each line did; a file that cannot be read at all: the form again with why (422)."""
    access = assignment_in(code, assignment_id, "staff")
    try:
        report = assignments.import_extensions(get_db(), access.assignment, uploaded_csv(), me())
        passback.dates_changed_after_commit(get_db(), app_settings(), access.assignment)
    except Invalid as exc:
        return _page(access, 422, upload_error=field_error(exc)[1], pasted=request.form.get("text", ""))
    return _page(access, report=report)


@blueprint.post("/<code>/assignments/<int:assignment_id>/extensions/<username>/remove")
@signed_in
@limits.instructor_writes
def remove(code: str, assignment_id: int, username: str) -> Any:
    """Take a student's extension back: the assignment's dates apply to them again."""
    access = assignment_in(code, assignment_id, "staff")
    assignments.remove_extension(get_db(), access.assignment, username)
    passback.dates_changed_after_commit(get_db(), app_settings(), access.assignment, username)
    flash(t("c.extension_removed", name=username), "info")
    return redirect(url_for("course_extensions.show", code=code, assignment_id=assignment_id))
