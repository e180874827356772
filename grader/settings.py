"""Settings from ``GRADER_*`` environment variables, in one typed object.

With nothing set, everything is embedded: a SQLite database (WAL) and a SQLite-backed broker in
the instance folder, and a secret key generated there once. Production sets
``GRADER_DATABASE_URL`` (PostgreSQL), ``GRADER_BROKER_URL`` (Redis) and ``GRADER_SECRET_KEY``;
a server database without a secret key is refused rather than given a guessable default.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from worker.sandbox.config import SandboxConfig


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


def _flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes", "on")


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


def _instance_dir() -> Path:
    return Path(os.environ.get("GRADER_INSTANCE_DIR") or "instance").resolve()


def _database_url() -> str:
    return os.environ.get("GRADER_DATABASE_URL") or f"sqlite:///{_instance_dir() / 'grader.db'}"


def _broker_url() -> str:
    return os.environ.get("GRADER_BROKER_URL") or f"sqla+sqlite:///{_instance_dir() / 'broker.db'}"


def _secret_key() -> str:
    key = os.environ.get("GRADER_SECRET_KEY")
    if key:
        return key
    if not _database_url().startswith("sqlite"):
        raise SettingsError("GRADER_SECRET_KEY must be set when GRADER_DATABASE_URL is a server database")
    # Embedded default: one random key, kept in the instance folder (readable by its owner only).
    path = _instance_dir() / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


@dataclass(frozen=True)
class Settings:
    """Everything configurable, read once from the environment."""

    sandbox: SandboxConfig = field(default_factory=sandbox_config_from_env)
    strict_sandbox: bool = field(default_factory=lambda: _flag("GRADER_SANDBOX_STRICT"))
    instance_dir: Path = field(default_factory=_instance_dir)
    database_url: str = field(default_factory=_database_url)
    broker_url: str = field(default_factory=_broker_url)
    submissions_per_minute: int = field(
        default_factory=lambda: int(_number("GRADER_SUBMISSIONS_PER_MINUTE", 20))
    )
    sweep_after_seconds: float = field(default_factory=lambda: _number("GRADER_SWEEP_AFTER_SECONDS", 120))
    max_attempts: int = field(default_factory=lambda: int(_number("GRADER_MAX_ATTEMPTS", 3)))
    max_upload_bytes: int = 256 * 1024
    webhook_allow_private: bool = field(default_factory=lambda: _flag("GRADER_WEBHOOK_ALLOW_PRIVATE"))
    # Session cookies only over HTTPS: set behind TLS (the embedded default serves plain HTTP).
    secure_cookies: bool = field(default_factory=lambda: _flag("GRADER_SECURE_COOKIES"))

    @property
    def sweep_every_seconds(self) -> float:
        """How often the sweep runs (a third of its window)."""
        return max(self.sweep_after_seconds / 3, 1.0)

    @property
    def stuck_after_seconds(self) -> float:
        """A claim held this long was abandoned even if its worker still reports: a grading
        takes at most the submission's wall-clock limit."""
        return max(self.sweep_after_seconds, 2 * self.sandbox.submission_wall_seconds + 30)

    @property
    def embedded(self) -> bool:
        """True for the no-server default (SQLite database and broker)."""
        return self.database_url.startswith("sqlite")

    def secret_key(self) -> str:
        """The key that signs sessions and webhooks (generated once when embedded)."""
        return _secret_key()
