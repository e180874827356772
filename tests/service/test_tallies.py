"""The read side's tallies, kept as submissions are stored and reports recorded (first gradings,
regrades that lower and raise a score, faults), always equal what a rebuild from the raw rows
makes, and what the migration that made them filled in; on PostgreSQL and SQLite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import select, text

from grader.accounts import service as accounts
from grader.accounts.models import Role
from grader.db import unit_of_work
from grader.grading.report import CaseResult, Report
from grader.i18n.messages import Finding
from grader.migrate import alembic_config, upgrade
from grader.settings import Settings
from grader.submissions import intake, lifecycle, regrade, tallies
from grader.submissions import service as submissions
from grader.submissions.tally_models import ExerciseStanding
from tests.deployments import environment

SLUG, OTHER = "linalg.sum_axis", "linalg.matmul"
CODE = "def sum_axis(x, axis, keepdim=False):\n    return x.sum(dim=axis)\n"
TABLES = ("exercise_standings", "failure_tallies", "mistake_tallies")


def report(passed: int, *, mutant: str | None = "ignores keepdim", value: str = "0.5") -> Report:
    """A report of four cases of which the first ``passed`` pass; failures name a mistake."""
    cases = [
        CaseResult(f"case_{i}", "public" if i < 2 else "hidden", True, 2.5, 2.5)
        if i < passed
        # The failures' messages carry a value, as real ones do ("largest error 0.5 at [1, 2]").
        else CaseResult(
            f"case_{i}",
            "public" if i < 2 else "hidden",
            False,
            0.0,
            2.5,
            Finding(
                "values",
                {
                    "count": 1,
                    "total": 4,
                    "error": value,
                    "index": "[0]",
                    "actual": value,
                    "expected": "1.0",
                    "tolerance": "1e-5",
                },
            ),
            mutant=mutant if i == 3 else None,
        )
        for i in range(4)
    ]
    return Report(SLUG, "passed" if passed == 4 else "failed", 2.5 * passed, 10.0, cases)


def submit(settings: Settings, username: str, slug: str = SLUG) -> int:
    with unit_of_work(settings.database_url) as session:
        user = accounts.find_user(session, username)
        row, _ = submissions.submit(session, user, slug, intake.load_code(CODE), per_minute=1000)
        return row.id


def record(settings: Settings, submission_id: int, graded: Report) -> None:
    with unit_of_work(settings.database_url) as session:
        job = lifecycle.claim(session, submission_id, worker="test")
    assert job is not None
    with unit_of_work(settings.database_url) as session:
        assert lifecycle.record_report(session, job, graded, grading_ms=1.0)


def fail(settings: Settings, submission_id: int) -> None:
    """A grader fault on the last attempt: the submission ends in ``error``."""
    with unit_of_work(settings.database_url) as session:
        job = lifecycle.claim(session, submission_id, worker="test")
    assert job is not None
    with unit_of_work(settings.database_url) as session:
        assert not lifecycle.record_failure(session, job, "the sandbox broke", max_attempts=1)


def regraded(settings: Settings, submission_id: int, graded: Report) -> None:
    with unit_of_work(settings.database_url) as session:
        regrade.request_submission(session, submission_id, requested_by=None)
    record(settings, submission_id, graded)


def snapshot(settings: Settings) -> dict[str, list[tuple[Any, ...]]]:
    """Every tally row, in order."""
    with unit_of_work(settings.database_url) as session:
        return {
            table: sorted(tuple(row) for row in session.execute(text(f"SELECT * FROM {table}")))
            for table in TABLES
        }


def coursework(settings: Settings) -> dict[str, int]:
    """Two students' work: failures, a fault, full marks, a regrade that lowers a score and one
    that raises it, a submission still queued; an instructor's try."""
    for name, role in (("amy", Role.student), ("ben", Role.student), ("tess", Role.instructor)):
        with unit_of_work(settings.database_url) as session:
            accounts.create_user(session, name, role)
    ids = {
        "amy1": submit(settings, "amy"),
        "amy2": submit(settings, "amy"),
        "amy3": submit(settings, "amy"),
        "ben1": submit(settings, "ben"),
        "ben2": submit(settings, "ben"),
        "ben_other": submit(settings, "ben", OTHER),
        "tess": submit(settings, "tess"),
    }
    record(settings, ids["amy1"], report(1))
    fail(settings, ids["amy2"])
    record(settings, ids["amy3"], report(4))
    record(settings, ids["ben1"], report(4))
    record(settings, ids["ben2"], report(2, value="0.25"))
    record(settings, ids["tess"], report(3, mutant=None))
    regraded(settings, ids["amy1"], report(4))  # raised to full marks: amy's first full is now her first
    regraded(settings, ids["ben1"], report(0, mutant="drops the axis"))  # lowered below ben's best
    regraded(settings, ids["ben2"], report(2, value="0.25"))  # the same again: nothing moves
    return ids


def test_tallies_kept_while_recording_equal_a_rebuild(service_settings: Settings) -> None:
    coursework(service_settings)
    kept = snapshot(service_settings)
    with unit_of_work(service_settings.database_url) as session:
        standings = {
            (row.user_id, row.exercise_slug): row for row in session.scalars(select(ExerciseStanding)).all()
        }
        amy, ben = accounts.find_user(session, "amy").id, accounts.find_user(session, "ben").id
        tallies.rebuild(session)
    assert snapshot(service_settings) == kept
    assert (standings[amy, SLUG].submissions, standings[amy, SLUG].graded) == (3, 2)
    assert standings[amy, SLUG].first_full == 1 and standings[amy, SLUG].best_score == 10.0
    assert standings[ben, SLUG].best_score == 5.0 and standings[ben, SLUG].first_full is None
    assert (standings[ben, OTHER].submissions, standings[ben, OTHER].graded) == (1, 0)
    assert standings[ben, OTHER].best_score is None
    mistakes = {(slug, name, user): n for slug, name, user, n in kept["mistake_tallies"]}
    assert mistakes == {(SLUG, "drops the axis", ben): 1, (SLUG, "ignores keepdim", ben): 1}
    failures = {(row[1], row[4]): row[7] for row in kept["failure_tallies"]}
    assert failures[("case_3", "ignores keepdim")] == 1 and failures[("case_3", "drops the axis")] == 1
    assert sum(failures.values()) == 4 + 2 + 1  # ben1 now, ben2, tess


def test_the_rebuild_command_counts_them_again(service_settings: Settings) -> None:
    coursework(service_settings)
    kept = snapshot(service_settings)
    with unit_of_work(service_settings.database_url) as session:  # rows changed by hand, say
        session.execute(text("DELETE FROM exercise_standings"))
        session.execute(text("UPDATE failure_tallies SET failures = 99"))
    grader = str(Path(sys.executable).with_name("grader"))
    done = subprocess.run(
        [grader, "db", "rebuild-tallies"], env=environment(service_settings), capture_output=True, text=True
    )
    assert done.returncode == 0 and "tallies rebuilt" in done.stdout, done.stderr
    assert snapshot(service_settings) == kept


def test_the_migration_fills_the_tallies_from_the_rows_there(service_settings: Settings) -> None:
    coursework(service_settings)
    kept = snapshot(service_settings)
    config = alembic_config(service_settings.database_url)
    command.downgrade(config, "0005")  # the tallies go; the submissions and case rows stay
    upgrade(service_settings.database_url)
    assert snapshot(service_settings) == kept
