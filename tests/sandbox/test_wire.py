"""The wire format: exact round trips, and strict refusal of malformed or oversized frames."""

from __future__ import annotations

import io
import json
import os
import struct
import threading
import time

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from worker.sandbox import wire


def _round_trip(value: object) -> object:
    header, payload = wire.read_frame(io.BytesIO(wire.encode({"op": "x"}, {"v": value})))
    return wire.decode_value(header["v"], payload)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=False),
    st.text(max_size=50),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.tuples(inner, inner)),
    max_leaves=12,
)


@given(values)
@settings(max_examples=100, deadline=None)
def test_python_values_round_trip(value: object) -> None:
    assert _round_trip(value) == value


@pytest.mark.parametrize("dtype", list(wire.DTYPES.values()))
def test_tensors_round_trip_exactly(dtype: torch.dtype) -> None:
    t = (torch.randn(3, 4) * 10).to(dtype)
    back = _round_trip(t)
    assert back.dtype == dtype and back.shape == t.shape and torch.equal(back, t)


def test_a_float_subclass_is_a_float_and_numpy_float32_is_not() -> None:
    import numpy as np

    class Loud(float):
        def hex(self) -> str:  # what the subclass overrides is not what is sent
            return "0x1p+10"

    back = _round_trip(np.float64(0.1))
    assert type(back) is float and back == 0.1
    assert _round_trip(Loud(2.5)) == 2.5
    other = _round_trip(np.float32(0.5))
    assert isinstance(other, wire.Other) and other.type_name == "numpy.float32"


def test_special_floats_grad_and_views() -> None:
    assert _round_trip(float("inf")) == float("inf")
    assert _round_trip(float("nan")) != _round_trip(float("nan"))
    x = torch.ones(2, 3, requires_grad=True)
    x.grad = torch.full((2, 3), 4.0)
    back = _round_trip(x)
    assert back.requires_grad and torch.equal(back.grad, x.grad)
    view = torch.arange(12.0).reshape(3, 4).T[1:]
    assert torch.equal(_round_trip(view), view)
    assert _round_trip(torch.zeros(0, 3)).shape == (0, 3)


@pytest.mark.parametrize(
    "make",
    [
        lambda: torch.tensor(2.5),
        lambda: torch.zeros(4, 0, 2, dtype=torch.int64),
        lambda: torch.arange(6.0)[::2],
        lambda: torch.ones(3).expand(2, 3),
        lambda: torch.tensor([1 + 2j, 3 - 1j]).conj(),
        lambda: torch.tensor([1.0, -2.0])._neg_view(),
        lambda: torch.arange(24, dtype=torch.float64).reshape(2, 3, 4).permute(2, 0, 1),
        lambda: torch.tensor([True, False, True])[1:],
        lambda: torch.randn(200, 300),
    ],
    ids=["0-d", "empty", "strided", "expanded", "conj", "neg", "permuted", "bool", "large"],
)
def test_any_layout_round_trips_as_its_values(make: object) -> None:
    t = make()  # type: ignore[operator]
    back = _round_trip(t)
    assert back.is_contiguous() and back.shape == t.shape and back.dtype == t.dtype
    assert torch.equal(back, t.resolve_conj().resolve_neg())


def test_unsupported_values_are_named() -> None:
    class Sub(torch.Tensor):
        pass

    assert "Tensor subclass" in _round_trip(torch.zeros(2).as_subclass(Sub)).type_name
    assert _round_trip(object()).type_name == "builtins.object"
    assert _round_trip(torch.zeros(2).to_sparse()).type_name.startswith("torch.Tensor")


def _frame(header: dict[str, object], payload: bytes = b"") -> bytes:
    text = json.dumps(header).encode()
    return struct.pack("<4sII", wire.MAGIC, len(text), len(payload)) + text + payload


def _decode(frame: bytes) -> object:
    header, payload = wire.read_frame(io.BytesIO(frame))
    return wire.decode_value(header["v"], payload)


@pytest.mark.parametrize(
    "node, payload",
    [
        ({"t": "tensor", "dtype": "object", "shape": [1], "offset": 0, "nbytes": 8}, b"\0" * 8),
        ({"t": "tensor", "dtype": "float32", "shape": [3], "offset": 0, "nbytes": 8}, b"\0" * 8),
        ({"t": "tensor", "dtype": "float32", "shape": [2], "offset": 4, "nbytes": 8}, b"\0" * 8),
        ({"t": "tensor", "dtype": "float32", "shape": [-2], "offset": 0, "nbytes": 8}, b"\0" * 8),
        (
            {"t": "tensor", "dtype": "float32", "shape": [1] * 20, "offset": 0, "nbytes": 4},
            b"\0" * 4,
        ),
        ({"t": "int", "v": "9" * 5000}, b""),
        ({"t": "float", "v": "not a float"}, b""),
        ({"t": "pickle", "v": "cos\nsystem\n"}, b""),
        ({"t": "list", "items": "nope"}, b""),
        ({"t": "dict", "items": [[1, {"t": "none"}]]}, b""),
        ("just a string", b""),
    ],
)
def test_malformed_values_are_refused(node: object, payload: bytes) -> None:
    with pytest.raises(wire.WireError):
        _decode(_frame({"v": node}, payload))


def test_deep_nesting_and_too_many_items_are_refused() -> None:
    node: dict[str, object] = {"t": "none"}
    for _ in range(50):
        node = {"t": "list", "items": [node]}
    with pytest.raises(wire.WireError):
        _decode(_frame({"v": node}))
    wide = {"t": "list", "items": [{"t": "none"}] * 200_000}
    with pytest.raises(wire.WireError):
        _decode(_frame({"v": wide}))


def test_bad_prefixes_are_refused() -> None:
    with pytest.raises(wire.WireError):
        wire.parse_prefix(b"XXXX" + b"\0" * 8)
    with pytest.raises(wire.WireError):
        wire.parse_prefix(struct.pack("<4sII", wire.MAGIC, 1 << 30, 0))
    with pytest.raises(wire.WireError):
        wire.parse_prefix(struct.pack("<4sII", wire.MAGIC, 10, 1 << 40 & 0xFFFFFFFF or 0xFFFFFFFF))
    with pytest.raises(wire.WireError):
        wire.parse_header(b"NaN")
    with pytest.raises(wire.WireError):
        wire.parse_header(b'{"a": NaN}')


def test_an_empty_tensor_with_any_strides_is_encoded() -> None:
    # sort(...).values.select(-1, 1) of a (0, 5) tensor: no elements, stride 5, "contiguous".
    empty = torch.zeros(0, 5).sort(dim=-1).values.select(-1, 1)
    assert empty.stride() == (5,)
    header, payload = wire.read_frame(io.BytesIO(wire.encode({}, {"v": empty})))
    decoded = wire.decode_value(header["v"], payload)
    assert decoded.shape == (0,) and decoded.dtype == torch.float32


def test_a_frame_larger_than_a_pipe_arrives_whole_through_a_raw_pipe() -> None:
    """A raw (unbuffered) pipe gives at most what it holds at the moment: a frame over its
    64 KiB, written in pieces as the reader drains it, must still be read whole."""
    value = torch.randn(400, 100)  # 160 KB
    frame = wire.encode({"op": "case"}, {"v": value})
    read_end, write_end = os.pipe()

    def write_slowly() -> None:
        for start in range(0, len(frame), 20_000):
            os.write(write_end, frame[start : start + 20_000])
            time.sleep(0.01)
        os.close(write_end)

    writer = threading.Thread(target=write_slowly)
    writer.start()
    with open(read_end, "rb", buffering=0) as stream:
        header, payload = wire.read_frame(stream)
        with pytest.raises(EOFError):
            wire.read_frame(stream)
    writer.join()
    assert torch.equal(wire.decode_value(header["v"], payload), value)


def test_a_frame_cut_short_is_refused() -> None:
    frame = wire.encode({"op": "case"}, {"v": torch.ones(10)})
    with pytest.raises(wire.WireError, match="truncated"):
        wire.read_frame(io.BytesIO(frame[:-3]))
    with pytest.raises(wire.WireError, match="truncated"):
        wire.read_frame(io.BytesIO(frame[:3]))
