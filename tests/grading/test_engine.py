"""The grading pipeline end to end on a small test exercise: scores, messages, hints, flags."""

from __future__ import annotations

from grader.grading.engine import grade
from grader.grading.source_loader import load_text
from tests.exercises_for_tests import DOT
from worker.sandbox.client import Sandbox


def _grade(sandbox: Sandbox, source: str, lang: str = "en") -> dict:
    return grade(DOT, load_text(source), sandbox, seed=3).to_dict(lang)


def test_full_marks_are_exact(sandbox: Sandbox) -> None:
    report = _grade(sandbox, DOT.solution)
    assert report["status"] == "passed" and report["score"] == report["max_score"] == 10
    assert all(t["message"] == "passed" for t in report["tests"])


def test_a_known_mistake_gets_its_hint(sandbox: Sandbox) -> None:
    report = _grade(sandbox, DOT.mutants[0].source)
    assert report["status"] == "failed" and report["score"] == 0
    assert all("Hint: multiply" in t["message"] for t in report["tests"])
    zh = _grade(sandbox, DOT.mutants[0].source, "zh")
    assert all("提示：相乘" in t["message"] for t in zh["tests"])


def test_a_banned_call_scores_zero_without_a_misleading_hint(sandbox: Sandbox) -> None:
    report = _grade(sandbox, "import torch\n\ndef dot(a, b):\n    return torch.dot(a, b)\n")
    assert report["score"] == 0
    assert all(
        t["message"] == "used banned torch.dot (line 4); build it from simpler operations"
        for t in report["tests"]
    )
    assert {
        "kind": "banned",
        "name": "torch.dot",
        "file": "<submission>",
        "line": 4,
        "where": "line 4",
    } in report["flags"]


def test_partial_credit_per_case(sandbox: Sandbox) -> None:
    source = "def dot(a, b):\n    if a.numel() == 3:\n        return (a * b).sum()\n    return a.sum()\n"
    report = _grade(sandbox, source)
    passed = [t for t in report["tests"] if t["passed"]]
    assert len(passed) == 1 and 0 < report["score"] < 10
    assert abs(report["score"] - passed[0]["max_points"]) < 1e-9


def test_in_place_write_is_named(sandbox: Sandbox) -> None:
    report = _grade(sandbox, "def dot(a, b):\n    a.mul_(b)\n    return a.sum()\n")
    assert all("you changed the input `a` in place" in t["message"] for t in report["tests"])


def test_exception_message_and_line(sandbox: Sandbox) -> None:
    report = _grade(sandbox, "def dot(a, b):\n    x = 1\n    return a / 0 + undefined\n")
    assert report["tests"][0]["message"] == "raised NameError: name 'undefined' is not defined (line 3)"
    zh = _grade(sandbox, "def dot(a, b):\n    x = 1\n    return a / 0 + undefined\n", "zh")
    assert zh["tests"][0]["message"].startswith("抛出了 NameError") and "第 3 行" in zh["tests"][0]["message"]


def test_public_only_check(sandbox: Sandbox) -> None:
    report = grade(DOT, load_text(DOT.solution), sandbox, seed=None).to_dict()
    assert [t["visibility"] for t in report["tests"]] == ["public"]
