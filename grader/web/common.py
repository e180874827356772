"""Small lookups every blueprint needs: the app's settings and an exercise by its slug."""

from __future__ import annotations

from flask import current_app

from grader.bank import get_exercise
from grader.errors import NotFound
from grader.exercise import Exercise
from grader.settings import Settings


def app_settings() -> Settings:
    """The settings the app was created with."""
    settings: Settings = current_app.config["GRADER_SETTINGS"]
    return settings


def exercise_or_404(slug: str) -> Exercise:
    """The bank's exercise, or NotFound with a message that says what to do."""
    try:
        return get_exercise(slug)
    except KeyError:
        raise NotFound(f"there is no exercise {slug!r}; pick one from the exercise list") from None
