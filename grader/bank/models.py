"""The bank in the database: one row per version of each exercise."""

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
