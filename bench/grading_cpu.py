"""CPU per grading, split between the trusted side and the sandbox, without the service.

Grades linalg.sum_axis (14 cases; 2/3 correct, 1/3 ignoring keepdim, as the service benchmark
submits) ``--runs`` times in this process through a started ``Sandbox``, and reports the CPU
each side used per grading, read from /proc: this process (references, comparison, client
side of the sandbox) and the zygote with every child it forked and reaped (fork, confinement,
load, cases, exit). CPU per grading is far less noisy than a wall-clock rate on a shared
machine, so it is the figure to compare before and after a change.

Run: ``python bench/grading_cpu.py [--runs N] [--repeat R]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from grader.bank.loader import get_exercise
from grader.grading.engine import grade
from grader.grading.source_loader import load_text
from worker.sandbox.client import Sandbox

SLUG = "linalg.sum_axis"
CORRECT = "def sum_axis(x, axis, keepdim=False):\n    return x.sum(dim=axis, keepdim=keepdim)\n"
WRONG = "def sum_axis(x, axis, keepdim=False):\n    return x.sum(dim=axis)\n"
TICK = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: int) -> float:
    """utime + stime + cutime + cstime of a live process, in seconds."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / TICK


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=300, help="gradings per repeat")
    parser.add_argument("--repeat", type=int, default=3, help="repeats (each reported)")
    args = parser.parse_args()
    exercise = get_exercise(SLUG)
    sources = [load_text(CORRECT), load_text(CORRECT), load_text(WRONG)]
    per_sandbox, per_trusted, per_wall = [], [], []
    with Sandbox() as sandbox:
        assert sandbox._process is not None
        zygote = sandbox._process.pid
        missing = sandbox.missing_mechanisms()
        huge = sandbox.huge_page_mib
        for seed in range(10):  # warm-up
            grade(exercise, sources[seed % 3], sandbox, seed=seed)
        for repeat in range(args.repeat):
            time.sleep(0.2)  # let the spares settle
            sandbox_before, own_before, wall_before = _cpu_of(zygote), _own_cpu(), time.perf_counter()
            for index in range(args.runs):
                report = grade(exercise, sources[index % 3], sandbox, seed=10_000 * repeat + index)
                if (report.score == report.max_score) != (index % 3 != 2):
                    raise RuntimeError(f"misgraded: {report}")
            wall = time.perf_counter() - wall_before
            time.sleep(0.2)  # the last children are reaped
            sandbox_ms = (_cpu_of(zygote) - sandbox_before) / args.runs * 1000
            trusted_ms = (_own_cpu() - own_before) / args.runs * 1000
            per_sandbox.append(sandbox_ms)
            per_trusted.append(trusted_ms)
            per_wall.append(wall / args.runs * 1000)
            print(
                f"repeat {repeat + 1}: CPU per grading: sandbox {sandbox_ms:.2f} ms, trusted side "
                f"{trusted_ms:.2f} ms; wall {wall / args.runs * 1000:.2f} ms",
                flush=True,
            )
    print(f"layers active: {'all' if not missing else 'MISSING ' + ', '.join(missing)}")
    print(f"zygote heap on huge pages: {huge} MiB")
    print(
        f"median of {args.repeat} x {args.runs} gradings of {SLUG}: CPU sandbox "
        f"{statistics.median(per_sandbox):.2f} ms + trusted {statistics.median(per_trusted):.2f} ms "
        f"= {statistics.median(per_sandbox) + statistics.median(per_trusted):.2f} ms; "
        f"wall {statistics.median(per_wall):.2f} ms"
    )


if __name__ == "__main__":
    main()
