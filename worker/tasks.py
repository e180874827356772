"""Celery tasks: thin, each claims its work from the database, calls a service, records."""

from __future__ import annotations

import logging

from celery import Task

from grader import queue
from grader.db import unit_of_work
from grader.submissions import lifecycle, regrade, webhooks
from grader.submissions import service as submissions
from grader.submissions import sweep as sweeping
from grader.submissions.execute import run_job
from grader.submissions.models import Submission
from worker.celery_app import app, process_name, sandbox, settings

log = logging.getLogger(__name__)


@app.task(name=queue.GRADE, bind=True, acks_late=True, reject_on_worker_lost=True)
def grade_submission(self: Task, submission_id: int) -> str:
    """Grade one submission; safe to run again for the same id (a graded one is left alone)."""
    with unit_of_work(settings.database_url) as session:
        job = lifecycle.claim(session, submission_id, worker=process_name())
    if job is None:
        return "skipped"
    try:
        report, grading_ms = run_job(job, sandbox())
        with unit_of_work(settings.database_url) as session:
            recorded = lifecycle.record_report(session, job, report, grading_ms)
    except Exception as exc:  # the grader failed, not the student: a bounded number of attempts
        return _grader_fault(self, job, exc)
    if recorded and job.callback_url:
        deliver_webhook.delay(submission_id)
    return "graded" if recorded else "duplicate"


def _grader_fault(task: Task, job: lifecycle.GradingJob, exc: Exception) -> str:
    """Count the failed attempt; retry with backoff, or give up (``error``, or a regrade that
    keeps the last score) once the attempts are spent. Whatever raised — the sandbox, the
    engine, recording the report — counts, so no grading loops forever."""
    log.exception("grading submission %s failed (attempt %s)", job.submission_id, job.attempt)
    with unit_of_work(settings.database_url) as session:
        retry = lifecycle.record_failure(session, job, f"{type(exc).__name__}: {exc}", settings.max_attempts)
    if retry:
        raise task.retry(countdown=min(2**job.attempt, 30), max_retries=None) from exc
    deliver_webhook.delay(job.submission_id)  # the final state is news too (no-op without a callback)
    return "error"


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
    """Send again what a worker claimed and stopped reporting on, or what the broker lost;
    returns how many submissions were sent (0 when another sweep holds the lease)."""
    try:
        broker_empty = queue.waiting_messages(app) == 0
    except Exception:  # the broker is away: nothing can be shown lost by it now
        log.warning("the sweep could not count the broker's messages", exc_info=True)
        broker_empty = False
    with unit_of_work(settings.database_url) as session:
        plan = sweeping.plan_sweep(
            session,
            holder=process_name(),
            waiting_after_seconds=settings.sweep_after_seconds,
            stuck_after_seconds=settings.stuck_after_seconds,
            broker_empty=broker_empty,
            lease_seconds=settings.sweep_every_seconds / 2,
        )
    if plan is None:
        return 0
    queue.enqueue_grading(settings, plan.submissions)
    for batch_id in plan.regrades:
        queue.enqueue_regrade(settings, batch_id)
    if plan.submissions or plan.regrades:
        log.warning(
            "sweep sent again %d abandoned and %d lost submission(s) and %d regrade(s): %s",
            len(plan.abandoned),
            len(plan.lost),
            len(plan.regrades),
            plan.submissions[:20],
        )
    return len(plan.submissions)


@app.task(name=queue.REGRADE_EXERCISE)
def regrade_exercise(batch_id: int) -> int:
    """Dispatch an exercise regrade: mark its submissions (audited), then send them."""
    with unit_of_work(settings.database_url) as session:
        ids = regrade.dispatch_exercise_regrade(session, batch_id)
    queue.enqueue_grading(settings, ids)
    return len(ids)
