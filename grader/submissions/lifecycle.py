"""A submission's grading lifecycle, as a worker drives it: claim, record the report, or count a
fault. The database is the source of truth: a submission is committed as ``queued`` before its
id is enqueued, a worker claims it (``running``, one more attempt), and the report is recorded
at most once per round (``graded``). Everything a worker needs is handed over as plain data, so
no transaction stays open while the sandbox runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, bindparam, case, func, insert, or_, select, update
from sqlalchemy.orm import Session

from grader.grading.report import Report
from grader.i18n.messages import render
from grader.mistakes import service as mistakes
from grader.submissions import tallies
from grader.submissions.models import CaseResultRow, Regrade, Status, Submission
from grader.times import now

# The tables themselves, for the worker's per-submission statements: plain Core statements
# skip the ORM's bookkeeping, which cost more CPU than the database's own work.
_SUBMISSIONS = cast(Table, Submission.__table__)


_CASE_RESULTS = cast(Table, CaseResultRow.__table__)


_REGRADES = cast(Table, Regrade.__table__)


@dataclass(frozen=True)
class GradingJob:
    """What a worker needs to grade one submission: plain data, no ORM row."""

    submission_id: int
    exercise_slug: str
    source: str
    notebook: bool
    seed: int
    attempt: int
    callback_url: str | None = None
    regrade: bool = False  # a regrade of a graded submission: its last score stays until this records
    round: datetime | None = None  # the grading round this claim belongs to: its record must match
    exercise_version_id: int | None = None  # the version to grade against


def claim(session: Session, submission_id: int, worker: str) -> GradingJob | None:
    """Mark a submission claimed by this worker; None if there is nothing to do (unknown, or
    graded with no regrade pending: a redelivered task must not grade twice). One UPDATE ...
    RETURNING, which locks the row as a SELECT ... FOR UPDATE did.

    A first grading is ``running`` from here; a regrade leaves the submission ``graded`` with
    its last score. Each claim names its round: a first grading's ``started_at`` (set by the
    round's first claim and kept by later ones: a redelivery, the sweep, a retry), a regrade's
    ``regrade_requested_at``. Every grading of a round may record; the first to finish wins."""
    parameters = {"b_id": submission_id, "b_worker": worker, "b_now": now()}
    claimed = session.execute(_claim_statement(), parameters).one_or_none()
    if claimed is None:
        return None
    regrade = claimed.regrade_requested_at is not None
    return GradingJob(
        submission_id=claimed.id,
        exercise_slug=claimed.exercise_slug,
        source=claimed.source,
        notebook=claimed.notebook,
        seed=claimed.seed,
        attempt=claimed.attempts,
        callback_url=claimed.callback_url,
        regrade=regrade,
        round=claimed.regrade_requested_at if regrade else claimed.started_at,
        exercise_version_id=claimed.exercise_version_id,
    )


@cache
def _claim_statement() -> Any:
    """The claim's UPDATE ... RETURNING, built once per process with bound parameters (building it
    at every claim cost more CPU than the database spent running it)."""
    table = _SUBMISSIONS.c
    moment = bindparam("b_now", type_=_SUBMISSIONS.c.claimed_at.type)
    regrading = table.regrade_requested_at.is_not(None)
    return (
        update(_SUBMISSIONS)
        .where(table.id == bindparam("b_id"), or_(table.status != Status.graded, regrading))
        .values(
            status=case((regrading, Status.graded.value), else_=Status.running.value),
            attempts=table.attempts + 1,
            worker=bindparam("b_worker"),
            claimed_at=moment,
            started_at=func.coalesce(table.started_at, moment),
        )
        .returning(
            table.id,
            table.exercise_slug,
            table.source,
            table.notebook,
            table.seed,
            table.attempts,
            table.callback_url,
            table.regrade_requested_at,
            table.started_at,
            table.exercise_version_id,
        )
    )


def _this_round(job: GradingJob) -> ColumnElement[bool]:
    """The condition that the job's round is still the submission's current one."""
    table = _SUBMISSIONS.c
    if job.regrade:
        return table.regrade_requested_at == job.round
    return (table.status != Status.graded) & (table.started_at == job.round)


def record_report(session: Session, job: GradingJob, report: Report, grading_ms: float) -> bool:
    """Store the graded report; False (nothing written) if the job's round is over: graded
    already (another grading of the round finished first) or, for a first grading, reset by a
    regrade of an ``error`` submission meanwhile (that regrade's grading records instead).

    Plain statements, no ORM objects (this runs once per submission and was most of a worker's
    database time): the submission's UPDATE (which locks the row and checks the round), and one
    bulk INSERT of the case rows; a regrade first deletes the previous grading's rows and closes
    its audits. The read side's tallies count the grading in the same transaction, and the
    grading joins the mistake group of its behaviour."""
    problem = report.problem
    graded_at = now()
    submission_id = job.submission_id
    values: dict[str, Any] = {
        "status": Status.graded,
        "score": report.score,
        "max_score": report.max_score,
        "graded_at": graded_at,
        "grading_ms": grading_ms,
        "error": None,
        "claimed_at": None,
        "report": {
            "status": report.status,
            "message": {lang: render(problem, lang) if problem else None for lang in ("en", "zh")},
            "flags": [flag.to_dict("en") for flag in report.flags],
            "output": report.output,
            "output_truncated": report.output_truncated,
            "hidden_output_bytes": report.hidden_output_bytes,
            "mutants_matched": report.mutants_matched,
            "counterexample": (
                {lang: report.counterexample.to_dict(lang) for lang in ("en", "zh")}
                if report.counterexample
                else None
            ),
        },
    }
    if job.regrade:
        values["regrade_requested_at"] = None
        version = _regrade_version(session, submission_id)
        if version is not None:
            values["exercise_version_id"] = version
    parameters = {f"v_{name}": value for name, value in values.items()}
    recorded = session.execute(
        _record_statement(job.regrade, tuple(values)),
        {"b_id": submission_id, "b_round": job.round, **parameters},
    ).one_or_none()
    if recorded is None:
        return False
    replaced = None
    if job.regrade:  # the previous grading's case rows go, and the regrade's audits close
        replaced = tallies.take_cases(session, submission_id)
        _close_audits(session, submission_id, new_score=report.score)
    if report.tests:
        session.execute(
            _INSERT_CASES,
            [
                {
                    "submission_id": submission_id,
                    "position": position,
                    "name": case.name,
                    "visibility": case.visibility,
                    "passed": case.passed,
                    "points": case.points,
                    "max_points": case.max_points,
                    "finding": case.finding.key if case.finding else None,
                    "mutant": case.mutant,
                    "message_en": case.message("en"),
                    "message_zh": case.message("zh"),
                }
                for position, case in enumerate(report.tests)
            ],
        )
    tallies.count_grading(session, submission_id, recorded.user_id, job.exercise_slug, report, replaced)
    graded = mistakes.Graded(
        submission_id,
        recorded.user_id,
        job.exercise_slug,
        recorded.exercise_version_id,
        recorded.assignment_id,
    )
    mistakes.place(session, graded, report, regrade=job.regrade)
    return True


@cache
def _record_statement(regrade: bool, columns: tuple[str, ...]) -> Any:
    """The report's UPDATE ... RETURNING for these columns, built once per process with bound
    parameters (``v_<column>``, the round as ``b_round``): see ``_claim_statement``."""
    table = _SUBMISSIONS.c
    round_ = bindparam("b_round", type_=table.started_at.type)
    if regrade:
        this_round = table.regrade_requested_at == round_
    else:
        this_round = (table.status != Status.graded) & (table.started_at == round_)
    return (
        update(_SUBMISSIONS)
        .where(table.id == bindparam("b_id"), this_round)
        .values({name: bindparam(f"v_{name}", type_=table[name].type) for name in columns})
        .returning(table.user_id, table.exercise_version_id, table.assignment_id)
    )


_INSERT_CASES = insert(_CASE_RESULTS)


def _regrade_version(session: Session, submission_id: int) -> int | None:
    """The exercise version the submission's open regrade grades against (the newest asked)."""
    audits = _REGRADES.c
    return session.scalar(
        select(audits.new_version_id)
        .where(audits.submission_id == submission_id, audits.completed_at.is_(None))
        .order_by(audits.id.desc())
        .limit(1)
    )


def _close_audits(
    session: Session, submission_id: int, *, new_score: float | None, error: str | None = None
) -> None:
    audits = _REGRADES.c
    session.execute(
        update(_REGRADES)
        .where(audits.submission_id == submission_id, audits.completed_at.is_(None))
        .values(new_score=new_score, error=error, completed_at=now())
    )


def record_failure(session: Session, job: GradingJob, message: str, max_attempts: int) -> bool:
    """A grader fault (the sandbox failed, or recording the report did): back to waiting for
    another attempt, or given up once ``max_attempts`` are spent — a first grading becomes
    ``error``; a regrade gives up and the last score stands, its audit saying why. Returns True
    if it should be retried. Nothing changes if the job's round is over."""
    table = _SUBMISSIONS.c
    row = session.execute(
        select(table.attempts).where(table.id == job.submission_id, _this_round(job)).with_for_update()
    ).one_or_none()
    if row is None:
        return False
    retry = row.attempts < max_attempts
    values: dict[str, Any] = {"error": message[:2000], "claimed_at": None}
    if not job.regrade:
        values["status"] = Status.queued if retry else Status.error
    elif not retry:
        values["regrade_requested_at"] = None
        _close_audits(session, job.submission_id, new_score=None, error=message[:2000])
    session.execute(update(_SUBMISSIONS).where(table.id == job.submission_id).values(**values))
    return retry


def waiting_condition() -> ColumnElement[bool]:
    """Submissions that wait for a worker: queued, or a regrade that no worker has claimed."""
    table = _SUBMISSIONS.c
    return (table.claimed_at.is_(None)) & (
        (table.status == Status.queued) | (table.regrade_requested_at.is_not(None))
    )


def claimed_condition() -> ColumnElement[bool]:
    """Submissions a worker has claimed and not yet recorded."""
    table = _SUBMISSIONS.c
    return (table.claimed_at.is_not(None)) & (
        (table.status == Status.running) | (table.regrade_requested_at.is_not(None))
    )
