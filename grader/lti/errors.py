"""Why a launch is refused: a 400 page that says what was wrong (the web layer maps every
GraderError in one place), and no session."""

from __future__ import annotations

from grader.errors import BadRequest, GraderError


class LaunchRefused(BadRequest):
    """An LTI login or launch that cannot be trusted or used; the message says why."""

    code = "lti_launch_refused"


class PlatformUnreachable(Exception):
    """A platform's endpoint (JWKS, token, line items, scores, memberships) failed or answered
    something unusable; the message says which and how (kept as the send's error)."""


class PlatformFailed(GraderError):
    """An action a person asked for (a roster sync) needed the LMS, and the LMS failed."""

    status, code = 502, "lms_failed"
