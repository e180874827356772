"""The authoring API, as exercise modules import it: ``from grader.exercise import Case,
Exercise, Mutant, text, ...``. Course folders of their own use this name too, so it stays the
public face of ``grader.grading.exercise``, where the model lives."""

from __future__ import annotations

from grader.grading.exercise import (
    LANGUAGES,
    NO_BANS,
    Bans,
    Case,
    Comparison,
    Exercise,
    Limits,
    Mutant,
    Text,
    pick,
    text,
)

__all__ = [
    "LANGUAGES",
    "NO_BANS",
    "Bans",
    "Case",
    "Comparison",
    "Exercise",
    "Limits",
    "Mutant",
    "Text",
    "pick",
    "text",
]
