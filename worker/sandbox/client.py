"""The trusted side of the sandbox: start a zygote, run a submission's cases in confined children.

``Sandbox.run`` sends the source to a fresh child, then the public cases, and only once every
public case has answered, the hidden ones. Each case has a CPU and a wall-clock budget measured
from outside, counted from the previous case's reply. The cases of a phase are sent together
(the child finds the next one waiting in its pipe instead of idling for a round trip). A child
that crashes, exhausts its memory or its time is killed with its whole process group, the case
is recorded as such, and the remaining cases go on in a new child, so one bad case does not
zero the rest. Output is captured with a cap; what is printed once the first hidden case has
been sent is counted but never shown.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections import deque
from dataclasses import replace
from typing import Any

from worker.sandbox import wire, zygote
from worker.sandbox.child import Capture, Child
from worker.sandbox.confine import SETUP_FAILED, ChildLimits
from worker.sandbox.contract import (
    CaseOutcome,
    Cell,
    LoadOutcome,
    RunResult,
    SandboxConfig,
    SandboxError,
)
from worker.sandbox.outcomes import LOAD_FAILURES, case_outcome, explain_end, failure, load_outcome
from worker.sandbox.rootfs import SCRATCH

__all__ = ["Sandbox", "SandboxConfig", "SandboxError", "child_limits"]
_ZYGOTE_ENV = {
    "PATH": "/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "HOME": SCRATCH,
    "TMPDIR": SCRATCH,
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
}


def child_limits(config: SandboxConfig) -> ChildLimits:
    """The rlimits of a child: the CPU limit is a backstop behind the per-case budget."""
    return ChildLimits(
        cpu_seconds=int(config.submission_wall_seconds) + 1,
        memory_bytes=config.memory_bytes,
        uid=config.uid,
    )


class Sandbox:
    """A warm zygote and the logic to run submissions in children forked from it."""

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self.mechanisms: dict[str, bool] = {}
        self.mechanism_details: dict[str, str] = {}
        self.huge_page_mib = 0  # the zygote's heap backed by 2 MiB pages (cheaper forks)
        self._process: subprocess.Popen[bytes] | None = None
        self._control: zygote.Channel | None = None
        self._spares: deque[Child] = deque()
        self._spawn_requests = 0

    # ------------------------------------------------------------------ zygote lifecycle

    def start(self) -> None:
        """Start the zygote (exec, scrubbed environment) and wait until it has warmed torch."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self._process = subprocess.Popen(
            [sys.executable, "-I", "-m", "worker.sandbox.zygote", *self.config.hidden_paths],
            stdin=theirs.fileno(),
            stdout=subprocess.DEVNULL,
            env=_ZYGOTE_ENV,
            cwd="/",
            close_fds=True,
        )
        theirs.close()
        ours.settimeout(self.config.start_timeout_seconds)
        self._control = zygote.Channel(ours)
        hello, _ = self._control.receive()
        if not hello or not hello.get("ready"):
            self.close()
            raise SandboxError("the sandbox zygote did not start (see its error output above)")
        self._control.settimeout(30)
        self.mechanisms = hello["mechanisms"]
        self.mechanism_details = hello.get("detail", {})
        self.huge_page_mib = int(hello.get("huge_page_mib") or 0)

    @property
    def running(self) -> bool:
        """True while the zygote process is alive."""
        return self._process is not None and self._process.poll() is None

    def ensure_started(self) -> None:
        """Start the zygote, or start it again if it died."""
        if not self.running:
            self.close()
            self.start()

    def close(self) -> None:
        """Stop the zygote; its children (a spare among them) die with it."""
        while self._spares:
            self._spares.pop().kill()
        self._spawn_requests = 0
        if self._control is not None:
            with contextlib.suppress(OSError):
                self._control.send({"op": "quit"})
            self._control.close()
            self._control = None
        if self._process is not None:
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None

    def __enter__(self) -> Sandbox:
        self.ensure_started()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def missing_mechanisms(self) -> list[str]:
        """Layers this machine does not provide (reported loudly by callers)."""
        return [name for name, on in self.mechanisms.items() if not on]

    # ------------------------------------------------------------------ running

    def _request_spares(self) -> None:
        """Keep ``prefork`` spare children on order, so that forking the next ones overlaps
        with the runs before them (the zygote forks on another core meanwhile)."""
        if self._control is None:
            return
        try:
            while len(self._spares) + self._spawn_requests < self.config.prefork:
                self._control.send({"op": "spawn", "limits": child_limits(self.config).to_dict()})
                self._spawn_requests += 1
        except OSError:
            pass  # the zygote is gone: the next run restarts it

    def _collect_spawn_reply(self) -> None:
        """Read the oldest outstanding spawn reply into the spare queue."""
        assert self._control is not None
        reply, fds = self._control.receive(max_fds=3)
        self._spawn_requests -= 1
        if not reply or len(fds) != 3:
            raise SandboxError("the sandbox zygote did not hand over a child")
        self._spares.append(Child(int(reply["pid"]), fds))

    def _spawn(self, capture: Capture, config: SandboxConfig) -> Child:
        """A child with ``config``'s limits: a spare when the limits are the configured ones."""
        assert self._control is not None
        try:
            if child_limits(config) == child_limits(self.config):
                if not self._spares and not self._spawn_requests:
                    self._control.send({"op": "spawn", "limits": child_limits(config).to_dict()})
                    self._spawn_requests += 1
                if not self._spares:
                    self._collect_spawn_reply()
                child = self._spares.popleft()
            else:
                while self._spawn_requests:  # replies come in order: theirs first
                    self._collect_spawn_reply()
                self._control.send({"op": "spawn", "limits": child_limits(config).to_dict()})
                self._spawn_requests += 1
                self._collect_spawn_reply()
                child = self._spares.pop()
        except OSError as exc:
            raise SandboxError(f"the sandbox zygote stopped answering: {exc}") from exc
        child.prepare(capture, replace(wire.DEFAULT_LIMITS, max_payload=config.result_bytes))
        return child

    def _finish(self, child: Child, *, report: bool) -> dict[str, Any]:
        """Kill the child's group; with ``report``, wait for it and say how it ended (needed
        only to explain a crash: a clean run does not wait for the exit)."""
        child.kill()
        assert self._control is not None
        if not report:
            self._control.send({"op": "forget", "pid": child.pid})
            return {}
        while self._spawn_requests:  # outstanding spawn replies come before the reap reply
            self._collect_spawn_reply()
        self._control.send({"op": "reap", "pid": child.pid})
        ended, _ = self._control.receive()
        return ended or {}

    def run(
        self,
        cells: list[Cell],
        function: str,
        cases: list[tuple[Any, ...]],
        *,
        hidden_from: int | None = None,
        tolerant: bool = False,
        case_cpu_seconds: float | None = None,
        submission_wall_seconds: float | None = None,
        memory_bytes: int | None = None,
    ) -> RunResult:
        """Run ``function`` from the submission on every case; cases from ``hidden_from`` on are
        hidden (their output is not shown). Limits given here override the configured ones."""
        self.ensure_started()
        config = replace(
            self.config,
            case_cpu_seconds=case_cpu_seconds or self.config.case_cpu_seconds,
            submission_wall_seconds=submission_wall_seconds or self.config.submission_wall_seconds,
            memory_bytes=memory_bytes or self.config.memory_bytes,
        )
        hidden_from = len(cases) if hidden_from is None else hidden_from
        capture = Capture(config.output_bytes)
        outcomes: list[CaseOutcome | None] = [None] * len(cases)
        deadline = time.monotonic() + config.submission_wall_seconds
        load = LoadOutcome(ok=True)
        children = 0
        start = 0
        while start < len(cases) or children == 0:
            children += 1
            child = self._spawn(capture, config)
            clean = False
            try:
                load, start = self._run_child(
                    child,
                    cells,
                    function,
                    cases,
                    start,
                    hidden_from,
                    tolerant,
                    deadline,
                    outcomes,
                    config,
                )
                clean = start >= len(cases) and load.ok
            finally:
                ended = self._finish(child, report=not clean)
            if ended.get("exit_code") == SETUP_FAILED:
                raise SandboxError("a sandbox child could not confine itself")
            if start < len(cases) and outcomes[start] is not None:
                explain_end(outcomes[start], ended, config)  # type: ignore[arg-type]
                start += 1
            out_of_time = time.monotonic() >= deadline
            if not load.ok and children > 1 and out_of_time:
                # The code loaded in the first child; a replacement ran out of the submission's
                # time while loading (a loaded machine): that is the time limit, not a load failure.
                load = LoadOutcome(ok=True)
            if not load.ok or out_of_time:
                break
        self._request_spares()
        reason = "not run: the submission's time limit was reached" if load.ok else "not run"
        final = [o or CaseOutcome(status="not_run", detail=reason) for o in outcomes]
        return RunResult(
            load=load,
            cases=final,
            output=capture.shown.decode("utf-8", "replace"),
            output_truncated=capture.truncated,
            hidden_output_bytes=capture.hidden_bytes,
            children=children,
            mechanisms=dict(self.mechanisms),
            limits={
                "case_cpu_seconds": config.case_cpu_seconds,
                "memory_bytes": config.memory_bytes,
                "submission_wall_seconds": config.submission_wall_seconds,
                "case_wall_seconds": config.case_wall_seconds,
            },
        )

    def _run_child(
        self,
        child: Child,
        cells: list[Cell],
        function: str,
        cases: list[tuple[Any, ...]],
        start: int,
        hidden_from: int,
        tolerant: bool,
        deadline: float,
        outcomes: list[CaseOutcome | None],
        config: SandboxConfig,
    ) -> tuple[LoadOutcome, int]:
        """Drive one child from case ``start`` on. Returns the load outcome and the index of the
        case it stopped at (len(cases) when all are done); a stopped case's outcome is set."""
        load_header = {
            "op": "load",
            "function": function,
            "tolerant": tolerant,
            "cells": [{"name": c.name, "source": c.source} for c in cells],
        }
        load_deadline = min(deadline, time.monotonic() + config.case_wall_seconds)
        if not child.send(load_header, None, load_deadline):
            return LoadOutcome(ok=False, detail="the sandbox child did not accept the code"), start
        kind, frame = child.receive(load_deadline, config.case_cpu_seconds)
        if kind != "frame":
            return LoadOutcome(ok=False, detail=LOAD_FAILURES.get(kind, "crashed")), start
        load = load_outcome(frame[0])
        if not load.ok:
            return load, start
        cpu_now = child.cpu_seconds()
        for index in range(start, len(cases)):
            if index == hidden_from:
                child.drain_output()
                child.capture.hidden_phase = True
            if index in (start, hidden_from):
                # A phase's cases go out together; hidden inputs only once no public case is left.
                for queued in range(index, hidden_from if index < hidden_from else len(cases)):
                    child.queue({"op": "case", "case": queued}, {"args": list(cases[queued])})
            # The last case's reply is this one's start: the child went straight on to it.
            began, cpu_before = time.monotonic(), cpu_now
            case_deadline = min(deadline, began + config.case_wall_seconds)
            kind, frame = child.receive(case_deadline, cpu_before + config.case_cpu_seconds)
            wall = time.monotonic() - began
            cpu_now = child.cpu_seconds()
            cpu = cpu_now - cpu_before
            if kind != "frame":
                outcomes[index] = failure(kind, frame, cpu, wall, deadline, config)
                return load, index
            outcome = case_outcome(frame, child.limits)
            if outcome.status != "bad_reply" and frame[0].get("case") != index:
                outcome = CaseOutcome(status="bad_reply", detail=f"a reply to case {frame[0].get('case')!r}")
            outcome.cpu_seconds, outcome.wall_seconds = cpu, wall
            outcomes[index] = outcome
            if outcome.tampered or outcome.status == "bad_reply":
                return load, index  # the child's state is not to be trusted for further cases
        child.send({"op": "end"}, None, time.monotonic() + 0.1)
        child.drain_output()
        return load, len(cases)
