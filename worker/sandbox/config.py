"""A sandbox's limits, importable without torch: the grader's settings build one for every
command, and most commands (users, tokens, the database) never start a sandbox."""

from __future__ import annotations

from dataclasses import dataclass

from worker.sandbox.confine import ChildLimits


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

    def child_limits(self) -> ChildLimits:
        """The rlimits of a child: the CPU limit is a backstop behind the per-case budget."""
        return ChildLimits(
            cpu_seconds=int(self.submission_wall_seconds) + 1,
            memory_bytes=self.memory_bytes,
            uid=self.uid,
        )
