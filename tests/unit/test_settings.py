"""Settings from GRADER_* variables: read, validated, and reaching the sandbox configuration."""

from __future__ import annotations

import pytest

from grader.settings import Settings, SettingsError, sandbox_config_from_env


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
    assert settings.sandbox.child_limits().memory_bytes == 256 << 20
    assert settings.strict_sandbox


@pytest.mark.parametrize("value", ["fast", "-1", "0"])
def test_bad_values_are_refused_with_the_variable_named(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("GRADER_CASE_CPU_SECONDS", value)
    with pytest.raises(SettingsError, match="GRADER_CASE_CPU_SECONDS"):
        Settings()
