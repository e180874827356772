"""Rate limits over Flask's test client, on PostgreSQL + Redis and embedded SQLite: failed
sign-ins per account and per client address, instructors' writes per user, where the counts
live, and which client address counts behind proxies."""

from __future__ import annotations

import re
import time
from dataclasses import replace

import pytest
import redis
from flask.testing import FlaskClient

from grader.accounts.models import Role
from grader.settings import Settings
from grader.web import limits
from grader.web.app import create_app
from tests.service.conftest import auth
from tests.web.conftest import embedded_only, make_user, page_token, sign_in

ACCOUNT_LIMIT = 10  # SIGN_IN_PER_ACCOUNT
ADDRESS_LIMIT = 30  # SIGN_IN_PER_ADDRESS
WRITES_LIMIT = 30  # WRITES_PER_USER


def test_the_numbers_are_the_documented_ones() -> None:
    documented = (
        f"{ACCOUNT_LIMIT} per 5 minutes",
        f"{ADDRESS_LIMIT} per 5 minutes",
        f"{WRITES_LIMIT} per minute",
    )
    assert documented == (limits.SIGN_IN_PER_ACCOUNT, limits.SIGN_IN_PER_ADDRESS, limits.WRITES_PER_USER)


def attempt(
    browser: FlaskClient, username: str, password: str, address: str = "127.0.0.1", forwarded: str = ""
):
    """One POST of the sign-in form from ``address`` (saying X-Forwarded-For: ``forwarded``)."""
    token = page_token(browser, "/login")
    return browser.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
        headers={"X-Forwarded-For": forwarded} if forwarded else {},
    )


def wait_of(response: object) -> int:
    """The Retry-After of a 429, checked against what the page says."""
    seconds = int(response.headers["Retry-After"])  # type: ignore[attr-defined]
    assert f"Try again in {seconds} seconds" in response.get_data(as_text=True)  # type: ignore[attr-defined]
    return seconds


def test_failed_sign_ins_are_throttled_per_account(service_settings: Settings, client: FlaskClient) -> None:
    make_user(service_settings, "alice")
    make_user(service_settings, "bob")
    for _ in range(ACCOUNT_LIMIT):
        assert attempt(client, "alice", "wrong guess").status_code == 401
    throttled = attempt(client, "alice", "password")  # even the right password: no oracle
    assert throttled.status_code == 429 and throttled.mimetype == "text/html"
    assert 1 <= wait_of(throttled) <= 300  # the window is five minutes, never longer
    assert 'name="username"' in throttled.get_data(as_text=True)  # the form, with the wait
    assert client.get("/exercises").status_code == 302  # not signed in
    # Another account from the same address is not affected; nor is alice's from elsewhere.
    assert attempt(client, "bob", "password").status_code == 302
    assert attempt(client, "alice", "password", address="10.1.2.3").status_code == 429


@embedded_only
def test_successful_sign_ins_do_not_count(service_settings: Settings, client: FlaskClient) -> None:
    make_user(service_settings, "alice")
    for _ in range(ACCOUNT_LIMIT + 5):
        assert attempt(client, "alice", "password").status_code == 302
    for _ in range(ACCOUNT_LIMIT - 1):
        assert attempt(client, "alice", "wrong guess").status_code == 401
    assert attempt(client, "alice", "password").status_code == 302


@embedded_only
def test_failed_sign_ins_are_throttled_per_address(service_settings: Settings, client: FlaskClient) -> None:
    make_user(service_settings, "alice")
    for n in range(ADDRESS_LIMIT):  # password spraying: one try on each of many names
        assert attempt(client, f"name{n}", "password", address="10.0.0.7").status_code == 401
    sprayer = attempt(client, "alice", "password", address="10.0.0.7")
    assert sprayer.status_code == 429 and wait_of(sprayer) <= 300
    assert attempt(client, "alice", "password", address="10.0.0.8").status_code == 302


def test_a_throttled_account_is_free_again_when_the_window_has_passed(
    service_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A window long enough that three slow sign-ins on a loaded machine all fall in it.
    monkeypatch.setattr(limits, "SIGN_IN_PER_ACCOUNT", "3 per 8 seconds")
    browser = create_app(service_settings, {"TESTING": True}).test_client()
    make_user(service_settings, "alice")
    for _ in range(3):
        assert attempt(browser, "alice", "wrong guess").status_code == 401
    throttled = attempt(browser, "alice", "password")
    wait = int(throttled.headers.get("Retry-After", "0"))
    assert throttled.status_code == 429 and 0 < wait <= 8
    time.sleep(wait + 0.5)
    assert attempt(browser, "alice", "password").status_code == 302


def test_limits_count_in_redis_when_the_deployment_has_it(service_settings: Settings) -> None:
    """Two API processes (here two apps) share the counts through Redis; the embedded default
    counts per process."""
    make_user(service_settings, "alice")
    first = create_app(service_settings, {"TESTING": True}).test_client()
    second = create_app(service_settings, {"TESTING": True}).test_client()
    for _ in range(ACCOUNT_LIMIT):
        assert attempt(first, "alice", "wrong guess").status_code == 401
    if service_settings.embedded:
        assert service_settings.ratelimit_storage_url == "memory://"
        assert attempt(second, "alice", "password").status_code == 302
    else:
        assert service_settings.ratelimit_storage_url == service_settings.broker_url
        assert attempt(second, "alice", "password").status_code == 429
        keys = redis.Redis.from_url(service_settings.broker_url).keys("*tensor-grader*")
        assert keys and not any(b"alice" in key for key in keys)  # names are hashed


@embedded_only
def test_forwarded_addresses_count_only_behind_trusted_proxies(service_settings: Settings) -> None:
    make_user(service_settings, "alice")
    direct = create_app(service_settings, {"TESTING": True}).test_client()
    for n in range(ADDRESS_LIMIT):  # a client making up X-Forwarded-For does not escape the limit
        assert (
            attempt(direct, f"name{n}", "password", "192.0.2.1", forwarded=f"10.9.0.{n}").status_code == 401
        )
    assert attempt(direct, "alice", "password", address="192.0.2.1").status_code == 429

    proxied = create_app(replace(service_settings, trusted_proxies=1), {"TESTING": True}).test_client()
    for n in range(ADDRESS_LIMIT):  # one proxy: each client is the address it reports
        assert (
            attempt(proxied, f"name{n}", "password", "10.0.0.1", forwarded="203.0.113.5").status_code == 401
        )
    assert attempt(proxied, "alice", "password", "10.0.0.1", forwarded="203.0.113.5").status_code == 429
    assert attempt(proxied, "alice", "password", "10.0.0.1", forwarded="203.0.113.6").status_code == 302


def test_instructor_writes_share_one_budget_per_user(service_settings: Settings, client: FlaskClient) -> None:
    make_user(service_settings, "amy")
    teacher_token = make_user(service_settings, "teacher", Role.instructor)
    colleague_token = make_user(service_settings, "colleague", Role.instructor)
    sign_in(client, "teacher")
    csrf = page_token(client, "/dashboard/users/amy")
    for _ in range(WRITES_LIMIT - 1):
        made = client.post("/dashboard/users/amy/tokens", data={"csrf_token": csrf, "name": "t"})
        assert made.status_code == 200
    assert client.post("/api/v1/submissions/999999/regrade", headers=auth(teacher_token)).status_code == 404
    page = client.post("/dashboard/users/amy/tokens", data={"csrf_token": csrf, "name": "t"})
    assert page.status_code == 429 and page.mimetype == "text/html"
    wait = int(page.headers["Retry-After"])
    assert 1 <= wait <= 60 and f"Try again in {wait} seconds" in page.get_data(as_text=True)
    for path in ("/api/v1/submissions/1/regrade", "/api/v1/exercises/linalg.sum_axis/regrade"):
        api = client.post(path, headers=auth(teacher_token))
        assert api.status_code == 429 and 1 <= int(api.headers["Retry-After"]) <= 60
        error = api.get_json()["error"]
        assert error["code"] == "rate_limited" and "at most 30 per minute" in error["message"]
    # Per user: another instructor still writes; reading is never limited.
    assert client.post("/api/v1/submissions/999999/regrade", headers=auth(colleague_token)).status_code == 404
    assert client.get("/dashboard/users/amy").status_code == 200


@embedded_only
def test_every_dashboard_form_counts(service_settings: Settings, client: FlaskClient) -> None:
    make_user(service_settings, "amy")
    make_user(service_settings, "teacher", Role.instructor)
    sign_in(client, "teacher")
    csrf = page_token(client, "/dashboard/users/amy")
    forms = [
        ("/dashboard/users", {"username": "x y", "role": "student"}),  # refused (422): still a write
        ("/dashboard/users/amy/tokens", {}),
        ("/dashboard/users/amy/tokens/999/revoke", {}),
        ("/dashboard/users/amy/password-link", {}),
        ("/dashboard/users/amy/deactivate", {}),
        ("/dashboard/users/amy/activate", {}),
        ("/dashboard/submissions/999999/regrade", {}),
        ("/dashboard/exercises/linalg.sum_axis/regrade", {}),  # without the confirmation
    ]
    for n in range(WRITES_LIMIT):
        path, fields = forms[n % len(forms)]
        assert client.post(path, data={"csrf_token": csrf, **fields}).status_code != 429, path
    for path, fields in forms:
        assert client.post(path, data={"csrf_token": csrf, **fields}).status_code == 429, path


@embedded_only
def test_the_throttled_sign_in_page_speaks_chinese(service_settings: Settings, client: FlaskClient) -> None:
    client.set_cookie("lang", "zh")
    for _ in range(ACCOUNT_LIMIT):
        attempt(client, "alice", "wrong guess")
    page = attempt(client, "alice", "wrong guess")
    wait = page.headers["Retry-After"]
    assert page.status_code == 429 and re.search(f"请在 {wait} 秒后重试", page.get_data(as_text=True))


@embedded_only
def test_a_limit_store_that_is_down_still_throttles_in_memory(service_settings: Settings) -> None:
    down = replace(service_settings, ratelimit_storage="redis://127.0.0.1:9/0")
    browser = create_app(down, {"TESTING": True}).test_client()
    make_user(service_settings, "alice")
    for _ in range(ACCOUNT_LIMIT):
        assert attempt(browser, "alice", "wrong guess").status_code == 401
    assert attempt(browser, "alice", "password").status_code == 429
