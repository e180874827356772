"""A group of wrong answers that behave alike, who is in it, and which submission fell in it.

The group's counts are kept up to date as reports are recorded (``mistakes.service``), so the
instructor's list reads one row per group, never the submissions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from grader.db import Base
from grader.times import now


class MistakeGroup(Base):
    """The graded submissions of one exercise version that share a behaviour fingerprint."""

    __tablename__ = "mistake_groups"
    __table_args__ = (
        UniqueConstraint("exercise_version_id", "fingerprint"),
        # The list: an exercise's groups, largest first.
        Index("ix_mistake_groups_exercise_size", "exercise_slug", "submissions"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_slug: Mapped[str] = mapped_column(String(80))
    exercise_version_id: Mapped[int] = mapped_column(ForeignKey("exercise_versions.id", ondelete="CASCADE"))
    fingerprint: Mapped[str] = mapped_column(String(64))
    submissions: Mapped[int] = mapped_column(Integer, default=0)
    students: Mapped[int] = mapped_column(Integer, default=0)
    # The known mistake (mutant) the group's submissions were matched to, if any.
    mutant: Mapped[str | None] = mapped_column(String(255))
    # The first submission that fell in it (its source is the group's example) and its outcome
    # next to the reference's on the first probe input.
    example_submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="SET NULL")
    )
    example: Mapped[dict[str, Any] | None]
    hint_en: Mapped[str | None] = mapped_column(Text)
    hint_zh: Mapped[str | None] = mapped_column(Text)
    hint_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    hint_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now)

    @property
    def hint(self) -> dict[str, str] | None:
        """The staff's hint in both languages, or None."""
        if self.hint_en is None:
            return None
        return {"en": self.hint_en, "zh": self.hint_zh or self.hint_en}


class MistakeMember(Base):
    """How many of one student's submissions are in a group (the group's student count)."""

    __tablename__ = "mistake_members"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("mistake_groups.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    submissions: Mapped[int] = mapped_column(Integer)


class MistakeEntry(Base):
    """A graded submission in its group, with the hint it was given (the group's hint when it
    was recorded, or applied to it later)."""

    __tablename__ = "mistake_entries"
    __table_args__ = (
        # A group's newest submissions, and the counts of one assignment's (or course's) work.
        Index("ix_mistake_entries_group", "group_id", "submission_id"),
        Index("ix_mistake_entries_assignment", "assignment_id", "group_id", "user_id"),
    )

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(ForeignKey("mistake_groups.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id", ondelete="SET NULL"))
    hint_en: Mapped[str | None] = mapped_column(Text)
    hint_zh: Mapped[str | None] = mapped_column(Text)

    @property
    def hint(self) -> dict[str, str] | None:
        """The hint this submission was given, in both languages, or None."""
        if self.hint_en is None:
            return None
        return {"en": self.hint_en, "zh": self.hint_zh or self.hint_en}
