"""The zygote: started by exec with a scrubbed environment, it warms torch once, then only forks.

Run as ``python -I -m worker.sandbox.zygote [FOLDER...]`` with a Unix socket on fd 0 (the control
channel); the folders (course folders of exercises) are hidden from every child.
Nothing of the grader's settings is loaded here. The zygote never sees a submission: for each
``spawn`` request it forks a child, which confines itself, and hands the child's pipe ends to
the trusted client over the socket (SCM_RIGHTS). The client then talks to the child directly,
so no student's code or data ever sits in this process's memory, where a later child could
find it. Requests: ``spawn`` (limits) and ``reap`` (pid: wait and report how it ended).
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import signal
import socket
import struct
import sys
from typing import Any

from worker.sandbox import linux

_HEADER = struct.Struct("<I")


def _warm_torch() -> None:
    """Import torch with one thread and run the lazy first-use paths before any fork."""
    import math  # noqa: F401  (pre-imported for submissions)

    import numpy  # noqa: F401
    import torch
    import torch.nn.functional

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    x = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
    y = (x @ x.T).sum() + torch.linalg.vector_norm(x) + x.softmax(-1).sum()
    y.backward()
    torch.cumsum(x.detach(), 0).float().topk(1)
    torch.linalg.svd(x.detach())
    # The recorders' first use builds dispatcher caches (about a second of CPU): do it once here.
    from worker.sandbox.harness import Submission

    warm = Submission({"function": "f", "cells": [{"name": "<warm>", "source": _WARM_SOURCE}]})
    warm.load()
    for dtype in (torch.float32, torch.float64, torch.int64):
        warm.call((torch.ones(3, 2, dtype=dtype, requires_grad=dtype.is_floating_point),))


_WARM_SOURCE = """
import torch
def f(x):
    y = (x * x).sum() if x.dtype.is_floating_point else x.sum()
    if x.requires_grad:
        y.backward()
        torch.autograd.grad((x * 2).sum(), x)
    z = x.float()
    return [z @ z.T, z.mv(z[0]), z.sum(-1, keepdim=True), z.max(), z.argmax(), z.cumsum(0),
            z.clone().fill_(1.0), z.exp(), z.sqrt(), z / z.sum(), z.abs().max(),
            torch.where(z > 0, z, -z), torch.stack([z, z]), torch.cat([z, z]), z.mean(0),
            z.std(0), z.T.contiguous(), z.reshape(-1), z[:, None] * z[None, :], z.norm()]
"""


class Channel:
    """Length-prefixed JSON messages over a Unix socket, with descriptors attached (SCM_RIGHTS).

    Buffered: one ``recv`` may bring several messages (a fire-and-forget ``forget`` followed by
    a ``spawn``), and a message may arrive in pieces.
    """

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = bytearray()
        self.fds: list[int] = []

    def send(self, message: dict[str, Any], fds: list[int] | None = None) -> None:
        """Send one message, with descriptors if given."""
        data = json.dumps(message).encode()
        packet = _HEADER.pack(len(data)) + data
        if fds:
            socket.send_fds(self.sock, [packet], fds)
        else:
            self.sock.sendall(packet)

    def receive(self, max_fds: int = 0) -> tuple[dict[str, Any] | None, list[int]]:
        """The next message (None once the peer has gone) and the descriptors that came with it."""
        while True:
            if len(self.buffer) >= _HEADER.size:
                (length,) = _HEADER.unpack_from(self.buffer)
                end = _HEADER.size + length
                if len(self.buffer) >= end:
                    message = json.loads(bytes(self.buffer[_HEADER.size : end]))
                    del self.buffer[:end]
                    fds, self.fds = self.fds, []
                    return message, fds
            if max_fds:
                data, fds, _flags, _addr = socket.recv_fds(self.sock, 1 << 16, max_fds)
                self.fds += fds
            else:
                data = self.sock.recv(1 << 16)
            if not data:
                return None, []
            self.buffer += data

    def settimeout(self, seconds: float | None) -> None:
        """Timeout of the underlying socket's blocking calls."""
        self.sock.settimeout(seconds)

    def close(self) -> None:
        """Close the socket."""
        self.sock.close()


class Zygote:
    """Holds the warmed interpreter and forks confined children on request."""

    def __init__(self, control: socket.socket, hidden: tuple[str, ...] = ()) -> None:
        from worker.sandbox import confine, harness, rootfs

        self.harness = harness

        self.control = Channel(control)
        self.confine = confine
        self.mechanisms = confine.Mechanisms()
        self.statm = os.open("/proc/self/statm", os.O_RDONLY | os.O_CLOEXEC)
        self.readable: list[str] = []
        try:
            self.readable = rootfs.build_root(hidden)
            self.mechanisms.active["mount_namespace"] = True
        except Exception as exc:
            self.mechanisms.detail["mount_namespace"] = f"{type(exc).__name__}: {exc}"
            self.readable = rootfs.readable_paths()
        try:
            confine.isolate_network()
            self.mechanisms.active["network_namespace"] = True
        except Exception as exc:
            self.mechanisms.detail["network_namespace"] = f"{type(exc).__name__}: {exc}"
        self.prepared = confine.prepare(self.readable)
        self.children: set[int] = set()
        self.unreaped: set[int] = set()
        self.huge_page_bytes = 0

    def probe(self) -> None:
        """Fork one child that tries every layer and reports which ones took."""
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            try:
                self._confine(self.confine.ChildLimits(), (write_end,), probe=True)
                os.write(
                    write_end,
                    json.dumps({"active": self.mechanisms.active, "detail": self.mechanisms.detail}).encode(),
                )
            finally:
                os._exit(0)
        os.close(write_end)
        with os.fdopen(read_end, "rb") as stream:
            found = json.loads(stream.read() or b"{}")
        os.waitpid(pid, 0)
        zygote_level = ("mount_namespace", "network_namespace")
        for name, on in found.get("active", {}).items():
            if name not in zygote_level:
                self.mechanisms.active[name] = on
        self.mechanisms.detail.update(found.get("detail", {}))

    def _confine(self, limits: Any, keep: tuple[int, ...], *, probe: bool = False) -> None:
        statm = os.dup(self.statm)
        self.confine.confine(limits, self.mechanisms, (*keep, statm), self.prepared, statm, probe=probe)

    def spawn(self, limits: dict[str, int]) -> None:
        """Fork a confined child running the harness; hand its pipe ends to the client."""
        job_r, job_w = os.pipe()
        result_r, result_w = os.pipe()
        output_r, output_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            self._child(limits, job_r, result_w, output_w)
        for fd in (job_r, result_w, output_w):
            os.close(fd)
        self.children.add(pid)
        self.control.send({"pid": pid}, [job_w, result_r, output_r])
        for fd in (job_w, result_r, output_r):
            os.close(fd)

    def _child(self, limits: dict[str, int], job_r: int, result_w: int, output_w: int) -> None:
        code = self.confine.SETUP_FAILED
        try:
            os.setsid()
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)
            devnull = os.open("/dev/null", os.O_RDONLY)
            os.dup2(devnull, 0)
            os.dup2(output_w, 1)
            os.dup2(output_w, 2)
            self._confine(self.confine.ChildLimits(**limits), (0, 1, 2, job_r, result_w))
            code = 1
            # Line-buffered text streams over the output pipe; they live until os._exit.
            sys.stdout = open(1, "w", buffering=1, closefd=False, errors="replace")  # noqa: SIM115
            sys.stderr = open(2, "w", buffering=1, closefd=False, errors="replace")  # noqa: SIM115
            with open(job_r, "rb", buffering=0) as job, open(result_w, "wb", buffering=0) as out:
                self.harness.serve(job, out)
            code = 0
        except BaseException:
            import traceback

            traceback.print_exc()
        os._exit(code)

    def forget(self, pid: int) -> None:
        """The client has killed a child and needs no report: reap it when it has exited."""
        if pid in self.children:
            self.children.discard(pid)
            self.unreaped.add(pid)

    def reap_finished(self) -> None:
        """Collect forgotten children that have exited, without waiting."""
        for pid in list(self.unreaped):
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done = pid
            if done:
                self.unreaped.discard(pid)

    def reap(self, pid: int) -> None:
        """Wait for a child the client has finished with (and killed) and report its end."""
        if pid not in self.children:
            self.control.send({"error": f"not a child: {pid}"})
            return
        _, status, usage = os.wait4(pid, 0)
        self.children.discard(pid)
        self.control.send(
            {
                "pid": pid,
                "exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
                "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
                "cpu_seconds": usage.ru_utime + usage.ru_stime,
                "max_rss_kib": usage.ru_maxrss,
            },
        )

    def serve(self) -> None:
        """Answer requests until the client goes away; then kill every child left."""
        self.control.send(
            {
                "ready": True,
                "pid": os.getpid(),
                "mechanisms": self.mechanisms.active,
                "detail": self.mechanisms.detail,
                "huge_page_mib": self.huge_page_bytes >> 20,
            },
        )
        try:
            while True:
                request, _ = self.control.receive()
                self.reap_finished()
                if request is None or request.get("op") == "quit":
                    break
                if request.get("op") == "forget":
                    self.forget(int(request["pid"]))
                if request.get("op") == "spawn":
                    self.spawn(request.get("limits", {}))
                elif request.get("op") == "reap":
                    self.reap(int(request["pid"]))
        except (BrokenPipeError, ConnectionError):
            pass  # the client went away (a spare was being handed over): shut down quietly
        finally:
            for pid in self.children:
                with contextlib.suppress(OSError):
                    os.killpg(pid, signal.SIGKILL)


def collapse_to_huge_pages(maps: int) -> int:
    """Back the zygote's large anonymous regions (the C heap torch filled at import, Python's
    arenas) with 2 MiB pages; returns the bytes collapsed.

    A fork copies one page-table entry per 4 KiB page of anonymous memory and takes a reference
    on each page, and the child's exit drops them all again: with ~140 MiB of heap that was most
    of a child's cost (about 15 of 20 ms of CPU between the two). A huge page is one entry; a
    child that writes to one still copies only the 4 KiB it touched (the kernel splits the
    mapping in the child). ``maps`` is a descriptor on /proc/self/maps opened before the chroot.
    Best effort: a kernel without MADV_COLLAPSE (before 6.1) or with THP off just forks slower.
    """
    os.lseek(maps, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(maps, 1 << 16):
        chunks.append(chunk)
    collapsed = 0
    for line in b"".join(chunks).decode(errors="replace").splitlines():
        fields = line.split()
        # Private writable anonymous memory only: no file, no stack, no vdso.
        if len(fields) < 5 or fields[1] != "rw-p" or (len(fields) > 5 and fields[5] != "[heap]"):
            continue
        start, end = (int(part, 16) for part in fields[0].split("-"))
        start = (start + linux.HUGE_PAGE - 1) & ~(linux.HUGE_PAGE - 1)
        end &= ~(linux.HUGE_PAGE - 1)
        if end - start < linux.HUGE_PAGE:
            continue
        try:
            linux.madvise(start, end - start, linux.MADV_COLLAPSE)
            collapsed += end - start
        except OSError:
            continue  # not supported here, or a part could not be collapsed: no harm done
    return collapsed


def main() -> None:
    """Entry point of the zygote process. Its life is its client's: it ends when the client
    says quit or goes away, quietly, whatever stage it had reached (a Ctrl-C in the terminal
    reaches the client, which then closes its zygote; the zygote itself ignores it)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The client may go away while the zygote is starting: then there is nothing to report to.
    with contextlib.suppress(BrokenPipeError, ConnectionError):
        _serve_client()


def _serve_client() -> None:
    control = socket.socket(fileno=0)
    maps = os.open("/proc/self/maps", os.O_RDONLY | os.O_CLOEXEC)  # before the chroot hides /proc
    _warm_torch()
    zygote = Zygote(control, tuple(sys.argv[1:]))  # folders to hide: the client's hidden_paths
    zygote.probe()
    # Everything alive now is shared with every child; frozen objects are left alone by the
    # collector, so a collection in a child does not copy each page it touches.
    gc.collect()
    gc.freeze()
    zygote.huge_page_bytes = collapse_to_huge_pages(maps)
    os.close(maps)
    zygote.serve()


if __name__ == "__main__":
    main()
