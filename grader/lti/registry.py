"""The platforms (LMSs) this tool trusts and their deployments, and what an LMS administrator
pastes into the LMS to register the tool.

A platform is one (issuer, client id) pair; adding the same pair again adds a deployment to it
(an LMS may install the tool more than once) and takes the endpoints given."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from grader.errors import Invalid, NotFound
from grader.lti import claims
from grader.lti.models import Deployment, Platform

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def check_url(value: Any, field: str) -> str:
    """An https URL (plain http only on this machine's loopback, for a local LMS), or Invalid."""
    if not isinstance(value, str) or not value.strip():
        raise Invalid(f"{field}: give the URL", field)
    url = value.strip()
    parts = urlsplit(url)
    loopback = parts.scheme == "http" and parts.hostname in LOOPBACK
    if not (parts.scheme == "https" or loopback) or not parts.hostname or len(url) > 1000:
        raise Invalid(f"{field}: {url!r} is not an https:// URL (of at most 1,000 characters)", field)
    return url


def origin(url: str | None) -> str | None:
    """The origin (scheme://host[:port]) of an http(s) URL, or None."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c in parts.netloc for c in " ;'\""):
        return None
    return f"{parts.scheme}://{parts.netloc}"


def _text(value: Any, field: str, limit: int = 255) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > limit:
        raise Invalid(f"{field}: 1 to {limit} characters", field)
    return value.strip()


@dataclass(frozen=True)
class PlatformFields:
    """What registering a platform takes (the flags of ``grader lti add-platform``)."""

    issuer: str
    client_id: str
    deployment_id: str
    login_url: str
    token_url: str
    jwks_url: str
    instructor_scope: str | None = None  # None: the platform's as it is ("course" when new)


INSTRUCTOR_SCOPES = ("course", "service")


def _scope(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if value not in INSTRUCTOR_SCOPES:
        raise Invalid(
            f"instructor_scope: {value!r} is neither 'course' (the LMS's instructors are staff of their"
            " courses only) nor 'service' (also instructors of the whole service)",
            "instructor_scope",
        )
    return value


def add_platform(session: Session, fields: PlatformFields) -> tuple[Platform, bool]:
    """Register a platform, or add a deployment to the one with this issuer and client id (its
    endpoints, and its instructor scope when given, become those given). Returns the platform
    and whether the deployment is new."""
    issuer = check_url(fields.issuer, "issuer")
    client_id = _text(fields.client_id, "client_id")
    deployment_id = _text(fields.deployment_id, "deployment_id")
    urls = {name: check_url(getattr(fields, name), name) for name in ("login_url", "token_url", "jwks_url")}
    scope = _scope(fields.instructor_scope)
    platform = find_platform(session, issuer, client_id)
    if platform is None:
        platform = Platform(issuer=issuer, client_id=client_id, instructor_scope=scope or "course", **urls)
        session.add(platform)
        session.flush()
    else:
        for name, url in urls.items():
            setattr(platform, name, url)
        if scope is not None:
            platform.instructor_scope = scope
    known = {deployment.deployment_id for deployment in platform.deployments}
    if deployment_id not in known:
        platform.deployments.append(Deployment(deployment_id=deployment_id))
    session.flush()
    return platform, deployment_id not in known


def find_platform(session: Session, issuer: str, client_id: str) -> Platform | None:
    """The platform registered for this issuer and client id, if any."""
    return session.scalar(select(Platform).where(Platform.issuer == issuer, Platform.client_id == client_id))


def platforms_of(session: Session, issuer: str) -> list[Platform]:
    """Every registration of an issuer (one per client id)."""
    return list(session.scalars(select(Platform).where(Platform.issuer == issuer).order_by(Platform.id)))


def list_platforms(session: Session) -> list[Platform]:
    """Every platform, by issuer then client id."""
    return list(session.scalars(select(Platform).order_by(Platform.issuer, Platform.client_id)))


def remove(session: Session, issuer: str, client_id: str, deployment_id: str | None = None) -> str:
    """Remove a deployment of a platform, or (without one) the platform with all it holds: its
    users stay, no longer reachable from that LMS. Returns what was removed, in words."""
    platform = find_platform(session, issuer, client_id)
    if platform is None:
        raise NotFound(f"no platform {issuer} with client id {client_id!r}")
    if deployment_id is None:
        session.delete(platform)
        session.flush()
        return f"platform {issuer} (client id {client_id})"
    for deployment in platform.deployments:
        if deployment.deployment_id == deployment_id:
            platform.deployments.remove(deployment)
            session.flush()
            return f"deployment {deployment_id} of {issuer}"
    raise NotFound(f"{issuer} (client id {client_id}) has no deployment {deployment_id!r}")


def present(platform: Platform) -> dict[str, Any]:
    """A platform as the CLI's --json and the dashboard show it."""
    return {
        "issuer": platform.issuer,
        "client_id": platform.client_id,
        "deployments": [deployment.deployment_id for deployment in platform.deployments],
        "login_url": platform.login_url,
        "token_url": platform.token_url,
        "jwks_url": platform.jwks_url,
        "instructor_scope": platform.instructor_scope,
    }


def tool_config(public_url: str) -> dict[str, Any]:
    """What to paste into the LMS: the tool's URLs and a Canvas developer key (LTI key, "Paste
    JSON"). Every launch, deep linking included, comes to the one redirect URI."""
    base = public_url.rstrip("/")
    launch = f"{base}/lti/launch"
    urls = {
        "login_url": f"{base}/lti/login",
        "redirect_uri": launch,
        "jwks_url": f"{base}/lti/jwks",
        "target_link_uri": launch,
        "deep_linking_url": launch,
        "domain": urlsplit(base).hostname or "",
    }
    placements = [
        {"placement": "link_selection", "message_type": claims.DEEP_LINKING_REQUEST},
        {"placement": "assignment_selection", "message_type": claims.DEEP_LINKING_REQUEST},
        {"placement": "course_navigation", "message_type": claims.RESOURCE_LINK_REQUEST},
    ]
    canvas = {
        "title": "tensor-grader",
        "description": "Auto-graded PyTorch exercises, with grades passed back to the gradebook.",
        "oidc_initiation_url": urls["login_url"],
        "target_link_uri": launch,
        "public_jwk_url": urls["jwks_url"],
        "scopes": list(claims.TOOL_SCOPES),
        "extensions": [
            {
                "domain": urls["domain"],
                "platform": "canvas.instructure.com",
                "privacy_level": "public",
                "settings": {
                    "placements": [{**place, "target_link_uri": launch} for place in placements],
                },
            }
        ],
        "custom_fields": {},
    }
    return {**urls, "canvas_developer_key": canvas}
