"""The bank in the database: one row per version of each exercise, with where it came from, and
the latest change a sync refused to publish."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from grader.db import Base
from grader.times import now


class ExerciseVersion(Base):
    """One version of a bank exercise, identified by the hash of its module's content."""

    __tablename__ = "exercise_versions"
    __table_args__ = (UniqueConstraint("slug", "version"), UniqueConstraint("slug", "content_hash"))

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    points: Mapped[float] = mapped_column(Float)
    title: Mapped[dict[str, Any]]
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    synced_at: Mapped[datetime] = mapped_column(default=now)
    # "shipped", or the course folder (GRADER_EXERCISE_PATH) it was published from, and its file.
    source: Mapped[str] = mapped_column(String(1000), default="shipped", server_default="shipped")
    path: Mapped[str | None] = mapped_column(String(1000))
    # How it was proven when published: the validation's figures, or {"by": "ci"} (shipped).
    validation: Mapped[dict[str, Any] | None]


class ExerciseRefusal(Base):
    """A change that ``grader exercises sync`` refused to publish (it did not validate): the
    last one per exercise, until a sync publishes a version of it."""

    __tablename__ = "exercise_refusals"

    slug: Mapped[str] = mapped_column(String(80), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(1000))
    path: Mapped[str | None] = mapped_column(String(1000))
    problems: Mapped[dict[str, Any]]
    refused_at: Mapped[datetime] = mapped_column(default=now)
