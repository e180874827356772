"""The command line, end to end through the real sandbox: grading, self-check, bank, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner, Result

from grader.cli import main

PG_ADMIN = "host=127.0.0.1 user=postgres dbname=postgres"

SOLUTION = (
    "import torch\n\ndef sum_axis(x, axis, keepdim=False):\n    return x.sum(dim=axis, keepdim=keepdim)\n"
)
REPORT_KEYS = {"exercise", "status", "score", "max_score", "tests", "flags", "output"}
TEST_KEYS = {"name", "visibility", "passed", "points", "max_points", "message"}


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _grade_json(path: Path, *extra: str) -> tuple[int, dict]:
    result = _invoke("grade", str(path), "--exercise", "linalg.sum_axis", "--json", *extra)
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.output)


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content)
    else:
        path.write_bytes(content)
    return path


def test_grade_json_shape_and_full_marks(tmp_path: Path) -> None:
    code, report = _grade_json(_write(tmp_path, "a.py", SOLUTION), "--seed", "4")
    assert code == 0
    assert set(report) >= REPORT_KEYS and report["status"] == "passed"
    assert report["score"] == report["max_score"] == 10
    assert all(set(t) >= TEST_KEYS for t in report["tests"])
    assert {t["visibility"] for t in report["tests"]} == {"public", "hidden"}


def test_wrong_answer_gets_feedback_in_chinese(tmp_path: Path) -> None:
    wrong = "def sum_axis(x, axis, keepdim=False):\n    return x.sum(dim=axis)\n"
    code, report = _grade_json(_write(tmp_path, "a.py", wrong), "--seed", "4", "--lang", "zh")
    assert code == 1 and report["status"] == "failed" and 0 < report["score"] < 10
    failed = [t for t in report["tests"] if not t["passed"]]
    # The diagnosis names the cause in Chinese: the shape is wrong because keepdim was dropped.
    assert failed and all("是不是漏了 keepdim" in t["message"] for t in failed)


def test_check_runs_public_examples_only(tmp_path: Path) -> None:
    result = _invoke(
        "check", str(_write(tmp_path, "a.py", SOLUTION)), "--exercise", "linalg.sum_axis", "--json"
    )
    report = json.loads(result.output)
    assert result.exit_code == 0 and {t["visibility"] for t in report["tests"]} == {"public"}


def test_text_report(tmp_path: Path) -> None:
    result = _invoke(
        "grade",
        str(_write(tmp_path, "a.py", SOLUTION)),
        "--exercise",
        "linalg.sum_axis",
        "--seed",
        "1",
    )
    assert result.output.startswith("linalg.sum_axis: 10 / 10  (passed)")
    assert "PASS [hidden]" in result.output


def test_notebook_with_print_and_plot_cells(tmp_path: Path) -> None:
    cells = [
        "%matplotlib inline\nimport matplotlib.pyplot as plt",
        SOLUTION,
        "print(sum_axis(__import__('torch').ones(2, 2), 0))",
        "plt.plot([1, 2, 3])",
    ]
    notebook = {
        "cells": [{"cell_type": "code", "source": c, "metadata": {}, "outputs": []} for c in cells],
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
    }
    code, report = _grade_json(_write(tmp_path, "hw.ipynb", json.dumps(notebook)), "--seed", "2")
    assert code == 0 and report["status"] == "passed", report
    assert "tensor([2., 2.])" in report["output"]
    assert any(f["kind"] == "cell_error" for f in report["flags"])


BAD_INPUT = [
    (
        "syntax.py",
        "def sum_axis(x, axis, keepdim=False):\n    return x.sum(dim=axis\n",
        ["syntax error", "line 2"],
    ),
    (
        "missing.py",
        "def total(x, axis, keepdim=False):\n    return x\n",
        ["`sum_axis` is not defined", "def sum_axis(x: Tensor"],
    ),
    ("signature.py", "def sum_axis(x):\n    return x\n", ["takes 1 positional parameter(s)"]),
    (
        "import.py",
        "import tensorflow\n\ndef sum_axis(x, axis, keepdim=False):\n    return x\n",
        ["failed while loading (line 1)", "ModuleNotFoundError"],
    ),
    (
        "crash.py",
        "raise RuntimeError('boom')\ndef sum_axis(x, axis, keepdim=False):\n    return x\n",
        ["RuntimeError: boom"],
    ),
    ("latin1.py", "x = 'é'\n".encode("latin-1"), ["not UTF-8"]),
    ("nul.py", b"def sum_axis(x, axis):\x00\n", ["NUL bytes"]),
    ("huge.py", "# " + "x" * (300 * 1024), ["limit is 256 KiB"]),
    ("broken.ipynb", '{"cells": [', ["notebook is not valid JSON"]),
    ("notes.txt", "def sum_axis(x, axis): pass", [".py file or a .ipynb notebook"]),
]


@pytest.mark.parametrize("name, content, words", BAD_INPUT, ids=[b[0] for b in BAD_INPUT])
def test_bad_input_is_a_clear_zero(tmp_path: Path, name: str, content: str | bytes, words: list[str]) -> None:
    code, report = _grade_json(_write(tmp_path, name, content), "--seed", "1")
    assert code == 1
    assert report["status"] == "invalid" and report["score"] == 0
    for word in words:
        assert word in report["message"], report["message"]


def test_unknown_exercise_suggests_the_slug(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["grade", str(_write(tmp_path, "a.py", SOLUTION)), "--exercise", "sum_axis"]
    )
    assert result.exit_code == 2 and "did you mean linalg.sum_axis?" in result.output


def test_exercises_list_show_and_validate() -> None:
    listing = json.loads(_invoke("exercises", "list", "--json").output)
    assert any(e["slug"] == "linalg.sum_axis" and e["unit"] == "linalg" for e in listing)
    shown = _invoke("exercises", "show", "linalg.sum_axis", "--lang", "zh").output
    assert (
        "沿某一维求和" in shown
        and "sum_axis([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]], 0) -> [3.0, 5.0, 7.0]" in shown
    )
    validated = _invoke("exercises", "validate", "linalg.sum_axis", "--seeds", "2")
    assert validated.exit_code == 0 and "ok   linalg.sum_axis" in validated.output


def test_console_script_and_sandbox_report() -> None:
    script = Path(sys.executable).with_name("grader")
    result = subprocess.run([str(script), "sandbox"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    assert "MISSING" not in result.stdout and "active  seccomp" in result.stdout


def test_service_commands_start_without_torch() -> None:
    """Importing torch takes over a second: `grader users`, `tokens`, `db` and `submit` (the
    students' client) must not pay it. Only the grading commands import the engine."""
    heavy = ("torch", "numpy", "grader.bank.loader", "worker.sandbox.wire")
    probe = (
        "import sys; import grader.cli, grader.cli.client, grader.cli.service; "
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.fixture
def empty_postgres() -> Iterator[str]:
    """A new PostgreSQL database with no tables; dropped at the end."""
    name = f"tg_empty_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://postgres:hunter2@127.0.0.1/{name}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize(
    ("database", "reason"),
    [
        ("sqlite, not migrated", "no such table"),
        ("postgresql, not migrated", "does not exist"),
        ("postgresql, not reachable", "connection"),
    ],
)
def test_an_unusable_database_is_one_clear_line(
    tmp_path: Path, request: pytest.FixtureRequest, database: str, reason: str
) -> None:
    database_url = {
        "sqlite, not migrated": lambda: f"sqlite:///{tmp_path}/new.db",
        "postgresql, not migrated": lambda: request.getfixturevalue("empty_postgres"),
        "postgresql, not reachable": lambda: "postgresql+psycopg://postgres:hunter2@127.0.0.1:1/grader",
    }[database]()
    env = {"GRADER_INSTANCE_DIR": str(tmp_path), "GRADER_DATABASE_URL": database_url}
    for command in (["users", "create", "mei"], ["tokens", "create", "mei"], ["exercises", "sync"]):
        result = CliRunner().invoke(main, command, env=env, catch_exceptions=False)
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        assert reason in result.output and "grader db upgrade" in result.output
        assert "hunter2" not in result.output  # the URL is shown without its password
    if database == "postgresql, not reachable":
        result = CliRunner().invoke(main, ["db", "upgrade"], env=env, catch_exceptions=False)
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        assert reason in result.output and "hunter2" not in result.output
