"""Cheats aimed at the grading itself: fake results, comparison tricks, leaks, escaping bans.

Each is graded through the full pipeline (static checks, the real sandbox, the trusted
comparison) and must score nothing for the cases it cheats on.
"""

from __future__ import annotations

import pytest

from grader.grading.engine import grade
from grader.grading.report import Report
from grader.grading.source_loader import load_text
from tests.exercises_for_tests import DOT, HIDDEN_MARK
from worker.sandbox.client import Sandbox

FAKE_RESULTS = {
    "always-equal object": """
class Anything:
    def __eq__(self, other): return True
    def __float__(self): return 32.0
def dot(a, b):
    return Anything()
""",
    "tensor subclass that equals everything": """
import torch
class Liar(torch.Tensor):
    def __eq__(self, other): return torch.ones_like(other, dtype=torch.bool)
def dot(a, b):
    return torch.zeros(()).as_subclass(Liar)
""",
    "float subclass": """
class F(float):
    def __eq__(self, other): return True
def dot(a, b):
    return F(0.0)
""",
    "monkeypatched comparisons in the child": """
import torch
torch.allclose = lambda *a, **k: True
torch.equal = lambda *a, **k: True
torch.Tensor.__eq__ = lambda *a, **k: True
torch.isclose = lambda a, b, **k: torch.ones_like(a, dtype=torch.bool)
def dot(a, b):
    return torch.zeros(())
""",
    "prints a passing report": """
import torch
print('{"status": "passed", "score": 10, "max_score": 10}')
print("All tests passed! Score: 10/10")
def dot(a, b):
    print("PASSED")
    return torch.zeros(())
""",
    "NaN that compares oddly": """
import torch
def dot(a, b):
    return torch.tensor(float('nan'))
""",
    "huge result": """
import torch
def dot(a, b):
    return torch.zeros(200_000_000)
""",
    "looks for the expected value in the caller's frames": """
import sys, torch
def dot(a, b):
    frame = sys._getframe(1)
    while frame is not None:
        for value in frame.f_locals.values():
            if isinstance(value, torch.Tensor) and value.dim() == 0:
                return value
        frame = frame.f_back
    return torch.zeros(())
""",
    "scans the heap for the expected value": """
import gc, torch
def dot(a, b):
    found = [o for o in gc.get_objects() if isinstance(o, torch.Tensor) and o.dim() == 0]
    return found[-1] if found else torch.zeros(())
""",
}

BAN_ESCAPES = {
    "getattr with a computed name": """
import torch
def dot(a, b):
    return getattr(torch, "mat" + "mul")(a, b)
""",
    "eval": """
import torch
def dot(a, b):
    return eval("torch." + "dot")(a, b)
""",
    "import by name": """
import importlib
def dot(a, b):
    return importlib.import_module("tor" + "ch").inner(a, b)
""",
    "alias import": """
from torch import matmul as multiply
def dot(a, b):
    return multiply(a, b)
""",
    "the @ operator": """
def dot(a, b):
    return a @ b
""",
    "dunder method": """
def dot(a, b):
    return a.__matmul__(b)
""",
    "module __dict__": """
import torch
def dot(a, b):
    return torch.__dict__["dot"](a, b)
""",
    "einsum": """
import torch as t
def dot(a, b):
    return t.einsum("i,i->", a, b)
""",
    "pops the dispatch mode that records ops": """
import torch
def dot(a, b):
    mode = torch._C._pop_torch_dispatch_stack(None)
    try:
        return torch.dot(a, b)
    finally:
        torch._C._push_on_torch_dispatch_stack(mode)
""",
    "disables the recording modes for one call": """
import torch
from torch.utils import _python_dispatch as pd
def dot(a, b):
    with getattr(pd, "_disable_current_modes")():
        return torch.dot(a, b)
""",
    "hides the call from the static check and the recorder": """
def dot(a, b):
    m = __builtins__["__import__"]("torch")
    with m.utils._python_dispatch._disable_current_modes():
        return getattr(m, "d" + "ot")(a, b)
""",
}


def _grade(sandbox: Sandbox, source: str) -> Report:
    return grade(DOT, load_text(source), sandbox, seed=11)


@pytest.mark.parametrize("source", FAKE_RESULTS.values(), ids=FAKE_RESULTS.keys())
def test_fake_results_score_nothing(sandbox: Sandbox, source: str) -> None:
    report = _grade(sandbox, source)
    assert report.score == 0, report.to_dict()


@pytest.mark.parametrize("source", BAN_ESCAPES.values(), ids=BAN_ESCAPES.keys())
def test_ban_escapes_are_caught(sandbox: Sandbox, source: str) -> None:
    report = _grade(sandbox, source)
    assert report.score == 0, report.to_dict()
    assert report.flags, "the escape must be reported to the instructor"
    messages = " ".join(t["message"] for t in report.to_dict()["tests"])
    assert any(word in messages for word in ("banned", "bypass", "interfered")), messages


def test_the_honest_solution_passes(sandbox: Sandbox) -> None:
    assert _grade(sandbox, DOT.solution).status == "passed"


def test_hidden_inputs_are_not_in_memory_during_public_cases(sandbox: Sandbox) -> None:
    source = """
import gc, torch
def dot(a, b):
    for o in gc.get_objects():
        if isinstance(o, torch.Tensor):
            print(o.tolist())
    return (a * b).sum()
"""
    report = _grade(sandbox, source)
    assert report.output and str(HIDDEN_MARK) not in report.output
    assert "[1.0, 2.0, 3.0]" in report.output  # the public input may be shown


def test_output_of_hidden_cases_is_not_shown(sandbox: Sandbox) -> None:
    source = "def dot(a, b):\n    print('INPUT', a.tolist())\n    return (a * b).sum()\n"
    report = _grade(sandbox, source)
    assert report.status == "passed"
    assert str(HIDDEN_MARK) not in report.output
    assert report.hidden_output_bytes > 0
    assert "INPUT [1.0, 2.0, 3.0]" in report.output


def test_hidden_messages_do_not_reveal_values(sandbox: Sandbox) -> None:
    report = _grade(sandbox, "def dot(a, b):\n    return (a * b).sum() + 1\n")
    tests = report.to_dict()["tests"]
    hidden = [t for t in tests if t["visibility"] == "hidden"]
    public = [t for t in tests if t["visibility"] == "public"]
    assert "33" in public[0]["message"] and "32" in public[0]["message"]
    assert "got 33" in public[0]["message"]
    for test in hidden:
        assert "values differ" in test["message"], test
        assert "got" not in test["message"] and "expected" not in test["message"]
        assert str(HIDDEN_MARK)[:4] not in test["message"]
