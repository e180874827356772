"""Rate limits of the web app, counted by flask-limiter over the `limits` library.

- Failed sign-ins (answers 401) per account and per client address: SIGN_IN_PER_ACCOUNT and
  SIGN_IN_PER_ADDRESS in moving windows of five minutes. A successful sign-in costs nothing; a
  throttled account is free again five minutes after its oldest counted failure, so an attacker
  who stops cannot keep a real user out for longer than that.
- Instructors' writes (regrades, users, tokens, links, deactivation; API and dashboard alike)
  per user: WRITES_PER_USER, one budget shared by all of them.
- LTI login initiations per client address: LTI_LOGINS_PER_ADDRESS (each stores a state and a
  nonce for ten minutes; a lecture hall behind one address launches at once, so it is generous).

The counts live in Redis when the deployment has one (every API process shares them), else in
each process's memory; if Redis stops answering, each process counts in memory until it is back.
The client address is the peer's unless GRADER_TRUSTED_PROXIES names the proxies in front.

Each app gets a limiter of its own (tests build many apps with different storages); the
decorators below mark views at import, and ``init_app`` binds them to the app's limiter.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, request
from flask_limiter import Limiter
from werkzeug.middleware.proxy_fix import ProxyFix

from grader.settings import Settings
from grader.web.sessions import page_user

F = TypeVar("F", bound=Callable[..., Any])
View = Callable[..., Any]
Rule = Callable[[Limiter, View], View]

SIGN_IN_PER_ACCOUNT = "10 per 5 minutes"
SIGN_IN_PER_ADDRESS = "30 per 5 minutes"
WRITES_PER_USER = "30 per minute"
LTI_LOGINS_PER_ADDRESS = "600 per minute"
_VIEWS = "grader.limited_views"
_LIMITER = "grader.limiter"
_MARKED: dict[str, tuple[View, Rule]] = {}


def init_app(app: Flask, settings: Settings) -> None:
    """Give ``app`` its limiter (on the settings' storage) and bind the marked views to it."""
    if settings.trusted_proxies:
        hops = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    storage = settings.ratelimit_storage_url
    # A Redis that stops answering must not hold a sign-in for minutes: give up, count in memory.
    quick: dict[str, str | int] = {}
    if storage.startswith("redis"):
        quick = {"socket_connect_timeout": 2, "socket_timeout": 2}
    limiter = Limiter(
        client_address,
        storage_uri=storage,
        storage_options=quick,
        strategy="moving-window",
        key_prefix="tensor-grader",
        in_memory_fallback_enabled=True,
        swallow_errors=True,  # a storage failure while counting is logged, never a 500
    )
    limiter.init_app(app)
    app.extensions[_LIMITER] = limiter
    app.extensions[_VIEWS] = {name: rule(limiter, view) for name, (view, rule) in _MARKED.items()}


def client_address() -> str:
    """The client's address: the peer's, or the one the trusted proxies reported."""
    return request.remote_addr or "unknown"


def _mark(rule: Rule) -> Callable[[F], F]:
    """Mark a view to be wrapped by ``rule`` with each app's own limiter."""

    def decorate(view: F) -> F:
        name = f"{view.__module__}.{view.__qualname__}"
        _MARKED[name] = (view, rule)

        @wraps(view)
        def limited(*args: Any, **kwargs: Any) -> Any:
            return current_app.extensions[_VIEWS][name](*args, **kwargs)

        return limited  # type: ignore[return-value]

    return decorate


def _failed(response: Response) -> bool:
    return response.status_code == 401


def _digest(text: str) -> str:
    # Whatever was typed as a name becomes a short key: no user input, however long, in Redis.
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def failed_sign_ins(account: Callable[[], str]) -> Callable[[F], F]:
    """Throttle a form whose failures answer 401 (a wrong password), per account (named by
    ``account()``) and per client address; the POSTs of a throttled client answer 429."""

    def rule(limiter: Limiter, view: View) -> View:
        per_account = limiter.shared_limit(
            SIGN_IN_PER_ACCOUNT,
            scope="sign-in-account",
            key_func=lambda: "account:" + _digest(account()),
            methods=["POST"],
            deduct_when=_failed,
        )
        per_address = limiter.shared_limit(
            SIGN_IN_PER_ADDRESS,
            scope="sign-in-address",
            key_func=client_address,
            methods=["POST"],
            deduct_when=_failed,
        )
        return per_account(per_address(view))

    return _mark(rule)


def _user_key() -> str:
    # The API's bearer token or the page's session: the view is wrapped inside its sign-in check.
    user = g.get("user") or page_user()
    return f"user:{user.id}" if user is not None else "user:anonymous"


def _writes(limiter: Limiter, view: View) -> View:
    return limiter.shared_limit(
        WRITES_PER_USER,
        scope="instructor-writes",
        key_func=_user_key,
        error_message=f"too many changes: at most {WRITES_PER_USER} for each user",
    )(view)


def instructor_writes(view: F) -> F:
    """Count an instructor's write against WRITES_PER_USER (place it below the view's sign-in
    decorator, which tells who the user is)."""
    return _mark(_writes)(view)


def _lti_logins(limiter: Limiter, view: View) -> View:
    return limiter.shared_limit(
        LTI_LOGINS_PER_ADDRESS,
        scope="lti-logins",
        key_func=client_address,
        error_message=f"too many LTI logins from this address: at most {LTI_LOGINS_PER_ADDRESS}",
    )(view)


def lti_logins(view: F) -> F:
    """Count an LTI login initiation against LTI_LOGINS_PER_ADDRESS."""
    return _mark(_lti_logins)(view)


def retry_after() -> int:
    """Seconds until the limit this request broke lets the next one through."""
    broken = current_app.extensions[_LIMITER].current_limit
    if broken is None:
        return 60
    reset_at, _remaining = broken.window
    return max(1, math.ceil(reset_at - time.time()))
