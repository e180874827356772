"""The browser tests need a font for Chinese, or the Chinese pages' screenshots show boxes and
prove nothing: where a browser is required (CI), a missing CJK font fails them and says what to
install; elsewhere they are skipped with the same words."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.conftest import cjk_font_missing

ROOT = Path(__file__).resolve().parents[2]
A_BROWSER_TEST = "tests/browser/test_portal_browser.py::test_the_language_switch_is_remembered"


def _without_chinese_fonts(tmp_path: Path) -> dict[str, str]:
    """An environment whose fc-list finds no font (a stand-in first on PATH)."""
    stand_in = tmp_path / "fc-list"
    stand_in.write_text("#!/bin/sh\nexit 0\n")
    stand_in.chmod(0o755)
    return {**os.environ, "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"}


def test_this_machine_has_one() -> None:
    if os.environ.get("GRADER_REQUIRE_BROWSER"):
        assert cjk_font_missing() is None


def test_a_missing_font_is_named_with_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", _without_chinese_fonts(tmp_path)["PATH"])
    assert "fonts-wqy-microhei" in (cjk_font_missing() or "")
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    assert "fonts-wqy-microhei" in (cjk_font_missing() or "")


@pytest.mark.parametrize(("required", "outcome"), [("1", "1 error"), ("", "1 skipped")])
def test_the_browser_tests_fail_or_skip_without_it(tmp_path: Path, required: str, outcome: str) -> None:
    environment = {**_without_chinese_fonts(tmp_path), "GRADER_REQUIRE_BROWSER": required}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rEs", "-p", "no:cacheprovider", A_BROWSER_TEST],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert outcome in run.stdout.splitlines()[-1], run.stdout[-2000:]  # a failing fixture: an error
    assert "apt-get install fonts-wqy-microhei" in run.stdout, run.stdout[-2000:]
