"""The sandbox's own behaviour: layers active, limits, recovery after faults, notebooks."""

from __future__ import annotations

import os
import signal

import torch

from worker.sandbox.client import Sandbox
from worker.sandbox.confine import LAYERS
from worker.sandbox.contract import Cell


def _run(sandbox: Sandbox, source: str, cases: list[tuple], **kwargs: object):
    return sandbox.run([Cell("<submission>", source)], "f", cases, **kwargs)


def test_every_layer_is_active_on_this_machine(sandbox: Sandbox) -> None:
    assert set(sandbox.mechanisms) == {"mount_namespace", *LAYERS}
    assert sandbox.missing_mechanisms() == [], sandbox.mechanism_details


def test_child_runs_as_unprivileged_uid_without_network(sandbox: Sandbox) -> None:
    source = "import os, socket\ndef f(x):\n    return [os.getuid(), os.getgid(), os.getgroups()]\n"
    result = _run(sandbox, source, [(torch.ones(1),)])
    assert result.cases[0].value == [sandbox.config.uid, sandbox.config.uid, []]


def test_lazy_imports_work_in_the_child(sandbox: Sandbox) -> None:
    # Modules the zygote did not import are read from the interpreter's folders on demand,
    # wherever the virtualenv lives (under /tmp in a CI clone, say).
    source = (
        "def f(x):\n    import fractions, torch._subclasses.schema_check_mode\n"
        "    return str(x) + str(fractions.Fraction(1, 3))\n"
    )
    assert _run(sandbox, source, [(torch.ones(2),)]).cases[0].value == "tensor([1., 1.])1/3"


def test_a_crash_does_not_cost_the_other_cases(sandbox: Sandbox) -> None:
    source = """
import os, torch
def f(x, k):
    if k == 1:
        os._exit(7)
    if k == 2:
        import ctypes
        ctypes.string_at(0)
    return x + k
"""
    x = torch.zeros(2)
    result = _run(sandbox, source, [(x, 0), (x, 1), (x, 2), (x, 3)])
    statuses = [c.status for c in result.cases]
    assert statuses == ["returned", "crashed", "crashed", "returned"]
    assert result.cases[1].detail == "exit:7"
    assert result.cases[2].detail == "signal:SIGSEGV"
    assert torch.equal(result.cases[3].value, x + 3)
    assert result.children == 3


def test_cpu_and_wall_timeouts_are_told_apart(sandbox: Sandbox) -> None:
    source = (
        "import time\ndef f(k):\n    if k == 0:\n        while True: pass\n"
        "    if k == 1:\n        time.sleep(60)\n    return k\n"
    )
    result = _run(sandbox, source, [(0,), (1,), (2,)])
    assert [c.status for c in result.cases] == ["timeout", "timeout", "returned"]
    # A busy loop is "cpu" (or "busy" when a loaded machine ran out the wall clock first).
    assert result.cases[0].detail.split(":")[0] in ("cpu", "busy")
    assert result.cases[1].detail.startswith("wall:")
    assert result.cases[1].cpu_seconds < 0.1 * result.cases[1].wall_seconds


def test_submission_time_limit_stops_the_rest(sandbox: Sandbox) -> None:
    source = "def f(k):\n    while True: pass\n"
    result = _run(sandbox, source, [(k,) for k in range(20)])
    statuses = [c.status for c in result.cases]
    assert statuses[0] == "timeout" and statuses[-1] == "not_run"
    assert "time limit" in result.cases[-1].detail


def test_load_errors_are_reported_not_retried(sandbox: Sandbox) -> None:
    result = _run(sandbox, "import numpy_that_does_not_exist\ndef f(x):\n    return x\n", [(1,), (2,)])
    assert not result.load.ok
    assert result.load.error["type"] == "ModuleNotFoundError" and result.load.error["line"] == 1
    assert result.children == 1
    missing = _run(sandbox, "def g(x):\n    return x\n", [(1,)])
    assert missing.load.missing_function == "f"
    not_callable = _run(sandbox, "f = 3\n", [(1,)])
    assert not_callable.load.found_instead == "int"


def test_top_level_endless_loop_is_a_load_timeout(sandbox: Sandbox) -> None:
    result = _run(sandbox, "while True:\n    pass\ndef f(x):\n    return x\n", [(1,), (2,)])
    assert not result.load.ok and "timed out" in result.load.detail
    assert [c.status for c in result.cases] == ["not_run", "not_run"]


def test_notebook_cells_that_fail_do_no_harm(sandbox: Sandbox) -> None:
    cells = [
        Cell("<cell 1>", "import matplotlib.pyplot as plt"),
        Cell("<cell 2>", "def f(x):\n    return x * 3\n"),
        Cell("<cell 3>", "plt.plot([1, 2])\nprint('plotted')"),
        Cell("<cell 4>", "print(f(2))"),
    ]
    result = sandbox.run(cells, "f", [(1,)], tolerant=True)
    assert result.load.ok and result.cases[0].value == 3
    assert [e["file"] for e in result.load.cell_errors] == ["<cell 1>", "<cell 3>"]
    assert result.output == "6\n"


def test_exceptions_carry_type_bases_and_line(sandbox: Sandbox) -> None:
    source = "class Mine(ValueError):\n    pass\n\ndef f(x):\n    raise Mine('no')\n"
    error = _run(sandbox, source, [(1,)]).cases[0].error
    assert error["type"] == "Mine" and "ValueError" in error["bases"]
    assert (error["line"], error["message"]) == (5, "no")


def test_ops_and_functions_are_recorded(sandbox: Sandbox) -> None:
    source = "import torch\ndef f(x):\n    return (x @ x).sum() + torch.outer(x, x).sum()\n"
    case = _run(sandbox, source, [(torch.ones(3),)]).cases[0]
    assert "aten::dot" in case.ops
    assert {"Tensor.matmul", "torch.outer"} <= set(case.functions)


def test_inputs_come_back_as_the_function_left_them(sandbox: Sandbox) -> None:
    source = "def f(x):\n    x.add_(1)\n    return 0\n"
    case = _run(sandbox, source, [(torch.zeros(2),)]).cases[0]
    assert torch.equal(case.args_after[0], torch.ones(2))


def test_zygote_is_restarted_after_it_dies() -> None:
    with Sandbox() as own:
        assert own._process is not None
        os.kill(own._process.pid, signal.SIGKILL)
        own._process.wait()
        result = own.run([Cell("<s>", "def f(x):\n    return x\n")], "f", [(5,)])
        assert result.cases[0].value == 5


def test_per_run_limits_between_runs_with_spares(sandbox: Sandbox) -> None:
    # An exercise's own limits need a child forked with them, while spares with the
    # configured limits are on order: the replies must not be mixed up.
    hog = "import torch\ndef f(n):\n    return torch.empty(n, 1 << 20, dtype=torch.uint8).shape[0]\n"
    small = 200 << 20
    tight = _run(sandbox, hog, [(100,), (400,)], memory_bytes=small)  # 100 MiB, then 400 MiB
    assert [c.status for c in tight.cases] == ["returned", "raised"]
    assert tight.limits["memory_bytes"] == small
    loop = _run(sandbox, "def f(x):\n    while True: pass\n", [(1,)], case_cpu_seconds=0.3)
    assert loop.cases[0].detail in ("cpu:0.3", "busy:0", "busy:1")
    roomy = _run(sandbox, hog, [(400,)])
    assert roomy.cases[0].status == "returned" and roomy.limits["memory_bytes"] == 1 << 30


def test_hidden_inputs_are_sent_only_after_every_public_case_answered(sandbox: Sandbox) -> None:
    # Each case waits up to ``wait`` seconds for a frame on any descriptor it can read: the
    # public cases are queued together, but nothing may come while the last public case runs.
    source = """
import os, select
def f(k, wait):
    fds = []
    for fd in range(3, 64):
        try:
            os.fstat(fd)
            fds.append(fd)
        except OSError:
            pass
    return len(select.select(fds, [], [], wait)[0])
"""
    cases = [(0, 5.0), (1, 5.0), (2, 0.3), (3, 5.0), (4, 0.3)]
    result = _run(sandbox, source, cases, hidden_from=3)
    assert [c.value for c in result.cases] == [1, 1, 0, 1, 0]


def test_inputs_larger_than_a_pipe_reach_the_child(sandbox: Sandbox) -> None:
    """Cases whose inputs are over the pipe's 64 KiB, one after another (the hidden cases of
    three seeds at once, or one large matrix): each arrives whole, in one child."""
    matrices = [torch.randn(rows, 100) for rows in (100, 200, 400, 64, 64)]
    result = sandbox.run(
        [Cell("<submission>", "def f(x):\n    return x.sum(dim=0)\n")], "f", [(m,) for m in matrices]
    )
    assert [case.status for case in result.cases] == ["returned"] * 5, [c.detail for c in result.cases]
    assert result.children == 1
    for case, matrix in zip(result.cases, matrices, strict=True):
        assert torch.allclose(case.value, matrix.sum(dim=0))
