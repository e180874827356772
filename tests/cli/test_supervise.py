"""``grader up`` as a supervisor: a grandchild orphaned while stopping is reparented to it (a
subreaper) and ended with the rest, so nothing outlives the stop. Run in a child interpreter, as
``grader up`` is: the test process itself stays no subreaper."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from grader.cli.supervise import running

SCRIPT = """
import os, subprocess, sys, time
from grader.cli import supervise
supervise.become_subreaper()
# The shell starts a long sleep in the background and exits: the sleep is orphaned.
with open(sys.argv[1], "w") as pid_file:
    subprocess.run(["sh", "-c", "sleep 300 & echo $!"], stdout=pid_file, check=True)
time.sleep(0.3)
print(len(supervise.descendants(os.getpid())), supervise.end_leftovers(), flush=True)
"""


def test_an_orphaned_grandchild_is_reparented_and_ended(tmp_path: Path) -> None:
    pid_file = tmp_path / "sleep.pid"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(pid_file)], capture_output=True, text=True, timeout=60, check=True
    )
    seen, ended = map(int, done.stdout.split())
    assert (seen, ended) == (1, 1)  # reparented to the supervisor, then ended by it
    sleeper = int(pid_file.read_text())
    deadline = time.time() + 10
    while running(sleeper):
        assert time.time() < deadline, f"the orphaned sleep {sleeper} outlived its supervisor"
        time.sleep(0.1)
