"""An assignment's gradebook pages for its course's staff: every enrolled student with their
credited points, late marks and total, sorted by any column and filtered (a name, a total below
a score), exported as CSV in both layouts; and who needs help (not started, below a threshold,
many failed attempts)."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from grader.lti import passback
from grader.reports import assignment_book, assignment_grades
from grader.web import limits
from grader.web.common import app_settings
from grader.web.course_common import FormError, assignment_in, field_error, t
from grader.web.courses import titles
from grader.web.db import get_db
from grader.web.sessions import signed_in

blueprint = Blueprint("course_grades", __name__)
NUMBER = re.compile(r"[0-9]{1,6}(?:\.[0-9]{1,4})?")
PER_PAGE = 50  # students a page: a course of 1,000 is 20 pages of a few kilobytes, not 2 MB


def _number(name: str, default: float | None, top: float, key: str) -> float | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not NUMBER.fullmatch(raw) or float(raw) > top:
        raise FormError(name, key)
    return float(raw)


def _page() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if re.fullmatch(r"[0-9]{1,6}", raw) and int(raw) > 0 else 1


@blueprint.get("/<code>/assignments/<int:assignment_id>/grades")
@signed_in
def grades(code: str, assignment_id: int) -> Any:
    """The gradebook: ``?sort=`` a column (``student``, ``name``, ``total``, ``due`` or an
    exercise's slug) and ``dir=desc``; ``?q=`` a name; ``?below=`` a total under that score."""
    access = assignment_in(code, assignment_id, "staff")
    book = assignment_grades.book(get_db(), access.assignment)
    sort = request.args.get("sort", "student")
    if sort not in assignment_book.SORT_KEYS and sort not in dict(book.exercises):
        sort = "student"
    descending = request.args.get("dir") == "desc"
    text = request.args.get("q", "")[:200]
    error, status = None, 200
    try:
        below = _number("below", None, 1e6, "c.err.below")
    except FormError as exc:
        below, error, status = None, field_error(exc), 422
    rows = assignment_book.filter_rows(assignment_book.sort_rows(book, sort, descending), text, below)
    pages = max(1, -(-len(rows) // PER_PAGE))
    page = min(_page(), pages)
    linked = passback.linked(get_db(), access.assignment)
    return render_template(
        "courses/grades.html",
        m=access.membership,
        a=access.assignment,
        book=book,
        rows=rows[(page - 1) * PER_PAGE : page * PER_PAGE],
        matching=len(rows),
        page=page,
        pages=pages,
        sort=sort,
        descending=descending,
        q=text,
        below=request.args.get("below", "") if error else below,
        error=error,
        titles=titles(),
        lms=passback.sent_by_username(get_db(), access.assignment) if linked else None,
    ), status


@blueprint.post("/<code>/assignments/<int:assignment_id>/grades/<username>/send")
@signed_in
@limits.instructor_writes
def send_again(code: str, assignment_id: int, username: str) -> Any:
    """Send a student's total to the LMS's gradebook again (even if unchanged), in the background."""
    access = assignment_in(code, assignment_id, "staff")
    sent = passback.send_again_after_commit(get_db(), app_settings(), access.assignment, username)
    flash(t("lti.sending" if sent else "lti.not_from_lms", name=username), "info")
    return redirect(url_for("course_grades.grades", code=code, assignment_id=assignment_id))


@blueprint.get("/<code>/assignments/<int:assignment_id>/grades.csv")
@signed_in
def grades_csv(code: str, assignment_id: int) -> Any:
    """The grades as CSV in Canvas's and Moodle's import layout: the total, or with
    ``?detail=exercises`` a column per exercise before it."""
    access = assignment_in(code, assignment_id, "staff")
    detail = request.args.get("detail") == "exercises"
    body = assignment_grades.as_csv(assignment_grades.book(get_db(), access.assignment), detail=detail)
    name = f"{code}-assignment-{assignment_id}-grades{'-exercises' if detail else ''}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={name}", "Cache-Control": "no-store"},
    )


@blueprint.get("/<code>/assignments/<int:assignment_id>/help")
@signed_in
def needs_help(code: str, assignment_id: int) -> Any:
    """Who needs help: not started; a total under ``?below=`` percent of the points (50); and
    ``?failed=`` or more failed attempts on an exercise not yet solved for full credit (5)."""
    access = assignment_in(code, assignment_id, "staff")
    error, status = None, 200
    try:
        below = _number("below", 50, 100, "c.err.percent")
        failed = _number("failed", 5, 10_000, "c.err.failed")
        if failed is not None and (failed < 1 or failed != int(failed)):
            raise FormError("failed", "c.err.failed")
    except FormError as exc:
        error, status = field_error(exc), 422
        below, failed = 50, 5
    assert below is not None and failed is not None
    book = assignment_grades.book(get_db(), access.assignment)
    return render_template(
        "courses/help.html",
        m=access.membership,
        a=access.assignment,
        book=book,
        found=assignment_book.needs_help(book, below / 100, int(failed)),
        below=below,
        failed=int(failed),
        typed=request.args if error else None,
        error=error,
        titles=titles(),
    ), status
