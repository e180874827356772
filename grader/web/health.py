"""GET /healthz: the database, the broker, the workers and the sandbox, each with its state."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from grader.db import engine_for
from grader.queue import producer

blueprint = Blueprint("health", __name__)


def _database(url: str) -> dict[str, Any]:
    try:
        with engine_for(url).connect() as connection:
            connection.execute(text("SELECT 1"))
        return {"ok": True}
    except Exception as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}


def _broker_and_workers(broker_url: str) -> tuple[dict[str, Any], dict[str, Any]]:
    app = producer(broker_url)
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
        broker: dict[str, Any] = {"ok": True}
    except Exception as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}, {"ok": False, "count": 0}
    try:
        replies = app.control.inspect(timeout=1.0).stats() or {}
    except Exception:
        replies = {}
    return broker, {"ok": bool(replies), "count": len(replies), "names": sorted(replies)}


@blueprint.get("/healthz")
def healthz() -> Any:
    """200 when the database and the broker answer (workers and sandbox are reported), else 503."""
    settings = current_app.config["GRADER_SETTINGS"]
    database = _database(settings.database_url)
    broker, workers = _broker_and_workers(settings.broker_url)
    from grader.services.sandbox_status import last_report

    sandbox = last_report(settings)
    ok = database["ok"] and broker["ok"]
    status = "ok" if ok and workers["ok"] and sandbox.get("ok", False) else ("degraded" if ok else "down")
    body = {"status": status, "database": database, "broker": broker, "workers": workers, "sandbox": sandbox}
    return jsonify(body), 200 if ok else 503
