"""The worker's Celery app: the grader's configuration plus the tasks, and one sandbox zygote
per pool process, started with the process and restarted if it dies."""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading
import time

from celery.signals import beat_embedded_init, worker_init, worker_process_init, worker_process_shutdown

from grader.db import unit_of_work
from grader.fleet import service as workers
from grader.queue import make_celery
from grader.settings import Settings
from worker.sandbox import linux
from worker.sandbox.client import Sandbox

log = logging.getLogger(__name__)
settings = Settings()
app = make_celery(settings.broker_url, sweep_every_seconds=settings.sweep_every_seconds)
app.conf.include = ["worker.tasks"]

_sandbox: Sandbox | None = None
_sandbox_lock = threading.Lock()


def process_name() -> str:
    """This grading process's name, as its heartbeats and its claims record it."""
    return f"{socket.gethostname()}:{os.getpid()}"


def sandbox() -> Sandbox:
    """This process's sandbox (its zygote is started again by the next run if it died); a
    start under way in the background is waited for. With GRADER_SANDBOX_STRICT, raises (a
    grader fault: the task is retried, then ``error``) while a layer is missing, at every call,
    so nothing is ever graded without one."""
    global _sandbox
    with _sandbox_lock:
        if _sandbox is None:
            started = Sandbox(settings.sandbox)
            started.start()
            _sandbox = started
            _start_heartbeat(started)
            missing = started.missing_mechanisms()
            if missing:
                log.error("SANDBOX LAYERS NOT ACTIVE: %s (%s)", ", ".join(missing), started.mechanism_details)
    if settings.strict_sandbox and _sandbox.missing_mechanisms():
        raise RuntimeError("GRADER_SANDBOX_STRICT is set and sandbox layers are missing")
    return _sandbox


def _start_sandbox_in_background() -> None:
    try:
        sandbox()
    except Exception:  # the next task tries again, and counts a grader fault if it fails too
        log.exception("the sandbox of this pool process could not start; its tasks will fail")


STRICT_EXIT_CODE = 3


def check_sandbox_layers() -> None:
    """With GRADER_SANDBOX_STRICT, probe the sandbox once in the worker's main process, before
    any pool process starts, and refuse to start (exit code 3) if a layer is missing: raising
    in a pool process instead made Celery start pool processes again and again."""
    if not settings.strict_sandbox:
        return
    with Sandbox(settings.sandbox) as probe:
        missing, details = probe.missing_mechanisms(), probe.mechanism_details
    if missing:
        message = (
            f"GRADER_SANDBOX_STRICT is set and these sandbox layers are not active on this machine: "
            f"{', '.join(missing)} ({details}); the worker does not start. `grader sandbox` tells more."
        )
        log.critical(message)
        print(message, file=sys.stderr, flush=True)
        raise SystemExit(STRICT_EXIT_CODE)


HEARTBEAT_SECONDS = 10.0


def _start_heartbeat(box: Sandbox) -> None:
    """Record this process in the database now and every few seconds (a daemon thread)."""
    name = process_name()

    def record() -> None:
        with unit_of_work(settings.database_url) as session:
            workers.beat(
                session, name, socket.gethostname(), os.getpid(), box.mechanisms, box.mechanism_details
            )

    def loop() -> None:
        while True:
            time.sleep(HEARTBEAT_SECONDS)
            try:
                record()
            except Exception:  # the database may be briefly away; the next beat will tell
                log.warning("heartbeat failed", exc_info=True)

    record()
    threading.Thread(target=loop, name="heartbeat", daemon=True).start()


@worker_init.connect
def _check_layers(**_kwargs: object) -> None:
    check_sandbox_layers()


@worker_process_init.connect
def _start_zygote(**_kwargs: object) -> None:
    # In the background: Celery kills a pool process that has not said it is up within 4 s,
    # and a zygote importing torch on a loaded machine takes longer ("Timed out waiting for UP
    # message"). A task that arrives meanwhile waits for the start in sandbox().
    threading.Thread(target=_start_sandbox_in_background, name="sandbox-start", daemon=True).start()


@beat_embedded_init.connect
def _die_with_worker(**_kwargs: object) -> None:
    """The beat that ``--beat`` runs in a child process stops when the worker does, even when
    the worker is SIGKILLed: else it lived on as an orphan, and a restart made two."""
    from billiard.process import current_process

    worker_pid = getattr(current_process(), "_parent_pid", None)
    linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGTERM)
    if worker_pid is not None and os.getppid() != worker_pid:  # it died before the line above
        os.kill(os.getpid(), signal.SIGTERM)


@worker_process_shutdown.connect
def _stop_zygote(**_kwargs: object) -> None:
    if _sandbox is not None:
        _sandbox.close()
