"""What runs inside a confined child: load the submission, then run cases as they arrive.

The trusted side sends ``load`` (the code cells and the function name), then the public ``case``
frames, then, once every public case has answered, the hidden ones, then ``end``. So while public
cases run no hidden input is yet in this process's memory, and the output printed until then
can be shown safely. Each case is answered before the next frame is read.
Every reply is plain data in the wire format; nothing here is believed by the trusted side
beyond "these are the values the function returned".
"""

from __future__ import annotations

import contextlib
import sys
import traceback
import types
from typing import Any, BinaryIO

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode, _get_current_dispatch_mode

from worker.sandbox import wire

MAX_MESSAGE = 2000
MAX_OPS = 400


class _Guard:
    """Notices the dispatch-mode stack being popped while a case runs (the recorders switched
    off, e.g. by ``_disable_current_modes``), which the top-of-stack check after the call misses
    because such helpers push the modes back before returning."""

    in_case = False
    tampered = False

    @classmethod
    def wrap(cls, original: Any) -> Any:
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if cls.in_case:
                cls.tampered = True
            return original(*args, **kwargs)

        return guarded


def install_guards() -> None:
    """Route every Python-level pop of the dispatch-mode stack through the guard."""
    import torch.utils._python_dispatch as python_dispatch

    original = torch._C._pop_torch_dispatch_stack
    guarded = _Guard.wrap(original)
    torch._C._pop_torch_dispatch_stack = guarded
    python_dispatch._pop_torch_dispatch_stack = guarded  # bound there by `from torch._C import`


class DispatchRecorder(TorchDispatchMode):
    """Records every aten op the student's call executes, below any Python-level aliasing."""

    def __init__(self) -> None:
        super().__init__()
        self.ops: set[str] = set()

    @classmethod
    def _should_skip_dynamo(cls) -> bool:
        # Otherwise torch wraps __torch_dispatch__ to skip dynamo, and the wrapper's first
        # call imports dynamo and sympy (~820 modules, ~70 MiB in every fork, ~1 s of CPU).
        return False

    def __torch_dispatch__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        if len(self.ops) < MAX_OPS:
            self.ops.add(f"{func.namespace}::{func.overloadpacket.__name__}")
            # The autograd engine runs the backward graph through the dispatcher too.
            if torch._C._current_graph_task_id() != -1:
                self.ops.add("autograd::backward")
        return func(*args, **(kwargs or {}))


class FunctionRecorder(TorchFunctionMode):
    """Records the torch-level functions called (Tensor.backward, torch.autograd.grad, ...)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def __torch_function__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        if len(self.names) < MAX_OPS:
            self.names.add(function_name(func))
        return func(*args, **(kwargs or {}))


def function_name(func: Any) -> str:
    """A stable dotted name: ``Tensor.sum``, ``torch.matmul``, ``torch.autograd.grad``."""
    qualname = str(getattr(func, "__qualname__", None) or getattr(func, "__name__", None) or repr(func))
    module = str(getattr(func, "__module__", None) or "")
    if qualname.startswith(("TensorBase.", "Tensor.")):
        return "Tensor." + qualname.split(".", 1)[1]
    if qualname.startswith("_VariableFunctionsClass."):
        return "torch." + qualname.split(".", 1)[1]
    if module.startswith("torch._C._") and not module.startswith("torch._C._VariableFunctions"):
        # torch._C._special.special_expit -> torch.special.expit; torch._C._nn.linear ->
        # torch.nn.functional.linear: the names students write and ban lists use.
        namespace = module[len("torch._C._") :]
        qualname = qualname.removeprefix(namespace + "_")
        module = "torch.nn.functional" if namespace == "nn" else "torch." + namespace
    if module in ("", "torch._C._VariableFunctions", "torch.functional", "torch._C"):
        module = "torch"
    return f"{module}.{qualname}"


def error_info(exc: BaseException, filenames: set[str]) -> dict[str, Any]:
    """Plain facts about an exception: type, builtin bases, message and where in the student's code."""
    try:
        message = str(exc)[:MAX_MESSAGE]
    except Exception:
        message = "<the exception's message could not be read>"
    location: dict[str, Any] = {}
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename in filenames:
            location = {"file": frame.filename, "line": frame.lineno}
    if isinstance(exc, SyntaxError) and exc.filename in filenames:
        location = {"file": exc.filename, "line": exc.lineno or 0}
    kind = type(exc)
    builtin_bases = [c.__name__ for c in kind.__mro__ if c.__module__ == "builtins"]
    return {"type": kind.__name__, "bases": builtin_bases, "message": message, **location}


class Submission:
    """The student's code, loaded into a fresh module namespace."""

    def __init__(self, header: dict[str, Any]) -> None:
        self.function_name = str(header["function"])
        self.cells = [(str(c["name"]), str(c["source"])) for c in header["cells"]]
        self.tolerant = bool(header.get("tolerant", False))
        self.filenames = {name for name, _ in self.cells}
        self.module = types.ModuleType("submission")

    def load(self) -> dict[str, Any]:
        """Execute the cells; in a notebook a failing cell is noted and the rest still run."""
        cell_errors = []
        for name, source in self.cells:
            try:
                exec(compile(source, name, "exec"), self.module.__dict__)
            except BaseException as exc:
                info = error_info(exc, self.filenames)
                if not self.tolerant:
                    return {"op": "loaded", "ok": False, "error": info}
                cell_errors.append(info)
        function = self.module.__dict__.get(self.function_name)
        if not callable(function):
            found = type(function).__name__ if function is not None else None
            return {
                "op": "loaded",
                "ok": False,
                "cell_errors": cell_errors,
                "missing": self.function_name,
                "found": found,
            }
        return {"op": "loaded", "ok": True, "cell_errors": cell_errors}

    def call(self, args: tuple[Any, ...]) -> tuple[dict[str, Any], dict[str, Any]]:
        """Run the function once under the recorders: (header, values) for the reply frame."""
        function = self.module.__dict__.get(self.function_name)
        dispatch, functions = DispatchRecorder(), FunctionRecorder()
        header: dict[str, Any] = {"op": "result"}
        values: dict[str, Any] = {}
        functions.__enter__()
        dispatch.__enter__()
        _Guard.in_case, _Guard.tampered = True, False
        try:
            if not callable(function):
                raise NameError(f"{self.function_name} is no longer a function")
            values["value"] = function(*args)
            header["status"] = "returned"
        except BaseException as exc:
            header["status"] = "raised"
            header["error"] = error_info(exc, self.filenames)
        finally:
            _Guard.in_case = False
            tampered = _Guard.tampered or not _modes_intact(dispatch, functions)
            for mode in (dispatch, functions):
                try:
                    mode.__exit__(None, None, None)
                except BaseException:
                    tampered = True
        header["ops"] = sorted(dispatch.ops)[:MAX_OPS]
        header["functions"] = sorted(functions.names)[:MAX_OPS]
        header["tampered"] = tampered
        values["args_after"] = list(args)
        return header, values


def _modes_intact(dispatch: DispatchRecorder, functions: FunctionRecorder) -> bool:
    """True when the recorders are still on top of their mode stacks (nobody popped them)."""
    depth = torch._C._len_torch_function_stack()
    top_function = torch._C._get_function_stack_at(depth - 1) if depth else None
    return _get_current_dispatch_mode() is dispatch and top_function is functions


def prewarm() -> None:
    """Run the recording path once before any job arrives: a fresh fork pays its copy-on-write
    page faults here, while it waits as the spare child, instead of during a student's case."""
    with FunctionRecorder(), DispatchRecorder():
        (torch.ones(2, 2) * 2).sum(0)


def serve(job: BinaryIO, results: BinaryIO) -> None:
    """The child's whole life: load, then answer case frames until ``end``."""
    install_guards()
    prewarm()
    header, _ = wire.read_frame(job)
    submission = Submission(header)
    wire.write_frame(results, wire.encode(_flushed(submission.load())))
    while True:
        header, payload = wire.read_frame(job)
        if header.get("op") != "case":
            return
        args = tuple(wire.decode_value(header["args"], payload))
        reply, values = submission.call(args)
        reply["case"] = header["case"]
        _flushed(reply)
        try:
            frame = wire.encode(reply, values)
        except BaseException as exc:
            failed = {**reply, "status": "unencodable", "error": error_info(exc, set())}
            frame = wire.encode(failed)
        wire.write_frame(results, frame)


def _flushed(reply: dict[str, Any]) -> dict[str, Any]:
    """Flush the student's buffered output first, so it is counted before the reply."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    return reply
