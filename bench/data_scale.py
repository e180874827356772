"""The instructor pages and API reads at the size of a real course, against the goal.

For the chosen backend, one run on this machine:

- a fresh deployment (the test suite's: a new PostgreSQL database, or SQLite files in a
  temporary folder), migrated, the bank synced;
- the data, built in bulk by SQL on the database's side (no ORM row by row): ``--students``
  students and an instructor, ``--submissions`` submissions spread over the bank's exercises and
  the last 90 days (a few queued, running and in ``error``, the rest graded), and ``--cases`` case
  rows for each graded one (failing ones with a finding, a message with values in it, sometimes a
  recognised mistake); then ``VACUUM ANALYZE`` (PostgreSQL) or ``ANALYZE`` (SQLite), and the
  read-side tallies rebuilt from those rows as ``grader db rebuild-tallies`` does;
- the real API (``grader serve --workers 2``: gunicorn), signed in as the instructor through the
  login form and with a bearer token;
- each page and API read requested ``--runs`` times after two warm-ups, one at a time: its p50
  and p95, the size of the answer, and the verdict against the goal (PostgreSQL at a million
  submissions: p95 <= 200 ms; the embedded default at 100,000: every page under a second).

Run: ``python bench/data_scale.py --backend postgres|embedded [--submissions N] [--students N]
[--runs N] [--explain FILE]``; ``--explain`` writes the query plans of the main read queries.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import requests
from sqlalchemy import bindparam, event, text
from sqlalchemy.engine import Connection

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' shared deployments
sys.path.insert(0, str(Path(__file__).resolve().parent))  # the service benchmark's process helpers
from service_throughput import BIN, _free_port, _healthz, _log_tail, _start, _stop, percentile

from grader.accounts import service as accounts
from grader.accounts.models import Role
from grader.bank import catalog
from grader.db import engine_for, unit_of_work
from grader.settings import Settings
from tests import deployments

GOALS = {"postgres": (1_000_000, 0.200), "embedded": (100_000, 1.0)}  # size, p95 seconds
INSTRUCTOR, PASSWORD = "teacher", "bench-password"
DAYS = 90
MUTANTS = 4  # distinct recognised mistakes per exercise


# ---------------------------------------------------------------------------------- data


def _dialect_sql(backend: str, count: int) -> dict[str, str]:
    """The few expressions PostgreSQL and SQLite spell differently."""
    if backend == "postgres":
        return {
            "series": f"SELECT generate_series(1, {count}) AS i",
            "ago": "now() - make_interval(secs => {seconds})",
            "json": "CAST({value} AS json)",
        }
    return {
        "series": (
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
            f"WHERE i < {count}) SELECT i FROM n"
        ),
        "ago": "strftime('%Y-%m-%d %H:%M:%f000', 'now', '-' || ({seconds}) || ' seconds')",
        "json": "{value}",
    }


def build_data(connection: Connection, backend: str, submissions: int, students: int, cases: int) -> None:
    """Students, submissions and case rows, made by the database itself from a number series."""
    versions = connection.execute(
        text("SELECT id, slug, points FROM exercise_versions WHERE current ORDER BY slug")
    ).all()
    exercises = ", ".join(
        f"({k}, '{slug}', {vid}, {points})" for k, (vid, slug, points) in enumerate(versions)
    )
    first = connection.execute(text("SELECT coalesce(max(id), 0) + 1 FROM users")).scalar_one()
    sql = _dialect_sql(backend, max(submissions, students))
    connection.execute(
        text(
            f"INSERT INTO users (id, username, role, created_at) "
            f"SELECT {first} + i - 1, 'student' || (1000000 + i), 'student', "
            f"{sql['ago'].format(seconds=DAYS * 86400)} FROM ({sql['series']}) AS g WHERE i <= {students}"
        )
    )
    if backend == "postgres":
        connection.execute(text("SELECT setval('users_id_seq', (SELECT max(id) FROM users))"))
    span = DAYS * 86400.0 / submissions
    h = "((i * 2654435761) % 4294967296)"  # a hash of the row number: scores, kinds, messages
    passed = f"(CASE WHEN {h} % 12 > {cases} THEN {cases} ELSE {h} % 12 END)"
    status = (
        f"CASE WHEN i > {submissions} - 20 THEN 'queued' WHEN i > {submissions} - 25 THEN 'running' "
        f"WHEN i % 5000 = 0 THEN 'error' ELSE 'graded' END"
    )
    report = sql["json"].format(value='\'{"status": "failed", "message": {"en": null, "zh": null}}\'')
    ago = sql["ago"].format(seconds=f"({submissions} - i) * {span}")
    connection.execute(
        text(
            "INSERT INTO submissions (id, user_id, exercise_slug, exercise_version_id, source, filename, "
            "notebook, seed, status, score, max_score, report, attempts, created_at, updated_at, "
            "started_at, graded_at, grading_ms) "
            f"WITH ex(k, slug, vid, points) AS (VALUES {exercises}), "
            f"s AS (SELECT i, {first} + i % {students} AS uid, (i / {students}) % {len(versions)} AS k, "
            f"{passed} AS passed, {status} AS status, {ago} AS at FROM ({sql['series']}) AS g "
            f"WHERE i <= {submissions}) "
            "SELECT i, uid, ex.slug, ex.vid, 'def answer(x):\n    return x\n', 'submission.py', false, "
            f"i % 2147483647, status, CASE WHEN status = 'graded' THEN passed * ex.points / {cases}.0 END, "
            f"ex.points, CASE WHEN status = 'graded' THEN {report} END, 1, at, at, at, "
            "CASE WHEN status = 'graded' THEN at END, 14.0 FROM s JOIN ex ON ex.k = s.k"
        )
    )
    if backend == "postgres":
        connection.execute(text("SELECT setval('submissions_id_seq', (SELECT max(id) FROM submissions))"))
    positions = " UNION ALL ".join(f"SELECT {p} AS pos" for p in range(cases))
    sh = "((s.id * 2654435761 + p.pos * 40503) % 4294967296)"
    fails = f"p.pos >= round(s.score / s.max_score * {cases})"
    connection.execute(
        text(
            "INSERT INTO case_results (submission_id, position, name, visibility, passed, points, "
            "max_points, finding, mutant, message_en, message_zh) "
            "SELECT s.id, p.pos, 'case_' || p.pos, CASE WHEN p.pos < 3 THEN 'public' ELSE 'hidden' END, "
            f"NOT ({fails}), CASE WHEN {fails} THEN 0 ELSE s.max_score / {cases} END, s.max_score / {cases}, "
            f"CASE WHEN {fails} THEN (CASE {sh} % 4 WHEN 0 THEN 'values' WHEN 1 THEN 'shape_keepdim' "
            "WHEN 2 THEN 'dtype' ELSE 'nan' END) END, "
            f"CASE WHEN {fails} AND {sh} % 3 = 0 THEN 'mistake_' || ({sh} % {MUTANTS}) END, "
            f"CASE WHEN NOT ({fails}) THEN 'passed' WHEN p.pos < 3 THEN 'values differ; largest error 0.' "
            f"|| ({sh} % 50) || ' at [' || ({sh} % 3) || ']' "
            f"ELSE 'values differ (hidden case ' || ({sh} % 4) || ')' END, "
            f"CASE WHEN NOT ({fails}) THEN '通过' ELSE '数值不同 ' || ({sh} % 50) END "
            f"FROM submissions s, ({positions}) AS p WHERE s.status = 'graded'"
        )
    )


def rebuild_aggregates(database_url: str) -> str:
    """Rebuild the read side's aggregates from the raw rows, where this version of the grader
    keeps them (an older one, measured for comparison, has none)."""
    try:
        from grader.submissions import tallies  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return "none in this version"
    started = time.perf_counter()
    with unit_of_work(database_url) as session:
        tallies.rebuild(session)
    return f"rebuilt in {time.perf_counter() - started:.1f} s"


@dataclass
class Built:
    """A deployment with its data: where, how big, the names the reads use."""

    backend: str
    database_url: str
    submissions: int
    case_rows: int
    students: int
    token: str
    student_token: str
    slug: str
    student: str
    submission_id: int
    course: str = ""
    assignment: int = 0
    assigned: int = 0  # submissions to the assignment


def populate(backend: str, database_url: str, submissions: int, students: int, cases: int) -> Built:
    """Bank, instructor, students, submissions and case rows; statistics for the planner."""
    with unit_of_work(database_url) as session:
        catalog.sync_bank(session)
        accounts.create_user(session, INSTRUCTOR, Role.instructor, PASSWORD)
        token = accounts.create_token(session, INSTRUCTOR, "bench")
    started = time.perf_counter()
    engine = engine_for(database_url)
    with engine.begin() as connection:
        build_data(connection, backend, submissions, students, cases)
    print(f"  built the data in {time.perf_counter() - started:.1f} s", flush=True)
    print(f"  aggregates: {rebuild_aggregates(database_url)}", flush=True)
    started = time.perf_counter()
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.execute(text("VACUUM ANALYZE" if backend == "postgres" else "ANALYZE"))
        count = connection.execute(text("SELECT count(*) FROM submissions")).scalar_one()
        rows = connection.execute(text("SELECT count(*) FROM case_results")).scalar_one()
        student = connection.execute(
            text("SELECT min(username) FROM users WHERE role = 'student'")
        ).scalar_one()
        slug, submission_id = connection.execute(
            text(
                "SELECT exercise_slug, max(id) FROM submissions WHERE status = 'graded' "
                "GROUP BY exercise_slug ORDER BY exercise_slug LIMIT 1"
            )
        ).one()
    print(f"  analysed in {time.perf_counter() - started:.1f} s", flush=True)
    with unit_of_work(database_url) as session:
        student_token = accounts.create_token(session, student, "bench")
        # The student signs in to their pages with the instructor's password (hashed once).
        session.execute(
            text(
                "UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE username = :i) "
                "WHERE username = :s"
            ),
            {"i": INSTRUCTOR, "s": student},
        )
    built = Built(
        backend, database_url, count, rows, students, token, student_token, slug, student, submission_id
    )
    build_course(built, COURSE_EXERCISES)
    build_mistake_groups(built)
    return built


COURSE = "scale-course"
COURSE_EXERCISES = 10


def build_course(built: Built, exercises: int) -> None:
    """A course with every student enrolled and an assignment of ``exercises`` exercises that
    every submission to them belongs to (half of them on time, the rest in a late window, and
    one student in ten with an extension), for the course gradebook's reads."""
    from grader.assignments import service as assignments
    from grader.courses import service as courses
    from grader.times import now

    with unit_of_work(built.database_url) as session:
        instructor = accounts.find_user(session, INSTRUCTOR)
        course = courses.create_course(session, instructor, COURSE, "Scale", timezone="Europe/Berlin")
        slugs = list(
            session.scalars(
                text("SELECT DISTINCT exercise_slug FROM submissions ORDER BY exercise_slug LIMIT :n"),
                {"n": exercises},
            )
        )
        middle = now() - timedelta(days=DAYS / 2)
        assignment = assignments.create_assignment(
            session,
            course,
            {
                "title": "Scale",
                "exercises": [{"exercise": slug, "points": 10} for slug in slugs],
                "due_at": middle.isoformat(),
                "late": [{"until": (middle + timedelta(days=DAYS / 4)).isoformat(), "credit": 0.5}],
            },
        )
        built.course, built.assignment = COURSE, assignment.id
        course_id = course.id
    started = time.perf_counter()
    with engine_for(built.database_url).begin() as connection:
        connection.execute(
            text(
                "INSERT INTO enrollments (course_id, user_id, role, created_at) "
                "SELECT :course, id, 'student', created_at FROM users WHERE role = 'student'"
            ),
            {"course": course_id},
        )
        built.assigned = connection.execute(
            text("UPDATE submissions SET assignment_id = :a WHERE exercise_slug IN :slugs").bindparams(
                bindparam("slugs", expanding=True)
            ),
            {"a": built.assignment, "slugs": slugs},
        ).rowcount
        connection.execute(
            text(
                "INSERT INTO extensions (assignment_id, user_id, due_at, created_at) "
                "SELECT :a, id, :due, created_at FROM users WHERE role = 'student' AND id % 10 = 0"
            ),
            {"a": built.assignment, "due": now()},
        )
    print(
        f"  course: {built.assigned:,} submissions to an assignment of {exercises} exercises "
        f"({time.perf_counter() - started:.1f} s)",
        flush=True,
    )


GROUPS = 300  # behaviours per exercise version, a few large and many small


def build_mistake_groups(built: Built) -> None:
    """Every graded submission short of full marks in one of GROUPS mistake groups of its
    exercise version (skewed: the lower keys are the larger groups), with the groups' counts and
    members as the worker keeps them."""
    spread = f"(((s.id * 2654435761) % 4294967296) % {GROUPS})"
    key = f"({spread} * {spread} / {GROUPS})"
    wrong = "s.status = 'graded' AND s.score < s.max_score"
    started = time.perf_counter()
    with engine_for(built.database_url).begin() as connection:
        connection.execute(
            text(
                "INSERT INTO mistake_groups (exercise_slug, exercise_version_id, fingerprint, submissions, "
                "students, example_submission_id, created_at) "
                f"SELECT s.exercise_slug, s.exercise_version_id, 'fp' || {key}, count(*), "
                f"count(DISTINCT s.user_id), min(s.id), min(s.created_at) FROM submissions s WHERE {wrong} "
                f"GROUP BY s.exercise_slug, s.exercise_version_id, {key}"
            )
        )
        entries = connection.execute(
            text(
                "INSERT INTO mistake_entries (submission_id, group_id, user_id, assignment_id) "
                "SELECT s.id, g.id, s.user_id, s.assignment_id FROM submissions s JOIN mistake_groups g "
                f"ON g.exercise_version_id = s.exercise_version_id AND g.fingerprint = 'fp' || {key} "
                f"WHERE {wrong}"
            )
        ).rowcount
        connection.execute(
            text(
                "INSERT INTO mistake_members (group_id, user_id, submissions) "
                "SELECT group_id, user_id, count(*) FROM mistake_entries GROUP BY group_id, user_id"
            )
        )
    print(
        f"  mistake groups: {entries:,} submissions in {GROUPS} groups per exercise "
        f"({time.perf_counter() - started:.1f} s)",
        flush=True,
    )


# ---------------------------------------------------------------------------------- the reads


def reads(built: Built) -> list[tuple[str, str, str]]:
    """(label, path, who) of each instructor page and API read, and a student's pages beside them."""
    slug, student, sid = built.slug, built.student, built.submission_id
    middle = max(1, built.submissions // 2 // 100)
    return [
        ("/dashboard/ (overview)", "/dashboard/", "page"),
        ("/dashboard/gradebook", "/dashboard/gradebook", "page"),
        ("/dashboard/gradebook?sort=<slug>&dir=desc", f"/dashboard/gradebook?sort={slug}&dir=desc", "page"),
        ("/dashboard/gradebook?sort=total&dir=desc", "/dashboard/gradebook?sort=total&dir=desc", "page"),
        ("/dashboard/gradebook.csv", "/dashboard/gradebook.csv", "page"),
        ("/dashboard/exercises/<slug> (stats)", f"/dashboard/exercises/{slug}", "page"),
        ("/dashboard/students/<name>", f"/dashboard/students/{student}", "page"),
        ("/dashboard/submissions/<id>", f"/dashboard/submissions/{sid}", "page"),
        ("/dashboard/users", "/dashboard/users", "page"),
        ("GET /api/v1/gradebook", "/api/v1/gradebook", "api"),
        ("GET /api/v1/gradebook?format=csv", "/api/v1/gradebook?format=csv", "api"),
        ("GET /api/v1/exercises/<slug>/stats", f"/api/v1/exercises/{slug}/stats", "api"),
        ("GET /api/v1/exercises/<slug>/mistakes", f"/api/v1/exercises/{slug}/mistakes", "api"),
        (
            "GET /api/v1/exercises/<slug>/mistakes?course=<code>",
            f"/api/v1/exercises/{slug}/mistakes?course={built.course}",
            "api",
        ),
        ("GET /api/v1/submissions?per_page=100", "/api/v1/submissions?per_page=100", "api"),
        (
            "GET /api/v1/submissions?per_page=100&page=<middle>",
            f"/api/v1/submissions?per_page=100&page={middle}",
            "api",
        ),
        ("GET /api/v1/submissions?exercise=<slug>", f"/api/v1/submissions?exercise={slug}", "api"),
        ("GET /api/v1/submissions?student=<name>", f"/api/v1/submissions?student={student}", "api"),
        ("GET /api/v1/submissions/<id>", f"/api/v1/submissions/{sid}", "api"),
        (
            "GET /api/v1/assignments/<id>/grades",
            f"/api/v1/assignments/{built.assignment}/grades",
            "api",
        ),
        (
            "GET /api/v1/assignments/<id>/grades?format=csv",
            f"/api/v1/assignments/{built.assignment}/grades?format=csv",
            "api",
        ),
        (
            "/courses/<code>/assignments/<id>/grades",
            f"/courses/{built.course}/assignments/{built.assignment}/grades",
            "page",
        ),
        ("student: GET /api/v1/submissions", "/api/v1/submissions", "student"),
        ("student: /exercises (own standings)", "/exercises", "student-page"),
    ]


def _signed_in(url: str, username: str, password: str) -> requests.Session:
    """A browser-like session signed in through the login form (with its CSRF token)."""
    browser = requests.Session()
    page = browser.get(f"{url}/login", timeout=30).text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if found is None:
        raise RuntimeError("the login page has no CSRF token")
    answer = browser.post(
        f"{url}/login",
        data={"username": username, "password": password, "csrf_token": found.group(1)},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"sign-in answered {answer.status_code}")
    return browser


@dataclass(frozen=True)
class Timing:
    """One read's samples."""

    label: str
    p50: float
    p95: float
    size: int
    status: int


def measure(url: str, built: Built, runs: int) -> list[Timing]:
    """Each read ``runs`` times after two warm-ups, one request at a time."""
    page = _signed_in(url, INSTRUCTOR, PASSWORD)
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {built.token}"
    student = requests.Session()
    student.headers["Authorization"] = f"Bearer {built.student_token}"
    student_page = _signed_in(url, built.student, PASSWORD)
    clients = {"page": page, "api": api, "student": student, "student-page": student_page}
    timings = []
    for label, path, who in reads(built):
        client = clients[who]
        samples, size, status = [], 0, 0
        for run in range(runs + 2):
            started = time.perf_counter()
            answer = client.get(url + path, timeout=120)
            body = answer.content
            elapsed = time.perf_counter() - started
            size, status = len(body), answer.status_code
            if run >= 2:
                samples.append(elapsed)
        timings.append(Timing(label, statistics.median(samples), percentile(samples, 95), size, status))
        print(f"  {label}: p95 {timings[-1].p95 * 1000:.0f} ms", flush=True)
    return timings


@contextlib.contextmanager
def serving(env: dict[str, str], folder: Path) -> Iterator[str]:
    """``grader serve --workers 2`` (gunicorn) on a free port, until /healthz answers; stopped at the end."""
    port = _free_port()
    argv = [str(BIN / "grader"), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
    process = _start(argv, env, folder / "api.log")
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while not _healthz(url).startswith(("200", "503")):
            if process.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"the API did not start:\n{_log_tail(folder / 'api.log')}")
            time.sleep(0.2)
        yield url
    finally:
        _stop(process)


# ---------------------------------------------------------------------------------- plans


def explain(settings: Settings, built: Built, path: Path) -> None:
    """The plans of the statements each read issues (captured while the app answers it in this
    process, so they are the services' own queries), written to ``path``: PostgreSQL's
    ``EXPLAIN (ANALYZE, BUFFERS)``, SQLite's ``EXPLAIN QUERY PLAN``."""
    from flask.testing import FlaskClient

    from grader.web.app import create_app

    engine = engine_for(settings.database_url)
    postgres = engine.dialect.name == "postgresql"
    captured: list[tuple[str, object]] = []

    def capture(_conn: object, _cursor: object, statement: str, parameters: object, *_: object) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            captured.append((statement, parameters))

    client: FlaskClient = create_app(settings, {"TESTING": True}).test_client()
    login = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', login)
    assert csrf is not None
    client.post("/login", data={"username": INSTRUCTOR, "password": PASSWORD, "csrf_token": csrf.group(1)})
    headers = {"Authorization": f"Bearer {built.token}"}
    event.listen(engine, "before_cursor_execute", capture)
    try:
        with path.open("w") as out:
            for label, read_path, who in reads(built):
                if who.startswith("student"):
                    continue
                captured.clear()
                client.get(read_path, headers=headers if who == "api" else {})
                out.write(f"######## {label}: {read_path}\n\n")
                for statement, parameters in list(captured):
                    if "FROM users" in statement and "submissions" not in statement:
                        continue  # the signed-in user and the like: one row by key
                    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
                    raw = engine.raw_connection()
                    try:
                        cursor = raw.cursor()
                        cursor.execute(prefix + statement, parameters)
                        plan = [" | ".join(str(v) for v in row) for row in cursor.fetchall()]
                    finally:
                        raw.close()
                    out.write(statement.strip() + "\n" + f"-- parameters: {parameters}\n")
                    out.write("\n".join("    " + line for line in plan) + "\n\n")
    finally:
        event.remove(engine, "before_cursor_execute", capture)


# ---------------------------------------------------------------------------------- report


def print_report(built: Built, timings: list[Timing], goal_size: int, goal: float) -> None:
    """The table: each read's p50/p95 and size beside the goal."""
    label = {"postgres": "PostgreSQL", "embedded": "embedded (SQLite)"}[built.backend]
    print()
    print(
        f"data scale: {label}, {built.submissions:,} submissions, {built.case_rows:,} case rows, "
        f"{built.students:,} students ({built.assigned:,} submissions to the course's assignment); "
        f"goal: p95 <= {goal * 1000:.0f} ms at {goal_size:,} submissions"
    )
    print(f"{'read':<52}{'p50 ms':>9}{'p95 ms':>9}{'bytes':>11}  verdict")
    for t in timings:
        verdict = "met" if t.p95 <= goal else "NOT met"
        if t.status != 200:
            verdict = f"answered {t.status}"
        print(f"{t.label:<52}{t.p50 * 1000:>9.1f}{t.p95 * 1000:>9.1f}{t.size:>11,}  {verdict}")


def _interrupt_on_sigterm(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["postgres", "embedded"], default="postgres")
    parser.add_argument("--submissions", type=int, help="default: 1,000,000 (postgres), 100,000 (embedded)")
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--cases", type=int, default=8, help="case rows per graded submission")
    parser.add_argument("--runs", type=int, default=20, help="requests per read, after two warm-ups")
    parser.add_argument("--explain", type=Path, help="write the main queries' plans to this file")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _interrupt_on_sigterm)
    goal_size, goal = GOALS[args.backend]
    size = args.submissions or goal_size
    folder = Path(tempfile.mkdtemp(prefix=f"tg-scale-{args.backend}-"))
    kind = "postgres+redis" if args.backend == "postgres" else "embedded"
    try:
        with deployments.deployment(kind, folder) as settings:
            print(f"{args.backend}: building {size:,} submissions...", flush=True)
            built = populate(args.backend, settings.database_url, size, args.students, args.cases)
            if args.explain:
                explain(settings, built, args.explain)
            engine_for(settings.database_url).dispose()
            with serving(deployments.environment(settings), folder) as url:
                timings = measure(url, built, args.runs)
            print_report(built, timings, goal_size, goal)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
