"""Mutation adequacy records: ``_adequacy.json`` beside the exercises of each folder (the shipped
bank's is ``exercises/_adequacy.json``), one entry per exercise, written by ``grader exercises
adequacy --record``. A record names the content hash it was measured on: a changed module makes
it stale. Reviewed in the folder's history like the exercises themselves, read by the dashboard
and by ``grader exercises validate`` (which fails on a shipped exercise with a proven gap)."""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

from grader.bank.folders import Origin
from grader.bank.loader import Entry
from grader.grading.adequacy import ENGINE, Adequacy
from grader.times import iso, now

RECORD = "_adequacy.json"
_cache: dict[Path, tuple[tuple[int, int, int], dict[str, Any]]] = {}
_lock = threading.Lock()


class RecordError(OSError):
    """A record file that cannot be read or written; the message names it."""


def record_path(origin: Origin) -> Path:
    """Where the folder's adequacy records live."""
    return origin.folder / RECORD


def read_records(origin: Origin, *, cached: bool = True) -> dict[str, Any]:
    """The folder's records by slug ({} without a file); read again when the file changes (a
    write replaces the file: a new inode, whatever the clock's resolution)."""
    path = record_path(origin)
    try:
        info = path.stat()
    except FileNotFoundError:
        return {}
    stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
    with _lock:
        known = _cache.get(path)
        if cached and known and known[0] == stamp:
            return known[1]
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RecordError(f"{path} cannot be read: {exc}") from None
    if not isinstance(records, dict):
        raise RecordError(f"{path} must hold a JSON object of records by slug")
    with _lock:
        _cache[path] = (stamp, records)
    return records


def fresh_record(found: Entry) -> dict[str, Any] | None:
    """The exercise's record if it was measured on this very content by this engine, else None."""
    record = read_records(found.origin).get(found.exercise.slug)
    if not isinstance(record, dict):
        return None
    if record.get("content_hash") != found.digest or record.get("engine") != ENGINE:
        return None
    return record


def as_record(found: Entry, result: Adequacy, seeds: list[int]) -> dict[str, Any]:
    """What a record keeps: the JSON of ``grader exercises adequacy`` with what it was measured on."""
    return {
        **result.to_dict(),
        "content_hash": found.digest,
        "engine": ENGINE,
        "seeds": seeds,
        "recorded_at": iso(now()),
    }


def write_record(found: Entry, record: dict[str, Any]) -> Path:
    """Store the record in the exercise's folder (atomically: a reader never sees half a file)."""
    path = record_path(found.origin)
    try:
        records = dict(read_records(found.origin, cached=False))
    except RecordError:
        records = {}
    records[found.exercise.slug] = record
    text = json.dumps(dict(sorted(records.items())), indent=1, ensure_ascii=False) + "\n"
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=".adequacy-", dir=path.parent)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else 0o644)  # as readable as before
        os.replace(temporary, path)
    except OSError as exc:
        raise RecordError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def score(record: dict[str, Any]) -> float | None:
    """The share of mutants killed (None when none was generated)."""
    generated = record.get("generated") or 0
    return (record.get("killed") or 0) / generated if generated else None


def gaps(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The survivors of a record that the exercise's own generator tells apart."""
    return [s for s in record.get("survivors", []) if s.get("verdict") == "gap"]
