"""``grader courses …`` and ``grader assignments …``: set up and run a course from a script.

The command line is the operator's: it may act in every course. Each command parses its
options, calls one service in one transaction (``database_session``), and prints the result
(``--json`` for scripts). The services are imported when a command runs, so the other commands
start without torch.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import click

from grader.cli.service import database_session, load_settings


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"cannot read {path}: {exc}") from None


@click.group("courses")
def courses_group() -> None:
    """Courses and their rosters."""


@courses_group.command("create")
@click.argument("code")
@click.option("--title", required=True)
@click.option("--term", default="")
@click.option("--timezone", default="UTC", show_default=True, help="IANA name, e.g. Europe/Berlin")
@click.option(
    "--instructor", required=True, help="the course's first instructor (an instructor or admin user)"
)
def create_course_cmd(code: str, title: str, term: str, timezone: str, instructor: str) -> None:
    """Create course CODE (e.g. dl101-2027s) with its first instructor."""
    from grader.accounts import service as accounts
    from grader.courses import service as courses

    with database_session() as session:
        actor = accounts.find_user(session, instructor)
        course = courses.create_course(session, actor, code, title, term=term, timezone=timezone)
        click.echo(
            f"created course {course.code}: {course.title} ({course.timezone}), instructor {instructor}"
        )


@courses_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_courses_cmd(as_json: bool) -> None:
    """Every course: code, title, term, time zone."""
    from sqlalchemy import select

    from grader.courses.models import Course

    with database_session() as session:
        rows = [
            {"code": c.code, "title": c.title, "term": c.term, "timezone": c.timezone}
            for c in session.scalars(select(Course).order_by(Course.code))
        ]
    if as_json:
        _echo_json(rows)
        return
    for row in rows:
        click.echo(f"{row['code']:<24} {row['title']}  {row['term']}  ({row['timezone']})")


@courses_group.command("roster")
@click.argument("code")
@click.option(
    "--import", "path", type=click.Path(path_type=Path, dir_okay=False), help="a roster CSV to import"
)
@click.option("--json", "as_json", is_flag=True)
def roster_cmd(code: str, path: Path | None, as_json: bool) -> None:
    """Show course CODE's roster, or import a CSV (username,name,email[,role,student_id])."""
    from grader.courses import roster
    from grader.courses import service as courses

    with database_session() as session:
        course = courses.find_course(session, code)
        if path is not None:
            report = roster.import_roster(session, course, _read(path))
            if as_json:
                _echo_json(report.as_dict())
            else:
                click.echo(
                    f"created {report.created}, enrolled {report.enrolled}, updated {report.updated}, "
                    f"unchanged {report.unchanged}, {len(report.errors)} bad line(s)"
                )
                for error in report.errors:
                    click.echo(f"  line {error['line']}: {error['message']}")
            return
        members = courses.roster(session, course)
    if as_json:
        _echo_json([vars(m) for m in members])
        return
    for m in members:
        click.echo(f"{m.role:<10} {m.username:<24} {m.name or '':<30} {m.email or ''}")


@courses_group.command("drop")
@click.argument("code")
@click.argument("username")
def drop_cmd(code: str, username: str) -> None:
    """Drop USERNAME from course CODE (their submissions stay)."""
    from grader.courses import service as courses

    with database_session() as session:
        courses.drop(session, courses.find_course(session, code), username)
    click.echo(f"dropped {username} from {code}")


@courses_group.command("links")
@click.argument("code")
def links_cmd(code: str) -> None:
    """Print, as CSV for a mail merge, one-time set-password links for course CODE's students who
    have no password yet (each replaces the student's unused earlier link)."""
    from grader.cli.service import load_settings
    from grader.courses import service as courses

    public_url = load_settings().public_url
    with database_session() as session:
        issued = courses.issue_links(session, courses.find_course(session, code), public_url, None)
        rows = [
            [m.username, m.name or "", m.email or "", link.url, link.expires_at.isoformat()]
            for m, link in issued
        ]
    writer = csv.writer(sys.stdout)
    writer.writerow(["username", "name", "email", "link", "expires_at"])
    writer.writerows(rows)


@click.group("assignments")
def assignments_group() -> None:
    """Assignments, extensions and grades."""


def _pairs(option: str, items: tuple[str, ...], example: str, last: bool = False) -> list[tuple[str, float]]:
    """``KEY=NUMBER`` options as pairs (split at the last ``=`` when ``last``: a time has none
    in it, but a slug might one day)."""
    pairs = []
    for item in items:
        key, _, number = item.rpartition("=") if last else item.partition("=")
        try:
            pairs.append((key, float(number)))
        except ValueError:
            raise click.UsageError(f"{option} {item!r}: write it as {example}") from None
    return pairs


def _spec(
    title: str | None, exercises: tuple[str, ...], opens: str | None, due: str | None, late: tuple[str, ...]
) -> dict[str, Any]:
    """An API-style body from the options (only those given)."""
    body: dict[str, Any] = {}
    if title is not None:
        body["title"] = title
    if exercises:
        chosen = _pairs("--exercise", exercises, "SLUG=POINTS, e.g. linalg.sum_axis=10")
        body["exercises"] = [{"exercise": slug, "points": points} for slug, points in chosen]
    if opens is not None:
        body["opens_at"] = opens
    if due is not None:
        body["due_at"] = due
    if late:
        windows = _pairs("--late", late, "UNTIL=CREDIT, e.g. 2027-03-08T18:00:00+01:00=0.5", last=True)
        body["late"] = [{"until": until, "credit": credit} for until, credit in windows]
    return body


SPEC_OPTIONS = [
    click.option("--title"),
    click.option("--exercise", "exercises", multiple=True, help="SLUG=POINTS, repeated"),
    click.option("--opens", help="ISO 8601 with offset"),
    click.option("--due", help="ISO 8601 with offset"),
    click.option("--late", multiple=True, help="UNTIL=CREDIT, repeated, in time order"),
]


def _with_spec(command: Any) -> Any:
    for option in reversed(SPEC_OPTIONS):
        command = option(command)
    return command


def _summary(assignment: Any) -> str:
    from grader.times import iso

    slugs = ", ".join(f"{row.exercise_slug}={row.points:g}" for row in assignment.exercises)
    return f"#{assignment.id} {assignment.title}: due {iso(assignment.due_at)}; {slugs}"


@assignments_group.command("create")
@click.argument("course_code")
@_with_spec
def create_assignment_cmd(
    course_code: str,
    title: str | None,
    exercises: tuple[str, ...],
    opens: str | None,
    due: str | None,
    late: tuple[str, ...],
) -> None:
    """Create an assignment in course COURSE_CODE; prints its id."""
    from grader.assignments import service as assignments
    from grader.courses import service as courses

    with database_session() as session:
        course = courses.find_course(session, course_code)
        assignment = assignments.create_assignment(session, course, _spec(title, exercises, opens, due, late))
        click.echo(_summary(assignment))


@assignments_group.command("update")
@click.argument("assignment_id", type=int)
@_with_spec
def update_assignment_cmd(
    assignment_id: int,
    title: str | None,
    exercises: tuple[str, ...],
    opens: str | None,
    due: str | None,
    late: tuple[str, ...],
) -> None:
    """Change an assignment's fields (grades follow at once)."""
    from grader.assignments import service as assignments
    from grader.lti import passback

    with database_session() as session:
        assignment = _assignment(session, assignment_id)
        assignments.update_assignment(session, assignment, _spec(title, exercises, opens, due, late))
        passback.dates_changed_after_commit(session, load_settings(), assignment)
        click.echo(_summary(assignment))


def _assignment(session: Any, assignment_id: int) -> Any:
    from grader.assignments.models import Assignment
    from grader.errors import NotFound

    found = session.get(Assignment, assignment_id)
    if found is None:
        raise NotFound(f"no assignment {assignment_id}")
    return found


@assignments_group.command("list")
@click.argument("course_code")
def list_assignments_cmd(course_code: str) -> None:
    """Course COURSE_CODE's assignments, by due date."""
    from grader.assignments import service as assignments
    from grader.courses import service as courses

    with database_session() as session:
        for assignment in assignments.course_assignments(session, courses.find_course(session, course_code)):
            click.echo(_summary(assignment))


@assignments_group.command("extend")
@click.argument("assignment_id", type=int)
@click.argument("username", required=False)
@click.option("--due", help="the student's due date, ISO 8601 with offset")
@click.option("--csv", "path", type=click.Path(path_type=Path, dir_okay=False), help="username,due_at lines")
@click.option("--remove", is_flag=True, help="take USERNAME's extension back")
def extend_cmd(
    assignment_id: int, username: str | None, due: str | None, path: Path | None, remove: bool
) -> None:
    """Grant (or --remove) a student's extension, or many from a CSV."""
    from grader.assignments import service as assignments
    from grader.lti import passback

    with database_session() as session:
        assignment = _assignment(session, assignment_id)
        if path is not None:
            report = assignments.import_extensions(session, assignment, _read(path), None)
            passback.dates_changed_after_commit(session, load_settings(), assignment)
            bad = len(report["errors"])
            click.echo(f"granted {report['granted']}, unchanged {report['unchanged']}, {bad} bad line(s)")
            for error in report["errors"]:
                click.echo(f"  line {error['line']}: {error['message']}")
            return
        if username is None:
            raise click.UsageError("name a student (or give --csv)")
        if remove:
            assignments.remove_extension(session, assignment, username)
            passback.dates_changed_after_commit(session, load_settings(), assignment, username)
            click.echo(f"removed {username}'s extension")
            return
        if due is None:
            raise click.UsageError("give --due (or --remove)")
        assignments.grant_extension(session, assignment, username, {"due_at": due}, None)
        passback.dates_changed_after_commit(session, load_settings(), assignment, username)
        click.echo(f"{username} is due {due} on assignment {assignment_id}")


@assignments_group.command("grades")
@click.argument("assignment_id", type=int)
@click.option("--csv", "as_csv", is_flag=True, help="Canvas's/Moodle's import layout")
@click.option("--detail", is_flag=True, help="with --csv: a column per exercise too")
@click.option("--json", "as_json", is_flag=True)
def grades_cmd(assignment_id: int, as_csv: bool, detail: bool, as_json: bool) -> None:
    """Every enrolled student's credited points and total, with the late policy applied."""
    from grader.reports import assignment_grades

    with database_session() as session:
        book = assignment_grades.book(session, _assignment(session, assignment_id))
        if as_csv:
            click.echo(assignment_grades.as_csv(book, detail=detail), nl=False)
            return
        if as_json:
            _echo_json(assignment_grades.as_json(book))
            return
        out = io.StringIO()
        for row in book.students:
            marks = " ".join(
                f"{slug}={'-' if g.points is None else f'{g.points:g}'}{'*' if g.late else ''}"
                for slug, g in row.grades.items()
            )
            out.write(f"{row.username:<24} {row.total:>8g} / {book.points:g}  {marks}\n")
        click.echo(out.getvalue() + "(* late credit)", nl=True)


def register(main: click.Group) -> None:
    """Add the course commands to the ``grader`` group."""
    main.add_command(courses_group)
    main.add_command(assignments_group)
