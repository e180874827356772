"""The bank in the database: one row per exercise version, keyed by the hash of its module."""

from __future__ import annotations

import hashlib
import inspect
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from grader.bank.loader import get_exercise, load_bank
from grader.bank.models import ExerciseVersion
from grader.errors import Invalid
from grader.grading.exercise import Exercise

_HASHES: dict[str, str] = {}


def content_hash(exercise: Exercise) -> str:
    """SHA-256 of the module that defines the exercise (its tests change with it); computed once
    per process, since a loaded module does not change under a running process."""
    if exercise.slug not in _HASHES:
        module = inspect.getmodule(exercise.reference)
        source = inspect.getsource(module) if module else repr(exercise)
        _HASHES[exercise.slug] = hashlib.sha256(source.encode()).hexdigest()
    return _HASHES[exercise.slug]


@dataclass(frozen=True)
class Synced:
    """What a sync did to one exercise."""

    slug: str
    version: int
    changed: bool


def sync_exercise(session: Session, exercise: Exercise) -> tuple[ExerciseVersion, bool]:
    """The current version row of an exercise, creating a new version if its content changed.
    The change is made in a savepoint: when two first submissions of a new version race, the
    loser finds the winner's row instead of failing its transaction."""
    digest = content_hash(exercise)
    row = _version(session, exercise.slug, digest)
    if row is not None and row.current:
        return row, False
    try:
        with session.begin_nested():
            return _make_current(session, exercise, digest, row), True
    except IntegrityError:
        made = _version(session, exercise.slug, digest)
        if made is None:
            raise
        return made, False


def _version(session: Session, slug: str, digest: str) -> ExerciseVersion | None:
    return session.scalar(
        select(ExerciseVersion).where(ExerciseVersion.slug == slug, ExerciseVersion.content_hash == digest)
    )


def _make_current(
    session: Session, exercise: Exercise, digest: str, row: ExerciseVersion | None
) -> ExerciseVersion:
    for old in session.scalars(
        select(ExerciseVersion).where(
            ExerciseVersion.slug == exercise.slug, ExerciseVersion.current.is_(True)
        )
    ):
        old.current = False
    if row is None:
        latest = (
            session.scalar(
                select(func.max(ExerciseVersion.version)).where(ExerciseVersion.slug == exercise.slug)
            )
            or 0
        )
        row = ExerciseVersion(
            slug=exercise.slug,
            version=latest + 1,
            content_hash=digest,
            points=exercise.points,
            title=dict(exercise.title),
        )
        session.add(row)
    row.current = True
    session.flush()
    return row


def sync_bank(session: Session) -> list[Synced]:
    """Sync every exercise of the bank."""
    results = []
    for exercise in load_bank().values():
        row, changed = sync_exercise(session, exercise)
        results.append(Synced(exercise.slug, row.version, changed))
    return results


def find_exercise(slug: str) -> Exercise:
    """The bank's exercise, or Invalid naming the slug."""
    try:
        return get_exercise(slug)
    except KeyError as exc:
        raise Invalid(str(exc.args[0])) from None


def current_version(session: Session, slug: str) -> tuple[Exercise, ExerciseVersion]:
    """The exercise and its current version row (synced on first use)."""
    exercise = find_exercise(slug)
    row, _ = sync_exercise(session, exercise)
    return exercise, row


def current_version_id(session: Session, slug: str) -> tuple[Exercise, int]:
    """The exercise and the id of its current version: what every submission stores. One
    indexed lookup of a column (an ORM row cost more CPU than the query); a version not yet
    current is made so as ``current_version`` does."""
    exercise = find_exercise(slug)
    found = session.scalar(_CURRENT_ID, {"b_slug": slug, "b_hash": content_hash(exercise)})
    if found is not None:
        return exercise, found
    row, _ = sync_exercise(session, exercise)
    return exercise, row.id


_VERSIONS = cast(Table, ExerciseVersion.__table__)
_CURRENT_ID = select(_VERSIONS.c.id).where(
    _VERSIONS.c.slug == bindparam("b_slug"),
    _VERSIONS.c.content_hash == bindparam("b_hash"),
    _VERSIONS.c.current.is_(True),
)
