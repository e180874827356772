"""The PostgreSQL pool pings a connection only when it has waited a while, and replaces one
that the server closed meanwhile (a restart, an administrator's kill) without failing the work."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import text

from grader.db import PING_AFTER_IDLE_SECONDS, engine_for, unit_of_work
from tests.deployments import PG_ADMIN, deployment


def test_a_busy_connection_is_not_pinged_and_a_dead_idle_one_is_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with deployment("postgres+redis", tmp_path) as settings:
        engine = engine_for(settings.database_url)
        pings: list[Any] = []
        ping = engine.dialect.do_ping
        monkeypatch.setattr(engine.dialect, "do_ping", lambda connection: pings.append(1) or ping(connection))

        def backend() -> int:
            with unit_of_work(settings.database_url) as session:
                return int(session.scalar(text("SELECT pg_backend_pid()")) or 0)

        first = backend()
        assert backend() == first and backend() == first  # reused at once: no ping
        assert len(pings) <= 1  # the first checkout's, if the pool had made it before
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:  # ends it, as a restart would
            admin.execute("SELECT pg_terminate_backend(%s)", [first])
        time.sleep(PING_AFTER_IDLE_SECONDS + 0.2)
        assert backend() != first  # idle: pinged, found dead, replaced; the work went on
        assert len(pings) >= 2
        engine.dispose()
