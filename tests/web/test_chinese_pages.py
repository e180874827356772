"""Chinese pages in Chinese: no "(10 分值)", unit headings and case names in Chinese, no English
word left among those that used to be; and English pages say "1 student", not "1 students"."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

from grader.bank import get_exercise, load_bank, unit_title
from grader.models import Role
from grader.settings import Settings
from grader.web.ui_text import translate
from tests.web.conftest import embedded_only, grade_now, make_user, page_token, sign_in
from worker.sandbox.client import Sandbox

SLUG = "linalg.sum_axis"
WRONG = "import inspect\n\ndef sum_axis(x, axis, keepdim=False):\n    return x.sum(dim=axis)\n"
# Words that were left in English on the Chinese pages: units, the score's unit, plurals, the
# result table's words, and the words of the exercise's case names (the names' code, such as
# `axis 0` or `keepdim`, stays as written).
CODE_WORDS = {"axis", "keepdim", "dim", "float64", "x"}
LEFTOVERS = (
    {"point", "points", "student", "students", "submission", "submissions", "exercises", "cases"}
    | {"passed", "failed", "public", "hidden", "banned", "introspection", "line"}
    | {unit for unit in {e.unit for e in load_bank().values()}}
    | {
        word
        for case in get_exercise(SLUG).cases(seed=1)
        for word in re.findall(r"\b[A-Za-z][A-Za-z0-9_-]+", case.name)
        if word not in CODE_WORDS
    }
)


class _VisibleText(HTMLParser):
    """The text a reader sees, without code (slugs, identifiers, the student's source)."""

    HIDDEN = frozenset({"code", "pre", "script", "style", "textarea", "title"})

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.depth += tag in self.HIDDEN

    def handle_endtag(self, tag: str) -> None:
        self.depth -= tag in self.HIDDEN

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.parts.append(data)


def english_left(page: str) -> set[str]:
    """The LEFTOVERS words that a page still shows."""
    reader = _VisibleText()
    reader.feed(page)
    words = set(re.findall(r"\b[A-Za-z][A-Za-z0-9_-]+", " ".join(reader.parts)))
    return {word for word in words if word.lower() in LEFTOVERS}


@pytest.fixture
def graded(service_settings: Settings, client: FlaskClient, sandbox: Sandbox) -> dict[str, int]:
    """A student's wrong answer to sum_axis, graded (with a flag: it imports inspect)."""
    make_user(service_settings, "mei")
    make_user(service_settings, "prof", Role.instructor)
    sign_in(client, "mei")
    token = page_token(client, f"/exercises/{SLUG}")
    sent = client.post(
        f"/exercises/{SLUG}/submit",
        data={"code": WRONG, "csrf_token": token},
        headers={"Accept": "application/json"},
    )
    number = sent.get_json()["id"]
    grade_now(service_settings, number, sandbox)
    return {"id": number}


@embedded_only
def test_the_portal_and_the_dashboard_in_chinese_leave_no_english(
    service_settings: Settings, client: FlaskClient, graded: dict[str, int]
) -> None:
    client.set_cookie("lang", "zh")
    number = graded["id"]
    pages = {}
    for path in [
        "/exercises",
        f"/exercises/{SLUG}",
        f"/submissions/{number}",
        f"/submissions/{number}/result",
        f"/exercises/{SLUG}/history",
    ]:
        pages[path] = client.get(path).get_data(as_text=True)
        assert english_left(pages[path]) == set(), path
    assert '<h2 id="unit-linalg">线性代数</h2>' in pages["/exercises"]
    exercise = pages[f"/exercises/{SLUG}"]
    assert "(10 分)" in exercise and "分值)" not in exercise
    assert "2x3 矩阵的各行（axis 0）" in exercise  # a public example's name
    submission = pages[f"/submissions/{number}"]
    assert "按列求和，keepdim" in submission and "float64 输入" in submission

    sign_in(client, "prof")
    client.set_cookie("lang", "zh")
    for path in [
        "/dashboard/",
        f"/dashboard/exercises/{SLUG}",
        "/dashboard/gradebook",
        "/dashboard/students/mei",
        f"/dashboard/submissions/{number}",
    ]:
        page = client.get(path).get_data(as_text=True)
        assert english_left(page) == set(), path
    stats = client.get(f"/dashboard/exercises/{SLUG}").get_data(as_text=True)
    assert "1 名学生的 1 次已评分提交" in stats and "› 线性代数" in stats
    assert "按列求和，keepdim" in stats and "是不是漏了 keepdim" in stats  # failing cases, in Chinese


@embedded_only
def test_english_counts_agree_with_their_nouns(client: FlaskClient, graded: dict[str, int]) -> None:
    sign_in(client, "prof")
    stats = client.get(f"/dashboard/exercises/{SLUG}").get_data(as_text=True)
    assert "1 graded submission from 1 student, 0 at full marks" in stats
    assert "Grades the 1 submission of this exercise again" in stats
    assert "I understand: 1 submission is graded again and its score may change" in stats
    assert "1 students" not in stats and "1 submissions" not in stats
    assert '<p class="meta">1 submission ·' in client.get("/dashboard/students/mei").get_data(as_text=True)
    page = client.get(f"/exercises/{SLUG}").get_data(as_text=True)
    assert "(10 points)" in page and "› Linear algebra" in page


def test_plurals_and_units() -> None:
    assert translate("cases_passed", "en", n=1, total=1) == "1 of 1 case passed"
    assert translate("cases_passed", "en", n=2, total=14) == "2 of 14 cases passed"
    assert translate("n_points", "en", n="1") == "1 point"
    assert translate("n_points", "en", n="0.5") == "0.5 points"
    assert translate("n_points", "zh", n="10") == "10 分"
    assert translate("retry_in", "en", s=1) == "Try again in 1 second."
    assert translate("d.gradebook_note", "zh", students=1, exercises=2).startswith("1 名学生 × 2 道练习")
    assert unit_title("linalg", "zh") == "线性代数" and unit_title("linalg", "en") == "Linear algebra"
    assert unit_title("no-such-unit", "zh") == "no-such-unit"
