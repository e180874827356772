"""Assignments and extensions: made and changed by the course's instructors (extensions by its
TAs too), read by its members, and checked when a student submits to one."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from grader.accounts import service as accounts
from grader.accounts.models import User
from grader.assignments.models import Assignment, AssignmentExercise, Extension
from grader.assignments.policy import (
    LateWindow,
    Timeline,
    check_timeline,
    parse_moment,
    windows_from_json,
    windows_to_json,
)
from grader.bank import catalog
from grader.courses import service as courses
from grader.courses.models import Course, CourseRole, Enrollment
from grader.courses.roster import read_csv
from grader.errors import Forbidden, Invalid, NotFound
from grader.times import aware

FIELDS = {"title", "exercises", "opens_at", "due_at", "late"}
MAX_EXERCISES = 100


def timeline(assignment: Assignment) -> Timeline:
    """The assignment's own credit timeline."""
    return Timeline(
        aware(assignment.opens_at),
        aware(assignment.due_at),
        windows_from_json(assignment.late),
    )


def timeline_for(session: Session, assignment: Assignment, user_id: int) -> Timeline:
    """The timeline a student's submissions are credited by: their extension's, if any."""
    extension = session.scalar(
        select(Extension).where(Extension.assignment_id == assignment.id, Extension.user_id == user_id)
    )
    return extended(timeline(assignment), extension)


def extended(base: Timeline, extension: Extension | None) -> Timeline:
    """``base`` moved to an extension's due date (and windows), or ``base`` without one."""
    if extension is None:
        return base
    own = windows_from_json(extension.late) if extension.late is not None else None
    return base.extended(aware(extension.due_at), own)


@dataclass(frozen=True)
class Fields:
    """The checked fields of an assignment's body (None: not given)."""

    title: str | None = None
    exercises: list[tuple[str, float]] | None = None
    opens_at: datetime | None = None
    opens_given: bool = False
    due_at: datetime | None = None
    late: tuple[LateWindow, ...] | None = None


def read_fields(session: Session, body: Any, *, partial: bool) -> Fields:
    """The fields of a create (all required but ``opens_at`` and ``late``) or a PATCH (any);
    Invalid naming the field that is wrong."""
    if not isinstance(body, dict):
        raise Invalid("send a JSON object with title, exercises, opens_at, due_at and late")
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        raise Invalid(
            f"unknown field {unknown[0]!r}: an assignment has {', '.join(sorted(FIELDS))}", unknown[0]
        )
    if not partial:
        for required in ("title", "exercises", "due_at"):
            if required not in body:
                raise Invalid(f"{required} is required", required)
    title = body.get("title")
    if "title" in body and (not isinstance(title, str) or not title.strip() or len(title) > 200):
        raise Invalid("title: 1 to 200 characters", "title")
    return Fields(
        title=title.strip() if isinstance(title, str) else None,
        exercises=_exercises(session, body["exercises"]) if "exercises" in body else None,
        opens_at=parse_moment(body["opens_at"], "opens_at") if body.get("opens_at") is not None else None,
        opens_given="opens_at" in body,
        due_at=parse_moment(body["due_at"], "due_at") if "due_at" in body else None,
        late=windows_from_json(body["late"]) if "late" in body else None,
    )


def _exercises(session: Session, raw: Any) -> list[tuple[str, float]]:
    if not isinstance(raw, list) or not raw:
        raise Invalid('exercises: a non-empty list of {"exercise": slug, "points": number}', "exercises")
    if len(raw) > MAX_EXERCISES:
        raise Invalid(f"exercises: at most {MAX_EXERCISES}", "exercises")
    chosen: list[tuple[str, float]] = []
    for index, item in enumerate(raw):
        where = f"exercises[{index}]"
        if not isinstance(item, dict) or set(item) - {"exercise", "points"}:
            raise Invalid(f'{where} must be {{"exercise": slug, "points": number}}', where)
        slug, points = item.get("exercise"), item.get("points")
        if not isinstance(slug, str):
            raise Invalid(
                f"{where}.exercise must be an exercise's slug, e.g. linalg.sum_axis", f"{where}.exercise"
            )
        try:
            catalog.visible_exercise(session, slug)  # a course folder's only once it is published
        except NotFound as exc:
            raise Invalid(f"{where}.exercise: {exc.message}", f"{where}.exercise") from None
        if any(slug == seen for seen, _ in chosen):
            raise Invalid(f"{where}.exercise: {slug} is in the assignment twice", f"{where}.exercise")
        if isinstance(points, bool) or not isinstance(points, int | float) or not 0 < points <= 10_000:
            raise Invalid(f"{where}.points must be a number above 0 (and at most 10000)", f"{where}.points")
        if not math.isfinite(points):
            raise Invalid(f"{where}.points must be finite", f"{where}.points")
        chosen.append((slug, float(points)))
    return chosen


def preview_timeline(session: Session, body: Any) -> Timeline:
    """The credit timeline an assignment body would have, checked as ``create_assignment``
    checks the body (Invalid naming the field); nothing is stored."""
    fields = read_fields(session, body, partial=False)
    assert fields.due_at is not None
    found = Timeline(fields.opens_at, fields.due_at, fields.late or ())
    check_timeline(found)
    return found


def create_assignment(session: Session, course: Course, body: Any) -> Assignment:
    """A new assignment of the course from an API body (see ``read_fields``)."""
    fields = read_fields(session, body, partial=False)
    assert fields.title is not None and fields.exercises is not None and fields.due_at is not None
    late = fields.late or ()
    check_timeline(Timeline(fields.opens_at, fields.due_at, late))
    assignment = Assignment(
        course_id=course.id,
        title=fields.title,
        opens_at=fields.opens_at,
        due_at=fields.due_at,
        late=windows_to_json(late),
    )
    assignment.exercises = _rows(fields.exercises)
    session.add(assignment)
    session.flush()
    return assignment


def update_assignment(session: Session, assignment: Assignment, body: Any) -> Assignment:
    """Change any of the fields; the dates are checked together as they will stand. Grades
    follow at once (they are computed when read)."""
    fields = read_fields(session, body, partial=True)
    current = timeline(assignment)
    opens_at = fields.opens_at if fields.opens_given else current.opens_at
    due_at = fields.due_at or current.due_at
    late = fields.late if fields.late is not None else current.late
    check_timeline(Timeline(opens_at, due_at, late))
    if fields.title is not None:
        assignment.title = fields.title
    if fields.exercises is not None:
        assignment.exercises = _rows(
            fields.exercises, {row.exercise_slug: row for row in assignment.exercises}
        )
    assignment.opens_at, assignment.due_at, assignment.late = opens_at, due_at, windows_to_json(late)
    session.flush()
    return assignment


def _rows(
    chosen: list[tuple[str, float]], existing: dict[str, AssignmentExercise] | None = None
) -> list[AssignmentExercise]:
    """The rows of the chosen exercises; an exercise the assignment has already keeps its row
    (a new row beside the old one, before the old one is deleted, would break their unique
    constraint)."""
    rows = []
    for position, (slug, points) in enumerate(chosen):
        row = (existing or {}).get(slug) or AssignmentExercise(exercise_slug=slug)
        row.points, row.position = points, position
        rows.append(row)
    return rows


def course_assignments(session: Session, course: Course) -> list[Assignment]:
    """The course's assignments by due date."""
    return list(
        session.scalars(
            select(Assignment)
            .options(selectinload(Assignment.exercises))
            .where(Assignment.course_id == course.id)
            .order_by(Assignment.due_at, Assignment.id)
        )
    )


@dataclass(frozen=True)
class Access:
    """An assignment as one member of its course may use it."""

    assignment: Assignment
    membership: courses.Membership


def assignment_for(session: Session, user: User, assignment_id: int, need: str = "member") -> Access:
    """The assignment if the user is in its course with what ``need`` asks (see
    ``courses.course_for``): NotFound for others, as for an assignment that does not exist."""
    assignment = session.get(Assignment, assignment_id)
    role = courses.role_in(session, assignment.course, user) if assignment is not None else None
    if assignment is None or role is None:
        raise NotFound(f"no assignment {assignment_id} (or you are not in its course)")
    membership = courses.Membership(assignment.course, role)
    courses.check_role(membership, need)
    return Access(assignment, membership)


def grant_extension(
    session: Session, assignment: Assignment, username: str, body: Any, actor: User | None
) -> Extension:
    """Give a student of the course their own due date (and optionally windows), or change it."""
    if not isinstance(body, dict) or "due_at" not in body or set(body) - {"due_at", "late"}:
        raise Invalid('send {"due_at": ISO 8601 with offset, "late": [...] (optional)}', "due_at")
    due_at = parse_moment(body["due_at"], "due_at")
    late = windows_from_json(body["late"]) if body.get("late") is not None else None
    student = _student(session, assignment.course, username)
    check_timeline(timeline(assignment).extended(due_at, late))
    extension = session.scalar(
        select(Extension).where(Extension.assignment_id == assignment.id, Extension.user_id == student.id)
    )
    if extension is None:
        extension = Extension(assignment_id=assignment.id, user_id=student.id, due_at=due_at)
        session.add(extension)
    extension.due_at = due_at
    extension.late = windows_to_json(late) if late is not None else None
    extension.granted_by = actor.id if actor is not None else None
    session.flush()
    return extension


def _student(session: Session, course: Course, username: str) -> User:
    user = accounts.find_user(session, username) if username else None
    enrolled = user is not None and session.scalar(
        select(Enrollment.id).where(
            Enrollment.course_id == course.id,
            Enrollment.user_id == user.id,
            Enrollment.role == CourseRole.student,
            Enrollment.dropped_at.is_(None),
        )
    )
    if user is None or not enrolled:
        raise NotFound(f"{username!r} is not a student of {course.code}")
    return user


def remove_extension(session: Session, assignment: Assignment, username: str) -> None:
    """Take a student's extension back: the assignment's dates apply to them again."""
    user = accounts.find_user(session, username)
    extension = session.scalar(
        select(Extension).where(Extension.assignment_id == assignment.id, Extension.user_id == user.id)
    )
    if extension is None:
        raise NotFound(f"{username} has no extension on assignment {assignment.id}")
    session.delete(extension)


def extensions(session: Session, assignment: Assignment) -> list[tuple[str, Extension]]:
    """The assignment's extensions, by username."""
    rows = session.execute(
        select(User.username, Extension)
        .join(Extension, Extension.user_id == User.id)
        .where(Extension.assignment_id == assignment.id)
        .order_by(User.username)
    ).all()
    return [(username, extension) for username, extension in rows]


def import_extensions(
    session: Session, assignment: Assignment, text: str, actor: User | None
) -> dict[str, Any]:
    """Grant extensions from a CSV ``username,due_at`` (ISO 8601 with an offset): each bad line
    reported with its number and why, the others granted."""
    reader = read_csv(text, "username,due_at")
    header = list(reader.fieldnames or [])
    if sorted(header) != ["due_at", "username"]:
        raise Invalid("line 1: the header must be username,due_at")
    granted, unchanged, errors = 0, 0, []
    before = {username: aware(extension.due_at) for username, extension in extensions(session, assignment)}
    for row in reader:
        line = reader.line_num
        username, due = (row.get("username") or "").strip(), (row.get("due_at") or "").strip()
        if not username and not due:
            continue
        try:
            extension = grant_extension(session, assignment, username, {"due_at": due}, actor)
            if before.get(username) == aware(extension.due_at):
                unchanged += 1
            else:
                granted += 1
        except (Invalid, NotFound) as exc:
            errors.append({"line": line, "message": exc.message})
    return {"granted": granted, "unchanged": unchanged, "errors": errors}


def check_submission(
    session: Session, user: User, assignment_id: int, slug: str, moment: datetime
) -> Assignment:
    """The assignment a submission goes to, if the user may submit that exercise to it now:
    enrolled in its course, the exercise one of its, the assignment open (before that, a
    Forbidden saying when it opens). After the last late window it still takes submissions, for
    practice (credit 0)."""
    access = assignment_for(session, user, assignment_id)
    assignment = access.assignment
    if slug not in {row.exercise_slug for row in assignment.exercises}:
        raise Invalid(
            f"{slug} is not an exercise of assignment {assignment_id} ({assignment.title})", "exercise"
        )
    own = timeline_for(session, assignment, user.id)
    if not own.is_open(moment) and not access.membership.staff:
        assert own.opens_at is not None
        zone = assignment.course.timezone
        opens = own.opens_at.astimezone(ZoneInfo(zone))
        raise Forbidden(
            f"assignment {assignment.title!r} opens at {opens:%Y-%m-%d %H:%M} ({zone}); "
            "until then you can practise the exercise outside the assignment"
        )
    return assignment


@dataclass(frozen=True)
class Assigned:
    """An exercise opened from an assignment: the assignment as the user may use it, and the
    user's own timeline of it (their extension's dates, if any)."""

    access: Access
    timeline: Timeline


def assigned_exercise(session: Session, user: User, assignment_id: int, slug: str) -> Assigned:
    """The assignment an exercise page was opened from, if the user is in its course and the
    exercise is one of its (NotFound otherwise); open or not, it says when it is."""
    access = assignment_for(session, user, assignment_id)
    if slug not in {row.exercise_slug for row in access.assignment.exercises}:
        raise NotFound(f"{slug} is not an exercise of assignment {assignment_id}")
    return Assigned(access, timeline_for(session, access.assignment, user.id))
