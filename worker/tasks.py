"""Celery tasks: thin, each claims its work from the database, calls a service, records."""

from __future__ import annotations

import logging

from celery import Task

from grader import queue
from grader.db import unit_of_work
from grader.models import Submission
from grader.services import regrade, submissions, webhooks
from grader.services.grading_run import run_job
from worker.celery_app import app, sandbox, settings
from worker.sandbox.client import SandboxError

log = logging.getLogger(__name__)


@app.task(name=queue.GRADE, bind=True, acks_late=True, reject_on_worker_lost=True)
def grade_submission(self: Task, submission_id: int) -> str:
    """Grade one submission; safe to run again for the same id (a graded one is left alone)."""
    with unit_of_work(settings.database_url) as session:
        job = submissions.claim(session, submission_id, worker=self.request.hostname or "worker")
    if job is None:
        return "skipped"
    try:
        report, grading_ms = run_job(job, sandbox())
    except (SandboxError, OSError, RuntimeError) as exc:  # the grader failed, not the student
        log.exception("grading submission %s failed", submission_id)
        with unit_of_work(settings.database_url) as session:
            retry = submissions.record_failure(
                session, submission_id, f"{type(exc).__name__}: {exc}", settings.max_attempts
            )
        if retry:
            raise self.retry(countdown=min(2**job.attempt, 30), max_retries=settings.max_attempts) from exc
        deliver_webhook.delay(submission_id)  # the final state is news too (no-op without a callback)
        return "error"
    with unit_of_work(settings.database_url) as session:
        recorded = submissions.record_report(session, job, report, grading_ms)
    if recorded and job.callback_url:
        deliver_webhook.delay(submission_id)
    return "graded" if recorded else "duplicate"


@app.task(name=queue.WEBHOOK, bind=True, max_retries=webhooks.MAX_ATTEMPTS - 1)
def deliver_webhook(self: Task, submission_id: int) -> str:
    """POST a finished submission to its callback URL; retried with backoff on failure."""
    with unit_of_work(settings.database_url) as session:
        row = session.get(Submission, submission_id)
        if row is None or not row.callback_url:
            return "none"
        url, payload = row.callback_url, {"event": "submission.completed", **submissions.present(row, "en")}
    outcome = webhooks.deliver(
        url, payload, settings.secret_key(), allow_private=settings.webhook_allow_private
    )
    with unit_of_work(settings.database_url) as session:
        submissions.note_webhook(
            session, submission_id, self.request.retries + 1, outcome.status, outcome.error
        )
    if not outcome.ok and outcome.retryable and self.request.retries < webhooks.MAX_ATTEMPTS - 1:
        raise self.retry(countdown=min(2**self.request.retries, 60))
    return "delivered" if outcome.ok else "failed"


@app.task(name=queue.SWEEP)
def sweep() -> int:
    """Enqueue again what was left queued or running past the deadline; returns how many."""
    with unit_of_work(settings.database_url) as session:
        ids = submissions.stale(session, settings.sweep_after_seconds)
        submissions.touch(session, ids)
    queue.enqueue_grading(settings, ids)
    if ids:
        log.warning("sweep re-enqueued %d submission(s): %s", len(ids), ids[:20])
    return len(ids)


@app.task(name=queue.REGRADE_EXERCISE)
def regrade_exercise(slug: str, requested_by: int | None) -> int:
    """Regrade every submission of an exercise against its current version."""
    with unit_of_work(settings.database_url) as session:
        ids = regrade.reset_exercise(session, slug, requested_by)
    queue.enqueue_grading(settings, ids)
    return len(ids)
