"""Deep linking (LTI Deep Linking 2.0): an instructor launching an ``LtiDeepLinkingRequest``
picks an assignment; the tool answers the platform with a signed ``LtiDeepLinkingResponse``
holding one ``ltiResourceLink`` whose custom claim ``assignment`` names it and whose
``lineItem`` makes the LMS create the gradebook column (score maximum = its points)."""

from __future__ import annotations

import secrets
import time
from dataclasses import asdict, dataclass
from typing import Any

import jwt
from sqlalchemy.orm import Session

from grader.assignments.models import Assignment
from grader.courses.models import CourseRole
from grader.errors import Invalid
from grader.lti import claims, keys
from grader.lti.errors import LaunchRefused
from grader.lti.launch import Launch
from grader.lti.models import Platform
from grader.lti.registry import check_url

RESPONSE_LIFETIME_SECONDS = 600
LINE_ITEM_TAG = "tensor-grader"


@dataclass(frozen=True)
class Request:
    """What answering a deep linking request needs, kept in the instructor's session meanwhile."""

    platform_id: int
    deployment_id: str
    return_url: str
    data: str | None
    course_code: str

    def as_dict(self) -> dict[str, Any]:
        """For the session cookie."""
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: Any) -> Request:
        """From the session cookie; LaunchRefused if there is none."""
        if not isinstance(raw, dict):
            raise LaunchRefused(
                "no deep linking request is waiting: open the tool's link selection in the LMS again"
            )
        try:
            return cls(
                int(raw["platform_id"]),
                str(raw["deployment_id"]),
                str(raw["return_url"]),
                None if raw.get("data") is None else str(raw["data"]),
                str(raw["course_code"]),
            )
        except (KeyError, TypeError, ValueError):
            raise LaunchRefused(
                "the deep linking request in this session is unreadable: start again"
            ) from None


def request_of(launch: Launch, role: CourseRole, course_code: str) -> Request:
    """The deep linking request of a launch by the course's staff (learners are refused)."""
    if role == CourseRole.student:
        raise LaunchRefused("only the course's instructors and TAs may choose what the LMS links to")
    return_url = launch.deep_linking.get("deep_link_return_url")
    try:
        url = check_url(return_url, "deep_link_return_url")
    except Invalid:
        raise LaunchRefused("the deep linking request has no usable deep_link_return_url") from None
    data = launch.deep_linking.get("data")
    return Request(
        launch.platform.id, launch.deployment_id, url, data if isinstance(data, str) else None, course_code
    )


def content_item(assignment: Assignment, launch_url: str) -> dict[str, Any]:
    """The resource link for an assignment: its title, the launch URL, the custom claim that
    names it, and the gradebook column the LMS should make."""
    points = sum(row.points for row in assignment.exercises)
    return {
        "type": "ltiResourceLink",
        "title": assignment.title,
        "url": launch_url,
        "custom": {"assignment": str(assignment.id)},
        "lineItem": {
            "scoreMaximum": points,
            "label": assignment.title,
            "resourceId": str(assignment.id),
            "tag": LINE_ITEM_TAG,
        },
    }


def response_token(
    session: Session, secret_key: str, request: Request, assignment: Assignment, launch_url: str
) -> str:
    """The signed LtiDeepLinkingResponse (a JWT with the tool's current key)."""
    platform = session.get(Platform, request.platform_id)
    if platform is None:
        raise LaunchRefused("the platform of this deep linking request was removed")
    key = keys.signing_key(session, secret_key)
    issued = int(time.time())
    body: dict[str, Any] = {
        "iss": platform.client_id,
        "aud": platform.issuer,
        "iat": issued,
        "exp": issued + RESPONSE_LIFETIME_SECONDS,
        "nonce": secrets.token_urlsafe(16),
        claims.MESSAGE_TYPE: claims.DEEP_LINKING_RESPONSE,
        claims.VERSION: claims.LTI_VERSION,
        claims.DEPLOYMENT_ID: request.deployment_id,
        claims.DEEP_LINKING_CONTENT_ITEMS: [content_item(assignment, launch_url)],
    }
    if request.data is not None:
        body[claims.DEEP_LINKING_DATA] = request.data
    return jwt.encode(body, key.private_key, algorithm="RS256", headers={"kid": key.kid})
