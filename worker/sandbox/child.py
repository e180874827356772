"""One confined child process, seen from the trusted side: the pipes the zygote handed over,
the frames written to it and read from it, its CPU time read from outside, and the capture of
what it prints (what may be shown, and the bytes of what may not)."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import time
from collections import deque
from typing import Any

from worker.sandbox import wire

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class Capture:
    """Collects a child's output up to a cap, split into what may be shown and what may not."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.shown = bytearray()
        self.truncated = False
        self.hidden_bytes = 0
        self.hidden_phase = False

    def add(self, data: bytes) -> None:
        if self.hidden_phase:
            self.hidden_bytes += len(data)
            return
        room = self.cap - len(self.shown)
        self.shown += data[: max(room, 0)]
        self.truncated = self.truncated or len(data) > room


class Child:
    """One confined child process, reached through the pipe ends the zygote handed over."""

    def __init__(self, pid: int, fds: list[int]) -> None:
        self.pid = pid
        self.job, self.result, self.output = fds
        os.set_blocking(self.job, False)
        self.capture = Capture(0)
        self.limits = wire.DEFAULT_LIMITS
        self.buffer = bytearray()
        self.eof = False
        self.outgoing: deque[memoryview] = deque()  # queued frames not yet taken by the pipe
        # Opened once: the CPU budget is checked several times a case. The descriptor stays
        # bound to this process, so a recycled pid is never read by mistake.
        try:
            self.stat = os.open(f"/proc/{pid}/stat", os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            self.stat = -1

    def prepare(self, capture: Capture, limits: wire.Limits) -> None:
        """Give a (spare) child the run it will serve: its output capture and reply limits."""
        self.capture, self.limits = capture, limits

    def queue(self, header: dict[str, Any], values: dict[str, Any] | None = None) -> None:
        """Add a frame to what is written to the child as it reads (see ``receive``)."""
        self.outgoing.append(memoryview(wire.encode(header, values)))

    def send(self, header: dict[str, Any], values: dict[str, Any] | None, deadline: float) -> bool:
        """Write one frame (after any queued ones); False if the child is gone or stops
        reading before the deadline."""
        self.queue(header, values)
        while self.outgoing:
            if time.monotonic() >= deadline or self.job < 0:
                return False
            _, writable, _ = select.select([], [self.job], [], max(deadline - time.monotonic(), 0))
            if writable:
                self._write_some()
        return self.job >= 0

    def _write_some(self) -> None:
        """Write what the pipe takes now; a child that has closed its end gets nothing more."""
        while self.outgoing:
            try:
                written = os.write(self.job, self.outgoing[0])
            except BlockingIOError:
                return
            except BrokenPipeError:
                self.outgoing.clear()
                os.close(self.job)
                self.job = -1
                return
            self.outgoing[0] = self.outgoing[0][written:]
            if not self.outgoing[0]:
                self.outgoing.popleft()

    def cpu_seconds(self) -> float:
        """CPU time the child has used so far, read from outside (its own threads included)."""
        try:
            fields = os.pread(self.stat, 1024, 0).rsplit(b")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
        except (OSError, IndexError, ValueError):
            return 0.0

    def receive(self, deadline: float, cpu_limit: float) -> tuple[str, Any]:
        """The next frame, or why none came: ("frame", (header, payload)) | ("eof" | "cpu" | "wall"
        | "bad", detail). Queued frames are written meanwhile, as the child reads them: a child
        blocked on a full reply pipe never waits for us to finish writing."""
        while True:
            try:
                frame = self._pop_frame()
            except wire.WireError as exc:
                return "bad", str(exc)
            if frame is not None:
                return "frame", frame
            if self.eof:
                return "eof", None
            now = time.monotonic()
            if now >= deadline:
                return "wall", None
            watched = [self.result] + ([self.output] if self.output >= 0 else [])
            writing = [self.job] if self.outgoing and self.job >= 0 else []
            ready, writable, _ = select.select(watched, writing, [], min(0.05, deadline - now))
            if writable:
                self._write_some()
            if self.output in ready:
                self.drain_output()
            if self.result in ready:
                data = os.read(self.result, 1 << 20)
                self.eof = not data
                self.buffer += data
            elif self.cpu_seconds() > cpu_limit:  # checked whenever no reply came (50 ms at most)
                return "cpu", None

    def drain_output(self) -> None:
        """Read whatever output is waiting without blocking."""
        while self.output >= 0:
            ready, _, _ = select.select([self.output], [], [], 0)
            if not ready:
                return
            data = os.read(self.output, 1 << 16)
            if not data:
                os.close(self.output)
                self.output = -1
                return
            self.capture.add(data)

    def _pop_frame(self) -> tuple[dict[str, Any], bytes] | None:
        if len(self.buffer) < wire.PREFIX_SIZE:
            return None
        header_len, payload_len = wire.parse_prefix(bytes(self.buffer[: wire.PREFIX_SIZE]), self.limits)
        end = wire.PREFIX_SIZE + header_len + payload_len
        if len(self.buffer) < end:
            return None
        header = wire.parse_header(bytes(self.buffer[wire.PREFIX_SIZE : wire.PREFIX_SIZE + header_len]))
        payload = bytes(self.buffer[wire.PREFIX_SIZE + header_len : end])
        del self.buffer[:end]
        return header, payload

    def kill(self) -> None:
        """SIGKILL the child's whole process group and drop our pipe ends."""
        with contextlib.suppress(OSError):
            os.killpg(self.pid, signal.SIGKILL)
        self.drain_output()
        for fd in (self.job, self.result, self.output, self.stat):
            if fd >= 0:
                os.close(fd)
        self.job = self.result = self.output = self.stat = -1
