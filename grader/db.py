"""The database: the declarative base, engines, sessions, and the one way to open a transaction
(``unit_of_work``), with work to do once it has committed (``after_commit``: tasks are sent only
for rows that exist).

SQLite (the embedded default) runs in WAL mode with ``synchronous=NORMAL`` and a busy timeout,
which keeps the web process and a worker from blocking each other; foreign keys are enforced.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import cache, partial
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import JSON, DateTime, Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker


class Base(DeclarativeBase):
    """The declarative base of every table (each domain's ``models.py`` adds its own)."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: DateTime(timezone=True),
        dict[str, Any]: JSON,
        list[dict[str, Any]]: JSON,
    }


@cache
def engine_for(url: str) -> Engine:
    """One engine per database URL and process."""
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url, pool_size=10, max_overflow=20)
    event.listen(engine, "checkin", _note_checkin)
    event.listen(engine, "checkout", partial(_ping_if_idle, engine))
    return engine


PING_AFTER_IDLE_SECONDS = 1.0


def _note_checkin(_dbapi_connection: Any, record: Any) -> None:
    record.info["checked_in"] = time.monotonic()


def _ping_if_idle(engine: Engine, dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """Check a pooled connection before use only if it has been idle for a second: one that was
    in use a moment ago is alive, and a ping on every checkout (``pool_pre_ping``) was a round
    trip on every transaction, two per graded submission. A dead one (the server restarted) is
    replaced: the pool retries with a new connection."""
    if time.monotonic() - record.info.get("checked_in", float("-inf")) < PING_AFTER_IDLE_SECONDS:
        return
    try:
        engine.dialect.do_ping(dbapi_connection)
    except Exception as exc:  # closed while it waited in the pool: the pool takes another
        raise DisconnectionError(str(exc)) from exc


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
    # PostgreSQL's md5(text), which rebuilding the read side's tallies uses in SQL.
    connection.create_function("md5", 1, _md5, deterministic=True)


def _md5(value: str | None) -> str | None:
    return None if value is None else hashlib.md5(value.encode(), usedforsecurity=False).hexdigest()


@cache
def _factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(engine_for(url), expire_on_commit=False)


def open_session(url: str) -> Session:
    """A new session on the database at ``url`` (the caller commits, rolls back and closes it)."""
    return _factory(url)()


_AFTER_COMMIT = "grader.after_commit"


def dialect_insert(session: Session) -> Any:
    """The dialect's INSERT, which has ON CONFLICT ... DO UPDATE (PostgreSQL and SQLite alike)."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def after_commit(session: Session, action: Callable[[], None]) -> None:
    """Run ``action`` once the session's transaction has committed; never if it rolls back."""
    session.info.setdefault(_AFTER_COMMIT, []).append(action)


def commit(session: Session) -> None:
    """Commit, then run what was waiting for the commit."""
    session.commit()
    for action in session.info.pop(_AFTER_COMMIT, []):
        action()


def rollback(session: Session) -> None:
    """Roll back, and forget what was waiting for a commit."""
    session.info.pop(_AFTER_COMMIT, None)
    session.rollback()


@contextmanager
def unit_of_work(url: str) -> Iterator[Session]:
    """A session whose work is committed on success (then its after-commit work runs) and
    rolled back on any error."""
    session = open_session(url)
    try:
        yield session
        commit(session)
    except BaseException:
        rollback(session)
        raise
    finally:
        session.close()


CHUNK = 500  # ids per IN list (SQLite allows 32,766 parameters a statement; plans stay small)


def chunked(ids: Sequence[int], size: int = CHUNK) -> Iterator[Sequence[int]]:
    """``ids`` in slices of at most ``size``, for statements with an IN list."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
