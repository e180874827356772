"""Mutation adequacy of the whole shipped bank, and what it adds to `grader exercises validate`.

1. Measures every exercise of the bank (``grading.adequacy.measure``) in one warm sandbox, as
   ``grader exercises adequacy`` does, and reports the wall-clock time and CPU (this process and
   the sandbox: its zygote and every child), mutants per second and the slowest exercises.
   Goal: the whole bank in minutes (under 5), not hours.
2. Times ``grader exercises validate``'s adequacy check with the records as they are (fresh: it
   reads them) against the validation alone, over the whole bank. Goal: under a second added to
   ``make test``.

Run: ``python bench/adequacy.py [--skip-measure]``.
"""

from __future__ import annotations

import argparse
import os
import time

from grader.bank.loader import the_bank
from grader.bank.proving import adequacy_record
from grader.bank.records import fresh_record
from grader.grading.adequacy import measure
from grader.grading.validation import validation_seeds
from worker.sandbox.client import Sandbox

GOAL_BANK_SECONDS = 300.0
GOAL_VALIDATE_ADDED_SECONDS = 1.0


def _cpu() -> float:
    """CPU of this process and of its children that have ended (the zygote, once closed, with
    every child it forked and reaped)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def measure_bank() -> None:
    """The whole bank's adequacy in one warm sandbox, timed (the sandbox's start included)."""
    seeds = validation_seeds(3)
    timings, mutants, survivors = [], 0, 0
    cpu_before, started = _cpu(), time.perf_counter()
    with Sandbox() as sandbox:
        for slug, found in the_bank().entries.items():
            begun = time.perf_counter()
            result = measure(found.exercise, sandbox, seeds)
            timings.append((time.perf_counter() - begun, slug, result.generated))
            mutants += result.generated
            survivors += len(result.survivors)
    wall, cpu = time.perf_counter() - started, _cpu() - cpu_before
    print(f"adequacy of the bank: {len(timings)} exercises, {mutants} mutants, {survivors} survivors")
    met = "met" if wall < GOAL_BANK_SECONDS else "NOT met"
    print(f"  wall {wall:.1f} s (goal < {GOAL_BANK_SECONDS:.0f} s: {met})")
    print(f"  CPU, sandbox included: {cpu:.1f} s; {mutants / wall:.1f} mutants/s")
    for seconds, slug, generated in sorted(timings, reverse=True)[:5]:
        print(f"  slowest: {slug:<32} {seconds:5.1f} s ({generated} mutants)")


def validate_overhead(sandbox: Sandbox) -> None:
    """What the adequacy check adds to validating the whole bank: exactly the check that
    ``proving.prove`` makes after a shipped exercise's validation (read the fresh record, or
    measure a stale one), timed alone for every exercise."""
    entries = [found for found in the_bank().entries.values() if found.origin.shipped]
    fresh = sum(fresh_record(found) is not None for found in entries)
    started = time.perf_counter()
    for found in entries:
        adequacy_record(found, sandbox)
    added = time.perf_counter() - started
    met = "met" if added < GOAL_VALIDATE_ADDED_SECONDS else "NOT met"
    print(f"validate's adequacy check: {fresh}/{len(entries)} records fresh")
    goal = f"goal < {GOAL_VALIDATE_ADDED_SECONDS:g} s: {met}"
    print(f"  added to validating the bank: {added * 1000:.1f} ms ({goal})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-measure", action="store_true", help="only the validate overhead")
    args = parser.parse_args()
    if not args.skip_measure:
        measure_bank()
    with Sandbox() as sandbox:
        validate_overhead(sandbox)


if __name__ == "__main__":
    main()
