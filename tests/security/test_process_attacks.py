"""Each attack of the library runs in the real sandbox and must be stopped."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
import torch

from tests.conftest import SECRET
from tests.security.attacks import ATTACKS, HOST_MARKER, Attack
from worker.sandbox.client import Sandbox
from worker.sandbox.contract import Cell, SandboxConfig


def test_every_category_is_covered() -> None:
    categories = {attack.category for attack in ATTACKS}
    assert {"resources", "processes", "network", "files", "signals", "fake results"} <= categories
    assert len(ATTACKS) >= 25


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_attack_is_stopped(sandbox: Sandbox, attack: Attack) -> None:
    x = torch.arange(3.0)
    result = sandbox.run([Cell("<submission>", attack.source())], "f", [(x, 0), (x, 1)])
    attacked, benign = result.cases
    assert result.load.ok, result.load
    assert attacked.status in attack.stopped_when, (
        attacked.status,
        attacked.detail,
        attacked.value,
    )
    if attacked.status == "returned":
        assert attacked.value == attack.returns
    if attacked.status == "raised" and attack.raises:
        assert any(word in attacked.error["message"] for word in attack.raises), attacked.error
    # The next case still runs and is right, in this child or a fresh one.
    assert benign.status == "returned", (benign.status, benign.detail)
    assert torch.equal(benign.value, x * 2)
    assert len(result.output.encode()) <= sandbox.config.output_bytes
    assert not os.path.exists(HOST_MARKER)
    assert sandbox.running, "the attack took the zygote down"


def test_output_flood_is_capped(sandbox: Sandbox) -> None:
    source = "def f(x):\n    while True:\n        print('A' * 10000)\n"
    result = sandbox.run([Cell("<submission>", source)], "f", [(torch.ones(1),)])
    assert result.output_truncated
    assert len(result.output) == sandbox.config.output_bytes


def test_environment_is_scrubbed(sandbox: Sandbox) -> None:
    source = "import os\ndef f(x):\n    return repr(dict(os.environ))\n"
    result = sandbox.run([Cell("<submission>", source)], "f", [(torch.ones(1),)])
    environment = result.cases[0].value
    assert SECRET not in environment and "GRADER" not in environment
    assert "PATH" in environment


def test_only_the_pipes_are_open(sandbox: Sandbox) -> None:
    source = """
import os, stat
def f(x):
    kinds = []
    for fd in range(0, 1024):
        try:
            mode = os.fstat(fd).st_mode
        except OSError:
            continue
        kinds.append("socket" if stat.S_ISSOCK(mode) else "fifo" if stat.S_ISFIFO(mode)
                     else "char" if stat.S_ISCHR(mode) else "other")
    return kinds
"""
    result = sandbox.run([Cell("<submission>", source)], "f", [(torch.ones(1),)])
    kinds = result.cases[0].value
    # stdin (/dev/null), stdout and stderr (the output pipe), the job and the result pipes.
    assert sorted(kinds) == ["char", "fifo", "fifo", "fifo", "fifo"], kinds


def test_scratch_space_does_not_persist(sandbox: Sandbox) -> None:
    write = (
        "import tempfile\ndef f(x):\n    path = tempfile.gettempdir() + '/note'\n"
        "    open(path, 'w').write('left behind')\n    return open(path).read()\n"
    )
    read = "import tempfile\ndef f(x):\n    return open(tempfile.gettempdir() + '/note').read()\n"
    written = sandbox.run([Cell("<submission>", write)], "f", [(torch.ones(1),)])
    assert written.cases[0].value == "left behind"  # the scratch folder is writable
    result = sandbox.run([Cell("<submission>", read)], "f", [(torch.ones(1),)])
    assert result.cases[0].status == "raised"
    assert result.cases[0].error["type"] == "FileNotFoundError"


def test_another_submission_leaves_no_trace(sandbox: Sandbox) -> None:
    marker = "secret-solution-of-student-a-9d1e"
    first = f"def f(x):\n    s = {marker!r}\n    return x\n"
    scan = f"""
import gc
def f(x):
    return any({marker[:20]!r} + {marker[20:]!r} in o for o in gc.get_objects() if isinstance(o, str))
"""
    sandbox.run([Cell("<submission>", first)], "f", [(torch.ones(1),)])
    result = sandbox.run([Cell("<submission>", scan)], "f", [(torch.ones(1),)])
    assert result.cases[0].value is False


def test_zygote_survives_and_still_grades(sandbox: Sandbox) -> None:
    source = (
        "import os\ndef f(x):\n    for pid in range(2, 400):\n        try:\n"
        "            os.kill(pid, 9)\n        except OSError:\n            pass\n    return x\n"
    )
    sandbox.run([Cell("<submission>", source)], "f", [(torch.ones(1),)])
    assert sandbox.running
    result = sandbox.run([Cell("<submission>", "def f(x):\n    return x + 1\n")], "f", [(torch.ones(1),)])
    assert torch.equal(result.cases[0].value, torch.full((1,), 2.0))


def test_a_course_folder_is_hidden_even_where_the_sandbox_shows_files() -> None:
    """A course folder holds references and solutions. One inside a folder the sandbox must show
    (here the interpreter's own prefix) is hidden like the shipped bank: reading it fails, while
    a sandbox not told about it would read it (so the check can tell)."""
    folder = Path(tempfile.mkdtemp(prefix="course-", dir=sys.prefix))
    try:
        (folder / "course").mkdir()
        secret = folder / "course" / "col_sums.py"
        secret.write_text("SOLUTION = 'the answer'\n")
        folder.chmod(0o755)
        (folder / "course").chmod(0o755)
        secret.chmod(0o644)
        source = f"def f(x):\n    return open({str(secret)!r}).read()\n"
        with Sandbox(SandboxConfig(hidden_paths=(str(folder),))) as hiding:
            hidden = hiding.run([Cell("<submission>", source)], "f", [(torch.ones(1),)]).cases[0]
        with Sandbox(SandboxConfig()) as plain:
            shown = plain.run([Cell("<submission>", source)], "f", [(torch.ones(1),)]).cases[0]
        assert hidden.status == "raised" and "No such file" in hidden.error["message"], hidden
        assert shown.status == "returned" and "the answer" in shown.value, shown
    finally:
        shutil.rmtree(folder)
