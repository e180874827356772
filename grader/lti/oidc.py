"""OIDC login initiation (LTI Core 1.3 §5.1.1, third-party initiated login): the platform names
itself and the user; the tool answers with a redirect to the platform's authorization endpoint
carrying a fresh ``state`` (bound to this browser by a cookie) and a fresh ``nonce`` (which the
id_token must carry back, once)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from grader.lti import registry
from grader.lti.errors import LaunchRefused
from grader.lti.models import Login, Platform
from grader.times import aware, now

LOGIN_LIFETIME = timedelta(minutes=10)


@dataclass(frozen=True)
class LoginRedirect:
    """Where to send the browser, and the state its cookie must hold when it comes back."""

    url: str
    state: str


def live_login(session: Session, state: str) -> Login | None:
    """The login that issued this state, unless it is unknown or expired."""
    login = session.scalar(select(Login).where(Login.state == state)) if state else None
    return login if login is not None and aware(login.expires_at) >= now() else None


def _param(params: Any, name: str, required: bool = True) -> str | None:
    value = params.get(name)
    if value is None or not str(value).strip():
        if required:
            raise LaunchRefused(
                f"the login request has no {name}: the LMS must send iss, login_hint and target_link_uri"
            )
        return None
    return str(value).strip()


def _platform(session: Session, issuer: str, client_id: str | None) -> Platform:
    if client_id is not None:
        platform = registry.find_platform(session, issuer, client_id)
        if platform is None:
            raise LaunchRefused(f"no platform is registered for issuer {issuer} with client id {client_id!r}")
        return platform
    found = registry.platforms_of(session, issuer)
    if not found:
        raise LaunchRefused(f"no platform is registered for issuer {issuer}: grader lti add-platform")
    if len(found) > 1:
        raise LaunchRefused(f"issuer {issuer} has several client ids here: the LMS must send client_id")
    return found[0]


def begin_login(session: Session, params: Any, redirect_uri: str) -> LoginRedirect:
    """The redirect to the platform's login URL for a login initiation request (GET query or
    POST form ``params``)."""
    issuer = _param(params, "iss")
    login_hint = _param(params, "login_hint")
    _param(params, "target_link_uri")
    assert issuer is not None and login_hint is not None
    platform = _platform(session, issuer, _param(params, "client_id", required=False))
    deployment = _param(params, "lti_deployment_id", required=False)
    if deployment is not None and deployment not in {d.deployment_id for d in platform.deployments}:
        raise LaunchRefused(f"the deployment {deployment!r} of {issuer} is not registered here")
    session.execute(delete(Login).where(Login.expires_at < now()))  # keeps the table small
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(Login(state=state, nonce=nonce, platform_id=platform.id, expires_at=now() + LOGIN_LIFETIME))
    query = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": platform.client_id,
        "redirect_uri": redirect_uri,
        "login_hint": login_hint,
        "state": state,
        "nonce": nonce,
    }
    message_hint = _param(params, "lti_message_hint", required=False)
    if message_hint is not None:
        query["lti_message_hint"] = message_hint
    separator = "&" if "?" in platform.login_url else "?"
    return LoginRedirect(f"{platform.login_url}{separator}{urlencode(query)}", state)
