"""The README's first command: `grader up` starts the embedded service; `grader submit` uses it."""

from __future__ import annotations

import contextlib
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
        while "Ctrl-C stops it." not in printed:
            assert time.time() < deadline and service.poll() is None, printed
            printed += service.stdout.readline()
        assert f"http://127.0.0.1:{port}" in printed
        # The banner's hint runs as printed: from another folder, without the venv on PATH.
        hint = re.search(r"^try:  (.+)$", printed, re.M).group(1)  # type: ignore[union-attr]
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        submitted = subprocess.run(
            ["/bin/sh", "-c", hint + " --timeout 90"],
            cwd=elsewhere,
            env={"PATH": "/usr/bin:/bin", "HOME": str(elsewhere), "LANG": "C.UTF-8"},
            capture_output=True,
            text=True,
            timeout=150,
        )
        assert submitted.returncode == 1, submitted.stdout + submitted.stderr  # a wrong answer
        lines = submitted.stdout.splitlines()
        assert re.fullmatch(r"linalg\.sum_axis: [\d.]+ / 10  \(failed\)", lines[0]), submitted.stdout
        assert re.search(r"^  FAIL \[public\] .+ \(0/0\.71\)$", submitted.stdout, re.M), submitted.stdout
        assert "you changed the input `x` in place" in submitted.stdout
        _sign_in_to_the_portal(f"http://127.0.0.1:{port}", printed)
        assert (tmp_path / "grader.db").exists() and (tmp_path / "broker.db").exists()
        # `kill` reaches `grader up` alone: it stops the API and the worker before it exits.
        service.send_signal(signal.SIGTERM)
        service.wait(timeout=45)
        assert _processes_of(f"127.0.0.1:{port}", str(tmp_path)) == []
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(service.pid, signal.SIGKILL)
        service.wait()


def test_ctrl_c_stops_the_api_whole(tmp_path: Path) -> None:
    # Ctrl-C reaches every process of the terminal's group. Gunicorn's workers leave it to the
    # master, which stops each with one signal (two could hang a gthread worker for good).
    port = _free_port()
    api = subprocess.Popen(  # `grader serve` execs gunicorn: this is the master
        [GRADER, "serve", "--port", str(port), "--workers", "2"],
        env={**os.environ, "GRADER_INSTANCE_DIR": str(tmp_path)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.time() + 60
        while not _workers_ignoring_sigint(api.pid, 2):
            assert time.time() < deadline and api.poll() is None, "gunicorn's workers did not start"
            time.sleep(0.2)
        os.killpg(api.pid, signal.SIGINT)
        api.wait(timeout=30)
        deadline = time.time() + 10
        while _processes_of(f"127.0.0.1:{port}"):
            assert time.time() < deadline, "a gunicorn process outlived Ctrl-C"
            time.sleep(0.2)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(api.pid, signal.SIGKILL)
        api.wait()


def _workers_ignoring_sigint(master: int, count: int) -> bool:
    """True once ``count`` workers of the gunicorn master run with SIGINT ignored."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        ignored = [
            int(line.split()[1], 16) & (1 << (signal.SIGINT - 1))
            for child in children
            for line in Path(f"/proc/{child}/status").read_text().splitlines()
            if line.startswith("SigIgn:")
        ]
    except OSError:  # a worker that is starting or gone
        return False
    return len(ignored) == count and all(ignored)


def _processes_of(*patterns: str) -> list[int]:
    """Pids of the processes whose command line mentions any of the patterns."""
    found = subprocess.run(["pgrep", "-f", "|".join(patterns)], capture_output=True, text=True)
    return [int(pid) for pid in found.stdout.split() if int(pid) != os.getpid()]


def _described(pids: list[int]) -> str:
    """What these processes are (pid, age, command line), for a failure's message."""
    shown = subprocess.run(
        ["ps", "-o", "pid,ppid,etime,stat,args", "-p", ",".join(map(str, pids))],
        capture_output=True,
        text=True,
    )
    return shown.stdout.strip() or str(pids)


def _sign_in_to_the_portal(url: str, printed: str) -> None:
    """The printed demo student signs in and sees the exercise graded."""
    password = re.search(r"as student 'demo', password (\S+)", printed).group(1)  # type: ignore[union-attr]
    browser = requests.Session()
    form = browser.get(f"{url}/login", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    page = browser.post(
        f"{url}/login", data={"username": "demo", "password": password, "csrf_token": token}, timeout=30
    )
    assert page.url.endswith("/exercises"), page.url
    graded = r'<li class="exercise-item state-(partial|zero)" data-slug="linalg.sum_axis">'
    assert re.search(graded, page.text)


def test_ctrl_c_stops_grader_up_quickly_and_quietly(tmp_path: Path) -> None:
    # Ctrl-C in the terminal reaches every process of the group: `grader up`, gunicorn, the
    # worker, its pool processes and their zygotes. All of it stops, with no traceback.
    port = _free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GRADER_")}
    environment["GRADER_INSTANCE_DIR"] = str(tmp_path)
    errors = tmp_path / "stderr.log"
    with errors.open("w") as stderr:
        service = subprocess.Popen(
            [GRADER, "up", "--port", str(port)],
            env=environment,
            text=True,
            stdout=subprocess.PIPE,
            stderr=stderr,
            start_new_session=True,
        )
    try:
        assert service.stdout is not None
        printed = ""
        deadline = time.time() + 120
        while "token:" not in printed:
            assert time.time() < deadline and service.poll() is None, printed
            printed += service.stdout.readline()
        token = re.search(r"token: (\S+)", printed).group(1)  # type: ignore[union-attr]
        headers = {"Authorization": f"Bearer {token}"}
        code = EXAMPLE.read_text()
        url = f"http://127.0.0.1:{port}/api/v1/submissions"
        created = requests.post(
            url, json={"exercise": "linalg.sum_axis", "code": code}, headers=headers, timeout=30
        )
        location = f"{url}/{created.json()['id']}"
        deadline = time.time() + 120
        while requests.get(location, headers=headers, timeout=30).json()["status"] != "graded":
            assert time.time() < deadline, "not graded"
            time.sleep(0.2)
        os.killpg(service.pid, signal.SIGINT)
        service.wait(timeout=30)
        deadline = time.time() + 30  # a bound against hangs; a loaded machine is slow to stop
        while survivors := _processes_of(f"127.0.0.1:{port}", str(tmp_path)):
            assert time.time() < deadline, f"outlived Ctrl-C: {_described(survivors)}"
            time.sleep(0.2)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(service.pid, signal.SIGKILL)
        service.wait()
    log = errors.read_text()
    assert "Traceback" not in log and "BrokenPipeError" not in log, log[-3000:]
