"""Settings from ``GRADER_*`` environment variables, in one typed object.

With nothing set, everything is embedded: a SQLite database (WAL) and a SQLite-backed broker in
the instance folder, and a secret key generated there once. Production sets
``GRADER_DATABASE_URL`` (PostgreSQL), ``GRADER_BROKER_URL`` (Redis) and ``GRADER_SECRET_KEY``;
a server database without a secret key is refused rather than given a guessable default.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

from worker.sandbox.contract import SandboxConfig


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


def _flag_on_unless_off(name: str) -> bool:
    """A switch that is on unless set to 0/false/no/off; any other value is refused (a typo must
    not switch a safety off)."""
    raw = os.environ.get(name, "").strip().lower()
    if raw in ("", "1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name}={raw!r} must be 1 or 0")


def _count(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise SettingsError(f"{name}={raw!r} must be a whole number, 0 or more")
    return int(raw)


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


def _exercise_path() -> tuple[Path, ...]:
    """GRADER_EXERCISE_PATH: course folders (separated like PATH) whose exercises join the bank."""
    folders = []
    for raw in (os.environ.get("GRADER_EXERCISE_PATH") or "").split(os.pathsep):
        if not raw.strip():
            continue
        folder = Path(raw.strip()).expanduser().resolve()
        if not folder.is_dir():
            raise SettingsError(f"GRADER_EXERCISE_PATH names {raw.strip()!r}, which is not a folder")
        if folder not in folders:
            folders.append(folder)
    return tuple(folders)


def _public_url() -> str:
    url = (os.environ.get("GRADER_PUBLIC_URL") or "http://127.0.0.1:8000").strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise SettingsError(f"GRADER_PUBLIC_URL={url!r} must start with http:// or https://")
    return url


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
    # Session cookies only over HTTPS, unless switched off: `grader up` (plain HTTP on loopback)
    # switches it off for the processes it starts.
    secure_cookies: bool = field(default_factory=lambda: _flag_on_unless_off("GRADER_SECURE_COOKIES"))
    # How the service is reached from outside: set-password links are built on it.
    public_url: str = field(default_factory=_public_url)
    # Where sign-in and write limits count, when not where the broker says (ratelimit_storage_url).
    ratelimit_storage: str | None = field(
        default_factory=lambda: os.environ.get("GRADER_RATELIMIT_STORAGE_URL") or None
    )
    # Proxies in front of the API whose X-Forwarded-For/-Proto to believe (0: the peer's address).
    trusted_proxies: int = field(default_factory=lambda: _count("GRADER_TRUSTED_PROXIES", 0))
    # Course folders whose exercises join the shipped bank (trusted code, like the bank itself).
    exercise_path: tuple[Path, ...] = field(default_factory=_exercise_path)

    def __post_init__(self) -> None:
        # The sandbox hides the course folders from student code wherever they are, as it hides
        # the shipped bank: they hold references and solutions.
        hidden = tuple(str(folder) for folder in self.exercise_path)
        if self.sandbox.hidden_paths != hidden:
            object.__setattr__(self, "sandbox", replace(self.sandbox, hidden_paths=hidden))

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

    @property
    def ratelimit_storage_url(self) -> str:
        """Where rate limits count (a `limits` storage URL): GRADER_RATELIMIT_STORAGE_URL, else the
        broker's Redis (shared by every API process), else this process's memory."""
        if self.ratelimit_storage:
            return self.ratelimit_storage
        return self.broker_url if self.broker_url.startswith(("redis://", "rediss://")) else "memory://"

    def secret_key(self) -> str:
        """The key that signs sessions and webhooks (generated once when embedded)."""
        return _secret_key()
