"""The grading fleet as the database sees it: worker heartbeats and named leases."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from grader.db import Base
from grader.times import now


class WorkerHeartbeat(Base):
    """A grading process and its sandbox layers, as it last reported itself."""

    __tablename__ = "worker_heartbeats"

    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(default=now)
    seen_at: Mapped[datetime] = mapped_column(default=now, index=True)
    mechanisms: Mapped[dict[str, Any]]


class Lease(Base):
    """A named lease that one process holds at a time (the sweep: never two at once)."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    holder: Mapped[str] = mapped_column(String(255))
    expires_at: Mapped[datetime]
