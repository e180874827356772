"""Over HTTPS the LTI cookies are SameSite=None; Secure (a cross-site iframe sends them), while a
session begun by the sign-in form stays SameSite=Lax."""

from __future__ import annotations

from dataclasses import replace

import requests

from grader.accounts import service as accounts
from grader.accounts.models import Role
from grader.db import unit_of_work
from grader.web.app import create_app
from tests.lti.conftest import Tool
from tests.lti.platform import Platform, auto_post
from tests.lti.test_launch import PROF
from tests.web.conftest import csrf_from, embedded_only

HTTPS = "https://grader.example.edu"


def _cookie(headers: list[str], name: str) -> str:
    [found] = [header for header in headers if header.startswith(name)]
    return found


@embedded_only
def test_lti_cookies_are_samesite_none_and_secure_over_https(tool: Tool, platform: Platform) -> None:
    platform.people = {"prof": PROF}
    settings = replace(tool.settings, secure_cookies=True, public_url=HTTPS)
    client = create_app(settings, {"TESTING": True}).test_client()
    started = client.get("/lti/login", query_string=platform.initiation("prof"), base_url=HTTPS)
    assert started.status_code == 302
    state_cookie = _cookie(started.headers.getlist("Set-Cookie"), "lti_state_")
    assert "Secure" in state_cookie and "SameSite=None" in state_cookie and "HttpOnly" in state_cookie
    action, fields = auto_post(requests.get(started.headers["Location"]).text)
    assert action == f"{HTTPS}/lti/launch"
    landed = client.post("/lti/launch", data=fields, base_url=HTTPS)
    assert landed.status_code == 302, landed.get_data(as_text=True)[:500]
    session_cookie = _cookie(landed.headers.getlist("Set-Cookie"), "session=")
    assert "Secure" in session_cookie and "SameSite=None" in session_cookie

    with unit_of_work(settings.database_url) as session:
        accounts.create_user(session, "local", Role.student, "password")
    other = create_app(settings, {"TESTING": True}).test_client()
    page = other.get("/login", base_url=HTTPS)
    signed = other.post(
        "/login",
        data={
            "username": "local",
            "password": "password",
            "csrf_token": csrf_from(page.get_data(as_text=True)),
        },
        base_url=HTTPS,
        headers={"Referer": f"{HTTPS}/login"},  # flask-wtf checks it over HTTPS
    )
    assert signed.status_code == 302
    own = _cookie(signed.headers.getlist("Set-Cookie"), "session=")
    assert "SameSite=Lax" in own and "Secure" in own
