"""Course pages as a course's instructors see them, over Flask's test client: the assignment
editor (its errors beside the field the service named, 422), the roster (CSV import with its
per-line report, one member added or dropped, set-password links), extensions (one, many, the
list), the gradebook (every student, sort, filter, both CSV layouts) and who needs help."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from grader.assignments.models import Assignment
from grader.db import unit_of_work
from grader.settings import Settings
from grader.times import aware
from tests.web.conftest import embedded_only, page_token, sign_in
from tests.web.course_setup import DOT, SUM, Course, build_course, extend, submit_graded

NEW = "/courses/dl101/assignments/new"


@pytest.fixture
def made(service_settings: Settings) -> Course:
    return build_course(service_settings)


@pytest.fixture
def prof(made: Course, client: FlaskClient) -> FlaskClient:
    sign_in(client, "prof")
    return client


def html(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined, no-any-return]


def field_errors(page: str) -> dict[str, str]:
    """The field errors of a page, by the id of the field they name."""
    return dict(re.findall(r'<p class="field-error" id="err-([^"]+)" role="alert">([^<]*)</p>', page))


def editor_form(token: str, **changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "csrf_token": token,
        "title": "Week 3",
        "opens_at": "2027-03-01T09:00",
        "due_at": "2027-03-05T18:00",
        "late_until": ["2027-03-06T18:00", "2027-03-08T18:00"],
        "late_credit": ["50", "20"],
        "exercise": [DOT, SUM],
        f"points.{SUM}": "10",
        f"points.{DOT}": "5",
    }
    form.update(changes)
    return form


def count_assignments(settings: Settings) -> int:
    with unit_of_work(settings.database_url) as session:
        return session.scalar(select(func.count(Assignment.id))) or 0


@embedded_only
def test_the_editor_creates_an_assignment_on_the_courses_clock(
    service_settings: Settings, prof: FlaskClient
) -> None:
    page = html(prof.get(NEW))
    assert "Type the dates on the course&#39;s clock: Asia/Shanghai." in page
    assert page.count('name="exercise"') >= 43 and 'class="picker-search" hidden' in page
    assert "courses.js" in page
    made = prof.post(NEW, data=editor_form(page_token(prof, NEW)))
    assert made.status_code == 302, field_errors(html(made))
    with unit_of_work(service_settings.database_url) as session:
        stored = session.scalar(select(Assignment).where(Assignment.title == "Week 3"))
        assert stored is not None
        assert aware(stored.due_at) == datetime(2027, 3, 5, 10, tzinfo=UTC)  # 18:00 in Shanghai
        assert [row.exercise_slug for row in stored.exercises] == [DOT, SUM]  # the order ticked
        assert stored.late == [
            {"until": "2027-03-06T10:00:00.000000+00:00", "credit": 0.5},
            {"until": "2027-03-08T10:00:00.000000+00:00", "credit": 0.2},
        ]
    shown = html(prof.get(made.headers["Location"]))
    assert "Week 3 is saved." in shown and shown.count('<g class="band') == 4
    assert "<span>Fri 2027-03-05</span> <span>18:00</span>" in shown

    edit = made.headers["Location"] + "/edit"
    page = html(prof.get(edit))
    assert 'value="2027-03-05T18:00"' in page and 'value="2027-03-06T18:00"' in page and 'value="50"' in page
    assert re.search(rf'<tr data-slug="{DOT}"[^>]*class="chosen">', page)
    changed = prof.post(
        edit, data=editor_form(page_token(prof, edit), title="Week 3b", due_at="2027-03-05T20:00")
    )
    assert changed.status_code == 302
    with unit_of_work(service_settings.database_url) as session:
        stored = session.scalar(select(Assignment).where(Assignment.title == "Week 3b"))
        assert stored is not None and aware(stored.due_at) == datetime(2027, 3, 5, 12, tzinfo=UTC)


@embedded_only
def test_editor_errors_come_back_beside_their_field(service_settings: Settings, prof: FlaskClient) -> None:
    token = page_token(prof, NEW)
    cases = [
        ({"due_at": "2027-02-01T10:00"}, "due_at", "The due date must come after the opening."),
        (
            {"late_until": ["2027-03-08T18:00", "2027-03-07T18:00"]},
            "late-1-until",
            "Each late window must end",
        ),
        ({"late_credit": ["150", "20"]}, "late-0-credit", "A credit from 0 to 100 %."),
        ({"due_at": "next friday"}, "due_at", "A date and time such as 2027-03-05 18:00."),
        ({"due_at": ""}, "due_at", "An assignment needs a due date."),
        ({"exercise": []}, "exercises", "Choose from 1 to 100 exercises."),
        ({f"points.{SUM}": "0"}, "exercises-1-points", "Points: a number above 0"),
        ({"title": "   "}, "title", "A title of 1 to 200 characters."),
        ({"exercise": [DOT, "linalg.nope"]}, "exercises", "Not an exercise of the bank"),
    ]
    for changes, field, message in cases:
        answer = prof.post(NEW, data=editor_form(token, **changes))
        assert answer.status_code == 422, changes
        page = html(answer)
        errors = field_errors(page)
        assert list(errors) == [field] and errors[field].startswith(message), (changes, errors)
        if field != "exercises":  # the picker as a whole: its error stands at its top
            assert f'aria-describedby="err-{field}"' in page, field
        assert 'id="form-error"' in page and f'href="#err-{field}"' in page
        assert 'value="2027-03-01T09:00"' in page  # what was typed is kept
    assert count_assignments(service_settings) == 4  # the fixture's four
    prof.post("/language", data={"lang": "zh", "csrf_token": token})
    page = html(prof.post(NEW, data=editor_form(token, due_at="2027-02-01T10:00")))
    assert field_errors(page) == {"due_at": "截止时间必须晚于开放时间。"}


@embedded_only
def test_windows_are_added_and_removed_and_the_timeline_previewed_without_saving(
    service_settings: Settings, prof: FlaskClient
) -> None:
    token = page_token(prof, NEW)
    preview = f"{NEW}/preview"
    added = html(prof.post(preview, data=editor_form(token, action="add_window")))
    assert added.count('name="late_until"') == 3 and 'id="late-until-2"' in added
    removed = html(prof.post(preview, data=editor_form(token, action="remove_window:0")))
    assert removed.count('name="late_until"') == 1 and 'value="2027-03-08T18:00"' in removed
    assert 'id="preview"' in removed and removed.count('<g class="band') == 3  # on time, 20%, practice
    shown = html(prof.post(preview, data=editor_form(token, action="preview")))
    assert shown.count('<g class="band') == 4 and '<td class="num">20%</td>' in shown
    wrong = prof.post(preview, data=editor_form(token, due_at="2027-02-01T10:00"))
    assert wrong.status_code == 422 and "due_at" in field_errors(html(wrong))
    empty = prof.post(preview, data={"csrf_token": token, "action": "add_window"})
    assert empty.status_code == 200 and html(empty).count('name="late_until"') == 1
    assert count_assignments(service_settings) == 4


@embedded_only
def test_the_roster_page_imports_adds_drops_and_exports_links(
    service_settings: Settings, prof: FlaskClient
) -> None:
    page = html(prof.get("/courses/dl101/roster"))
    assert re.findall(r'<tr[^>]* data-username="(\w+)"', page) == ["prof", "amy", "ben", "cat", "tia"]
    token = page_token(prof, "/courses/dl101/roster")
    messy = (
        "email,username,name\n"
        "amy@example.org,amy,Amy Adams\n"  # unchanged (no role column: kept)
        "dan@example.org,dan,Dan Dunn\n"  # new
        "not-an-address,eve,Eve\n"  # line 4: a bad email
        "x@example.org,,Nobody\n"  # line 5: no username
    )
    upload = prof.post(
        "/courses/dl101/roster",
        data={"csrf_token": token, "file": (io.BytesIO(messy.encode()), "roster.csv")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 200
    report = html(upload).split('id="report"')[1].split("</section>")[0]
    assert "1 new user enrolled, 0 existing users enrolled, 0 updated, 1 unchanged." in report
    assert re.findall(r'<td class="num">(\d+)</td><td class="message">([^<]+)', report)[0][0] == "4"
    assert "2 lines were not imported" in report and "email &#39;not-an-address&#39;" in report
    assert 'data-username="dan"' in html(upload)

    for data, message in [
        ({"text": "user,mail\nx,y\n"}, "line 1: the header must name username,name,email"),
        ({"text": "  "}, "Choose a CSV file or paste its lines."),
        (
            {"file": (io.BytesIO(b"username,name,email\n\xff\xfe,x,y\n"), "r.csv")},
            "not UTF-8 text (at byte 20)",
        ),
    ]:
        refused = prof.post(
            "/courses/dl101/roster", data={"csrf_token": token, **data}, content_type="multipart/form-data"
        )
        assert refused.status_code == 422 and message in html(refused).split('id="upload-error"')[1], data

    bad = prof.post(
        "/courses/dl101/roster/add",
        data={"csrf_token": token, "username": "fay", "name": "Fay", "email": "nope", "role": "student"},
    )
    assert bad.status_code == 422 and list(field_errors(html(bad))) == ["email"]
    assert 'value="fay"' in html(bad)
    added = prof.post(
        "/courses/dl101/roster/add",
        data={
            "csrf_token": token,
            "username": "fay",
            "name": "Fay Fox",
            "email": "fay@example.org",
            "role": "ta",
        },
        follow_redirects=True,
    )
    assert "fay is on the roster." in html(added) and re.search(
        r'data-username="fay">.*?class="role">TA', html(added), re.S
    )

    dropped = prof.post("/courses/dl101/roster/ben/drop", data={"csrf_token": token}, follow_redirects=True)
    assert "ben is dropped" in html(dropped) and 'data-username="ben"' not in html(dropped)
    assert re.search(
        r'data-username="ben" class="dropped"', html(prof.get("/courses/dl101/roster?dropped=1"))
    )
    last = prof.post("/courses/dl101/roster/prof/drop", data={"csrf_token": token})
    assert last.status_code == 422 and "at least one instructor" in html(last)

    links = prof.post("/courses/dl101/roster/links.csv", data={"csrf_token": token})
    assert links.status_code == 200 and links.mimetype == "text/csv"
    assert links.headers["Cache-Control"] == "no-store"  # the links are passwords until used
    rows = list(csv.DictReader(io.StringIO(html(links))))
    assert {row["username"] for row in rows} == {"cat", "dan"}  # students with no password yet
    assert all(row["link"].startswith(service_settings.public_url + "/set-password/") for row in rows)


@embedded_only
def test_extensions_one_many_listed_and_removed(
    service_settings: Settings, made: Course, prof: FlaskClient
) -> None:
    base = f"/courses/dl101/assignments/{made.later}/extensions"
    token = page_token(prof, base)
    granted = prof.post(base, data={"csrf_token": token, "username": "amy", "due_at": "2099-01-02T18:00"})
    assert granted.status_code == 302
    page = html(prof.get(base))
    assert re.search(r'data-username="amy">.*?<span>Fri 2099-01-02</span> <span>18:00</span>', page, re.S)
    for data, field, message in [
        (
            {"username": "amy", "due_at": "2000-01-01T10:00"},
            "due_at",
            "The due date must come after the opening.",
        ),
        (
            {"username": "tia", "due_at": "2099-01-01T10:00"},
            "username",
            "tia is not a student of this course.",
        ),
        ({"username": "amy", "due_at": ""}, "due_at", "A date and time"),
    ]:
        refused = prof.post(base, data={"csrf_token": token, **data})
        assert refused.status_code == 422, data
        errors = field_errors(html(refused))
        assert list(errors) == [field] and errors[field].startswith(message), errors
    bulk = prof.post(
        f"{base}/upload",
        data={
            "csrf_token": token,
            "text": "username,due_at\nben,2099-02-01T10:00:00+08:00\nzed,2099-02-01T10:00:00Z\n",
        },
    )
    assert bulk.status_code == 200
    report = html(bulk).split('id="report"')[1].split("</section>")[0]
    assert "1 granted, 0 unchanged." in report and "zed" in report and '<td class="num">3</td>' in report
    assert 'data-username="ben"' in html(bulk)
    header = prof.post(f"{base}/upload", data={"csrf_token": token, "text": "who,when\nx,y\n"})
    assert header.status_code == 422 and "username,due_at" in html(header)
    removed = prof.post(f"{base}/amy/remove", data={"csrf_token": token}, follow_redirects=True)
    assert "The extension of amy is removed." in html(removed) and 'data-username="amy"' not in html(removed)
    assert prof.post(f"{base}/amy/remove", data={"csrf_token": token}).status_code == 404


def test_the_gradebook_has_every_student_sorts_filters_and_exports(
    service_settings: Settings, made: Course, prof: FlaskClient
) -> None:
    submit_graded(service_settings, "amy", made.late, 10)  # late: 5 of 10
    submit_graded(service_settings, "ben", made.late, 10)
    submit_graded(service_settings, "ben", made.late, 6, DOT)
    extend(service_settings, made.late, "ben", 24)  # ben on time: 10 + 3
    base = f"/courses/dl101/assignments/{made.late}/grades"

    def order(query: str = "") -> list[str]:
        return re.findall(r'<tr data-username="(\w+)"', html(prof.get(base + query)))

    page = html(prof.get(base))
    assert order() == ["amy", "ben", "cat"]  # every enrolled student; the TA is staff
    amy = page.split('data-username="amy"')[1].split("</tr>")[0]
    assert re.search(rf'<td class="num late" data-slug="{SUM}">5 <span class="badge late"', amy)
    ben = page.split('data-username="ben"')[1].split("</tr>")[0]
    assert '<td class="num total">13 <small>/ 15</small>' in ben and "extension" in ben
    assert 'class="not-started"' in page.split('data-username="cat"')[0][-40:] + 'class="not-started"'
    assert order("?sort=total&dir=desc") == ["ben", "amy", "cat"]
    assert order(f"?sort={DOT}&dir=desc") == ["ben", "amy", "cat"]
    assert order("?sort=name&dir=desc") == ["cat", "ben", "amy"]
    assert order("?q=BROWN") == ["ben"] and order("?below=6") == ["amy", "cat"]
    assert 'aria-sort="descending"' in html(prof.get(base + "?sort=total&dir=desc"))
    wrong = prof.get(base + "?below=lots")
    assert wrong.status_code == 422 and list(field_errors(html(wrong))) == ["below"]

    total = list(csv.reader(io.StringIO(html(prof.get(base + ".csv")))))
    assert total[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Email", "Week 1 (15 pts)"]
    assert {row[3]: row[-1] for row in total[1:]} == {"amy": "5", "ben": "13", "cat": "0"}
    detail = list(csv.reader(io.StringIO(html(prof.get(base + ".csv?detail=exercises")))))
    assert detail[0][6:] == [f"{SUM} (10 pts)", f"{DOT} (5 pts)", "Week 1 (15 pts)"]
    assert 'id="csv-total"' in page and 'id="csv-detail"' in page


def test_who_needs_help(service_settings: Settings, made: Course, prof: FlaskClient) -> None:
    submit_graded(service_settings, "amy", made.late, 2)  # late: 0.5 of 15
    for _ in range(5):
        submit_graded(service_settings, "ben", made.late, 3, DOT)
    submit_graded(service_settings, "ben", made.late, 10)
    extend(service_settings, made.late, "ben", 24)  # 10 + 1.5 of 15: above half
    base = f"/courses/dl101/assignments/{made.late}/help"

    def listed(page: str, section: str) -> list[str]:
        part = page.split(f'id="{section}"')[1].split("</section>")[0]
        return re.findall(r'<li data-username="(\w+)"', part)

    page = html(prof.get(base))
    assert listed(page, "not-started") == ["cat"]
    assert listed(page, "below-list") == ["amy"] and "Below 50% (7.5 points)" in page
    assert listed(page, "struggling") == ["ben"] and "5 of 5 attempts failed" in page
    stricter = html(prof.get(base + "?below=80&failed=6"))
    assert listed(stricter, "below-list") == ["amy", "ben"] and listed(stricter, "struggling") == []
    for query in ("?below=120", "?failed=0", "?failed=2.5", "?below=x"):
        wrong = prof.get(base + query)
        assert wrong.status_code == 422, query
        assert listed(html(wrong), "not-started") == ["cat"]  # the defaults, and why not the numbers typed


@embedded_only
def test_a_large_gradebook_is_paged_after_sorting_and_filtering(
    service_settings: Settings, made: Course, prof: FlaskClient
) -> None:
    from grader.courses import roster as rosters
    from grader.courses import service as courses
    from grader.web.course_grades import PER_PAGE

    with unit_of_work(service_settings.database_url) as session:
        course = courses.find_course(session, "dl101")
        lines = "".join(f"s{n:03d},Student {n},s{n}@example.org\n" for n in range(PER_PAGE + 10))
        rosters.import_roster(session, course, "username,name,email\n" + lines)
    base = f"/courses/dl101/assignments/{made.late}/grades"
    first = html(prof.get(base))
    rows = re.findall(r'<tr data-username="(\w+)"', first)
    assert len(rows) == PER_PAGE and rows[0] == "amy" and 'rel="next"' in first
    second = html(prof.get(base + "?page=2"))
    more = re.findall(r'<tr data-username="(\w+)"', second)
    assert len(more) == 13 and not set(more) & set(rows) and 'rel="prev"' in second  # 63 students in all
    assert re.findall(r'<tr data-username="(\w+)"', html(prof.get(base + "?q=Student 5&page=9"))) == [
        "s005",
        *[f"s{n:03d}" for n in range(50, 60)],
    ]  # a filter's matches, on its last page when asked past it
