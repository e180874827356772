"""Roster imports: a CSV with a header, ``username,name,email`` and optionally ``role`` and
``student_id``, in any order.

Each line creates the user if missing (without a password: the course's set-password links let
them in), enrolls them with the line's role (student by default), and updates their name and
email; a role or student id left out (no column, or an empty cell) leaves a member's as it is.
A bad line is reported with its line number and why, and the others are imported all the same;
importing the same file again changes nothing. Enrolling someone dropped earlier enrolls them
again.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from grader.accounts import service as accounts
from grader.accounts.models import Role, User
from grader.courses.models import Course, CourseRole, Enrollment
from grader.errors import Invalid

REQUIRED = ("username", "name", "email")
OPTIONAL = ("role", "student_id")
EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")
MAX_LINES = 20_000


@dataclass
class RosterReport:
    """What an import did, line by line: the counts, and each bad line with why."""

    created: int = 0  # new users, enrolled
    enrolled: int = 0  # existing users newly enrolled (or enrolled again after a drop)
    updated: int = 0  # members whose name, email, role or student id changed
    unchanged: int = 0
    errors: list[dict[str, object]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """The API's answer."""
        return {
            "created": self.created,
            "enrolled": self.enrolled,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
        }


@dataclass(frozen=True)
class RosterLine:
    """One line of a roster file, checked."""

    number: int
    username: str
    name: str
    email: str
    role: CourseRole | None  # None: not given (a new member is a student; a member keeps theirs)
    student_id: str | None  # None: not given (kept)


def read_csv(text: str, example: str) -> csv.DictReader[str]:
    """A reader of a CSV text whose header names are lower-cased and trimmed; Invalid if the
    text has no header (``example`` shows one)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = [name.strip().lower() for name in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise Invalid(f"line 1: the CSV cannot be read ({exc})") from None
    if not header:
        raise Invalid(f"the CSV is empty: its first line must be a header, e.g. {example}")
    reader.fieldnames = header
    return reader


def import_roster(session: Session, course: Course, text: str) -> RosterReport:
    """Import a roster CSV into the course (see the module's docstring)."""
    reader = read_csv(text, "username,name,email")
    header = list(reader.fieldnames or [])
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in REQUIRED + OPTIONAL]
    if missing or unknown:
        problems = [f"missing column {', '.join(missing)}"] if missing else []
        problems += [f"unknown column {', '.join(unknown)}"] if unknown else []
        raise Invalid(
            f"line 1: the header must name username,name,email (and optionally role, student_id): "
            f"{'; '.join(problems)}"
        )
    report = RosterReport()
    seen: dict[str, int] = {}
    try:
        for row in reader:
            number = reader.line_num
            if number > MAX_LINES:
                report.errors.append({"line": number, "message": f"a roster has at most {MAX_LINES} lines"})
                break
            if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
                continue  # a blank line
            try:
                line = _check(number, row)
                if line.username in seen:
                    raise Invalid(f"{line.username} is already on line {seen[line.username]}")
                seen[line.username] = number
                _apply(session, course, line, report)
            except Invalid as exc:
                report.errors.append({"line": number, "message": exc.message})
    except csv.Error as exc:
        report.errors.append(
            {"line": reader.line_num, "message": f"the CSV cannot be read from here on ({exc})"}
        )
    return report


def _check(number: int, row: dict[str, str | None]) -> RosterLine:
    if None in row:  # more cells than the header has columns
        raise Invalid("more cells than the header has columns (a comma in a name? quote it)")
    cells = {key: (value or "").strip() for key, value in row.items()}
    username, name, email = cells.get("username", ""), cells.get("name", ""), cells.get("email", "")
    if not accounts.USERNAME.fullmatch(username):
        raise Invalid(
            f"username {username!r}: 1 to 80 letters, digits or . _ @ - (starting with a letter or digit)"
        )
    if not name or len(name) > 200:
        raise Invalid("name: 1 to 200 characters")
    if not EMAIL.fullmatch(email) or len(email) > 254:
        raise Invalid(f"email {email!r} is not an address like someone@example.org")
    role_name = cells.get("role") or None
    if role_name is not None and role_name not in {role.value for role in CourseRole}:
        raise Invalid(f"role {role_name!r}: student, ta or instructor")
    student_id = cells.get("student_id") or None
    if student_id is not None and len(student_id) > 64:
        raise Invalid("student_id: at most 64 characters")
    return RosterLine(number, username, name, email, CourseRole(role_name) if role_name else None, student_id)


def _apply(session: Session, course: Course, line: RosterLine, report: RosterReport) -> None:
    user = session.scalar(select(User).where(User.username == line.username))
    created = user is None
    if user is None:
        user = accounts.create_user(session, line.username, Role.student)
    changed = (user.name, user.email) != (line.name, line.email)
    user.name, user.email = line.name, line.email
    enrollment = session.scalar(
        select(Enrollment).where(Enrollment.course_id == course.id, Enrollment.user_id == user.id)
    )
    if enrollment is None:
        role = line.role or CourseRole.student
        session.add(Enrollment(course_id=course.id, user_id=user.id, role=role, student_id=line.student_id))
        report.created += created
        report.enrolled += not created
        session.flush()
        return
    role = line.role or enrollment.role
    student_id = line.student_id if line.student_id is not None else enrollment.student_id
    if enrollment.dropped_at is not None:
        enrollment.dropped_at = None
        enrollment.role, enrollment.student_id = role, student_id
        report.enrolled += 1
        return
    changed = changed or (enrollment.role, enrollment.student_id) != (role, student_id)
    enrollment.role, enrollment.student_id = role, student_id
    if changed:
        report.updated += 1
    else:
        report.unchanged += 1


def enroll_one(
    session: Session,
    course: Course,
    username: str,
    *,
    name: str,
    email: str,
    role: str = "student",
    student_id: str | None = None,
) -> RosterReport:
    """Add (or update) one member, as one roster line would."""
    line = _check(
        1, {"username": username, "name": name, "email": email, "role": role, "student_id": student_id}
    )
    report = RosterReport()
    _apply(session, course, line, report)
    return report
