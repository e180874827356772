"""The assignment editor's form: what it holds, read from an assignment or from the browser, and
turned into the API's body (``assignments.service.create_assignment`` / ``update_assignment``
check it). Dates are typed on the course's clock (``2027-03-05T18:00``, as a datetime-local
field sends them) and sent with the course's offset at that date; credits are typed in percent."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from werkzeug.datastructures import MultiDict

from grader.assignments.models import Assignment
from grader.assignments.policy import windows_from_json
from grader.grading.exercise import Exercise, pick
from grader.times import aware
from grader.web.course_common import FormError

LOCAL = re.compile(r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d)(?::(\d\d))?")
MAX_WINDOWS = 20


@dataclass
class EditorForm:
    """The editor's fields as typed: dates in the course's clock, credits in percent, and the
    chosen exercises (slug → points) in the assignment's order."""

    title: str = ""
    opens_at: str = ""
    due_at: str = ""
    windows: list[tuple[str, str]] = field(default_factory=list)  # (until, credit %)
    chosen: dict[str, str] = field(default_factory=dict)
    points: dict[str, str] = field(default_factory=dict)  # what each unchosen row holds


def _typed(moment: datetime | None, zone: str) -> str:
    if moment is None:
        return ""
    return aware(moment).astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def from_assignment(assignment: Assignment, zone: str) -> EditorForm:
    """The form of an existing assignment."""
    return EditorForm(
        title=assignment.title,
        opens_at=_typed(assignment.opens_at, zone),
        due_at=_typed(assignment.due_at, zone),
        windows=[
            (_typed(window.until, zone), f"{round(window.credit * 100, 2):g}")
            for window in windows_from_json(assignment.late)
        ],
        chosen={row.exercise_slug: f"{row.points:g}" for row in assignment.exercises},
    )


def from_request(form: MultiDict[str, str]) -> EditorForm:
    """The form as the browser sent it; a window row left empty is dropped."""
    untils, credits = form.getlist("late_until"), form.getlist("late_credit")
    windows = [
        (until.strip(), credit.strip())
        for until, credit in zip(untils, credits, strict=False)
        if until.strip() or credit.strip()
    ][:MAX_WINDOWS]
    chosen: dict[str, str] = {}
    for slug in form.getlist("exercise"):
        chosen.setdefault(slug, form.get(f"points.{slug}", "").strip())
    points = {key.removeprefix("points."): value for key, value in form.items() if key.startswith("points.")}
    return EditorForm(
        title=form.get("title", ""),
        opens_at=form.get("opens_at", "").strip(),
        due_at=form.get("due_at", "").strip(),
        windows=windows,
        chosen=chosen,
        points=points,
    )


def parse_local(text: str, zone: str, field_name: str) -> str:
    """A time typed on the course's clock as ISO 8601 with the course's offset at that date."""
    found = LOCAL.fullmatch(text.strip())
    try:
        if found is None:
            raise ValueError(text)
        year, month, day, hour, minute, second = (int(part or 0) for part in found.groups())
        moment = datetime(year, month, day, hour, minute, second, tzinfo=ZoneInfo(zone))
    except ValueError:
        raise FormError(field_name, "c.err.date") from None
    return moment.isoformat()


def _number(text: str, field_name: str, key: str) -> float:
    try:
        value = float(text.replace(",", ".").removesuffix("%").strip())
    except ValueError:
        raise FormError(field_name, key) from None
    if not math.isfinite(value):
        raise FormError(field_name, key)
    return value


def to_body(form: EditorForm, zone: str, bank: Mapping[str, Exercise]) -> dict[str, Any]:
    """The API's body for the form (every field: a create, or a PATCH that sets them all);
    FormError naming the field the way the service does when one is not what it must be."""
    if not form.due_at:
        raise FormError("due_at", "c.err.due_missing")
    if not form.chosen:
        raise FormError("exercises", "c.err.exercises")
    exercises = []
    for index, (slug, points) in enumerate(form.chosen.items()):
        if slug not in bank:  # only a form made by hand: the picker lists the bank
            raise FormError(f"exercises[{index}].exercise", "c.err.exercise")
        exercises.append(
            {"exercise": slug, "points": _number(points, f"exercises[{index}].points", "c.err.points")}
        )
    late = []
    for index, (until, credit) in enumerate(form.windows):
        share = _number(credit, f"late[{index}].credit", "c.err.credit") / 100
        if not 0 <= share <= 1:
            raise FormError(f"late[{index}].credit", "c.err.credit")
        late.append({"until": parse_local(until, zone, f"late[{index}].until"), "credit": share})
    return {
        "title": form.title,
        "exercises": exercises,
        "opens_at": parse_local(form.opens_at, zone, "opens_at") if form.opens_at else None,
        "due_at": parse_local(form.due_at, zone, "due_at"),
        "late": late,
    }


@dataclass(frozen=True)
class Row:
    """One exercise of the bank in the editor's picker."""

    slug: str
    unit: str
    title: str
    points: str
    chosen: bool
    index: int | None  # its place among the chosen ones (errors name exercises[index])


def picker(form: EditorForm, lang: str, bank: Mapping[str, Exercise]) -> list[Row]:
    """Every exercise of ``bank`` (what students may see) for the picker: the chosen ones
    first, in the assignment's order, then the others by unit; each with the points it holds
    (its own by default)."""
    rows = [
        Row(slug, bank[slug].unit, pick(bank[slug].title, lang), points, True, index)
        for index, (slug, points) in enumerate(form.chosen.items())
        if slug in bank
    ]
    for slug, exercise in bank.items():
        if slug not in form.chosen:
            points = form.points.get(slug) or f"{exercise.points:g}"
            rows.append(Row(slug, exercise.unit, pick(exercise.title, lang), points, False, None))
    return rows
