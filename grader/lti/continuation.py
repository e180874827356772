"""Launches in a browser that blocks the tool's cookies inside the LMS's frame (Safari by
default, many private windows): the state is bound to the browser through the LMS's platform
storage instead of a cookie (LTI Client Side postMessages, ``lti.put_data``/``lti.get_data``),
and since the frame cannot keep a session either, the validated launch continues in a new tab
through a one-time link, where the tool's cookies are first-party. The link's page names whom
it signs in and asks to continue, so that a link someone else sends cannot sign a student into
another's account unnoticed.

Why the storage binds the launch to this browser: the tool's own page reads the value from the
platform's storage in this browser, from the platform's origin only, and sends it back with a
header no other site's page can send (``STORAGE_HEADER``: a cross-site request with it needs a
CORS preflight, which this tool never grants). A launch started in another browser finds nothing
there.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from grader.accounts.service import token_digest
from grader.lti import oidc
from grader.lti.errors import LaunchRefused
from grader.lti.models import Continuation, Platform
from grader.lti.registry import origin
from grader.times import aware, now

STORAGE_HEADER = "X-LTI-Platform-Storage"
LIFETIME = timedelta(minutes=2)  # a link to open at once, in the next tab
USED_OR_EXPIRED = "this link was used already or has expired: open the tool again from the LMS"


def storage_key(state: str) -> str:
    """The key under which the login's state is kept in the platform's storage."""
    return f"state_{state}"


def storage_origin(session: Session, state: str) -> str | None:
    """The origin of the platform whose login issued this state (where its storage lives), or
    None when the state is unknown or expired (the launch is then refused as usual)."""
    login = oidc.live_login(session, state)
    if login is None:
        return None
    platform = session.get(Platform, login.platform_id)
    return origin(platform.login_url) if platform is not None else None


@dataclass(frozen=True)
class Continued:
    """Who signs in in the new tab, where they land, and the deep linking request if any."""

    user_id: int
    target: str
    deep_link: dict[str, Any] | None


def issue(session: Session, user_id: int, target: str, deep_link: dict[str, Any] | None) -> str:
    """A one-time link token for a validated launch (only its hash is stored)."""
    session.execute(delete(Continuation).where(Continuation.expires_at < now()))  # keeps it small
    token = secrets.token_urlsafe(32)
    session.add(
        Continuation(
            token_hash=token_digest(token),
            user_id=user_id,
            target=target[:1000],
            deep_link=deep_link,
            expires_at=now() + LIFETIME,
        )
    )
    session.flush()
    return token


def find(session: Session, token: str) -> Continuation:
    """The launch a link would continue; LaunchRefused if it is unknown, used or expired."""
    row = session.scalar(select(Continuation).where(Continuation.token_hash == token_digest(token)))
    if row is None or row.used_at is not None or aware(row.expires_at) < now():
        raise LaunchRefused(USED_OR_EXPIRED)
    return row


def redeem(session: Session, token: str) -> Continued:
    """The launch a link continues, once; LaunchRefused if it is unknown, used or expired."""
    row = find(session, token)
    taken = session.execute(
        update(Continuation)
        .where(Continuation.id == row.id, Continuation.used_at.is_(None))
        .values(used_at=now())
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]  # another tab took it meanwhile
        raise LaunchRefused(USED_OR_EXPIRED)
    return Continued(row.user_id, row.target, row.deep_link)
