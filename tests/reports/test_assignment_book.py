"""Reading an assignment's gradebook: sorting by any column, filtering, who needs help (pure
functions over a Book; no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from grader.reports.assignment_book import filter_rows, needs_help, sort_rows
from grader.reports.assignment_grades import Book, Grade, StudentRow

DUE = datetime(2027, 3, 5, 17, tzinfo=UTC)


def row(username: str, name: str, sum_axis: Grade, dot: Grade, days: int = 0) -> StudentRow:
    return StudentRow(
        username,
        name,
        f"{username}@example.org",
        None,
        {"sum": sum_axis, "dot": dot},
        DUE + timedelta(days=days),
    )


def book() -> Book:
    return Book(
        None,  # type: ignore[arg-type]  # only the rows and exercises are read here
        [("sum", 10.0), ("dot", 5.0)],
        [
            row("amy", "Amy Adams", Grade(5.0, late=True, attempts=2, failed=1), Grade(None)),
            row("ben", "ben brown", Grade(10.0, attempts=1), Grade(1.0, attempts=7, failed=7), days=2),
            row("cat", "Cat Chen", Grade(None), Grade(None)),
            row("dan", "Dan Dunn", Grade(10.0, attempts=6, failed=5), Grade(5.0, attempts=1)),
        ],
    )


def names(rows: list[StudentRow]) -> list[str]:
    return [r.username for r in rows]


def test_sorting_by_each_column_keeps_the_ungraded_last() -> None:
    found = book()
    assert names(sort_rows(found, "student", descending=True)) == ["dan", "cat", "ben", "amy"]
    assert names(sort_rows(found, "name")) == ["amy", "ben", "cat", "dan"]  # case does not matter
    assert names(sort_rows(found, "total", descending=True)) == ["dan", "ben", "amy", "cat"]
    assert names(sort_rows(found, "sum")) == ["amy", "ben", "dan", "cat"]  # ties by username
    assert names(sort_rows(found, "dot", descending=True)) == ["dan", "ben", "amy", "cat"]
    assert names(sort_rows(found, "due", descending=True))[0] == "ben"
    assert names(sort_rows(found, "nonsense")) == ["amy", "ben", "cat", "dan"]


def test_filtering_by_name_and_a_total_below_a_score() -> None:
    rows = sort_rows(book())
    assert names(filter_rows(rows, "BROWN")) == ["ben"]
    assert names(filter_rows(rows, "example.org")) == ["amy", "ben", "cat", "dan"]
    assert names(filter_rows(rows, below=12)) == ["amy", "ben", "cat"]
    assert names(filter_rows(rows, below=11)) == ["amy", "cat"]  # 11 is not below 11
    assert names(filter_rows(rows, "a", below=6)) == ["amy", "cat"]


def test_who_needs_help() -> None:
    found = needs_help(book(), below_share=0.5, failed_at=5)
    assert names(found.not_started) == ["cat"]
    assert names(found.below) == ["amy"]  # 5 of 15 points; cat has not started
    # dan failed 5 times on sum but solved it for full credit; ben has 7 failures on dot, unsolved.
    assert [(s.row.username, s.exercises, s.failed) for s in found.struggling] == [
        ("ben", {"dot": (7, 7)}, 7)
    ]
    assert names(needs_help(book(), below_share=0.8).below) == ["amy", "ben"]
