"""Per-submission cost of the warm-zygote sandbox against a fresh interpreter per submission.

Both sides run the same tiny job (load the submission, call it on one case, return the result),
measured in one run on this machine, so the ratio is fair whatever the machine's load:

- warm zygote, back to back: ``Sandbox.run`` called in a tight loop — fork from the warm
  zygote, confine (namespaces, Landlock, seccomp, rlimits, uid), load, one case over the wire,
  kill. This is the figure the targets and the ratio use.
- warm zygote, spare ready: the same with 20 ms of other work between submissions (as a worker
  has: recording the result), in which the next child is forked and confined ahead; only
  ``Sandbox.run`` is timed.
- fresh interpreter: ``python -c`` that imports torch, loads the same source and calls it,
  i.e. what a spawn-per-submission grader pays (without any sandbox layer).

Also reported: the whole grading of linalg.sum_axis (public and hidden cases, references,
comparison) through the same sandbox. Run: ``python bench/sandbox_overhead.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import torch

from grader.bank.loader import get_exercise
from grader.grading.engine import grade
from grader.grading.source_loader import load_text
from worker.sandbox.client import Sandbox
from worker.sandbox.contract import Cell

SOURCE = "import torch\n\ndef f(x):\n    return (x * 2).sum(0)\n"
FRESH = (
    "import torch\n"
    "torch.set_num_threads(1)\n"
    f"namespace = {{}}\nexec({SOURCE!r}, namespace)\n"
    "print(namespace['f'](torch.ones(3, 4)).tolist())\n"
)


def _timed(action, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return samples


def _timed_after_gap(action, runs: int, gap: float) -> list[float]:
    samples = []
    for _ in range(runs):
        time.sleep(gap)
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return samples


def _line(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return (
        f"{name:<44} median {statistics.median(samples) * 1000:9.2f} ms   "
        f"p95 {p95 * 1000:9.2f} ms   (n={len(samples)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=200, help="sandbox runs")
    parser.add_argument("--fresh-runs", type=int, default=10, help="fresh-interpreter runs")
    args = parser.parse_args()

    x = torch.ones(3, 4)
    cells = [Cell("<submission>", SOURCE)]
    exercise = get_exercise("linalg.sum_axis")
    solution = load_text(exercise.solution)
    with Sandbox() as sandbox:
        missing = sandbox.missing_mechanisms()
        for _ in range(5):  # warm-up
            sandbox.run(cells, "f", [(x,)])
        warm = _timed(lambda: sandbox.run(cells, "f", [(x,)]), args.runs)
        spare = _timed_after_gap(lambda: sandbox.run(cells, "f", [(x,)]), args.runs, gap=0.02)
        full = _timed(lambda: grade(exercise, solution, sandbox, seed=7), max(args.runs // 4, 10))
    in_process = _timed(lambda: exec(SOURCE, {}) or None, 1000)
    fresh = _timed(
        lambda: subprocess.run([sys.executable, "-c", FRESH], check=True, capture_output=True),
        args.fresh_runs,
    )

    print(f"layers active: {'all' if not missing else 'MISSING ' + ', '.join(missing)}")
    print(_line("warm zygote: one-case submission, back to back", warm))
    print(_line("warm zygote: same, spare child ready", spare))
    print(_line("fresh interpreter per submission", fresh))
    print(_line("in-process load (no isolation, for scale)", in_process))
    print(_line(f"full grading of {exercise.slug} ({len(exercise.cases(7))} cases)", full))
    ratio = statistics.median(fresh) / statistics.median(warm)
    print(f"ratio fresh / warm (median): {ratio:.0f}x")
    overhead_ms = statistics.median(warm) * 1000
    print(
        f"targets: sandbox overhead <= 15 ms: {'met' if overhead_ms <= 15 else 'NOT met'} "
        f"({overhead_ms:.1f} ms); >= 100x: {'met' if ratio >= 100 else 'NOT met'} ({ratio:.0f}x)"
    )


if __name__ == "__main__":
    main()
