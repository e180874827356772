"""Roster sync from the LMS (Names and Role Provisioning Services 2.0): the members of the LMS
course its launches announced, read page by page, each made a user (by the platform's
``user_id``, as a launch would) and enrolled with their role; members from the LMS who are no
longer in it (or inactive there) are dropped. Members added here by hand are left alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import requests
from sqlalchemy import select
from sqlalchemy.orm import Session

from grader.accounts.models import User
from grader.courses.models import Course, CourseRole, Enrollment
from grader.courses.service import instructor_count
from grader.errors import Invalid
from grader.lti import claims, keys, provision
from grader.lti.errors import PlatformFailed, PlatformUnreachable
from grader.lti.models import Context, Identity, Platform
from grader.lti.service_token import Client, access_token
from grader.times import now

TIMEOUT_SECONDS = 30.0
MAX_PAGES = 200


@dataclass
class SyncReport:
    """What a sync did: who was added (or came back), who left, how many stayed."""

    added: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    stayed: int = 0

    def as_dict(self) -> dict[str, Any]:
        """For the command's --json."""
        return {"added": self.added, "left": self.left, "stayed": self.stayed}


def _next_link(answer: requests.Response) -> str | None:
    found = answer.links.get("next")
    return str(found["url"]) if found and found.get("url") else None


def fetch_members(url: str, token: str) -> list[dict[str, Any]]:
    """Every member of the memberships container at ``url`` (following ``Link: rel="next"``)."""
    members: list[dict[str, Any]] = []
    headers = {"Authorization": f"Bearer {token}", "Accept": claims.MEMBERSHIPS_TYPE}
    page: str | None = url
    for _ in range(MAX_PAGES):
        if page is None:
            break
        try:
            answer = requests.get(page, headers=headers, timeout=TIMEOUT_SECONDS)
        except requests.RequestException as exc:
            raise PlatformUnreachable(f"memberships {page}: {exc}") from None
        if answer.status_code != 200:
            raise PlatformUnreachable(
                f"memberships {page} answered {answer.status_code}: {answer.text[:200]}"
            )
        try:
            listed = answer.json()["members"]
        except (ValueError, KeyError, TypeError):
            raise PlatformUnreachable(f"memberships {page}: not a membership container") from None
        members.extend(member for member in listed if isinstance(member, dict))
        page = _next_link(answer)
    return members


def _context(session: Session, course: Course) -> Context:
    context = session.scalar(select(Context).where(Context.course_id == course.id))
    if context is None:
        raise Invalid(f"{course.code} is not linked to an LMS course: open the tool from the LMS first")
    if not context.memberships_url:
        raise Invalid(
            "the LMS did not offer its roster (no Names and Role Provisioning claim in its launches)"
        )
    return context


def offered(session: Session, course: Course) -> bool:
    """Whether the course's LMS offered its roster (the roster page shows the sync button)."""
    return bool(session.scalar(select(Context.memberships_url).where(Context.course_id == course.id)))


def sync_roster(session: Session, course: Course, secret_key: str) -> SyncReport:
    """Bring the course's roster in line with the LMS's (see the module's docstring)."""
    context = _context(session, course)
    platform = session.get_one(Platform, context.platform_id)
    assert context.memberships_url is not None
    try:
        token = access_token(
            Client(platform.client_id, platform.token_url),
            (claims.SCOPE_MEMBERSHIPS,),
            keys.signing_key(session, secret_key),
        )
        members = fetch_members(context.memberships_url, token)
    except PlatformUnreachable as exc:
        raise PlatformFailed(f"the LMS's roster could not be read: {exc}") from None
    report = SyncReport()
    present: set[str] = set()
    for member in members:
        sub = member.get("user_id")
        if not isinstance(sub, str) or not sub or member.get("status", "Active") != "Active":
            continue
        present.add(sub)
        roles = member.get("roles") if isinstance(member.get("roles"), list) else []
        role = provision.course_role([str(r) for r in roles or []])
        name = member.get("name") if isinstance(member.get("name"), str) else None
        email = member.get("email") if isinstance(member.get("email"), str) else None
        user = provision.user_for(session, platform, sub[:255], name, email, role)
        enrolled = session.scalar(
            select(Enrollment).where(Enrollment.course_id == course.id, Enrollment.user_id == user.id)
        )
        if enrolled is None or enrolled.dropped_at is not None:
            report.added.append(user.username)
        else:
            report.stayed += 1
        provision.enroll(session, course.id, user, role)
    _drop_absent(session, course, platform, present, report)
    report.added.sort()
    report.left.sort()
    return report


def _drop_absent(
    session: Session, course: Course, platform: Platform, present: set[str], report: SyncReport
) -> None:
    """Drop the members from this LMS who are no longer in its roster (the last instructor stays)."""
    rows = session.execute(
        select(Enrollment, Identity.sub, User.username)
        .join(Identity, Identity.user_id == Enrollment.user_id)
        .join(User, User.id == Enrollment.user_id)
        .where(
            Enrollment.course_id == course.id,
            Enrollment.dropped_at.is_(None),
            Identity.platform_id == platform.id,
        )
    ).all()
    instructors = instructor_count(session, course)
    for enrollment, sub, username in rows:
        if sub in present:
            continue
        if enrollment.role == CourseRole.instructor:
            if instructors <= 1:
                continue
            instructors -= 1
        enrollment.dropped_at = now()
        report.left.append(username)
