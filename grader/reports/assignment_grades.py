"""An assignment's grades, with its late policy applied as they are read.

The grade of an exercise is the best, over the student's graded submissions to the assignment,
of score / max score × the exercise's points × the credit of the moment the submission was
accepted (under the student's own dates: an extension moves them); the total is the sum. Reports
stay raw: moving a date or granting an extension changes these numbers at once.

One aggregate query does the work for every student on the assignment's own dates: the credit is
constant between two deadlines, so each graded submission's ratio times its band's credit (a
CASE over the bands) and the maximum of those is the best credited score. The few students with
an extension are read in one more query and credited on their own dates.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select, true
from sqlalchemy.orm import Session

from grader.accounts.models import User
from grader.assignments import service as assignments
from grader.assignments.models import Assignment, Extension
from grader.assignments.policy import Timeline
from grader.courses import service as courses
from grader.courses.models import Enrollment
from grader.submissions.models import Status, Submission
from grader.times import aware

FULL = 1 - 1e-9  # a ratio this close to 1 is full marks


@dataclass(frozen=True)
class Grade:
    """One exercise of one student: the credited points, and how they were earned."""

    points: float | None  # None: nothing graded yet
    late: bool = False  # the best came from a late window (credit below 1)
    attempts: int = 0
    failed: int = 0  # graded attempts below full marks


@dataclass
class StudentRow:
    """One student's line of the assignment gradebook."""

    username: str
    name: str | None
    email: str | None
    student_id: str | None
    grades: dict[str, Grade]
    due_at: datetime  # their due date (an extension's, if they have one)
    extended: bool = False

    @property
    def total(self) -> float:
        """The sum of the credited points."""
        return round(sum(g.points or 0.0 for g in self.grades.values()), 4)

    @property
    def started(self) -> bool:
        """Whether the student submitted anything to the assignment."""
        return any(g.attempts for g in self.grades.values())


@dataclass
class Book:
    """An assignment's gradebook: every enrolled student, whether or not they submitted."""

    assignment: Assignment
    exercises: list[tuple[str, float]]
    students: list[StudentRow] = field(default_factory=list)

    @property
    def points(self) -> float:
        """What the assignment is worth in all."""
        return sum(points for _, points in self.exercises)


def _band(created: Any, after: datetime | None, up_to: datetime | None) -> ColumnElement[bool]:
    lower = created > after if after is not None else true()
    upper = created <= up_to if up_to is not None else true()
    return and_(lower, upper)


def _aggregate(session: Session, assignment: Assignment, base: Timeline, users: Iterable[int] | None) -> Any:
    """Per (student, exercise) on ``base``'s dates: the number of submissions and of graded ones
    below full marks, the best credited score ratio (each graded submission's ratio times the
    credit of its band) and the best ratio on time (the best is late if it beats that)."""
    ratio = Submission.score / Submission.max_score
    graded = Submission.status == Status.graded
    created = Submission.created_at
    credited = case(
        *[
            (_band(created, after, up_to), ratio * credit)
            for after, up_to, credit in base.bands()
            if credit > 0
        ],
        else_=None,
    )
    query = (
        select(
            Submission.user_id,
            Submission.exercise_slug,
            func.count(Submission.id),
            func.count(Submission.id).filter(graded, ratio < FULL),
            func.max(credited).filter(graded),
            func.max(ratio).filter(graded, created <= base.due_at),
        )
        .where(Submission.assignment_id == assignment.id)
        .group_by(Submission.user_id, Submission.exercise_slug)
    )
    if users is not None:
        query = query.where(Submission.user_id.in_(list(users)))
    return session.execute(query).all()


def _grades(row: Any, points: float) -> Grade:
    _user, _slug, attempts, failed, best, on_time = row
    if best is None:
        return Grade(None, attempts=attempts, failed=failed)
    late = on_time is None or best > on_time + 1e-12
    return Grade(round(best * points, 4), late=late, attempts=attempts, failed=failed)


def book(session: Session, assignment: Assignment) -> Book:
    """The gradebook of an assignment (see the module's docstring)."""
    exercises = [(row.exercise_slug, row.points) for row in assignment.exercises]
    worth = dict(exercises)
    base = assignments.timeline(assignment)
    members = session.execute(
        select(User.id, User.username, User.name, User.email, Enrollment.student_id)
        .join(Enrollment, Enrollment.user_id == User.id)
        .where(
            Enrollment.course_id == assignment.course_id,
            Enrollment.role == courses.CourseRole.student,
            Enrollment.dropped_at.is_(None),
        )
        .order_by(User.username)
    ).all()
    granted = {
        extension.user_id: extension
        for extension in session.scalars(select(Extension).where(Extension.assignment_id == assignment.id))
    }
    found: dict[tuple[int, str], Grade] = {}
    for row in _aggregate(session, assignment, base, None):
        if row[0] not in granted and row[1] in worth:
            found[row[0], row[1]] = _grades(row, worth[row[1]])
    if granted:  # the students with an extension, on their own dates: one query for them all
        dates = {user_id: assignments.extended(base, extension) for user_id, extension in granted.items()}
        found.update(_on_own_dates(session, assignment, dates, worth))
    result = Book(assignment, exercises)
    nothing = Grade(None)
    for user_id, username, name, email, student_id in members:
        own = granted.get(user_id)
        result.students.append(
            StudentRow(
                username,
                name,
                email,
                student_id,
                {slug: found.get((user_id, slug), nothing) for slug, _ in exercises},
                aware(own.due_at) if own is not None else base.due_at,
                extended=own is not None,
            )
        )
    return result


def _on_own_dates(
    session: Session, assignment: Assignment, timelines: dict[int, Timeline], worth: dict[str, float]
) -> dict[tuple[int, str], Grade]:
    """The grades of students who each have a timeline of their own (an extension), from their
    submissions' rows read in one query and credited in Python (a few students: cheap)."""
    ratio = Submission.score / Submission.max_score
    rows = session.execute(
        select(
            Submission.user_id, Submission.exercise_slug, Submission.status, Submission.created_at, ratio
        ).where(Submission.assignment_id == assignment.id, Submission.user_id.in_(list(timelines)))
    ).all()
    best: dict[tuple[int, str], tuple[float, float]] = {}  # (credited ratio, credit)
    attempts: dict[tuple[int, str], list[int]] = {}
    for user_id, slug, status, created_at, share in rows:
        if slug not in worth:
            continue
        key = (user_id, slug)
        counts = attempts.setdefault(key, [0, 0])
        counts[0] += 1
        if status != Status.graded or share is None:
            continue
        counts[1] += share < FULL
        credit = timelines[user_id].credit_at(created_at)
        if credit > 0 and (share * credit, credit) > best.get(key, (-1.0, 0.0)):
            best[key] = (share * credit, credit)
    grades = {}
    for key, (tried, failed) in attempts.items():
        if key in best:
            value, credit = best[key]
            grades[key] = Grade(
                round(value * worth[key[1]], 4), late=credit < 1, attempts=tried, failed=failed
            )
        else:
            grades[key] = Grade(None, attempts=tried, failed=failed)
    return grades


def as_json(result: Book) -> dict[str, Any]:
    """The API's answer: every enrolled student, their credited points per exercise, the total."""
    return {
        "assignment": result.assignment.id,
        "points": result.points,
        "exercises": [{"exercise": slug, "points": points} for slug, points in result.exercises],
        "items": [
            {
                "username": row.username,
                "name": row.name,
                "exercises": {slug: grade.points for slug, grade in row.grades.items()},
                "late": {slug: grade.late for slug, grade in row.grades.items()},
                "total": row.total,
                "due_at": row.due_at.isoformat(timespec="microseconds"),
                "extension": row.extended,
            }
            for row in result.students
        ],
    }


def as_csv(result: Book, *, detail: bool = False) -> str:
    """The grades as CSV in the layout Canvas's gradebook import takes as it is (Student, ID,
    SIS User ID, SIS Login ID, Section, then one column per grade; Canvas matches students by
    their SIS Login ID, our username) and Moodle's import maps (choose ``SIS Login ID`` as the
    username, or ``Email``): the assignment's total, and with ``detail`` each exercise too."""
    title = f"{result.assignment.title} ({result.points:g} pts)"
    out = io.StringIO()
    writer = csv.writer(out)
    columns = [f"{slug} ({points:g} pts)" for slug, points in result.exercises] if detail else []
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Email", *columns, title])
    section = result.assignment.course.code
    for row in result.students:
        cells = [_number(row.grades[slug].points) for slug, _ in result.exercises] if detail else []
        writer.writerow(
            [
                row.name or row.username,
                "",
                row.student_id or "",
                row.username,
                section,
                row.email or "",
                *cells,
                _number(row.total),
            ]
        )
    return out.getvalue()


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def student_grades(session: Session, assignment: Assignment, user_id: int) -> dict[str, Grade]:
    """One student's credited points per exercise of the assignment (for their own pages)."""
    worth = {row.exercise_slug: row.points for row in assignment.exercises}
    own = assignments.timeline_for(session, assignment, user_id)
    rows = _aggregate(session, assignment, own, [user_id])
    grades = {row[1]: _grades(row, worth[row[1]]) for row in rows if row[1] in worth}
    return {slug: grades.get(slug, Grade(None)) for slug in worth}
