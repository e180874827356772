"""``grader`` commands that grade: grade, check, sandbox; and what the ``exercises`` commands
share with them (the bank of the configured folders, a sandbox)."""

from __future__ import annotations

import json
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from grader.cli import service

# The grading commands import torch (through the bank, the engine and the sandbox client) when
# they run: the service commands (users, tokens, db, submit, serve) start in a fraction of the
# time without it.
if TYPE_CHECKING:
    from grader.bank.loader import Entry
    from worker.sandbox.contract import SandboxHandle

LANG = click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default="en",
    show_default=True,
    help="Language of statements and feedback.",
)


def open_bank() -> dict[str, Entry]:
    """The bank of the configured folders (GRADER_EXERCISE_PATH); each module that gives no
    exercise is reported on stderr, and the rest of the bank still works."""
    from grader.bank.loader import open_bank as load

    bank = load(service.load_settings().exercise_path)
    for broken in bank.broken:
        click.secho(f"BROKEN {broken.path}: {broken.error}", fg="red", err=True)
    return bank.entries


def find(slug: str) -> Entry:
    """One entry of the bank, or a usage error that suggests the slug."""
    from grader.bank.loader import UnknownExercise, entry

    open_bank()
    try:
        return entry(slug)
    except UnknownExercise as exc:
        raise click.UsageError(str(exc.args[0])) from None


def open_sandbox() -> SandboxHandle:
    """A started sandbox; a missing layer is reported loudly (and refused when strict)."""
    from worker.sandbox.contract import SandboxError, start_sandbox

    settings = service.load_settings()
    try:
        sandbox = start_sandbox(settings.sandbox)
    except SandboxError as exc:
        raise click.ClickException(str(exc)) from None
    missing = sandbox.missing_mechanisms()
    if missing:
        click.secho(
            f"WARNING: sandbox layers NOT active on this machine: {', '.join(missing)}",
            fg="red",
            bold=True,
            err=True,
        )
        for name in missing:
            detail = sandbox.mechanism_details.get(name, "")
            click.secho(f"  {name}: {detail}", fg="red", err=True)
        if settings.strict_sandbox:
            sandbox.close()
            raise click.ClickException("GRADER_SANDBOX_STRICT is set: refusing to run")
    return sandbox


def _grade_command(path: Path, slug: str, seed: int | None, as_json: bool, lang: str) -> None:
    from grader.cli.text import report_text
    from grader.grading.engine import grade, rejected
    from grader.grading.source_loader import SubmissionRejected, load_file

    exercise = find(slug).exercise
    try:
        source = load_file(path)
    except SubmissionRejected as exc:
        report = rejected(exercise, exc)
    else:
        with open_sandbox() as sandbox:
            report = grade(exercise, source, sandbox, seed=seed)
    if as_json:
        click.echo(json.dumps(report.to_dict(lang), ensure_ascii=False, indent=2))
    else:
        click.echo(report_text(report, lang))
    sys.exit(0 if report.status == "passed" else 1)


@click.command("grade")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--exercise", "slug", required=True, help="Exercise slug, e.g. linalg.sum_axis.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--seed", type=int, default=None, help="Seed of the hidden cases (default: random).")
@LANG
def grade_cmd(path: Path, slug: str, as_json: bool, seed: int | None, lang: str) -> None:
    """Grade PATH (.py or .ipynb) with public and hidden cases. Exit 0 only on full marks."""
    _grade_command(path, slug, secrets.randbits(31) if seed is None else seed, as_json, lang)


@click.command("check")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--exercise", "slug", required=True, help="Exercise slug, e.g. linalg.sum_axis.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@LANG
def check_cmd(path: Path, slug: str, as_json: bool, lang: str) -> None:
    """Self-check PATH against the public examples only."""
    _grade_command(path, slug, None, as_json, lang)


@click.command("sandbox")
def sandbox_cmd() -> None:
    """Start a zygote and report which sandbox layers are active; exit 1 if any is missing."""
    with open_sandbox() as sandbox:
        for name, on in sandbox.mechanisms.items():
            detail = sandbox.mechanism_details.get(name, "")
            click.echo(f"{'active ' if on else 'MISSING'} {name} {detail}".rstrip())
        missing = sandbox.missing_mechanisms()
    sys.exit(1 if missing else 0)


def register(main: click.Group) -> None:
    """Add the grading commands to the ``grader`` group."""
    from grader.cli.exercises import exercises_group

    for command in (grade_cmd, check_cmd, exercises_group, sandbox_cmd):
        main.add_command(command)
