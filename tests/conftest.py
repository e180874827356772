"""Shared fixtures: one real zygote for the whole session (starting one imports torch)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from worker.sandbox.client import Sandbox, SandboxConfig

# A secret in the test process's environment: no sandboxed child may ever see it.
SECRET = "tg-test-secret-7f3a9c"
os.environ["GRADER_SECRET_KEY"] = SECRET

FAST_LIMITS = SandboxConfig(case_cpu_seconds=1.0, case_wall_seconds=2.0, submission_wall_seconds=8.0)


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    """A started sandbox with limits shortened so that timeout tests stay quick."""
    with Sandbox(FAST_LIMITS) as started:
        yield started
