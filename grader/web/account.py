"""A user's own password on the pages: set it from a one-time link, or change it signed in."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_limiter import RateLimitExceeded

from grader.accounts import service as accounts
from grader.errors import Gone, Invalid, NotFound, Unauthenticated
from grader.i18n.ui_text import translate
from grader.web import limits
from grader.web.db import get_db
from grader.web.sessions import language, page_user, signed_in, start_session

blueprint = Blueprint("account", __name__)


def _t(key: str, **values: object) -> str:
    return translate(key, language(), **values)


def _rules() -> str:
    return _t("password_rules", n=accounts.MIN_PASSWORD)


@blueprint.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str) -> Any:
    """A set-password link's page: the new password twice; an unusable link says why."""
    try:
        db = get_db()
        username = accounts.password_link(db, token).user.username
        if request.method == "POST":
            form = request.form
            accounts.set_password_with_link(db, token, form.get("password", ""), form.get("again", ""))
    except NotFound:
        return render_template("set_password.html", problem="unknown"), 404
    except Gone as exc:
        return render_template("set_password.html", problem=exc.reason), 410
    except Invalid:
        return render_template("set_password.html", username=username, error=_rules()), 422
    if request.method == "GET":
        return render_template("set_password.html", username=username)
    flash(_t("password_set", name=username), "info")
    return redirect(url_for("portal.login"))


def _my_name() -> str:
    user = page_user()
    return user.username if user is not None else ""


@blueprint.route("/password", methods=["GET", "POST"])
@signed_in
@limits.failed_sign_ins(account=_my_name)
def change_password() -> Any:
    """Change one's own password, given the current one; other sessions of the user end."""
    if request.method == "GET":
        return render_template("password.html")
    user = page_user()
    assert user is not None  # @signed_in
    form = request.form
    try:
        db = get_db()
        accounts.change_password(
            db, user.id, form.get("current", ""), form.get("password", ""), form.get("again", "")
        )
    except Unauthenticated:  # counts as a failed sign-in (the limit above)
        return render_template("password.html", error=_t("current_password_wrong")), 401
    except Invalid:
        return render_template("password.html", error=_rules()), 422
    start_session(user.id)  # this browser stays signed in
    flash(_t("password_changed"), "info")
    return redirect(url_for("portal.home"))


@blueprint.errorhandler(RateLimitExceeded)
def throttled(_exc: RateLimitExceeded) -> Any:
    """Too many wrong current passwords: the form again, with the wait."""
    wait = limits.retry_after()
    page = render_template("password.html", error=_t("sign_in_throttled", s=wait))
    return page, 429, {"Retry-After": str(wait)}
