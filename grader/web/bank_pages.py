"""The dashboard's bank pages: every exercise with its source, version, validation state and
mutation score; one exercise with its versions and the surviving mutants of its solution, each
with the input that exposes it. Read only: the bank is published by ``grader exercises sync``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from grader.bank.listing import bank_exercise, bank_page
from grader.bank.loader import UnknownExercise
from grader.errors import NotFound
from grader.grading.exercise import pick
from grader.web.db import get_db
from grader.web.sessions import instructor_page, language

blueprint = Blueprint("bank", __name__)


@blueprint.get("/")
@instructor_page
def index() -> Any:
    """Every exercise of the bank, by unit, and the modules that give none."""
    return render_template("dashboard/bank.html", page=bank_page(get_db()), lang=language())


@blueprint.get("/<slug>")
@instructor_page
def exercise(slug: str) -> Any:
    """One exercise: where it comes from, its versions, its proof, its surviving mutants."""
    try:
        found = bank_exercise(get_db(), slug)
    except UnknownExercise:
        raise NotFound(f"the bank has no exercise {slug!r}") from None
    title = pick(found.line.entry.exercise.title, language())
    return render_template("dashboard/bank_exercise.html", found=found, line=found.line, title=title)
