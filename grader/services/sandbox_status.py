"""Which sandbox layers the workers have: each worker writes its zygote's report at start, so
the API can show it in /healthz without running a sandbox itself."""

from __future__ import annotations

import json
import os
import socket
import time
from typing import Any

from grader.settings import Settings


def _path(settings: Settings) -> str:
    return str(settings.instance_dir / "sandbox-status.json")


def write_report(settings: Settings, mechanisms: dict[str, bool], details: dict[str, str]) -> None:
    """Record this worker's sandbox layers (on its host)."""
    report = {
        "host": socket.gethostname(),
        "at": time.time(),
        "mechanisms": mechanisms,
        "missing": {k: details.get(k, "") for k, on in mechanisms.items() if not on},
    }
    os.makedirs(settings.instance_dir, exist_ok=True)
    temporary = _path(settings) + f".{os.getpid()}"
    with open(temporary, "w") as out:
        json.dump(report, out)
    os.replace(temporary, _path(settings))


def last_report(settings: Settings) -> dict[str, Any]:
    """The latest report a worker on this host wrote, with ok = every layer active."""
    try:
        with open(_path(settings)) as source:
            report: dict[str, Any] = json.load(source)
    except (OSError, ValueError):
        return {"ok": False, "error": "no worker has reported its sandbox on this host yet"}
    report["ok"] = not report.get("missing")
    return report
