"""Settings from ``GRADER_*`` environment variables, in one typed object."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from worker.sandbox.client import SandboxConfig


class SettingsError(ValueError):
    """An environment variable holds a value that cannot be used."""


def _number(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a number") from None
    if value <= 0:
        raise SettingsError(f"{name}={raw!r} must be positive")
    return value


def sandbox_config_from_env() -> SandboxConfig:
    """Sandbox limits: GRADER_CASE_CPU_SECONDS, GRADER_CASE_WALL_SECONDS,
    GRADER_SUBMISSION_WALL_SECONDS, GRADER_MEMORY_MIB, GRADER_OUTPUT_KIB, GRADER_SANDBOX_UID."""
    base = SandboxConfig()
    return SandboxConfig(
        case_cpu_seconds=_number("GRADER_CASE_CPU_SECONDS", base.case_cpu_seconds),
        case_wall_seconds=_number("GRADER_CASE_WALL_SECONDS", base.case_wall_seconds),
        submission_wall_seconds=_number("GRADER_SUBMISSION_WALL_SECONDS", base.submission_wall_seconds),
        memory_bytes=int(_number("GRADER_MEMORY_MIB", base.memory_bytes >> 20)) << 20,
        output_bytes=int(_number("GRADER_OUTPUT_KIB", base.output_bytes >> 10)) << 10,
        uid=int(_number("GRADER_SANDBOX_UID", base.uid)),
    )


@dataclass(frozen=True)
class Settings:
    """Everything configurable, read once from the environment."""

    sandbox: SandboxConfig = field(default_factory=sandbox_config_from_env)
    strict_sandbox: bool = field(
        default_factory=lambda: os.environ.get("GRADER_SANDBOX_STRICT", "") in ("1", "true", "yes")
    )
