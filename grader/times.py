"""Times as the service keeps and shows them: always UTC, always with the offset.

SQLite gives naive datetimes back (they are UTC: every time is written from ``now()``) and
PostgreSQL gives aware ones in the session's time zone; readers get one form either way.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload


def now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


@overload
def aware(moment: datetime) -> datetime: ...
@overload
def aware(moment: None) -> None: ...
def aware(moment: datetime | None) -> datetime | None:
    """A stored time as timezone-aware UTC (a naive one is taken to be UTC already)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@overload
def iso(moment: datetime) -> str: ...
@overload
def iso(moment: None) -> None: ...
def iso(moment: datetime | None) -> str | None:
    """The API's form of a time: ISO 8601 in UTC with microseconds and ``+00:00``."""
    found = aware(moment)
    return found.isoformat(timespec="microseconds") if found else None
