"""What a valid launch does here: the platform's user becomes (or is found as) a user of the
grader, the LMS course becomes (or is found as) a course, the user is enrolled in it with the
role the launch claims, and the launch's service endpoints (roster, line items) are kept.

An LMS course unknown here becomes a new course at its first instructor's launch (its code from
the LMS's course label), or is linked to an existing course named by the custom claim ``course``
(its code) when the launching instructor has the email of one of that course's instructors; a
student launching from it before that is refused, since there is no course to land in yet."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from grader.accounts import service as accounts
from grader.accounts.models import Role, User
from grader.assignments.models import Assignment
from grader.courses import service as courses
from grader.courses.models import Course, CourseRole, Enrollment
from grader.lti import claims
from grader.lti.errors import LaunchRefused
from grader.lti.launch import Launch
from grader.lti.models import Context, Identity, LineItem, Platform

NOT_CODE = re.compile(r"[^a-z0-9._-]+")


def course_role(roles: tuple[str, ...] | list[str]) -> CourseRole:
    """The course role of LTI context roles: Instructor (or Administrator, ContentDeveloper) →
    instructor, TeachingAssistant → ta, anything else (Learner, Mentor, none) → student."""
    names = []
    for role in roles:
        if role.startswith("http") and not role.startswith(claims.ROLE_PREFIX.rstrip("#")):
            continue  # a system or institution role says nothing about this course
        names.append(role.removeprefix(claims.ROLE_PREFIX).split("membership/")[-1])
    if any(name in claims.TA_ROLES for name in names):
        return CourseRole.ta
    if any(name in claims.INSTRUCTOR_ROLES for name in names):
        return CourseRole.instructor
    return CourseRole.student


def _username(session: Session, launch_email: str | None, platform: Platform, sub: str) -> str:
    """A readable username that is free: the email's local part, else ``lti-`` and a digest."""
    digest = hashlib.sha256(f"{platform.issuer}|{sub}".encode()).hexdigest()[:10]
    local = (launch_email or "").split("@")[0]
    base = re.sub(r"[^A-Za-z0-9_.@-]+", "", local)[:60].lstrip("._@-") or f"lti-{digest}"
    for candidate in (base, f"{base}-{digest}"):
        if session.scalar(select(User.id).where(User.username == candidate)) is None:
            return candidate
    return f"lti-{hashlib.sha256(f'{platform.id}|{sub}'.encode()).hexdigest()[:20]}"


def user_for(
    session: Session, platform: Platform, sub: str, name: str | None, email: str | None, role: CourseRole
) -> User:
    """The user of (platform, sub), created on first sight; name and email follow the LMS; an
    instructor in the LMS becomes an instructor of the whole service only on a platform whose
    ``instructor_scope`` is "service" (a user never loses a role this way)."""
    identity = session.scalar(
        select(Identity).where(Identity.platform_id == platform.id, Identity.sub == sub)
    )
    service_wide = platform.instructor_scope == "service" and role == CourseRole.instructor
    wanted = Role.instructor if service_wide else Role.student
    if identity is None:
        user = accounts.create_user(session, _username(session, email, platform, sub), wanted)
        session.add(Identity(platform_id=platform.id, sub=sub, user_id=user.id))
    else:
        user = session.get_one(User, identity.user_id)
        if wanted == Role.instructor and user.role == Role.student:
            user.role = Role.instructor
    if user.deactivated_at is not None:
        raise LaunchRefused("your account here is deactivated: ask the course's instructor")
    # The columns' sizes: a longer name is cut, a longer "email" is no address at all.
    user.name = (name or "")[:200] or user.name
    user.email = email if email and len(email) <= 254 and "@" in email else user.email
    session.flush()
    return user


def _course_code(session: Session, launch: Launch) -> str:
    base = NOT_CODE.sub("-", (launch.context_label or launch.context_title or "lti").lower()).strip("-._")
    base = (base if len(base) >= 2 else f"lti-{base}")[:32].rstrip("-._")
    code, number = base, 1
    while session.scalar(select(Course.id).where(Course.code == code)) is not None:
        number += 1
        code = f"{base}-{number}"
    return code


def _existing_course(session: Session, code: str, user: User) -> Course:
    """The course an LMS course is to be linked to (custom claim ``course``): one not linked yet,
    of which an instructor here has the launching instructor's email."""
    course = session.scalar(select(Course).where(Course.code == code))
    if course is None:
        raise LaunchRefused(f"the custom claim course={code!r} names no course here")
    if session.scalar(select(Context.id).where(Context.course_id == course.id)) is not None:
        raise LaunchRefused(f"the course {code} is linked to another LMS course already")
    emails = session.scalars(
        select(User.email)
        .join(Enrollment, Enrollment.user_id == User.id)
        .where(
            Enrollment.course_id == course.id,
            Enrollment.role == CourseRole.instructor,
            Enrollment.dropped_at.is_(None),
        )
    ).all()
    mine = (user.email or "").strip().lower()
    if not mine or mine not in {(email or "").strip().lower() for email in emails}:
        raise LaunchRefused(
            f"only an instructor of {code} may link it: the LMS's email of the launching instructor must "
            "be the email of one of its instructors here"
        )
    return course


def context_for(session: Session, launch: Launch, user: User, role: CourseRole) -> Context:
    """The LMS course of the launch linked to its course here (made at an instructor's first
    launch); the endpoints the launch announces are kept for roster sync and grade passback."""
    if launch.context_id is None:
        raise LaunchRefused("the launch names no LMS course (context claim): launch it from a course")
    context = session.scalar(
        select(Context).where(
            Context.platform_id == launch.platform.id, Context.context_id == launch.context_id
        )
    )
    if context is None:
        if role != CourseRole.instructor:
            raise LaunchRefused(
                "this LMS course is not set up here yet: its instructor must open the tool from it first"
            )
        title = launch.context_title or launch.context_label or "Course from the LMS"
        wanted = launch.custom.get("course")
        if wanted is not None and str(wanted).strip():
            course = _existing_course(session, str(wanted).strip(), user)
        else:
            course = courses.open_course(session, user, _course_code(session, launch), title[:200])
        context = Context(
            platform_id=launch.platform.id,
            deployment_id=launch.deployment_id,
            context_id=launch.context_id,
            title=title[:255],
            course_id=course.id,
        )
        session.add(context)
    memberships = launch.nrps.get("context_memberships_url")
    if isinstance(memberships, str) and memberships:
        context.memberships_url = memberships[:1000]
    lineitems = launch.ags.get("lineitems")
    if isinstance(lineitems, str) and lineitems:
        context.lineitems_url = lineitems[:1000]
    scopes = launch.ags.get("scope")
    if isinstance(scopes, list):
        context.ags_scopes = " ".join(str(scope) for scope in scopes)[:1000]
    session.flush()
    return context


def enroll(session: Session, course_id: int, user: User, role: CourseRole) -> None:
    """Enroll the user with the role the LMS gives (back in if dropped; the role follows it)."""
    enrollment = session.scalar(
        select(Enrollment).where(Enrollment.course_id == course_id, Enrollment.user_id == user.id)
    )
    if enrollment is None:
        session.add(Enrollment(course_id=course_id, user_id=user.id, role=role))
    else:
        enrollment.dropped_at = None
        enrollment.role = role
    session.flush()


def assignment_of(session: Session, launch: Launch, context: Context) -> Assignment | None:
    """The assignment named by the custom claim ``assignment`` (an id of the linked course), or
    None without one; one of another course (or none) is refused."""
    raw = launch.custom.get("assignment")
    if raw is None or str(raw).strip() == "":
        return None
    text = str(raw).strip()
    assignment = session.get(Assignment, int(text)) if text.isdigit() and len(text) < 10 else None
    if assignment is None or assignment.course_id != context.course_id:
        raise LaunchRefused(f"the custom claim assignment={text!r} names no assignment of this course")
    return assignment


def keep_line_item(session: Session, launch: Launch, context: Context, assignment: Assignment) -> None:
    """Remember the line item a launch's AGS claim names for this assignment (the LMS made the
    column, e.g. from a deep link's lineItem): grades go there."""
    url = launch.ags.get("lineitem")
    if not isinstance(url, str) or not url:
        return
    row = session.scalar(
        select(LineItem).where(LineItem.context_id == context.id, LineItem.assignment_id == assignment.id)
    )
    if row is None:
        session.add(LineItem(context_id=context.id, assignment_id=assignment.id, url=url[:1000]))
    elif row.url != url:
        row.url = url[:1000]


@dataclass(frozen=True)
class Landing:
    """Who signed in, and where they land."""

    user_id: int
    course_code: str
    assignment_id: int | None
    role: CourseRole


def provision(session: Session, launch: Launch) -> Landing:
    """Everything a valid launch does here (see the module's docstring)."""
    role = course_role(launch.roles)
    user = user_for(session, launch.platform, launch.sub, launch.name, launch.email, role)
    context = context_for(session, launch, user, role)
    enroll(session, context.course_id, user, role)
    assignment = (
        assignment_of(session, launch, context)
        if launch.message_type == claims.RESOURCE_LINK_REQUEST
        else None
    )
    if assignment is not None:
        keep_line_item(session, launch, context, assignment)
    course = session.get_one(Course, context.course_id)
    return Landing(user.id, course.code, assignment.id if assignment else None, role)
