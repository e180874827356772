"""Page fixtures: the service's deployments (PostgreSQL + Redis, embedded SQLite) and helpers
to sign in through the real form, CSRF token included."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from grader.db import unit_of_work
from grader.settings import Settings
from grader.submissions import lifecycle
from grader.submissions.execute import run_job
from tests.service.conftest import client, make_user, service_settings, start_worker  # noqa: F401
from worker.sandbox.client import Sandbox

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF token of the first form of a page."""
    found = _TOKEN.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def page_token(browser: FlaskClient, path: str) -> str:
    """Load a page and return its forms' CSRF token."""
    response = browser.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return csrf_from(response.get_data(as_text=True))


def sign_in(browser: FlaskClient, username: str, password: str = "password") -> None:
    """Sign in through the form, as a browser does."""
    token = page_token(browser, "/login")
    response = browser.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def grade_now(settings: Settings, submission_id: int, sandbox: Sandbox) -> None:
    """Grade a queued submission in this process, as a worker would (claim, grade, record)."""
    with unit_of_work(settings.database_url) as session:
        job = lifecycle.claim(session, submission_id, worker="test")
    assert job is not None
    report, grading_ms = run_job(job, sandbox)
    with unit_of_work(settings.database_url) as session:
        lifecycle.record_report(session, job, report, grading_ms)


# For tests of the pages' own logic (forms, redirects, escaping, headers), where the database
# makes no difference: one deployment instead of both keeps the suite short. Tests whose queries
# could differ between PostgreSQL and SQLite keep both.
embedded_only = pytest.mark.parametrize("service_settings", ["embedded"], indirect=True)
