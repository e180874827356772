"""Authoring in a course folder of one's own, from the command line: `grader exercises new`
writes a skeleton that loads and says what to fill in, and validates once filled as it
suggests; `validate` says precisely what failed; `adequacy` measures the cases and records it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from grader.bank.folders import configure
from grader.cli import main
from tests.course_folders import write_exercise


@pytest.fixture(autouse=True)
def _unconfigured() -> Iterator[None]:
    yield
    configure([])  # the commands configure the bank of this process: undo it


def _grader(folder: Path, *args: str) -> Result:
    return CliRunner().invoke(
        main, list(args), env={"GRADER_EXERCISE_PATH": str(folder)}, catch_exceptions=False
    )


# What the skeleton suggests, done: `row_means(x)`, the mean of each row.
TODO = "TODO(author)"
FILLED = [
    (
        f'"""course.row_means: {TODO} one line on what the exercise asks."""',
        '"""course.row_means: row means."""',
    ),
    (
        f"    # {TODO} compute the answer, e.g. `return x.sum(dim=0)`.\n"
        f'    raise NotImplementedError("{TODO} the reference")',
        "    return x.mean(dim=1)",
    ),
    (
        f"    # {TODO} the model answer, e.g. `return x.sum(dim=0)` written without banned APIs.\n"
        "    raise NotImplementedError",
        "    return x.sum(dim=1) / x.shape[1]",
    ),
    (f'text("{TODO} the title", "{TODO} 标题")', 'text("Row means", "行均值")'),
    (
        f'"""{TODO} what to compute, a small worked example with numbers, and the rules\n'
        '(what is not allowed, do not change the inputs, the dtype to return)."""',
        '"""Return the mean of each row of `x`: for [[1, 2], [3, 4]], [1.5, 3.5]."""',
    ),
    (
        f'"""{TODO} 用中文写同样的题目说明：计算什么、带数字的小例子、规则。"""',
        '"""返回 `x` 每一行的均值：[[1, 2], [3, 4]] 的结果是 [1.5, 3.5]。"""',
    ),
]
MUTANTS = """MUTANTS = [
    Mutant(
        "column means",
        "def row_means(x):\\n    return x.mean(dim=0)\\n",
        text("Rows run across: dim 1.", "行是横向的：第 1 维。"),
    ),
    Mutant(
        "keeps the dimension",
        "def row_means(x):\\n    return x.mean(dim=1, keepdim=True)\\n",
        text("One number per row.", "每行一个数。"),
    ),
    Mutant(
        "sums",
        "def row_means(x):\\n    return x.sum(dim=1)\\n",
        text("Divide by the row's length.", "除以行的长度。"),
    ),
]
"""


def _fill(module: Path) -> None:
    text = module.read_text()
    for old, new in FILLED:
        assert old in text, f"the skeleton no longer has: {old}"
        text = text.replace(old, new)
    text, count = re.subn(r"MUTANTS = \[\n.*?\n\]\n", lambda _: MUTANTS, text, flags=re.S)
    assert count == 1
    module.write_text(text)


def test_new_writes_a_skeleton_that_loads_and_says_what_to_fill_in(tmp_path: Path) -> None:
    made = _grader(tmp_path, "exercises", "new", "course.row_means", "--path", str(tmp_path))
    assert made.exit_code == 0, made.output
    module = tmp_path / "course" / "row_means.py"
    assert f"wrote {module}" in made.output and (tmp_path / "course" / "__init__.py").exists()
    assert (tmp_path / "_case_names.py").exists() and "not on GRADER_EXERCISE_PATH" not in made.output
    listed = json.loads(_grader(tmp_path, "exercises", "list", "--json").stdout)
    mine = [row for row in listed if row["slug"] == "course.row_means"]
    assert mine and mine[0]["source"] == str(tmp_path) and mine[0]["title"] == "TODO(author) the title"
    checked = _grader(tmp_path, "exercises", "validate", "course.row_means", "--seeds", "1")
    assert checked.exit_code == 1
    todo = next(line for line in checked.output.splitlines() if "still to fill in" in line)
    for part in (
        "the title",
        "the statement",
        "the solution",
        "mutant 1",
        "mutant 2",
        "mutant 3",
        "the reference",
    ):
        assert part in todo, todo


def test_the_skeleton_filled_as_it_suggests_validates(tmp_path: Path) -> None:
    assert _grader(tmp_path, "exercises", "new", "course.row_means", "--path", str(tmp_path)).exit_code == 0
    _fill(tmp_path / "course" / "row_means.py")
    checked = _grader(tmp_path, "exercises", "validate", "course.row_means")
    assert checked.exit_code == 0, checked.output
    assert "ok   course.row_means" in checked.output and "mutants caught 3/3" in checked.output
    shown = _grader(tmp_path, "exercises", "show", "course.row_means", "--lang", "zh")
    assert "行均值" in shown.output and "row_means([[1.0, 2.0], [3.0, 4.0]]) -> [1.5, 3.5]" in shown.output
    attempt = tmp_path / "attempt.py"
    attempt.write_text("def row_means(x):\n    return x.mean(dim=0)\n")
    graded = _grader(tmp_path, "grade", str(attempt), "--exercise", "course.row_means", "--seed", "7")
    assert graded.exit_code == 1 and "Rows run across: dim 1." in graded.output  # the mutant's hint
    attempt.write_text("def row_means(x):\n    return x.mean(dim=1)\n")
    checked = _grader(tmp_path, "check", str(attempt), "--exercise", "course.row_means")
    assert checked.exit_code == 0 and "course.row_means: 10 / 10  (passed)" in checked.output


def test_new_refuses_what_cannot_be_an_exercise(tmp_path: Path) -> None:
    for slug in ("course", "course.", "Course.x-y", "course.class", "_private.x"):
        refused = _grader(tmp_path, "exercises", "new", slug, "--path", str(tmp_path))
        assert refused.exit_code == 2 and "is not UNIT.NAME" in refused.output, slug
    taken = _grader(tmp_path, "exercises", "new", "linalg.sum_axis", "--path", str(tmp_path))
    assert (
        taken.exit_code == 2
        and "taken already by" in taken.output
        and "exercises/linalg/sum_axis.py" in taken.output
    )
    elsewhere = tmp_path / "elsewhere"
    assert _grader(tmp_path, "exercises", "new", "course.x", "--path", str(elsewhere)).exit_code == 0
    again = _grader(tmp_path, "exercises", "new", "course.x", "--path", str(elsewhere))
    assert again.exit_code == 1 and "exists already" in again.output
    unset = CliRunner().invoke(main, ["exercises", "new", "course.y"], env={"GRADER_EXERCISE_PATH": ""})
    assert unset.exit_code == 2 and "--path DIR" in unset.output


def test_validate_says_precisely_what_failed(tmp_path: Path) -> None:
    write_exercise(tmp_path, "course", "col_sums", solution="x.sum(dim=1)")
    checked = _grader(tmp_path, "exercises", "validate", "course.col_sums", "--seeds", "1")
    assert checked.exit_code == 1
    assert "FAIL course.col_sums" in checked.output
    assert (
        "seed 1000: the solution scored 0.00/10 (case 'a 2x3 matrix': shape (2,) but expected (3,)"
        in checked.output
    )


def test_a_broken_module_is_named_and_the_rest_of_the_bank_works(tmp_path: Path) -> None:
    write_exercise(tmp_path, "course", "col_sums")
    (tmp_path / "course" / "typo.py").write_text("import torch\n\nEXERCISE = Exercise(\n")
    listed = _grader(tmp_path, "exercises", "list")
    assert listed.exit_code == 0 and "course.col_sums" in listed.stdout and "linalg.sum_axis" in listed.stdout
    assert f"BROKEN {tmp_path / 'course' / 'typo.py'}: SyntaxError" in listed.stderr


def test_adequacy_of_an_outside_exercise_as_json_and_recorded(tmp_path: Path) -> None:
    write_exercise(tmp_path, "course", "col_sums")
    measured = _grader(tmp_path, "exercises", "adequacy", "course.col_sums", "--json", "--record")
    assert measured.exit_code == 0, measured.output
    data = json.loads(measured.stdout)
    assert list(data) == ["slug", "generated", "killed", "survivors"]
    assert (
        data["slug"] == "course.col_sums" and data["generated"] >= 4 and data["killed"] <= data["generated"]
    )
    for survivor in data["survivors"]:
        assert {"line", "code", "mutation", "verdict", "input"} <= set(survivor)
    recorded = json.loads((tmp_path / "_adequacy.json").read_text())["course.col_sums"]
    assert recorded["killed"] == data["killed"] and len(recorded["content_hash"]) == 64
    checked = _grader(tmp_path, "exercises", "validate", "course.col_sums", "--seeds", "1")
    assert f"adequacy: {data['killed']}/{data['generated']} mutants killed" in checked.output
