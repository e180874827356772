"""A launch in the real browser where the tool's cookies do not reach it inside the LMS's frame:
the LMS's course page is on another site (``localhost``) than the tool (``127.0.0.1``), so the
tool's cookies (SameSite=Lax over plain HTTP) are not sent back in the frame, as in Safari. The
LMS offers platform storage; the frame keeps the state there, reads it back at the launch, and
offers a link that opens the assignment in a new tab, signed in. Debian's chromium, real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, fresh_page
from tests.lti.conftest import Tool, launch, tool  # noqa: F401
from tests.lti.platform import Platform, served
from tests.lti.test_launch import AMY, PROF, add_assignment
from tests.service.conftest import service_settings  # noqa: F401

pytestmark = pytest.mark.parametrize("service_settings", ["embedded"], indirect=True)


@pytest.fixture(scope="module")
def one_process_browser(browser: Browser) -> Iterator[Browser]:
    """Chromium with every frame in its page's process. With site isolation, the tool's frame
    (another site) lives in a process of its own that changes at each of its navigations, and
    Playwright's calls into it were seen to hang past their own timeouts. Cookies are judged
    by site either way: the frame still gets none of the tool's."""
    extra = ["--disable-site-isolation-trials", "--disable-features=IsolateOrigins,site-per-process"]
    launched = browser.browser_type.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra], headless=True
    )
    yield launched
    launched.close()


@pytest.fixture
def lms_page(one_process_browser: Browser) -> Iterator[Page]:
    """A fresh page of that browser for the LMS's course page."""
    with fresh_page(one_process_browser) as page:
        yield page


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
