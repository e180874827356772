"""GRADER_SANDBOX_STRICT: a worker on a machine that lacks a sandbox layer refuses to start, once,
in its main process, with a clear message and a non-zero exit code (not pool processes
replaced in a loop)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# A real `celery worker` main process; the probe is made to report Landlock missing.
WORKER = """
import sys
from worker.sandbox.client import Sandbox

real = Sandbox.missing_mechanisms
if sys.argv[1] == "missing":
    Sandbox.missing_mechanisms = lambda self: [*real(self), "landlock"]
from celery.__main__ import main

sys.argv = ["celery", "-A", "worker.main:app", "worker", "-Q", "grading", "--concurrency", "1",
            "--without-gossip", "--without-mingle", "--loglevel", "WARNING"]
main()
"""


def _worker(tmp_path: Path, layers: str, timeout: float) -> subprocess.CompletedProcess[str] | None:
    """Run the worker until it exits (None if it is still running after ``timeout``)."""
    env = {
        **os.environ,
        "GRADER_SANDBOX_STRICT": "1",
        "GRADER_INSTANCE_DIR": str(tmp_path),
        "GRADER_DATABASE_URL": f"sqlite:///{tmp_path}/grader.db",
        "GRADER_BROKER_URL": f"sqla+sqlite:///{tmp_path}/broker.db",
    }
    try:
        return subprocess.run(
            [sys.executable, "-c", WORKER, layers],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=Path(__file__).parents[2],
        )
    except subprocess.TimeoutExpired:
        return None  # still running: it started


def test_strict_worker_refuses_to_start_when_a_layer_is_missing(tmp_path: Path) -> None:
    ended = _worker(tmp_path, "missing", timeout=180)
    assert ended is not None, "the worker started although a layer was missing"
    assert ended.returncode == 3, ended.stderr[-2000:]
    assert "GRADER_SANDBOX_STRICT" in ended.stderr and "landlock" in ended.stderr
    assert "does not start" in ended.stderr
    assert "Signal handler" not in ended.stderr  # refused, not a swallowed error


def test_strict_check_passes_when_every_layer_is_active(tmp_path: Path) -> None:
    check = "from worker.main import app\napp.grader.check_sandbox_layers()\nprint('checked')\n"
    ended = subprocess.run(
        [sys.executable, "-c", check],
        env={**os.environ, "GRADER_SANDBOX_STRICT": "1", "GRADER_INSTANCE_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=180,
        cwd=Path(__file__).parents[2],
    )
    assert ended.returncode == 0 and "checked" in ended.stdout, ended.stderr[-2000:]
