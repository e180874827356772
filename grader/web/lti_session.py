"""Sessions that live in an LMS's iframe. A page session begun by an LTI launch is embedded in
another site, so (over HTTPS) its cookie is ``SameSite=None; Secure`` (a Lax cookie is not sent
in a cross-site iframe) and its pages may be framed by the LMS that launched it: CSP
``frame-ancestors`` names that LMS's origins instead of 'none'. Every other session keeps
``SameSite=Lax`` and may not be framed at all."""

from __future__ import annotations

from typing import Any

from flask import Flask, session
from flask.sessions import SecureCookieSessionInterface

from grader.lti.registry import origin

LTI_FRAME = "lti_frame"  # in the session: the origins that may frame its pages


class LtiSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions; an LTI session's cookie is SameSite=None over HTTPS."""

    def get_cookie_samesite(self, app: Flask) -> str | None:
        """None for an LTI session when cookies are Secure (browsers refuse None without it)."""
        if app.config.get("SESSION_COOKIE_SECURE") and session.get(LTI_FRAME):
            return "None"
        samesite: str | None = super().get_cookie_samesite(app)
        return samesite


def allow_framing(*urls: str | None) -> None:
    """Let the LMS at these URLs frame this session's pages (a launch calls it)."""
    session[LTI_FRAME] = sorted({found for found in map(origin, urls) if found})


def frame_ancestors() -> list[str] | None:
    """The origins that may frame this session's pages, or None (not an LTI session)."""
    found: Any = session.get(LTI_FRAME)
    return [str(item) for item in found] if isinstance(found, list) and found else None
