"""Generic diagnoses on shipped exercises without a mutant for the mistake: what a wrong result
equals, computed from the reference; and what they change about a mutant's hint."""

from __future__ import annotations

import pytest

from grader.bank.catalog import find_exercise
from grader.grading.diagnoses import explanations
from grader.grading.trusted import Returned, call_trusted
from tests.grading.feedback_answers import failed_messages, graded
from worker.sandbox.client import Sandbox

CASES = [
    (
        "optim.mse_line",
        "def mse_line(b, w, points):\n    x, y = points[:, 0], points[:, 1]\n"
        "    return float(((y - (b * x + w)) ** 2).mean())\n",
        "Your result equals the reference with `b` and `w` swapped.",
        "你的结果等于把 `b` 和 `w` 对调之后的正确结果。",
    ),
    (
        "optim.mse_line",
        "def mse_line(b, w, points):\n    x, y = points[:, 0], points[:, 1]\n"
        "    return float(((y - (w * x + b)) ** 2).sum())\n",
        "Your result equals the reference multiplied by the size of dimension 0 of `points` (3): "
        "a sum where a mean is asked?",
        "你的结果等于正确结果乘以 `points` 第 0 维的长度（3）：是不是该求平均却求了和？",
    ),
    (
        "optim.sgd_step",
        "def sgd_step(params, grads, lr):\n"
        "    return [(g - lr * p).detach() for p, g in zip(params, grads)]\n",
        "Your result equals the reference with `params` and `grads` swapped.",
        "你的结果等于把 `params` 和 `grads` 对调之后的正确结果。",
    ),
    (
        "linalg.outer",
        "def outer(a, b):\n    return b[:, None] * a[None, :]\n",
        "Your result equals the reference transposed.",
        "你的结果等于正确结果的转置。",
    ),
    (
        "linalg.sum_axis",
        "def sum_axis(x, axis, keepdim=False):\n    return x.sum(dim=axis, keepdim=True)\n",
        "Your result equals the reference with keepdim=True.",
        "你的结果等于 keepdim=True 时的正确结果。",
    ),
    (
        "autograd.chain_rule_grads",
        "import torch\n\ndef chain_rule_grads(x1, w1, w2, Y):\n"
        "    return w1 * w2 * torch.ones_like(x1), (x1 * w2).sum(), (x1 * w1).sum()\n",
        "Your result equals the reference with the opposite sign: a sign slip?",
        "你的结果等于正确结果取相反数：是不是符号弄反了？",
    ),
]


@pytest.mark.parametrize(
    ("slug", "source", "en", "zh"), CASES, ids=[c[0] + str(i) for i, c in enumerate(CASES)]
)
def test_the_first_failed_case_says_what_the_result_equals(
    sandbox: Sandbox, slug: str, source: str, en: str, zh: str
) -> None:
    report = graded(slug, source, sandbox)
    first = next(t for t in report.tests if not t.passed)
    assert first.diagnosis is not None
    assert first.message("en").endswith(en) and first.message("zh").endswith(zh)


def test_another_axis_is_named_and_hidden_cases_keep_their_values(sandbox: Sandbox) -> None:
    source = (
        "def lp_norm(x, p, dim, keepdim=False):\n"
        "    return x.abs().pow(p).sum(dim=0, keepdim=keepdim) ** (1 / p)\n"
    )
    report = graded("linalg.lp_norm", source, sandbox)
    told = [t for t in report.tests if t.diagnosis is not None and t.diagnosis.key == "diagnosis_axis"]
    assert told, failed_messages(report)
    public = [t for t in told if t.visibility == "public"]
    hidden = [t for t in told if t.visibility == "hidden"]
    assert all("with `dim` = 0" in t.message("en") for t in public)
    assert all("along another axis" in t.message("en") and "= 0" not in t.message("en") for t in hidden)


def test_precision_is_named(sandbox: Sandbox) -> None:
    source = (
        "def matmul(A, B):\n"
        "    return (A.float()[:, :, None] * B.float()[None, :, :]).sum(dim=1).to(A.dtype)\n"
    )
    report = graded("linalg.matmul", source, sandbox)
    failed = [t for t in report.tests if not t.passed]
    assert failed and all(t.name.startswith("float64") for t in failed)
    assert "computed in float32" in failed[0].message("en")


def test_a_diagnosis_speaks_for_a_mutant_that_says_the_same(sandbox: Sandbox) -> None:
    # The "sign slip" mutant negates every gradient: the generic diagnosis says so already.
    source = CASES[-1][1]
    report = graded("autograd.chain_rule_grads", source, sandbox)
    assert report.mutants_matched == ["sign slip: dL/dy = +1"]  # recognised, for the instructor
    assert all(t.hint is None for t in report.tests)
    assert all(t.diagnosis is not None for t in report.tests if not t.passed)


def test_a_right_answer_gets_no_diagnosis(sandbox: Sandbox) -> None:
    exercise = find_exercise("linalg.outer")
    report = graded("linalg.outer", exercise.solution, sandbox)
    assert report.status == "passed" and all(t.diagnosis is None for t in report.tests)


def test_the_reference_calls_stop_at_the_deadline() -> None:
    exercise = find_exercise("optim.mse_line")
    case = next(c for c in exercise.public_cases if c.args[0] != c.args[1])  # b and w differ
    want = call_trusted(exercise.reference, case.args)
    assert isinstance(want, Returned)
    late = explanations(exercise, case, want, deadline=0.0)
    on_time = explanations(exercise, case, want, deadline=float("inf"))
    assert not any(e.identity[0] == "swap" for e in late)
    assert any(e.identity[0] == "swap" for e in on_time)


def test_a_mutant_hint_only_on_the_cases_where_nothing_else_fits(sandbox: Sandbox) -> None:
    from grader.grading.engine import grade
    from grader.grading.source_loader import load_text
    from tests.exercises_for_tests import L1

    # Twice the l1 norm: on the public vector of length 2 that is also "times the size of x".
    report = grade(L1, load_text("def l1(x):\n    return 2 * x.abs().sum()\n"), sandbox, seed=3)
    small = report.tests[0]
    assert small.name == "small" and small.mutant == "twice" and small.hint is None
    assert small.diagnosis is not None and small.diagnosis.key == "diagnosis_times"
    longer = [t for t in report.tests if t.name == "random vector"]
    assert longer and longer[0].hint is not None and longer[0].diagnosis is None
    assert report.mutants_matched == ["twice"]


def test_the_diagnosis_is_a_sentence_of_its_own(sandbox: Sandbox) -> None:
    report = graded("optim.mse_line", CASES[0][1], sandbox)
    first = next(t for t in report.tests if not t.passed)
    assert ". Your result equals" in first.message("en") and "。你的结果等于" in first.message("zh")
