"""Submissions, their case results, and the regrades asked of them."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grader.accounts.models import User
from grader.bank.models import ExerciseVersion
from grader.db import Base
from grader.mistakes.models import MistakeEntry
from grader.times import now


class Status(enum.StrEnum):
    """A submission's state: queued -> running -> graded | error."""

    queued = "queued"
    running = "running"
    graded = "graded"
    error = "error"


class Submission(Base):
    """One submitted source and everything its grading produced."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("user_id", "idempotency_key"),
        Index("ix_submissions_status_updated", "status", "updated_at"),
        Index("ix_submissions_user_exercise", "user_id", "exercise_slug"),
        # The rate limit reads a student's newest submissions at every POST.
        Index("ix_submissions_user_created", "user_id", "created_at"),
        # An assignment's gradebook reads its submissions per student and exercise.
        Index("ix_submissions_assignment_user", "assignment_id", "user_id", "exercise_slug"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    exercise_slug: Mapped[str] = mapped_column(String(80), index=True)
    exercise_version_id: Mapped[int] = mapped_column(ForeignKey("exercise_versions.id"))
    # The assignment it was submitted to (None: practice, outside any assignment).
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(Text)
    filename: Mapped[str] = mapped_column(String(255), default="submission.py")
    notebook: Mapped[bool] = mapped_column(Boolean, default=False)
    seed: Mapped[int] = mapped_column(Integer)
    status: Mapped[Status] = mapped_column(Enum(Status, native_enum=False, length=20), default=Status.queued)
    score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    report: Mapped[dict[str, Any] | None]
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(255))
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    callback_url: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(default=now, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)
    started_at: Mapped[datetime | None]  # when this grading round began (a round's token)
    # When a worker claimed the grading under way; None while it waits for one (the sweep
    # re-sends only what a worker claimed and stopped reporting on, or what the broker lost).
    claimed_at: Mapped[datetime | None]
    # A regrade of this graded submission is pending (its round's token): the last score stays
    # visible until the regrade records its own.
    regrade_requested_at: Mapped[datetime | None] = mapped_column(index=True)
    graded_at: Mapped[datetime | None]
    grading_ms: Mapped[float | None] = mapped_column(Float)

    user: Mapped[User] = relationship()
    exercise_version: Mapped[ExerciseVersion] = relationship()
    results: Mapped[list[CaseResultRow]] = relationship(
        order_by="CaseResultRow.position", cascade="all, delete-orphan"
    )
    # Its place in a mistake group, with the hint it was given (graded short of full marks).
    mistake: Mapped[MistakeEntry | None] = relationship(viewonly=True)


class CaseResultRow(Base):
    """One case of a graded submission."""

    __tablename__ = "case_results"
    __table_args__ = (UniqueConstraint("submission_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    visibility: Mapped[str] = mapped_column(String(10))
    passed: Mapped[bool] = mapped_column(Boolean)
    points: Mapped[float] = mapped_column(Float)
    max_points: Mapped[float] = mapped_column(Float)
    finding: Mapped[str | None] = mapped_column(String(40))
    mutant: Mapped[str | None] = mapped_column(String(255))
    message_en: Mapped[str] = mapped_column(Text)
    message_zh: Mapped[str] = mapped_column(Text)


class ExerciseRegrade(Base):
    """A request to regrade every submission of an exercise: at most one is pending per
    exercise (a repeated request joins it)."""

    __tablename__ = "exercise_regrades"
    __table_args__ = (
        # At most one pending per exercise: a second request made at the same moment fails to
        # insert and joins the first.
        Index(
            "uq_exercise_regrades_pending",
            "exercise_slug",
            unique=True,
            postgresql_where=text("completed_at IS NULL"),
            sqlite_where=text("completed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_slug: Mapped[str] = mapped_column(String(80), index=True)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    dispatched_at: Mapped[datetime | None]  # its submissions were marked and sent to the queue
    completed_at: Mapped[datetime | None]  # every one of them recorded (or gave up)
    submissions: Mapped[int] = mapped_column(Integer, default=0)


class Regrade(Base):
    """The audit of a regrade: who asked, which submission, the score before and after."""

    __tablename__ = "regrades"
    __table_args__ = (
        # The overview counts the regrades that gave up: few among every audit ever written.
        Index(
            "ix_regrades_failed",
            "id",
            postgresql_where=text("error IS NOT NULL"),
            sqlite_where=text("error IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("exercise_regrades.id", ondelete="SET NULL"), index=True
    )
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(255))
    old_score: Mapped[float | None] = mapped_column(Float)
    old_version_id: Mapped[int | None] = mapped_column(ForeignKey("exercise_versions.id"))
    new_version_id: Mapped[int | None] = mapped_column(ForeignKey("exercise_versions.id"))
    new_score: Mapped[float | None] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)  # the regrade gave up: the old score stands
    created_at: Mapped[datetime] = mapped_column(default=now)
    completed_at: Mapped[datetime | None]
