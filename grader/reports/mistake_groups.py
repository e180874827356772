"""An exercise's mistake groups as course staff read them: largest first, a page at a time.

Without a scope the counts are the groups' own (kept as reports are recorded: one row per
group); a course's or an assignment's staff read the counts of their assignments' work, which
are few rows (one per submission of those assignments to the exercise). Each group names its
newest submissions in the scope and an example answer from the scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grader.accounts.models import User
from grader.bank.models import ExerciseVersion
from grader.mistakes.models import MistakeEntry, MistakeGroup
from grader.mistakes.service import Scope
from grader.submissions.models import Submission

NEWEST = 100  # submission ids listed per group


@dataclass(frozen=True)
class GroupView:
    """One group of wrong answers that behave alike."""

    id: int
    version: int
    count: int
    students: int
    submissions: list[int]  # newest first, at most NEWEST
    mutant: str | None
    hint: dict[str, str] | None
    example_submission: int | None
    example_source: str | None
    example_student: str | None
    # Its outcome next to the reference's on the first probe input (case, input, output, expected).
    shown: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The API's item."""
        return {
            "id": self.id,
            "version": self.version,
            "count": self.count,
            "students": self.students,
            "submissions": self.submissions,
            "mutant": self.mutant,
            "hint": self.hint,
            "example": {"submission": self.example_submission, "source": self.example_source},
            "outputs": self.shown,
        }


@dataclass(frozen=True)
class GroupPage:
    """A page of groups and how many there are in all."""

    items: list[GroupView]
    total: int


def mistake_groups(
    session: Session, slug: str, scope: Scope, *, page: int = 1, per_page: int = 20
) -> GroupPage:
    """The exercise's groups with work in the scope, largest first (then oldest first)."""
    counted = _counts(slug, scope)
    total = session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    c = counted.subquery()
    rows = session.execute(
        select(MistakeGroup, ExerciseVersion.version, c.c.count, c.c.students)
        .join(c, c.c.group_id == MistakeGroup.id)
        .join(ExerciseVersion, ExerciseVersion.id == MistakeGroup.exercise_version_id)
        .order_by(c.c.count.desc(), MistakeGroup.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    newest = _newest(session, [row[0].id for row in rows], scope)
    examples = {
        group.id: (
            group.example_submission_id
            if scope.assignment_ids is None and group.example_submission_id is not None
            else next(iter(newest.get(group.id, [])), None)
        )
        for group, *_ in rows
    }
    sources = _sources(session, [i for i in examples.values() if i is not None])
    items = []
    for group, version, count, students in rows:
        example = examples[group.id]
        source, student = sources.get(example, (None, None)) if example is not None else (None, None)
        items.append(
            GroupView(
                id=group.id,
                version=version,
                count=int(count),
                students=int(students),
                submissions=newest.get(group.id, []),
                mutant=group.mutant,
                hint=group.hint,
                example_submission=example,
                example_source=source,
                example_student=student,
                shown=dict(group.example or {}),
            )
        )
    return GroupPage(items, int(total))


def _counts(slug: str, scope: Scope) -> Any:
    """(group_id, count, students) of the exercise's groups with work in the scope."""
    g, e = MistakeGroup, MistakeEntry
    if scope.assignment_ids is None:
        return select(
            g.id.label("group_id"), g.submissions.label("count"), g.students.label("students")
        ).where(g.exercise_slug == slug, g.submissions > 0)
    return (
        select(
            e.group_id.label("group_id"),
            func.count().label("count"),
            func.count(func.distinct(e.user_id)).label("students"),
        )
        .join(g, g.id == e.group_id)
        .where(g.exercise_slug == slug, e.assignment_id.in_(scope.assignment_ids))
        .group_by(e.group_id)
    )


def _newest(session: Session, group_ids: list[int], scope: Scope) -> dict[int, list[int]]:
    """Each group's newest submission ids in the scope, newest first: one short query per group
    (a backward walk of the group's index), where one ranking of every entry would read them all."""
    e = MistakeEntry
    found = {}
    for group_id in group_ids:
        query = select(e.submission_id).where(e.group_id == group_id)
        if scope.assignment_ids is not None:
            query = query.where(e.assignment_id.in_(scope.assignment_ids))
        found[group_id] = list(session.scalars(query.order_by(e.submission_id.desc()).limit(NEWEST)))
    return found


def _sources(session: Session, ids: list[int]) -> dict[int, tuple[str, str]]:
    """The source and the student of each submission."""
    if not ids:
        return {}
    rows = session.execute(
        select(Submission.id, Submission.source, User.username)
        .join(User, User.id == Submission.user_id)
        .where(Submission.id.in_(ids))
    )
    return {row.id: (row.source, row.username) for row in rows}
