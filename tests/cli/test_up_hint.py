"""The `grader submit` hint that `grader up` prints names files that exist, wherever grader is
installed (tests/service/test_up.py runs the hint as printed)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from grader.cli import service as cli_service


def test_the_hint_names_this_grader_by_an_absolute_path() -> None:
    command = Path(cli_service._grader_command())
    assert command.is_absolute() and command.name == "grader" and os.access(command, os.X_OK)


def test_without_the_repository_the_example_is_a_known_mistake_saved_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        cli_service, "__file__", str(tmp_path / "site-packages" / "grader" / "cli" / "service.py")
    )
    monkeypatch.setenv("GRADER_INSTANCE_DIR", str(tmp_path / "instance"))
    (tmp_path / "instance").mkdir()
    example = cli_service._example_submission()
    assert example == tmp_path / "instance" / "sum_axis_wrong.py"
    assert example.read_text().startswith("def sum_axis(")
    assert cli_service._example_submission() == example
