"""The REST API (/api/v1): parse the request, call one service, present the result."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, jsonify, request

from grader.accounts.models import User
from grader.bank import presentation as exercise_views
from grader.bank.catalog import visible_bank
from grader.errors import BadRequest, Invalid, NotFound
from grader.grading.source_loader import MAX_SOURCE_BYTES, Source
from grader.reports import gradebook, stats
from grader.submissions import intake, regrade
from grader.submissions import service as submissions
from grader.times import iso
from grader.web import limits
from grader.web.auth import current_user, instructor_required, login_required
from grader.web.common import app_settings, exercise_or_404
from grader.web.db import get_db

blueprint = Blueprint("api", __name__)
IDEMPOTENCY_KEY_LENGTH = 255  # the column's length
MAX_PAGE, MAX_PER_PAGE = 100_000, 100
MAX_GRADEBOOK_PER_PAGE = 1000  # students


def _lang() -> str:
    lang = request.args.get("lang", "en")
    if lang not in ("en", "zh"):
        raise Invalid("lang must be en or zh")
    return lang


def _positive(name: str, default: int, top: int) -> int:
    raw = request.args.get(name, str(default))
    # ASCII digits only, and few: str.isdigit() takes "²", which int() refuses (a 500).
    if not re.fullmatch(r"[0-9]{1,9}", raw) or not 1 <= int(raw) <= top:
        raise Invalid(f"{name} must be a whole number from 1 to {top}")
    return int(raw)


@blueprint.get("/exercises")
def list_exercises() -> Any:
    """Every exercise of the bank."""
    lang = _lang()
    bank = visible_bank(get_db())
    return jsonify({"exercises": [exercise_views.summary(e, lang) for e in bank.values()]})


@blueprint.get("/exercises/<slug>")
def show_exercise(slug: str) -> Any:
    """One exercise: statement, signature, starter code, public examples."""
    lang = _lang()
    return jsonify(exercise_views.detail(exercise_or_404(slug), lang))


def _submission_input() -> tuple[str, Source, str, str | None, int | None]:
    """(exercise, source, filename, callback_url, assignment) from a JSON body or a multipart
    upload."""
    slug: Any
    callback: Any
    assignment: Any
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        slug = request.form.get("exercise", "")
        callback = request.form.get("callback_url") or None
        assignment = request.form.get("assignment") or None
        if assignment is not None:
            if not re.fullmatch(r"[0-9]{1,9}", assignment):
                raise Invalid("'assignment' must be an assignment's id (a whole number)", "assignment")
            assignment = int(assignment)
        if upload is None or not upload.filename:
            raise Invalid("attach the submission as the multipart field 'file' (.py or .ipynb)")
        filename = upload.filename
        source = intake.load_upload(filename, upload.read(MAX_SOURCE_BYTES + 1))
    else:
        body = request.get_json(silent=True)
        if body is None:
            raise BadRequest('send JSON {"exercise": slug, "code": source} or a multipart upload')
        if not isinstance(body, dict):
            raise BadRequest("the JSON body must be an object")
        slug, code = body.get("exercise"), body.get("code")
        callback, assignment = body.get("callback_url"), body.get("assignment")
        if assignment is not None and (
            isinstance(assignment, bool) or not isinstance(assignment, int) or not 0 < assignment < 2**31
        ):
            raise Invalid("'assignment' must be an assignment's id (a whole number)", "assignment")
        if not isinstance(code, str):
            raise Invalid("'code' must be the source as a string")
        if callback is not None and not isinstance(callback, str):
            raise Invalid("'callback_url' must be a string")
        source = intake.load_code(code)
        filename = intake.typed_filename(source)
    if not isinstance(slug, str) or not slug:
        raise Invalid("'exercise' must name an exercise, e.g. linalg.sum_axis")
    if callback is not None:
        intake.storable_text("callback_url", callback)
    return slug, source, filename, callback, assignment


def _idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if len(key) > IDEMPOTENCY_KEY_LENGTH:
        raise Invalid(f"the Idempotency-Key header must be at most {IDEMPOTENCY_KEY_LENGTH} characters")
    return intake.storable_text("Idempotency-Key", key)


@blueprint.post("/submissions")
@login_required
def create_submission() -> Any:
    """Queue a submission for grading (202), or return the one an Idempotency-Key made (200)."""
    slug, source, filename, callback, assignment = _submission_input()
    body, created = intake.accept(
        get_db(),
        app_settings(),
        current_user(),
        slug,
        source,
        filename=filename,
        callback_url=callback,
        idempotency_key=_idempotency_key(),
        assignment_id=assignment,
    )
    body["url"] = f"/api/v1/submissions/{body['id']}"
    return jsonify(body), 202 if created else 200


@blueprint.get("/submissions/<int:submission_id>")
@login_required
def show_submission(submission_id: int) -> Any:
    """A submission with its results (the caller's own; instructors see all)."""
    lang = _lang()
    session = get_db()
    row = submissions.get_visible(session, current_user(), submission_id)
    return jsonify(submissions.present(row, lang) | submissions.credit_fields(session, row))


@blueprint.get("/submissions")
@login_required
def list_submissions() -> Any:
    """The caller's submissions, newest first; instructors may filter by student and exercise."""
    page, per_page = _positive("page", 1, MAX_PAGE), _positive("per_page", 20, MAX_PER_PAGE)
    session = get_db()
    user: User = current_user()
    rows, total = submissions.list_visible(
        session,
        user,
        page=page,
        per_page=per_page,
        exercise=request.args.get("exercise"),
        student=request.args.get("student"),
    )
    items = [submissions.present(row, "en", full=False) for row in rows]
    return jsonify({"items": items, "page": page, "per_page": per_page, "total": total})


@blueprint.get("/gradebook")
@instructor_required
def show_gradebook() -> Any:
    """Best score per student and exercise, as JSON (whole, or a page of students with
    ?page=&per_page=) or ?format=csv (always whole)."""
    answer = request.args.get("format", "json")
    if answer not in ("json", "csv"):
        raise Invalid("format must be json or csv")
    paged = "page" in request.args or "per_page" in request.args
    if paged and answer == "csv":
        raise Invalid("the CSV is always the whole gradebook: page and per_page are for JSON")
    session = get_db()
    if answer == "csv":
        return Response(
            gradebook.gradebook_csv(session),
            mimetype="text/csv",
            headers={"Content-Disposition": "attachment; filename=gradebook.csv"},
        )
    if not paged:
        return jsonify(gradebook.gradebook(session))
    page, per_page = _positive("page", 1, MAX_PAGE), _positive("per_page", 100, MAX_GRADEBOOK_PER_PAGE)
    book = gradebook.gradebook_page(session, page=page, per_page=per_page)
    students = [{"student": row["student"], "scores": row["scores"]} for row in book.rows]
    return jsonify(
        {
            "exercises": book.exercises,
            "students": students,
            "page": page,
            "per_page": per_page,
            "total": book.students,
        }
    )


@blueprint.get("/exercises/<slug>/stats")
@instructor_required
def exercise_stats(slug: str) -> Any:
    """Statistics of one exercise."""
    exercise_or_404(slug)
    session = get_db()
    return jsonify(stats.exercise_stats(session, slug))


@blueprint.post("/submissions/<int:submission_id>/regrade")
@instructor_required
@limits.instructor_writes
def regrade_submission(submission_id: int) -> Any:
    """Grade one submission again (202); a regrade already pending is joined (200). A graded
    submission keeps its score until the regrade records."""
    ticket = regrade.request_one(get_db(), app_settings(), submission_id, current_user().id)
    body = {
        "id": ticket.submission_id,
        "status": ticket.status,
        "regrade": ticket.audit_id,
        "joined": ticket.joined,
    }
    return jsonify(body), 200 if ticket.joined else 202


@blueprint.post("/exercises/<slug>/regrade")
@instructor_required
@limits.instructor_writes
def regrade_exercise(slug: str) -> Any:
    """Grade every submission of an exercise again, in the background (202); while one such
    regrade is pending, a repeat joins it (200)."""
    exercise_or_404(slug)
    ticket = regrade.request_exercise(get_db(), app_settings(), slug, current_user().id)
    body = {
        "exercise": slug,
        "regrade": ticket.id,
        "queued": ticket.submissions,
        "joined": ticket.joined,
        "requested_at": iso(ticket.requested_at),
    }
    return jsonify(body), 200 if ticket.joined else 202


@blueprint.get("/exercises/<slug>/regrade")
@instructor_required
def regrade_progress(slug: str) -> Any:
    """The exercise's latest regrade: how many submissions it covers and how many remain."""
    exercise_or_404(slug)
    session = get_db()
    progress = regrade.latest_progress(session, slug)
    if progress is None:
        raise NotFound(f"{slug} was never regraded")
    return jsonify(
        {
            "exercise": slug,
            "regrade": progress.id,
            "requested_at": iso(progress.requested_at),
            "submissions": progress.submissions,
            "remaining": progress.remaining,
            "completed_at": iso(progress.completed_at),
        }
    )
