"""Turning exercise text and case values into what a page shows (always escaped)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from grader.i18n.messages import where
from grader.times import aware, iso

# Statements are CommonMark written by instructors; raw HTML in them is shown as text, not run.
_markdown = MarkdownIt("commonmark", {"html": False})


def statement_html(text: str) -> Markup:
    """A statement's Markdown as safe HTML."""
    return Markup(_markdown.render(text))  # html is off: the renderer escapes


def show_value(value: Any) -> str:
    """A case value (as ``exercise_views.to_json`` makes it) the way Python would print it."""
    if isinstance(value, dict) and "tensor" in value:
        grad = ", requires_grad=True" if value.get("requires_grad") else ""
        return f"tensor({value['tensor']!r}, dtype=torch.{value['dtype']}{grad})"
    if isinstance(value, dict) and "raises" in value:
        return f"raises {value['raises']}"
    if isinstance(value, list):
        return "[" + ", ".join(show_value(item) for item in value) + "]"
    return repr(value)


def show_args(args: list[Any]) -> str:
    """The arguments of a call, comma-separated."""
    return ", ".join(show_value(item) for item in args)


def points(value: float | None) -> str:
    """A score for people: at most two decimals, no trailing zeros (6.43, 10, 0.71)."""
    if value is None:
        return "–"
    return f"{round(value, 2):g}"


def time_tag(moment: datetime | str | None, seconds: bool = False) -> Markup:
    """A time as a page shows it: UTC, labelled so, in a ``<time>`` that static/time.js turns
    into the reader's local time (a page without scripts still says which zone it is)."""
    if moment is None or moment == "":
        return Markup("–")
    found = aware(datetime.fromisoformat(moment) if isinstance(moment, str) else moment)
    day, hour = found.strftime("%Y-%m-%d"), found.strftime("%H:%M:%S" if seconds else "%H:%M")
    extra = " data-seconds" if seconds else ""
    # Two spans: a narrow column may wrap between the date and the hour, never inside the date.
    stamp = escape(iso(found))
    return Markup(
        f'<time datetime="{stamp}" data-local{extra}><span>{day}</span> <span>{hour} UTC</span></time>'
    )


def flag_where(flag: dict[str, Any], lang: str) -> str:
    """Where a flag points in the student's code ("line 4", "cell 3, line 2") in ``lang``."""
    return where({"file": flag.get("file", ""), "line": flag.get("line")}, lang).strip(" ()（）")
