"""A grading worker's processes: the beat dies with its worker, a pool process says it is up
before its zygote has started, and the zygote ignores the terminal's Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.settings import Settings
from tests.service.conftest import Worker
from worker.celery_app import WorkerContext
from worker.sandbox.client import Sandbox

# The process tree does not depend on the database: one backend is enough.
embedded_only = pytest.mark.parametrize("service_settings", ["embedded"], indirect=True)


def children(pid: int) -> list[int]:
    """The pids of a process's children (empty once it is gone)."""
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@embedded_only
def test_the_beat_dies_with_a_killed_worker(service_settings: Settings, start_worker: type[Worker]) -> None:
    worker = start_worker(concurrency=1, beat=True)
    main = worker.process.pid
    deadline = time.time() + 30
    while len(children(main)) < 2:  # the pool process and the beat
        assert time.time() < deadline, children(main)
        time.sleep(0.2)
    spawned = children(main)
    beat = [pid for pid in spawned if not children(pid)]  # the pool process has its zygote
    assert len(beat) == 1, spawned
    os.kill(main, signal.SIGKILL)  # not the group: only the worker's main process dies
    worker.process.wait()
    deadline = time.time() + 15
    while alive(beat[0]):
        assert time.time() < deadline, "the beat outlived its worker: a restart would make two"
        time.sleep(0.2)


@embedded_only
def test_a_pool_process_is_up_before_its_zygote_has_started(service_settings: Settings) -> None:
    # Celery kills a pool process that is not up within 4 s; a zygote can take longer on a
    # loaded machine, so its start must not hold the pool process back.
    context = WorkerContext(service_settings)
    starting = context.start_sandbox_in_background()
    assert starting.is_alive()  # returned while the zygote is still starting
    try:
        box = context.sandbox()  # a task waits for the start under way instead of starting another
        assert box.running
        starting.join(timeout=60)
        assert not starting.is_alive() and context.sandbox() is box
    finally:
        context.close()


def test_the_zygote_ignores_ctrl_c(sandbox: Sandbox) -> None:
    zygote = sandbox._process
    assert zygote is not None
    ignored = next(
        int(line.split()[1], 16)
        for line in Path(f"/proc/{zygote.pid}/status").read_text().splitlines()
        if line.startswith("SigIgn:")
    )
    assert ignored & (1 << (signal.SIGINT - 1)), "a Ctrl-C would reach the zygote"


def test_a_zygote_whose_client_left_during_its_start_exits_quietly() -> None:
    # A pool process stopped while its zygote is still importing torch: the zygote's first
    # message finds the socket closed. It leaves without a traceback (it printed one before).
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    zygote = subprocess.Popen(
        [sys.executable, "-I", "-m", "worker.sandbox.zygote"],
        stdin=theirs.fileno(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={"PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1"},
        cwd="/",
    )
    theirs.close()
    ours.close()
    _, errors = zygote.communicate(timeout=120)
    assert zygote.returncode == 0, errors.decode()
    assert b"Traceback" not in errors, errors.decode()
