"""A launch in the real browser where the tool's cookies do not reach it inside the LMS's frame:
the LMS's course page is on another site (``localhost``) than the tool (``127.0.0.1``), so the
tool's cookies (SameSite=Lax over plain HTTP) are not sent back in the frame, as in Safari. The
LMS offers platform storage; the frame keeps the state there, reads it back at the launch, and
offers a link that opens the assignment in a new tab, signed in. Debian's chromium, real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.lti.conftest import Tool, launch, tool  # noqa: F401
from tests.lti.platform import Platform, served
from tests.lti.test_launch import AMY, PROF, add_assignment
from tests.service.conftest import service_settings  # noqa: F401

pytestmark = pytest.mark.parametrize("service_settings", ["embedded"], indirect=True)


@pytest.fixture
def platform() -> Iterator[Platform]:
    """The LMS simulator, on another site than the tool: reached as localhost."""
    from grader.lti import platform_keys

    simulator = Platform()
    with served(simulator) as url:
        simulator.url = url.replace("127.0.0.1", "localhost")
        yield simulator
    platform_keys.forget()


def test_a_student_whose_browser_blocks_the_frames_cookies_continues_in_a_new_tab(
    tool: Tool,  # noqa: F811
    platform: Platform,
    lms_page: Page,
) -> None:
    platform.people = {"prof": PROF, "amy": AMY}
    assert launch(tool, platform, "prof", requests.Session()).status_code == 302  # the course
    week = add_assignment(tool, "dl-101", "Week 1: sums")
    platform.custom["amy"] = {"assignment": str(week)}

    platform.platform_storage = True
    lms_page.goto(f"{platform.url}/course?user=amy")
    # Waited for on the LMS's page: a locator inside the frame, which is on another site and
    # changes process at each of its navigations, was seen to hang past its own timeout.
    lms_page.wait_for_function("(document.body.dataset.storage || '').includes('lti.get_data')")
    assert lms_page.evaluate("document.body.dataset.storage").split() == ["lti.put_data", "lti.get_data"]
    opener = lms_page.frame_locator("#tool").get_by_role("link", name="Open tensor-grader in a new tab")
    expect(opener).to_be_visible(timeout=20_000)
    with lms_page.context.expect_page() as opened:
        opener.click()
    tab = opened.value
    expect(tab.get_by_text("opened tensor-grader for Amy Adams (amy)")).to_be_visible(timeout=20_000)
    tab.get_by_role("button", name="Continue").click()
    expect(tab.get_by_role("heading", name="Week 1: sums")).to_be_visible(timeout=20_000)
    expect(tab.get_by_text("Signed in as amy")).to_be_visible()
    assert tab.url == f"{tool.url}/courses/dl-101/assignments/{week}"
