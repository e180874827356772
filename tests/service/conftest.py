"""Service fixtures: real PostgreSQL and Redis (and the embedded SQLite default), real Celery
worker processes started with the `grader worker` command, the Flask app over its test client."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from grader.accounts import service as accounts
from grader.accounts.models import Role
from grader.db import unit_of_work
from grader.fleet.models import WorkerHeartbeat
from grader.settings import Settings
from grader.web.app import create_app
from tests.deployments import BACKENDS, deployment, environment


@pytest.fixture(params=BACKENDS)
def service_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings for a fresh deployment, migrated: PostgreSQL + Redis, or SQLite + SQLite broker."""
    with deployment(request.param, tmp_path) as settings:
        yield settings


STOP_SECONDS = 30


class Worker:
    """A `grader worker` process (its own process group, so it can be killed whole)."""

    def __init__(self, settings: Settings, *, concurrency: int = 2, beat: bool = False) -> None:
        self.settings = settings
        started = time.time()
        argv = [str(Path(sys.executable).with_name("grader")), "worker", "--concurrency", str(concurrency)]
        self.process = subprocess.Popen(
            argv + (["--beat"] if beat else []),
            env=environment(settings),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.time() + 90
        while self._alive_since(started) < concurrency:  # every pool process has its zygote
            if time.time() > deadline or self.process.poll() is not None:
                raise RuntimeError("the worker did not start")
            time.sleep(0.2)
        time.sleep(1.0)  # the pool's other process and the consumer

    def _alive_since(self, started: float) -> int:
        with unit_of_work(self.settings.database_url) as session:
            since = datetime.fromtimestamp(started - 1, UTC)
            return len(
                session.scalars(select(WorkerHeartbeat).where(WorkerHeartbeat.started_at >= since)).all()
            )

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes at once."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        """Stop gracefully as a service manager does (SIGTERM to the main process only, which
        stops its pool; systemd's KillMode=mixed, docker stop), and fail the test if it has not
        stopped within STOP_SECONDS. Whatever of its group is left is killed either way.

        A SIGTERM to the whole group instead kills the pool processes under the main process,
        and with the embedded broker's pool that can leave the main process waiting forever for
        a lock a dead pool process held (billiard's synchronous pool)."""
        stopped = True
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                stopped = False
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        assert stopped, f"the worker did not stop within {STOP_SECONDS} s of SIGTERM"


@pytest.fixture
def start_worker(service_settings: Settings) -> Iterator[type[Worker]]:
    """Start workers for this deployment; all are stopped at the end of the test."""
    started: list[Worker] = []

    def start(**kwargs: object) -> Worker:
        worker = Worker(service_settings, **kwargs)  # type: ignore[arg-type]
        started.append(worker)
        return worker

    yield start  # type: ignore[misc]
    for worker in started:
        worker.stop()


@pytest.fixture
def client(service_settings: Settings) -> FlaskClient:
    """The API over Flask's test client, on this deployment's database and broker."""
    return create_app(service_settings, {"TESTING": True}).test_client()


def make_user(settings: Settings, name: str, role: Role = Role.student) -> str:
    """Create a user and return a bearer token for them."""
    with unit_of_work(settings.database_url) as session:
        accounts.create_user(session, name, role, "password")
        return accounts.create_token(session, name)


def auth(token: str) -> dict[str, str]:
    """Headers for a bearer token."""
    return {"Authorization": f"Bearer {token}"}


def wait_graded(client: FlaskClient, token: str, ids: list[int], timeout: float = 90) -> list[dict]:
    """Poll until every submission is graded (or errored); returns them."""
    deadline = time.time() + timeout
    while True:
        bodies = [client.get(f"/api/v1/submissions/{i}", headers=auth(token)).get_json() for i in ids]
        if all(b["status"] in ("graded", "error") for b in bodies):
            return bodies
        if time.time() > deadline:
            pending = [b["id"] for b in bodies if b["status"] not in ("graded", "error")]
            raise AssertionError(f"not graded in {timeout} s: {pending[:20]} ({len(pending)} left)")
        time.sleep(0.2)
