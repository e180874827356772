"""The gradebook: best score per student and exercise, from the standings kept as work is
recorded; whole (JSON, CSV) or a page of students at a time, sorted by any column."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from grader.accounts.models import Role, User
from grader.submissions.tally_models import ExerciseStanding

SORT_KEYS = ("student", "total")


def _scored(unit: str | None) -> ColumnElement[bool]:
    """Students' graded standings (on one unit's exercises if ``unit`` is given)."""
    standing = ExerciseStanding
    where = (User.role == Role.student) & standing.best_score.is_not(None)
    if unit:
        where = where & standing.exercise_slug.startswith(f"{unit}.", autoescape=True)
    return where


def _exercises(session: Session, unit: str | None) -> list[str]:
    standing = ExerciseStanding
    return list(
        session.scalars(
            select(standing.exercise_slug)
            .join(User, User.id == standing.user_id)
            .where(_scored(unit))
            .group_by(standing.exercise_slug)
            .order_by(standing.exercise_slug)
        )
    )


def _rows(session: Session, unit: str | None, user_ids: list[int] | None = None) -> list[dict[str, Any]]:
    """Each student's scores ({"student", "scores": {slug: best}}), by name. The database
    gathers each student's scores into one JSON object: a thousand rows to read instead of
    one per student and exercise (making 43,000 result rows cost more than the query)."""
    standing = ExerciseStanding
    postgres = session.get_bind().dialect.name == "postgresql"
    gather = func.json_object_agg if postgres else func.json_group_object
    query = (
        select(User.username, gather(standing.exercise_slug, standing.best_score))
        .join(User, User.id == standing.user_id)
        .where(_scored(unit))
        .group_by(User.username)
    )
    if user_ids is not None:
        query = query.where(User.id.in_(user_ids))
    rows = []
    for name, scores in session.execute(query):
        found = json.loads(scores) if isinstance(scores, str) else scores
        rows.append({"student": name, "scores": {slug: float(best) for slug, best in found.items()}})
    return sorted(rows, key=lambda row: row["student"])


def gradebook(session: Session, unit: str | None = None) -> dict[str, Any]:
    """{"exercises": [...], "students": [{"student", "scores": {slug: best}}]} for graded work
    (of one unit's exercises if ``unit`` is given), every student, by name."""
    students = _rows(session, unit)
    return {"exercises": sorted({slug for row in students for slug in row["scores"]}), "students": students}


def gradebook_csv(session: Session, unit: str | None = None) -> str:
    """The gradebook as CSV: one row per student, one column per exercise."""
    book = gradebook(session, unit)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["student", *book["exercises"]])
    for row in book["students"]:
        writer.writerow([row["student"], *(row["scores"].get(s, "") for s in book["exercises"])])
    return out.getvalue()


@dataclass(frozen=True)
class GradebookPage:
    """A page of the gradebook's students, sorted, each with their scores and total."""

    exercises: list[str]
    rows: list[dict[str, Any]]  # {"student", "scores": {slug: best}, "total"}
    sort: str  # the column it is sorted by: student, total or an exercise's slug
    descending: bool
    page: int
    per_page: int
    students: int  # on every page together

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, -(-self.students // self.per_page))


def gradebook_page(
    session: Session,
    unit: str | None = None,
    sort: str = "student",
    descending: bool = False,
    page: int = 1,
    per_page: int = 50,
) -> GradebookPage:
    """One page of students, sorted by name, total or an exercise's score (students without a
    score there come last either way; ties by name). The database sorts and pages: only the
    page's students are read."""
    exercises = _exercises(session, unit)
    if sort not in exercises and sort not in SORT_KEYS:
        sort = "student"
    standing = ExerciseStanding
    total = func.sum(standing.best_score)
    students = (
        select(User.id, User.username, total.label("total"))
        .join(standing, standing.user_id == User.id)
        .where(_scored(unit))
        .group_by(User.id, User.username)
    )
    order: list[Any]
    if sort == "student":
        order = [User.username.desc() if descending else User.username]
    elif sort == "total":
        order = [total.desc() if descending else total, User.username]
    else:
        column = aliased(ExerciseStanding)
        students = students.outerjoin(column, (column.user_id == User.id) & (column.exercise_slug == sort))
        score = func.max(column.best_score)
        order = [score.is_(None), score.desc() if descending else score, User.username]
    count = session.scalar(select(func.count()).select_from(students.subquery())) or 0
    chosen = session.execute(students.order_by(*order).offset((page - 1) * per_page).limit(per_page)).all()
    found = {row["student"]: row for row in _rows(session, unit, [row.id for row in chosen])}
    rows = [
        {**found[row.username], "total": round(sum(found[row.username]["scores"].values()), 4)}
        for row in chosen
        if row.username in found
    ]
    return GradebookPage(exercises, rows, sort, descending, page, per_page, count)
