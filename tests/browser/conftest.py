"""Browser fixtures: the whole service (gunicorn API + a Celery worker) on each backend, and
Debian's chromium driven by Playwright (never a downloaded browser). Screenshots go to
``artifacts/screenshots`` (or ``$GRADER_ARTIFACTS/screenshots``)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

from grader.accounts import service as accounts
from grader.accounts.models import Role
from grader.db import unit_of_work
from grader.settings import Settings
from tests.deployments import BACKENDS, deployment, environment
from tests.service.conftest import Worker

CHROMIUM = os.environ.get("GRADER_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("GRADER_ARTIFACTS", Path(__file__).resolve().parents[2] / "artifacts"))
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root in CI; the page is our own
    "--disable-gpu",
    "--disable-background-networking",  # the machine's network is closed: no calls home
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "correct horse battery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Live:
    """A running service: its URL, settings and the people in it."""

    url: str
    settings: Settings
    backend: str
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def add_user(self, name: str, role: Role = Role.student) -> None:
        """A user who signs in with PASSWORD."""
        with unit_of_work(self.settings.database_url) as session:
            accounts.create_user(session, name, role, PASSWORD)


@pytest.fixture(scope="module", params=BACKENDS)
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The API under gunicorn and one worker, on a fresh deployment of this backend."""
    folder = tmp_path_factory.mktemp(request.param.replace("+", "-"))
    with deployment(request.param, folder) as settings:
        port = _free_port()
        grader = str(Path(sys.executable).with_name("grader"))
        api = subprocess.Popen(
            [grader, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
            env=environment(settings),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        service = Live(f"http://127.0.0.1:{port}", settings, request.param, [api])
        try:
            worker = Worker(settings, concurrency=1)
            _wait_for(service.url + "/login", api)
            yield service
        finally:
            if "worker" in locals():
                worker.stop()
            os.killpg(api.pid, signal.SIGTERM)
            api.wait(timeout=20)


def _wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the API exited at start")
        try:
            if requests.get(url, timeout=10).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass  # not listening yet, or its first answer slow on a loaded machine: ask again
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in 60 s")


def cjk_font_missing() -> str | None:
    """Why Chinese text would render as boxes (no font for it, as fontconfig sees it), or None."""
    try:
        found = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        return "fc-list is not installed, so no font can show Chinese (apt-get install fonts-wqy-microhei)"
    if found.returncode != 0 or not found.stdout.strip():
        return (
            "no font for Chinese (`fc-list :lang=zh` finds none): the Chinese pages' screenshots would "
            "show boxes (apt-get install fonts-wqy-microhei)"
        )
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless, with a font for Chinese. Either missing: skipped, unless
    GRADER_REQUIRE_BROWSER is set (CI), where it fails and says what to install."""
    problems = []
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        problems.append(f"{CHROMIUM} is not installed (apt-get install chromium)")
    if font := cjk_font_missing():
        problems.append(font)
    if problems:
        if os.environ.get("GRADER_REQUIRE_BROWSER"):
            pytest.fail("; ".join(problems))
        pytest.skip("; ".join(problems))
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


class Tab:
    """A page that records every console error and uncaught exception, for the final check."""

    def __init__(self, context: BrowserContext, live: Live) -> None:
        self.context = context
        self.page: Page = context.new_page()
        self.live = live
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        self.page.on("dialog", lambda dialog: self.errors.append(f"dialog opened: {dialog.message}"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text} at {message.location}")

    def open(self, path: str) -> Page:
        """Go to a path of the service and wait until the page has loaded."""
        response = self.page.goto(self.live.url + path)
        assert response is not None
        return self.page

    def forgive(self, text: str) -> None:
        """Drop the recorded errors that contain ``text`` (a status the test asked for)."""
        self.errors = [error for error in self.errors if text not in error]

    def shot(self, name: str) -> None:
        """Save a full-page screenshot as an artifact."""
        folder = ARTIFACTS / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(folder / f"{self.live.backend}-{name}.png"), full_page=True)

    def sign_in(self, name: str, password: str = PASSWORD) -> None:
        """Sign in through the form."""
        self.open("/login")
        self.page.get_by_label("Username").fill(name)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url(lambda url: "/login" not in url)

    def assert_labelled(self) -> None:
        """Every visible form control has an accessible name."""
        unnamed = self.page.evaluate(
            """() => [...document.querySelectorAll('input, select, textarea, button')]
                .filter(e => e.type !== 'hidden' && !e.hidden && e.offsetParent !== null)
                .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                             && !e.getAttribute('aria-labelledby') && !(e.textContent || '').trim())
                .map(e => e.outerHTML.slice(0, 120))"""
        )
        assert unnamed == [], unnamed

    def assert_fits(self, width: int) -> None:
        """No horizontal scrolling of the page itself at this width."""
        scroll = self.page.evaluate("document.scrollingElement.scrollWidth")
        assert scroll <= width + 1, f"{self.page.url} is {scroll}px wide in a {width}px viewport"


@pytest.fixture
def tabs(browser: Browser, live: Live) -> Iterator[callable]:
    """Open tabs in fresh browser contexts (separate cookies); errors fail the test at the end."""
    opened: list[Tab] = []

    def open_tab(**options: object) -> Tab:
        context = browser.new_context(accept_downloads=True, **options)  # type: ignore[arg-type]
        tab = Tab(context, live)
        opened.append(tab)
        return tab

    yield open_tab
    errors = [error for tab in opened for error in tab.errors]
    for tab in opened:
        tab.context.close()
    assert errors == [], errors


@contextmanager
def fresh_page(browser: Browser) -> Iterator[Page]:
    """A page in a fresh browser context (its own cookies and storage); an uncaught script
    error fails the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    yield page
    context.close()
    assert errors == [], errors


@pytest.fixture
def lms_page(browser: Browser) -> Iterator[Page]:
    """A fresh page for an LMS's course page (the LTI platform simulator's)."""
    with fresh_page(browser) as page:
        yield page
