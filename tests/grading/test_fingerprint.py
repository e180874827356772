"""Behaviour fingerprints through the real sandbox: answers written differently that behave
alike share one, different behaviours do not, and the secret seed changes nothing."""

from __future__ import annotations

import torch

from exercises.linalg.sum_axis import EXERCISE as SUM_AXIS
from grader.grading.engine import grade
from grader.grading.fingerprint import Behaviour, behaviour_of, probe_cases
from grader.grading.source_loader import load_text
from worker.sandbox.client import Sandbox
from worker.sandbox.contract import CaseOutcome

# Three ways each of writing two wrong behaviours of linalg.sum_axis.
ALWAYS_AXIS_0 = [
    "def sum_axis(x, axis, keepdim=False):\n    return x.sum(0, keepdim=keepdim)\n",
    "import torch\n\ndef sum_axis(x, axis, keepdim=False):\n"
    "    return torch.sum(x, dim=0, keepdim=keepdim)\n",
    """
def sum_axis(x, axis, keepdim=False):
    total = x.new_zeros(x.shape[1:])
    for i in range(x.shape[0]):
        total = total + x[i]
    return total.unsqueeze(0) if keepdim else total
""",
]
IGNORES_KEEPDIM = [
    "def sum_axis(x, axis, keepdim=False):\n    return x.sum(dim=axis)\n",
    "import torch\n\ndef sum_axis(x, axis, keepdim=False):\n    return torch.sum(x, axis)\n",
    """
def sum_axis(x, axis, keepdim=False):
    rows = x.movedim(axis, 0)
    total = rows.new_zeros(rows.shape[1:])
    for row in rows:
        total = total + row
    return total
""",
]


def _behaviour(sandbox: Sandbox, source: str, seed: int = 3) -> Behaviour | None:
    return grade(SUM_AXIS, load_text(source), sandbox, seed=seed, probe=True).behaviour


def test_alike_answers_share_a_fingerprint_and_different_ones_do_not(sandbox: Sandbox) -> None:
    first = {_behaviour(sandbox, source).digest for source in ALWAYS_AXIS_0}  # type: ignore[union-attr]
    second = {_behaviour(sandbox, source).digest for source in IGNORES_KEEPDIM}  # type: ignore[union-attr]
    assert len(first) == 1 and len(second) == 1
    assert first != second


def test_the_secret_seed_does_not_change_the_fingerprint(sandbox: Sandbox) -> None:
    one, other = (_behaviour(sandbox, ALWAYS_AXIS_0[0], seed) for seed in (3, 1234))
    assert one is not None and other is not None and one.digest == other.digest


def test_full_marks_have_no_fingerprint_and_graded_cases_are_unchanged(sandbox: Sandbox) -> None:
    assert _behaviour(sandbox, SUM_AXIS.solution) is None
    probed = grade(SUM_AXIS, load_text(ALWAYS_AXIS_0[0]), sandbox, seed=3, probe=True)
    plain = grade(SUM_AXIS, load_text(ALWAYS_AXIS_0[0]), sandbox, seed=3)
    assert plain.behaviour is None
    assert [(t.name, t.passed) for t in probed.tests] == [(t.name, t.passed) for t in plain.tests]
    assert len(probed.tests) == len(SUM_AXIS.cases(3))  # the probes are no case of the grading


def test_the_example_shows_the_first_probe_beside_the_reference(sandbox: Sandbox) -> None:
    found = _behaviour(sandbox, ALWAYS_AXIS_0[0])
    assert found is not None
    assert found.example["case"] == SUM_AXIS.public_cases[0].name
    assert found.example["expected"].startswith("tensor([3.0, 5.0, 7.0]")
    # The first public case sums along axis 0: this mistake is right there.
    assert found.example["output"] == found.example["expected"]
    assert probe_cases(SUM_AXIS)  # the fixed-seed draw of the hidden generator


def test_exceptions_and_load_failures_are_behaviours_too(sandbox: Sandbox) -> None:
    raises = _behaviour(sandbox, "def sum_axis(x, axis, keepdim=False):\n    raise ValueError('no')\n")
    raises_other = _behaviour(sandbox, "def sum_axis(x, axis, keepdim=False):\n    return x[99]\n")
    assert raises is not None and raises_other is not None and raises.digest != raises_other.digest
    broken = _behaviour(sandbox, "def sum_axis(x, axis, keepdim=False):\n    return (\n")
    missing = _behaviour(sandbox, "def total(x):\n    return x\n")
    assert broken is not None and missing is not None and broken.digest != missing.digest
    assert broken.example["output"].startswith("syntax_error")


def _digest_of(*values: object) -> str:
    """The fingerprint of outcomes that returned ``values`` on the first probes (pure: no sandbox)."""
    probes = [*SUM_AXIS.public_cases, *probe_cases(SUM_AXIS)][: len(values)]
    outcomes = [CaseOutcome(status="returned", value=value, args_after=[]) for value in values]
    return behaviour_of(SUM_AXIS, probes, outcomes).digest


def test_values_within_the_tolerance_are_one_behaviour_and_others_are_not() -> None:
    x = torch.randn(50, generator=torch.Generator().manual_seed(0))
    noisy = x * (1 + 1e-7 * torch.randn(50, generator=torch.Generator().manual_seed(1)))
    assert _digest_of(x) == _digest_of(noisy)  # float32 rounding of another summation order
    assert _digest_of(x) != _digest_of(x * 1.05)
    assert _digest_of(x) != _digest_of(x.double())  # another dtype
    assert _digest_of(x) != _digest_of(x.reshape(5, 10))  # another shape
    assert _digest_of(torch.tensor([1e-9, -1e-9])) == _digest_of(torch.tensor([0.0, 0.0]))
    half = torch.tensor([1.0, 2.0, 3.0], dtype=torch.bfloat16)  # a loose tolerance still tells values apart
    assert _digest_of(half) != _digest_of(half * 2)
    assert _digest_of(1.5) != _digest_of(torch.tensor(1.5)) and _digest_of(1.5) == _digest_of(1.5 + 1e-12)
    raised = CaseOutcome(status="raised", error={"type": "IndexError", "message": "x"})
    other = CaseOutcome(status="raised", error={"type": "IndexError", "message": "y"})
    case = SUM_AXIS.public_cases[:1]
    assert behaviour_of(SUM_AXIS, case, [raised]).digest == behaviour_of(SUM_AXIS, case, [other]).digest
