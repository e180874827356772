"""The counterexample shown when only hidden cases fail: new values, found within its cap."""

from __future__ import annotations

import time
from typing import Any

import pytest
import torch

from grader.bank.catalog import find_exercise
from grader.cli.text import report_text
from grader.grading import counterexample
from grader.grading.compare import format_value
from tests.grading.feedback_answers import graded
from worker.sandbox.client import Sandbox
from worker.sandbox.contract import RunResult

# Each passes the public cases and fails a hidden edge case.
MATVEC_STACK = """
import torch

def matvec(A, x):
    return torch.stack([(A[i] * x).sum() for i in range(A.shape[0])])
"""

BROADCAST_MAX = """
def broadcast_shape(a, b):
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    out = []
    for x, y in zip(a, b):
        if x == 1 or y == 1 or x == y:
            out.append(max(x, y))
        else:
            raise ValueError("cannot broadcast")
    return tuple(out)
"""

CUMSUM_NARROW = """
import torch

def cumsum_axis(x, axis):
    parts = [x.narrow(axis, 0, 1)]
    for i in range(1, x.shape[axis]):
        parts.append(parts[-1] + x.narrow(axis, i, 1))
    return torch.cat(parts, dim=axis)
"""

EXAMPLES = [
    ("linalg.matvec", MATVEC_STACK, "no rows (m = 0)", "raised RuntimeError: stack expects a non-empty"),
    ("tensors.broadcast_shape", BROADCAST_MAX, "a size-0 dimension against 1", "("),
    ("linalg.cumsum_axis", CUMSUM_NARROW, "an empty dimension along the axis", "raised RuntimeError"),
]


def _texts(value: Any) -> set[str]:
    """Every way a hidden input could be shown: the whole value and each part of it."""
    found = {format_value(value), counterexample._text(value)}
    if isinstance(value, (list, tuple)):
        for item in value:
            found |= _texts(item)
    return found


@pytest.mark.parametrize(("slug", "source", "case", "actual"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_a_hidden_failure_gets_a_new_public_counterexample(
    sandbox: Sandbox, slug: str, source: str, case: str, actual: str
) -> None:
    report = graded(slug, source, sandbox)
    assert all(t.passed for t in report.tests if t.visibility == "public")
    found = report.to_dict("en")["counterexample"]
    assert found is not None and found["case"] == case
    assert found["actual"].startswith(actual) and found["expected"] != found["actual"]
    assert [arg["name"] for arg in found["input"]] == find_exercise(slug).parameter_names()
    hidden = next(c for c in find_exercise(slug).cases(5) if c.name == case)
    shown = {arg["value"] for arg in found["input"]}
    assert shown != {counterexample._text(a) for a in hidden.args}  # not the hidden case itself
    tensors = [a for a in hidden.args if isinstance(a, torch.Tensor) and a.numel()]
    assert not shown & set().union(*(_texts(t) for t in tensors)) if tensors else True
    zh = report.to_dict("zh")["counterexample"]
    assert zh is not None and zh["input"] == found["input"]
    assert "Counterexample" in report_text(report, "en") and "反例" in report_text(report, "zh")


def test_broadcast_counterexample_shows_the_rule(sandbox: Sandbox) -> None:
    found = graded("tensors.broadcast_shape", BROADCAST_MAX, sandbox).to_dict("en")["counterexample"]
    assert found is not None
    assert found["input"][1]["value"] == "(1,)" and found["input"][0]["value"] != "(2, 0)"
    assert found["expected"].endswith(", 0)") and found["actual"].endswith(", 1)")


def test_no_counterexample_when_a_public_case_fails(sandbox: Sandbox) -> None:
    report = graded("linalg.matvec", "def matvec(A, x):\n    return (A * x).sum(dim=0)\n", sandbox)
    assert report.to_dict("en")["counterexample"] is None


def test_no_counterexample_for_a_right_answer(sandbox: Sandbox) -> None:
    report = graded("linalg.matvec", find_exercise("linalg.matvec").solution, sandbox)
    assert report.status == "passed" and report.counterexample is None


class _Recording:
    """A runner that records each run's limits and hands the run to the real sandbox."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.runs: list[dict[str, Any]] = []

    def run(self, cells: Any, function: str, cases: list[Any], **options: Any) -> RunResult:
        self.runs.append({"cases": len(cases), **options})
        return self.sandbox.run(cells, function, cases, **options)


def test_the_search_is_one_capped_run(sandbox: Sandbox) -> None:
    runner = _Recording(sandbox)
    report = graded("linalg.matvec", MATVEC_STACK, runner)
    assert report.counterexample is not None
    assert len(runner.runs) == 2  # the grading, then the search
    search = runner.runs[1]
    assert search["submission_wall_seconds"] == counterexample.WALL_SECONDS
    assert search["hidden_from"] == 0 and search["cases"] <= counterexample.MAX_CANDIDATES


def test_a_search_that_runs_out_of_time_shows_nothing(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Fails the hidden "no rows" case (4 columns) and hangs on the smaller inputs the search tries.
    source = MATVEC_STACK + (
        "\nimport time\n_stack = matvec\n\ndef matvec(A, x):\n"
        "    if A.shape[0] == 0 and A.shape[1] < 4:\n        time.sleep(30)\n    return _stack(A, x)\n"
    )
    monkeypatch.setattr(counterexample, "WALL_SECONDS", 0.5)
    started = time.monotonic()
    report = graded("linalg.matvec", source, sandbox)
    assert [t.name for t in report.tests if not t.passed] == ["no rows (m = 0)"]
    assert report.counterexample is None
    assert time.monotonic() - started < 10  # the hanging candidate was stopped at the cap


def test_a_failing_search_leaves_the_grading_whole(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any) -> list[Any]:
        raise RuntimeError("cannot shrink")

    monkeypatch.setattr(counterexample, "_candidates", broken)
    report = graded("linalg.matvec", MATVEC_STACK, sandbox)
    assert report.status == "failed" and report.counterexample is None
    assert [t.name for t in report.tests if not t.passed] == ["no rows (m = 0)"]


def test_the_hidden_values_never_reach_the_counterexample(sandbox: Sandbox) -> None:
    import json

    from grader.grading.engine import grade
    from grader.grading.source_loader import load_text
    from tests.exercises_for_tests import DOT, HIDDEN_MARK

    # Wrong on even lengths only: the public (3) and random (5) cases pass, "marked" (4, filled
    # with HIDDEN_MARK) fails; its new draw is the same fixed values, so only shrunk ones remain.
    source = "def dot(a, b):\n    return (a * b).sum() + (1.0 if a.numel() % 2 == 0 else 0.0)\n"
    report = grade(DOT, load_text(source), sandbox, seed=3)
    assert [t.name for t in report.tests if not t.passed] == ["marked"]
    for lang in ("en", "zh"):
        shown = report.to_dict(lang)["counterexample"]
        assert shown is not None and shown["case"] == "marked"
        assert str(int(HIDDEN_MARK)) not in json.dumps(shown, ensure_ascii=False)
        assert all(len(arg["value"]) < 40 for arg in shown["input"])  # small, readable inputs
