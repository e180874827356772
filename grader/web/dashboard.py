"""The instructor dashboard: overview, one exercise, the gradebook, a student, a submission,
users and their tokens. Views parse, call the services, render; every change is a POST form."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from grader.accounts import service as accounts
from grader.accounts.models import User
from grader.bank.loader import load_bank
from grader.errors import Invalid, NotFound
from grader.grading.exercise import pick
from grader.i18n.ui_text import translate
from grader.mistakes import service as mistakes
from grader.reports import gradebook, mistake_groups, people, stats, submission_details
from grader.reports import overview as overview_report
from grader.submissions import regrade
from grader.submissions import service as submissions
from grader.web import limits
from grader.web.common import app_settings, exercise_or_404, submission_page
from grader.web.db import get_db
from grader.web.sessions import instructor_page, language, page_user

blueprint = Blueprint("dashboard", __name__)
PER_PAGE = 50
MAX_PAGE = 100_000
GROUPS_PER_PAGE = 10  # mistake groups on the exercise page


def _me() -> User:
    user = page_user()
    assert user is not None  # every view is an @instructor_page
    return user


def _titles(lang: str) -> dict[str, str]:
    return {slug: pick(e.title, lang) for slug, e in load_bank().items()}


@blueprint.get("/")
@instructor_page
def overview() -> Any:
    """Submissions today, queue and workers, pass rates by exercise."""
    db = get_db()
    data = overview_report.overview(db)
    bars = [(r.slug.split(".", 1)[-1], round(100 * r.full_marks / r.attempted)) for r in data.pass_rates]
    return render_template("dashboard/overview.html", o=data, bars=bars, titles=_titles(language()))


@blueprint.get("/exercises/<slug>")
@instructor_page
def exercise(slug: str) -> Any:
    """Score histogram, failing cases, mistakes recognised, attempts to first full score."""
    found = exercise_or_404(slug)
    db = get_db()
    summary = stats.exercise_stats(db, slug)
    failing = stats.failing_cases(db, slug, language())
    mutants = stats.mutants_seen(db, found, language())
    first_full = stats.attempts_to_full(db, slug)
    queued = regrade.count_exercise(db, slug)
    progress = regrade.latest_progress(db, slug)
    top = summary["max_score"] or found.points
    bins = [(f"{top * i / 10:g}–{top * (i + 1) / 10:g}", n) for i, n in enumerate(summary["histogram"])]
    groups_page = _page_number("groups")
    groups = mistake_groups.mistake_groups(
        db, slug, mistakes.Scope(None), page=groups_page, per_page=GROUPS_PER_PAGE
    )
    return render_template(
        "dashboard/exercise.html",
        groups=groups,
        groups_page=groups_page,
        groups_per_page=GROUPS_PER_PAGE,
        exercise=found,
        title=pick(found.title, language()),
        stats=summary,
        bins=bins,
        failing=failing,
        mutants=mutants,
        known=[(m.name, pick(m.hint, language()) if m.hint else "") for m in found.mutants],
        first_full=first_full,
        first_bars=[(str(n), count) for n, count in first_full.distribution],
        total=queued,
        regrade=progress,
    )


def _page_number(name: str) -> int:
    """A page number from the query (1 when absent or not a page number)."""
    raw = request.args.get(name, "1")
    return int(raw) if re.fullmatch(r"[0-9]{1,6}", raw) and int(raw) >= 1 else 1


@blueprint.post("/exercises/<slug>/mistakes/<int:group_id>/hint")
@instructor_page
@limits.instructor_writes
def mistake_hint(slug: str, group_id: int) -> Any:
    """Save or remove a mistake group's hint (the form's ``action``), for what is graded from now
    on and, with ``past`` ticked, for the group's past submissions."""
    exercise_or_404(slug)
    session = get_db()
    group = mistakes.find_group(session, slug, group_id, mistakes.Scope(None))
    past = request.form.get("past") == "yes"
    back = (
        url_for("dashboard.exercise", slug=slug, groups=request.form.get("groups", "1"))
        + f"#group-{group_id}"
    )
    if request.form.get("action") == "remove":
        mistakes.clear_hint(session, group, past=past)
        flash(translate("d.hint_removed", language()), "info")
        return redirect(back)
    try:
        hint = mistakes.read_hint({"en": request.form.get("en", ""), "zh": request.form.get("zh") or None})
    except Invalid as exc:
        flash(exc.message, "error")
        return redirect(back)
    given = mistakes.set_hint(session, group, hint, _me(), past=past)
    flash(translate("d.hint_saved", language(), n=given), "info")
    return redirect(back)


@blueprint.post("/exercises/<slug>/regrade")
@instructor_page
@limits.instructor_writes
def regrade_exercise(slug: str) -> Any:
    """Regrade every submission of the exercise, once the instructor ticked the confirmation."""
    exercise_or_404(slug)
    if request.form.get("confirm") != "yes":
        flash("Nothing was regraded: tick “I understand” to confirm.", "error")
        return redirect(url_for("dashboard.exercise", slug=slug) + "#regrade")
    ticket = regrade.request_exercise(get_db(), app_settings(), slug, _me().id)
    if ticket.joined:
        flash(f"A regrade of {slug} is already under way; your request joined it.", "info")
    else:
        flash(f"{ticket.submissions} submissions of {slug} are queued to be graded again.", "info")
    return redirect(url_for("dashboard.exercise", slug=slug))


GRADEBOOK_PER_PAGE = 50


@blueprint.get("/gradebook")
@instructor_page
def show_gradebook() -> Any:
    """Students × exercises, best scores and a total, a page of students at a time, sorted by
    any column; filter by unit."""
    unit = request.args.get("unit") or None
    book = gradebook.gradebook_page(
        get_db(),
        unit,
        sort=request.args.get("sort", "student"),
        descending=request.args.get("dir") == "desc",
        page=_page(),
        per_page=GRADEBOOK_PER_PAGE,
    )
    return render_template(
        "dashboard/gradebook.html",
        book=book,
        unit=unit,
        units=sorted({e.unit for e in load_bank().values()}),
    )


@blueprint.get("/gradebook.csv")
@instructor_page
def gradebook_csv() -> Any:
    """The gradebook as a CSV download (same columns as the API's)."""
    unit = request.args.get("unit") or None
    db = get_db()
    body = gradebook.gradebook_csv(db, unit)
    name = f"gradebook-{unit}.csv" if unit else "gradebook.csv"
    return Response(
        body, mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename={name}"}
    )


def _page() -> int:
    raw = request.args.get("page", "1")
    # Bounded: a page far beyond any list overflows the database's OFFSET (a 500).
    if not re.fullmatch(r"[0-9]{1,9}", raw) or not 1 <= int(raw) <= MAX_PAGE:
        raise Invalid(f"page must be a whole number from 1 to {MAX_PAGE}")
    return int(raw)


@blueprint.get("/students/<username>")
@instructor_page
def student(username: str) -> Any:
    """All of a student's submissions, newest first, a page at a time."""
    page = _page()
    db = get_db()
    user = accounts.find_user(db, username)
    rows, total = submissions.list_visible(db, _me(), page=page, per_page=PER_PAGE, student=username)
    items = submission_details.lines(rows)
    return render_template(
        "dashboard/student.html",
        student=user,
        items=items,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        total=total,
        titles=_titles(language()),
    )


@blueprint.get("/submissions/<int:submission_id>")
@instructor_page
def submission(submission_id: int) -> Any:
    """Any submission: code, result, flags, grading details, regrade audit, a regrade button."""
    lang = language()
    db = get_db()
    row = submissions.get_visible(db, _me(), submission_id)
    data = submission_page(row, lang)
    details = submission_details.grading_details(row)
    audit = submission_details.regrade_audit(db, submission_id)
    return render_template("dashboard/submission.html", s=data, details=details, audit=audit)


@blueprint.post("/submissions/<int:submission_id>/regrade")
@instructor_page
@limits.instructor_writes
def regrade_submission(submission_id: int) -> Any:
    """Queue one submission again (audited), then back to its page."""
    ticket = regrade.request_one(get_db(), app_settings(), submission_id, _me().id)
    if ticket.joined:
        flash(f"Submission #{submission_id} is being graded already; your request joined it.", "info")
    else:
        flash(f"Submission #{submission_id} is queued to be graded again.", "info")
    return redirect(url_for("dashboard.submission", submission_id=submission_id))


USERS_PER_PAGE = 100


def _users_page(status: int = 200, **extra: Any) -> Any:
    db = get_db()
    page, name = _page(), request.args.get("q", "").strip()[:80] or None
    users, total = people.list_users(db, page=page, per_page=USERS_PER_PAGE, name=name)
    roles = [r.value for r in accounts.roles_creatable_by(_me())]
    pages = max(1, -(-total // USERS_PER_PAGE))
    return render_template(
        "dashboard/users.html", users=users, roles=roles, page=page, pages=pages, total=total, q=name, **extra
    ), status


@blueprint.get("/users")
@instructor_page
def users() -> Any:
    """Every user with their number of tokens, and the form to create one."""
    return _users_page()


@blueprint.post("/users")
@instructor_page
@limits.instructor_writes
def create_user() -> Any:
    """Create a user; invalid fields (a taken name, a short password) show the form again (422)."""
    form = request.form
    settings = app_settings()
    try:
        db = get_db()
        user, link = accounts.register_user(
            db,
            _me(),
            form.get("username", ""),
            form.get("role", ""),
            form.get("password", ""),
            settings.public_url,
        )
        name = user.username
    except Invalid as exc:
        return _users_page(422, error=exc.message, form=form)
    if link is not None:  # no password given: the user chooses one from the link
        return _user_page(name, new_link=link)
    flash(f"The {form.get('role')} {name} can sign in now.", "info")
    return redirect(url_for("dashboard.user", username=name))


def _user_page(
    username: str, new_token: str | None = None, new_link: accounts.IssuedLink | None = None
) -> Any:
    db = get_db()
    user = accounts.find_user(db, username)
    tokens = [people.token_line(t) for t in accounts.list_tokens(db, username)]
    may_manage = accounts.may_manage(_me(), user)
    return render_template(
        "dashboard/user.html",
        user=user,
        tokens=tokens,
        may_manage=may_manage,
        is_me=user.id == _me().id,
        new_token=new_token,
        new_link=new_link,
        link_hours=int(accounts.SET_PASSWORD_LIFETIME.total_seconds() // 3600),
    )


@blueprint.get("/users/<username>")
@instructor_page
def user(username: str) -> Any:
    """One user's tokens, with forms to create and revoke them."""
    return _user_page(username)


@blueprint.post("/users/<username>/tokens")
@instructor_page
@limits.instructor_writes
def create_token(username: str) -> Any:
    """A new token, shown on the page this once (it is not stored, so it cannot be shown again)."""
    name = request.form.get("name", "").strip() or "api"
    if len(name) > 80:
        raise Invalid("a token name is at most 80 characters")
    db = get_db()
    accounts.check_may_manage(_me(), accounts.find_user(db, username))
    token = accounts.create_token(db, username, name)
    return _user_page(username, new_token=token)


@blueprint.post("/users/<username>/tokens/<int:token_id>/revoke")
@instructor_page
@limits.instructor_writes
def revoke_token(username: str, token_id: int) -> Any:
    """Revoke one of the user's tokens; it is refused from then on."""
    db = get_db()
    token = accounts.get_token(db, token_id)
    if token.user.username != username:
        raise NotFound(f"{username} has no token {token_id}")
    accounts.check_may_manage(_me(), token.user)
    accounts.revoke_token(db, token_id)
    flash(f"The token {token.prefix}… is revoked.", "info")
    return redirect(url_for("dashboard.user", username=username))


@blueprint.post("/users/<username>/password-link")
@instructor_page
@limits.instructor_writes
def password_link(username: str) -> Any:
    """A one-time set-password link for the user, shown on the page this once."""
    settings = app_settings()
    db = get_db()
    link = accounts.issue_password_link(db, settings.public_url, username, _me())
    return _user_page(username, new_link=link)


@blueprint.post("/users/<username>/deactivate")
@instructor_page
@limits.instructor_writes
def deactivate(username: str) -> Any:
    """Deactivate the user: no sign-in, tokens refused, open sessions end."""
    db = get_db()
    accounts.deactivate_user(db, username, _me())
    flash(translate("d.deactivated_flash", language(), name=username), "info")
    return redirect(url_for("dashboard.user", username=username))


@blueprint.post("/users/<username>/activate")
@instructor_page
@limits.instructor_writes
def activate(username: str) -> Any:
    """Let a deactivated user back in."""
    db = get_db()
    accounts.activate_user(db, username, _me())
    flash(translate("d.activated_flash", language(), name=username), "info")
    return redirect(url_for("dashboard.user", username=username))
