"""The sandbox's published contract: the one module of ``worker.sandbox`` that ``grader`` imports.

It holds what crosses between the two: the limits a sandbox is started with
(``SandboxConfig``), the source it runs (``Cell``), the plain results it gives back
(``RunResult`` with its ``LoadOutcome`` and ``CaseOutcome`` values, ``Other`` for a value the
wire cannot carry), the error it raises when it fails itself (``SandboxError``), and
``start_sandbox`` to get one. It imports nothing but the standard library, so loading it costs
nothing (no torch, no confinement code) and the zygote can load it too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from types import TracebackType


@dataclass(frozen=True)
class SandboxConfig:
    """Limits of one submission's run; defaults from the design card, all configurable."""

    case_cpu_seconds: float = 2.0
    case_wall_seconds: float = 5.0
    submission_wall_seconds: float = 10.0
    memory_bytes: int = 1 << 30
    output_bytes: int = 64 << 10
    result_bytes: int = 64 << 20
    uid: int = 61234
    start_timeout_seconds: float = 180.0
    prefork: int = 2  # spare children kept on order
    # Folders to hide from children although they lie under a path the sandbox shows (course
    # folders of exercises inside a virtualenv or /usr): the grader's own packages always are.
    hidden_paths: tuple[str, ...] = ()


class SandboxError(RuntimeError):
    """The sandbox itself failed (a grader fault, never a student's)."""


CaseStatus = Literal[
    "returned",  # the function returned a value
    "raised",  # the function raised an exception
    "timeout",  # per-case CPU or wall limit, or the submission's wall limit
    "crashed",  # the process died (signal, os._exit, memory exhausted by C code)
    "not_run",  # an earlier fault (load failure, submission time exhausted) kept it from running
    "bad_reply",  # the child sent something that broke the wire format or its limits
    "unencodable",  # the returned value could not be sent back
]


@dataclass(frozen=True)
class Cell:
    """One piece of source: a whole ``.py`` file or one notebook code cell."""

    name: str
    source: str


@dataclass(frozen=True)
class Other:
    """Stands for a value the wire cannot carry (a numpy array, a Tensor subclass, a generator)."""

    type_name: str


@dataclass
class CaseOutcome:
    """How one case went in the sandbox."""

    status: CaseStatus
    value: Any = None
    args_after: list[Any] | None = None
    error: dict[str, Any] | None = None
    ops: list[str] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    tampered: bool = False
    detail: str = ""
    cpu_seconds: float = 0.0
    wall_seconds: float = 0.0


@dataclass
class LoadOutcome:
    """How loading the submission (its top-level code) went."""

    ok: bool
    error: dict[str, Any] | None = None
    cell_errors: list[dict[str, Any]] = field(default_factory=list)
    missing_function: str | None = None
    found_instead: str | None = None
    detail: str = ""


@dataclass
class RunResult:
    """Everything the sandbox learned from one submission."""

    load: LoadOutcome
    cases: list[CaseOutcome]
    output: str = ""
    output_truncated: bool = False
    hidden_output_bytes: int = 0
    children: int = 0
    mechanisms: dict[str, bool] = field(default_factory=dict)
    limits: dict[str, float] = field(default_factory=dict)  # the limits this run enforced


class Runner(Protocol):
    """What grading needs from a sandbox: run a source's function on cases."""

    def run(
        self,
        cells: list[Cell],
        function: str,
        cases: list[tuple[Any, ...]],
        *,
        hidden_from: int | None = None,
        tolerant: bool = False,
        case_cpu_seconds: float | None = None,
        submission_wall_seconds: float | None = None,
        memory_bytes: int | None = None,
    ) -> RunResult: ...


class SandboxHandle(Runner, Protocol):
    """A started sandbox: a runner with its layers, closed when done."""

    mechanisms: dict[str, bool]
    mechanism_details: dict[str, str]

    def missing_mechanisms(self) -> list[str]: ...

    def close(self) -> None: ...

    def __enter__(self) -> SandboxHandle: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None: ...


def start_sandbox(config: SandboxConfig) -> SandboxHandle:
    """Start a sandbox (its zygote imports torch: a second or two). Raises SandboxError."""
    from worker.sandbox.client import Sandbox  # the client, and torch with it, only when used

    sandbox = Sandbox(config)
    sandbox.start()
    return sandbox
