"""A course's roster page (/courses/<code>/roster): its members for the staff (TAs read it), and
for its instructors a CSV import with its per-line report, one member added or dropped, and the
set-password links of the students without a password, as CSV for a mail merge."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from grader.courses import roster
from grader.courses import service as courses
from grader.courses.models import CourseRole
from grader.errors import Invalid
from grader.lti import nrps
from grader.times import iso
from grader.web import limits
from grader.web.common import app_settings
from grader.web.course_common import field_error, me, membership, t, uploaded_csv
from grader.web.db import get_db
from grader.web.sessions import signed_in

blueprint = Blueprint("course_roster", __name__)
MEMBER_FIELDS = ("username", "name", "email", "role", "student_id")


def _page(member: courses.Membership, status: int = 200, **extra: Any) -> Any:
    dropped = request.args.get("dropped") == "1"
    members = courses.roster(get_db(), member.course, include_dropped=dropped)
    return render_template(
        "courses/roster.html",
        m=member,
        members=members,
        show_dropped=dropped,
        may_change=member.role == CourseRole.instructor,
        from_lms=nrps.offered(get_db(), member.course),
        roles=[role.value for role in CourseRole],
        **extra,
    ), status


@blueprint.get("/<code>/roster")
@signed_in
def show(code: str) -> Any:
    """The members by role then username (``?dropped=1``: those dropped too)."""
    return _page(membership(code, "staff"))


@blueprint.post("/<code>/roster")
@signed_in
@limits.instructor_writes
def upload(code: str) -> Any:
    """Import a roster CSV (a file, or text pasted): the page again with what each line did;
    a file that cannot be read at all (no header, not UTF-8): the form again with why (422)."""
    member = membership(code, "instructor")
    try:
        report = roster.import_roster(get_db(), member.course, uploaded_csv())
    except Invalid as exc:
        return _page(member, 422, upload_error=field_error(exc)[1], pasted=request.form.get("text", ""))
    return _page(member, report=report)


@blueprint.post("/<code>/roster/add")
@signed_in
@limits.instructor_writes
def add(code: str) -> Any:
    """Add one member (or change them, as a roster line would); a wrong field: the form again."""
    member = membership(code, "instructor")
    form = request.form
    try:
        roster.enroll_one(
            get_db(),
            member.course,
            form.get("username", "").strip(),
            name=form.get("name", "").strip(),
            email=form.get("email", "").strip(),
            role=form.get("role", "student"),
            student_id=form.get("student_id", "").strip() or None,
        )
    except Invalid as exc:
        # The roster's checks name their field first ("email 'x' is not an address…").
        field = next((name for name in MEMBER_FIELDS if exc.message.startswith(name)), None)
        return _page(member, 422, add_error=(field, exc.message), add_form=form)
    flash(t("c.member_added", name=form.get("username", "").strip()), "info")
    return redirect(url_for("course_roster.show", code=code))


@blueprint.post("/<code>/roster/<username>/drop")
@signed_in
@limits.instructor_writes
def drop(code: str, username: str) -> Any:
    """Take a member off the roster (their submissions stay; adding them again enrolls them)."""
    member = membership(code, "instructor")
    try:
        courses.drop(get_db(), member.course, username)
    except Invalid as exc:
        return _page(member, 422, drop_error=exc.message)
    flash(t("c.member_dropped", name=username), "info")
    return redirect(url_for("course_roster.show", code=code))


@blueprint.post("/<code>/roster/lms-sync")
@signed_in
@limits.instructor_writes
def lms_sync(code: str) -> Any:
    """Bring the roster in line with the LMS's (Names and Role Provisioning): who was added, who left."""
    member = membership(code, "instructor")
    report = nrps.sync_roster(get_db(), member.course, app_settings().secret_key())
    flash(
        t(
            "lti.synced",
            added=", ".join(report.added) or "–",
            left=", ".join(report.left) or "–",
            n=report.stayed,
        ),
        "info",
    )
    return redirect(url_for("course_roster.show", code=code))


@blueprint.post("/<code>/roster/links.csv")
@signed_in
@limits.instructor_writes
def links(code: str) -> Any:
    """Fresh one-time set-password links for the students without a password, as CSV (each
    replaces the student's unused earlier link)."""
    member = membership(code, "instructor")
    issued = courses.issue_links(get_db(), member.course, app_settings().public_url, me())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["username", "name", "email", "link", "expires_at"])
    for person, link in issued:
        writer.writerow(
            [person.username, person.name or "", person.email or "", link.url, iso(link.expires_at)]
        )
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        # One-time links are passwords until used: no cache keeps a copy.
        headers={
            "Content-Disposition": f"attachment; filename={code}-links.csv",
            "Cache-Control": "no-store",
        },
    )
