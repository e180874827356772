"""The authoring guide's complete example is a working, proven exercise."""

from __future__ import annotations

import re
from pathlib import Path

from grader.bank.folders import configure
from grader.bank.loader import the_bank
from grader.bank.records import fresh_record
from grader.exercise import Exercise
from grader.grading.validation import validate
from worker.sandbox.client import Sandbox

GUIDE = Path(__file__).parent.parent / "docs" / "authoring.md"


def test_the_guides_example_validates(sandbox: Sandbox) -> None:
    code = re.search(r"```python\n(.*?)```", GUIDE.read_text(), re.S)
    assert code is not None
    namespace: dict[str, object] = {}
    exec(compile(code.group(1), "docs/authoring.md", "exec"), namespace)
    exercise = namespace["EXERCISE"]
    assert isinstance(exercise, Exercise)
    result = validate(exercise, sandbox, [1, 2, 3])
    assert result.ok, result.problems
    assert result.mutants_caught == len(exercise.mutants) == 3


SCORES = Path(__file__).parent.parent / "docs" / "adequacy.md"


def _score_table() -> str:
    """The table of docs/adequacy.md, as the shipped bank's records give it."""
    lines = [
        "| exercise | mutants | killed | score | gaps | likely gaps | equivalent |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    generated = killed = 0
    for slug, found in the_bank().entries.items():
        record = fresh_record(found)
        assert record is not None, f"{slug}: no fresh record; run grader exercises adequacy {slug} --record"
        verdicts = [s["verdict"] for s in record["survivors"]]
        generated, killed = generated + record["generated"], killed + record["killed"]
        lines.append(
            f"| `{slug}` | {record['generated']} | {record['killed']} | "
            f"{round(100 * record['killed'] / record['generated'])}% | {verdicts.count('gap')} | "
            f"{verdicts.count('likely gap')} | {verdicts.count('equivalent')} |"
        )
    lines.append(
        f"| all {len(lines) - 2} | {generated} | {killed} | {round(100 * killed / generated)}% | | | |"
    )
    return "\n".join(lines)


def test_the_published_mutation_scores_are_the_recorded_ones() -> None:
    configure([])
    shown = SCORES.read_text().split("<!-- scores:begin -->\n")[1].split("<!-- scores:end -->")[0].strip()
    expected = _score_table()
    assert shown == expected, f"docs/adequacy.md's table should read:\n{expected}"
