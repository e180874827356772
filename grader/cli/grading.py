"""``grader`` commands that grade and author: grade, check, exercises, sandbox."""

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
    from grader.grading.exercise import Exercise
    from worker.sandbox.contract import SandboxHandle

LANG = click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default="en",
    show_default=True,
    help="Language of statements and feedback.",
)


def _exercise(slug: str) -> Exercise:
    from grader.bank.loader import UnknownExercise, get_exercise

    try:
        return get_exercise(slug)
    except UnknownExercise as exc:
        raise click.UsageError(str(exc.args[0])) from None


def _sandbox() -> SandboxHandle:
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

    exercise = _exercise(slug)
    try:
        source = load_file(path)
    except SubmissionRejected as exc:
        report = rejected(exercise, exc)
    else:
        with _sandbox() as sandbox:
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


@click.group("exercises")
def exercises_group() -> None:
    """Browse and validate the exercise bank."""


@exercises_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@LANG
def list_cmd(as_json: bool, lang: str) -> None:
    """Every exercise: slug, unit, title, points."""
    from grader.bank.loader import load_bank
    from grader.grading.exercise import pick

    rows = [
        {
            "slug": e.slug,
            "unit": e.unit,
            "title": pick(e.title, lang),
            "points": e.points,
            "signature": e.signature,
        }
        for e in load_bank().values()
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{row['slug']:<32} {row['points']:>5g}  {row['title']}")


@exercises_group.command("show")
@click.argument("slug")
@LANG
def show_cmd(slug: str, lang: str) -> None:
    """An exercise's statement, signature, examples and starter code."""
    from grader.cli.text import statement_text

    click.echo(statement_text(_exercise(slug), lang))


@exercises_group.command("validate")
@click.argument("slug", required=False)
@click.option("--seeds", default=3, show_default=True, help="How many seeds to try.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
def validate_cmd(slug: str | None, seeds: int, as_json: bool) -> None:
    """Prove exercises: the solution scores full marks and every mutant loses marks."""
    from grader.bank.loader import load_bank
    from grader.grading.validation import validate

    chosen = [_exercise(slug)] if slug else list(load_bank().values())
    seed_list = [1000 + 7919 * i for i in range(seeds)]
    results = []
    with _sandbox() as sandbox:
        for exercise in chosen:
            result = validate(exercise, sandbox, seed_list)
            results.append(result)
            if not as_json:
                mark = "ok  " if result.ok else "FAIL"
                click.echo(
                    f"{mark} {result.slug:<32} cases {result.cases:>3}  mutants caught "
                    f"{result.mutants_caught}/{result.mutants}  seeds {len(result.seeds)}"
                )
                for problem in result.problems:
                    click.echo(f"       {problem}")
    if as_json:
        click.echo(json.dumps([vars(r) | {"ok": r.ok} for r in results], indent=2))
    else:
        failed = sum(not r.ok for r in results)
        click.echo(f"{len(results) - failed} passed, {failed} failed")
    sys.exit(1 if any(not r.ok for r in results) else 0)


@exercises_group.command("sync")
def sync_cmd() -> None:
    """Record the bank in the database: a new version for each exercise whose module changed."""
    from grader.bank.catalog import sync_bank

    with service.database_session() as session:
        results = sync_bank(session)
    for row in results:
        click.echo(f"{row.slug:<32} version {row.version}{'  (new)' if row.changed else ''}")


@click.command("sandbox")
def sandbox_cmd() -> None:
    """Start a zygote and report which sandbox layers are active; exit 1 if any is missing."""
    with _sandbox() as sandbox:
        for name, on in sandbox.mechanisms.items():
            detail = sandbox.mechanism_details.get(name, "")
            click.echo(f"{'active ' if on else 'MISSING'} {name} {detail}".rstrip())
        missing = sandbox.missing_mechanisms()
    sys.exit(1 if missing else 0)


def register(main: click.Group) -> None:
    """Add the grading commands to the ``grader`` group."""
    for command in (grade_cmd, check_cmd, exercises_group, sandbox_cmd):
        main.add_command(command)
