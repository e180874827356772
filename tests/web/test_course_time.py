"""A course's dates on its pages: on the course's clock with the zone named, relative phrases in
both languages, the timeline's bars; and the editor's form read into the API's body (dates
typed on the course's clock, across daylight saving time)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from werkzeug.datastructures import MultiDict

from grader.assignments.policy import LateWindow, Timeline
from grader.bank.loader import load_bank
from grader.web.assignment_form import EditorForm, from_request, parse_local, to_body
from grader.web.course_common import FormError
from grader.web.course_time import chart, course_time, short_time, span, status

NOW = datetime(2027, 3, 3, 12, 0, tzinfo=UTC)  # a Wednesday
DUE = datetime(2027, 3, 5, 17, 0, tzinfo=UTC)  # Friday 18:00 in Berlin (winter, UTC+1)


def test_a_date_is_on_the_courses_clock_with_its_zone_named() -> None:
    shown = course_time(DUE, "Europe/Berlin", "en")
    assert shown == (
        '<time datetime="2027-03-05T17:00:00.000000+00:00" class="course-time"><span>Fri 2027-03-05</span> '
        '<span>18:00</span> <span class="zone">Europe/Berlin</span></time>'
    )
    assert "<span>周六 2027-03-06</span> <span>01:00</span>" in course_time(DUE, "Asia/Shanghai", "zh")
    assert course_time(None, "UTC", "en") == "–"
    assert short_time(DUE, "Europe/Berlin", "en", NOW) == "Fri 18:00"
    assert (
        short_time(DUE + timedelta(days=30), "Europe/Berlin", "en", NOW) == "2027-04-04 19:00"
    )  # summer time


def test_spans_round_down() -> None:
    assert [span(timedelta(minutes=m), "en") for m in (0.2, 59, 60, 3 * 60 + 59, 47 * 60 + 59)] == [
        "1 min",
        "59 min",
        "1 h",
        "3 h",
        "47 h",
    ]
    assert span(timedelta(days=2), "en") == "2 days" and span(timedelta(days=3, hours=23), "zh") == "3 天"


def test_the_status_of_a_timeline_in_each_phase() -> None:
    timeline = Timeline(DUE - timedelta(days=4), DUE, (LateWindow(DUE + timedelta(days=1), 0.5),))
    before = status(timeline, "Europe/Berlin", "en", DUE - timedelta(days=4, hours=3))
    assert (before.phase, before.credit, before.text) == ("not_open", None, "opens Mon 18:00 (in 3 h)")
    open_ = status(timeline, "Europe/Berlin", "en", NOW)
    assert (open_.phase, open_.credit, open_.text) == ("open", 1.0, "due in 2 days")
    late = status(timeline, "Europe/Berlin", "en", DUE + timedelta(hours=2))
    assert (late.phase, late.credit, late.text) == ("late", 0.5, "late: 50% credit until Sat 18:00")
    assert (
        status(timeline, "Europe/Berlin", "zh", DUE + timedelta(hours=2)).text
        == "逾期：周六 18:00 前提交按 50% 计分"
    )
    closed = status(timeline, "Europe/Berlin", "en", DUE + timedelta(days=2))
    assert (closed.phase, closed.credit, closed.text) == ("closed", 0.0, "closed — practice")


def test_the_timeline_chart_has_a_bar_per_band_of_equal_width() -> None:
    timeline = Timeline(
        None, DUE, (LateWindow(DUE + timedelta(hours=2), 0.8), LateWindow(DUE + timedelta(days=9), 0.2))
    )
    bars = chart(timeline, "Europe/Berlin", "en")
    assert [bar.credit for bar in bars] == [1.0, 0.8, 0.2, 0.0]
    assert len({bar.width for bar in bars}) == 1 and [bar.height for bar in bars] == [100, 80, 20, 2]
    assert [bar.ends for bar in bars] == [
        ("Fri 03-05", "18:00"),
        ("Fri 03-05", "20:00"),
        ("Sun 03-14", "18:00"),
        None,
    ]


def test_dates_typed_on_the_courses_clock_take_its_offset_at_that_date() -> None:
    assert parse_local("2027-03-05T18:00", "Europe/Berlin", "due_at") == "2027-03-05T18:00:00+01:00"
    assert parse_local("2027-07-05 18:00", "Europe/Berlin", "due_at") == "2027-07-05T18:00:00+02:00"
    assert parse_local("2027-03-05T18:00:30", "Asia/Shanghai", "x") == "2027-03-05T18:00:30+08:00"
    for wrong in ("", "tomorrow", "2027-02-30T10:00", "2027-03-05T25:00"):
        with pytest.raises(FormError) as refused:
            parse_local(wrong, "UTC", "late[2].until")
        assert refused.value.field == "late[2].until" and refused.value.key == "c.err.date"


def test_the_editor_form_becomes_the_apis_body() -> None:
    form = from_request(
        MultiDict(
            [
                ("title", "Week 1"),
                ("due_at", "2027-03-05T18:00"),
                ("opens_at", ""),
                ("late_until", "2027-03-06T18:00"),
                ("late_credit", "50"),
                ("late_until", ""),  # the empty row a page adds
                ("late_credit", ""),
                ("exercise", "linalg.dot"),
                ("exercise", "linalg.sum_axis"),
                ("points.linalg.sum_axis", "7.5"),
                ("points.linalg.dot", "5"),
                ("points.linalg.matmul", "3"),  # not ticked: kept for the page, not sent
            ]
        )
    )
    assert form.windows == [("2027-03-06T18:00", "50")] and form.points["linalg.matmul"] == "3"
    assert to_body(form, "Europe/Berlin", load_bank()) == {
        "title": "Week 1",
        "exercises": [
            {"exercise": "linalg.dot", "points": 5.0},
            {"exercise": "linalg.sum_axis", "points": 7.5},
        ],
        "opens_at": None,
        "due_at": "2027-03-05T18:00:00+01:00",
        "late": [{"until": "2027-03-06T18:00:00+01:00", "credit": 0.5}],
    }
    base = EditorForm(title="W", due_at="2027-03-05T18:00", chosen={"linalg.dot": "5"})
    for change, field in [
        ({"due_at": ""}, "due_at"),
        ({"chosen": {}}, "exercises"),
        ({"chosen": {"linalg.dot": "five"}}, "exercises[0].points"),
        ({"windows": [("2027-03-06T18:00", "150")]}, "late[0].credit"),
        ({"windows": [("2027-03-06T18:00", "x")]}, "late[0].credit"),
        ({"windows": [("soon", "50")]}, "late[0].until"),
        ({"opens_at": "2027-13-01T00:00"}, "opens_at"),
    ]:
        with pytest.raises(FormError) as refused:
            to_body(EditorForm(**{**base.__dict__, **change}), "UTC", load_bank())
        assert refused.value.field == field, change
