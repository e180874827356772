"""Celery tasks: thin. Each claims its work from the database, calls a service, records; follow-up
tasks are sent only once the transaction that made them necessary has committed."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from celery import Task, shared_task
from sqlalchemy.orm import Session

from grader import queue
from grader.bank import catalog
from grader.db import after_commit, unit_of_work
from grader.lti import passback
from grader.settings import Settings
from grader.submissions import lifecycle, regrade, webhooks
from grader.submissions import service as submissions
from grader.submissions import sweep as sweeping
from grader.submissions.execute import run_job
from grader.submissions.models import Submission
from worker.celery_app import WorkerContext, process_name

log = logging.getLogger(__name__)


class GraderTask(Task):
    """The base of the grader's tasks: the worker's context (settings, this process's sandbox)
    and the one way a task opens a transaction."""

    @property
    def context(self) -> WorkerContext:
        """What ``create_worker`` gave this worker's app."""
        context: WorkerContext = self.app.grader
        return context

    @property
    def settings(self) -> Settings:
        """The worker's settings."""
        return self.context.settings

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A unit of work: committed on success, rolled back on error; what was registered with
        ``after_commit`` (tasks to send) runs only once it has committed."""
        with unit_of_work(self.settings.database_url) as session:
            yield session


@shared_task(base=GraderTask, name=queue.GRADE, bind=True, acks_late=True, reject_on_worker_lost=True)
def grade_submission(self: GraderTask, submission_id: int) -> str:
    """Grade one submission; safe to run again for the same id (a graded one is left alone)."""
    with self.transaction() as session:
        job = lifecycle.claim(session, submission_id, worker=process_name())
        digest = catalog.version_digest(session, job.exercise_version_id) if job else None
    if job is None:
        return "skipped"
    try:
        report, grading_ms = run_job(job, self.context.sandbox(), digest)  # no transaction held meanwhile
        with self.transaction() as session:
            recorded = lifecycle.record_report(session, job, report, grading_ms)
            if recorded and job.callback_url:
                after_commit(session, lambda: deliver_webhook.delay(submission_id))
            if recorded:  # the student's assignment total, to the LMS's gradebook
                passback.after_grading(session, self.settings, submission_id)
    except Exception as exc:  # the grader failed, not the student: a bounded number of attempts
        return _grader_fault(self, job, exc)
    return "graded" if recorded else "duplicate"


def _grader_fault(task: GraderTask, job: lifecycle.GradingJob, exc: Exception) -> str:
    """Count the failed attempt; retry with backoff, or give up (``error``, or a regrade that
    keeps the last score) once the attempts are spent. Whatever raised — the sandbox, the
    engine, recording the report — counts, so no grading loops forever."""
    log.exception("grading submission %s failed (attempt %s)", job.submission_id, job.attempt)
    message = f"{type(exc).__name__}: {exc}"
    with task.transaction() as session:
        retry = lifecycle.record_failure(session, job, message, task.settings.max_attempts)
        if not retry:  # the final state is news too (no-op without a callback)
            after_commit(session, lambda: deliver_webhook.delay(job.submission_id))
    if retry:
        raise task.retry(countdown=min(2**job.attempt, 30), max_retries=None) from exc
    return "error"


@shared_task(base=GraderTask, name=queue.WEBHOOK, bind=True, max_retries=webhooks.MAX_ATTEMPTS - 1)
def deliver_webhook(self: GraderTask, submission_id: int) -> str:
    """POST a finished submission to its callback URL; retried with backoff on failure."""
    settings = self.settings
    with self.transaction() as session:
        row = session.get(Submission, submission_id)
        if row is None or not row.callback_url:
            return "none"
        url, payload = row.callback_url, {"event": "submission.completed", **submissions.present(row, "en")}
    outcome = webhooks.deliver(
        url, payload, settings.secret_key(), allow_private=settings.webhook_allow_private
    )
    with self.transaction() as session:
        submissions.note_webhook(
            session, submission_id, self.request.retries + 1, outcome.status, outcome.error
        )
    if not outcome.ok and outcome.retryable and self.request.retries < webhooks.MAX_ATTEMPTS - 1:
        raise self.retry(countdown=min(2**self.request.retries, 60))
    return "delivered" if outcome.ok else "failed"


@shared_task(base=GraderTask, name=queue.LTI_SCORE, bind=True, max_retries=passback.SEND_ATTEMPTS - 1)
def send_lti_score(self: GraderTask, assignment_id: int, user_id: int, force: bool = False) -> str:
    """Send a student's assignment total to the LMS's line item; retried with backoff while the
    platform fails (each attempt's error is kept for the gradebook page)."""
    retries = self.request.retries
    last = retries >= passback.SEND_ATTEMPTS - 1
    outcome = passback.send_score(
        self.transaction, self.settings.secret_key(), assignment_id, user_id, force=force, last_attempt=last
    )
    if outcome.retryable and not last:
        raise self.retry(countdown=passback.retry_delay(retries))
    return outcome.status


@shared_task(base=GraderTask, name=queue.SWEEP, bind=True)
def sweep(self: GraderTask) -> int:
    """Send again what a worker claimed and stopped reporting on, or what the broker lost (LMS
    score sends too); returns how many submissions were sent (0 when another sweep holds the lease)."""
    settings = self.settings
    try:
        broker_empty = queue.waiting_messages(self.app) == 0
    except Exception:  # the broker is away: nothing can be shown lost by it now
        log.warning("the sweep could not count the broker's messages", exc_info=True)
        broker_empty = False
    with self.transaction() as session:
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
        queue.grade_after_commit(session, settings, plan.submissions)
        for batch_id in plan.regrades:
            queue.regrade_after_commit(session, settings, batch_id)
        scores = passback.send_lost_after_commit(session, settings) if broker_empty else 0
    if plan.submissions or plan.regrades or scores:
        log.warning(
            "sweep sent again %d abandoned and %d lost submission(s), %d regrade(s) and %d LMS score(s): %s",
            len(plan.abandoned),
            len(plan.lost),
            len(plan.regrades),
            scores,
            plan.submissions[:20],
        )
    return len(plan.submissions)


@shared_task(base=GraderTask, name=queue.REGRADE_EXERCISE, bind=True)
def regrade_exercise(self: GraderTask, batch_id: int) -> int:
    """Dispatch an exercise regrade: mark its submissions (audited), then send them."""
    with self.transaction() as session:
        ids = regrade.dispatch_exercise_regrade(session, batch_id)
        queue.grade_after_commit(session, self.settings, ids)
    return len(ids)
