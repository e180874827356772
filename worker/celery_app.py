"""The worker's Celery app, built by ``create_worker(settings)`` (``worker.main`` builds it for
Celery's command line): the grader's broker configuration, the tasks, and in every pool process
a sandbox zygote, started in the background with the process and again if it dies, with a
heartbeat in the database. Nothing is configured when this module is imported."""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading
import time
from typing import Any

from celery import Celery
from celery.signals import beat_embedded_init, worker_init, worker_process_init, worker_process_shutdown

from grader.bank.folders import configure
from grader.bank.loader import open_bank
from grader.db import unit_of_work
from grader.fleet import service as fleet
from grader.queue import make_celery
from grader.settings import Settings
from worker.sandbox import linux
from worker.sandbox.client import Sandbox

log = logging.getLogger(__name__)
STRICT_EXIT_CODE = 3
HEARTBEAT_SECONDS = 10.0


def process_name() -> str:
    """This grading process's name, as its heartbeats and its claims record it."""
    return f"{socket.gethostname()}:{os.getpid()}"


class WorkerContext:
    """What the tasks of a worker process use: the settings and this process's sandbox."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._sandbox: Sandbox | None = None
        self._lock = threading.Lock()

    def sandbox(self) -> Sandbox:
        """This process's sandbox (its zygote is started again by the next run if it died); a
        start under way in the background is waited for. With GRADER_SANDBOX_STRICT, raises (a
        grader fault: the task is retried, then ``error``) while a layer is missing, at every
        call, so nothing is ever graded without one."""
        with self._lock:
            if self._sandbox is None:
                started = Sandbox(self.settings.sandbox)
                started.start()
                self._sandbox = started
                self._start_heartbeat(started)
                missing = started.missing_mechanisms()
                if missing:
                    log.error(
                        "SANDBOX LAYERS NOT ACTIVE: %s (%s)", ", ".join(missing), started.mechanism_details
                    )
        if self.settings.strict_sandbox and self._sandbox.missing_mechanisms():
            raise RuntimeError("GRADER_SANDBOX_STRICT is set and sandbox layers are missing")
        return self._sandbox

    def start_sandbox_in_background(self) -> threading.Thread:
        """Start the sandbox on a thread of its own: Celery kills a pool process that has not
        said it is up within 4 s, and a zygote importing torch on a loaded machine takes longer
        ("Timed out waiting for UP message"). A task that arrives meanwhile waits for it."""
        thread = threading.Thread(target=self._start_quietly, name="sandbox-start", daemon=True)
        thread.start()
        return thread

    def _start_quietly(self) -> None:
        try:
            self.sandbox()
        except Exception:  # the next task tries again, and counts a grader fault if it fails too
            log.exception("the sandbox of this pool process could not start; its tasks will fail")

    def close(self) -> None:
        """Stop this process's zygote."""
        if self._sandbox is not None:
            self._sandbox.close()
            self._sandbox = None

    def check_sandbox_layers(self) -> None:
        """With GRADER_SANDBOX_STRICT, probe the sandbox once in the worker's main process,
        before any pool process starts, and refuse to start (exit code 3) if a layer is
        missing: raising in a pool process instead made Celery start pool processes again and
        again."""
        if not self.settings.strict_sandbox:
            return
        with Sandbox(self.settings.sandbox) as probe:
            missing, details = probe.missing_mechanisms(), probe.mechanism_details
        if missing:
            message = (
                f"GRADER_SANDBOX_STRICT is set and these sandbox layers are not active on this machine: "
                f"{', '.join(missing)} ({details}); the worker does not start. `grader sandbox` tells more."
            )
            log.critical(message)
            print(message, file=sys.stderr, flush=True)
            raise SystemExit(STRICT_EXIT_CODE)

    def _start_heartbeat(self, box: Sandbox) -> None:
        """Record this process in the database now and every few seconds (a daemon thread)."""
        name = process_name()

        def record() -> None:
            with unit_of_work(self.settings.database_url) as session:
                fleet.beat(
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


def create_worker(settings: Settings) -> Celery:
    """The worker's Celery app for these settings, its tasks and its process hooks."""
    configure(settings.exercise_path)  # the course folders, for whatever loads the bank
    app = make_celery(settings.broker_url, sweep_every_seconds=settings.sweep_every_seconds)
    app.conf.include = ["worker.tasks"]
    context = WorkerContext(settings)
    app.grader = context  # what the tasks reach as self.app.grader (worker.tasks.GraderTask)

    def check_layers(**_kwargs: Any) -> None:
        context.check_sandbox_layers()
        load_bank(settings)

    def start_zygote(**_kwargs: Any) -> None:
        context.start_sandbox_in_background()

    def stop_zygote(**_kwargs: Any) -> None:
        context.close()

    worker_init.connect(check_layers, weak=False)
    worker_process_init.connect(start_zygote, weak=False)
    worker_process_shutdown.connect(stop_zygote, weak=False)
    beat_embedded_init.connect(die_with_worker, weak=False)
    return app


def load_bank(settings: Settings) -> None:
    """Load the bank in the worker's main process, before its pool forks: every pool process
    starts with it, and a broken module is reported once, at start."""
    for broken in open_bank(settings.exercise_path).broken:  # the rest of the bank still grades
        log.error("exercise bank: %s", broken)


def die_with_worker(**_kwargs: Any) -> None:
    """The beat that ``--beat`` runs in a child process stops when the worker does, even when
    the worker is SIGKILLed: else it lived on as an orphan, and a restart made two."""
    from billiard.process import current_process

    worker_pid = getattr(current_process(), "_parent_pid", None)
    linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGTERM)
    if worker_pid is not None and os.getppid() != worker_pid:  # it died before the line above
        os.kill(os.getpid(), signal.SIGTERM)
