"""Service fixtures: real PostgreSQL and Redis (and the embedded SQLite default), real Celery
worker processes started with the `grader worker` command, the Flask app over its test client."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
import redis
from flask.testing import FlaskClient
from sqlalchemy import select

from grader.accounts import service as accounts
from grader.accounts.models import Role
from grader.db import unit_of_work
from grader.fleet.models import WorkerHeartbeat
from grader.migrate import upgrade
from grader.settings import Settings
from grader.web.app import create_app

PG_ADMIN = "host=127.0.0.1 user=postgres dbname=postgres"
REDIS = "redis://127.0.0.1:6379"


def _postgres_database() -> str:
    name = f"tg_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return name


def _drop_postgres(name: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


BACKENDS = ["postgres+redis", "embedded"]
REDIS_DATABASES = range(1, 16)  # 0 holds the leases below
LEASE_SECONDS = 3 * 3600


@contextmanager
def redis_database() -> Iterator[str]:
    """A Redis database index of our own for as long as the block runs: leased with SET NX in
    database 0, so test runs side by side (parallel workers, two checkouts) never share one
    (each flushes its database, which would lose the other's queue)."""
    leases = redis.Redis.from_url(f"{REDIS}/0")
    owner = uuid.uuid4().hex
    deadline = time.time() + 600
    while True:
        for index in REDIS_DATABASES:
            key = f"tensor-grader:test-redis-db:{index}"
            if leases.set(key, owner, nx=True, ex=LEASE_SECONDS):
                url = f"{REDIS}/{index}"
                redis.Redis.from_url(url).flushdb()
                try:
                    yield url
                finally:
                    redis.Redis.from_url(url).flushdb()
                    if leases.get(key) == owner.encode():
                        leases.delete(key)
                return
        if time.time() > deadline:
            raise RuntimeError("every Redis test database is leased; stale leases expire in 3 h")
        time.sleep(0.5)


@contextmanager
def deployment(kind: str, folder: Path) -> Iterator[Settings]:
    """A fresh deployment, migrated: a new PostgreSQL database and Redis db index, or SQLite
    database and broker files in ``folder``; dropped at the end."""
    with contextlib.ExitStack() as stack:
        if kind == "embedded":
            database_url, broker_url = f"sqlite:///{folder}/grader.db", f"sqla+sqlite:///{folder}/broker.db"
        else:
            database = _postgres_database()
            stack.callback(_drop_postgres, database)
            database_url = f"postgresql+psycopg://postgres@127.0.0.1/{database}"
            broker_url = stack.enter_context(redis_database())
        yield _migrated(folder, database_url, broker_url)


def _migrated(folder: Path, database_url: str, broker_url: str) -> Settings:
    settings = replace(
        Settings(),
        instance_dir=folder,
        database_url=database_url,
        broker_url=broker_url,
        sweep_after_seconds=3.0,
        submissions_per_minute=1000,
        secure_cookies=False,  # the test clients speak plain HTTP
    )
    upgrade(settings.database_url)
    return settings


@pytest.fixture(params=BACKENDS)
def service_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings for a fresh deployment, migrated: PostgreSQL + Redis, or SQLite + SQLite broker."""
    with deployment(request.param, tmp_path) as settings:
        yield settings


def environment(settings: Settings) -> dict[str, str]:
    """The GRADER_* variables that make a worker process use ``settings``."""
    return {
        **os.environ,
        "GRADER_DATABASE_URL": settings.database_url,
        "GRADER_BROKER_URL": settings.broker_url,
        "GRADER_INSTANCE_DIR": str(settings.instance_dir),
        "GRADER_SECRET_KEY": "test-secret",
        "GRADER_SWEEP_AFTER_SECONDS": str(settings.sweep_after_seconds),
        "GRADER_SUBMISSIONS_PER_MINUTE": str(settings.submissions_per_minute),
        # The tests' webhook receiver listens on loopback, which production refuses.
        "GRADER_WEBHOOK_ALLOW_PRIVATE": "1",
        # The tests' servers speak plain HTTP: a Secure session cookie would never come back.
        "GRADER_SECURE_COOKIES": "0",
    }


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
