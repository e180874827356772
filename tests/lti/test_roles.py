"""Which course role an LTI launch's roles give, and whether an LMS instructor becomes an
instructor of the whole service (the platform's instructor scope)."""

from __future__ import annotations

import pytest
import requests

from grader.accounts import service as accounts
from grader.accounts.models import Role
from grader.courses.models import CourseRole
from grader.db import unit_of_work
from grader.lti.provision import course_role
from tests.lti.conftest import Tool, launch
from tests.lti.platform import Platform
from tests.lti.test_launch import PROF
from tests.web.conftest import embedded_only

MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ([MEMBERSHIP + "Instructor"], CourseRole.instructor),
        (["Instructor"], CourseRole.instructor),  # the short form LTI Core allows
        ([MEMBERSHIP + "Administrator"], CourseRole.instructor),
        ([MEMBERSHIP + "ContentDeveloper", MEMBERSHIP + "Learner"], CourseRole.instructor),
        (["http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"], CourseRole.ta),
        (
            [
                MEMBERSHIP + "Instructor",
                "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant",
            ],
            CourseRole.ta,
        ),
        ([MEMBERSHIP + "TeachingAssistant"], CourseRole.ta),
        ([MEMBERSHIP + "Learner"], CourseRole.student),
        ([MEMBERSHIP + "Mentor"], CourseRole.student),
        ([], CourseRole.student),
        # An institution or system role says nothing about this course.
        (
            ["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor", MEMBERSHIP + "Learner"],
            CourseRole.student,
        ),
        (["http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator"], CourseRole.student),
    ],
)
def test_roles_of_the_claim(roles: list[str], expected: CourseRole) -> None:
    assert course_role(roles) == expected


@embedded_only
def test_an_lms_instructor_is_an_instructor_of_the_service_only_where_the_platform_says_so(
    tool: Tool, platform: Platform
) -> None:
    listed = tool.cli("lti", "platforms")
    assert "its LMS instructors: staff of their LMS courses only" in listed.output
    platform.people = {"prof": PROF}
    prof = requests.Session()
    assert launch(tool, platform, "prof", prof).headers["Location"] == "/courses/dl-101"
    assert role_of(tool, "pat") == Role.student  # the course it opened is its own to run ...
    assert prof.get(f"{tool.url}/courses/dl-101/roster").status_code == 200
    assert prof.get(f"{tool.url}/courses/dl-101/assignments/new").status_code == 200
    assert prof.get(f"{tool.url}/dashboard/", allow_redirects=False).status_code in (
        302,
        403,
    )  # ... not the rest

    wrong = tool.cli("lti", "add-platform", *platform.registration(), "--instructor-scope", "everything")
    assert wrong.exit_code == 2 and "'course'" in wrong.output and "'service'" in wrong.output
    widened = tool.cli("lti", "add-platform", *platform.registration(), "--instructor-scope", "service")
    assert widened.exit_code == 0 and "also instructors of the whole service" in widened.output
    kept = tool.cli("lti", "add-platform", *platform.registration())  # another run keeps the scope
    assert "also instructors of the whole service" in kept.output
    assert launch(tool, platform, "prof", prof).status_code == 302
    assert role_of(tool, "pat") == Role.instructor
    assert prof.get(f"{tool.url}/dashboard/").status_code == 200

    narrowed = tool.cli("lti", "add-platform", *platform.registration(), "--instructor-scope", "course")
    assert "staff of their LMS courses only" in narrowed.output
    assert launch(tool, platform, "prof", prof).status_code == 302
    assert role_of(tool, "pat") == Role.instructor  # a launch never takes a role away


def role_of(tool: Tool, username: str) -> Role:
    with unit_of_work(tool.settings.database_url) as session:
        return accounts.find_user(session, username).role
