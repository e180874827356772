"""Fresh deployments for tests and benchmarks: a new PostgreSQL database with a Redis database
leased for it, or SQLite files (database and broker) in a folder; migrated to head, dropped at
the end. ``bench/`` uses these too, so the tests and the benchmarks measure the same thing."""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import psycopg
import redis

from grader.migrate import upgrade
from grader.settings import Settings

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
        "GRADER_EXERCISE_PATH": os.pathsep.join(str(folder) for folder in settings.exercise_path),
    }
