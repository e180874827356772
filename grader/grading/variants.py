"""Inputs beyond an exercise's own generator, to tell a surviving mutant from an equivalent one:
each case again with its floating tensors in the other precision, and with its tensors at other
sizes, values drawn afresh: twice with every size that two tensors share still shared (a square
matrix stays square, a matrix product's inner sizes still agree), once with every dimension grown
on its own (rows and columns no longer interchangeable; where that breaks what the reference
accepts, the adequacy check ignores the input)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import torch

from grader.grading.exercise import Case

_OTHER_FLOAT = {torch.float32: torch.float64, torch.float64: torch.float32}


def _tensors(value: Any) -> Iterator[torch.Tensor]:
    if isinstance(value, torch.Tensor):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _tensors(item)


def _rebuild(value: Any, change: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return change(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_rebuild(item, change) for item in value)
    return value


def _other_precision(tensor: torch.Tensor) -> torch.Tensor:
    other = _OTHER_FLOAT.get(tensor.dtype)
    if other is None:
        return tensor.clone()
    return tensor.detach().to(other).requires_grad_(tensor.requires_grad)


def _resized(tensor: torch.Tensor, sizes: dict[int, int] | None, g: torch.Generator) -> torch.Tensor:
    """Values drawn afresh at new sizes: ``sizes`` maps each old size to its new one (shared
    sizes stay shared); None grows every dimension on its own (a square matrix is square no more)."""
    if sizes is None:
        grow = torch.randint(1, 4, (tensor.dim(),), generator=g).tolist()
        shape = tuple(size + step for size, step in zip(tensor.shape, grow, strict=True))
    else:
        shape = tuple(sizes.get(size, size) for size in tensor.shape)
    if tensor.dtype.is_floating_point:
        fresh = torch.randn(shape, generator=g, dtype=tensor.dtype)
        return fresh.requires_grad_(tensor.requires_grad)
    if tensor.dtype == torch.bool:
        return torch.randint(0, 2, shape, generator=g).bool()
    # Integers often index (labels, positions): keep them below every size there is.
    top = max(1, min(sizes.values() if sizes else shape, default=2))
    return torch.randint(0, top, shape, generator=g, dtype=tensor.dtype)


def variants(cases: list[Case], g: torch.Generator, resizes: int = 2) -> list[tuple[str, Case]]:
    """(how it was made, case) for each variant of each case that has a tensor."""
    found: list[tuple[str, Case]] = []
    for case in cases:
        tensors = list(_tensors(case.args))
        if not tensors:
            continue
        if any(t.dtype in _OTHER_FLOAT for t in tensors):
            other = "float64" if tensors[0].dtype != torch.float64 else "float32"
            args = _rebuild(case.args, _other_precision)
            found.append((f"{case.name!r} in {other}", Case(f"{case.name} ({other})", args, case.weight)))
        distinct = sorted({size for t in tensors for size in t.shape})
        for attempt in range(resizes + 1):
            sizes: dict[int, int] | None = None  # the last attempt: every dimension on its own
            if attempt < resizes:
                grow = torch.randint(1, 4, (len(distinct),), generator=g).tolist()
                sizes = {size: size + step for size, step in zip(distinct, grow, strict=True)}
            args = _rebuild(case.args, lambda t, s=sizes: _resized(t, s, g))
            shapes = ", ".join(str(tuple(t.shape)) for t in _tensors(args))
            found.append(
                (f"{case.name!r} at sizes {shapes}", Case(f"{case.name} (resized)", args, case.weight))
            )
    return found
