"""GET /healthz: the database, the broker, the workers and their sandboxes, each with its state."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from grader.db import engine_for
from grader.fleet import service as workers
from grader.queue import producer
from grader.reports import faults
from grader.web.db import get_db

blueprint = Blueprint("health", __name__)


def _failure(exc: Exception) -> dict[str, Any]:
    return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}


def _database(url: str) -> dict[str, Any]:
    try:
        with engine_for(url).connect() as connection:
            connection.execute(text("SELECT 1"))
        return {"ok": True}
    except Exception as exc:
        return _failure(exc)


def _broker(broker_url: str) -> dict[str, Any]:
    try:
        with producer(broker_url).connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
        return {"ok": True}
    except Exception as exc:
        return _failure(exc)


def _fleet(url: str) -> dict[str, Any]:
    """Workers alive (by their heartbeats) and whether each one's sandbox is whole."""
    try:
        session = get_db()
        return {**workers.status(session), "grading": faults.recent_faults(session)}
    except Exception as exc:
        return {"workers": _failure(exc), "sandbox": _failure(exc), "grading": _failure(exc)}


@blueprint.get("/healthz")
def healthz() -> Any:
    """200 when the database and the broker answer ("degraded" without a live worker, with a
    sandbox layer missing, or after a grading the grader gave up on in the last hour), 503 when
    either is down."""
    settings = current_app.config["GRADER_SETTINGS"]
    database = _database(settings.database_url)
    broker = _broker(settings.broker_url)
    fleet = _fleet(settings.database_url)
    up = database["ok"] and broker["ok"]
    whole = fleet["workers"]["ok"] and fleet["sandbox"]["ok"] and fleet["grading"]["ok"]
    status = "ok" if up and whole else ("degraded" if up else "down")
    body = {"status": status, "database": database, "broker": broker, **fleet}
    return jsonify(body), 200 if up else 503
