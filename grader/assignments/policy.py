"""The late policy of an assignment, as plain data: a credit timeline.

On time (up to the due date) a submission earns full credit; after it, each late window
``{until, credit}`` in turn gives its credit; after the last window a submission is practice
(graded with full feedback, credit 0). A student's extension moves the due date; without late
windows of its own, the assignment's windows move with it (a late period keeps its length).
Nothing here reads the database or a clock: callers pass the moments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from grader.errors import Invalid
from grader.times import aware, iso


@dataclass(frozen=True)
class LateWindow:
    """Submissions after the previous deadline and up to ``until`` earn ``credit``."""

    until: datetime
    credit: float


@dataclass(frozen=True)
class Timeline:
    """When an assignment opens, is due, and what credit late work earns."""

    opens_at: datetime | None
    due_at: datetime
    late: tuple[LateWindow, ...] = ()

    @property
    def closes_at(self) -> datetime:
        """After this moment a submission is practice (credit 0)."""
        return self.late[-1].until if self.late else self.due_at

    def credit_at(self, moment: datetime) -> float:
        """The credit a submission accepted at ``moment`` earns (1 on time, 0 after the last
        window). Work accepted before the opening (if the opening was moved later) counts as on
        time: a changed date never takes away what was earned."""
        moment = aware(moment)
        if moment <= self.due_at:
            return 1.0
        for window in self.late:
            if moment <= window.until:
                return window.credit
        return 0.0

    def is_late(self, moment: datetime) -> bool:
        """Whether a submission accepted at ``moment`` came after the due date."""
        return aware(moment) > self.due_at

    def is_open(self, moment: datetime) -> bool:
        """Whether students may submit at ``moment`` (after the last window they still may:
        for practice)."""
        return self.opens_at is None or aware(moment) >= self.opens_at

    def phase(self, moment: datetime) -> str:
        """``not_open``, ``open`` (on time), ``late`` (a window gives credit) or ``closed``."""
        moment = aware(moment)
        if not self.is_open(moment):
            return "not_open"
        if moment <= self.due_at:
            return "open"
        return "late" if moment <= self.closes_at else "closed"

    def next_change(self, moment: datetime) -> datetime | None:
        """The next moment the credit changes after ``moment`` (for "due in 3 h")."""
        moment = aware(moment)
        for boundary in (self.opens_at, self.due_at, *(w.until for w in self.late)):
            if boundary is not None and boundary > moment:
                return boundary
        return None

    def bands(self) -> list[tuple[datetime | None, datetime | None, float]]:
        """The timeline as consecutive bands ``(after, up_to, credit)``: ``after`` None is
        the beginning, ``up_to`` None the end (practice, credit 0)."""
        edges: list[tuple[datetime | None, datetime | None, float]] = [(None, self.due_at, 1.0)]
        previous = self.due_at
        for window in self.late:
            edges.append((previous, window.until, window.credit))
            previous = window.until
        edges.append((previous, None, 0.0))
        return edges

    def extended(self, due_at: datetime, late: Sequence[LateWindow] | None = None) -> Timeline:
        """This timeline for a student with an extension to ``due_at``: their own windows, or
        the assignment's moved by as much as the due date."""
        due_at = aware(due_at)
        if late is None:
            shift = due_at - self.due_at
            late = [replace(window, until=window.until + shift) for window in self.late]
        return Timeline(self.opens_at, due_at, tuple(late))


def windows_from_json(raw: Any, field: str = "late") -> tuple[LateWindow, ...]:
    """Late windows from ``[{"until": ISO 8601 with offset, "credit": 0..1}, ...]``; Invalid
    naming the field (``late[1].credit``) when one is wrong."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise Invalid(f'{field} must be a list of {{"until", "credit"}} windows', field)
    windows = []
    for index, item in enumerate(raw):
        where = f"{field}[{index}]"
        if not isinstance(item, dict) or set(item) - {"until", "credit"}:
            raise Invalid(f'{where} must be an object with "until" and "credit"', where)
        until = parse_moment(item.get("until"), f"{where}.until")
        credit = item.get("credit")
        if isinstance(credit, bool) or not isinstance(credit, int | float) or not 0 <= credit <= 1:
            raise Invalid(f"{where}.credit must be a number from 0 to 1", f"{where}.credit")
        windows.append(LateWindow(until, float(credit)))
    return tuple(windows)


def windows_to_json(windows: Sequence[LateWindow]) -> list[dict[str, Any]]:
    """Late windows as stored and as the API shows them."""
    return [{"until": iso(window.until), "credit": window.credit} for window in windows]


def parse_moment(raw: Any, field: str) -> datetime:
    """An ISO 8601 time with its offset (``2027-03-05T18:00:00+01:00``); Invalid naming the
    field otherwise: a time without an offset is ambiguous across the course's time zones."""
    if not isinstance(raw, str):
        raise Invalid(
            f"{field} must be an ISO 8601 time with an offset, e.g. 2027-03-05T18:00:00+01:00", field
        )
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00") if raw.endswith("Z") else raw)
    except ValueError:
        raise Invalid(f"{field}: {raw!r} is not an ISO 8601 time", field) from None
    if moment.tzinfo is None:
        raise Invalid(f"{field}: {raw!r} has no offset; add one, e.g. +00:00 or Z", field)
    return aware(moment)


def check_timeline(timeline: Timeline, prefix: str = "") -> None:
    """Invalid naming the field when the dates disagree: the due date before the opening, a
    window that ends before the one before it (or before the due date)."""
    if timeline.opens_at is not None and timeline.due_at < timeline.opens_at:
        raise Invalid(
            f"{prefix}due_at is before opens_at: an assignment is due after it opens", f"{prefix}due_at"
        )
    previous, name = timeline.due_at, f"{prefix}due_at"
    for index, window in enumerate(timeline.late):
        if window.until <= previous:
            raise Invalid(
                f"{prefix}late[{index}].until must come after {name}: windows are in time order",
                f"{prefix}late[{index}].until",
            )
        previous, name = window.until, f"{prefix}late[{index}].until"
