"""The comparison engine: shape, dtype, values, NaN/inf, leniency, sign invariance."""

from __future__ import annotations

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.exercise import Comparison
from grader.grading.compare import compare, same_grad, same_state
from grader.i18n.messages import render
from worker.sandbox.contract import Other

RULE = Comparison()
dtypes = st.sampled_from([torch.float32, torch.float64])
shapes = st.lists(st.integers(0, 4), min_size=0, max_size=3).map(tuple)


@st.composite
def tensors(draw: st.DrawFn) -> torch.Tensor:
    shape, dtype = draw(shapes), draw(dtypes)
    seed = draw(st.integers(0, 2**31))
    scale = draw(st.sampled_from([1e-3, 1.0, 1e3, 1e20]))
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=dtype) * scale


@given(tensors())
@settings(max_examples=60, deadline=None)
def test_a_tensor_equals_itself_and_a_copy(t: torch.Tensor) -> None:
    assert compare(t, t.clone(), RULE) is None


@given(tensors(), st.floats(1e-3, 10))
@settings(max_examples=60, deadline=None)
def test_a_relative_error_beyond_tolerance_is_found(t: torch.Tensor, factor: float) -> None:
    if t.numel() == 0 or bool((t.abs() < 1).any()):
        return
    wrong = t * (1 + factor)
    finding = compare(t, wrong, RULE)
    assert finding is not None and finding.key == "values"
    assert finding.params["count"] == t.numel()


@given(tensors())
@settings(max_examples=40, deadline=None)
def test_rounding_noise_within_tolerance_passes(t: torch.Tensor) -> None:
    noisy = t * (1 + 1e-7) if t.dtype == torch.float32 else t * (1 + 1e-10)
    assert compare(t, noisy, RULE) is None


def test_dropped_keepdim_is_named() -> None:
    finding = compare(torch.zeros(3, 1), torch.zeros(3), RULE)
    assert finding is not None and finding.key == "shape_keepdim"
    assert render(finding, "en") == "shape (3,) but expected (3, 1): did you drop keepdim?"
    assert "keepdim" in render(finding, "zh")


def test_extra_dim_transposed_and_wrong_axis() -> None:
    assert compare(torch.zeros(3), torch.zeros(1, 3), RULE).key == "shape_extra_dim"
    assert compare(torch.zeros(2, 3), torch.zeros(3, 2), RULE).key == "shape_transposed"
    assert compare(torch.zeros(2, 4), torch.zeros(3, 4), RULE).key == "shape"


def test_dtype_with_integer_division_hint() -> None:
    finding = compare(torch.zeros(2), torch.zeros(2, dtype=torch.int64), RULE)
    assert finding.key == "dtype_integer"
    assert render(finding, "en").startswith("dtype int64 but expected float32")
    assert compare(torch.zeros(2), torch.zeros(2, dtype=torch.float64), RULE).key == "dtype"


def test_nan_and_inf_are_located() -> None:
    want = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    got = want.clone()
    got[1, 0] = float("nan")
    finding = compare(want, got, RULE)
    assert finding.key == "nan" and finding.params["index"] == [1, 0]
    assert render(finding, "en") == "NaN at [1, 0] where 3.0 was expected"
    assert render(finding, "en", hidden=True).startswith("NaN in 1 place(s)")
    got[1, 0] = float("inf")
    assert compare(want, got, RULE).key == "inf"


def test_expected_nan_and_inf_are_fine() -> None:
    want = torch.tensor([float("nan"), float("inf"), 1.0])
    assert compare(want, want.clone(), RULE) is None
    assert compare(want, torch.tensor([float("nan"), float("-inf"), 1.0]), RULE).key == "inf"


def test_values_message_public_and_hidden() -> None:
    finding = compare(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.5, 3.0]), RULE)
    assert render(finding, "en") == (
        "1 of 3 values differ; largest error 0.5 at [1] (got 2.5, "
        "expected 2.0; tolerance 1e-05 relative, 1e-05 absolute)"
    )
    hidden = render(finding, "en", hidden=True)
    assert "2.5" not in hidden and "1 of 3 values differ" in hidden
    assert "3 个值中有 1 个不对" in render(finding, "zh")


def test_integers_are_exact() -> None:
    want = torch.tensor([1, 2, 3])
    assert compare(want, torch.tensor([1, 2, 3]), RULE) is None
    assert compare(want, torch.tensor([1, 2, 4]), RULE).key == "values"
    assert compare(3, 3, RULE) is None
    assert compare(3, torch.tensor(3), RULE) is None  # a 0-dim integer tensor where an int is asked
    assert compare(3, 3.0, RULE).key == "type"
    assert compare(3, True, RULE).key == "type"


def test_float_leniency() -> None:
    assert compare(2.5, torch.tensor(2.5), RULE) is None
    assert compare(2.5, 2.5 + 1e-9, RULE) is None
    assert compare(2.0, 2, RULE) is None
    assert compare(2.5, torch.tensor([2.5]), RULE).key == "type"
    assert compare(torch.tensor(2.5), 2.5, RULE).key == "type"
    assert compare(torch.tensor(2.5), 2.5, Comparison(float_for_tensor=True)) is None


def test_list_for_tuple_and_item_paths() -> None:
    want = (torch.zeros(2), torch.ones(3))
    assert compare(want, [torch.zeros(2), torch.ones(3)], RULE) is None
    finding = compare(want, (torch.zeros(2), torch.ones(2)), RULE)
    assert finding.path == "item 1" and render(finding, "en").startswith("item 1: shape (2,)")
    assert compare(want, (torch.zeros(2),), RULE).key == "length"
    assert compare(want, torch.zeros(2), RULE).key == "type"


def test_wrong_types_are_named() -> None:
    finding = compare(torch.zeros(2), Other("numpy.ndarray"), RULE)
    assert render(finding, "en") == (
        "returned numpy.ndarray but expected a torch.Tensor: convert it with torch.as_tensor(...)"
    )
    assert compare(torch.zeros(2), None, RULE).key == "type"


def test_requires_grad_must_match() -> None:
    finding = compare(torch.zeros(2), torch.zeros(2, requires_grad=True), RULE)
    assert finding.key == "requires_grad"


@given(st.integers(0, 2**31), st.lists(st.booleans(), min_size=3, max_size=3))
@settings(max_examples=40, deadline=None)
def test_sign_invariant_columns(seed: int, flips: list[bool]) -> None:
    want = torch.randn(6, 3, generator=torch.Generator().manual_seed(seed), dtype=torch.float64) + 0.1
    signs = torch.tensor([-1.0 if f else 1.0 for f in flips], dtype=torch.float64)
    rule = Comparison(sign_invariant_dim=1)
    assert compare(want, want * signs, rule) is None
    assert compare(want, want * 2, rule) is not None
    if any(flips):
        assert compare(want, want * signs, RULE) is not None


def test_in_place_changes_are_seen() -> None:
    x = torch.arange(3.0)
    assert same_state([x, 2], [x.clone(), 2])
    changed = x.clone()
    changed[0] = 5
    assert not same_state(x, changed)
    assert not same_state(x, x.double())
    nan = torch.tensor([float("nan")])
    assert same_state(nan, nan.clone())


def test_grad_changes_are_seen() -> None:
    x = torch.ones(2, requires_grad=True)
    y = torch.ones(2, requires_grad=True)
    assert same_grad(x, y, RULE)
    y.grad = torch.ones(2)
    assert not same_grad(x, y, RULE)
    x.grad = torch.ones(2)
    assert same_grad(x, y, RULE)


def test_a_bool_mask_where_numbers_are_expected() -> None:
    finding = compare(torch.zeros(2), torch.tensor([True, False]), RULE)
    assert finding.key == "dtype_bool"
    assert "mask.to(x.dtype)" in render(finding, "en")


def test_chinese_messages_localize_the_item_path_and_type_names() -> None:
    finding = compare((torch.zeros(2), 1.5), (torch.zeros(2), None), RULE)
    assert render(finding, "zh") == "第 1 项：返回了 None，但应返回 浮点数（float）"
    assert render(finding, "en") == "item 1: returned None but expected a float"


def test_close_values_are_shown_with_enough_digits() -> None:
    finding = compare(9.80114012, 9.801139831, Comparison(rtol=1e-9, atol=0))
    assert render(finding, "en") == "returned 9.80113983 but expected 9.80114012"
