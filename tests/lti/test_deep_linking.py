"""Deep linking: an instructor's LtiDeepLinkingRequest lands on the picker; the chosen
assignment goes back to the platform as a signed LtiDeepLinkingResponse with an ltiResourceLink
(custom claim ``assignment``) and a lineItem worth the assignment's points."""

from __future__ import annotations

import requests

from grader.lti import claims
from tests.lti.conftest import Tool, launch
from tests.lti.platform import CLIENT_ID, DEPLOYMENT_ID, Platform, auto_post
from tests.lti.test_launch import AMY, PROF, add_assignment, signed_in_as
from tests.web.conftest import csrf_from, embedded_only


@embedded_only
def test_an_instructor_links_an_assignment_and_the_platform_gets_a_signed_answer(
    tool: Tool, platform: Platform
) -> None:
    platform.people = {"prof": PROF, "amy": AMY}
    assert launch(tool, platform, "prof").status_code == 302  # the course exists
    week = add_assignment(tool, "dl-101", "Week 1", points=12.5)
    platform.message_type["prof"] = claims.DEEP_LINKING_REQUEST
    browser = requests.Session()
    landed = launch(tool, platform, "prof", browser)
    assert landed.status_code == 302 and landed.headers["Location"] == "/lti/deep-link"
    picker = browser.get(f"{tool.url}/lti/deep-link")
    assert picker.status_code == 200 and "Week 1" in picker.text and f'value="{week}"' in picker.text

    wrong = browser.post(
        f"{tool.url}/lti/deep-link", data={"csrf_token": csrf_from(picker.text), "assignment": "x"}
    )
    assert wrong.status_code == 404
    answer = browser.post(
        f"{tool.url}/lti/deep-link", data={"csrf_token": csrf_from(picker.text), "assignment": str(week)}
    )
    assert answer.status_code == 200
    assert f"form-action {platform.url}" in answer.headers["Content-Security-Policy"]
    action, fields = auto_post(answer.text)
    assert action == f"{platform.url}/deep-link-return"
    assert requests.post(action, data=fields).status_code == 200  # the simulator verified it

    [body] = platform.deep_link_responses
    assert body["iss"] == CLIENT_ID and body["aud"] == platform.url
    assert body[claims.MESSAGE_TYPE] == "LtiDeepLinkingResponse" and body[claims.VERSION] == "1.3.0"
    assert body[claims.DEPLOYMENT_ID] == DEPLOYMENT_ID and body[claims.DEEP_LINKING_DATA] == "opaque-data-123"
    [item] = body[claims.DEEP_LINKING_CONTENT_ITEMS]
    assert item["type"] == "ltiResourceLink" and item["title"] == "Week 1"
    assert item["url"] == f"{tool.url}/lti/launch" and item["custom"] == {"assignment": str(week)}
    assert item["lineItem"]["scoreMaximum"] == 12.5 and item["lineItem"]["resourceId"] == str(week)

    # The link works: a student's launch with that custom claim lands on the assignment.
    platform.custom["amy"] = item["custom"]
    student = launch(tool, platform, "amy")
    assert student.headers["Location"] == f"/courses/dl-101/assignments/{week}"

    done = browser.post(
        f"{tool.url}/lti/deep-link", data={"csrf_token": csrf_from(picker.text), "assignment": str(week)}
    )
    assert done.status_code == 400 and "no deep linking request is waiting" in done.text


@embedded_only
def test_a_learner_may_not_deep_link(tool: Tool, platform: Platform) -> None:
    platform.people = {"prof": PROF, "amy": AMY}
    assert launch(tool, platform, "prof").status_code == 302
    platform.message_type["amy"] = claims.DEEP_LINKING_REQUEST
    browser = requests.Session()
    refused = launch(tool, platform, "amy", browser)
    assert refused.status_code == 400 and "instructors and TAs may choose" in refused.text
    assert signed_in_as(tool, browser) is None
