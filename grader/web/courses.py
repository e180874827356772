"""Course pages (/courses): the reader's courses, a course and an assignment, as its students
see them (their own dates and credited points) or as its staff do (links to the roster, the
editor, the gradebook, the extensions). Who may see what is the services'."""

from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from flask import Blueprint, redirect, render_template, request, url_for

from grader.assignments import service as assignments
from grader.bank.loader import load_bank
from grader.courses import service as courses
from grader.errors import Conflict, Invalid
from grader.grading.exercise import pick
from grader.reports import course_standing
from grader.web import course_time, limits
from grader.web.course_common import assignment_in, field_error, me, membership, t
from grader.web.db import get_db
from grader.web.sessions import is_instructor, language, signed_in

blueprint = Blueprint("courses", __name__)
# A student's assignments: what they can earn credit on now, then what opens later, then the
# closed ones (a term's past weeks must not push this week's off the screen).
CURRENT_FIRST = {"open": 0, "late": 0, "not_open": 1, "closed": 2}


def titles() -> dict[str, str]:
    """Every exercise's title in the reader's language, by slug."""
    lang = language()
    return {slug: pick(exercise.title, lang) for slug, exercise in load_bank().items()}


def _index_page(status: int = 200, **extra: Any) -> Any:
    mine = courses.courses_of(get_db(), me())
    may_create = is_instructor(me())
    zones = sorted(available_timezones()) if may_create else []
    return render_template(
        "courses/index.html", memberships=mine, may_create=may_create, zones=zones, **extra
    ), status


@blueprint.get("/")
@signed_in
def index() -> Any:
    """The reader's courses with their role in each; instructors may create one."""
    return _index_page()


@blueprint.post("/")
@signed_in
@limits.instructor_writes
def create() -> Any:
    """A new course, its creator its instructor; a bad field or a used code: the form again."""
    form = request.form
    try:
        course = courses.create_course(
            get_db(),
            me(),
            form.get("code", "").strip(),
            form.get("title", ""),
            term=form.get("term", ""),
            timezone=form.get("timezone", "").strip() or "UTC",
        )
    except Conflict:
        return _index_page(409, form=form, error=("code", t("c.err.code_used")))
    except Invalid as exc:
        return _index_page(422, form=form, error=field_error(exc))
    return redirect(url_for("courses.course", code=course.code))


@blueprint.get("/<code>")
@signed_in
def course(code: str) -> Any:
    """A course: a student's assignments (current ones first) with their own dates and credited
    points; for its staff, every assignment with links to edit, grade and extend it."""
    db, lang = get_db(), language()
    member = membership(code)
    zone = member.course.timezone
    if member.staff:
        listed = [
            (a, course_time.status(assignments.timeline(a), zone, lang))
            for a in assignments.course_assignments(db, member.course)
        ]
        return render_template("courses/course_staff.html", m=member, listed=listed)
    standings = course_standing.course_standing(db, member.course, me().id)
    listed_own = [(s, course_time.status(s.timeline, zone, lang)) for s in standings]
    listed_own.sort(key=lambda item: CURRENT_FIRST[item[1].phase])  # then by due date, as read
    return render_template("courses/course.html", m=member, listed=listed_own, titles=titles())


@blueprint.get("/<code>/assignments/<int:assignment_id>")
@signed_in
def assignment(code: str, assignment_id: int) -> Any:
    """An assignment: a student's own dates, credit timeline and points; for its staff, the
    same timeline with the links to edit it, grade it and extend it."""
    db, lang = get_db(), language()
    access = assignment_in(code, assignment_id)
    zone = access.assignment.course.timezone
    if access.membership.staff:
        base = assignments.timeline(access.assignment)
        extensions = assignments.extensions(db, access.assignment)
        return render_template(
            "courses/assignment_staff.html",
            m=access.membership,
            a=access.assignment,
            timeline=base,
            state=course_time.status(base, zone, lang),
            extensions=len(extensions),
            titles=titles(),
        )
    standing = course_standing.assignment_standing(db, access.assignment, me().id)
    return render_template(
        "courses/assignment.html",
        m=access.membership,
        a=access.assignment,
        s=standing,
        timeline=standing.timeline,
        state=course_time.status(standing.timeline, zone, lang),
        titles=titles(),
    )
