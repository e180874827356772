"""Compare what a submission returned with what the reference returned: pure functions.

Order of checks for a tensor: type, shape, dtype, requires_grad, then values (NaN and inf
located first, then tolerances that suit the dtype). Containers are compared item by item with
the item's position in the message. Fair leniency: a list for a tuple (and back), a Python
number or a 0-dim tensor where a number is expected. Returns ``None`` when the values agree,
else one ``Finding`` saying precisely what differs.
"""

from __future__ import annotations

from typing import Any

import torch

from grader.grading.exercise import Comparison
from grader.i18n.messages import Finding
from worker.sandbox.contract import Other

# (rtol, atol) by dtype; what torch.testing uses, loosened a little for float32 sums.
DEFAULT_TOLERANCES: dict[torch.dtype, tuple[float, float]] = {
    torch.float16: (1e-3, 1e-5),
    torch.bfloat16: (1.6e-2, 1e-5),
    torch.float32: (1e-5, 1e-5),
    torch.float64: (1e-7, 1e-7),
    torch.complex64: (1e-5, 1e-5),
    torch.complex128: (1e-7, 1e-7),
}
SCALAR_TOLERANCE = (1e-5, 1e-6)


# What a student was asked to return, in both languages.
KINDS: dict[str, dict[str, str]] = {
    "tensor": {"en": "a torch.Tensor", "zh": "torch.Tensor 张量"},
    "float": {"en": "a float", "zh": "浮点数（float）"},
    "int": {"en": "an int", "zh": "整数（int）"},
    "bool": {"en": "a bool", "zh": "布尔值（bool）"},
    "tuple": {"en": "a tuple", "zh": "元组（tuple）"},
    "list": {"en": "a list", "zh": "列表（list）"},
}


def describe_type(value: Any) -> dict[str, str]:
    """How a value's type is named to a student, in both languages."""
    if isinstance(value, Other):
        return {"en": value.type_name, "zh": value.type_name}
    if isinstance(value, torch.Tensor):
        shape = shape_text(value.shape)
        return {"en": f"a tensor of shape {shape}", "zh": f"形状为 {shape} 的张量"}
    if value is None:
        return {"en": "None", "zh": "None"}
    name = type(value).__name__
    article = "an" if name[:1] in "aeiou" else "a"
    return {"en": f"{article} {name}", "zh": f"{name} 类型的值"}


# How to turn a numpy value into what was asked for (numpy's scalars and arrays reach the
# grader only as their type's name: the wire carries no numpy).
_CONVERSIONS = {
    "float": "float(...)",
    "int": "int(...)",
    "bool": "bool(...)",
    "tensor": "torch.as_tensor(...)",
}


def type_finding(actual: Any, wanted: str, path: str) -> Finding:
    """A wrong type, with the conversion to write when the value is numpy's."""
    params: dict[str, Any] = {"actual": describe_type(actual), "expected": KINDS[wanted]}
    if isinstance(actual, Other) and actual.type_name.startswith("numpy.") and wanted in _CONVERSIONS:
        return Finding("type_numpy", {**params, "convert": _CONVERSIONS[wanted]}, path)
    return Finding("type", params, path)


def shape_text(shape: torch.Size | tuple[int, ...]) -> str:
    """(3,) or (2, 3) or () - Python's tuple notation."""
    return str(tuple(shape))


def format_value(value: Any, digits: int = 6) -> str:
    """A compact rendering of a (public) value for messages: floats to ``digits`` significant
    digits (always with a point, so 1.0 does not read as an int), small tensors as lists."""
    if isinstance(value, torch.Tensor):
        flat = value.detach()
        if flat.numel() > 12:
            return f"tensor of shape {shape_text(flat.shape)}"
        return format_value(flat.tolist(), digits)
    if isinstance(value, float):
        text = f"{value:.{digits}g}"
        return text + ".0" if text.lstrip("-").isdigit() else text
    if isinstance(value, (list, tuple)):
        inner = ", ".join(format_value(item, digits) for item in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner}{',' if len(value) == 1 else ''})"
    return repr(value)


def format_pair(actual: Any, expected: Any) -> dict[str, str]:
    """Both values with as many digits as it takes for them to read differently."""
    for digits in (6, 9, 12, 17):
        shown = {"actual": format_value(actual, digits), "expected": format_value(expected, digits)}
        if shown["actual"] != shown["expected"]:
            break
    return shown


def tolerances(dtype: torch.dtype, rule: Comparison) -> tuple[float, float]:
    """(rtol, atol) for a dtype, with the exercise's overrides applied."""
    rtol, atol = DEFAULT_TOLERANCES.get(dtype, (0.0, 0.0))
    return (
        rule.rtol if rule.rtol is not None else rtol,
        rule.atol if rule.atol is not None else atol,
    )


def compare(expected: Any, actual: Any, rule: Comparison, path: str = "") -> Finding | None:
    """None if ``actual`` agrees with ``expected`` under ``rule``, else what differs."""
    if isinstance(expected, torch.Tensor):
        return _compare_tensor(expected, actual, rule, path)
    if isinstance(expected, bool):
        return _compare_exact(expected, _as_python(actual, bool), "bool", path, actual)
    if isinstance(expected, int):
        return _compare_exact(expected, _as_python(actual, int), "int", path, actual)
    if isinstance(expected, float):
        return _compare_float(expected, actual, rule, path)
    if isinstance(expected, (tuple, list)):
        return _compare_sequence(expected, actual, rule, path)
    if expected is None or isinstance(expected, str):
        if type(actual) is type(expected) and actual == expected:
            return None
        return Finding("value", format_pair(actual, expected), path)
    raise TypeError(f"the reference returned an unsupported {type(expected).__name__}")


def _as_python(value: Any, kind: type) -> Any:
    """A Python int/bool from a value, accepting a 0-dim tensor of the right kind."""
    if isinstance(value, torch.Tensor) and value.dim() == 0:
        if kind is bool and value.dtype == torch.bool:
            return bool(value)
        if kind is int and not value.dtype.is_floating_point and value.dtype != torch.bool:
            return int(value)
        return value
    if kind is int and type(value) is bool:
        return value  # a bool is not an index
    return value


def _compare_exact(expected: Any, converted: Any, wanted: str, path: str, actual: Any) -> Finding | None:
    if type(converted) is not type(expected):
        return type_finding(actual, wanted, path)
    if converted != expected:
        return Finding("value", {"actual": repr(converted), "expected": repr(expected)}, path)
    return None


def _compare_float(expected: float, actual: Any, rule: Comparison, path: str) -> Finding | None:
    if isinstance(actual, torch.Tensor) and actual.dim() == 0 and actual.dtype.is_floating_point:
        actual = float(actual.detach())
    if type(actual) is int:
        actual = float(actual)
    if type(actual) is not float:
        return type_finding(actual, "float", path)
    rtol = rule.rtol if rule.rtol is not None else SCALAR_TOLERANCE[0]
    atol = rule.atol if rule.atol is not None else SCALAR_TOLERANCE[1]
    got, want = (
        torch.tensor(actual, dtype=torch.float64),
        torch.tensor(expected, dtype=torch.float64),
    )
    if bool(torch.isclose(got, want, rtol=rtol, atol=atol, equal_nan=True)):
        return None
    if actual != actual:
        return Finding("nan", {"index": "()", "expected": format_value(expected), "count": 1}, path)
    return Finding("value", format_pair(actual, expected), path)


def _compare_sequence(
    expected: tuple[Any, ...] | list[Any], actual: Any, rule: Comparison, path: str
) -> Finding | None:
    wanted = KINDS["tuple"] if isinstance(expected, tuple) else KINDS["list"]
    if not isinstance(actual, (tuple, list)):
        return Finding("type", {"actual": describe_type(actual), "expected": wanted}, path)
    if len(actual) != len(expected):
        return Finding("length", {"actual": len(actual), "expected": len(expected)}, path)
    for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
        finding = compare(want, got, rule, _join(path, f"item {index}"))
        if finding is not None:
            return finding
    return None


def _join(path: str, part: str) -> str:
    return f"{path}, {part}" if path else part


def _compare_tensor(expected: torch.Tensor, actual: Any, rule: Comparison, path: str) -> Finding | None:
    if not isinstance(actual, torch.Tensor):
        if rule.float_for_tensor and expected.dim() == 0 and type(actual) in (int, float):
            actual = torch.tensor(actual, dtype=expected.dtype)
        else:
            return type_finding(actual, "tensor", path)
    if actual.shape != expected.shape:
        return Finding(
            _shape_key(tuple(actual.shape), tuple(expected.shape)),
            {"actual": shape_text(actual.shape), "expected": shape_text(expected.shape)},
            path,
        )
    if rule.check_dtype and actual.dtype != expected.dtype:
        key = "dtype"
        if expected.dtype.is_floating_point and actual.dtype == torch.bool:
            key = "dtype_bool"
        elif expected.dtype.is_floating_point and not actual.dtype.is_floating_point:
            key = "dtype_integer"
        return Finding(
            key,
            {"actual": _dtype_name(actual.dtype), "expected": _dtype_name(expected.dtype)},
            path,
        )
    if expected.requires_grad != actual.requires_grad:
        return Finding("requires_grad" if actual.requires_grad else "not_requires_grad", {}, path)
    return compare_values(expected.detach(), actual.detach(), rule, path)


def _dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


def _shape_key(actual: tuple[int, ...], expected: tuple[int, ...]) -> str:
    """Name the likely slip behind a shape mismatch.

    A lost or extra size-1 dimension reads as keepdim only beside a dimension of another size:
    () against (1,) is a single-sample case, where a missing broadcast or a missing sum looks
    the same, and asking about keepdim points at the wrong cause."""
    kept = _drop_ones(expected)
    if len(actual) + 1 == len(expected) and kept and kept == _drop_ones(actual):
        return "shape_keepdim"
    if len(actual) == len(expected) + 1 and kept and _drop_ones(actual) == kept:
        return "shape_extra_dim"
    if len(actual) == len(expected) >= 2 and actual == expected[::-1]:
        return "shape_transposed"
    if len(actual) == len(expected) and sorted(actual) != sorted(expected):
        return "shape"
    if len(actual) == len(expected):
        return "shape_wrong_axis"
    return "shape"


def _drop_ones(shape: tuple[int, ...]) -> list[int]:
    return [size for size in shape if size != 1]


def compare_values(
    expected: torch.Tensor, actual: torch.Tensor, rule: Comparison, path: str = ""
) -> Finding | None:
    """Element-wise comparison of two same-shape tensors: exact for integers and bools."""
    if expected.numel() == 0:
        return None
    if expected.dtype == actual.dtype and torch.equal(expected, actual):
        return None  # bit-identical (no NaN): the common case of a right answer, in one call
    exact = not (expected.dtype.is_floating_point or expected.dtype.is_complex)
    if exact and not (actual.dtype.is_floating_point or actual.dtype.is_complex):
        wrong = expected.to(torch.int64) != actual.to(torch.int64)
        return _values_finding(expected, actual, wrong, None, "0 (exact)", path)
    wide = torch.complex128 if expected.is_complex() or actual.is_complex() else torch.float64
    want, got = expected.to(wide), actual.to(wide)
    if rule.sign_invariant_dim is not None:
        want = _align_signs(want, got, rule.sign_invariant_dim)
    finding = _nonfinite_finding(want, got, path)
    if finding is not None:
        return finding
    rtol, atol = tolerances(expected.dtype, rule)
    close = torch.isclose(got, want, rtol=rtol, atol=atol, equal_nan=True)
    error = (got - want).abs().nan_to_num(nan=float("inf"))
    return _values_finding(want, got, ~close, error, f"{rtol:.0e} relative, {atol:.0e} absolute", path)


def _align_signs(expected: torch.Tensor, actual: torch.Tensor, dim: int) -> torch.Tensor:
    """Flip each slice of ``expected`` along ``dim`` to the sign that best matches ``actual``."""
    if expected.dim() == 0:
        return expected
    dim = dim % expected.dim()
    others = [d for d in range(expected.dim()) if d != dim]
    agreement = (
        (expected * actual.nan_to_num()).real.sum(dim=others, keepdim=True)
        if others
        else (expected * actual.nan_to_num()).real
    )
    signs = torch.where(agreement < 0, -1.0, 1.0).to(expected.dtype)
    return expected * signs


def _nonfinite_finding(want: torch.Tensor, got: torch.Tensor, path: str) -> Finding | None:
    bad_nan = got.isnan() & ~want.isnan()
    if bool(bad_nan.any()):
        index = _first_index(bad_nan)
        return Finding(
            "nan",
            {
                "index": index,
                "expected": format_value(_at(want, bad_nan)),
                "count": int(bad_nan.sum()),
            },
            path,
        )
    bad_inf = got.isinf() & ~(want.isinf() & (got == want))
    if bool(bad_inf.any()):
        return Finding(
            "inf",
            {
                "index": _first_index(bad_inf),
                "actual": format_value(_at(got, bad_inf)),
                "expected": format_value(_at(want, bad_inf)),
                "count": int(bad_inf.sum()),
            },
            path,
        )
    return None


def _values_finding(
    want: torch.Tensor,
    got: torch.Tensor,
    wrong: torch.Tensor,
    error: torch.Tensor | None,
    tolerance: str,
    path: str,
) -> Finding | None:
    count = int(wrong.sum())
    if count == 0:
        return None
    if error is None:
        error = (got.to(torch.float64) - want.to(torch.float64)).abs()
    masked = torch.where(wrong, error.real if error.is_complex() else error, -1.0)
    flat = int(masked.reshape(-1).argmax())
    index = tuple(int(i) for i in torch.unravel_index(torch.tensor(flat), want.shape))
    return Finding(
        "values",
        {
            "count": count,
            "total": want.numel(),
            "error": f"{float(masked.reshape(-1)[flat]):.3g}",
            "index": list(index),
            **format_pair(got.reshape(-1)[flat].item(), want.reshape(-1)[flat].item()),
            "tolerance": tolerance,
        },
        path,
    )


def _first_index(mask: torch.Tensor) -> list[int]:
    return [int(i) for i in mask.nonzero()[0]] if mask.dim() else []


def _at(values: torch.Tensor, mask: torch.Tensor) -> Any:
    return values[mask].reshape(-1)[0].item() if values.dim() else values.item()


def same_state(before: Any, after: Any) -> bool:
    """True if an argument came back exactly as the reference left it (in-place writes show)."""
    if isinstance(before, torch.Tensor):
        if not isinstance(after, torch.Tensor) or after.shape != before.shape or after.dtype != before.dtype:
            return False
        if torch.equal(before, after):
            return True  # no NaN among them; the slower test below treats NaN as equal to NaN
        return bool(
            torch.equal(before.detach().nan_to_num(), after.detach().nan_to_num())
        ) and before.isnan().equal(after.isnan())
    if isinstance(before, (list, tuple)):
        return (
            isinstance(after, (list, tuple))
            and len(after) == len(before)
            and all(same_state(b, a) for b, a in zip(before, after, strict=True))
        )
    return True


def same_grad(before: Any, after: Any, rule: Comparison) -> bool:
    """True if a tensor argument's ``.grad`` matches what the reference left (within tolerance)."""
    if not isinstance(before, torch.Tensor) or not isinstance(after, torch.Tensor):
        return True
    want, got = before.grad, after.grad
    if want is None or got is None:
        return want is None and got is None
    return want.shape == got.shape and compare_values(want, got, rule) is None
