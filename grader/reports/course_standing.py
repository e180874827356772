"""A student's standing in a course: each assignment on their own dates (an extension moves
them), with the points credited so far (the late policy applied as they are read)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from grader.assignments import service as assignments
from grader.assignments.models import Assignment, Extension
from grader.assignments.policy import Timeline
from grader.courses.models import Course
from grader.reports.assignment_grades import Grade, student_grades


@dataclass(frozen=True)
class AssignmentStanding:
    """One assignment as one student stands on it."""

    assignment: Assignment
    timeline: Timeline  # the student's own dates
    extended: bool
    grades: dict[str, Grade]  # by exercise slug, in the assignment's order

    @property
    def total(self) -> float:
        """The credited points so far."""
        return round(sum(grade.points or 0.0 for grade in self.grades.values()), 4)

    @property
    def points(self) -> float:
        """What the assignment is worth in all."""
        return sum(row.points for row in self.assignment.exercises)


def course_standing(session: Session, course: Course, user_id: int) -> list[AssignmentStanding]:
    """The course's assignments (by due date) as the student stands on each."""
    granted = {
        extension.assignment_id: extension
        for extension in session.scalars(
            select(Extension)
            .join(Assignment, Assignment.id == Extension.assignment_id)
            .where(Assignment.course_id == course.id, Extension.user_id == user_id)
        )
    }
    return [
        assignment_standing(session, assignment, user_id, granted.get(assignment.id))
        for assignment in assignments.course_assignments(session, course)
    ]


def assignment_standing(
    session: Session, assignment: Assignment, user_id: int, extension: Extension | None = None
) -> AssignmentStanding:
    """One assignment as the student stands on it (``extension``: theirs, if already read)."""
    if extension is None:
        extension = session.scalar(
            select(Extension).where(Extension.assignment_id == assignment.id, Extension.user_id == user_id)
        )
    own = assignments.extended(assignments.timeline(assignment), extension)
    return AssignmentStanding(
        assignment, own, extension is not None, student_grades(session, assignment, user_id)
    )
