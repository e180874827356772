"""Plain results of running a submission in the sandbox: what the grading core consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

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
