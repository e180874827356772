"""``grader`` commands that run or administer the service: thin, each calls a service."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from grader.accounts.models import Role
from grader.cli import supervise
from grader.db import unit_of_work
from grader.errors import GraderError
from grader.settings import Settings, SettingsError

if TYPE_CHECKING:
    from grader.accounts.service import IssuedLink


def load_settings() -> Settings:
    """The settings from the environment; a bad variable is a usage error, not a traceback."""
    try:
        return Settings()
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from None


@contextmanager
def database_session() -> Iterator[Session]:
    """A unit of work on the configured database, for a command: a refusal of the service
    (a taken name, an unknown user) or a database that cannot be used (not migrated yet, not
    reachable) ends the command with one line saying so, not a traceback."""
    settings = load_settings()
    with _database_errors(settings.database_url, "A new database needs `grader db upgrade` first; "):
        try:
            with unit_of_work(settings.database_url) as session:
                yield session
        except GraderError as exc:
            raise click.ClickException(exc.message) from None


@contextmanager
def _database_errors(database_url: str, hint: str = "") -> Iterator[None]:
    """A database that cannot be used (not migrated, not reachable) as one line naming it."""
    try:
        yield
    except (OperationalError, ProgrammingError) as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise click.ClickException(
            f"the database at {_where(database_url)} cannot be used: {reason}. "
            f"{hint}GRADER_DATABASE_URL chooses the database."
        ) from None


def _where(database_url: str) -> str:
    """The database URL with its password masked."""
    return make_url(database_url).render_as_string(hide_password=True)


def register(main: click.Group) -> None:
    """Add the service commands to the ``grader`` group."""
    main.add_command(db_group)
    main.add_command(users_group)
    main.add_command(tokens_group)
    main.add_command(serve_cmd)
    main.add_command(worker_cmd)
    main.add_command(up_cmd)
    main.add_command(submit_cmd)


@click.group("db")
def db_group() -> None:
    """The database schema."""


@db_group.command("upgrade")
def upgrade_cmd() -> None:
    """Apply every migration (creates the embedded SQLite database)."""
    from grader.migrate import upgrade

    settings = load_settings()
    with _database_errors(settings.database_url):
        upgrade(settings.database_url)
    click.echo(f"database at head: {_where(settings.database_url)}")


@db_group.command("rebuild-tallies")
def rebuild_tallies_cmd() -> None:
    """Count the read side's tallies again from the submissions (after restoring rows by hand)."""
    from grader.submissions import tallies

    started = time.monotonic()
    with database_session() as session:
        tallies.rebuild(session)
    click.echo(f"tallies rebuilt from the submissions in {time.monotonic() - started:.1f} s")


@click.group("users")
def users_group() -> None:
    """Students, instructors and admins."""


@users_group.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice([r.value for r in Role]), default="student", show_default=True)
@click.option("--password", default=None, help="For the web pages (else a set-password link is printed).")
def create_user_cmd(name: str, role: str, password: str | None) -> None:
    """Create a user; without --password, print a one-time link to set one."""
    from grader.accounts import service as accounts

    public_url = load_settings().public_url
    with database_session() as session:
        accounts.create_user(session, name, Role(role), password)
        link = None if password is not None else accounts.issue_password_link(session, public_url, name)
    click.echo(f"created {role} {name}")
    if link is not None:
        click.echo(_link_text(link))


@users_group.command("reset-password")
@click.argument("name")
def reset_password_cmd(name: str) -> None:
    """Print a one-time link for user NAME to set a new password (earlier links stop working)."""
    from grader.accounts import service as accounts

    public_url = load_settings().public_url
    with database_session() as session:
        link = accounts.issue_password_link(session, public_url, name)
    click.echo(_link_text(link))


def _link_text(link: IssuedLink) -> str:
    when = f"{link.expires_at:%Y-%m-%d %H:%M} UTC"
    return f"set-password link for {link.username} (works once, until {when}):\n{link.url}"


@users_group.command("deactivate")
@click.argument("name")
def deactivate_user_cmd(name: str) -> None:
    """Deactivate user NAME: no sign-in, tokens refused, open page sessions end."""
    from grader.accounts import service as accounts

    with database_session() as session:
        accounts.deactivate_user(session, name)
    click.echo(f"deactivated {name}: no sign-in, tokens refused, open page sessions end")


@users_group.command("activate")
@click.argument("name")
def activate_user_cmd(name: str) -> None:
    """Let a deactivated user NAME sign in and use their tokens again."""
    from grader.accounts import service as accounts

    with database_session() as session:
        accounts.activate_user(session, name)
    click.echo(f"activated {name}")


@click.group("tokens")
def tokens_group() -> None:
    """API tokens."""


@tokens_group.command("create")
@click.argument("name")
@click.option("--label", default="api", help="What the token is for.")
def create_token_cmd(name: str, label: str) -> None:
    """Create a token for user NAME and print only the token (it is not shown again)."""
    from grader.accounts import service as accounts

    with database_session() as session:
        token = accounts.create_token(session, name, label)
    click.echo(token)


@tokens_group.command("list")
@click.argument("name")
def list_tokens_cmd(name: str) -> None:
    """User NAME's tokens: id, label, prefix, created, last used, revoked."""
    from grader.accounts import service as accounts

    with database_session() as session:
        rows = accounts.list_tokens(session, name)
        lines = [
            f"{t.id:>5}  {t.name:<12} {t.prefix}...  created {t.created_at:%Y-%m-%d %H:%M}  "
            f"last used {t.last_used_at or '-'}  {'REVOKED' if t.revoked_at else 'active'}"
            for t in rows
        ]
    click.echo("\n".join(lines) if lines else f"{name} has no tokens")


@tokens_group.command("revoke")
@click.argument("token_id", type=int)
def revoke_token_cmd(token_id: int) -> None:
    """Revoke a token by its id (see `grader tokens list NAME`)."""
    from grader.accounts import service as accounts

    with database_session() as session:
        accounts.revoke_token(session, token_id)
    click.echo(f"revoked token {token_id}")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@click.option("--workers", default=2, show_default=True, help="gunicorn worker processes")
def serve_cmd(host: str, port: int, workers: int) -> None:
    """Run the API under gunicorn."""
    os.execvp(sys.executable, _serve_argv(host, port, workers))


def _serve_argv(host: str, port: int, workers: int) -> list[str]:
    # Threads with keep-alive: a client's connection is reused for its next request (sync
    # workers close every one), and one request's database waits overlap another's work.
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        "4",
        "--keep-alive",
        "5",
        "--bind",
        f"{host}:{port}",
        "--access-logfile",
        "-",
        "--config",
        "python:grader.web.gunicorn_hooks",
        "grader.web.app:create_app()",
    ]


@click.command("worker")
@click.option("--concurrency", default=2, show_default=True, help="grading processes (one zygote each)")
@click.option("--beat", is_flag=True, help="also run the periodic sweep (one worker per deployment)")
def worker_cmd(concurrency: int, beat: bool) -> None:
    """Run a Celery grading worker."""
    os.execvp(sys.executable, _worker_argv(concurrency, beat))


def _worker_argv(concurrency: int, beat: bool) -> list[str]:
    argv = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "worker.main:app",
        "worker",
        "-Q",
        "grading",
        "--concurrency",
        str(concurrency),
        "--loglevel",
        "INFO",
        "--without-gossip",
        "--without-mingle",
    ]
    if beat:
        settings = load_settings()
        argv += ["--beat", "--schedule", str(settings.instance_dir / "beat-schedule")]
    return argv


@click.command("up")
@click.option("--port", default=8000, show_default=True)
@click.option("--concurrency", default=2, show_default=True)
def up_cmd(port: int, concurrency: int) -> None:
    """Embedded default: create the database, start a worker and the API, print how to submit."""
    from grader.migrate import upgrade

    settings = load_settings()
    upgrade(settings.database_url)
    demo = _demo_accounts(settings)
    supervise.become_subreaper()
    # `kill` (SIGTERM) and a closed terminal (SIGHUP) stop it as Ctrl-C does: by default they
    # would end this process at once and leave the API and the worker running, orphaned.
    for stop in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop, _interrupt)
    # Plain HTTP on loopback: a browser would never send a Secure cookie back to it.
    environment = {**os.environ, "GRADER_SECURE_COOKIES": "0"}
    environment.setdefault("GRADER_PUBLIC_URL", f"http://127.0.0.1:{port}")
    processes: list[subprocess.Popen[bytes]] = []
    try:
        processes.append(subprocess.Popen(_worker_argv(concurrency, beat=True), env=environment))
        processes.append(subprocess.Popen(_serve_argv("127.0.0.1", port, 2), env=environment))
        _wait_until_serving(port, processes)
        _print_welcome(port, demo)
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        _stop_all(processes)


def _print_welcome(port: int, demo: dict[str, str] | None) -> None:
    url = f"http://127.0.0.1:{port}"
    grader = _grader_command()
    click.echo(f"\ntensor-grader is up at {url}  (API docs: {url}/api/v1/docs)")
    if demo and "student_password" in demo:
        click.echo(f"portal: sign in at {url}/login as student 'demo', password {demo['student_password']}")
        click.echo(f"        or as instructor 'teacher', password {demo['instructor_password']}")
    if demo:
        token = demo["token"]
        example = shlex.quote(str(_example_submission()))
        click.echo(f"demo student 'demo', token: {token}")
        # Runnable as printed, from any folder: absolute paths, and the port actually served.
        click.echo(f"try:  GRADER_TOKEN={token} {grader} submit {example} -e linalg.sum_axis --url {url}")
    else:
        click.echo(f"make a student and a token:  {grader} users create NAME && {grader} tokens create NAME")
    click.echo("Ctrl-C stops it.\n")


def _wait_until_serving(port: int, processes: list[subprocess.Popen[bytes]], timeout: float = 120) -> None:
    """Return once the API accepts connections, so the banner's URL works when it is printed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and all(process.poll() is None for process in processes):
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)


def _grader_command() -> str:
    """This ``grader`` as an absolute path, which works whether or not its folder is on PATH."""
    for candidate in (Path(sys.argv[0]), Path(sys.executable).absolute().with_name("grader")):
        if candidate.name == "grader" and candidate.is_file():
            return shlex.quote(str(candidate.absolute()))
    return "grader"


def _example_submission() -> Path:
    """A wrong answer to try the service with: the repository's example, or else a known mistake."""
    shipped = Path(__file__).resolve().parents[2] / "examples" / "sum_axis_wrong.py"
    if shipped.is_file():
        return shipped
    saved = load_settings().instance_dir.absolute() / "sum_axis_wrong.py"
    if not saved.exists():
        from grader.bank.loader import get_exercise

        saved.write_text(get_exercise("linalg.sum_axis").mutants[0].source.lstrip())
    return saved


def _stop_all(processes: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM (a graceful stop) to each process still running, then SIGKILL after 20 s; then
    SIGKILL to whatever of their tree is left (an orphaned grandchild is reparented here)."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    if ended := supervise.end_leftovers():  # what outlived its parent's graceful stop
        click.echo(f"stopped {ended} process(es) left over by the API or the worker", err=True)


def _interrupt(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _demo_accounts(settings: Settings) -> dict[str, str] | None:
    """A demo student (password and token) and instructor (password), made on the first start
    of an embedded instance and kept, readable by its owner only, in the instance folder."""
    from grader.accounts import service as accounts

    marker = settings.instance_dir / "demo-accounts.json"
    if marker.exists():
        loaded: dict[str, str] = json.loads(marker.read_text())
        return loaded
    earlier = settings.instance_dir / "demo-token"  # an instance made before the portal existed
    if earlier.exists():
        return {"token": earlier.read_text().strip()}
    if not settings.embedded:
        return None
    demo = {"student_password": secrets.token_urlsafe(9), "instructor_password": secrets.token_urlsafe(9)}
    with database_session() as session:
        accounts.create_user(session, "demo", Role.student, demo["student_password"])
        accounts.create_user(session, "teacher", Role.instructor, demo["instructor_password"])
        demo["token"] = accounts.create_token(session, "demo", "demo")
    descriptor = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:
        json.dump(demo, out)
    return demo


@click.command("submit")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--exercise", "-e", "slug", required=True)
@click.option("--url", envvar="GRADER_URL", default="http://127.0.0.1:8000", show_default=True)
@click.option("--token", envvar="GRADER_TOKEN", required=True, help="or GRADER_TOKEN")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en")
@click.option("--json", "as_json", is_flag=True)
@click.option("--timeout", default=60.0, show_default=True, help="seconds to wait for the grade")
def submit_cmd(path: Path, slug: str, url: str, token: str, lang: str, as_json: bool, timeout: float) -> None:
    """Submit PATH to a running service and wait for the grade."""
    from grader.cli.client import SubmitError, as_result, submission_text, submit_and_wait

    try:
        report = submit_and_wait(url, token, path, slug, lang=lang, timeout=timeout)
    except SubmitError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        click.echo(submission_text(report, lang))
    sys.exit(0 if as_result(report)["status"] == "passed" else 1)
