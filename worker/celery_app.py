"""The worker's Celery app: the grader's configuration plus the tasks, and one sandbox zygote
per pool process, started with the process and restarted if it dies."""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading
import time

from celery.signals import worker_init, worker_process_init, worker_process_shutdown

from grader.db import unit_of_work
from grader.queue import make_celery
from grader.services import workers
from grader.settings import Settings
from worker.sandbox.client import Sandbox

log = logging.getLogger(__name__)
settings = Settings()
app = make_celery(settings.broker_url, sweep_every_seconds=max(settings.sweep_after_seconds / 3, 1.0))
app.conf.include = ["worker.tasks"]

_sandbox: Sandbox | None = None


def sandbox() -> Sandbox:
    """This process's sandbox (its zygote is started again by the next run if it died). With
    GRADER_SANDBOX_STRICT, raises (a grader fault: the task is retried, then ``error``) while a
    layer is missing, at every call, so nothing is ever graded without one."""
    global _sandbox
    if _sandbox is None:
        _sandbox = Sandbox(settings.sandbox)
        _sandbox.start()
        _start_heartbeat(_sandbox)
        missing = _sandbox.missing_mechanisms()
        if missing:
            log.error("SANDBOX LAYERS NOT ACTIVE: %s (%s)", ", ".join(missing), _sandbox.mechanism_details)
    if settings.strict_sandbox and _sandbox.missing_mechanisms():
        raise RuntimeError("GRADER_SANDBOX_STRICT is set and sandbox layers are missing")
    return _sandbox


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
    name = f"{socket.gethostname()}:{os.getpid()}"

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
    try:
        sandbox()
    except Exception:  # raising here would only make Celery replace this process, in a loop
        log.exception("the sandbox of this pool process could not start; its tasks will fail")


@worker_process_shutdown.connect
def _stop_zygote(**_kwargs: object) -> None:
    if _sandbox is not None:
        _sandbox.close()
