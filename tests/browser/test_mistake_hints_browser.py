"""The hint editor in a browser: a student's wrong answer forms a group on the dashboard's
exercise page, the instructor writes a hint for it there, and the student's next wrong answer
of that kind shows the hint in its result, without a reload."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from grader.accounts.models import Role
from tests.browser.conftest import Live, Tab
from tests.browser.test_portal_browser import SLUG, WRONG, submit_and_wait, type_code

pytestmark = pytest.mark.parametrize("live", ["embedded"], indirect=True)
# The same mistake as WRONG (keepdim ignored), written another way.
WRONG_AGAIN = "import torch\n\ndef sum_axis(x, axis, keepdim=False):\n    return torch.sum(x, axis)\n"
HINT = "Pass keepdim on to the sum."


def test_an_instructor_writes_a_hint_and_the_group_sees_it(live: Live, tabs) -> None:
    live.add_user("kim")
    live.add_user("tutor", Role.instructor)
    student: Tab = tabs()
    student.sign_in("kim")
    student.open(f"/exercises/{SLUG}")
    expect(student.page.locator("[data-editor-ready='true']")).to_be_visible()
    type_code(student, WRONG)
    submit_and_wait(student)
    expect(student.page.locator("#result-body #group-hint")).to_have_count(0)

    teacher: Tab = tabs()
    teacher.sign_in("tutor")
    teacher.open(f"/dashboard/exercises/{SLUG}#groups")
    group = teacher.page.locator("article.mistake-group").first
    expect(group).to_contain_text("1 submission by 1 student")
    expect(group).to_contain_text("ignores keepdim")
    group.get_by_label("Hint in English").fill(HINT)
    group.get_by_label("Hint in Chinese (English if left empty)").fill("请把 keepdim 传给 sum。")
    group.get_by_label("Also show it on the group's past submissions").check()
    group.get_by_role("button", name="Save the hint").click()
    teacher.page.wait_for_url(re.compile(r"#group-\d+$"))
    expect(teacher.page.get_by_text("1 past submission given it")).to_be_visible()
    expect(teacher.page.locator("article.mistake-group").first.get_by_label("Hint in English")).to_have_value(
        HINT
    )
    teacher.shot("mistake-groups")

    type_code(student, WRONG_AGAIN)
    submit_and_wait(student)
    expect(student.page.locator("#result-body #group-hint").first).to_contain_text(HINT)
    student.shot("group-hint")
