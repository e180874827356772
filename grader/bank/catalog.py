"""The bank in the database: one row per exercise version, keyed by the hash of its module, with
the folder and file it was published from.

Publishing: a shipped exercise is published as it is (the project's CI proves the shipped bank:
``make test`` runs ``grader exercises validate``), by ``grader exercises sync`` or on its first
use. A course folder's exercise is published only by ``grader exercises sync``, and only once it
validates; a change that does not is refused (kept in ``exercise_refusals``, shown on the
dashboard) and the version before it stays current. Students see shipped exercises and published
ones. A process that loaded an older file reads it again when it meets a newer published version,
so a sync needs no restart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from grader.bank.loader import Entry, UnknownExercise, entry, refresh, reload, the_bank
from grader.bank.models import ExerciseRefusal, ExerciseVersion
from grader.errors import Conflict, Invalid, NotFound
from grader.grading.exercise import Exercise
from grader.grading.validation import Validation
from grader.times import iso

SHIPPED_PROOF: dict[str, Any] = {"by": "ci"}


@dataclass(frozen=True)
class Synced:
    """What a sync did to one exercise: its current version (None: none yet), whether that
    version is new, and why a change was refused (empty when it was not)."""

    slug: str
    version: int | None
    changed: bool
    source: str
    problems: list[str] = field(default_factory=list)


def _version(session: Session, slug: str, digest: str) -> ExerciseVersion | None:
    return session.scalar(
        select(ExerciseVersion).where(ExerciseVersion.slug == slug, ExerciseVersion.content_hash == digest)
    )


def _current(session: Session, slug: str) -> ExerciseVersion | None:
    return session.scalar(
        select(ExerciseVersion).where(ExerciseVersion.slug == slug, ExerciseVersion.current.is_(True))
    )


def publish(session: Session, found: Entry, proof: Mapping[str, Any]) -> tuple[ExerciseVersion, bool]:
    """Make the entry's content the exercise's current version: (row, new). The change is made in
    a savepoint: when two first submissions of a new version race, the loser finds the winner's
    row instead of failing its transaction."""
    row = _version(session, found.exercise.slug, found.digest)
    if row is not None and row.current:
        return row, False
    try:
        with session.begin_nested():
            row = _make_current(session, found, dict(proof), row)
    except IntegrityError:
        made = _version(session, found.exercise.slug, found.digest)
        if made is None:
            raise
        return made, False
    session.execute(delete(ExerciseRefusal).where(ExerciseRefusal.slug == found.exercise.slug))
    return row, True


def _make_current(
    session: Session, found: Entry, proof: dict[str, Any], row: ExerciseVersion | None
) -> ExerciseVersion:
    exercise = found.exercise
    for old in session.scalars(
        select(ExerciseVersion).where(
            ExerciseVersion.slug == exercise.slug, ExerciseVersion.current.is_(True)
        )
    ):
        old.current = False
    if row is None:
        latest = session.scalar(
            select(func.max(ExerciseVersion.version)).where(ExerciseVersion.slug == exercise.slug)
        )
        row = ExerciseVersion(
            slug=exercise.slug,
            version=(latest or 0) + 1,
            content_hash=found.digest,
            points=exercise.points,
            title=dict(exercise.title),
            validation=proof,
        )
        session.add(row)
    row.source, row.path = found.origin.label, str(found.path)
    row.current = True
    session.flush()
    return row


def refuse(session: Session, found: Entry, problems: list[str]) -> None:
    """Remember that this content of the exercise did not validate (the latest refusal only)."""
    row = session.get(ExerciseRefusal, found.exercise.slug) or ExerciseRefusal(slug=found.exercise.slug)
    row.content_hash, row.source, row.path = found.digest, found.origin.label, str(found.path)
    row.problems = {"problems": problems}
    session.add(row)
    session.flush()


def to_validate(session: Session) -> list[Entry]:
    """The course folders' exercises whose content has never been published: a sync validates
    these (through the sandbox, with no transaction open) before ``sync_bank`` records them."""
    known = {
        (slug, digest)
        for slug, digest in session.execute(select(ExerciseVersion.slug, ExerciseVersion.content_hash))
    }
    return [
        found
        for slug, found in the_bank().entries.items()
        if not found.origin.shipped and (slug, found.digest) not in known
    ]


def proof_of(result: Validation) -> dict[str, Any]:
    """What a passed validation proved, as a version records it."""
    return {
        "by": "sync",
        "seeds": result.seeds,
        "cases": result.cases,
        "mutants": result.mutants,
        "mutants_caught": result.mutants_caught,
    }


def sync_bank(session: Session, validations: Mapping[str, Validation] | None = None) -> list[Synced]:
    """Record the bank: a new current version for each exercise whose module changed. A course
    folder's new content is published only with a passed validation in ``validations``."""
    validations = validations or {}
    results = []
    for slug, found in the_bank().entries.items():
        known = _version(session, slug, found.digest)
        if found.origin.shipped or known is not None:
            proof = SHIPPED_PROOF if found.origin.shipped or known is None else known.validation or {}
            row, changed = publish(session, found, proof)
            results.append(Synced(slug, row.version, changed, found.origin.label))
            continue
        result = validations.get(slug)
        if result is not None and result.ok:
            row, changed = publish(session, found, proof_of(result))
            results.append(Synced(slug, row.version, changed, found.origin.label))
            continue
        problems = result.problems if result is not None else ["it was not validated"]
        refuse(session, found, problems)
        current = _current(session, slug)
        results.append(
            Synced(slug, current.version if current else None, False, found.origin.label, problems)
        )
    return results


def _entry(slug: str) -> Entry:
    """The bank's entry; a slug this process does not know yet makes it look at its folders
    again (an exercise added since it started), then raises UnknownExercise."""
    try:
        return entry(slug)
    except UnknownExercise:
        refresh()
        return entry(slug)


def find_entry(slug: str) -> Entry:
    """The bank's entry, or Invalid naming the slug."""
    try:
        return _entry(slug)
    except UnknownExercise as exc:
        raise Invalid(str(exc.args[0])) from None


def find_exercise(slug: str) -> Exercise:
    """The bank's exercise, or Invalid naming the slug."""
    return find_entry(slug).exercise


def current_version(session: Session, slug: str) -> tuple[Exercise, ExerciseVersion]:
    """The exercise as its current version has it, and that version's row. A shipped exercise is
    published on first use; a course folder's must have been published by a sync, and a process
    that loaded an older file reads it again."""
    found = find_entry(slug)
    row = _current(session, slug)
    if row is not None and row.content_hash != found.digest:
        found = reload(slug)  # a sync published a newer file since this process loaded it
    if row is not None and row.content_hash == found.digest:
        return found.exercise, row
    if found.origin.shipped:
        row, _ = publish(session, found, SHIPPED_PROOF)
        return found.exercise, row
    if row is None:
        raise Invalid(f"the exercise {slug} is not published yet (`grader exercises sync` publishes it)")
    raise Conflict(
        f"the exercise {slug} changed in {found.path} since version {row.version} was published "
        f"on {iso(row.synced_at)}; `grader exercises sync` validates and publishes the change"
    )


def current_version_id(session: Session, slug: str) -> tuple[Exercise, int]:
    """The exercise and the id of its current version, what every submission stores: one
    indexed lookup of a column when the current version is the file this process loaded (an ORM
    row cost more CPU than the query), else as ``current_version`` finds or publishes it."""
    found = find_entry(slug)
    version_id = session.scalar(_CURRENT_ID, {"b_slug": slug, "b_hash": found.digest})
    if version_id is not None:
        return found.exercise, version_id
    exercise, row = current_version(session, slug)
    return exercise, row.id


_VERSIONS = cast(Table, ExerciseVersion.__table__)
_CURRENT_ID = select(_VERSIONS.c.id).where(
    _VERSIONS.c.slug == bindparam("b_slug"),
    _VERSIONS.c.content_hash == bindparam("b_hash"),
    _VERSIONS.c.current.is_(True),
)


def published_slugs(session: Session) -> set[str]:
    """The slugs that have a current version."""
    return set(session.scalars(select(ExerciseVersion.slug).where(ExerciseVersion.current.is_(True))))


def visible_bank(session: Session) -> dict[str, Exercise]:
    """The exercises students see: the shipped bank and the course folders' published ones."""
    published = published_slugs(session)
    bank = the_bank()
    if not published <= bank.entries.keys():
        bank = refresh()  # published since this process loaded its bank
    return {
        slug: found.exercise
        for slug, found in bank.entries.items()
        if found.origin.shipped or slug in published
    }


def visible_exercise(session: Session, slug: str) -> Exercise:
    """One exercise students may see, or NotFound (unknown, or a course exercise not published)."""
    try:
        found = _entry(slug)
    except UnknownExercise:
        raise NotFound(f"there is no exercise {slug!r}; pick one from the exercise list") from None
    if not found.origin.shipped and _current(session, slug) is None:
        raise NotFound(f"the exercise {slug!r} is not published yet")
    return found.exercise


_DIGESTS: dict[int, str] = {}


def version_digest(session: Session, version_id: int | None) -> str | None:
    """The content hash of a version (rows never change: remembered per process)."""
    if version_id is None:
        return None
    if version_id not in _DIGESTS:
        digest = session.scalar(select(ExerciseVersion.content_hash).where(ExerciseVersion.id == version_id))
        if digest is None:
            return None
        _DIGESTS[version_id] = digest
    return _DIGESTS[version_id]


class StaleExercise(RuntimeError):
    """The version a submission is to be graded against is no longer the file on disk."""


def exercise_at(slug: str, digest: str | None) -> Exercise:
    """The exercise as the version with this content hash has it (None: as loaded). A newer file
    is read again; a course exercise whose file moved past the version raises StaleExercise (a
    grader fault: retried, then ``error``). The shipped bank, proven by CI, is graded as it is."""
    found = _entry(slug)
    if digest is None or found.digest == digest:
        return found.exercise
    found = reload(slug)
    if found.digest == digest or found.origin.shipped:
        return found.exercise
    raise StaleExercise(
        f"{found.path} changed since this submission's version of {slug} was published; "
        "`grader exercises sync` publishes the change, and a regrade grades against it"
    )
