"""What users hit in the pages: a refused submission says why and can be sent again, a file the
server would refuse is refused when chosen, results read on a phone, times in the reader's own
zone, and the Chinese pages (with a real CJK font, so their screenshots show text)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Route, expect

from grader.accounts.models import Role
from tests.browser.conftest import Live, Tab
from tests.browser.test_portal_browser import RIGHT, SLUG, WRONG, submit_and_wait, type_code

pytestmark = pytest.mark.parametrize("live", ["embedded"], indirect=True)

PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def set_code(tab: Tab, code: str) -> None:
    """Put text in the editor at once (typing 300 KiB would take minutes)."""
    tab.page.evaluate("code => window.tensorEditor.setValue(document.getElementById('code'), code)", code)


def refusal_after_submit(tab: Tab) -> str:
    """Click Submit and return the result panel's text once the refusal shows."""
    tab.page.get_by_role("button", name=re.compile("Submit|提交")).click()
    panel = tab.page.locator("#result-body .result-panel[data-status='refused']")
    expect(panel).to_be_visible(timeout=20_000)
    expect(tab.page.locator("#submit-button")).to_be_enabled()
    text = panel.inner_text()
    assert "Submitting" not in text and "正在提交" not in text
    return text


def fake_answer(status: int, message: str, retry_after: int | None = None) -> Callable[[Route], None]:
    """A route handler that answers the submit POST with an error, as the server would."""

    def answer(route: Route) -> None:
        headers = {"Retry-After": str(retry_after)} if retry_after else {}
        body = json.dumps({"error": {"code": "x", "message": message}})
        route.fulfill(status=status, headers=headers, content_type="application/json", body=body)

    return answer


def test_a_refused_submission_says_why_and_the_student_submits_again(live: Live, tabs) -> None:
    live.add_user("rin")
    tab: Tab = tabs(**DESKTOP)
    tab.sign_in("rin")
    tab.open(f"/exercises/{SLUG}")
    expect(tab.page.locator("[data-editor-ready='true']")).to_be_visible()
    before = tab.page.locator("#code").input_value()

    # Chosen files the server would refuse are refused at once, and never sent.
    tab.page.set_input_files(
        "#file", files=[{"name": "big.py", "mimeType": "text/x-python", "buffer": b"#" * (300 * 1024)}]
    )
    expect(tab.page.locator("#submit-error")).to_have_text(re.compile(r"big\.py .*300 KiB.*256 KiB"))
    assert tab.page.locator("#file").input_value() == ""
    assert tab.page.locator("#code").input_value() == before
    tab.page.set_input_files(
        "#file", files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"hi"}]
    )
    expect(tab.page.locator("#submit-error")).to_contain_text("notes.txt was not sent: choose a .py file")
    tab.shot("refused-file")

    # The server's refusals, each in the panel with the server's own message.
    set_code(tab, "   ")
    text = refusal_after_submit(tab)
    assert "the grader cannot take this submission" in text and "the editor is empty" in text
    set_code(tab, "# " + "x" * (300 * 1024))
    text = refusal_after_submit(tab)
    assert "too large" in text and "KiB" in text
    tab.shot("refused-413")
    tab.page.route("**/submit", fake_answer(429, "at most 20 submissions a minute; try again in 17 s", 17))
    text = refusal_after_submit(tab)
    assert "too many submissions" in text and "at most 20 submissions a minute" in text
    assert "Try again in 17 seconds." in text
    tab.page.unroute("**/submit")
    tab.page.route("**/submit", fake_answer(503, "the grading service is unavailable for a moment"))
    assert "Submit again shortly" in refusal_after_submit(tab)
    tab.page.unroute("**/submit")
    tab.page.route("**/submit", lambda route: route.abort("internetdisconnected"))
    assert "could not be reached" in refusal_after_submit(tab)
    tab.page.unroute("**/submit")
    tab.forgive("status of 4")  # chromium logs each refused request as a console error
    tab.forgive("status of 5")
    tab.forgive("ERR_INTERNET_DISCONNECTED")

    # And then it works.
    type_code(tab, RIGHT)
    assert submit_and_wait(tab).startswith("Score: 10 / 10")

    # In Chinese, the page's own words.
    tab.page.get_by_role("button", name="中文").click()
    expect(tab.page.locator("h2#statement-h")).to_contain_text("题目")
    expect(tab.page.locator("[data-editor-ready='true']")).to_be_visible()
    set_code(tab, "   ")
    assert "未提交：评分服务无法接受这份提交。" in refusal_after_submit(tab)
    tab.page.set_input_files(
        "#file", files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"hi"}]
    )
    expect(tab.page.locator("#submit-error")).to_contain_text("notes.txt 未提交")
    tab.forgive("status of 4")
    tab.shot("refused-zh")


def test_results_read_on_a_phone_and_no_page_is_wider_than_it(live: Live, tabs) -> None:
    live.add_user("sol")
    live.add_user("dean", Role.instructor)
    phone: Tab = tabs(**PHONE)
    phone.sign_in("sol")
    phone.open(f"/exercises/{SLUG}")
    expect(phone.page.locator("[data-editor-ready='true']")).to_be_visible()
    type_code(phone, WRONG)
    submit_and_wait(phone)
    messages = phone.page.locator("#result-body tr.fail td.message")
    assert messages.count() > 0
    boxes = [box for box in (m.bounding_box() for m in messages.all()) if box]
    assert len(boxes) == messages.count()
    assert min(box["width"] for box in boxes) >= 250, boxes  # was ~20 px in a four-column table
    assert max(box["x"] + box["width"] for box in boxes) <= 375, boxes  # and not cut off
    phone.assert_fits(375)
    phone.page.locator("#result").scroll_into_view_if_needed()
    phone.shot("phone-result")
    link = phone.page.locator("#result-body .result-head a").get_attribute("href")
    for path, name in [(link, "phone-submission"), (f"/exercises/{SLUG}/history", "phone-history")]:
        phone.open(path)
        phone.assert_fits(375)
        phone.shot(name)
    assert phone.page.locator("td.message").count() == 0  # (history has no messages)

    desktop: Tab = tabs(**DESKTOP)
    desktop.sign_in("sol")
    desktop.open(link)
    widths = [m.bounding_box()["width"] for m in desktop.page.locator("tr.fail td.message").all()]  # type: ignore[index]
    assert min(widths) >= 250, widths
    desktop.shot("desktop-submission")

    teacher: Tab = tabs(**PHONE)
    teacher.sign_in("dean")
    number = link.rsplit("/", 1)[1]
    for path, name in [
        ("/dashboard/", "phone-dashboard"),
        (f"/dashboard/exercises/{SLUG}", "phone-dashboard-exercise"),
        ("/dashboard/gradebook", "phone-gradebook"),
        ("/dashboard/students/sol", "phone-dashboard-student"),
        (f"/dashboard/submissions/{number}", "phone-dashboard-submission"),
        ("/dashboard/users", "phone-users"),
        ("/dashboard/users/sol", "phone-user"),
    ]:
        teacher.open(path)
        teacher.assert_fits(375)
        teacher.shot(name)


def test_times_are_shown_in_the_readers_zone(live: Live, tabs) -> None:
    live.add_user("wen")
    tab: Tab = tabs(timezone_id="Asia/Shanghai", **DESKTOP)
    tab.sign_in("wen")
    tab.open(f"/exercises/{SLUG}")
    expect(tab.page.locator("[data-editor-ready='true']")).to_be_visible()
    type_code(tab, RIGHT)
    submit_and_wait(tab)
    tab.open(f"/exercises/{SLUG}/history")
    stamp = tab.page.locator("table.history time").first
    expect(stamp).to_have_text(re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\+8$"))
    moment = datetime.fromisoformat(stamp.get_attribute("datetime") or "")
    assert moment.utcoffset() == timedelta(0)
    assert stamp.inner_text() == (moment + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S UTC+8")
    assert (stamp.get_attribute("title") or "").endswith(" UTC")  # the server's UTC text stays
    tab.shot("history-local-time")


def test_the_chinese_pages_with_a_chinese_font(live: Live, tabs) -> None:
    # The browser fixture made sure a CJK font is installed: these screenshots show the text.
    live.add_user("xiao")
    live.add_user("laoshi", Role.instructor)
    student: Tab = tabs(**DESKTOP)
    student.sign_in("xiao")
    student.open("/exercises")
    student.page.get_by_role("button", name="中文").click()
    expect(student.page.locator("h2#unit-linalg")).to_have_text("线性代数")
    student.shot("zh-exercise-list")
    student.open(f"/exercises/{SLUG}")
    expect(student.page.locator("h2#statement-h small")).to_have_text("(10 分)")
    expect(student.page.locator("[data-editor-ready='true']")).to_be_visible()
    type_code(student, WRONG)
    with student.page.expect_response(lambda r: r.url.endswith("/submit")):
        student.page.get_by_role("button", name="提交").click()
    panel = student.page.locator("#result-body .result-panel[data-status='graded']")
    expect(panel).to_be_visible(timeout=60_000)
    expect(panel.locator("tr.fail td.case-name").first).to_contain_text("按列求和，keepdim")
    student.shot("zh-result")
    phone: Tab = tabs(**PHONE)
    phone.sign_in("xiao")
    phone.open(f"/exercises/{SLUG}")
    phone.page.get_by_role("button", name="中文").click()
    phone.page.locator("#recent-list a").first.click()
    expect(phone.page.locator("tr.fail td.message").first).to_contain_text("keepdim")
    phone.assert_fits(375)
    phone.shot("zh-phone-submission")
    teacher: Tab = tabs(**DESKTOP)
    teacher.sign_in("laoshi")
    teacher.open(f"/dashboard/exercises/{SLUG}")
    teacher.page.get_by_role("button", name="中文").click()
    expect(teacher.page.locator("#failing")).to_contain_text("按列求和，keepdim")
    teacher.shot("zh-dashboard-exercise")
