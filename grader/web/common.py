"""What every blueprint needs: the app's settings, an exercise by its slug, a submission's page."""

from __future__ import annotations

from typing import Any

from flask import current_app

from grader.bank.catalog import visible_exercise
from grader.grading.exercise import Exercise, pick
from grader.settings import Settings
from grader.submissions import service as submissions
from grader.submissions.models import Status, Submission
from grader.web.db import get_db


def app_settings() -> Settings:
    """The settings the app was created with."""
    settings: Settings = current_app.config["GRADER_SETTINGS"]
    return settings


def exercise_or_404(slug: str) -> Exercise:
    """The bank's exercise as students may see it (a course folder's once published), or
    NotFound with a message that says what to do."""
    return visible_exercise(get_db(), slug)


def submission_page(row: Submission, lang: str) -> dict[str, Any]:
    """A submission as its pages show it: the result (as the API presents it) with its code,
    the exercise's title and whether grading is still under way."""
    data = submissions.present(row, lang)
    data.update(
        source=row.source,
        filename=row.filename,
        notebook=row.notebook,
        title=pick(row.exercise_version.title, lang),
        pending=row.status in (Status.queued, Status.running),
    )
    return data
