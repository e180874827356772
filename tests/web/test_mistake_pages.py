"""The dashboard's mistake groups over Flask's test client: the exercise page lists the groups
(size, students, an example answer, its output beside the reference's, the known mistake), the
hint editor saves and removes a hint, and the student's result page shows it."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from grader.accounts.models import Role
from grader.settings import Settings
from tests.grading.test_fingerprint import ALWAYS_AXIS_0, IGNORES_KEEPDIM
from tests.web.conftest import embedded_only, make_user, page_token, sign_in
from tests.web.test_dashboard import SLUG, add_graded
from worker.sandbox.client import Sandbox

PAGE = f"/dashboard/exercises/{SLUG}"


def _group_id(html: str, example_id: int) -> int:
    """The id of the group whose example is submission ``example_id``."""
    for article in re.findall(r'<article class="mistake-group" id="group-(\d+)">(.*?)</article>', html, re.S):
        if f"#{example_id})" in article[1]:
            return int(article[0])
    raise AssertionError(f"no group with example #{example_id}")


def test_the_exercise_page_lists_groups_and_edits_their_hint(
    service_settings: Settings, client: FlaskClient, sandbox: Sandbox
) -> None:
    make_user(service_settings, "prof", Role.instructor)
    make_user(service_settings, "amy")
    make_user(service_settings, "ben")
    first = add_graded(service_settings, sandbox, "amy", ALWAYS_AXIS_0[0])
    add_graded(service_settings, sandbox, "ben", ALWAYS_AXIS_0[2])
    other = add_graded(service_settings, sandbox, "amy", IGNORES_KEEPDIM[0] + "# <b>mine</b>\n")
    sign_in(client, "prof")
    html = client.get(PAGE).get_data(as_text=True)
    assert html.count('class="mistake-group"') == 2
    assert "2 submissions by 2 students" in html and "1 submission by 1 student" in html
    assert "<code>always axis 0</code>" in html and "<code>ignores keepdim</code>" in html
    assert "tensor([3.0, 5.0, 7.0], shape=(3,), dtype=torch.float32)" in html  # the reference's
    assert "# &lt;b&gt;mine&lt;/b&gt;" in html and "<b>mine</b>" not in html  # a student's code, escaped
    group = _group_id(html, first)

    token = page_token(client, PAGE)
    form = {
        "csrf_token": token,
        "en": "Use the axis you are given.",
        "zh": "",
        "action": "save",
        "past": "yes",
    }
    saved = client.post(f"{PAGE}/mistakes/{group}/hint", data=form)
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"#group-{group}")
    html = client.get(PAGE).get_data(as_text=True)
    assert "2 past submissions given it" in html
    assert html.count("Use the axis you are given.") == 2  # the English and the Chinese fields

    student = client.application.test_client()
    sign_in(student, "amy")
    result = student.get(f"/submissions/{first}").get_data(as_text=True)
    assert 'id="group-hint"' in result and "Use the axis you are given." in result
    assert 'id="group-hint"' not in student.get(f"/submissions/{other}").get_data(as_text=True)

    removed = client.post(
        f"{PAGE}/mistakes/{group}/hint", data={"csrf_token": token, "action": "remove", "past": "yes"}
    )
    assert removed.status_code == 302
    assert "Use the axis you are given." not in student.get(f"/submissions/{first}").get_data(as_text=True)
    empty = client.post(
        f"{PAGE}/mistakes/{group}/hint", data={"csrf_token": token, "en": " ", "action": "save"}
    )
    assert empty.status_code == 302
    assert "en: the hint&#39;s text" in client.get(PAGE).get_data(as_text=True)
    assert client.post(f"{PAGE}/mistakes/99999/hint", data={"csrf_token": token}).status_code == 404


@embedded_only
def test_students_cannot_edit_hints_and_the_groups_are_paged(
    service_settings: Settings, client: FlaskClient, sandbox: Sandbox
) -> None:
    make_user(service_settings, "prof", Role.instructor)
    make_user(service_settings, "amy")
    for number in range(12):  # twelve behaviours: each returns x summed plus its own number
        code = (
            f"def sum_axis(x, axis, keepdim=False):\n    return x.sum(axis, keepdim=keepdim) + {number + 1}\n"
        )
        add_graded(service_settings, sandbox, "amy", code)
    sign_in(client, "prof")
    first = client.get(PAGE).get_data(as_text=True)
    second = client.get(PAGE + "?groups=2").get_data(as_text=True)
    assert first.count('class="mistake-group"') == 10 and "Groups 1–10 of 12" in first
    assert second.count('class="mistake-group"') == 2 and "Groups 11–12 of 12" in second
    group = int(re.findall(r'id="group-(\d+)"', first)[0])
    student = client.application.test_client()
    sign_in(student, "amy")
    token = page_token(student, "/password")
    refused = student.post(f"{PAGE}/mistakes/{group}/hint", data={"csrf_token": token, "en": "x"})
    assert refused.status_code == 403
    assert "x</textarea>" not in client.get(PAGE).get_data(as_text=True)
