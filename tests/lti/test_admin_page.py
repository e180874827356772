"""The dashboard's LTI page: admins register, list and remove platforms and read the tool's
configuration; instructors may not."""

from __future__ import annotations

import json

import requests

from grader.accounts import service as accounts
from grader.accounts.models import Role
from grader.db import unit_of_work
from tests.lti.conftest import Tool
from tests.lti.platform import CLIENT_ID, Platform
from tests.web.conftest import csrf_from, embedded_only


def signed_in(tool: Tool, username: str, role: Role) -> requests.Session:
    """A browser signed in through the form."""
    with unit_of_work(tool.settings.database_url) as session:
        accounts.create_user(session, username, role, "password")
    browser = requests.Session()
    page = browser.get(f"{tool.url}/login")
    answer = browser.post(
        f"{tool.url}/login",
        data={"username": username, "password": "password", "csrf_token": csrf_from(page.text)},
        allow_redirects=False,
    )
    assert answer.status_code == 302
    return browser


@embedded_only
def test_admins_register_list_and_remove_platforms_and_read_the_tool_config(
    tool: Tool, platform: Platform
) -> None:
    admin = signed_in(tool, "root", Role.admin)
    page = admin.get(f"{tool.url}/dashboard/lti/")
    assert page.status_code == 200 and platform.url in page.text and CLIENT_ID in page.text
    assert (
        f"<code>{tool.url}/lti/login</code>" in page.text and f"<code>{tool.url}/lti/jwks</code>" in page.text
    )
    canvas = json.loads(
        page.text.split('<pre id="canvas-json">', 1)[1].split("</pre>", 1)[0].replace("&#34;", '"')
    )
    assert canvas["oidc_initiation_url"] == f"{tool.url}/lti/login"

    form = {
        "issuer": "https://moodle.uni.example",
        "client_id": "abc",
        "deployment_id": "1",
        "login_url": "https://moodle.uni.example/mod/lti/auth.php",
        "token_url": "https://moodle.uni.example/mod/lti/token.php",
        "jwks_url": "https://moodle.uni.example/mod/lti/certs.php",
        "csrf_token": csrf_from(page.text),
    }
    added = admin.post(f"{tool.url}/dashboard/lti/", data=form)
    assert added.status_code == 200 and "registered deployment 1" in added.text
    assert "https://moodle.uni.example/mod/lti/certs.php" in added.text
    assert moodle_scope(added.text) == "staff of their LMS courses only"  # a new platform's
    wrong = admin.post(f"{tool.url}/dashboard/lti/", data={**form, "token_url": "not a url"})
    assert wrong.status_code == 422 and "token_url" in wrong.text and 'aria-invalid="true"' in wrong.text
    odd = admin.post(f"{tool.url}/dashboard/lti/", data={**form, "instructor_scope": "everyone"})
    assert odd.status_code == 422 and "instructor_scope" in odd.text and "&#39;service&#39;" in odd.text
    widened = admin.post(f"{tool.url}/dashboard/lti/", data={**form, "instructor_scope": "service"})
    assert widened.status_code == 200
    assert moodle_scope(widened.text).startswith("also instructors of the whole service")
    removed = admin.post(
        f"{tool.url}/dashboard/lti/remove",
        data={"issuer": form["issuer"], "client_id": "abc", "csrf_token": form["csrf_token"]},
    )
    assert removed.status_code == 200 and "Removed platform https://moodle.uni.example" in removed.text
    assert "certs.php" not in removed.text.split("Removed", 1)[1]

    instructor = signed_in(tool, "prof", Role.instructor)
    assert instructor.get(f"{tool.url}/dashboard/lti/").status_code == 403
    assert ">LTI<" not in instructor.get(f"{tool.url}/dashboard/").text


def moodle_scope(page: str) -> str:
    """What the platforms table says of the Moodle platform's instructors."""
    row = page.split('<tr data-issuer="https://moodle.uni.example">', 1)[1].split("</tr>", 1)[0]
    return row.split('<td class="instructor-scope">', 1)[1].split("</td>", 1)[0]
