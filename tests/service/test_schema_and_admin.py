"""Migrations run from empty and agree with the models; the admin commands work."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import inspect

from grader.db import Base, engine_for
from grader.migrate import check
from grader.settings import Settings
from grader.web.app import create_app
from tests.deployments import environment

GRADER = str(Path(sys.executable).with_name("grader"))


def test_migrations_match_the_models(service_settings: Settings) -> None:
    check(service_settings.database_url)  # raises if a model change has no migration
    tables = set(inspect(engine_for(service_settings.database_url)).get_table_names())
    assert set(Base.metadata.tables) <= tables


def _grader(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GRADER, *args], env=environment(settings), capture_output=True, text=True, timeout=120
    )


def test_users_tokens_and_sync_commands(service_settings: Settings) -> None:
    assert _grader(service_settings, "db", "upgrade").returncode == 0
    created = _grader(service_settings, "users", "create", "mei", "--role", "instructor")
    assert created.returncode == 0 and "created instructor mei" in created.stdout
    again = _grader(service_settings, "users", "create", "mei")
    assert again.returncode == 1 and "taken" in again.stderr
    token = _grader(service_settings, "tokens", "create", "mei")
    assert token.returncode == 0 and token.stdout.startswith("tg_") and len(token.stdout.split()) == 1
    assert _grader(service_settings, "tokens", "create", "nobody").returncode == 1
    listed = _grader(service_settings, "tokens", "list", "mei")
    assert listed.returncode == 0 and token.stdout[:10] in listed.stdout and "active" in listed.stdout
    token_id = listed.stdout.split()[0]
    revoked = _grader(service_settings, "tokens", "revoke", token_id)
    assert revoked.returncode == 0 and "REVOKED" in _grader(service_settings, "tokens", "list", "mei").stdout
    app = create_app(service_settings, {"TESTING": True}).test_client()
    refused = app.get("/api/v1/submissions", headers={"Authorization": f"Bearer {token.stdout.strip()}"})
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "unauthenticated"
    synced = _grader(service_settings, "exercises", "sync")
    assert synced.returncode == 0 and "linalg.sum_axis" in synced.stdout
