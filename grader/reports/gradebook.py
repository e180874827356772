"""The instructor's views: best score per student and exercise, and per-exercise statistics."""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grader.accounts.models import Role, User
from grader.submissions.models import CaseResultRow, Status, Submission


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


def exercise_stats(session: Session, slug: str) -> dict[str, Any]:
    """Submissions, students, mean best score, the score histogram, the most failed cases and
    the mistakes (mutants) recognised."""
    graded = session.execute(
        select(Submission.user_id, Submission.score, Submission.max_score).where(
            Submission.exercise_slug == slug, Submission.status == Status.graded
        )
    ).all()
    best: dict[int, float] = {}
    max_score = 0.0
    for user_id, score, top in graded:
        best[user_id] = max(best.get(user_id, 0.0), score or 0.0)
        max_score = top
    histogram = [0] * 10
    for score in best.values():
        histogram[min(int(10 * score / max_score), 9) if max_score else 0] += 1
    failing = session.execute(
        select(CaseResultRow.name, CaseResultRow.finding, CaseResultRow.mutant)
        .join(Submission, Submission.id == CaseResultRow.submission_id)
        .where(Submission.exercise_slug == slug, CaseResultRow.passed.is_(False))
    ).all()
    return {
        "exercise": slug,
        "submissions": len(graded),
        "students": len(best),
        "full_marks": sum(1 for s in best.values() if max_score and s >= max_score),
        "mean_best_score": round(sum(best.values()) / len(best), 4) if best else None,
        "max_score": max_score or None,
        "histogram": histogram,
        "failing_cases": [
            {"case": name, "count": n} for name, n in Counter(name for name, _, _ in failing).most_common(10)
        ],
        "failure_kinds": [
            {"kind": kind, "count": n}
            for kind, n in Counter(kind for _, kind, _ in failing if kind).most_common(10)
        ],
        "mutants": [
            {"mutant": m, "count": n} for m, n in Counter(m for _, _, m in failing if m).most_common(10)
        ],
    }
