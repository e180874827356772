"""Times as the service keeps them: timezone-aware UTC, shown in one ISO 8601 form."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def aware(moment: datetime | None) -> datetime | None:
    """A stored time as timezone-aware UTC (SQLite gives naive times back)."""
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def iso(moment: datetime | None) -> str | None:
    """A stored time in the API's one form: ISO 8601 in UTC with its offset (``+00:00``)."""
    found = aware(moment)
    return found.astimezone(UTC).isoformat() if found else None
