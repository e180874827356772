"""Accounts, on PostgreSQL + Redis and embedded SQLite: set-password links (command line and
dashboard), password change, deactivation, one minimum password length, Secure cookies."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from click.testing import CliRunner, Result
from flask.testing import FlaskClient
from sqlalchemy import select, update

from grader.accounts import service as accounts
from grader.accounts.models import PasswordLink, Role, User
from grader.cli import main
from grader.db import unit_of_work
from grader.settings import Settings
from grader.times import now
from grader.web.app import create_app
from tests.deployments import environment
from tests.service.conftest import auth
from tests.web.conftest import embedded_only, make_user, page_token, sign_in

LINK = re.compile(r"(http://127\.0\.0\.1:8000/set-password/([A-Za-z0-9_-]+))")


def grader(settings: Settings, *args: str) -> Result:
    """Run a `grader` command against this deployment."""
    return CliRunner().invoke(main, list(args), env=environment(settings), catch_exceptions=False)


def link_in(text: str) -> tuple[str, str]:
    """(the link's path, its token) from what a command or a page printed."""
    found = LINK.search(text)
    assert found, text
    return found.group(1).removeprefix("http://127.0.0.1:8000"), found.group(2)


def set_password(browser: FlaskClient, path: str, password: str, again: str | None = None):
    """Send a set-password link's form (with the session's CSRF token: the link may be unusable)."""
    token = page_token(browser, "/login")
    fields = {"csrf_token": token, "password": password, "again": password if again is None else again}
    return browser.post(path, data=fields)


def html(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined, no-any-return]


def test_a_user_made_without_a_password_sets_one_from_a_one_time_link(
    service_settings: Settings, client: FlaskClient
) -> None:
    made = grader(service_settings, "users", "create", "mei")
    assert made.exit_code == 0 and "created student mei" in made.output
    assert "works once, until" in made.output and " UTC" in made.output
    path, token = link_in(made.output)
    with unit_of_work(service_settings.database_url) as session:
        (row,) = session.scalars(select(PasswordLink)).all()
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()  # only a hash is kept
        assert row.expires_at.replace(tzinfo=None) - now().replace(tzinfo=None) > timedelta(hours=71)
    page = client.get(path)
    assert page.status_code == 200 and "Choose the password of mei" in html(page)
    assert set_password(client, path, "short").status_code == 422
    assert set_password(client, path, "long enough", "long enougj").status_code == 422
    done = set_password(client, path, "long enough")
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    sign_in(client, "mei", "long enough")
    again = client.get(path)
    assert again.status_code == 410 and 'data-problem="used"' in html(again)
    assert set_password(FlaskClient(client.application), path, "another one").status_code == 410


def test_unknown_and_expired_links_are_clear_pages(service_settings: Settings, client: FlaskClient) -> None:
    unknown = client.get("/set-password/not-a-real-token")
    assert unknown.status_code == 404 and "This link is unknown" in html(unknown)
    path, _ = link_in(grader(service_settings, "users", "create", "mei").output)
    with unit_of_work(service_settings.database_url) as session:
        session.execute(update(PasswordLink).values(expires_at=now() - timedelta(seconds=1)))
    expired = client.get(path)
    assert expired.status_code == 410 and "This link has expired" in html(expired)
    client.set_cookie("lang", "zh")
    assert "此链接已过期" in html(client.get(path))


def test_reset_password_prints_a_new_link_and_the_old_one_stops_working(
    service_settings: Settings, client: FlaskClient
) -> None:
    make_user(service_settings, "mei")
    first, _ = link_in(grader(service_settings, "users", "reset-password", "mei").output)
    reset = grader(service_settings, "users", "reset-password", "mei")
    assert reset.exit_code == 0
    second, _ = link_in(reset.output)
    assert client.get(first).status_code == 404
    sign_in(client, "mei")  # the old password works until the link is used
    assert set_password(client, second, "a new password").status_code == 302
    assert client.get("/exercises").status_code == 302  # that session began before: it ended
    sign_in(client, "mei", "a new password")
    assert grader(service_settings, "users", "reset-password", "nobody").exit_code == 1


def test_one_minimum_password_length_everywhere(service_settings: Settings, client: FlaskClient) -> None:
    short = "x" * (accounts.MIN_PASSWORD - 1)
    refused = grader(service_settings, "users", "create", "mei", "--password", short)
    assert refused.exit_code == 1 and f"at least {accounts.MIN_PASSWORD} characters" in refused.output
    enough = grader(service_settings, "users", "create", "mei", "--password", short + "x")
    assert enough.exit_code == 0 and "set-password" not in enough.output
    make_user(service_settings, "teacher", Role.instructor)
    sign_in(client, "teacher")
    form = {"csrf_token": page_token(client, "/dashboard/users"), "username": "ada", "role": "student"}
    assert client.post("/dashboard/users", data={**form, "password": short}).status_code == 422
    assert f'minlength="{accounts.MIN_PASSWORD}"' in html(client.get("/password"))


def test_deactivation_ends_sign_in_tokens_and_open_sessions(
    service_settings: Settings, client: FlaskClient
) -> None:
    token = make_user(service_settings, "mei")
    sign_in(client, "mei")
    assert client.get("/exercises").status_code == 200
    done = grader(service_settings, "users", "deactivate", "mei")
    assert done.exit_code == 0 and "deactivated mei" in done.output
    assert client.get("/exercises").status_code == 302  # the open session ends at the next request
    refused = client.get("/api/v1/submissions", headers=auth(token))
    assert refused.status_code == 401 and "deactivated" in refused.get_json()["error"]["message"]
    login = client.post(
        "/login",
        data={"username": "mei", "password": "password", "csrf_token": page_token(client, "/login")},
    )
    assert login.status_code == 401 and "deactivated" in html(login)
    assert grader(service_settings, "users", "activate", "mei").exit_code == 0
    assert client.get("/api/v1/submissions", headers=auth(token)).status_code == 200
    sign_in(client, "mei")


def test_changing_ones_password(service_settings: Settings, client: FlaskClient) -> None:
    make_user(service_settings, "mei")
    elsewhere = FlaskClient(client.application)
    sign_in(elsewhere, "mei")
    sign_in(client, "mei")
    assert client.get("/password").status_code == 200

    def change(current: str, new: str, again: str | None = None) -> object:
        fields = {"current": current, "password": new, "again": new if again is None else again}
        return client.post("/password", data={"csrf_token": page_token(client, "/password"), **fields})

    wrong = change("not it", "a new password")
    assert wrong.status_code == 401 and "The current password is wrong" in html(wrong)
    assert change("password", "short").status_code == 422
    assert change("password", "a new password", "another").status_code == 422
    changed = change("password", "a new password")
    assert changed.status_code == 302
    assert client.get("/exercises").status_code == 200  # this session goes on
    assert elsewhere.get("/exercises").status_code == 302  # the other one ended
    with unit_of_work(service_settings.database_url) as session:
        assert accounts.check_password(session, "mei", "a new password").username == "mei"


@embedded_only
def test_wrong_current_passwords_are_throttled_like_sign_ins(
    service_settings: Settings, client: FlaskClient
) -> None:
    make_user(service_settings, "mei")
    sign_in(client, "mei")
    fields = {"current": "guess", "password": "a new password", "again": "a new password"}
    for _ in range(10):
        token = page_token(client, "/password")
        assert client.post("/password", data={"csrf_token": token, **fields}).status_code == 401
    token = page_token(client, "/password")
    throttled = client.post("/password", data={"csrf_token": token, **fields, "current": "password"})
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) <= 300
    assert f"Try again in {throttled.headers['Retry-After']} seconds" in html(throttled)


def test_the_dashboard_resets_deactivates_and_respects_who_manages_whom(
    service_settings: Settings, client: FlaskClient
) -> None:
    make_user(service_settings, "mei")
    make_user(service_settings, "teacher", Role.instructor)
    make_user(service_settings, "colleague", Role.instructor)
    sign_in(client, "teacher")
    csrf = page_token(client, "/dashboard/users/mei")
    shown = client.post("/dashboard/users/mei/password-link", data={"csrf_token": csrf})
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    path, token = link_in(html(shown))
    assert "will not be shown again" in html(shown) and token not in html(client.get("/dashboard/users/mei"))
    assert client.get(path).status_code == 200  # checked before the link is used below
    assert client.post("/dashboard/users/mei/deactivate", data={"csrf_token": csrf}).status_code == 302
    page = html(client.get("/dashboard/users/mei"))
    assert "cannot sign in, and the API tokens are refused" in page and "Activate" in page
    assert "deactivated" in html(client.get("/dashboard/users"))
    gone = FlaskClient(client.application).get(path)
    assert gone.status_code == 410 and 'data-problem="deactivated"' in html(gone)
    assert client.post("/dashboard/users/mei/activate", data={"csrf_token": csrf}).status_code == 302
    # Another instructor is not the teacher's to reset or deactivate; nor is the teacher themself.
    for action in ("password-link", "deactivate"):
        refused = client.post(f"/dashboard/users/colleague/{action}", data={"csrf_token": csrf})
        assert refused.status_code == 403, action
    colleague = html(client.get("/dashboard/users/colleague"))
    assert "Only an admin or this user may manage this account" in colleague
    assert client.post("/dashboard/users/teacher/deactivate", data={"csrf_token": csrf}).status_code == 422
    assert client.get("/dashboard/").status_code == 200


@embedded_only
def test_an_admin_manages_instructors(service_settings: Settings, client: FlaskClient) -> None:
    make_user(service_settings, "colleague", Role.instructor)
    make_user(service_settings, "root", Role.admin)
    sign_in(client, "root")
    form = {"csrf_token": page_token(client, "/dashboard/users/colleague")}
    assert client.post("/dashboard/users/colleague/password-link", data=form).status_code == 200
    assert client.post("/dashboard/users/colleague/deactivate", data=form).status_code == 302
    with unit_of_work(service_settings.database_url) as session:
        colleague = session.scalar(select(User).where(User.username == "colleague"))
        assert colleague is not None and colleague.deactivated_at is not None


@embedded_only
def test_the_dashboard_creates_a_user_without_a_password_and_shows_a_link(
    service_settings: Settings, client: FlaskClient
) -> None:
    make_user(service_settings, "teacher", Role.instructor)
    sign_in(client, "teacher")
    form = {"csrf_token": page_token(client, "/dashboard/users"), "username": "ada", "role": "student"}
    made = client.post("/dashboard/users", data={**form, "password": ""})
    assert made.status_code == 200 and "No password yet" in html(made)
    path, _ = link_in(html(made))
    assert set_password(FlaskClient(client.application), path, "ada's password").status_code == 302
    # An instructor may create an instructor, and so give them their first password, though not
    # manage them afterwards.
    colleague = client.post("/dashboard/users", data={**form, "username": "ines", "role": "instructor"})
    assert colleague.status_code == 200 and "/set-password/" in html(colleague)
    assert "Only an admin or this user may manage this account" in html(colleague)
    client.set_cookie("lang", "zh")
    assert "停用" in html(client.get("/dashboard/users/ada"))


@embedded_only
@pytest.mark.parametrize(
    ("value", "secure"), [(None, True), ("", True), ("1", True), ("0", False), ("off", False)]
)
def test_session_cookies_are_secure_unless_switched_off(
    service_settings: Settings, monkeypatch: pytest.MonkeyPatch, value: str | None, secure: bool
) -> None:
    if value is None:
        monkeypatch.delenv("GRADER_SECURE_COOKIES", raising=False)
    else:
        monkeypatch.setenv("GRADER_SECURE_COOKIES", value)
    settings = Settings(database_url=service_settings.database_url, broker_url=service_settings.broker_url)
    assert settings.secure_cookies is secure
    browser = create_app(settings, {"TESTING": True}).test_client()
    make_user(settings, "mei")
    token = page_token(browser, "/login")
    response = browser.post("/login", data={"username": "mei", "password": "password", "csrf_token": token})
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=") and ("; Secure" in cookie) is secure
