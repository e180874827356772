"""Static checks: syntax, the function and its signature, bans through aliases, introspection."""

from __future__ import annotations

import pytest

from exercises._common import AUTOGRAD_BANS, MATRIX_PRODUCT_BANS, NORM_BANS
from grader.grading.static_check import analyze, is_evasion
from worker.sandbox.contract import Cell


def _analyze(source: str, bans=MATRIX_PRODUCT_BANS, parameters=(2, 2)):
    return analyze([Cell("<submission>", source)], "dot", parameters, bans)


def test_syntax_error_has_line_and_message() -> None:
    report = _analyze("def dot(a, b):\n    return (a * b.sum()\n")
    assert report.syntax_error["line"] == 2
    assert "never closed" in report.syntax_error["message"]


@pytest.mark.parametrize(
    "source, problem",
    [
        ("def other(a, b):\n    return a\n", "missing_function"),
        ("def dot(a):\n    return a\n", "wrong_signature"),
        ("def dot(a, b, c):\n    return a\n", "wrong_signature"),
        ("class dot:\n    pass\n", "not_a_function"),
        ("async def dot(a, b):\n    return a\n", "not_a_function"),
    ],
)
def test_function_problems(source: str, problem: str) -> None:
    assert _analyze(source).function_problem["key"] == problem


@pytest.mark.parametrize(
    "source",
    [
        "def dot(a, b):\n    return a\n",
        "def dot(a, b, c=1):\n    return a\n",
        "def dot(*args):\n    return args[0]\n",
        "dot = lambda a, b: a\n",
        "import functools\ndot = functools.partial(lambda a, b: a)\n",
    ],
)
def test_usable_definitions(source: str) -> None:
    assert _analyze(source).function_problem is None


def test_defaults_must_cover_optional_parameters() -> None:
    report = analyze([Cell("<s>", "def f(x, axis):\n    return x\n")], "f", (2, 3), MATRIX_PRODUCT_BANS)
    assert report.function_problem["key"] == "wrong_signature"
    report = analyze(
        [Cell("<s>", "def f(x, axis, keepdim=False):\n    return x\n")],
        "f",
        (2, 3),
        MATRIX_PRODUCT_BANS,
    )
    assert report.function_problem is None


@pytest.mark.parametrize(
    "source, name, line",
    [
        ("import torch\ndef dot(a, b):\n    return torch.dot(a, b)\n", "torch.dot", 3),
        ("import torch as t\ndef dot(a, b):\n    return t.matmul(a, b)\n", "torch.matmul", 3),
        ("from torch import mm as m\ndef dot(a, b):\n    return m(a, b)\n", "torch.mm", 1),
        ("from torch import *\ndef dot(a, b):\n    return inner(a, b)\n", "torch.inner", 3),
        ("def dot(a, b):\n    return a.matmul(b)\n", "Tensor.matmul", 2),
        ("def dot(a, b):\n    return a @ b\n", "@", 2),
        ("def dot(a, b):\n    a @= b\n    return a\n", "@", 2),
        (
            "import torch\ndef dot(a, b):\n    return getattr(torch, 'einsum')('i,i', a, b)\n",
            "torch.einsum",
            3,
        ),
        ("import torch\ndef dot(a, b):\n    return torch.__dict__['dot'](a, b)\n", "torch.dot", 3),
        (
            "import torch.nn.functional as F\ndef dot(a, b):\n    return F.linear(a, b)\n",
            "torch.nn.functional.linear",
            3,
        ),
        (
            "from torch import linalg\ndef dot(a, b):\n    return linalg.vecdot(a, b)\n",
            "torch.linalg.vecdot",
            3,
        ),
    ],
)
def test_banned_uses_are_found_with_their_line(source: str, name: str, line: int) -> None:
    report = _analyze(source)
    assert (report.banned[0].name, report.banned[0].line) == (name, line)


def test_allowed_code_is_clean() -> None:
    report = _analyze("import torch\ndef dot(a, b):\n    return (a * b).sum()\n")
    assert not report.banned and not report.flags


def test_norm_and_autograd_bans() -> None:
    source = "import torch\ndef dot(a, b):\n    return torch.linalg.norm(a)\n"
    assert _analyze(source, NORM_BANS).banned[0].name == "torch.linalg.norm"
    source = "def dot(a, b):\n    (a * b).sum().backward()\n    return a.grad\n"
    assert {u.name for u in _analyze(source, AUTOGRAD_BANS).banned} >= {"Tensor.backward"}


@pytest.mark.parametrize(
    "source",
    [
        "import gc\ndef dot(a, b):\n    return gc.get_objects()\n",
        "import inspect\ndef dot(a, b):\n    return inspect.stack()\n",
        "import ctypes\ndef dot(a, b):\n    return ctypes.CDLL(None)\n",
        "import sys\ndef dot(a, b):\n    return sys.modules['torch']\n",
        "import sys\ndef dot(a, b):\n    return sys._getframe(1).f_locals\n",
        "import torch\ndef dot(a, b):\n    return torch._C._pop_torch_dispatch_stack(None)\n",
        "from torch.utils._python_dispatch import TorchDispatchMode\ndef dot(a, b):\n    return a\n",
        "import torch\ndef dot(a, b):\n    return getattr(torch, 'm' + 'm')(a, b)\n",
        "def dot(a, b):\n    return eval('a @ b')\n",
        "def dot(a, b):\n    return __builtins__['eval']('1')\n",
    ],
)
def test_introspection_is_flagged_as_evasion(source: str) -> None:
    report = _analyze(source)
    assert report.flags, source
    assert report.evasions, source


def test_plain_os_use_is_flagged_but_not_evasion() -> None:
    report = _analyze("import os\ndef dot(a, b):\n    return os.getcwd()\n")
    assert report.flags and not report.evasions
    assert not is_evasion("os.getcwd")


def test_notebook_cells_keep_their_names() -> None:
    cells = [
        Cell("<cell 1>", "import torch"),
        Cell("<cell 2>", "def dot(a, b):\n    return a @ b\n"),
    ]
    report = analyze(cells, "dot", (2, 2), MATRIX_PRODUCT_BANS)
    assert report.banned[0].cell == "<cell 2>" and report.banned[0].line == 2
