"""Keeping the read side's tallies (``tally_models``) up to date, in the transaction that changes
what they count: a stored submission counts at once, a recorded report adds its outcome and its
failed cases, a regrade takes the previous grading's away first. ``rebuild`` makes them again
from the raw rows (``grader db rebuild-tallies``; the migration that made them did the same).

Rows are locked in one order (standing, then failure tallies by key, then mistakes by name), so
two gradings of one exercise recorded at once wait for each other instead of deadlocking."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from sqlalchemy import Float, String, Table, bindparam, case, delete, func, insert, select, update
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from grader.grading.report import CaseResult, Report
from grader.submissions.models import CaseResultRow, Status, Submission
from grader.submissions.tally_models import ExerciseStanding, FailureTally, MistakeTally

FULL = 1e-9  # a score this close to the maximum is full marks

_STANDINGS = cast(Table, ExerciseStanding.__table__)
_FAILURES = cast(Table, FailureTally.__table__)
_MISTAKES = cast(Table, MistakeTally.__table__)
_SUBMISSIONS = cast(Table, Submission.__table__)
_CASES = cast(Table, CaseResultRow.__table__)


@dataclass(frozen=True)
class FailedCase:
    """What a failed case row says, as the tallies count it."""

    name: str
    finding: str | None
    mutant: str | None
    message_en: str
    message_zh: str

    @property
    def digest(self) -> str:
        """The tally's key beside the exercise and the case (``failure_digest``)."""
        return failure_digest(self.finding, self.mutant, self.message_en, self.message_zh)


def failure_digest(finding: str | None, mutant: str | None, message_en: str, message_zh: str) -> str:
    """md5 of what a failed case says; the length of the English message keeps two different
    pairs of messages from joining into the same text. ``_digest_sql`` is the same in SQL."""
    key = f"{finding or ''}/{mutant or ''}/{len(message_en)}/{message_en}{message_zh}"
    return hashlib.md5(key.encode(), usedforsecurity=False).hexdigest()


def _digest_sql(finding: Any, mutant: Any, message_en: Any, message_zh: Any) -> Any:
    return func.md5(
        func.coalesce(finding, "")
        + "/"
        + func.coalesce(mutant, "")
        + "/"
        + sql_cast(func.length(message_en), String)
        + "/"
        + message_en
        + message_zh
    )


def _insert(session: Session) -> Any:
    """The dialect's INSERT, which has ON CONFLICT ... DO UPDATE (PostgreSQL and SQLite alike)."""
    return postgresql.insert if _dialect(session) == "postgresql" else sqlite.insert


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


@dataclass(frozen=True)
class _Counting:
    """The statements that run with every submission stored and every report recorded, built
    once per dialect with bound parameters: building them at each call cost more CPU than the
    database spent running them."""

    submitted: Any
    graded: Any
    graded_full: Any
    failures: Any
    mistakes: Any


@cache
def _counting(dialect: str) -> _Counting:
    current, s = _STANDINGS.c, _SUBMISSIONS.c
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    row = make(_STANDINGS).values(
        exercise_slug=bindparam("b_slug"),
        user_id=bindparam("b_user"),
        submissions=1,
        graded=0,
        max_score=bindparam("b_max"),
    )
    submitted = row.on_conflict_do_update(
        index_elements=[current.exercise_slug, current.user_id],
        set_={
            "submissions": current.submissions + 1,
            "max_score": case(
                (row.excluded.max_score > current.max_score, row.excluded.max_score), else_=current.max_score
            ),
        },
    )
    score = bindparam("b_score", type_=Float)
    graded = (
        update(_STANDINGS)
        .where(current.exercise_slug == bindparam("b_slug"), current.user_id == bindparam("b_user"))
        .values(
            graded=current.graded + 1,
            best_score=case(
                (current.best_score.is_(None) | (current.best_score < score), score), else_=current.best_score
            ),
        )
    )
    # Full marks: which of the user's submissions to the exercise this one is, if the first.
    ordinal = (
        select(func.count())
        .where(
            s.user_id == bindparam("b_user"),
            s.exercise_slug == bindparam("b_slug"),
            s.id <= bindparam("b_id"),
        )
        .scalar_subquery()
    )
    graded_full = graded.values(
        first_full=case(
            (current.first_full.is_(None) | (current.first_full > ordinal), ordinal), else_=current.first_full
        )
    )
    failures = make(_FAILURES)
    failures = failures.on_conflict_do_update(
        index_elements=["exercise_slug", "case_name", "digest"],
        set_={"failures": _FAILURES.c.failures + failures.excluded.failures},
    )
    mistakes = make(_MISTAKES)
    mistakes = mistakes.on_conflict_do_update(
        index_elements=["exercise_slug", "mutant", "user_id"],
        set_={"submissions": _MISTAKES.c.submissions + mistakes.excluded.submissions},
    )
    return _Counting(submitted, graded, graded_full, failures, mistakes)


def count_submission(session: Session, user_id: int, slug: str, max_score: float) -> None:
    """A submission was stored: one more for its user and exercise."""
    statement = _counting(_dialect(session)).submitted
    session.execute(statement, {"b_slug": slug, "b_user": user_id, "b_max": max_score})


def count_report(
    session: Session, submission_id: int, user_id: int, slug: str, score: float, max_score: float
) -> None:
    """A first grading was recorded: one more graded, the best score, the first full marks."""
    counting = _counting(_dialect(session))
    statement = counting.graded_full if score >= max_score - FULL else counting.graded
    counted: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        statement, {"b_slug": slug, "b_user": user_id, "b_score": score, "b_id": submission_id}
    )
    if counted.rowcount == 0:  # stored before the tallies existed: count the pair from its rows
        recount_standing(session, user_id, slug)


def recount_standing(session: Session, user_id: int, slug: str) -> None:
    """Count one user's standing on one exercise again from their submissions (after a regrade,
    whose new score may be lower than the best it replaces)."""
    s = _SUBMISSIONS.c
    rows = session.execute(
        select(s.status, s.score, s.max_score)
        .where(s.user_id == user_id, s.exercise_slug == slug)
        .order_by(s.id)
    ).all()
    graded = [row for row in rows if row.status == Status.graded]
    full = [
        n for n, row in enumerate(rows, 1) if row.status == Status.graded and _full(row.score, row.max_score)
    ]
    values = {
        "submissions": len(rows),
        "graded": len(graded),
        "best_score": max((row.score for row in graded if row.score is not None), default=None),
        "max_score": max((row.max_score for row in rows), default=0.0),
        "first_full": full[0] if full else None,
    }
    row = _insert(session)(_STANDINGS).values(exercise_slug=slug, user_id=user_id, **values)
    session.execute(row.on_conflict_do_update(index_elements=["exercise_slug", "user_id"], set_=values))


def _full(score: float | None, max_score: float) -> bool:
    return score is not None and score >= max_score - FULL


def failed_cases(cases: Iterable[CaseResult]) -> list[FailedCase]:
    """The failed cases of a report as the tallies count them."""
    return [
        FailedCase(c.name, c.finding.key if c.finding else None, c.mutant, c.message("en"), c.message("zh"))
        for c in cases
        if not c.passed
    ]


@dataclass(frozen=True)
class Replaced:
    """What the case rows of a grading that a regrade replaces said."""

    failed: list[FailedCase]
    mutants: list[str | None]


def take_cases(session: Session, submission_id: int) -> Replaced:
    """Delete a submission's case rows (its regrade replaces them); what they said."""
    c = _CASES.c
    rows = session.execute(
        delete(_CASES)
        .where(c.submission_id == submission_id)
        .returning(c.passed, c.name, c.finding, c.mutant, c.message_en, c.message_zh)
    ).all()
    failed = [
        FailedCase(r.name, r.finding, r.mutant, r.message_en, r.message_zh) for r in rows if not r.passed
    ]
    return Replaced(failed, [r.mutant for r in rows])


def count_grading(
    session: Session,
    submission_id: int,
    user_id: int,
    slug: str,
    report: Report,
    replaced: Replaced | None = None,
) -> None:
    """A report was recorded: the user's standing on the exercise (counted again after a
    regrade, whose score may be below the best it replaces), then the exercise's failed cases
    and known mistakes, net of the grading it replaced."""
    if replaced is None:
        count_report(session, submission_id, user_id, slug, report.score, report.max_score)
    else:
        recount_standing(session, user_id, slug)
    failures: Counter[FailedCase] = Counter(failed_cases(report.tests))
    mistakes: Counter[str] = Counter({m for m in (c.mutant for c in report.tests) if m})
    if replaced is not None:
        failures.subtract(replaced.failed)
        mistakes.subtract({m for m in replaced.mutants if m})
    _add_failures(session, slug, failures)
    _add_mistakes(session, slug, user_id, mistakes)


def _add_failures(session: Session, slug: str, changes: Counter[FailedCase]) -> None:
    rows: list[dict[str, Any]] = sorted(
        (
            {
                "exercise_slug": slug,
                "case_name": case.name,
                "digest": case.digest,
                "finding": case.finding,
                "mutant": case.mutant,
                "message_en": case.message_en,
                "message_zh": case.message_zh,
                "failures": change,
            }
            for case, change in changes.items()
            if change
        ),
        key=lambda row: (row["case_name"], row["digest"]),
    )
    if not rows:
        return
    session.execute(_counting(_dialect(session)).failures, rows)
    if any(change < 0 for change in changes.values()):  # a regrade: what nobody says any more goes
        session.execute(delete(_FAILURES).where(_FAILURES.c.exercise_slug == slug, _FAILURES.c.failures <= 0))


def _add_mistakes(session: Session, slug: str, user_id: int, changes: Counter[str]) -> None:
    rows = [
        {"exercise_slug": slug, "mutant": name, "user_id": user_id, "submissions": change}
        for name, change in sorted(changes.items())
        if change
    ]
    if not rows:
        return
    session.execute(_counting(_dialect(session)).mistakes, rows)
    if any(change < 0 for change in changes.values()):
        m = _MISTAKES.c
        session.execute(
            delete(_MISTAKES).where(m.exercise_slug == slug, m.user_id == user_id, m.submissions <= 0)
        )


def rebuild(session: Session) -> None:
    """Make every tally again from the raw submissions and case rows."""
    for table in (_STANDINGS, _FAILURES, _MISTAKES):
        session.execute(delete(table))
    s, c = _SUBMISSIONS.c, _CASES.c
    graded = s.status == Status.graded
    ranked = select(
        s.exercise_slug,
        s.user_id,
        s.score,
        s.max_score,
        graded.label("graded"),
        func.row_number().over(partition_by=(s.user_id, s.exercise_slug), order_by=s.id).label("n"),
    ).subquery()
    r = ranked.c
    is_graded = r.graded.is_(True)
    session.execute(
        insert(_STANDINGS).from_select(
            ["exercise_slug", "user_id", "submissions", "graded", "best_score", "max_score", "first_full"],
            select(
                r.exercise_slug,
                r.user_id,
                func.count(),
                func.count().filter(is_graded),
                func.max(r.score).filter(is_graded),
                func.max(r.max_score),
                func.min(r.n).filter(is_graded & (r.score >= r.max_score - FULL)),
            ).group_by(r.exercise_slug, r.user_id),
        )
    )
    said = (c.name, c.finding, c.mutant, c.message_en, c.message_zh)
    session.execute(
        insert(_FAILURES).from_select(
            [
                "exercise_slug",
                "case_name",
                "finding",
                "mutant",
                "message_en",
                "message_zh",
                "digest",
                "failures",
            ],
            select(s.exercise_slug, *said, _digest_sql(*said[1:]), func.count())
            .join(_SUBMISSIONS, s.id == c.submission_id)
            .where(c.passed.is_(False))
            .group_by(s.exercise_slug, *said),
        )
    )
    session.execute(
        insert(_MISTAKES).from_select(
            ["exercise_slug", "mutant", "user_id", "submissions"],
            select(s.exercise_slug, c.mutant, s.user_id, func.count(func.distinct(s.id)))
            .join(_SUBMISSIONS, s.id == c.submission_id)
            .where(c.mutant.is_not(None))
            .group_by(s.exercise_slug, c.mutant, s.user_id),
        )
    )
