"""The trusted side's calls: our own code (the reference, a mutant) on copies of a case's inputs.

Each call gets deep copies, so what one call does to its arguments (in place, to ``.grad``) is
seen by no other, and the student's copies in the sandbox are untouched by ours.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch


@dataclass(frozen=True)
class Returned:
    """The trusted side's outcome of a call that returned."""

    value: Any
    args_after: list[Any]


@dataclass(frozen=True)
class Raised:
    """The trusted side's outcome of a call that raised."""

    type_name: str
    message: str


Expected = Returned | Raised


def copy_value(value: Any) -> Any:
    """A deep copy of case data; leaf tensors keep requires_grad and their .grad."""
    if isinstance(value, torch.Tensor):
        copy = value.detach().clone().requires_grad_(value.requires_grad)
        if value.grad is not None:
            copy.grad = value.grad.detach().clone()
        return copy
    if isinstance(value, list):
        return [copy_value(v) for v in value]
    if isinstance(value, tuple):
        return tuple(copy_value(v) for v in value)
    return value


def call_trusted(function: Callable[..., Any], args: tuple[Any, ...]) -> Expected:
    """Call our own code (the reference or a mutant) on a copy of the arguments."""
    copies = [copy_value(a) for a in args]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a mutant's UserWarning is no news to the grader's log
        try:
            value = function(*copies)
        except Exception as exc:
            return Raised(type(exc).__name__, str(exc))
    return Returned(value, copies)
