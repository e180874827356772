"""The read side's running tallies, kept up to date as submissions are stored and reports are
recorded (``grader.submissions.tallies``), so that the instructor pages read a few thousand rows
instead of every submission and case row. They count what the raw rows say and apply no
policy: no deadline, no late credit, no course. Each can be rebuilt from the raw rows."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from grader.db import Base


class ExerciseStanding(Base):
    """One user's submissions to one exercise, counted: the overview's pass rates, the
    gradebook, an exercise's best-score histogram and attempts to a first full score."""

    __tablename__ = "exercise_standings"
    __table_args__ = (Index("ix_exercise_standings_user", "user_id"),)

    exercise_slug: Mapped[str] = mapped_column(String(80), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    submissions: Mapped[int] = mapped_column(Integer)  # every one stored, whatever its state
    graded: Mapped[int] = mapped_column(Integer)
    best_score: Mapped[float | None] = mapped_column(Float)  # the best graded score
    max_score: Mapped[float] = mapped_column(Float)  # the highest maximum among the submissions
    # Which submission (1 = the first, in the order they were stored) first had full marks.
    first_full: Mapped[int | None] = mapped_column(Integer)


class FailureTally(Base):
    """How many failed case rows of an exercise's graded submissions say the same thing: one
    case, one finding, one recognised mistake (or none), one message in both languages."""

    __tablename__ = "failure_tallies"

    exercise_slug: Mapped[str] = mapped_column(String(80), primary_key=True)
    case_name: Mapped[str] = mapped_column(String(255), primary_key=True)
    # md5 of finding, mistake and both messages (``tallies.failure_digest``): the rest of the key.
    digest: Mapped[str] = mapped_column(String(32), primary_key=True)
    finding: Mapped[str | None] = mapped_column(String(40))
    mutant: Mapped[str | None] = mapped_column(String(255))
    message_en: Mapped[str] = mapped_column(Text)
    message_zh: Mapped[str] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(Integer)


class MistakeTally(Base):
    """How many of one user's graded submissions to an exercise showed one known mistake."""

    __tablename__ = "mistake_tallies"

    exercise_slug: Mapped[str] = mapped_column(String(80), primary_key=True)
    mutant: Mapped[str] = mapped_column(String(255), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    submissions: Mapped[int] = mapped_column(Integer)
