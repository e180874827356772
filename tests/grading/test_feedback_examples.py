"""Issue 17's examples of feedback that named the wrong cause, each graded as a student sent it."""

from __future__ import annotations

import torch

from exercises.tensors.broadcast_shape import EXERCISE as BROADCAST
from grader.grading.compare import compare, describe_type
from grader.grading.exercise import Comparison
from grader.i18n.messages import Finding, render
from tests.grading import feedback_answers as answers
from tests.grading.feedback_answers import failed_messages, graded
from worker.sandbox.client import Sandbox

RULE = Comparison()


def test_pca_without_u_is_not_told_about_u(sandbox: Sandbox) -> None:
    report = graded("stats.pca_project", answers.PCA_STD_AND_ROWS, sandbox)
    messages = " ".join(failed_messages(report))
    assert (
        "length 1" not in messages and "returns U without the singular values" not in report.mutants_matched
    )
    assert report.mutants_matched == ["divides by the standard deviation and takes rows of V"]
    assert "standard deviation" in messages and "V[:, :k]" in messages


def test_each_pca_bug_alone_is_named(sandbox: Sandbox) -> None:
    assert graded("stats.pca_project", answers.PCA_STD_ONLY, sandbox).mutants_matched == [
        "divides by the standard deviation"
    ]
    rows = graded("stats.pca_project", answers.PCA_ROWS_OF_V, sandbox)
    assert rows.mutants_matched == ["uses the columns of Vh"]
    assert all("V[idx] picks rows" in m for m in failed_messages(rows))


def test_a_loose_tolerance_match_gives_no_hint(sandbox: Sandbox) -> None:
    # "large magnitudes" compares with atol 1e8: any small result matches any small mutant.
    report = graded("stats.pca_project", answers.PCA_STD_AND_ROWS, sandbox)
    large = next(t for t in report.tests if t.name == "large magnitudes")
    assert not large.passed and large.hint is None and large.mutant is None


def test_matvec_sized_by_the_vector_gets_no_hint_about_dim_1(sandbox: Sandbox) -> None:
    report = graded("linalg.matvec", answers.MATVEC_SIZED_BY_X, sandbox)
    assert report.mutants_matched == []
    assert not any("dim=1" in m for m in failed_messages(report))


def test_a_closed_form_gradient_is_not_told_about_create_graph(sandbox: Sandbox) -> None:
    report = graded("autograd.grad_of_quadratic", answers.QUADRATIC_CLOSED_FORM, sandbox)
    messages = failed_messages(report)
    assert messages and all("still requires grad" in m for m in messages)
    assert not any("create_graph" in m for m in messages) and all(t.hint is None for t in report.tests)
    # What the result does is still recognised: it is the attached mutant's outcome.
    assert report.mutants_matched == ["result still attached to the graph"]


def test_a_single_sample_is_not_asked_about_keepdim(sandbox: Sandbox) -> None:
    report = graded("autograd.chain_rule_grads", answers.CHAIN_RULE_SCALAR_DX1, sandbox)
    single = [t for t in report.tests if t.name == "a single sample"]
    assert single and not single[0].passed
    assert "keepdim" not in single[0].message("en") and "keepdim" not in single[0].message("zh")
    assert single[0].message("en").startswith("item 0: shape () but expected (1,)")


def test_keepdim_is_still_asked_beside_another_size() -> None:
    assert compare(torch.zeros(3, 1), torch.zeros(3), RULE).key == "shape_keepdim"
    assert compare(torch.zeros(1), torch.zeros(()), RULE).key == "shape"
    assert compare(torch.zeros(()), torch.zeros(1), RULE).key == "shape"


def test_numpy_float64_is_a_float(sandbox: Sandbox) -> None:
    report = graded("optim.mse_line", answers.MSE_AS_NUMPY_FLOAT64, sandbox)
    assert report.status == "passed", failed_messages(report)


def test_numpy_float32_is_refused_with_the_conversion(sandbox: Sandbox) -> None:
    report = graded("optim.mse_line", answers.MSE_AS_NUMPY_FLOAT32, sandbox)
    assert report.score == 0
    message = report.tests[0].message("en")
    assert message == "returned numpy.float32 but expected a float: convert it with float(...)"
    assert "float(...)" in report.tests[0].message("zh")


def test_articles_before_type_names() -> None:
    assert describe_type(3)["en"] == "an int"
    assert describe_type("x")["en"] == "a str"
    finding = compare(1.5, 3 + 0j, RULE)
    assert render(finding, "en") == "returned a complex but expected a float"


def test_inf_is_not_blamed_on_overflow_alone() -> None:
    finding = compare(torch.tensor([1.0]), torch.tensor([float("inf")]), RULE)
    for hidden in (False, True):
        sentence = render(finding, "en", hidden=hidden)
        assert "underflowed to 0" in sentence and "overflow" in sentence
        assert "下溢" in render(finding, "zh", hidden=hidden)


def test_broadcast_shape_says_what_it_accepts(sandbox: Sandbox) -> None:
    assert "a list of ints is accepted too" in BROADCAST.statement["en"]
    assert "整数列表也算对" in BROADCAST.statement["zh"]
    assert graded("tensors.broadcast_shape", answers.BROADCAST_AS_LIST, sandbox).status == "passed"


def test_gradient_descent_checks_the_vectorising_it_asks_for(sandbox: Sandbox) -> None:
    report = graded("optim.gradient_descent", answers.DESCENT_PER_POINT_LOOP, sandbox)
    slow = [t for t in report.tests if not t.passed]
    assert report.score < report.max_score
    assert [t.name for t in slow] == ["250000 points, 300 iterations (a per-point Python loop is too slow)"]
    assert slow[0].finding is not None and slow[0].finding.key.startswith("timeout")


def test_type_finding_for_other_values_is_unchanged() -> None:
    finding = Finding("type", {"actual": describe_type([1]), "expected": {"en": "a float", "zh": "浮点数"}})
    assert render(finding, "en") == "returned a list but expected a float"
