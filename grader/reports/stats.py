"""One exercise's statistics: submissions and best scores, the score histogram, the cases
students fail and what they are told, the known mistakes recognised, attempts to a first full score."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from grader.accounts.models import Role, User
from grader.grading.exercise import Exercise, pick
from grader.submissions.models import CaseResultRow, Status, Submission

FULL = 1e-9  # a score this close to the maximum is full marks


@dataclass(frozen=True)
class FailingCase:
    """A case students fail, how often, and what they are told most often."""

    case: str
    count: int
    messages: list[tuple[str, int]]


@dataclass(frozen=True)
class MutantSeen:
    """A known mistake recognised in students' work."""

    name: str
    hint: str | None
    submissions: int
    students: int


def failing_cases(session: Session, slug: str, lang: str = "en", most: int = 10) -> list[FailingCase]:
    """The most failed cases of an exercise (graded work), each with its three commonest messages."""
    in_lang = CaseResultRow.message_zh if lang == "zh" else CaseResultRow.message_en
    rows = session.execute(
        select(CaseResultRow.name, in_lang)
        .join(Submission, Submission.id == CaseResultRow.submission_id)
        .where(
            Submission.exercise_slug == slug,
            Submission.status == Status.graded,
            CaseResultRow.passed.is_(False),
        )
    ).all()
    messages: dict[str, Counter[str]] = defaultdict(Counter)
    for name, message in rows:
        messages[name][message] += 1
    ranked = sorted(messages.items(), key=lambda item: (-item[1].total(), item[0]))[:most]
    return [FailingCase(name, found.total(), found.most_common(3)) for name, found in ranked]


def mutants_seen(session: Session, exercise: Exercise, lang: str = "en") -> list[MutantSeen]:
    """The exercise's known mistakes matched in graded work: submissions and students, commonest first."""
    rows = session.execute(
        select(CaseResultRow.mutant, Submission.id, Submission.user_id)
        .join(Submission, Submission.id == CaseResultRow.submission_id)
        .where(
            Submission.exercise_slug == exercise.slug,
            Submission.status == Status.graded,
            CaseResultRow.mutant.is_not(None),
        )
        .distinct()
    ).all()
    found: dict[str, tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    for mutant, submission_id, user_id in rows:
        assert mutant is not None  # filtered out by the query
        found[mutant][0].add(submission_id)
        found[mutant][1].add(user_id)
    hints = {m.name: pick(m.hint, lang) if m.hint else None for m in exercise.mutants}
    seen = [MutantSeen(name, hints.get(name), len(subs), len(users)) for name, (subs, users) in found.items()]
    return sorted(seen, key=lambda m: (-m.submissions, m.name))


@dataclass(frozen=True)
class FirstFull:
    """Attempts to the first full score: how many students needed n, the median, who is not there yet."""

    distribution: list[tuple[int, int]]
    median: float | None
    reached: int
    not_yet: int


def attempts_to_full(session: Session, slug: str) -> FirstFull:
    """Per student, the submissions up to and including their first full-score one."""
    rows = session.execute(
        select(Submission.user_id, Submission.status, Submission.score, Submission.max_score)
        .join(User, User.id == Submission.user_id)
        .where(Submission.exercise_slug == slug, User.role == Role.student)
        .order_by(Submission.user_id, Submission.id)
    ).all()
    needed: dict[int, int | None] = {}
    counted: Counter[int] = Counter()
    for user_id, status, score, top in rows:
        if needed.get(user_id) is not None:
            continue  # full marks already reached: later submissions do not count
        counted[user_id] += 1
        full = status == Status.graded and score is not None and score >= top - FULL
        needed[user_id] = counted[user_id] if full else None
    reached = [n for n in needed.values() if n is not None]
    return FirstFull(
        distribution=sorted(Counter(reached).items()),
        median=statistics.median(reached) if reached else None,
        reached=len(reached),
        not_yet=len(needed) - len(reached),
    )


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
