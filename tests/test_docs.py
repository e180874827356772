"""The authoring guide's complete example is a working, proven exercise."""

from __future__ import annotations

import re
from pathlib import Path

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
