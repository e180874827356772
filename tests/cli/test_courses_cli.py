"""A course set up from a script with `grader courses …` and `grader assignments …`, from an
empty database to exported grades, on both backends."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner, Result

from grader.cli import main
from grader.db import unit_of_work
from grader.settings import Settings
from grader.submissions import service as submissions
from grader.submissions.intake import load_code
from tests.deployments import environment
from tests.service.test_courses import _grade


def run(settings: Settings, *args: str) -> Result:
    """One command against the deployment, as a script runs it."""
    return CliRunner().invoke(main, list(args), env=environment(settings), catch_exceptions=False)


def test_a_course_from_a_script(service_settings: Settings, tmp_path: Path) -> None:
    assert (
        run(
            service_settings, "users", "create", "prof", "--role", "instructor", "--password", "long enough"
        ).exit_code
        == 0
    )
    made = run(
        service_settings,
        "courses",
        "create",
        "dl101",
        "--title",
        "Deep learning",
        "--instructor",
        "prof",
        "--timezone",
        "Asia/Shanghai",
    )
    assert made.exit_code == 0 and "created course dl101" in made.output
    again = run(service_settings, "courses", "create", "dl101", "--title", "x", "--instructor", "prof")
    assert again.exit_code == 1 and "in use" in again.output
    roster = tmp_path / "roster.csv"
    roster.write_text("username,name,email\namy,Amy Adams,amy@example.org\nben,Ben Brown,not-an-email\n")
    imported = run(service_settings, "courses", "roster", "dl101", "--import", str(roster))
    assert "created 1" in imported.output and "line 3: email" in imported.output
    listed = run(service_settings, "courses", "roster", "dl101")
    assert "amy" in listed.output and "prof" in listed.output and "ben" not in listed.output

    due = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    late = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    created = run(
        service_settings,
        "assignments",
        "create",
        "dl101",
        "--title",
        "Week 1",
        "--exercise",
        "linalg.sum_axis=10",
        "--due",
        due,
        "--late",
        f"{late}=0.5",
    )
    assert created.exit_code == 0 and created.output.startswith("#"), created.output
    assignment = int(created.output[1:].split()[0])
    bad = run(
        service_settings,
        "assignments",
        "create",
        "dl101",
        "--title",
        "x",
        "--exercise",
        "linalg.nope=1",
        "--due",
        due,
    )
    assert bad.exit_code == 1 and "linalg.nope" in bad.output

    with unit_of_work(service_settings.database_url) as session:
        from grader.accounts import service as accounts

        amy = accounts.find_user(session, "amy")
        row, _ = submissions.submit(
            session,
            amy,
            "linalg.sum_axis",
            load_code("def sum_axis(x, axis, keepdim=False):\n    return x\n"),
            assignment_id=assignment,
        )
        submission = row.id
    _grade(service_settings, submission, 4.0)
    extended = run(service_settings, "assignments", "extend", str(assignment), "amy", "--due", late)
    assert extended.exit_code == 0, extended.output
    grades = run(service_settings, "assignments", "grades", str(assignment), "--csv")
    rows = list(csv.reader(io.StringIO(grades.output)))
    assert rows[0][-1] == "Week 1 (10 pts)" and rows[1][3] == "amy" and rows[1][-1] == "4"
    links = run(service_settings, "courses", "links", "dl101")
    found = list(csv.DictReader(io.StringIO(links.output)))
    assert [row["username"] for row in found] == ["amy"] and "/set-password/" in found[0]["link"]
    assert run(service_settings, "courses", "drop", "dl101", "amy").exit_code == 0
    assert "amy" not in run(service_settings, "assignments", "grades", str(assignment)).output
