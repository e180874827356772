"""Exercises as the API shows them: statements, signatures, public examples with outputs."""

from __future__ import annotations

from typing import Any

import torch

from grader.grading.exercise import Exercise, pick
from grader.grading.trusted import Raised, call_trusted


def to_json(value: Any) -> Any:
    """A case value as JSON: tensors as {"tensor": nested list, "dtype", "shape"}."""
    if isinstance(value, torch.Tensor):
        data = value.detach()
        return {
            "tensor": data.tolist(),
            "dtype": str(data.dtype).removeprefix("torch."),
            "shape": list(data.shape),
            "requires_grad": bool(value.requires_grad),
        }
    if isinstance(value, (list, tuple)):
        return [to_json(item) for item in value]
    if isinstance(value, float) and value != value:
        return "nan"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return str(value)
    return value


def summary(exercise: Exercise, lang: str) -> dict[str, Any]:
    """One line of the exercise list."""
    return {
        "slug": exercise.slug,
        "unit": exercise.unit,
        "title": pick(exercise.title, lang),
        "points": exercise.points,
        "signature": exercise.signature,
    }


def detail(exercise: Exercise, lang: str) -> dict[str, Any]:
    """Everything a student needs to start: statement, signature, starter, public examples."""
    examples = []
    for case in exercise.public_cases:
        outcome = call_trusted(exercise.reference, case.args)
        expected = {"raises": outcome.type_name} if isinstance(outcome, Raised) else to_json(outcome.value)
        examples.append({"name": case.name, "args": to_json(list(case.args)), "expected": expected})
    return {
        **summary(exercise, lang),
        "statement": pick(exercise.statement, lang),
        "starter": exercise.starter,
        "public_examples": examples,
        "banned": sorted(n for n in exercise.bans.names if not n.startswith("Tensor.__")),
    }
