"""The portal and dashboard in Debian's chromium, on PostgreSQL + Redis and on the embedded
default: a student signs in, submits a wrong then a right answer and sees the feedback live;
an instructor sees it in the gradebook and exports it; student code never runs in a page."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from grader.accounts.models import Role
from tests.browser.conftest import Live, Tab

# Layout, language and error pages do not depend on the backend: one deployment is enough.
embedded_only = pytest.mark.parametrize("live", ["embedded"], indirect=True)

SLUG = "linalg.sum_axis"
WRONG = "def sum_axis(x, axis, keepdim=False):\n    return x.sum(dim=axis)\n"
RIGHT = "def sum_axis(x, axis, keepdim=False):\n    return x.sum(dim=axis, keepdim=keepdim)\n"
HOSTILE = (
    "# </textarea></pre><script>window.__pwned = 1</script>\n"
    "def sum_axis(x, axis, keepdim=False):\n"
    "    print('<img src=x onerror=\"window.__pwned=2\"><script>window.__pwned=3</script>')\n"
    "    raise ValueError('<svg onload=\"window.__pwned=4\"></svg>')\n"
)


def type_code(tab: Tab, code: str) -> None:
    """Replace the editor's content the way a paste does."""
    editor = tab.page.locator(".cm-content")
    editor.click()
    tab.page.keyboard.press("Control+A")
    tab.page.keyboard.press("Delete")
    tab.page.keyboard.insert_text(code)
    expect(tab.page.locator("#code")).to_have_value(code)


def submit_and_wait(tab: Tab) -> str:
    """Click Submit; the result appears without a reload; returns the score text."""
    with tab.page.expect_response(lambda r: r.url.endswith("/submit")) as sent:
        tab.page.get_by_role("button", name="Submit").click()
    assert sent.value.status == 202, sent.value.text()
    number = sent.value.json()["id"]
    panel = tab.page.locator(f"#result-body .result-panel[data-id='{number}'][data-status='graded']")
    expect(panel).to_be_visible(timeout=60_000)
    return panel.locator(".total").inner_text()


def test_student_submits_wrong_then_right_and_instructor_exports_it(live: Live, tabs) -> None:
    live.add_user("mei")
    live.add_user("prof", Role.instructor)
    student: Tab = tabs()
    student.sign_in("mei")
    student.page.wait_for_url(re.compile(r"/exercises$"))
    expect(student.page.locator(f"[data-slug='{SLUG}'] .badge")).to_have_text("not started")
    student.assert_labelled()
    student.shot("exercise-list")

    student.page.locator(f"[data-slug='{SLUG}'] a").click()
    expect(student.page.locator("[data-editor-ready='true']")).to_be_visible()
    student.assert_labelled()
    student.shot("exercise-page")
    student.page.evaluate("window.__same_page = true")  # gone if the page reloads
    type_code(student, WRONG)
    first = submit_and_wait(student)
    assert re.match(r"Score: [\d.]+ / 10", first) and not first.startswith("Score: 10 ")
    failing = student.page.locator("#result-body tr.fail")
    assert failing.count() > 0
    expect(student.page.locator("#result-body")).to_contain_text("keepdim")  # the mistake's hint
    student.shot("result-wrong")

    type_code(student, RIGHT)
    second = submit_and_wait(student)
    assert second.startswith("Score: 10 / 10")
    assert student.page.evaluate("window.__same_page") is True
    expect(student.page.locator("#recent-list li")).to_have_count(2)
    student.shot("result-right")

    student.open("/exercises")
    expect(student.page.locator(f"[data-slug='{SLUG}'] .badge")).to_have_text("full marks")
    student.open(f"/exercises/{SLUG}/history")
    expect(student.page.locator("svg.chart rect")).to_have_count(2)
    student.shot("history")

    teacher: Tab = tabs()
    teacher.sign_in("prof")
    teacher.page.wait_for_url(re.compile(r"/dashboard/$"))
    teacher.shot("dashboard-overview")
    teacher.open("/dashboard/gradebook")
    row = teacher.page.locator("tr", has_text="mei")
    expect(row).to_contain_text("10")
    teacher.assert_labelled()
    teacher.shot("dashboard-gradebook")
    with teacher.page.expect_download() as download:
        teacher.page.get_by_role("link", name=re.compile("CSV", re.I)).click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert rows[0][0] == "student" and SLUG in rows[0]
    assert rows[1][0] == "mei" and float(rows[1][rows[0].index(SLUG)]) == 10.0
    teacher.open(f"/dashboard/exercises/{SLUG}")
    expect(teacher.page.locator("svg.chart").first).to_be_visible()
    teacher.shot("dashboard-exercise")
    teacher.open("/dashboard/students/mei")
    teacher.shot("dashboard-student")


@embedded_only
def test_the_language_switch_is_remembered(live: Live, tabs) -> None:
    live.add_user("lin")
    tab: Tab = tabs()
    tab.sign_in("lin")
    tab.open(f"/exercises/{SLUG}")
    tab.page.get_by_role("button", name="中文").click()
    expect(tab.page.locator("h2#statement-h")).to_contain_text("题目")
    tab.open("/exercises")
    expect(tab.page.locator("h1")).to_have_text("练习")
    tab.shot("exercise-list-zh")
    tab.page.get_by_role("button", name="English").click()
    expect(tab.page.locator("h1")).to_have_text("Exercises")


def test_student_code_and_messages_never_run_in_a_page(live: Live, tabs) -> None:
    live.add_user("eve")
    live.add_user("ta", Role.instructor)
    student: Tab = tabs()
    student.sign_in("eve")
    student.open(f"/exercises/{SLUG}")
    expect(student.page.locator("[data-editor-ready='true']")).to_be_visible()
    type_code(student, HOSTILE)
    submit_and_wait(student)
    panel = student.page.locator("#result-body .result-panel")
    expect(panel).to_contain_text("<svg onload")  # the exception's message, shown as text
    submission_link = panel.locator(".result-head a").get_attribute("href")
    for path in [f"/exercises/{SLUG}", f"{submission_link}/result", submission_link]:
        student.open(path)
        assert student.page.evaluate("window.__pwned") is None, path
    expect(student.page.locator("#source")).to_contain_text("<script>window.__pwned = 1</script>")
    expect(student.page.locator(".output")).to_contain_text("<img src=x onerror=")
    teacher: Tab = tabs()
    teacher.sign_in("ta")
    submission_id = submission_link.rsplit("/", 1)[1]
    teacher.open(f"/dashboard/submissions/{submission_id}")
    assert teacher.page.evaluate("window.__pwned") is None
    teacher.shot("dashboard-submission-hostile")


@embedded_only
def test_pages_fit_a_phone(live: Live, tabs) -> None:
    live.add_user("kai")
    phone: Tab = tabs(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    phone.sign_in("kai")
    for path, name in [("/exercises", "phone-list"), (f"/exercises/{SLUG}", "phone-exercise")]:
        phone.open(path)
        phone.assert_fits(375)
        phone.shot(name)


@embedded_only
def test_error_pages_are_pages(live: Live, tabs) -> None:
    live.add_user("ada")
    tab: Tab = tabs()
    tab.sign_in("ada")
    response = tab.page.goto(live.url + "/exercises/no.such")
    assert response is not None and response.status == 404
    tab.forgive("status of 404")  # chromium logs the page's own status
    expect(tab.page.locator("[role=alert]")).to_contain_text("there is no exercise")
    tab.shot("error-404")
