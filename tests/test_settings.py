"""Settings from GRADER_* variables: read, validated, and reaching the sandbox configuration."""

from __future__ import annotations

import pytest

from grader.settings import Settings, SettingsError, sandbox_config_from_env
from worker.sandbox.client import child_limits


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GRADER_CASE_CPU_SECONDS", "GRADER_MEMORY_MIB", "GRADER_SANDBOX_STRICT"):
        monkeypatch.delenv(name, raising=False)
    config = sandbox_config_from_env()
    assert (config.case_cpu_seconds, config.submission_wall_seconds) == (2.0, 10.0)
    assert config.memory_bytes == 1 << 30 and config.output_bytes == 64 << 10
    assert Settings().strict_sandbox is False


def test_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADER_CASE_CPU_SECONDS", "0.5")
    monkeypatch.setenv("GRADER_MEMORY_MIB", "256")
    monkeypatch.setenv("GRADER_SANDBOX_STRICT", "1")
    settings = Settings()
    assert settings.sandbox.case_cpu_seconds == 0.5
    assert settings.sandbox.memory_bytes == 256 << 20
    assert child_limits(settings.sandbox).memory_bytes == 256 << 20
    assert settings.strict_sandbox


@pytest.mark.parametrize("value", ["fast", "-1", "0"])
def test_bad_values_are_refused_with_the_variable_named(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("GRADER_CASE_CPU_SECONDS", value)
    with pytest.raises(SettingsError, match="GRADER_CASE_CPU_SECONDS"):
        Settings()


def test_account_and_limit_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GRADER_SECURE_COOKIES", "GRADER_PUBLIC_URL", "GRADER_RATELIMIT_STORAGE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("GRADER_TRUSTED_PROXIES", raising=False)
    monkeypatch.delenv("GRADER_BROKER_URL", raising=False)
    settings = Settings()
    assert settings.secure_cookies is True  # on unless switched off
    assert settings.public_url == "http://127.0.0.1:8000"
    assert settings.ratelimit_storage_url == "memory://"  # the embedded default: per process
    assert settings.trusted_proxies == 0
    monkeypatch.setenv("GRADER_BROKER_URL", "redis://cache:6379/0")
    monkeypatch.setenv("GRADER_PUBLIC_URL", "https://grader.example.edu/")
    monkeypatch.setenv("GRADER_TRUSTED_PROXIES", "1")
    settings = Settings()
    assert settings.ratelimit_storage_url == "redis://cache:6379/0"  # the deployment's Redis
    assert settings.public_url == "https://grader.example.edu"
    assert settings.trusted_proxies == 1
    monkeypatch.setenv("GRADER_RATELIMIT_STORAGE_URL", "redis://limits:6379/2")
    assert Settings().ratelimit_storage_url == "redis://limits:6379/2"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("GRADER_SECURE_COOKIES", "of"),  # a typo must not switch a safety off
        ("GRADER_PUBLIC_URL", "grader.example.edu"),
        ("GRADER_TRUSTED_PROXIES", "-1"),
    ],
)
def test_bad_account_settings_are_refused(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        Settings()
