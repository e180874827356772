"""Keeping the mistake groups and their hints.

``place`` runs in the transaction that records a report (``submissions.lifecycle``): the
submission joins the group of its behaviour fingerprint (made if new), the group's counts go up,
and it is given the group's hint, if staff wrote one. A regrade first takes the grading it
replaces out of its group. ``set_hint``/``clear_hint`` change a group's hint for what is graded
from now on and, when asked, for the submissions already in the group.

Rows are changed in one order (the group, then its member row, then the entry), so two gradings
recorded into one group at once wait for each other instead of deadlocking."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.orm import Session

from grader.accounts.models import Role, User
from grader.assignments import service as assignments
from grader.assignments.models import Assignment, AssignmentExercise
from grader.courses import service as courses
from grader.db import dialect_insert
from grader.errors import Forbidden, Invalid, NotFound
from grader.grading.report import Report
from grader.mistakes.models import MistakeEntry, MistakeGroup, MistakeMember
from grader.times import now

_GROUPS = cast(Table, MistakeGroup.__table__)
_MEMBERS = cast(Table, MistakeMember.__table__)
_ENTRIES = cast(Table, MistakeEntry.__table__)
MAX_HINT = 2000  # characters per language


@dataclass(frozen=True)
class Graded:
    """The recorded grading to place: whose, which exercise version, which assignment."""

    submission_id: int
    user_id: int
    exercise_slug: str
    exercise_version_id: int
    assignment_id: int | None


def place(session: Session, graded: Graded, report: Report, *, regrade: bool) -> None:
    """Put a recorded grading in the group of its behaviour (none at full marks), with the
    group's hint if it has one. A regrade's previous grading leaves its group first."""
    if regrade:
        take_out(session, graded.submission_id)
    behaviour = report.behaviour
    if behaviour is None:
        return
    mutant = report.mutants_matched[0] if report.mutants_matched else None
    g = _GROUPS.c
    row = dialect_insert(session)(_GROUPS).values(
        exercise_slug=graded.exercise_slug,
        exercise_version_id=graded.exercise_version_id,
        fingerprint=behaviour.digest,
        submissions=1,
        students=0,
        mutant=mutant,
        example_submission_id=graded.submission_id,
        example=behaviour.example,
        created_at=now(),
    )
    group = session.execute(
        row.on_conflict_do_update(
            index_elements=[g.exercise_version_id, g.fingerprint],
            set_={"submissions": g.submissions + 1, "mutant": func.coalesce(g.mutant, row.excluded.mutant)},
        ).returning(g.id, g.hint_en, g.hint_zh)
    ).one()
    _add_member(session, group.id, graded.user_id, 1)
    session.execute(
        insert(_ENTRIES).values(
            submission_id=graded.submission_id,
            group_id=group.id,
            user_id=graded.user_id,
            assignment_id=graded.assignment_id,
            hint_en=group.hint_en,
            hint_zh=group.hint_zh,
        )
    )


def take_out(session: Session, submission_id: int) -> None:
    """Take a submission out of its group (a regrade replaces its grading)."""
    e = _ENTRIES.c
    gone = session.execute(
        delete(_ENTRIES).where(e.submission_id == submission_id).returning(e.group_id, e.user_id)
    ).one_or_none()
    if gone is None:
        return
    g = _GROUPS.c
    session.execute(update(_GROUPS).where(g.id == gone.group_id).values(submissions=g.submissions - 1))
    _add_member(session, gone.group_id, gone.user_id, -1)


def _add_member(session: Session, group_id: int, user_id: int, change: int) -> None:
    """Count ``change`` submissions more of a student in a group; the group's student count
    follows when the student joins it or leaves it."""
    m, g = _MEMBERS.c, _GROUPS.c
    row = dialect_insert(session)(_MEMBERS).values(group_id=group_id, user_id=user_id, submissions=change)
    count = session.execute(
        row.on_conflict_do_update(
            index_elements=[m.group_id, m.user_id], set_={"submissions": m.submissions + change}
        ).returning(m.submissions)
    ).scalar_one()
    if change > 0 and count == change:
        session.execute(update(_GROUPS).where(g.id == group_id).values(students=g.students + 1))
    elif change < 0 and count <= 0:
        session.execute(delete(_MEMBERS).where(m.group_id == group_id, m.user_id == user_id))
        session.execute(update(_GROUPS).where(g.id == group_id).values(students=g.students - 1))


@dataclass(frozen=True)
class Scope:
    """Whose work a staff member reads: every submission (None), or that of these assignments."""

    assignment_ids: list[int] | None


def staff_scope(
    session: Session, user: User, slug: str, *, course: str | None = None, assignment: int | None = None
) -> Scope:
    """What of an exercise's groups ``user`` may see and change: instructors and admins all of
    it; a course's TAs and instructors with ``course`` (or ``assignment``) the work of that
    course's (or assignment's) assignments that set the exercise. Students: Forbidden."""
    if assignment is not None:
        access = assignments.assignment_for(session, user, assignment, "staff")
        if course is not None and access.assignment.course.code != course:
            raise Invalid(f"assignment {assignment} is not in the course {course!r}", "assignment")
        if slug not in {row.exercise_slug for row in access.assignment.exercises}:
            raise NotFound(f"assignment {assignment} does not set {slug}")
        return Scope([assignment])
    if course is not None:
        membership = courses.course_for(session, user, course, "staff")
        ids = list(
            session.scalars(
                select(Assignment.id)
                .join(AssignmentExercise, AssignmentExercise.assignment_id == Assignment.id)
                .where(Assignment.course_id == membership.course.id, AssignmentExercise.exercise_slug == slug)
            )
        )
        if not ids:
            raise NotFound(f"no assignment of {course} sets {slug}")
        return Scope(ids)
    if user.role not in (Role.instructor, Role.admin):
        raise Forbidden("only instructors, or a course's staff naming it with ?course=, see mistake groups")
    return Scope(None)


def find_group(session: Session, slug: str, group_id: int, scope: Scope) -> MistakeGroup:
    """A group of the exercise, if the scope has work in it; NotFound otherwise."""
    group = session.get(MistakeGroup, group_id)
    if group is None or group.exercise_slug != slug:
        raise NotFound(f"no mistake group {group_id} of {slug}")
    if scope.assignment_ids is not None:
        e = _ENTRIES.c
        seen = session.scalar(
            select(e.submission_id)
            .where(e.group_id == group_id, e.assignment_id.in_(scope.assignment_ids))
            .limit(1)
        )
        if seen is None:
            raise NotFound(f"no mistake group {group_id} of {slug} in your course's work")
    return group


def read_hint(body: Any) -> dict[str, str]:
    """A hint from a request body: ``en`` (required) and ``zh`` (the English one if left out)."""
    if not isinstance(body, dict):
        raise Invalid('send {"en": "...", "zh": "..."}')
    hint = {}
    for lang in ("en", "zh"):
        value = body.get(lang)
        if value is None and lang == "zh":
            continue
        if not isinstance(value, str) or not value.strip():
            raise Invalid(f"{lang}: the hint's text, a non-empty string", lang)
        if len(value) > MAX_HINT:
            raise Invalid(f"{lang}: at most {MAX_HINT} characters", lang)
        hint[lang] = value.strip()
    hint.setdefault("zh", hint["en"])
    return hint


def set_hint(session: Session, group: MistakeGroup, hint: dict[str, str], actor: User, *, past: bool) -> int:
    """Give the group a hint: every submission graded into it from now on gets it, and with
    ``past`` those already in it too. Returns how many past submissions were given it."""
    group.hint_en, group.hint_zh = hint["en"], hint["zh"]
    group.hint_by, group.hint_at = actor.id, now()
    session.flush()
    return _apply(session, group.id, hint["en"], hint["zh"]) if past else 0


def clear_hint(session: Session, group: MistakeGroup, *, past: bool) -> int:
    """Take the group's hint away from what is graded from now on, and with ``past`` from the
    submissions already in it. Returns how many past submissions lost it."""
    group.hint_en = group.hint_zh = None
    group.hint_by, group.hint_at = None, None
    session.flush()
    return _apply(session, group.id, None, None) if past else 0


def _apply(session: Session, group_id: int, en: str | None, zh: str | None) -> int:
    e = _ENTRIES.c
    done = session.execute(update(_ENTRIES).where(e.group_id == group_id).values(hint_en=en, hint_zh=zh))
    return int(done.rowcount)  # type: ignore[attr-defined]


def hint_of(session: Session, submission_id: int) -> dict[str, str] | None:
    """The hint a submission was given for its group, or None."""
    entry = session.get(MistakeEntry, submission_id)
    return entry.hint if entry is not None else None
