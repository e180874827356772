"""Landlock's rules as the zygote prepares them: read-only where allowed, read-write in scratch."""

from __future__ import annotations

import os
from pathlib import Path

from worker.sandbox import linux
from worker.sandbox.confine import LandlockRules


def _attempt(action: object) -> str:
    try:
        action()  # type: ignore[operator]
        return "ok"
    except PermissionError:
        return "denied"


def test_a_child_reads_only_the_rules_paths_and_writes_only_its_scratch(tmp_path: Path) -> None:
    for name in ("allowed", "denied", "scratch"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "file").write_text(name)
    rules = LandlockRules([str(tmp_path / "allowed")])  # opened in the "zygote"
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the "child": keeps only the rules' descriptors, then applies them
        try:
            linux.prctl(linux.PR_SET_NO_NEW_PRIVS, 1)
            rules.apply(scratch_path=str(tmp_path / "scratch"))
            rules.close()
            seen = [
                _attempt(lambda: (tmp_path / "allowed" / "file").read_text()),
                _attempt(lambda: (tmp_path / "denied" / "file").read_text()),
                _attempt(lambda: (tmp_path / "allowed" / "new").write_text("x")),
                _attempt(lambda: (tmp_path / "scratch" / "new").write_text("x")),
                _attempt(lambda: os.listdir(tmp_path)),
            ]
            os.write(write_end, " ".join(seen).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as reply:
        seen = reply.read().split()
    os.waitpid(pid, 0)
    rules.close()
    assert seen == ["ok", "denied", "denied", "ok", "denied"]
