"""Reading an assignment's gradebook (``assignment_grades.book``) the way its staff do: rows
sorted by any column, filtered by name or by a total below a score, and who needs help."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from grader.reports.assignment_grades import Book, StudentRow

SORT_KEYS = ("student", "name", "total", "due")


def sort_rows(book: Book, sort: str = "student", descending: bool = False) -> list[StudentRow]:
    """The book's rows sorted by student (username), name, total, due date or an exercise's
    slug; students with nothing graded on that exercise come last either way; ties by username."""
    rows = sorted(book.students, key=lambda row: row.username)
    if sort == "student" or (sort not in SORT_KEYS and sort not in dict(book.exercises)):
        return rows[::-1] if descending else rows
    if sort == "name":
        return sorted(rows, key=lambda row: (row.name or row.username).casefold(), reverse=descending)
    if sort == "total":
        return sorted(rows, key=lambda row: row.total, reverse=descending)
    if sort == "due":
        return sorted(rows, key=lambda row: row.due_at, reverse=descending)
    scored = [row for row in rows if row.grades[sort].points is not None]
    scored.sort(key=lambda row: row.grades[sort].points or 0.0, reverse=descending)
    return scored + [row for row in rows if row.grades[sort].points is None]


def filter_rows(rows: Iterable[StudentRow], text: str = "", below: float | None = None) -> list[StudentRow]:
    """The rows whose username, name, email or student id contains ``text`` (any case), and
    whose total is below ``below`` when it is given."""
    needle = text.strip().casefold()
    kept = []
    for row in rows:
        words = " ".join(filter(None, (row.username, row.name, row.email, row.student_id))).casefold()
        if needle and needle not in words:
            continue
        if below is not None and not row.total < below:
            continue
        kept.append(row)
    return kept


@dataclass(frozen=True)
class Struggle:
    """A student with many failed attempts on some exercises they have not solved for full
    credit: ``exercises`` maps each such slug to (failed, attempts)."""

    row: StudentRow
    exercises: dict[str, tuple[int, int]]

    @property
    def failed(self) -> int:
        """The most failed attempts on one of those exercises."""
        return max(failed for failed, _ in self.exercises.values())


@dataclass
class Help:
    """Who needs help on an assignment, in three lists."""

    not_started: list[StudentRow] = field(default_factory=list)
    below: list[StudentRow] = field(default_factory=list)  # started, total under the threshold
    struggling: list[Struggle] = field(default_factory=list)


def needs_help(book: Book, below_share: float = 0.5, failed_at: int = 5) -> Help:
    """Students who have not submitted anything; who did, with a total under ``below_share`` of
    the assignment's points (lowest first); and who failed ``failed_at`` or more graded attempts
    on an exercise they have not solved for full credit (most failures first)."""
    worth = dict(book.exercises)
    found = Help()
    for row in book.students:
        if not row.started:
            found.not_started.append(row)
            continue
        if row.total < below_share * book.points:
            found.below.append(row)
        hard = {
            slug: (grade.failed, grade.attempts)
            for slug, grade in row.grades.items()
            if grade.failed >= failed_at and (grade.points or 0.0) < worth[slug] - 1e-9
        }
        if hard:
            found.struggling.append(Struggle(row, hard))
    found.below.sort(key=lambda row: (row.total, row.username))
    found.struggling.sort(key=lambda item: (-item.failed, item.row.username))
    return found
