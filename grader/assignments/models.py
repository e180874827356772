"""Assignments of a course: exercises with points, dates and late windows; extensions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grader.accounts.models import User
from grader.courses.models import Course
from grader.db import Base
from grader.times import now


class Assignment(Base):
    """Exercises of a course due at a time; ``late`` is the credit timeline after it:
    ``[{"until": ISO 8601, "credit": 0..1}, ...]`` in time order."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    opens_at: Mapped[datetime | None]
    due_at: Mapped[datetime]
    late: Mapped[list[dict[str, Any]]]
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)

    course: Mapped[Course] = relationship()
    exercises: Mapped[list[AssignmentExercise]] = relationship(
        order_by="AssignmentExercise.position", cascade="all, delete-orphan"
    )


class AssignmentExercise(Base):
    """One exercise of an assignment and the points it is worth there."""

    __tablename__ = "assignment_exercises"
    __table_args__ = (UniqueConstraint("assignment_id", "exercise_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    exercise_slug: Mapped[str] = mapped_column(String(80))
    points: Mapped[float] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer)


class Extension(Base):
    """A student's own due date for an assignment (and, optionally, their own late windows;
    without them the assignment's windows move with the due date)."""

    __tablename__ = "extensions"
    __table_args__ = (UniqueConstraint("assignment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    due_at: Mapped[datetime]
    late: Mapped[list[dict[str, Any]] | None]
    granted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
