"""Run an exercise's mutants on the trusted side, to recognise a student's known mistake."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from grader.grading.exercise import Exercise, Mutant


def load_function(source: str, function: str, name: str) -> Callable[..., Any]:
    """Compile a solution or mutant source (our own code) and return its function."""
    namespace: dict[str, Any] = {"__name__": f"mutant_{function}"}
    exec(compile(source, f"<{name}>", "exec"), namespace)
    found = namespace.get(function)
    if not callable(found):
        raise ValueError(f"{name} does not define {function}()")
    return found


_COMPILED: dict[tuple[str, tuple[str, ...]], tuple[tuple[Mutant, Callable[..., Any]], ...]] = {}


def mutant_functions(exercise: Exercise) -> tuple[tuple[Mutant, Callable[..., Any]], ...]:
    """Each mutant of the exercise with its compiled function (compiled once per process and
    version: a course exercise's file may be read again, with other mutants, after a sync)."""
    key = (exercise.slug, tuple(m.source for m in exercise.mutants))
    if key not in _COMPILED:
        _COMPILED[key] = tuple(
            (m, load_function(m.source, exercise.function, f"mutant {m.name}")) for m in exercise.mutants
        )
    return _COMPILED[key]


_SOLUTIONS: dict[tuple[str, str], Callable[..., Any]] = {}


def solution_function(exercise: Exercise) -> Callable[..., Any]:
    """The exercise's own solution, compiled once per process and version (our code: trusted)."""
    key = (exercise.slug, exercise.solution)
    if key not in _SOLUTIONS:
        _SOLUTIONS[key] = load_function(exercise.solution, exercise.function, "solution")
    return _SOLUTIONS[key]
