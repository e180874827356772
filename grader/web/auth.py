"""Bearer-token authentication and role checks for the API."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request

from grader.accounts import service as accounts
from grader.accounts.models import Role, User
from grader.db import unit_of_work
from grader.errors import Forbidden, Unauthenticated

F = TypeVar("F", bound=Callable[..., Any])


def current_user() -> User:
    """The authenticated user of this request."""
    user: User = g.user
    return user


def _authenticate() -> None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("send a token: Authorization: Bearer <token> (grader tokens create NAME)")
    settings = current_app.config["GRADER_SETTINGS"]
    with unit_of_work(settings.database_url) as session:
        user = accounts.authenticate(session, token.strip())
        session.expunge(user)
    g.user = user


def login_required(view: F) -> F:
    """The view needs a valid token."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _authenticate()
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def instructor_required(view: F) -> F:
    """The view needs an instructor's (or admin's) token."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _authenticate()
        if current_user().role not in (Role.instructor, Role.admin):
            raise Forbidden("only instructors may do this")
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
