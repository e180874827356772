"""Browser sign-in for the portal and the dashboard: a signed session cookie, roles, language.

The API authenticates with bearer tokens; pages use the session cookie, and every form that
changes something carries a CSRF token (flask-wtf checks it on each POST).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import g, redirect, request, session, url_for

from grader.accounts import service as accounts
from grader.accounts.models import Role, User
from grader.errors import Forbidden
from grader.web.db import get_db

F = TypeVar("F", bound=Callable[..., Any])
LANGUAGES = ("en", "zh")
LANG_COOKIE = "lang"


def sign_in(username: str, password: str) -> User:
    """Check the password and start a session (a new one: no fixation of an old cookie)."""
    user = accounts.check_password(get_db(), username, password)
    start_session(user.id)
    return user


def start_session(user_id: int) -> None:
    """A fresh session for the user (a password change keeps its own session this way)."""
    session.clear()
    session.permanent = True
    session["user_id"] = user_id
    session["signed_in_at"] = time.time()


def sign_out() -> None:
    """Forget the session."""
    session.clear()


def page_user() -> User | None:
    """The signed-in user of this request, or None (loaded once per request)."""
    if "page_user" not in g:
        g.page_user = _load_user(session.get("user_id"))
    user: User | None = g.page_user
    return user


def _load_user(user_id: Any) -> User | None:
    if not isinstance(user_id, int):
        return None
    user = get_db().get(User, user_id)
    since = session.get("signed_in_at")
    if user is None or not accounts.session_valid(user, since if isinstance(since, int | float) else 0):
        session.clear()  # deleted, deactivated, or the password changed since: the cookie is worthless
        return None
    return user


def is_instructor(user: User | None) -> bool:
    """Instructors and admins see the dashboard."""
    return user is not None and user.role in (Role.instructor, Role.admin)


def signed_in(view: F) -> F:
    """The page needs a signed-in user; others are sent to the sign-in page and back."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if page_user() is None:
            return redirect(url_for("portal.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def instructor_page(view: F) -> F:
    """The page needs a signed-in instructor or admin."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        user = page_user()
        if user is None:
            return redirect(url_for("portal.login", next=request.full_path.rstrip("?")))
        if not is_instructor(user):
            raise Forbidden("this page is for instructors")
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def safe_next(target: str | None, default: str) -> str:
    """A redirect target on this site only (no open redirect to another host)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target:
        return default
    return target


def language() -> str:
    """The reader's language: their saved choice, else what the browser prefers."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    best = request.accept_languages.best_match(["en", "zh", "zh-CN", "zh-TW"], default="en")
    return "zh" if best.startswith("zh") else "en"
