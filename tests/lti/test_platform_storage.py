"""Launches where the browser blocks the tool's cookies in the LMS's frame: the LMS names its
platform storage (``lti_storage_target``), the login keeps the state there, the launch page
reads it back and sends it with a header no other site's page can send, and the launch
continues in a new tab through a one-time link. Over real HTTP, as the pages' script does it
(the browser test drives the script itself)."""

from __future__ import annotations

import html

import requests

from grader.lti import claims
from tests.lti.conftest import Tool, launch
from tests.lti.platform import Platform, auto_post
from tests.lti.test_launch import AMY, PROF, add_assignment, signed_in_as
from tests.web.conftest import csrf_from, embedded_only


def data_of(page: str) -> dict[str, str]:
    """The data-* attributes of the storage page's root element."""
    root = page.split('id="lti-storage"', 1)[1].split(">", 1)[0]
    found = {}
    for chunk in root.split(" data-")[1:]:
        name, _, rest = chunk.partition('="')
        found[name] = html.unescape(rest.split('"', 1)[0])
    return found


def framed_launch(tool: Tool, platform: Platform, hint: str) -> dict[str, str]:
    """Login initiation and launch in a frame that keeps no cookie: the launch's storage page."""
    framed = requests.Session()
    started = framed.get(f"{tool.url}/lti/login", params=platform.initiation(hint), allow_redirects=False)
    assert started.status_code == 200 and started.cookies  # the cookie is still set, in case
    stored = data_of(started.text)
    assert stored["step"] == "store" and stored["target"] == "_parent" and stored["origin"] == platform.url
    assert stored["key"] == f"state_{stored['state']}" and stored["next"].startswith(f"{platform.url}/auth?")
    framed.cookies.clear()  # the browser keeps none of the tool's cookies in the LMS's frame
    action, fields = auto_post(framed.get(stored["next"]).text)
    assert fields["lti_storage_target"] == "_parent"
    page = framed.post(action, data=fields, allow_redirects=False)
    assert page.status_code == 200, page.text[:300]
    fetched = data_of(page.text)
    assert fetched["step"] == "fetch" and fetched["state"] == stored["state"]
    assert fetched["key"] == stored["key"] and fetched["id-token"] == fields["id_token"]
    return fetched


def verify(tool: Tool, fetched: dict[str, str], stored: str, **headers: str) -> requests.Response:
    """What the launch page's script sends once the platform's storage answered ``stored``."""
    return requests.post(
        tool.url + fetched["verify"],
        json={"state": fetched["state"], "id_token": fetched["id-token"], "stored": stored},
        headers={"Accept": "application/json", "Origin": tool.url, **headers},
    )


@embedded_only
def test_a_launch_checked_through_platform_storage_continues_in_a_new_tab_once(
    tool: Tool, platform: Platform
) -> None:
    platform.people = {"prof": PROF, "amy": AMY}
    assert launch(tool, platform, "prof").status_code == 302  # the course
    week = add_assignment(tool, "dl-101")
    platform.custom["amy"] = {"assignment": str(week)}
    platform.platform_storage = True
    fetched = framed_launch(tool, platform, "amy")

    header = {"X-LTI-Platform-Storage": "1"}
    forged = verify(tool, fetched, fetched["state"])  # another site's form cannot send the header
    assert (
        forged.status_code == 400 and "only the tool's own launch page" in forged.json()["error"]["message"]
    )
    elsewhere = verify(tool, fetched, fetched["state"], **header, Origin="https://evil.example")
    assert elsewhere.status_code == 400
    other_browser = verify(tool, fetched, "a-state-of-another-login", **header)
    assert other_browser.status_code == 400 and "state mismatch" in other_browser.json()["error"]["message"]

    checked = verify(tool, fetched, fetched["state"], **header)
    assert checked.status_code == 200, checked.text
    link = checked.json()["continue"]
    assert link.startswith("/lti/continue/")
    assert verify(tool, fetched, fetched["state"], **header).status_code == 400  # the login is used

    new_tab = requests.Session()
    asked = new_tab.get(tool.url + link, allow_redirects=False)  # whom it signs in, and a button
    assert asked.status_code == 200 and "opened tensor-grader for Amy Adams (amy)" in asked.text
    assert signed_in_as(tool, new_tab) is None  # not before the button
    confirm = {"csrf_token": csrf_from(asked.text)}
    landed = new_tab.post(tool.url + link, data=confirm, allow_redirects=False)
    assert landed.status_code == 302 and landed.headers["Location"] == f"/courses/dl-101/assignments/{week}"
    assert signed_in_as(tool, new_tab) == "amy"
    again = requests.get(tool.url + link)  # once only
    assert again.status_code == 400 and "used already" in again.text


@embedded_only
def test_without_storage_or_with_an_unknown_state_a_launch_without_its_cookie_is_refused(
    tool: Tool, platform: Platform
) -> None:
    platform.people = {"prof": PROF}
    framed = requests.Session()
    started = framed.get(f"{tool.url}/lti/login", params=platform.initiation("prof"), allow_redirects=False)
    assert started.status_code == 302  # no storage offered: the redirect, as before
    framed.cookies.clear()
    action, fields = auto_post(framed.get(started.headers["Location"]).text)
    refused = framed.post(action, data=fields, allow_redirects=False)
    assert refused.status_code == 400 and "state mismatch" in refused.text

    unknown = framed.post(
        action, data={**fields, "state": "made-up", "lti_storage_target": "_parent"}, allow_redirects=False
    )
    assert unknown.status_code == 400 and "state mismatch" in unknown.text  # no storage page for it
    odd_target = framed.get(
        f"{tool.url}/lti/login",
        params=platform.initiation("prof", lti_storage_target="<script>"),
        allow_redirects=False,
    )
    assert odd_target.status_code == 302  # not a frame's name: ignored
    assert requests.get(f"{tool.url}/lti/continue/not-a-link", allow_redirects=False).status_code == 400


@embedded_only
def test_a_deep_linking_request_checked_through_platform_storage_continues_at_the_picker(
    tool: Tool, platform: Platform
) -> None:
    platform.people = {"prof": PROF}
    assert launch(tool, platform, "prof").status_code == 302  # the course
    add_assignment(tool, "dl-101", "Week 1: sums")
    platform.platform_storage = True
    platform.message_type["prof"] = claims.DEEP_LINKING_REQUEST
    fetched = framed_launch(tool, platform, "prof")
    checked = verify(tool, fetched, fetched["state"], **{"X-LTI-Platform-Storage": "1"})
    assert checked.status_code == 200, checked.text

    new_tab = requests.Session()
    link = tool.url + checked.json()["continue"]
    confirm = {"csrf_token": csrf_from(new_tab.get(link).text)}
    landed = new_tab.post(link, data=confirm, allow_redirects=False)
    assert landed.headers["Location"] == "/lti/deep-link"
    picker = new_tab.get(tool.url + "/lti/deep-link")
    assert picker.status_code == 200 and "Week 1: sums" in picker.text
