"""Login initiation and launches against the platform simulator: a valid launch signs the user
in, enrolls them with the LMS's role and lands on the assignment or the course; every refusal
is a 4xx page that says what was wrong, and no session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests
from sqlalchemy import select

from grader.accounts.models import Role, User
from grader.assignments import service as assignments
from grader.courses.models import Course, CourseRole, Enrollment
from grader.db import unit_of_work
from grader.lti import claims, platform_keys
from grader.lti.models import Context, Identity
from grader.web.lti import state_cookie
from tests.lti.conftest import Tool, launch
from tests.lti.platform import (
    CLIENT_ID,
    INSTRUCTOR,
    LEARNER,
    Key,
    Person,
    Platform,
    Tampering,
    auto_post,
    query_of,
)
from tests.web.conftest import embedded_only

PROF = Person("lms-prof-1", "Pat Prof", "pat@uni.example", [INSTRUCTOR])
AMY = Person("lms-amy-7", "Amy Adams", "amy@uni.example", [LEARNER])


def add_assignment(tool: Tool, code: str, title: str = "Week 1", points: float = 10) -> int:
    """An assignment of the course, due tomorrow."""
    due = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    body = {"title": title, "exercises": [{"exercise": "linalg.sum_axis", "points": points}], "due_at": due}
    with unit_of_work(tool.settings.database_url) as session:
        course = session.scalars(select(Course).where(Course.code == code)).one()
        return assignments.create_assignment(session, course, body).id


def signed_in_as(tool: Tool, browser: requests.Session) -> str | None:
    """The username the browser's session is signed in as (None: not signed in)."""
    page = browser.get(f"{tool.url}/courses/", allow_redirects=False)
    if page.status_code != 200:
        return None
    return page.text.split("Signed in as ", 1)[1].split("<", 1)[0].strip()


@embedded_only
def test_login_initiation_redirects_with_every_parameter(tool: Tool, platform: Platform) -> None:
    browser = requests.Session()
    for method in ("get", "post"):
        params = platform.initiation("someone")
        if method == "get":
            answer = browser.get(f"{tool.url}/lti/login", params=params, allow_redirects=False)
        else:
            answer = browser.post(f"{tool.url}/lti/login", data=params, allow_redirects=False)
        assert answer.status_code == 302, answer.text[:300]
        location = answer.headers["Location"]
        assert location.startswith(f"{platform.url}/auth?")
        sent = query_of(location)
        assert sent["scope"] == "openid" and sent["response_type"] == "id_token"
        assert sent["response_mode"] == "form_post" and sent["prompt"] == "none"
        assert sent["client_id"] == CLIENT_ID and sent["redirect_uri"] == f"{tool.url}/lti/launch"
        assert sent["login_hint"] == "someone" and sent["lti_message_hint"] == "hint-someone"
        assert len(sent["state"]) >= 32 and len(sent["nonce"]) >= 32 and sent["state"] != sent["nonce"]
        assert (
            browser.cookies.get(state_cookie(sent["state"]), path="/lti/") == sent["state"]
        )  # this browser's
    unknown = browser.get(
        f"{tool.url}/lti/login", params={**platform.initiation("x"), "iss": "https://nope.example"}
    )
    assert unknown.status_code == 400 and "no platform is registered" in unknown.text
    missing = browser.get(f"{tool.url}/lti/login", params={"iss": platform.url})
    assert missing.status_code == 400 and "login_hint" in missing.text


@pytest.mark.parametrize("service_settings", ["postgres+redis", "embedded"], indirect=True)
def test_instructor_then_student_launch_into_the_course_and_the_assignment(
    tool: Tool, platform: Platform
) -> None:
    platform.people = {"prof": PROF, "amy": AMY}
    refused = launch(tool, platform, "amy")  # no course for this LMS course yet
    assert refused.status_code == 400 and "instructor must open the tool" in refused.text

    prof = requests.Session()
    landed = launch(tool, platform, "prof", prof)
    assert landed.status_code == 302, landed.text[:500]
    assert landed.headers["Location"] == "/courses/dl-101"
    assert signed_in_as(tool, prof) == "pat"
    week = add_assignment(tool, "dl-101")

    platform.custom["amy"] = {"assignment": str(week)}
    amy = requests.Session()
    landed = launch(tool, platform, "amy", amy)
    assert landed.headers["Location"] == f"/courses/dl-101/assignments/{week}"
    page = amy.get(tool.url + landed.headers["Location"])
    assert page.status_code == 200 and "Week 1" in page.text
    with unit_of_work(tool.settings.database_url) as session:
        user = session.scalars(select(User).where(User.username == "amy")).one()
        assert (user.name, user.email, user.role) == ("Amy Adams", "amy@uni.example", Role.student)
        enrolled = session.scalars(select(Enrollment).where(Enrollment.user_id == user.id)).one()
        assert enrolled.role == CourseRole.student
        identity = session.scalars(select(Identity).where(Identity.sub == AMY.sub)).one()
        assert identity.user_id == user.id
        context = session.scalars(select(Context)).one()
        assert context.memberships_url == f"{platform.url}/memberships"
        assert context.lineitems_url == f"{platform.url}/lineitems"
        prof_user = session.scalars(select(User).where(User.username == "pat")).one()
        assert prof_user.role == Role.student  # a new platform's instructors: staff of their course only

    again = launch(tool, platform, "amy")  # the same LMS user: found, not made again
    assert again.status_code == 302
    with unit_of_work(tool.settings.database_url) as session:
        assert len(session.scalars(select(Identity)).all()) == 2  # prof and amy

    platform.people["long"] = Person("lms-long", "N" * 300, "e" * 250 + "@uni.example", [LEARNER])
    assert launch(tool, platform, "long").status_code == 302  # cut to the columns, not a 500
    with unit_of_work(tool.settings.database_url) as session:
        long = session.get_one(
            User, session.scalars(select(Identity.user_id).where(Identity.sub == "lms-long")).one()
        )
        assert long.name == "N" * 200 and long.email is None

    platform.custom["amy"] = {"assignment": "999999"}
    wrong = launch(tool, platform, "amy")
    assert wrong.status_code == 400 and "names no assignment of this course" in wrong.text


def _refused(tool: Tool, platform: Platform, tampering: Tampering | None, says: str) -> None:
    platform.tampering = tampering
    browser = requests.Session()
    answer = launch(tool, platform, "amy", browser)
    assert 400 <= answer.status_code < 500, (says, answer.status_code, answer.text[:300])
    assert says in answer.text, (says, answer.text[:800])
    assert "text/html" in answer.headers["Content-Type"]
    assert "Signed in as" not in answer.text  # (its session cookie holds only the page's CSRF token)
    assert signed_in_as(tool, browser) is None


@embedded_only
def test_every_refusal_says_what_was_wrong_and_starts_no_session(tool: Tool, platform: Platform) -> None:
    platform.people = {"prof": PROF, "amy": AMY}
    assert launch(tool, platform, "prof").status_code == 302  # the course exists
    now = int(datetime.now(UTC).timestamp())
    stranger = Key()
    cases = [
        (Tampering(sign_with=stranger, kid=platform.keys[0].kid), "bad signature"),
        (Tampering(sign_with=stranger), "does not publish"),
        (Tampering(claims={"iss": "https://evil.example"}), "wrong issuer"),
        (Tampering(claims={"aud": "someone-else"}), "wrong audience"),
        (Tampering(claims={"azp": "someone-else"}), "wrong azp"),
        (Tampering(claims={"aud": [CLIENT_ID, "other"], "azp": None}), "wrong azp"),
        (Tampering(claims={"exp": now - 3600, "iat": now - 7200}), "expired"),
        (Tampering(claims={"iat": now + 3600, "exp": now + 7200}), "issued in the future"),
        (Tampering(nonce="a-nonce-this-tool-never-issued"), "nonce is not the one issued"),
        (Tampering(claims={claims.DEPLOYMENT_ID: "deployment-unknown"}), "unknown deployment"),
        (Tampering(claims={claims.MESSAGE_TYPE: "LtiSubmissionReviewRequest"}), "wrong message type"),
        (Tampering(claims={claims.VERSION: "1.1"}), "wrong LTI version"),
        (Tampering(claims={claims.ROLES: None}), "no roles claim"),
        (Tampering(claims={claims.RESOURCE_LINK: None}), "resource_link.id"),
        (Tampering(claims={claims.CONTEXT: {"id": "x" * 256}}), "context id is longer"),
        (Tampering(claims={"sub": ""}), "names no user"),
    ]
    for tampering, says in cases:
        _refused(tool, platform, tampering, says)


@embedded_only
def test_state_and_nonce_are_bound_to_the_browser_and_used_once(tool: Tool, platform: Platform) -> None:
    platform.people = {"prof": PROF}
    browser = requests.Session()
    started = browser.get(f"{tool.url}/lti/login", params=platform.initiation("prof"), allow_redirects=False)
    action, fields = auto_post(browser.get(started.headers["Location"]).text)

    thief = requests.Session()  # the form without this browser's state cookie
    stolen = thief.post(action, data=fields, allow_redirects=False)
    assert stolen.status_code == 400 and "state mismatch" in stolen.text
    assert "blocks the tool&#39;s cookies inside the LMS&#39;s page" in stolen.text  # and what to do
    assert "open the link in a new tab" in stolen.text
    thief.cookies.set(state_cookie(fields["state"]), "something-else", path="/lti/")
    assert "state mismatch" in thief.post(action, data=fields, allow_redirects=False).text
    assert signed_in_as(tool, thief) is None

    assert browser.post(action, data=fields, allow_redirects=False).status_code == 302  # the real one
    browser.cookies.set(state_cookie(fields["state"]), fields["state"], path="/lti/")
    replayed = browser.post(action, data=fields, allow_redirects=False)
    assert replayed.status_code == 400 and "used already" in replayed.text

    # A second login's state with the first login's id_token: the nonce is not that state's.
    other = requests.Session()
    second = other.get(f"{tool.url}/lti/login", params=platform.initiation("prof"), allow_redirects=False)
    state = query_of(second.headers["Location"])["state"]
    crossed = other.post(action, data={"id_token": fields["id_token"], "state": state}, allow_redirects=False)
    assert crossed.status_code == 400 and "nonce is not the one issued" in crossed.text
    assert signed_in_as(tool, other) is None

    none = browser.post(action, data={"state": fields["state"]}, allow_redirects=False)
    assert none.status_code == 400 and "no id_token" in none.text
    garbage = browser.post(
        action, data={"state": fields["state"], "id_token": "not.a.jwt"}, allow_redirects=False
    )
    assert garbage.status_code == 400 and "not a JWT" in garbage.text


@embedded_only
def test_an_unknown_kid_makes_the_tool_fetch_the_platforms_keys_again(
    tool: Tool, platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    platform.people = {"prof": PROF}
    assert launch(tool, platform, "prof").status_code == 302
    fetched = platform.jwks_fetches
    assert launch(tool, platform, "prof").status_code == 302
    assert platform.jwks_fetches == fetched  # cached
    new = platform.rotate()  # the platform signs with a key the tool has not seen
    monkeypatch.setattr(platform_keys, "REFETCH_AFTER_SECONDS", 0.0)  # (not within seconds of the last fetch)
    assert launch(tool, platform, "prof").status_code == 302
    assert platform.jwks_fetches == fetched + 1 and new.kid in platform_keys.cached_kids(
        f"{platform.url}/jwks"
    )


@embedded_only
def test_a_launch_session_may_be_framed_by_its_lms_only(tool: Tool, platform: Platform) -> None:
    platform.people = {"prof": PROF}
    browser = requests.Session()
    landed = launch(tool, platform, "prof", browser)
    page = browser.get(tool.url + landed.headers["Location"])
    policy = page.headers["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {platform.url}" in policy and "X-Frame-Options" not in page.headers
    portal = requests.Session().get(f"{tool.url}/login")
    assert "frame-ancestors 'none'" in portal.headers["Content-Security-Policy"]
    assert portal.headers["X-Frame-Options"] == "DENY"


@embedded_only
def test_an_existing_course_is_linked_by_its_instructor_with_the_custom_claim_course(
    tool: Tool, platform: Platform
) -> None:
    from grader.accounts import service as accounts
    from grader.courses import service as courses

    with unit_of_work(tool.settings.database_url) as session:
        local = accounts.create_user(session, "prof", Role.instructor, "password")
        local.email = "Pat@Uni.example"
        courses.create_course(session, local, "dl101-2027s", "Deep learning")
    week = add_assignment(tool, "dl101-2027s")
    stranger = Person("lms-other", "Oz Other", "oz@uni.example", [INSTRUCTOR])
    platform.people = {"prof": PROF, "amy": AMY, "oz": stranger}
    platform.custom = {"prof": {"course": "dl101-2027s"}, "oz": {"course": "dl101-2027s"}}
    refused = launch(tool, platform, "oz")
    assert refused.status_code == 400 and "only an instructor of dl101-2027s may link it" in refused.text
    platform.custom["oz"] = {"course": "nope"}
    assert "names no course here" in launch(tool, platform, "oz").text

    linked = launch(tool, platform, "prof")
    assert linked.status_code == 302 and linked.headers["Location"] == "/courses/dl101-2027s"
    platform.custom["amy"] = {"assignment": str(week)}
    assert launch(tool, platform, "amy").headers["Location"] == f"/courses/dl101-2027s/assignments/{week}"
    with unit_of_work(tool.settings.database_url) as session:
        assert len(session.scalars(select(Course)).all()) == 1  # no course was made
    platform.tampering = Tampering(claims={claims.CONTEXT: {"id": "another-lms-course", "title": "Copy"}})
    again = launch(tool, platform, "prof")  # the same course from a second LMS course
    assert again.status_code == 400 and "linked to another LMS course already" in again.text
