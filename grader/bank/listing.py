"""The bank as the dashboard shows it: every exercise with its source, its current version, how
it was proven (or why a sync refused it) and its mutation score; one exercise with its versions
and the surviving mutants, each with the input that exposes it. Two queries for the whole bank;
adequacy comes from the folders' record files (read again only when they change)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from grader.bank.loader import Broken, Entry, entry, refresh
from grader.bank.models import ExerciseRefusal, ExerciseVersion
from grader.bank.records import RecordError, read_records
from grader.grading.adequacy import ENGINE


@dataclass(frozen=True)
class Mutation:
    """An exercise's mutation adequacy as recorded: the counts, the survivors, whether the record
    was measured on the exercise as it is now."""

    killed: int
    generated: int
    survivors: list[dict[str, Any]]
    fresh: bool
    recorded_at: str | None

    @property
    def percent(self) -> int | None:
        """The mutation score, in percent."""
        return round(100 * self.killed / self.generated) if self.generated else None

    def count(self, verdict: str) -> int:
        """How many survivors have this verdict (gap, likely gap, equivalent)."""
        return sum(s.get("verdict") == verdict for s in self.survivors)


@dataclass(frozen=True)
class BankLine:
    """One exercise of the bank page."""

    entry: Entry
    state: str  # ci, validated, refused, unpublished, changed, first-use
    version: ExerciseVersion | None
    refusal: ExerciseRefusal | None
    mutation: Mutation | None
    record_error: str | None = None

    @property
    def slug(self) -> str:
        """The exercise's slug."""
        return self.entry.exercise.slug


@dataclass(frozen=True)
class BankPage:
    """Every exercise, and the modules that give none."""

    lines: list[BankLine]
    broken: list[Broken] = field(default_factory=list)


def _mutation(found: Entry) -> tuple[Mutation | None, str | None]:
    try:
        record = read_records(found.origin).get(found.exercise.slug)
    except RecordError as exc:
        return None, str(exc)
    if not isinstance(record, dict):
        return None, None
    fresh = record.get("content_hash") == found.digest and record.get("engine") == ENGINE
    made = Mutation(
        int(record.get("killed", 0)),
        int(record.get("generated", 0)),
        list(record.get("survivors", [])),
        fresh,
        record.get("recorded_at"),
    )
    return made, None


def _state(found: Entry, version: ExerciseVersion | None, refusal: ExerciseRefusal | None) -> str:
    if refusal is not None and refusal.content_hash == found.digest:
        return "refused"
    if version is None:
        return "first-use" if found.origin.shipped else "unpublished"
    if version.content_hash != found.digest:
        return "first-use" if found.origin.shipped else "changed"
    return "validated" if (version.validation or {}).get("by") == "sync" else "ci"


def _line(found: Entry, version: ExerciseVersion | None, refusal: ExerciseRefusal | None) -> BankLine:
    mutation, error = _mutation(found)
    return BankLine(found, _state(found, version, refusal), version, refusal, mutation, error)


def bank_page(session: Session) -> BankPage:
    """Every exercise of the bank with its state, and the broken modules."""
    current = {
        row.slug: row
        for row in session.scalars(select(ExerciseVersion).where(ExerciseVersion.current.is_(True)))
    }
    refused = {row.slug: row for row in session.scalars(select(ExerciseRefusal))}
    bank = refresh()  # the folders as they are now: files added, changed or broken since
    lines = [_line(found, current.get(slug), refused.get(slug)) for slug, found in bank.entries.items()]
    return BankPage(lines, list(bank.broken))


@dataclass(frozen=True)
class BankExercise:
    """One exercise of the bank: its line, and every version it has had, newest first."""

    line: BankLine
    versions: list[ExerciseVersion]


def bank_exercise(session: Session, slug: str) -> BankExercise:
    """One exercise's line and versions; UnknownExercise for a slug the bank lacks."""
    refresh()
    found = entry(slug)
    versions = list(
        session.scalars(
            select(ExerciseVersion)
            .where(ExerciseVersion.slug == slug)
            .order_by(ExerciseVersion.version.desc())
        )
    )
    current = next((v for v in versions if v.current), None)
    return BankExercise(_line(found, current, session.get(ExerciseRefusal, slug)), versions)
