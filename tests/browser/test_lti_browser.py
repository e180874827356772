"""A launch in the real browser: an LMS course page (the platform simulator) embeds the tool in
an iframe; the frame goes through login initiation, the platform's auto-submitting form_post
and the launch, and shows the assignment of the custom claim, signed in; a refused launch says
why inside the frame. Debian's chromium, real HTTP on loopback, the real Flask service."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from tests.lti.conftest import Tool, launch, platform, tool  # noqa: F401
from tests.lti.platform import Platform, Tampering
from tests.lti.test_launch import AMY, PROF, add_assignment
from tests.service.conftest import service_settings  # noqa: F401

pytestmark = pytest.mark.parametrize("service_settings", ["embedded"], indirect=True)


def test_a_student_launches_from_the_lms_frame_into_the_assignment(
    tool: Tool,  # noqa: F811
    platform: Platform,  # noqa: F811
    lms_page: object,
) -> None:
    page = lms_page
    platform.people = {"prof": PROF, "amy": AMY}
    assert launch(tool, platform, "prof", requests.Session()).status_code == 302  # the course
    week = add_assignment(tool, "dl-101", "Week 1: sums")
    platform.custom["amy"] = {"assignment": str(week)}

    page.goto(f"{platform.url}/course?user=amy")  # type: ignore[attr-defined]
    frame = page.frame_locator("#tool")  # type: ignore[attr-defined]
    expect(frame.get_by_role("heading", name="Week 1: sums")).to_be_visible(timeout=20_000)
    expect(frame.get_by_text("Signed in as amy")).to_be_visible()
    [tool_frame] = [f for f in page.frames if f.url.startswith(tool.url)]  # type: ignore[attr-defined]
    assert tool_frame.url == f"{tool.url}/courses/dl-101/assignments/{week}"
    assert [r["login_hint"] for r in platform.auth_requests][-1] == "amy"

    platform.tampering = Tampering(claims={"aud": "someone-else"})
    page.goto(f"{platform.url}/course?user=amy")  # type: ignore[attr-defined]
    refused = page.frame_locator("#tool")  # type: ignore[attr-defined]
    expect(refused.get_by_role("alert")).to_contain_text("wrong audience", timeout=20_000)
