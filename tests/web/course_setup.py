"""A course to test the course pages on, made through the services: an instructor, two students,
a TA (a global student), and another course with its own instructor and student; assignments
that are late now (50% credit for a day), not open yet, and closed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from grader.accounts import service as accounts
from grader.accounts.models import Role
from grader.assignments import service as assignments
from grader.courses import roster
from grader.courses import service as courses
from grader.db import unit_of_work
from grader.settings import Settings
from grader.submissions import intake, lifecycle
from grader.submissions import service as submissions
from tests.service.test_regrade import report

SUM, DOT = "linalg.sum_axis", "linalg.dot"
CODE = "def sum_axis(x, axis, keepdim=False):\n    return x.sum(dim=axis, keepdim=keepdim)\n"
ZONE = "Asia/Shanghai"  # UTC+8 all year: the pages' hours are easy to check
ROSTER = (
    "username,name,email,role,student_id\n"
    "amy,Amy Adams,amy@example.org,student,s1\n"
    "ben,Ben Brown,ben@example.org,student,s2\n"
    "cat,Cat Chen,cat@example.org,student,s3\n"
    "tia,Tia Tan,tia@example.org,ta,\n"
)


def at(hours: float) -> str:
    """A moment ``hours`` from now, as the API takes it."""
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


@dataclass(frozen=True)
class Course:
    """The ids of what was made."""

    late: int  # due an hour ago, 50% credit for another day
    later: int  # opens tomorrow
    closed: int  # its last window ended an hour ago
    other: int  # an assignment of the other course


def build_course(settings: Settings) -> Course:
    """dl101 (prof; amy, ben and cat students, tia a TA) and ml201 (rival; zed), with
    assignments; everyone signs in with "password" but cat (no password yet)."""
    with unit_of_work(settings.database_url) as session:
        prof = accounts.create_user(session, "prof", Role.instructor, "password")
        rival = accounts.create_user(session, "rival", Role.instructor, "password")
        for name in ("amy", "ben", "tia", "zed"):
            accounts.create_user(session, name, Role.student, "password")
        course = courses.create_course(session, prof, "dl101", "Deep learning", term="2027s", timezone=ZONE)
        imported = roster.import_roster(session, course, ROSTER)
        assert not imported.errors, imported.errors
        other = courses.create_course(session, rival, "ml201", "Machine learning")
        roster.enroll_one(session, other, "zed", name="Zed Zhou", email="zed@example.org")
        both = [{"exercise": SUM, "points": 10}, {"exercise": DOT, "points": 5}]
        late = assignments.create_assignment(
            session,
            course,
            {
                "title": "Week 1",
                "exercises": both,
                "opens_at": at(-48),
                "due_at": at(-1),
                "late": [{"until": at(24), "credit": 0.5}],
            },
        )
        later = assignments.create_assignment(
            session, course, {"title": "Week 2", "exercises": both, "opens_at": at(24), "due_at": at(96)}
        )
        closed = assignments.create_assignment(
            session,
            course,
            {
                "title": "Week 0",
                "exercises": both,
                "due_at": at(-3),
                "late": [{"until": at(-1), "credit": 0.5}],
            },
        )
        elsewhere = assignments.create_assignment(
            session, other, {"title": "Other", "exercises": both, "due_at": at(10)}
        )
        return Course(late.id, later.id, closed.id, elsewhere.id)


def submit_graded(settings: Settings, username: str, assignment: int, score: float, slug: str = SUM) -> int:
    """A submission to the assignment now, graded ``score`` of 10; returns its id."""
    with unit_of_work(settings.database_url) as session:
        user = accounts.find_user(session, username)
        row, _ = submissions.submit(
            session, user, slug, intake.load_code(CODE), per_minute=1000, assignment_id=assignment
        )
        submission_id = row.id
    with unit_of_work(settings.database_url) as session:
        job = lifecycle.claim(session, submission_id, worker="test:1")
    assert job is not None
    with unit_of_work(settings.database_url) as session:
        assert lifecycle.record_report(session, job, report(score, cases=1), 1.0)
    return submission_id


def extend(settings: Settings, assignment: int, username: str, hours: float) -> None:
    """Give a student their own due date ``hours`` from now."""
    with unit_of_work(settings.database_url) as session:
        found = assignments.assignment_for(session, accounts.find_user(session, "prof"), assignment, "staff")
        prof = accounts.find_user(session, "prof")
        assignments.grant_extension(session, found.assignment, username, {"due_at": at(hours)}, prof)
