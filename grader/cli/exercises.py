"""``grader exercises``: browse, author, prove and publish the bank (the shipped exercises and the
course folders of GRADER_EXERCISE_PATH). Thin: each command calls the bank's services."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from grader.cli import service
from grader.cli.grading import LANG, find, open_bank, open_sandbox

if TYPE_CHECKING:
    from grader.bank.loader import Entry
    from grader.bank.proving import Proof


def _chosen(slug: str | None) -> tuple[list[Entry], int]:
    """The entries a command works on (one, or the whole bank) and the broken modules' count."""
    from grader.bank.loader import broken_modules

    if slug:
        return [find(slug)], 0
    entries = list(open_bank().values())
    return entries, len(broken_modules())


@click.group("exercises")
def exercises_group() -> None:
    """Browse, author, prove and publish the exercise bank."""


@exercises_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@LANG
def list_cmd(as_json: bool, lang: str) -> None:
    """Every exercise: slug, points, title and where it comes from."""
    from grader.grading.exercise import pick

    rows = [
        {
            "slug": e.exercise.slug,
            "unit": e.exercise.unit,
            "title": pick(e.exercise.title, lang),
            "points": e.exercise.points,
            "signature": e.exercise.signature,
            "source": e.origin.label,
        }
        for e in open_bank().values()
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        where = "" if row["source"] == "shipped" else f"  [{row['source']}]"
        click.echo(f"{row['slug']:<32} {row['points']:>5g}  {row['title']}{where}")


@exercises_group.command("show")
@click.argument("slug")
@LANG
def show_cmd(slug: str, lang: str) -> None:
    """An exercise's statement, signature, examples and starter code."""
    from grader.cli.text import statement_text

    click.echo(statement_text(find(slug).exercise, lang))


def _proof_lines(found: Entry, proof: Proof) -> list[str]:
    result = proof.validation
    mark = "ok  " if result.ok else "FAIL"
    lines = [
        f"{mark} {result.slug:<32} cases {result.cases:>3}  mutants caught "
        f"{result.mutants_caught}/{result.mutants}  seeds {len(result.seeds)}"
    ]
    lines += [f"       {problem}" for problem in result.problems]
    if proof.adequacy is not None:
        record = proof.adequacy
        gaps = sum(s.get("verdict") == "gap" for s in record.get("survivors", []))
        note = (
            " (measured now: the record is stale; `--record` with adequacy keeps it)"
            if proof.measured_now
            else ""
        )
        lines.append(
            f"       adequacy: {record['killed']}/{record['generated']} mutants killed, "
            f"{gaps} proven gap(s){note}"
        )
    elif not found.origin.shipped:
        lines.append(f"       adequacy: not recorded (`grader exercises adequacy {result.slug} --record`)")
    return lines


@exercises_group.command("validate")
@click.argument("slug", required=False)
@click.option("--seeds", default=3, show_default=True, help="How many seeds to try.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
def validate_cmd(slug: str | None, seeds: int, as_json: bool) -> None:
    """Prove exercises: the solution scores full marks, every mutant loses marks, and (shipped
    exercises) no mutant of the solution survives that the exercise's own inputs tell apart."""
    from grader.bank.loader import broken_modules
    from grader.bank.proving import prove
    from grader.grading.validation import validation_seeds

    chosen, broken = _chosen(slug)
    results = []
    with open_sandbox() as sandbox:
        for found in chosen:
            proof = prove(found, sandbox, validation_seeds(seeds))
            results.append(proof.validation)
            if not as_json:
                click.echo("\n".join(_proof_lines(found, proof)))
    if as_json:
        rows = [
            vars(r) | {"ok": r.ok, "source": f.origin.label} for r, f in zip(results, chosen, strict=True)
        ]
        click.echo(json.dumps(rows, indent=2))
    else:
        failed = sum(not r.ok for r in results)
        click.echo(f"{len(results) - failed} passed, {failed} failed")
        for module in broken_modules() if not slug else []:
            click.echo(f"FAIL {module.path}: {module.error}")
    sys.exit(1 if broken or any(not r.ok for r in results) else 0)


@exercises_group.command("sync")
def sync_cmd() -> None:
    """Publish the bank: a new version of each exercise whose module changed. A course folder's
    exercise is validated first, and refused (its previous version stays) if it fails."""
    from grader.bank import catalog
    from grader.bank.loader import broken_modules
    from grader.bank.proving import prove
    from grader.grading.validation import validation_seeds

    open_bank()
    with service.database_session() as session:
        pending = catalog.to_validate(session)
    validations = {}
    if pending:
        with open_sandbox() as sandbox:
            for found in pending:
                validations[found.exercise.slug] = prove(found, sandbox, validation_seeds(3)).validation
    with service.database_session() as session:
        results = catalog.sync_bank(session, validations)
    for row in results:
        where = "" if row.source == "shipped" else f"  [{row.source}]"
        if row.problems:
            kept = f"kept version {row.version}" if row.version else "not published"
            click.echo(f"{row.slug:<32} REFUSED ({kept}){where}")
            click.echo("\n".join(f"       {problem}" for problem in row.problems))
        else:
            click.echo(f"{row.slug:<32} version {row.version}{'  (new)' if row.changed else ''}{where}")
    modules = broken_modules()
    for module in modules:
        click.echo(f"BROKEN {module.path}: {module.error}")
    sys.exit(1 if modules or any(row.problems for row in results) else 0)


@exercises_group.command("new")
@click.argument("slug", metavar="UNIT.NAME")
@click.option(
    "--path",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="The course folder (default: the first of GRADER_EXERCISE_PATH).",
)
def new_cmd(slug: str, folder: Path | None) -> None:
    """Write a skeleton of a new exercise UNIT.NAME in a course folder, to fill in."""
    from grader.bank.loader import load_bank
    from grader.bank.skeleton import SkeletonError, check_slug, write_skeleton

    configured = service.load_settings().exercise_path
    if folder is None and not configured:
        raise click.UsageError("say where: --path DIR (or set GRADER_EXERCISE_PATH)")
    target = (folder or configured[0]).expanduser().resolve()
    try:
        check_slug(slug)
    except SkeletonError as exc:
        raise click.UsageError(str(exc)) from None
    bank = open_bank()
    if slug in load_bank():
        raise click.UsageError(f"the slug {slug} is taken already by {bank[slug].path}")
    try:
        written = write_skeleton(slug, target)
    except (SkeletonError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"Fill in each TODO(author) in {written[0]}, then: grader exercises validate {slug}")
    if target not in configured:
        click.echo(f"{target} is not on GRADER_EXERCISE_PATH: export GRADER_EXERCISE_PATH={target}")


def _adequacy_lines(record: dict[str, Any], seconds: float) -> list[str]:
    killed, generated = record["killed"], record["generated"]
    share = f"{100 * killed / generated:.0f}%" if generated else "–"
    lines = [f"{record['slug']:<32} killed {killed}/{generated} ({share})  {seconds:.1f} s"]
    for survivor in record["survivors"]:
        lines.append(f"  {survivor['verdict'].upper():<10} line {survivor['line']}: {survivor['code']}")
        lines.append(f"             {survivor['mutation']}")
        if survivor.get("input"):
            lines.append(
                f"             {survivor['found_by']}, case {survivor['case']!r}: {survivor['input']}"
            )
            lines.append(f"             {survivor['message']}")
    return lines


@exercises_group.command("adequacy")
@click.argument("slug", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON (an array without SLUG).")
@click.option("--record", is_flag=True, help="Store the result in the folder's _adequacy.json.")
def adequacy_cmd(slug: str | None, as_json: bool, record: bool) -> None:
    """Mutate the solution and grade each mutant: which slips do the cases miss? Each survivor
    is a gap (the exercise's own inputs tell it apart), a likely gap (inputs of other sizes or
    precision do) or equivalent (no input found does); the telling input is the case to add."""
    from grader.bank.records import RecordError, as_record, write_record
    from grader.grading.adequacy import SolutionFails, measure
    from grader.grading.validation import validation_seeds

    chosen, broken = _chosen(slug)
    seeds = validation_seeds(3)
    records, failed = [], False
    with open_sandbox() as sandbox:
        for found in chosen:
            started = time.perf_counter()
            try:
                result = as_record(found, measure(found.exercise, sandbox, seeds), seeds)
            except SolutionFails as exc:
                click.secho(f"{found.exercise.slug}: {exc} (`grader exercises validate`)", fg="red", err=True)
                failed = True
                continue
            records.append(result)
            if record:
                try:
                    write_record(found, result)
                except RecordError as exc:
                    raise click.ClickException(str(exc)) from None
            if not as_json:
                click.echo("\n".join(_adequacy_lines(result, time.perf_counter() - started)))
    if as_json:
        shown = [{key: r[key] for key in ("slug", "generated", "killed", "survivors")} for r in records]
        click.echo(json.dumps(shown[0] if slug and shown else shown, ensure_ascii=False, indent=2))
    sys.exit(1 if failed or broken else 0)
