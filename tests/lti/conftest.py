"""LTI fixtures: the platform simulator and the real Flask service, each served over HTTP on
loopback (the platform's token endpoint fetches the tool's /lti/jwks; the tool fetches the
platform's JWKS), the platform registered with `grader lti add-platform`, and a browser
(a requests session keeping cookies) that follows a launch from login initiation to landing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from grader.cli import main
from grader.lti import platform_keys, service_token
from grader.settings import Settings
from grader.web.app import create_app
from tests.deployments import environment
from tests.lti.platform import Platform, auto_post, served
from tests.service.conftest import service_settings, start_worker  # noqa: F401


class _Later:
    """A WSGI app given after the server has its port (the app's public URL names the port)."""

    app: Any = None

    def __call__(self, environ: Any, start_response: Any) -> Any:
        return self.app(environ, start_response)


@dataclass
class Tool:
    """The service as the LMS sees it."""

    url: str
    settings: Settings

    def cli(self, *args: str) -> Any:
        """A `grader` command against this deployment."""
        # The same secret key as the served app (the LTI private key is encrypted with it).
        env = {
            **environment(self.settings),
            "GRADER_PUBLIC_URL": self.url,
            "GRADER_SECRET_KEY": self.settings.secret_key(),
        }
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def platform() -> Iterator[Platform]:
    """The LMS simulator, served."""
    simulator = Platform()
    with served(simulator) as url:
        simulator.url = url
        yield simulator
    platform_keys.forget()


@pytest.fixture
def tool(
    service_settings: Settings,  # noqa: F811
    platform: Platform,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Tool]:
    """The service, served, with the simulator registered as a platform."""
    # The served app, the commands and the worker processes (tests.deployments.environment)
    # share one secret key: the tool's private key is encrypted with it.
    monkeypatch.setenv("GRADER_SECRET_KEY", environment(service_settings)["GRADER_SECRET_KEY"])
    service_token.forget()
    later = _Later()
    with served(later) as url:
        settings = replace(service_settings, public_url=url)
        later.app = create_app(settings, {"TESTING": True})
        platform.tool_jwks_url = f"{url}/lti/jwks"
        found = Tool(url, settings)
        added = found.cli("lti", "add-platform", *platform.registration())
        assert added.exit_code == 0, added.output
        yield found


def launch(
    tool: Tool, platform: Platform, hint: str, browser: requests.Session | None = None
) -> requests.Response:
    """A launch as a browser makes it: login initiation at the tool, redirect to the platform's
    auth endpoint, its auto-submitting form posted to the tool's launch URL; the tool's answer
    (not followed)."""
    browser = browser if browser is not None else requests.Session()
    started = browser.get(f"{tool.url}/lti/login", params=platform.initiation(hint), allow_redirects=False)
    assert started.status_code == 302, started.text[:500]
    page = browser.get(started.headers["Location"])
    assert page.status_code == 200, page.text
    action, fields = auto_post(page.text)
    return browser.post(action, data=fields, allow_redirects=False)
