"""A course's dates as its pages show them: in the course's own time zone, named on the page
(a due date is the course's, whatever the reader's clock says, so time.js leaves these alone),
and relative to now ("due in 3 h", "late: 50% credit until Fri 18:00", "closed — practice")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from grader.assignments.policy import Timeline
from grader.i18n.ui_text import translate
from grader.times import aware, iso, now

WEEKDAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
}
NEAR = timedelta(days=6)  # within this of now, "Fri 18:00" is unambiguous


def local(moment: datetime, zone: str) -> datetime:
    """``moment`` on the course's clock."""
    return aware(moment).astimezone(ZoneInfo(zone))


def _weekday(moment: datetime, lang: str) -> str:
    return WEEKDAYS["zh" if lang == "zh" else "en"][moment.weekday()]


def course_time(moment: datetime | None, zone: str, lang: str) -> Markup:
    """A full date on the course's clock with its zone named: ``Fri 2027-03-05 18:00
    Europe/Berlin``, in a ``<time>`` that carries the exact moment (and no ``data-local``)."""
    if moment is None:
        return Markup("–")
    at = local(moment, zone)
    return Markup(
        f'<time datetime="{escape(iso(moment))}" class="course-time">'
        f"<span>{escape(_weekday(at, lang))} {at:%Y-%m-%d}</span> <span>{at:%H:%M}</span> "
        f'<span class="zone">{escape(zone)}</span></time>'
    )


def short_time(moment: datetime, zone: str, lang: str, reference: datetime | None = None) -> str:
    """A date in a sentence: ``Fri 18:00`` within six days of now, else ``2027-03-05 18:00``."""
    at = local(moment, zone)
    if abs(aware(moment) - (reference or now())) <= NEAR:
        return f"{_weekday(at, lang)} {at:%H:%M}"
    return f"{at:%Y-%m-%d %H:%M}"


def span(delta: timedelta, lang: str) -> str:
    """A time to go, rounded down (a deadline is never promised later than it is): ``45 min``,
    ``3 h``, ``4 d``."""
    minutes = max(1, int(delta.total_seconds() // 60))
    if minutes < 60:
        return translate("c.span_min", lang, n=minutes)
    if minutes < 48 * 60:
        return translate("c.span_h", lang, n=minutes // 60)
    return translate("c.span_d", lang, n=minutes // (24 * 60))


def percent(credit: float) -> str:
    """A credit as a percentage without trailing zeros: 1 → ``100``, 0.5 → ``50``."""
    return f"{round(credit * 100, 1):g}"


@dataclass(frozen=True)
class Status:
    """Where a timeline stands now: its phase (``not_open``, ``open``, ``late``, ``closed``),
    the credit a submission would earn now (None before the opening), and a sentence."""

    phase: str
    credit: float | None
    text: str


def status(timeline: Timeline, zone: str, lang: str, at: datetime | None = None) -> Status:
    """The timeline's status at ``at`` (now by default), in words."""
    at = at or now()
    phase = timeline.phase(at)
    if phase == "not_open":
        assert timeline.opens_at is not None
        when = short_time(timeline.opens_at, zone, lang, at)
        return Status(
            phase, None, translate("c.opens_in", lang, at=when, span=span(timeline.opens_at - at, lang))
        )
    credit = timeline.credit_at(at)
    if phase == "open":
        return Status(phase, credit, translate("c.due_in", lang, span=span(timeline.due_at - at, lang)))
    if phase == "late":
        until = timeline.next_change(at)
        assert until is not None
        text = translate("c.late_until", lang, credit=percent(credit), at=short_time(until, zone, lang, at))
        return Status(phase, credit, text)
    return Status(phase, 0.0, translate("c.closed", lang))


@dataclass(frozen=True)
class Band:
    """One stretch of a credit timeline, for the preview's table and chart."""

    after: datetime | None  # None: from the beginning (or the opening)
    up_to: datetime | None  # None: for ever after (practice)
    credit: float


def bands(timeline: Timeline) -> list[Band]:
    """The timeline's stretches in order: on time, each late window, then practice."""
    found = [Band(after, up_to, credit) for after, up_to, credit in timeline.bands()]
    first = found[0]
    return [Band(timeline.opens_at, first.up_to, first.credit), *found[1:]]


@dataclass(frozen=True)
class Bar:
    """One band drawn in the preview's SVG (coordinates in the chart's own units)."""

    x: float
    width: float
    height: float
    credit: float
    ends: tuple[str, str] | None  # the moment the band ends (``Fri 03-05``, ``18:00``); None: never

    @property
    def middle(self) -> float:
        """Where the band's credit is written."""
        return round(self.x + self.width / 2, 1)

    @property
    def edge(self) -> float:
        """Where the band's end is written (between it and the next)."""
        return round(self.x + self.width + 2, 1)


CHART_WIDTH, CHART_LEFT, CHART_BAR = 600, 48, 100


def chart(timeline: Timeline, zone: str, lang: str) -> list[Bar]:
    """The preview's bars, one per band and of equal width (a two-hour window must stay
    visible beside a two-week one: the table beside it has the exact times)."""
    found = bands(timeline)
    slot = (CHART_WIDTH - CHART_LEFT - 8) / len(found)
    bars = []
    for index, band in enumerate(found):
        ends = None
        if band.up_to is not None:
            at = local(band.up_to, zone)
            ends = (f"{_weekday(at, lang)} {at:%m-%d}", f"{at:%H:%M}")
        bars.append(
            Bar(
                round(CHART_LEFT + index * slot, 1),
                round(slot - 4, 1),
                round(max(band.credit * CHART_BAR, 2), 1),  # practice stays visible as a sliver
                band.credit,
                ends,
            )
        )
    return bars
