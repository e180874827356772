"""The assignment editor (/courses/<code>/assignments/new, …/<id>/edit), for a course's
instructors: exercises picked from the bank with their points, the dates on the course's clock,
late windows added and removed, and a preview of the credit timeline. Adding or removing a
window and previewing post the form to ``…/preview``, which stores nothing (and so counts
against no write limit); saving posts it to the page itself. A wrong field: the form again,
its error beside the field the service named (422)."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from grader.assignments import service as assignments
from grader.assignments.models import Assignment
from grader.assignments.policy import Timeline
from grader.bank import catalog
from grader.courses import service as courses
from grader.errors import Invalid
from grader.lti import passback
from grader.web import limits
from grader.web.assignment_form import MAX_WINDOWS, EditorForm, from_assignment, from_request, picker, to_body
from grader.web.common import app_settings
from grader.web.course_common import assignment_in, field_error, membership, t
from grader.web.db import get_db
from grader.web.sessions import language, signed_in

blueprint = Blueprint("course_editor", __name__)


def _editor(
    member: courses.Membership,
    form: EditorForm,
    assignment: Assignment | None,
    *,
    status: int = 200,
    error: tuple[str | None, str] | None = None,
    timeline: Timeline | None = None,
) -> Any:
    if error and error[0] and re.fullmatch(r"exercises\[\d+\]\.exercise", error[0]):
        error = ("exercises", error[1])  # a slug not in the bank has no row of the picker to stand by
    return render_template(
        "courses/editor.html",
        m=member,
        a=assignment,
        form=form,
        rows=picker(form, language(), catalog.visible_bank(get_db())),
        error=error,
        timeline=timeline,
        max_windows=MAX_WINDOWS,
    ), status


def _body(form: EditorForm, zone: str) -> dict[str, Any]:
    """The API's body of the form, its exercises checked against what students may see."""
    return to_body(form, zone, catalog.visible_bank(get_db()))


def _check(member: courses.Membership, form: EditorForm) -> Timeline:
    """The form's timeline, checked as a save would check the form (Invalid otherwise)."""
    return assignments.preview_timeline(get_db(), _body(form, member.course.timezone))


@blueprint.get("/<code>/assignments/new")
@signed_in
def new(code: str) -> Any:
    """An empty editor."""
    return _editor(membership(code, "instructor"), EditorForm(), None)


@blueprint.post("/<code>/assignments/new")
@signed_in
@limits.instructor_writes
def create(code: str) -> Any:
    """Create the assignment, then show it; a wrong field: the editor again (422)."""
    member = membership(code, "instructor")
    form = from_request(request.form)
    try:
        made = assignments.create_assignment(get_db(), member.course, _body(form, member.course.timezone))
    except Invalid as exc:
        return _editor(member, form, None, status=422, error=field_error(exc))
    flash(t("c.assignment_saved", title=made.title), "info")
    return redirect(url_for("courses.assignment", code=code, assignment_id=made.id))


@blueprint.get("/<code>/assignments/<int:assignment_id>/edit")
@signed_in
def edit(code: str, assignment_id: int) -> Any:
    """The editor with the assignment as it stands, and its timeline."""
    access = assignment_in(code, assignment_id, "instructor")
    form = from_assignment(access.assignment, access.membership.course.timezone)
    return _editor(
        access.membership, form, access.assignment, timeline=assignments.timeline(access.assignment)
    )


@blueprint.post("/<code>/assignments/<int:assignment_id>/edit")
@signed_in
@limits.instructor_writes
def update(code: str, assignment_id: int) -> Any:
    """Save every field of the form; grades follow at once (they are computed when read)."""
    access = assignment_in(code, assignment_id, "instructor")
    member, form = access.membership, from_request(request.form)
    try:
        assignments.update_assignment(get_db(), access.assignment, _body(form, member.course.timezone))
        passback.dates_changed_after_commit(get_db(), app_settings(), access.assignment)
    except Invalid as exc:
        return _editor(member, form, access.assignment, status=422, error=field_error(exc))
    flash(t("c.assignment_saved", title=access.assignment.title), "info")
    return redirect(url_for("courses.assignment", code=code, assignment_id=assignment_id))


def _preview(member: courses.Membership, assignment: Assignment | None) -> Any:
    form = from_request(request.form)
    action = request.form.get("action", "preview")
    if action == "add_window" and len(form.windows) < MAX_WINDOWS:
        form.windows.append(("", ""))
        return _editor(member, form, assignment, timeline=None)
    if action.startswith("remove_window:") and action.removeprefix("remove_window:").isdigit():
        index = int(action.removeprefix("remove_window:"))
        if index < len(form.windows):
            del form.windows[index]
    if not form.due_at and not form.chosen:
        return _editor(member, form, assignment)  # nothing to preview yet, and nothing wrong
    try:
        timeline = _check(member, form)
    except Invalid as exc:
        return _editor(member, form, assignment, status=422, error=field_error(exc))
    return _editor(member, form, assignment, timeline=timeline)


@blueprint.post("/<code>/assignments/new/preview")
@signed_in
def preview_new(code: str) -> Any:
    """The editor again with the form as sent: a window added or removed, the timeline drawn."""
    return _preview(membership(code, "instructor"), None)


@blueprint.post("/<code>/assignments/<int:assignment_id>/edit/preview")
@signed_in
def preview_edit(code: str, assignment_id: int) -> Any:
    """As ``preview_new``, for an assignment that exists."""
    access = assignment_in(code, assignment_id, "instructor")
    return _preview(access.membership, access.assignment)
