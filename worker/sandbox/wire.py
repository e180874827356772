"""The wire format between the trusted side and a sandboxed child: no pickle, strict limits.

A frame is ``MAGIC | u32 header length | u32 payload length | header | payload``. The header is
UTF-8 JSON describing a value tree; tensors in the tree point at ``[offset, offset + nbytes)`` of
the raw payload. Decoding trusts nothing: sizes, depth, item counts, dtypes, shapes and byte
ranges are all checked, and a tensor is rebuilt as a fresh copy of plain CPU memory.

Value tree nodes (JSON objects with a ``t`` key):
    none | bool v | int v | float v (float.hex text, so nan and inf survive) | str v
    list items | tuple items | dict items=[[key, node], ...] (string keys only)
    tensor dtype shape offset nbytes requires_grad [grad: tensor node]
    other type (a value the format does not carry: its type name, for the feedback)
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass
from typing import Any, BinaryIO

import torch

from worker.sandbox.contract import Other

MAGIC = b"TG1\n"
_PREFIX = struct.Struct("<4sII")

DTYPES: dict[str, torch.dtype] = {
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
    "complex64": torch.complex64,
    "complex128": torch.complex128,
    "uint8": torch.uint8,
    "int8": torch.int8,
    "int16": torch.int16,
    "int32": torch.int32,
    "int64": torch.int64,
    "bool": torch.bool,
}
DTYPE_NAMES = {dtype: name for name, dtype in DTYPES.items()}


class WireError(ValueError):
    """A frame broke the format or one of its limits."""


@dataclass(frozen=True)
class Limits:
    """Caps applied when decoding one frame."""

    max_header: int = 1 << 20
    max_payload: int = 64 << 20
    max_depth: int = 12
    max_items: int = 100_000
    max_dims: int = 8
    max_str: int = 64 << 10
    max_int_digits: int = 1000


DEFAULT_LIMITS = Limits()


# ---------------------------------------------------------------------------------- encoding


class _Encoder:
    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.size = 0

    def node(self, value: Any, depth: int = 0) -> dict[str, Any]:
        if depth > DEFAULT_LIMITS.max_depth:
            return {"t": "other", "type": "value nested too deeply"}
        kind = type(value)
        if value is None:
            return {"t": "none"}
        if kind is bool:
            return {"t": "bool", "v": value}
        if kind is int:
            return {"t": "int", "v": str(value)}
        if kind is float:
            return {"t": "float", "v": value.hex()}
        if isinstance(value, float):
            # numpy.float64 is a float: carried as one (float.hex reads the double itself,
            # whatever the subclass overrides). numpy.float32 is not, and stays "other".
            return {"t": "float", "v": float.hex(value)}
        if kind is str:
            return {"t": "str", "v": value[: DEFAULT_LIMITS.max_str]}
        if kind is list or kind is tuple:
            items = [self.node(item, depth + 1) for item in value[: DEFAULT_LIMITS.max_items]]
            return {"t": "list" if kind is list else "tuple", "items": items}
        if kind is dict:
            pairs = list(value.items())[: DEFAULT_LIMITS.max_items]
            return {
                "t": "dict",
                "items": [[str(k), self.node(v, depth + 1)] for k, v in pairs if type(k) is str],
            }
        if kind is torch.Tensor:
            return self.tensor(value, depth)
        if isinstance(value, torch.Tensor):
            return {
                "t": "other",
                "type": f"{kind.__module__}.{kind.__qualname__} (a Tensor subclass)",
            }
        return {"t": "other", "type": f"{kind.__module__}.{kind.__qualname__}"}

    def tensor(self, value: torch.Tensor, depth: int) -> dict[str, Any]:
        if value.layout != torch.strided or value.device.type != "cpu":
            return {"t": "other", "type": f"torch.Tensor on {value.device} ({value.layout})"}
        name = DTYPE_NAMES.get(value.dtype)
        if name is None:
            return {"t": "other", "type": f"torch.Tensor of dtype {value.dtype}"}
        data = value.detach().resolve_conj().resolve_neg().contiguous()
        # Bytes through a uint8 view and numpy: one copy (``bytes(storage)`` went element by
        # element, about 20 microseconds per value).
        # An empty tensor counts as contiguous with any strides, and a byte view needs stride 1.
        raw = data.reshape(-1).view(torch.uint8).numpy().tobytes() if data.numel() else b""
        node: dict[str, Any] = {
            "t": "tensor",
            "dtype": name,
            "shape": list(value.shape),
            "offset": self.size,
            "nbytes": len(raw),
            "requires_grad": bool(value.requires_grad),
        }
        self.chunks.append(raw)
        self.size += len(raw)
        grad = value.grad if value.is_leaf and value.requires_grad else None
        if type(grad) is torch.Tensor and depth < DEFAULT_LIMITS.max_depth:
            node["grad"] = self.tensor(grad, depth + 1)
        return node


def encode(header: dict[str, Any], values: dict[str, Any] | None = None) -> bytes:
    """One frame: ``header`` (plain JSON data) plus ``values`` encoded as value trees."""
    encoder = _Encoder()
    body = dict(header)
    for key, value in (values or {}).items():
        body[key] = encoder.node(value)
    text = json.dumps(body, separators=(",", ":"), allow_nan=False).encode()
    payload = b"".join(encoder.chunks)
    return _PREFIX.pack(MAGIC, len(text), len(payload)) + text + payload


def write_frame(stream: BinaryIO, frame: bytes) -> None:
    """Write one whole frame and flush it."""
    stream.write(frame)
    stream.flush()


# ---------------------------------------------------------------------------------- decoding


def parse_prefix(prefix: bytes, limits: Limits = DEFAULT_LIMITS) -> tuple[int, int]:
    """The header and payload sizes announced by a frame's 12-byte prefix, checked."""
    if len(prefix) != _PREFIX.size:
        raise WireError("truncated frame prefix")
    magic, header_len, payload_len = _PREFIX.unpack(prefix)
    if magic != MAGIC:
        raise WireError("bad magic: not a frame")
    if header_len > limits.max_header:
        raise WireError(f"header of {header_len} bytes is over the limit of {limits.max_header}")
    if payload_len > limits.max_payload:
        raise WireError(f"payload of {payload_len} bytes is over the limit of {limits.max_payload}")
    return header_len, payload_len


PREFIX_SIZE = _PREFIX.size


def _read_exactly(stream: BinaryIO, size: int) -> bytes:
    """``size`` bytes, or fewer only at the end of the stream. A raw pipe returns what it holds
    at the moment, at most its buffer (64 KiB): a larger frame, or one the writer has not
    finished writing, comes in several reads."""
    chunks, remaining = [], size
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_frame(stream: BinaryIO, limits: Limits = DEFAULT_LIMITS) -> tuple[dict[str, Any], bytes]:
    """Read one frame from a blocking stream: (header object, payload). EOFError at a clean end."""
    prefix = _read_exactly(stream, PREFIX_SIZE)
    if not prefix:
        raise EOFError
    if len(prefix) != PREFIX_SIZE:
        raise WireError("truncated frame")
    header_len, payload_len = parse_prefix(prefix, limits)
    body = _read_exactly(stream, header_len + payload_len)
    if len(body) != header_len + payload_len:
        raise WireError("truncated frame")
    return parse_header(body[:header_len]), body[header_len:]


def parse_header(text: bytes) -> dict[str, Any]:
    """The JSON header of a frame, which must be an object."""
    try:
        header = json.loads(text.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise WireError(f"header is not valid JSON: {exc}") from None
    if not isinstance(header, dict):
        raise WireError("header is not a JSON object")
    return header


def _reject_constant(name: str) -> Any:
    raise WireError(f"{name} is not allowed in a header")


class _Decoder:
    def __init__(self, payload: bytes, limits: Limits) -> None:
        self.payload = payload
        self.limits = limits
        self.items = 0

    def node(self, node: Any, depth: int = 0) -> Any:
        if depth > self.limits.max_depth:
            raise WireError("value nested too deeply")
        self.items += 1
        if self.items > self.limits.max_items:
            raise WireError("too many values")
        if not isinstance(node, dict) or not isinstance(node.get("t"), str):
            raise WireError("malformed value node")
        kind = node["t"]
        if kind == "none":
            return None
        if kind == "bool":
            return _typed(node.get("v"), bool)
        if kind == "int":
            text = _typed(node.get("v"), str)
            if len(text) > self.limits.max_int_digits:
                raise WireError("integer too large")
            try:
                return int(text)
            except ValueError:
                raise WireError("malformed integer") from None
        if kind == "float":
            return _parse_float(_typed(node.get("v"), str))
        if kind == "str":
            text = _typed(node.get("v"), str)
            if len(text) > self.limits.max_str:
                raise WireError("string too long")
            return text
        if kind in ("list", "tuple"):
            items = [self.node(item, depth + 1) for item in _typed(node.get("items"), list)]
            return items if kind == "list" else tuple(items)
        if kind == "dict":
            return {
                _typed(pair[0], str): self.node(pair[1], depth + 1)
                for pair in (_pair(p) for p in _typed(node.get("items"), list))
            }
        if kind == "tensor":
            return self.tensor(node, depth)
        if kind == "other":
            return Other(_typed(node.get("type"), str)[:200])
        raise WireError(f"unknown value kind {kind!r}")

    def tensor(self, node: dict[str, Any], depth: int) -> torch.Tensor:
        dtype = DTYPES.get(_typed(node.get("dtype"), str))
        if dtype is None:
            raise WireError(f"dtype {node.get('dtype')!r} is not allowed")
        shape = _typed(node.get("shape"), list)
        if len(shape) > self.limits.max_dims:
            raise WireError("too many dimensions")
        if not all(type(size) is int and size >= 0 for size in shape):
            raise WireError("malformed shape")
        offset, nbytes = _typed(node.get("offset"), int), _typed(node.get("nbytes"), int)
        itemsize = dtype.itemsize
        if math.prod(shape) * itemsize != nbytes:
            raise WireError("tensor size does not match its shape and dtype")
        if offset < 0 or offset + nbytes > len(self.payload):
            raise WireError("tensor bytes lie outside the payload")
        raw = bytearray(self.payload[offset : offset + nbytes])
        if dtype is torch.bool:
            flat = torch.frombuffer(raw, dtype=torch.uint8) != 0 if raw else torch.empty(0, dtype=dtype)
        else:
            flat = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        tensor = flat.reshape(shape).clone()
        if _typed(node.get("requires_grad", False), bool) and (dtype.is_floating_point or dtype.is_complex):
            tensor.requires_grad_(True)
        if "grad" in node:
            grad = self.tensor(_typed(node["grad"], dict), depth + 1)
            if tensor.requires_grad and grad.shape == tensor.shape and grad.dtype == tensor.dtype:
                tensor.grad = grad
        return tensor


def _typed(value: Any, kind: type) -> Any:
    if type(value) is not kind:
        raise WireError(f"expected {kind.__name__}, found {type(value).__name__}")
    return value


def _pair(value: Any) -> list[Any]:
    if type(value) is not list or len(value) != 2:
        raise WireError("malformed dict item")
    return value


def _parse_float(text: str) -> float:
    if len(text) > 64:
        raise WireError("malformed float")
    try:
        return float.fromhex(text)
    except ValueError:
        raise WireError("malformed float") from None


def decode_value(node: Any, payload: bytes, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Rebuild one value tree from a decoded header node and its frame's payload."""
    return _Decoder(payload, limits).node(node)
