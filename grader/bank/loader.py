"""The exercise bank: every ``EXERCISE`` found under the ``exercises`` package, by slug.

Adding an exercise means adding one module to ``exercises/<unit>/``; nothing else changes.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

import exercises
from grader.grading.exercise import Exercise, Text, pick


class UnknownExercise(KeyError):
    """No exercise has that slug."""

    def __init__(self, slug: str, known: list[str]) -> None:
        close = [s for s in known if s.split(".")[-1] == slug.split(".")[-1]]
        suggestion = f"; did you mean {close[0]}?" if close else ""
        super().__init__(f"no exercise {slug!r}{suggestion} (`grader exercises list` shows them all)")
        self.slug = slug


@cache
def load_bank() -> dict[str, Exercise]:
    """All exercises, keyed by slug, in unit then module order."""
    bank: dict[str, Exercise] = {}
    for info in pkgutil.walk_packages(exercises.__path__, prefix="exercises."):
        if info.ispkg or info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        module = importlib.import_module(info.name)
        exercise = getattr(module, "EXERCISE", None)
        if isinstance(exercise, Exercise):
            if exercise.slug in bank:
                raise ValueError(f"two exercises use the slug {exercise.slug}")
            bank[exercise.slug] = exercise
    return dict(
        sorted(
            bank.items(),
            key=lambda item: (UNITS.index(item[1].unit) if item[1].unit in UNITS else 99, item[0]),
        )
    )


UNITS = ["tensors", "linalg", "autograd", "activations", "optim", "ops", "stats"]


def unit_title(unit: str, lang: str) -> str:
    """A unit's title in ``lang`` (the ``TITLE`` of its package), or its name without one."""
    title = _unit_titles().get(unit)
    return pick(title, lang) if title else unit


@cache
def _unit_titles() -> dict[str, Text]:
    titles: dict[str, Text] = {}
    for info in pkgutil.iter_modules(exercises.__path__):
        if info.ispkg:
            title = getattr(importlib.import_module(f"exercises.{info.name}"), "TITLE", None)
            if isinstance(title, dict):
                titles[info.name] = title
    return titles


def get_exercise(slug: str) -> Exercise:
    """The exercise with that slug, or UnknownExercise."""
    bank = load_bank()
    if slug not in bank:
        raise UnknownExercise(slug, list(bank))
    return bank[slug]
