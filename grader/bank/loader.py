"""The exercise bank: every ``EXERCISE`` of the shipped ``exercises`` package and of the course
folders of GRADER_EXERCISE_PATH, by slug.

Each folder holds unit folders of modules, ``<unit>/<function>.py``, each defining ``EXERCISE``
(slug ``<unit>.<function>``); a unit's optional ``__init__.py`` gives its ``TITLE``. Adding an
exercise means adding one module; nothing else changes. A module that fails to import, defines
no exercise, or takes a slug that another file has is a ``Broken`` entry naming its file and the
error: reported by the commands and the dashboard, never taking the rest of the bank down.

A process loads the bank once; ``reload`` reads one exercise's file again (a newer version was
published since) and ``refresh`` the whole bank when its folders changed (an exercise published
since), so neither the API nor a worker needs a restart to follow a sync.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from grader.bank.case_names import CATALOG, folder_catalog
from grader.bank.folders import Origin, configure, origins
from grader.bank.modules import describe_error, ensure_package, execute, read_source
from grader.grading.exercise import Exercise, Text, pick

# The shipped units' order in listings; a course folder's units follow, in the folder's order.
UNITS = ["tensors", "linalg", "autograd", "activations", "optim", "ops", "stats"]


class UnknownExercise(KeyError):
    """No exercise has that slug."""

    def __init__(self, slug: str, known: list[str]) -> None:
        close = [s for s in known if s.split(".")[-1] == slug.split(".")[-1]]
        suggestion = f"; did you mean {close[0]}?" if close else ""
        super().__init__(f"no exercise {slug!r}{suggestion} (`grader exercises list` shows them all)")
        self.slug = slug


@dataclass(frozen=True)
class Entry:
    """One exercise of the bank with where it came from: its folder, its file, and the SHA-256
    of the file's text (what a version is keyed by)."""

    exercise: Exercise
    origin: Origin
    path: Path
    digest: str


@dataclass(frozen=True)
class Broken:
    """A module of the bank that gives no exercise, and why (one line)."""

    path: Path
    origin: Origin
    error: str

    def __str__(self) -> str:
        return f"{self.path}: {self.error}"


@dataclass
class Bank:
    """What loading the folders found."""

    entries: dict[str, Entry] = field(default_factory=dict)
    broken: list[Broken] = field(default_factory=list)
    titles: dict[str, Text] = field(default_factory=dict)
    units: list[str] = field(default_factory=list)
    stamp: tuple[tuple[str, int, int], ...] = ()  # what the folders held when it was loaded


_lock = threading.Lock()


def _is_name(name: str) -> bool:
    return name.isidentifier() and not name.startswith("_")


def _load_module(origin: Origin, unit: str, path: Path, bank: Bank) -> Entry | None:
    try:
        text, digest = read_source(path)
        module = execute(f"{origin.package}.{unit}.{path.stem}", path, text)
    except (Exception, SystemExit) as exc:
        bank.broken.append(Broken(path, origin, describe_error(exc, path)))
        return None
    exercise = getattr(module, "EXERCISE", None)
    problem = None
    if not isinstance(exercise, Exercise):
        problem = "defines no EXERCISE = Exercise(...)"
    elif exercise.slug != f"{unit}.{path.stem}":
        problem = (
            f"its slug is {exercise.slug!r}, but the file says {unit}.{path.stem}: "
            "an exercise lives in <unit>/<function>.py and its slug is <unit>.<function>"
        )
    if problem:
        bank.broken.append(Broken(path, origin, problem))
        return None
    assert isinstance(exercise, Exercise)
    return Entry(exercise, origin, path, digest)


def _load_unit(origin: Origin, folder: Path, bank: Bank) -> None:
    unit = folder.name
    try:
        package = importlib.import_module(f"{origin.package}.{unit}")
    except (Exception, SystemExit) as exc:
        init = folder / "__init__.py"
        bank.broken.append(Broken(init, origin, describe_error(exc, init)))
        return
    title = getattr(package, "TITLE", None)
    if isinstance(title, dict) and unit not in bank.titles:
        bank.titles[unit] = title
    if unit not in bank.units:
        bank.units.append(unit)
    for path in sorted(folder.glob("*.py")):
        if not _is_name(path.stem):
            continue
        entry = _load_module(origin, unit, path, bank)
        if entry is None:
            continue
        taken = bank.entries.get(entry.exercise.slug)
        if taken is not None:
            message = f"the slug {entry.exercise.slug} is taken already by {taken.path}: rename one of them"
            bank.broken.append(Broken(path, origin, message))
            continue
        bank.entries[entry.exercise.slug] = entry


def _load_folder(origin: Origin, bank: Bank) -> None:
    try:
        ensure_package(origin)
    except (Exception, SystemExit) as exc:
        init = origin.folder / "__init__.py"
        bank.broken.append(Broken(init, origin, describe_error(exc, init)))
        return
    try:
        folder_catalog(origin)
    except (Exception, SystemExit) as exc:
        path = origin.folder / CATALOG
        bank.broken.append(Broken(path, origin, describe_error(exc, path)))
    for folder in sorted(p for p in origin.folder.iterdir() if p.is_dir() and _is_name(p.name)):
        _load_unit(origin, folder, bank)


def _load(folders: tuple[Origin, ...]) -> Bank:
    bank = Bank(stamp=_stamp(folders))
    for origin in folders:
        _load_folder(origin, bank)
    # The shipped units in their teaching order, then the course folders' units as found.
    bank.units.sort(key=lambda unit: UNITS.index(unit) if unit in UNITS else len(UNITS))
    order = {unit: index for index, unit in enumerate(bank.units)}
    bank.entries = dict(
        sorted(bank.entries.items(), key=lambda item: (order[item[1].exercise.unit], item[0]))
    )
    return bank


def _stamp(folders: tuple[Origin, ...]) -> tuple[tuple[str, int, int], ...]:
    """What the folders hold: every module's path, modification time and size (a few hundred
    stat calls: about a millisecond)."""
    found = []
    for origin in folders:
        for path in (*origin.folder.glob("*.py"), *origin.folder.glob("*/*.py")):
            try:
                info = path.stat()
            except OSError:
                continue
            found.append((str(path), info.st_mtime_ns, info.st_size))
    return tuple(sorted(found))


_banks: dict[tuple[Origin, ...], Bank] = {}


def open_bank(folders: Iterable[Path]) -> Bank:
    """Use these course folders beside the shipped bank and load it now (a process's start, a
    command), or again if its files changed since it was loaded."""
    configure(folders)
    return refresh()


def the_bank() -> Bank:
    """The bank of the configured folders, loaded once per process (and per configuration)."""
    folders = origins()
    with _lock:
        if folders not in _banks:
            _banks[folders] = _load(folders)
        return _banks[folders]


def refresh() -> Bank:
    """The bank, loaded again if a file of its folders was added, removed or changed since it
    was loaded: what the dashboard's bank page shows, and how a process finds an exercise that a
    sync published after it started."""
    folders = origins()
    with _lock:
        bank = _banks.get(folders)
        if bank is None or bank.stamp != _stamp(folders):
            _banks[folders] = bank = _load(folders)
        return bank


def load_bank() -> dict[str, Exercise]:
    """All exercises, keyed by slug, in unit then slug order."""
    return {slug: entry.exercise for slug, entry in the_bank().entries.items()}


def entry(slug: str) -> Entry:
    """The bank's entry for that slug, or UnknownExercise."""
    entries = the_bank().entries
    if slug not in entries:
        raise UnknownExercise(slug, list(entries))
    return entries[slug]


def get_exercise(slug: str) -> Exercise:
    """The exercise with that slug, or UnknownExercise."""
    return entry(slug).exercise


def broken_modules() -> list[Broken]:
    """The modules of the bank that give no exercise, with their errors."""
    return list(the_bank().broken)


def reload(slug: str) -> Entry:
    """Read the exercise's file again and use it if it changed and still loads as the same
    exercise; else keep what was loaded (the returned entry says which)."""
    old = entry(slug)
    try:
        _, digest = read_source(old.path)
    except OSError:
        return old
    if digest == old.digest:
        return old
    found = Bank()
    new = _load_module(old.origin, old.exercise.unit, old.path, found)
    if new is None:
        return old
    with _lock:
        current = _banks.get(origins())
        if current is not None:
            current.entries[slug] = new
    return new


def units() -> list[str]:
    """The units of the bank, in listing order."""
    return list(the_bank().units)


def unit_title(unit: str, lang: str) -> str:
    """A unit's title in ``lang`` (the ``TITLE`` of its package), or its name without one."""
    title = the_bank().titles.get(unit)
    return pick(title, lang) if title else unit
