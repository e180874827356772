"""The layers are enforced, not remembered: `lint-imports` (the lint step) keeps every contract
of pyproject.toml on this tree, and fails on a copy of it with one import that breaks a layer."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "pyproject.toml"
LINT = str(Path(sys.executable).with_name("lint-imports"))


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` with this project's contracts over the packages found in ``tree``."""
    return subprocess.run(
        [LINT, "--config", str(CONFIG), "--no-cache"],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_this_tree_keeps_every_contract() -> None:
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


BREAKS = [
    (
        "grader/grading/judge.py",
        "import flask",
        "the grading core knows no web, database, broker or settings",
    ),
    (
        "grader/grading/compare.py",
        "import grader.db",
        "the grading core knows no web, database, broker or settings",
    ),
    ("worker/sandbox/wire.py", "import grader.settings", "the sandbox imports nothing of grader"),
    ("grader/reports/gradebook.py", "import worker.sandbox.client", "grader imports of the worker only"),
    ("grader/accounts/service.py", "import grader.web.db", "grader: edges above domains"),
    ("grader/settings.py", "import grader.submissions.models", "the infrastructure modules import no domain"),
]


@pytest.mark.parametrize("module, line, contract", BREAKS, ids=[b[0] for b in BREAKS])
def test_an_import_that_breaks_a_layer_fails_the_lint(
    tmp_path: Path, module: str, line: str, contract: str
) -> None:
    for package in ("grader", "worker"):
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "static")
        )
    broken = tmp_path / module
    broken.write_text(broken.read_text() + f"\n{line}  # a deliberate break\n")
    result = lint(tmp_path)
    assert result.returncode != 0
    assert f"{contract}" in result.stdout and "BROKEN" in result.stdout, result.stdout[-3000:]


def test_grader_may_import_no_worker_module_but_the_contract() -> None:
    # The contract lists the worker's modules one by one: a new one must be listed too.
    contracts = tomllib.loads(CONFIG.read_text())["tool"]["importlinter"]["contracts"]
    (only,) = [c for c in contracts if c["name"].startswith("grader imports of the worker")]
    modules = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for path in (ROOT / "worker").rglob("*.py")
        if path.name != "__init__.py"
    }
    assert modules - {"worker.sandbox.contract"} == set(only["forbidden_modules"])
