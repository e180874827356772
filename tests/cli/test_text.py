"""One terminal formatter: ``grader submit`` prints a submission the API returns exactly as
``grader grade`` prints the same report (layout, rounding, per-case lines and messages)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from grader.bank.loader import get_exercise
from grader.cli.client import as_result, submission_text
from grader.cli.text import report_text
from grader.grading.engine import grade
from grader.grading.report import Report
from grader.grading.source_loader import load_text
from worker.sandbox.client import Sandbox

SUM_AXIS = get_exercise("linalg.sum_axis")
WRONG = "def sum_axis(x, axis, keepdim=False):\n    print('partial')\n    return x.sum(dim=axis)\n"


def as_the_api_returns_it(report: Report, lang: str) -> dict[str, Any]:
    """What GET /api/v1/submissions/<id> answers for this report (present() in the service)."""
    data = report.to_dict(lang)
    del data["hidden_output_bytes"]
    return {
        **data,
        "id": 7,
        "status": "graded",
        "score": report.score,  # stored unrounded
        "max_score": report.max_score,
        "student": "demo",
        "attempts": 1,
        "created_at": "2026-01-01T00:00:00.000000+00:00",
        "graded_at": "2026-01-01T00:00:01.000000+00:00",
        "error": None,
    }


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_submit_prints_what_grade_prints(sandbox: Sandbox, lang: str) -> None:
    report = grade(SUM_AXIS, load_text(WRONG), sandbox, seed=5)
    report.hidden_output_bytes = 0  # the one thing the API does not show
    printed = submission_text(as_the_api_returns_it(report, lang), lang)
    assert printed == report_text(report, lang)
    lines = printed.splitlines()
    assert lines[0].startswith("linalg.sum_axis: ") and lines[0].endswith(" / 10  (failed)")
    assert "0.7142857" not in printed  # rounded as grade rounds it
    failed = [line for line in lines if line.startswith("  FAIL ")]
    assert len(failed) == sum(1 for t in report.tests if not t.passed) > 0
    assert all(line.endswith(f"/{report.tests[0].max_points:.2g})") for line in failed)
    assert ("keepdim" in printed) and ("| partial" in printed)
    if lang == "zh":  # case names in the reader's language, as on the pages
        assert "[公开] 按列求和，keepdim" in printed


def test_an_invalid_or_failed_grading_says_so() -> None:
    base = {"exercise": "linalg.sum_axis", "score": 0.0, "max_score": 10.0, "tests": []}
    invalid = {**base, "status": "graded", "message": "SyntaxError: invalid syntax (line 2)"}
    assert as_result(invalid)["status"] == "invalid"
    assert submission_text(invalid).splitlines() == [
        "linalg.sum_axis: 0 / 10  (invalid)",
        "  SyntaxError: invalid syntax (line 2)",
    ]
    fault = {**base, "status": "error", "score": None, "message": None, "error": "the grader failed"}
    assert submission_text(fault).splitlines() == ["linalg.sum_axis: – / 10  (error)", "  the grader failed"]


def test_the_submit_client_starts_without_torch() -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, grader.cli, grader.cli.client; print('torch' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "False"
