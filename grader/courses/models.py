"""A course and its roster: who is in it, and with which role."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grader.accounts.models import User
from grader.db import Base
from grader.times import now


class CourseRole(enum.StrEnum):
    """What a member may do in one course: TAs see everything and grant extensions; only
    instructors change assignments and the roster."""

    student = "student"
    ta = "ta"
    instructor = "instructor"


class Course(Base):
    """A course: a URL-safe code, a title, a term, and the time zone its dates are shown in."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    term: Mapped[str] = mapped_column(String(80), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now)


class Enrollment(Base):
    """A user in a course with a role; dropping keeps the row (and the student's submissions)."""

    __tablename__ = "enrollments"
    __table_args__ = (
        UniqueConstraint("course_id", "user_id"),
        Index("ix_enrollments_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[CourseRole] = mapped_column(Enum(CourseRole, native_enum=False, length=20))
    student_id: Mapped[str | None] = mapped_column(String(64))  # the university's number, if given
    created_at: Mapped[datetime] = mapped_column(default=now)
    dropped_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()
