"""Bearer-token authentication and role checks for the API."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, request

from grader.accounts import service as accounts
from grader.accounts.models import Role, User
from grader.errors import Forbidden, Unauthenticated
from grader.web.db import get_db

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
    g.user = accounts.authenticate(get_db(), token.strip())


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
