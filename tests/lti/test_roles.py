"""Which course role an LTI launch's roles give."""

from __future__ import annotations

import pytest

from grader.courses.models import CourseRole
from grader.lti.provision import course_role

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
