"""Gunicorn server hooks for ``grader serve`` (loaded with ``--config python:grader.web.gunicorn_hooks``)."""

from __future__ import annotations

import signal
from typing import Any


def post_worker_init(worker: Any) -> None:
    """Leave Ctrl-C to the master, which stops the workers with one signal each.

    A terminal's Ctrl-C reaches every process of the group, so a gthread worker got SIGINT and,
    a moment later, the master's SIGQUIT. Both run the worker's quit handler, which shuts its
    thread pool down under a lock; the second signal could arrive inside the first handler,
    while that lock was held, and wait for it forever. The worker then lived on, orphaned,
    still holding the port (seen once in CI after ``grader up``'s test pressed Ctrl-C).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
