"""The gradebook: best score per student and exercise, as a table, sorted or as CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grader.accounts.models import Role, User
from grader.submissions.models import Status, Submission


def gradebook(session: Session, unit: str | None = None) -> dict[str, Any]:
    """{"exercises": [...], "students": [{"student", "scores": {slug: best}}]} for graded work
    (of one unit's exercises if ``unit`` is given)."""
    query = (
        select(User.username, Submission.exercise_slug, func.max(Submission.score))
        .join(Submission, Submission.user_id == User.id)
        .where(Submission.status == Status.graded, User.role == Role.student)
        .group_by(User.username, Submission.exercise_slug)
    )
    if unit:
        query = query.where(Submission.exercise_slug.startswith(f"{unit}.", autoescape=True))
    rows = session.execute(query).all()
    exercises = sorted({slug for _, slug, _ in rows})
    students: dict[str, dict[str, float]] = {}
    for username, slug, best in rows:
        students.setdefault(username, {})[slug] = float(best or 0.0)
    return {
        "exercises": exercises,
        "students": [{"student": name, "scores": scores} for name, scores in sorted(students.items())],
    }


def gradebook_csv(session: Session, unit: str | None = None) -> str:
    """The gradebook as CSV: one row per student, one column per exercise."""
    book = gradebook(session, unit)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["student", *book["exercises"]])
    for row in book["students"]:
        writer.writerow([row["student"], *(row["scores"].get(s, "") for s in book["exercises"])])
    return out.getvalue()


SORT_KEYS = ("student", "total")


def sorted_gradebook(
    book: dict[str, Any], sort: str = "student", descending: bool = False
) -> list[dict[str, Any]]:
    """The gradebook's rows with a total, sorted by student, total or an exercise's slug
    (students without a score there come last either way; ties by name)."""
    rows = [{**row, "total": round(sum(row["scores"].values()), 4)} for row in book["students"]]
    if sort not in book["exercises"] and sort not in SORT_KEYS:
        sort = "student"
    if sort == "student":
        return sorted(rows, key=lambda r: r["student"], reverse=descending)
    rows.sort(key=lambda r: r["student"])  # then a stable sort keeps names in order within ties
    scored = [r for r in rows if sort == "total" or sort in r["scores"]]
    scored.sort(key=lambda r: float(r["total"] if sort == "total" else r["scores"][sort]), reverse=descending)
    return scored + [r for r in rows if sort != "total" and sort not in r["scores"]]
