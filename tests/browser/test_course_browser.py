"""Course pages in Debian's chromium: a student finds the course, opens an exercise from an
assignment, submits to it and sees the credited points; an instructor creates an assignment with
the editor (search, a late window, the preview), imports a roster CSV, grants an extension and
reads the gradebook. Screenshots at desktop width and at 375 px, which must fit the phone."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Live, Tab
from tests.browser.test_portal_browser import RIGHT, type_code
from tests.web.course_setup import DOT, SUM, ZONE, Course, build_course, submit_graded

embedded_only = pytest.mark.parametrize("live", ["embedded"], indirect=True)
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PASSWORD = "password"  # build_course's


@pytest.fixture(scope="module")
def made(live: Live) -> Course:
    """The test course (tests/web/course_setup.py) in this module's service."""
    return build_course(live.settings)


def typed(hours: float) -> str:
    """A moment ``hours`` from now as a datetime-local field takes it, on the course's clock."""
    return (datetime.now(ZoneInfo(ZONE)) + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def test_a_student_opens_an_assignment_submits_to_it_and_sees_the_credited_points(
    live: Live, made: Course, tabs
) -> None:
    student: Tab = tabs(**DESKTOP)
    student.sign_in("amy", PASSWORD)
    student.page.get_by_role("link", name="Courses").click()
    expect(student.page.locator("[data-code='dl101'] .badge")).to_have_text("student")
    student.page.get_by_role("link", name="Deep learning").click()
    week1 = student.page.locator(f"#assignment-{made.late}")
    expect(week1).to_contain_text(re.compile(r"late: 50% credit until \w{3} \d\d:\d\d"))
    expect(student.page.locator("#zone-note")).to_contain_text("Asia/Shanghai")
    student.assert_labelled()
    student.shot("course-student")

    week1.locator(f"tr[data-slug='{SUM}'] a").click()
    expect(student.page.locator("#assignment-banner")).to_contain_text(
        "A submission now earns 50% credit (late)"
    )
    expect(student.page.locator("[data-editor-ready='true']")).to_be_visible()
    student.shot("exercise-in-assignment")
    type_code(student, RIGHT)
    with student.page.expect_response(lambda r: r.url.endswith("/submit")) as sent:
        student.page.get_by_role("button", name="Submit").click()
    assert sent.value.status == 202, sent.value.text()
    number = sent.value.json()["id"]
    panel = student.page.locator(f"#result-body .result-panel[data-id='{number}'][data-status='graded']")
    expect(panel).to_be_visible(timeout=60_000)
    expect(panel.locator(".total")).to_contain_text("10 / 10")

    student.page.get_by_role("link", name="dl101").click()
    row = student.page.locator(f"#assignment-{made.late} tr[data-slug='{SUM}']")
    expect(row.locator(".score")).to_have_text("5")  # 10 of 10, at 50% credit
    expect(row.locator(".badge.late")).to_be_visible()
    student.shot("course-student-credited")

    phone: Tab = tabs(**PHONE)
    phone.sign_in("amy", PASSWORD)
    for path, name in [
        ("/courses/dl101", "phone-course-student"),
        (f"/exercises/{SUM}?assignment={made.later}", "phone-exercise-not-open"),
        (f"/courses/dl101/assignments/{made.late}", "phone-assignment-student"),
    ]:
        phone.open(path)
        phone.assert_fits(375)
        phone.shot(name)
    expect(phone.page.locator("svg.timeline-chart")).to_be_visible()


@embedded_only
def test_an_instructor_sets_up_an_assignment_a_roster_an_extension_and_reads_the_grades(
    live: Live, made: Course, tabs, tmp_path: Path
) -> None:
    teacher: Tab = tabs(**DESKTOP)
    teacher.sign_in("prof", PASSWORD)
    teacher.open("/courses/")
    teacher.page.get_by_role("link", name="Deep learning").click()
    teacher.page.locator("#new-assignment").click()

    # The editor: search the bank, tick two exercises, dates on the course's clock, a late window.
    teacher.page.get_by_role("textbox", name="Title").fill("Week 5: norms")
    search = teacher.page.get_by_label("Search the bank")
    search.fill("norm")
    expect(teacher.page.locator("#picker tr[data-slug='linalg.sum_axis']")).to_be_hidden()
    teacher.page.locator("#picker tr[data-slug='linalg.l2_norm'] input[type=checkbox]").check()
    teacher.page.locator("#picker tr[data-slug='linalg.l1_norm'] input[type=checkbox]").check()
    teacher.page.get_by_label(re.compile("Points for .*L1")).fill("5")
    search.fill("")
    teacher.page.get_by_label("Opens").fill(typed(-24))
    teacher.page.get_by_label("Due", exact=True).fill(typed(-48))  # before the opening: refused
    teacher.page.get_by_role("button", name="Add a late window").click()
    teacher.page.get_by_label("Window 1 ends").fill(typed(72))
    teacher.page.get_by_label("Credit", exact=True).fill("50")
    teacher.page.get_by_role("button", name="Create the assignment").click()
    expect(teacher.page.locator("#err-due_at")).to_have_text("The due date must come after the opening.")
    teacher.forgive("status of 422")  # chromium logs the page's own status
    expect(teacher.page.get_by_role("textbox", name="Title")).to_have_value("Week 5: norms")
    teacher.assert_labelled()
    teacher.shot("editor-error")
    teacher.page.get_by_label("Due", exact=True).fill(typed(48))
    teacher.page.get_by_role("button", name="Preview the timeline").click()
    expect(teacher.page.locator("#preview svg.timeline-chart g.band")).to_have_count(3)
    teacher.shot("editor-preview")
    teacher.page.get_by_role("button", name="Create the assignment").click()
    expect(teacher.page.locator(".flash")).to_have_text("Week 5: norms is saved.")
    expect(teacher.page.locator("tfoot .total")).to_have_text("15")
    new_id = teacher.page.url.rsplit("/", 1)[1]
    teacher.shot("assignment-staff")

    # The roster: a CSV file with a bad line, and the report of what each line did.
    roster = tmp_path / "roster.csv"
    roster.write_text("username,name,email\nnia,Nia Ng,nia@example.org\nodo,Odo,not-an-address\n")
    teacher.page.get_by_role("link", name="dl101").click()
    teacher.page.get_by_role("link", name="Roster").click()
    teacher.page.get_by_label("A CSV file (UTF-8)").set_input_files(str(roster))
    teacher.page.get_by_role("button", name="Import").click()
    report = teacher.page.locator("#report")
    expect(report).to_contain_text("1 new user enrolled")
    expect(report.locator("table.line-errors tbody tr")).to_have_count(1)
    expect(report.locator("table.line-errors")).to_contain_text("not-an-address")
    expect(teacher.page.locator("#roster tr[data-username='nia']")).to_be_visible()
    teacher.shot("roster-report")

    # An extension for amy on Week 1: she is on time with it.
    teacher.open(f"/courses/dl101/assignments/{made.late}/extensions")
    teacher.page.get_by_label("Student", exact=True).fill("amy")
    teacher.page.get_by_label(re.compile("New due date")).fill(typed(30))
    teacher.page.get_by_role("button", name="Grant", exact=True).click()
    expect(teacher.page.locator(".flash")).to_have_text("amy has an extension.")
    expect(teacher.page.locator("#extensions tr[data-username='amy']")).to_be_visible()
    teacher.shot("extensions")

    # The gradebook: every enrolled student, sorted by total, both CSV layouts.
    submit_graded(live.settings, "ben", made.late, 10)  # late: 5 of 10
    for _ in range(5):
        submit_graded(live.settings, "ben", made.late, 2, DOT)  # five failures: he needs help
    teacher.page.get_by_role("link", name="Gradebook").click()
    expect(teacher.page.locator("#grades tbody tr")).to_have_count(4)  # amy, ben, cat, nia
    teacher.page.get_by_role("link", name="Total", exact=True).click()
    expect(teacher.page.locator("#grades th[aria-sort='descending']")).to_contain_text("Total")
    teacher.assert_labelled()
    teacher.shot("gradebook")
    with teacher.page.expect_download() as download:
        teacher.page.locator("#csv-detail").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert rows[0][:6] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Email"]
    assert {row[3] for row in rows[1:]} == {"amy", "ben", "cat", "nia"}
    teacher.page.get_by_role("link", name="Who needs help").click()
    expect(teacher.page.locator("#not-started")).to_contain_text("nia")
    expect(teacher.page.locator("#struggling li[data-username='ben']")).to_contain_text(
        "5 of 5 attempts failed"
    )
    teacher.shot("needs-help")

    phone: Tab = tabs(**PHONE)
    phone.sign_in("prof", PASSWORD)
    base = "/courses/dl101"
    for path, name in [
        (base, "phone-course-staff"),
        (f"{base}/assignments/{new_id}/edit", "phone-editor"),
        (f"{base}/roster", "phone-roster"),
        (f"{base}/assignments/{made.late}/extensions", "phone-extensions"),
        (f"{base}/assignments/{made.late}/grades", "phone-gradebook"),
        (f"{base}/assignments/{made.late}/help", "phone-needs-help"),
    ]:
        phone.open(path)
        phone.assert_fits(375)
        phone.shot(name)


@embedded_only
def test_the_course_pages_in_chinese(live: Live, made: Course, tabs) -> None:
    tab: Tab = tabs(**DESKTOP)
    tab.sign_in("ben", PASSWORD)
    tab.open("/courses/dl101")
    tab.page.get_by_role("button", name="中文").click()
    expect(tab.page.locator("#zone-note")).to_contain_text("日期按课程所在时区（Asia/Shanghai）显示。")
    tab.shot("course-student-zh")
    teacher: Tab = tabs(**DESKTOP)
    teacher.sign_in("prof", PASSWORD)
    teacher.open(f"/courses/dl101/assignments/{made.late}/edit")
    teacher.page.get_by_role("button", name="中文").click()
    expect(teacher.page.locator("h2#dates-h")).to_have_text("日期")
    teacher.shot("editor-zh")
