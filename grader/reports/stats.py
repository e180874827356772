"""One exercise's statistics: submissions and best scores, the score histogram, the cases
students fail and what they are told, the known mistakes recognised, attempts to a first full score."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grader.accounts.models import Role, User
from grader.grading.exercise import Exercise, pick
from grader.submissions.tally_models import ExerciseStanding, FailureTally, MistakeTally

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
    tally = FailureTally
    in_lang = tally.message_zh if lang == "zh" else tally.message_en
    rows = session.execute(
        select(tally.case_name, in_lang, func.sum(tally.failures))
        .where(tally.exercise_slug == slug)
        .group_by(tally.case_name, in_lang)
    ).all()
    messages: dict[str, Counter[str]] = defaultdict(Counter)
    for name, message, count in rows:
        messages[name][message] += int(count)
    ranked = sorted(messages.items(), key=lambda item: (-item[1].total(), item[0]))[:most]
    return [FailingCase(name, found.total(), found.most_common(3)) for name, found in ranked]


def mutants_seen(session: Session, exercise: Exercise, lang: str = "en") -> list[MutantSeen]:
    """The exercise's known mistakes matched in graded work: submissions and students, commonest first."""
    tally = MistakeTally
    rows = session.execute(
        select(tally.mutant, func.sum(tally.submissions), func.count())
        .where(tally.exercise_slug == exercise.slug, tally.submissions > 0)
        .group_by(tally.mutant)
    ).all()
    hints = {m.name: pick(m.hint, lang) if m.hint else None for m in exercise.mutants}
    seen = [MutantSeen(name, hints.get(name), int(subs), users) for name, subs, users in rows]
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
    standing = ExerciseStanding
    rows = session.execute(
        select(standing.first_full, func.count())
        .join(User, User.id == standing.user_id)
        .where(standing.exercise_slug == slug, User.role == Role.student)
        .group_by(standing.first_full)
    ).all()
    distribution = sorted((needed, count) for needed, count in rows if needed is not None)
    reached = [needed for needed, count in distribution for _ in range(count)]
    return FirstFull(
        distribution=distribution,
        median=statistics.median(reached) if reached else None,
        reached=len(reached),
        not_yet=sum(count for needed, count in rows if needed is None),
    )


def exercise_stats(session: Session, slug: str) -> dict[str, Any]:
    """Submissions, students, mean best score, the score histogram, the most failed cases and
    the mistakes (mutants) recognised."""
    standing = ExerciseStanding
    graded = session.execute(
        select(standing.graded, standing.best_score, standing.max_score).where(
            standing.exercise_slug == slug, standing.graded > 0
        )
    ).all()
    best = [score or 0.0 for _, score, _ in graded]
    max_score = max((top for _, _, top in graded), default=0.0)
    histogram = [0] * 10
    for score in best:
        histogram[min(int(10 * score / max_score), 9) if max_score else 0] += 1
    tally = FailureTally
    failing = session.execute(
        select(tally.case_name, tally.finding, tally.mutant, tally.failures).where(
            tally.exercise_slug == slug
        )
    ).all()
    by_case: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    by_mutant: Counter[str] = Counter()
    for name, kind, mutant, count in failing:
        by_case[name] += count
        if kind:
            by_kind[kind] += count
        if mutant:
            by_mutant[mutant] += count
    return {
        "exercise": slug,
        "submissions": sum(n for n, _, _ in graded),
        "students": len(best),
        "full_marks": sum(1 for s in best if max_score and s >= max_score),
        "mean_best_score": round(sum(best) / len(best), 4) if best else None,
        "max_score": max_score or None,
        "histogram": histogram,
        "failing_cases": [{"case": name, "count": n} for name, n in _commonest(by_case)],
        "failure_kinds": [{"kind": kind, "count": n} for kind, n in _commonest(by_kind)],
        "mutants": [{"mutant": m, "count": n} for m, n in _commonest(by_mutant)],
    }


def _commonest(counts: Counter[str], most: int = 10) -> list[tuple[str, int]]:
    """The ``most`` commonest, ties by name (so that the order never depends on the rows' order)."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:most]
