"""What ``grader up`` does as the supervisor of the processes it starts (the API and the worker
with their own children): it is their subreaper, so that a grandchild orphaned while stopping (a
sandbox zygote whose pool process ended first) is reparented to it rather than to init, and once
the graceful stop is over it ends whatever of its tree is still there. Linux only; elsewhere both
do nothing."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> None:
    """Orphans among this process's descendants are reparented here (prctl(2))."""
    if sys.platform != "linux":
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children of each of its threads, recursively)."""
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        with contextlib.suppress(OSError, ValueError):
            for child in map(int, (task / "children").read_text().split()):
                found += [child, *descendants(child)]
    return found


def running(pid: int) -> bool:
    """Whether the process exists and is not a zombie (ended, waiting to be reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def end_leftovers() -> int:
    """SIGKILL whatever still runs below this process, and reap those that are its own children
    (orphans reparented here, zombies included); returns how many were still running."""
    left = descendants(os.getpid())
    alive = [pid for pid in left if running(pid)]
    for pid in alive:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    for pid in left:
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(pid, 0)  # an orphan reparented here; another's child is reaped by it
    return len(alive)
