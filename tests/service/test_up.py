"""The README's first command: `grader up` starts the embedded service; `grader submit` uses it."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

GRADER = str(Path(sys.executable).with_name("grader"))
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sum_axis.py"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_up_then_submit(tmp_path: Path) -> None:
    port = _free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GRADER_")}
    environment["GRADER_INSTANCE_DIR"] = str(tmp_path)
    service = subprocess.Popen(
        [GRADER, "up", "--port", str(port)],
        env=environment,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert service.stdout is not None
        printed = ""
        deadline = time.time() + 120
        while "token:" not in printed:
            assert time.time() < deadline and service.poll() is None, printed
            printed += service.stdout.readline()
        assert f"http://127.0.0.1:{port}" in printed
        token = re.search(r"token: (\S+)", printed).group(1)  # type: ignore[union-attr]
        submitted = subprocess.run(
            [
                GRADER,
                "submit",
                str(EXAMPLE),
                "--exercise",
                "linalg.sum_axis",
                "--url",
                f"http://127.0.0.1:{port}",
                "--timeout",
                "90",
            ],
            env={**environment, "GRADER_TOKEN": token},
            capture_output=True,
            text=True,
            timeout=150,
        )
        assert submitted.returncode == 0, submitted.stdout + submitted.stderr
        assert submitted.stdout.startswith("linalg.sum_axis: 10.0 / 10.0  (graded)")
        _sign_in_to_the_portal(f"http://127.0.0.1:{port}", printed)
        assert (tmp_path / "grader.db").exists() and (tmp_path / "broker.db").exists()
    finally:
        os.killpg(service.pid, signal.SIGINT)
        try:
            service.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(service.pid, signal.SIGKILL)


def _sign_in_to_the_portal(url: str, printed: str) -> None:
    """The printed demo student signs in and sees the graded exercise at full marks."""
    password = re.search(r"as student 'demo', password (\S+)", printed).group(1)  # type: ignore[union-attr]
    browser = requests.Session()
    form = browser.get(f"{url}/login", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    page = browser.post(
        f"{url}/login", data={"username": "demo", "password": password, "csrf_token": token}, timeout=30
    )
    assert page.url.endswith("/exercises"), page.url
    assert '<li class="exercise-item state-full" data-slug="linalg.sum_axis">' in page.text
