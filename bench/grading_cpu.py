"""CPU per grading, split between the trusted side and the sandbox, without the service.

Grades linalg.sum_axis (14 cases; 2/3 correct, 1/3 ignoring keepdim, as the service benchmark
submits) ``--runs`` times in this process through a started ``Sandbox``, and reports the CPU
each side used per grading, read from /proc: this process (references, comparison, client
side of the sandbox) and the zygote with every child it forked and reaped (fork, confinement,
load, cases, exit). CPU per grading is far less noisy than a wall-clock rate on a shared
machine, so it is the figure to compare before and after a change.

Each repeat grades once as the service does (``probe=True``: the fixed probe inputs of the mistake
groups run after the graded cases) and once without the probes, so their cost is measured in the
same run.

Run: ``python bench/grading_cpu.py [--runs N] [--repeat R]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from grader.bank.loader import get_exercise
from grader.grading.engine import grade
from grader.grading.exercise import Exercise
from grader.grading.source_loader import Source, load_text
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
    figures: dict[bool, list[tuple[float, float, float]]] = {True: [], False: []}
    with Sandbox() as sandbox:
        assert sandbox._process is not None
        zygote = sandbox._process.pid
        missing = sandbox.missing_mechanisms()
        huge = sandbox.huge_page_mib
        for seed in range(10):  # warm-up
            grade(exercise, sources[seed % 3], sandbox, seed=seed)
        for repeat in range(args.repeat):
            for probe in (True, False):
                sandbox_ms, trusted_ms, wall_ms = _measure(
                    exercise, sources, sandbox, zygote, args.runs, repeat, probe
                )
                figures[probe].append((sandbox_ms, trusted_ms, wall_ms))
                print(
                    f"repeat {repeat + 1}, {'with' if probe else 'without'} probes: CPU per grading: "
                    f"sandbox {sandbox_ms:.2f} ms, trusted side {trusted_ms:.2f} ms; wall {wall_ms:.2f} ms",
                    flush=True,
                )
    print(f"layers active: {'all' if not missing else 'MISSING ' + ', '.join(missing)}")
    print(f"zygote heap on huge pages: {huge} MiB")
    for probe in (True, False):
        sandbox_ms, trusted_ms, wall_ms = (statistics.median(f[i] for f in figures[probe]) for i in range(3))
        print(
            f"median of {args.repeat} x {args.runs} gradings of {SLUG} {'with' if probe else 'without'} "
            f"probes: CPU sandbox {sandbox_ms:.2f} ms + trusted {trusted_ms:.2f} ms = "
            f"{sandbox_ms + trusted_ms:.2f} ms; wall {wall_ms:.2f} ms"
        )


def _measure(
    exercise: Exercise,
    sources: list[Source],
    sandbox: Sandbox,
    zygote: int,
    runs: int,
    repeat: int,
    probe: bool,
) -> tuple[float, float, float]:
    """CPU of the sandbox and of this process, and wall time, per grading over ``runs`` gradings."""
    time.sleep(0.2)  # let the spares settle
    sandbox_before, own_before, wall_before = _cpu_of(zygote), _own_cpu(), time.perf_counter()
    for index in range(runs):
        report = grade(exercise, sources[index % 3], sandbox, seed=10_000 * repeat + index, probe=probe)
        if (report.score == report.max_score) != (index % 3 != 2):
            raise RuntimeError(f"misgraded: {report}")
    wall = time.perf_counter() - wall_before
    time.sleep(0.2)  # the last children are reaped
    return (
        (_cpu_of(zygote) - sandbox_before) / runs * 1000,
        (_own_cpu() - own_before) / runs * 1000,
        wall / runs * 1000,
    )


if __name__ == "__main__":
    main()
