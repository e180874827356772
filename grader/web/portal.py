"""The student portal: sign in, the exercise list, an exercise with its editor, results, history."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_limiter import RateLimitExceeded

from grader.accounts.models import User
from grader.assignments import service as assignments
from grader.bank import presentation as exercise_views
from grader.bank.catalog import visible_bank
from grader.errors import Invalid, Unauthenticated
from grader.grading.source_loader import MAX_SOURCE_BYTES, Source
from grader.i18n.ui_text import translate
from grader.reports import progress
from grader.submissions import intake
from grader.submissions import service as submissions
from grader.web import course_time, limits
from grader.web.common import app_settings, exercise_or_404, submission_page
from grader.web.db import get_db
from grader.web.sessions import (
    LANG_COOKIE,
    LANGUAGES,
    is_instructor,
    language,
    page_user,
    safe_next,
    sign_in,
    sign_out,
    signed_in,
)

blueprint = Blueprint("portal", __name__)
ONE_YEAR = 365 * 24 * 3600


def _user() -> User:
    user = page_user()
    assert user is not None  # the views below are all @signed_in
    return user


@blueprint.get("/favicon.ico")
def favicon() -> Any:
    """Browsers ask for it on any page, the result fragment and error pages included."""
    return current_app.send_static_file("favicon.svg")


@blueprint.get("/")
def home() -> Any:
    """Students land on their exercises, instructors on the dashboard."""
    user = page_user()
    if user is None:
        return redirect(url_for("portal.login"))
    return redirect(url_for("dashboard.overview" if is_instructor(user) else "portal.exercises"))


@blueprint.route("/login", methods=["GET", "POST"])
@limits.failed_sign_ins(account=lambda: request.form.get("username", "").strip())
def login() -> Any:
    """The sign-in form; a wrong password says so without telling which half was wrong."""
    target = safe_next(request.values.get("next"), url_for("portal.home"))
    if request.method == "GET":
        return render_template("login.html", next=target)
    try:
        sign_in(request.form.get("username", "").strip(), request.form.get("password", ""))
    except Unauthenticated as exc:
        return render_template("login.html", next=target, error=exc.message), 401
    return redirect(target)


@blueprint.errorhandler(RateLimitExceeded)
def sign_ins_throttled(_exc: RateLimitExceeded) -> Any:
    """Too many failed sign-ins (the portal's only limit): the form again, with the wait."""
    wait = limits.retry_after()
    target = safe_next(request.values.get("next"), url_for("portal.home"))
    message = translate("sign_in_throttled", language(), s=wait)
    return render_template("login.html", next=target, error=message), 429, {"Retry-After": str(wait)}


@blueprint.post("/logout")
def logout() -> Any:
    """Sign out and go back to the sign-in page."""
    sign_out()
    flash(translate("signed_out", language()), "info")
    return redirect(url_for("portal.login"))


@blueprint.post("/language")
def choose_language() -> Any:
    """Remember the reader's language in a cookie and go back where they were."""
    lang = request.form.get("lang", "")
    if lang not in LANGUAGES:
        raise Invalid("choose en or zh")
    response = redirect(safe_next(request.form.get("next"), url_for("portal.home")))
    response.set_cookie(LANG_COOKIE, lang, max_age=ONE_YEAR, samesite="Lax", httponly=True)
    return response


@blueprint.get("/exercises")
@signed_in
def exercises() -> Any:
    """Every exercise by unit, with the student's best score and state on each."""
    lang = language()
    db = get_db()
    standings = progress.standings(db, _user().id)
    units: dict[str, list[dict[str, Any]]] = defaultdict(list)
    bank = visible_bank(db)
    for exercise in bank.values():
        units[exercise.unit].append(
            {
                **exercise_views.summary(exercise, lang),
                "standing": standings.get(exercise.slug) or progress.Standing(None, exercise.points, 0, 0),
            }
        )
    done = sum(1 for s in standings.values() if s.state == "full")
    return render_template("exercises.html", units=dict(units), lang=lang, done=done, total=len(bank))


def _assignment_id(raw: str | None) -> int | None:
    """An assignment's id from the address or the form (absent: practice outside any)."""
    if not raw:
        return None
    if not re.fullmatch(r"[0-9]{1,9}", raw):
        raise Invalid("'assignment' must be an assignment's id (a whole number)", "assignment")
    return int(raw)


@blueprint.get("/exercises/<slug>")
@signed_in
def exercise(slug: str) -> Any:
    """The statement, signature, examples, the editor (starter code or the last attempt);
    opened from an assignment (``?assignment=<id>``), which one, when it is due, the credit a
    submission earns now, and a form that submits to it."""
    lang = language()
    found = exercise_or_404(slug)
    db = get_db()
    assignment_id = _assignment_id(request.args.get("assignment"))
    assigned = None
    if assignment_id is not None:
        assigned = assignments.assigned_exercise(db, _user(), assignment_id, slug)
    last = progress.last_source(db, _user().id, slug)
    attempts = progress.history(db, _user().id, slug, limit=10)
    return render_template(
        "exercise.html",
        exercise=exercise_views.detail(found, lang),
        unit=found.unit,
        code=last if last is not None else found.starter,
        from_last=last is not None,
        attempts=list(reversed(attempts)),
        lang=lang,
        max_kib=MAX_SOURCE_BYTES // 1024,
        assigned=assigned,
        state=_state(assigned, lang),
    )


def _state(assigned: assignments.Assigned | None, lang: str) -> course_time.Status | None:
    if assigned is None:
        return None
    return course_time.status(assigned.timeline, assigned.access.assignment.course.timezone, lang)


@blueprint.post("/exercises/<slug>/submit")
@signed_in
def submit(slug: str) -> Any:
    """Queue the editor's code or an uploaded file (to the form's assignment, if it names one:
    refused before the assignment opens). Scripts get JSON; plain forms a redirect."""
    exercise_or_404(slug)
    assignment_id = _assignment_id(request.form.get("assignment"))
    source, filename = _portal_source()
    body, _ = intake.accept(
        get_db(), app_settings(), _user(), slug, source, filename=filename, assignment_id=assignment_id
    )
    result = url_for("portal.submission", submission_id=body["id"])
    if _wants_json():
        return jsonify(
            {
                "id": body["id"],
                "status": body["status"],
                "page": result,
                "fragment": url_for("portal.submission_fragment", submission_id=body["id"]),
            }
        ), 202
    return redirect(result)


def _portal_source() -> tuple[Source, str]:
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        return intake.load_upload(upload.filename, upload.read(MAX_SOURCE_BYTES + 1)), upload.filename
    code = request.form.get("code", "")
    if not code.strip():
        raise Invalid("the editor is empty: write your function or choose a .py/.ipynb file")
    source = intake.load_code(code)
    return source, intake.typed_filename(source)


def _wants_json() -> bool:
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def _visible(submission_id: int) -> dict[str, Any]:
    lang = language()
    db = get_db()
    row = submissions.get_visible(db, _user(), submission_id)
    return submission_page(row, lang)


@blueprint.get("/submissions/<int:submission_id>")
@signed_in
def submission(submission_id: int) -> Any:
    """One submission: its code and its result (refreshes itself while it is being graded)."""
    return render_template("submission.html", s=_visible(submission_id), lang=language())


@blueprint.get("/submissions/<int:submission_id>/result")
@signed_in
def submission_fragment(submission_id: int) -> Any:
    """The result panel alone, for the exercise page's live update (polled while pending)."""
    data = _visible(submission_id)
    response: Response = make_response(render_template("_result.html", s=data, lang=language()))
    response.headers["X-Grading-Pending"] = "1" if data["pending"] else "0"
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/exercises/<slug>/history")
@signed_in
def history(slug: str) -> Any:
    """Every submission of the student to one exercise, with the score over time."""
    lang = language()
    found = exercise_or_404(slug)
    db = get_db()
    attempts = progress.history(db, _user().id, slug)
    return render_template(
        "history.html",
        exercise=exercise_views.summary(found, lang),
        attempts=attempts,
        bars=[(f"#{a.id}", a.score) for a in attempts if a.score is not None],
        lang=lang,
    )
