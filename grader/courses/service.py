"""Courses and who is in them.

Who may do what in a course: its instructors change the roster and the assignments; its TAs see
everything of the course and grant extensions; its students see their own work. A global admin
may do everything in every course. A user with no role in a course learns nothing of it: every
refusal is NotFound, as for a course that does not exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from grader.accounts import service as accounts
from grader.accounts.models import Role, User
from grader.courses.models import Course, CourseRole, Enrollment
from grader.errors import Conflict, Forbidden, Invalid, NotFound
from grader.times import now

CODE = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
STAFF = (CourseRole.ta, CourseRole.instructor)


def check_timezone(name: str) -> str:
    """An IANA time zone name (``Europe/Berlin``), or Invalid naming the field."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(
            f"timezone: {name!r} is not an IANA time zone such as Europe/Berlin or UTC", "timezone"
        ) from None
    if name not in available_timezones() and name != "UTC":
        raise Invalid(f"timezone: {name!r} is not an IANA time zone such as Europe/Berlin or UTC", "timezone")
    return name


def create_course(
    session: Session, actor: User, code: str, title: str, *, term: str = "", timezone: str = "UTC"
) -> Course:
    """A new course, its creator enrolled as its instructor. Only instructors and admins may
    create courses; a code in use is a Conflict."""
    if actor.role not in (Role.instructor, Role.admin):
        raise Forbidden("only instructors and admins create courses")
    return open_course(session, actor, code, title, term=term, timezone=timezone)


def open_course(
    session: Session, instructor: User, code: str, title: str, *, term: str = "", timezone: str = "UTC"
) -> Course:
    """A new course with this instructor, whatever their role in the service: for the course an
    LMS's instructor opens at their first launch (the platform's registration is the permission)."""
    if not isinstance(code, str) or not CODE.fullmatch(code):
        raise Invalid(
            "code: 2 to 40 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit "
            "(it appears in URLs), e.g. dl101-2027s",
            "code",
        )
    if not isinstance(title, str) or not title.strip() or len(title) > 200:
        raise Invalid("title: 1 to 200 characters", "title")
    if not isinstance(term, str) or len(term) > 80:
        raise Invalid("term: at most 80 characters", "term")
    course = Course(code=code, title=title.strip(), term=term.strip(), timezone=check_timezone(timezone))
    course.created_by = instructor.id
    try:
        with session.begin_nested():
            session.add(course)
            session.flush()
    except IntegrityError:
        raise Conflict(f"the course code {code!r} is in use; choose another") from None
    session.add(Enrollment(course_id=course.id, user_id=instructor.id, role=CourseRole.instructor))
    session.flush()
    return course


def find_course(session: Session, code: str) -> Course:
    """The course with that code, or NotFound."""
    course = session.scalar(select(Course).where(Course.code == code))
    if course is None:
        raise NotFound(f"no course {code!r}")
    return course


def role_in(session: Session, course: Course, user: User) -> CourseRole | None:
    """The user's role in the course (None if not, or no longer, a member); an admin acts as
    an instructor everywhere."""
    if user.role == Role.admin:
        return CourseRole.instructor
    return session.scalar(
        select(Enrollment.role).where(
            Enrollment.course_id == course.id, Enrollment.user_id == user.id, Enrollment.dropped_at.is_(None)
        )
    )


@dataclass(frozen=True)
class Membership:
    """A course as one of its members sees it."""

    course: Course
    role: CourseRole

    @property
    def staff(self) -> bool:
        """TAs and instructors."""
        return self.role in STAFF


def course_for(session: Session, user: User, code: str, need: str = "member") -> Membership:
    """The course and the user's role in it, if the user may do what ``need`` says: ``member``
    (see it), ``staff`` (TAs and instructors) or ``instructor``. Non-members get NotFound;
    members without the role, Forbidden."""
    course = session.scalar(select(Course).where(Course.code == code))
    role = role_in(session, course, user) if course is not None else None
    if course is None or role is None:
        raise NotFound(f"no course {code!r} (or you are not in it)")
    check_role(Membership(course, role), need)
    return Membership(course, role)


def check_role(membership: Membership, need: str) -> None:
    """Forbidden unless the membership's role does what ``need`` says."""
    if need == "staff" and not membership.staff:
        raise Forbidden("only the course's TAs and instructors may do this")
    if need == "instructor" and membership.role != CourseRole.instructor:
        raise Forbidden("only the course's instructors may do this")


def courses_of(session: Session, user: User) -> list[Membership]:
    """The user's courses (every course for an admin), by code."""
    if user.role == Role.admin:
        rows = session.scalars(select(Course).order_by(Course.code))
        return [Membership(course, CourseRole.instructor) for course in rows]
    found = session.execute(
        select(Course, Enrollment.role)
        .join(Enrollment, Enrollment.course_id == Course.id)
        .where(Enrollment.user_id == user.id, Enrollment.dropped_at.is_(None))
        .order_by(Course.code)
    ).all()
    return [Membership(course, role) for course, role in found]


@dataclass(frozen=True)
class Member:
    """One line of a roster."""

    username: str
    name: str | None
    email: str | None
    role: str
    student_id: str | None
    dropped: bool
    has_password: bool


def roster(session: Session, course: Course, *, include_dropped: bool = False) -> list[Member]:
    """The course's members by role then username (dropped ones only when asked)."""
    query = (
        select(Enrollment, User)
        .join(User, User.id == Enrollment.user_id)
        .where(Enrollment.course_id == course.id)
        .order_by(Enrollment.role, User.username)
    )
    if not include_dropped:
        query = query.where(Enrollment.dropped_at.is_(None))
    return [
        Member(
            user.username,
            user.name,
            user.email,
            enrollment.role.value,
            enrollment.student_id,
            enrollment.dropped_at is not None,
            user.password_hash is not None,
        )
        for enrollment, user in session.execute(query).all()
    ]


def enrolled_students(session: Session, course: Course) -> list[User]:
    """The course's students who have not been dropped, by username (a gradebook's rows)."""
    return list(
        session.scalars(
            select(User)
            .join(Enrollment, Enrollment.user_id == User.id)
            .where(
                Enrollment.course_id == course.id,
                Enrollment.role == CourseRole.student,
                Enrollment.dropped_at.is_(None),
            )
            .order_by(User.username)
        )
    )


def drop(session: Session, course: Course, username: str) -> None:
    """Take a member off the roster; their submissions stay (they can be enrolled again)."""
    enrollment = _enrollment(session, course, username)
    if enrollment is None or enrollment.dropped_at is not None:
        raise NotFound(f"{username!r} is not on the roster of {course.code}")
    if enrollment.role == CourseRole.instructor and instructor_count(session, course) <= 1:
        raise Invalid("a course keeps at least one instructor: enroll another first")
    enrollment.dropped_at = now()


def instructor_count(session: Session, course: Course) -> int:
    """How many instructors the course has now (a course keeps at least one)."""
    return len(
        session.scalars(
            select(Enrollment.id).where(
                Enrollment.course_id == course.id,
                Enrollment.role == CourseRole.instructor,
                Enrollment.dropped_at.is_(None),
            )
        ).all()
    )


def _enrollment(session: Session, course: Course, username: str) -> Enrollment | None:
    return session.scalar(
        select(Enrollment)
        .join(User, User.id == Enrollment.user_id)
        .where(Enrollment.course_id == course.id, User.username == username)
    )


def issue_links(
    session: Session, course: Course, public_url: str, actor: User | None
) -> list[tuple[Member, accounts.IssuedLink]]:
    """Fresh one-time set-password links for the course's students who have no password yet
    (an instructor sends them by mail merge): each replaces the student's unused earlier link.
    Students who set a password already keep it; their instructors cannot take it over."""
    issued = []
    for member in roster(session, course):
        if member.role != CourseRole.student.value or member.has_password:
            continue
        user = accounts.find_user(session, member.username)
        if user.role != Role.student:
            continue  # an account with more powers than a student's is its owner's to set
        issued.append((member, accounts.new_link(session, public_url, user, actor)))
    return issued
