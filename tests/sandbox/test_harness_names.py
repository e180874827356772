"""The names the function recorder reports are the ones students write and ban lists use."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from worker.sandbox.harness import DispatchRecorder, FunctionRecorder, function_name


@pytest.mark.parametrize(
    "function, name",
    [
        (torch.mm, "torch.mm"),
        (torch.sigmoid, "torch.sigmoid"),
        (torch.special.expit, "torch.special.expit"),
        (torch.linalg.vector_norm, "torch.linalg.vector_norm"),
        (F.linear, "torch.nn.functional.linear"),
        (F.softmax, "torch.nn.functional.softmax"),
        (torch.einsum, "torch.einsum"),
        (torch.Tensor.backward, "Tensor.backward"),
        (torch.Tensor.sum, "Tensor.sum"),
    ],
)
def test_function_names(function: object, name: str) -> None:
    assert function_name(function) == name


def test_recorders_see_a_dynamic_lookup() -> None:
    x = torch.ones(3)
    with FunctionRecorder() as functions, DispatchRecorder() as dispatch:
        getattr(torch, "ou" + "ter")(x, x)
        (x @ x).item()
    assert {"torch.outer", "Tensor.matmul"} <= functions.names
    assert "aten::dot" in dispatch.ops
