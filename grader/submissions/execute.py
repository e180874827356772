"""Grade one claimed submission in a sandbox: the pure grading core applied to a job."""

from __future__ import annotations

import time

from grader.bank.catalog import exercise_at
from grader.grading.engine import grade, rejected
from grader.grading.report import Report
from grader.grading.source_loader import SubmissionRejected, load_bytes
from grader.submissions.lifecycle import GradingJob
from worker.sandbox.contract import Runner


def run_job(job: GradingJob, runner: Runner, digest: str | None = None) -> tuple[Report, float]:
    """The report for a job and the milliseconds grading took, against the exercise version
    whose content hash is ``digest`` (None: the exercise as loaded). A file that cannot be read
    is an ``invalid`` report (a student fault); a sandbox failure raises (a grader fault), and so
    does a version no longer on disk (``catalog.StaleExercise``)."""
    exercise = exercise_at(job.exercise_slug, digest)
    started = time.perf_counter()
    try:
        source = load_bytes(job.source.encode("utf-8"), notebook=job.notebook)
    except SubmissionRejected as exc:
        report = rejected(exercise, exc)
        return report, 0.0
    report = grade(exercise, source, runner, seed=job.seed, probe=True)
    return report, (time.perf_counter() - started) * 1000
