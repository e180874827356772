"""The mutation operators: each slip a student makes in tensor code, once, as valid source."""

from __future__ import annotations

import ast

import torch

from grader.bank.loader import load_bank
from grader.grading.mutants import load_function
from grader.grading.mutation import mutations

SOURCE = """import torch

def f(x, y, keepdim=False):
    # a comment stays where it is
    a = x.clone().sum(dim=1, keepdim=keepdim)
    b = x.T @ y
    with torch.no_grad():
        c = x.add_(1.0)
    if a.shape[0] < 2:
        b += 1
    return torch.where(a > 0, b, -b), a * b ** 2
"""


def _by_change() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for mutant in mutations(SOURCE):
        found.setdefault(mutant.mutation, []).append(mutant.code)
    return found


def test_the_operators_that_fit_tensor_code() -> None:
    found = _by_change()
    assert "a = x.clone().sum(dim=-1, keepdim=keepdim)" in found["axis 1 → -1 (sign)"]
    assert "a = x.clone().sum(dim=-2, keepdim=keepdim)" in found["axis 1 → -2 (other end)"]
    assert found["keepdim flipped"] == ["a = x.clone().sum(dim=1, keepdim=not keepdim)"]
    assert found["sum → mean"] == ["a = x.clone().mean(dim=1, keepdim=keepdim)"]
    assert found["removed .clone()"] == ["a = x.sum(dim=1, keepdim=keepdim)"]
    assert found["removed .T"] == ["b = x @ y"]
    assert "b = x.T.T @ y" in found[".T added to the left operand"]
    assert found["@ → *"] == ["b = x.T * y"]
    assert found["removed torch.no_grad()"] == ["with torch.enable_grad():"]
    assert found[".add_() → .add() (out of place)"] == ["c = x.add(1.0)"]
    assert found["in place → out of place"] == ["b = b + 1"]
    assert "if a.shape[0] <= 2:" in found["< → <="]
    assert "c = x.add_(2.0)" in found["constant 1.0 → 2.0"]
    assert found["arguments 2 and 3 swapped"] == ["return torch.where(a > 0, -b, b), a * b ** 2"]
    assert found["returned values swapped"] == ["return (a * b ** 2, torch.where(a > 0, b, -b))"]
    assert found["removed unary -"] == ["return torch.where(a > 0, b, b), a * b ** 2"]


def test_each_mutant_is_valid_new_source_with_its_line_and_comments_kept() -> None:
    found = mutations(SOURCE)
    sources = [m.source for m in found]
    assert SOURCE not in sources and len(set(sources)) == len(sources)
    lines = SOURCE.splitlines()
    for mutant in found:
        ast.parse(mutant.source)
        assert "# a comment stays where it is" in mutant.source
        assert mutant.code == mutant.source.splitlines()[mutant.line - 1].strip()
        changed = [
            i for i, (a, b) in enumerate(zip(lines, mutant.source.splitlines(), strict=True)) if a != b
        ]
        assert changed == [mutant.line - 1], mutant


def test_a_replacement_keeps_its_meaning_where_it_binds_less_tightly() -> None:
    source = "def f(a, b):\n    return a * b ** 2\n"
    function = {m.mutation: m for m in mutations(source)}["** → *"]
    assert function.code == "return a * (b * 2)"
    f = load_function(function.source, "f", "mutant")
    assert f(torch.tensor(3.0), torch.tensor(5.0)).item() == 30.0


def test_every_solution_of_the_bank_has_mutants_that_compile() -> None:
    for slug, exercise in load_bank().items():
        found = mutations(exercise.solution)
        assert found, slug
        for mutant in found:
            compile(mutant.source, slug, "exec")
