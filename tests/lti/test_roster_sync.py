"""Roster sync from the LMS (NRPS), from the roster page's button and from the command line:
who was added and who left; members added by hand stay."""

from __future__ import annotations

import json

import pytest
import requests
from sqlalchemy import select

from grader.accounts.models import User
from grader.courses import roster
from grader.courses import service as courses
from grader.courses.models import Course
from grader.db import unit_of_work
from tests.lti.conftest import Tool, launch
from tests.lti.platform import LEARNER, Person, Platform
from tests.lti.test_launch import AMY, PROF
from tests.web.conftest import csrf_from, embedded_only

BEN = Person("lms-ben-9", "Ben Brown", "ben@uni.example", [LEARNER])
TIA = Person(
    "lms-tia-3",
    "Tia Tan",
    "tia@uni.example",
    ["http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"],
)


def active(tool: Tool) -> dict[str, str]:
    """The course's members and their roles."""
    with unit_of_work(tool.settings.database_url) as session:
        course = session.scalars(select(Course)).one()
        return {member.username: member.role for member in courses.roster(session, course)}


@pytest.mark.parametrize("service_settings", ["postgres+redis", "embedded"], indirect=True)
def test_the_roster_page_syncs_from_the_lms(tool: Tool, platform: Platform) -> None:
    platform.people = {"prof": PROF, "amy": AMY}
    prof = requests.Session()
    assert launch(tool, platform, "prof", prof).status_code == 302
    assert launch(tool, platform, "amy").status_code == 302
    with unit_of_work(tool.settings.database_url) as session:  # someone added by hand
        course = session.scalars(select(Course)).one()
        roster.enroll_one(session, course, "visitor", name="Vi Sitor", email="vi@example.org")
    platform.people["ben"] = BEN
    platform.people["tia"] = TIA
    platform.people["amy"] = Person(AMY.sub, AMY.name, AMY.email, AMY.roles, status="Inactive")

    page = prof.get(f"{tool.url}/courses/dl-101/roster")
    assert page.status_code == 200 and "Sync from the LMS" in page.text
    synced = prof.post(
        f"{tool.url}/courses/dl-101/roster/lms-sync", data={"csrf_token": csrf_from(page.text)}
    )
    assert synced.status_code == 200, synced.text[-1500:]
    assert "Added: ben, tia. Left: amy. 1 stayed." in synced.text
    assert active(tool) == {"pat": "instructor", "ben": "student", "tia": "ta", "visitor": "student"}
    with unit_of_work(tool.settings.database_url) as session:
        ben = session.scalars(select(User).where(User.username == "ben")).one()
        assert (ben.name, ben.email) == ("Ben Brown", "ben@uni.example")

    platform.people["amy"] = AMY  # back in the LMS course
    del platform.people["ben"]
    report = json.loads(tool.cli("lti", "sync-roster", "dl-101", "--json").output)
    assert report == {"added": ["amy"], "left": ["ben"], "stayed": 2}
    assert "ben" not in active(tool) and active(tool)["amy"] == "student"
    assert (
        platform.token_requests[-1]["form"]["scope"]
        == "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
    )


@embedded_only
def test_a_course_not_from_the_lms_has_nothing_to_sync(tool: Tool, platform: Platform) -> None:
    from grader.accounts import service as accounts
    from grader.accounts.models import Role

    with unit_of_work(tool.settings.database_url) as session:
        prof = accounts.create_user(session, "prof", Role.instructor, "password")
        courses.create_course(session, prof, "local", "Local")
    answer = tool.cli("lti", "sync-roster", "local")
    assert answer.exit_code == 1 and "not linked to an LMS course" in answer.output
    platform.people = {"prof": PROF}
    assert launch(tool, platform, "prof").status_code == 302
    platform.tool_jwks_url = f"{tool.url}/nowhere"  # the platform cannot verify the tool: 401
    broken = tool.cli("lti", "sync-roster", "dl-101")
    assert broken.exit_code == 1 and "roster could not be read" in broken.output and "401" in broken.output
