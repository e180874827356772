"""Thin ctypes wrappers for the Linux calls Python 3.11 lacks (unshare, mount, prctl)."""

from __future__ import annotations

import ctypes
import ctypes.util
import os

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)

CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUTS = 0x04000000
CLONE_THREAD = 0x00010000

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2

MADV_COLLAPSE = 25
HUGE_PAGE = 2 << 20

_libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        # ctypes keeps errno between calls, and the landlock package reads it to decide whether
        # its own calls failed: a failure seen here must not look like one of theirs.
        ctypes.set_errno(0)
        raise OSError(err, f"{what}: {os.strerror(err)}")


def unshare(flags: int) -> None:
    """unshare(2)."""
    _check(_libc.unshare(ctypes.c_int(flags)), "unshare")


def mount(source: str, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    """mount(2)."""
    _check(
        _libc.mount(
            source.encode(),
            target.encode(),
            fstype.encode() if fstype else None,
            ctypes.c_ulong(flags),
            data.encode() if data else None,
        ),
        f"mount {source} on {target}",
    )


def prctl(option: int, arg: int = 0) -> None:
    """prctl(2) with one argument."""
    _check(
        _libc.prctl(
            ctypes.c_int(option),
            ctypes.c_ulong(arg),
            ctypes.c_ulong(0),
            ctypes.c_ulong(0),
            ctypes.c_ulong(0),
        ),
        f"prctl({option})",
    )


def madvise(address: int, length: int, advice: int) -> None:
    """madvise(2)."""
    _check(_libc.madvise(address, length, advice), "madvise")


class _SockFprog(ctypes.Structure):
    _fields_ = (("len", ctypes.c_ushort), ("filter", ctypes.c_void_p))


class SeccompProgram:
    """A compiled seccomp-bpf program (``struct sock_filter`` array), kept in memory so that a
    forked child installs it with one prctl instead of compiling the rules again."""

    def __init__(self, bpf: bytes) -> None:
        if not bpf or len(bpf) % 8:
            raise ValueError(f"not a BPF program: {len(bpf)} bytes")
        self._buffer = ctypes.create_string_buffer(bpf, len(bpf))
        self._program = _SockFprog(len(bpf) // 8, ctypes.addressof(self._buffer))

    def install(self) -> None:
        """prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, program): needs no-new-privs first."""
        _check(
            _libc.prctl(
                ctypes.c_int(PR_SET_SECCOMP),
                ctypes.c_ulong(SECCOMP_MODE_FILTER),
                ctypes.byref(self._program),
                ctypes.c_ulong(0),
                ctypes.c_ulong(0),
            ),
            "prctl(PR_SET_SECCOMP)",
        )
