"""The per-child layers of the sandbox, applied right after fork, before any job data arrives.

Order matters (the network namespace is entered once, by the zygote, and inherited): the
private scratch folder needs root; then resource limits; then the
uid drop (which clears every capability); then no-new-privs, Landlock and, last, seccomp, whose
filter would otherwise forbid the earlier steps. Each layer that this machine lacks is recorded
by the zygote's probe and reported; a layer the probe found working must work in every child,
or the child exits with ``SETUP_FAILED`` (a grader fault, never a student's).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import resource
import tempfile
from dataclasses import asdict, dataclass, field
from typing import Any

from worker.sandbox import linux
from worker.sandbox.rootfs import SCRATCH

SETUP_FAILED = 121

LAYERS = (
    "mount_namespace",
    "network_namespace",
    "private_tmp",
    "rlimits",
    "unprivileged_uid",
    "no_new_privs",
    "landlock",
    "seccomp",
    "closed_fds",
)

# Denied outright: a correct answer never needs any of these.
DENIED_SYSCALLS = (
    "socket",
    "socketpair",
    "connect",
    "bind",
    "listen",
    "accept",
    "accept4",
    "execve",
    "execveat",
    "fork",
    "vfork",
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "kcmp",
    "kill",
    "tkill",
    "tgkill",
    "rt_sigqueueinfo",
    "rt_tgsigqueueinfo",
    "pidfd_open",
    "pidfd_send_signal",
    "pidfd_getfd",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "unshare",
    "setns",
    "setrlimit",
    "setpriority",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "io_uring_setup",
    "keyctl",
    "add_key",
    "request_key",
    "init_module",
    "finit_module",
    "delete_module",
    "kexec_load",
    "kexec_file_load",
    "reboot",
    "swapon",
    "swapoff",
    "acct",
    "quotactl",
    "name_to_handle_at",
    "open_by_handle_at",
    "personality",
    "syslog",
    "sethostname",
    "setdomainname",
    "settimeofday",
    "clock_settime",
    "adjtimex",
    "fanotify_init",
    "move_pages",
    "migrate_pages",
    "mbind",
    "setuid",
    "setgid",
    "setreuid",
    "setregid",
    "setresuid",
    "setresgid",
    "setgroups",
    "setfsuid",
    "setfsgid",
    "capset",
    "ioperm",
    "iopl",
    "modify_ldt",
    "lookup_dcookie",
)


@dataclass(frozen=True)
class ChildLimits:
    """Limits of one child process; all configurable."""

    cpu_seconds: int = 12
    memory_bytes: int = 1 << 30
    file_size_bytes: int = 16 << 20
    open_files: int = 64
    tmp_size_mib: int = 16
    uid: int = 61234

    def to_dict(self) -> dict[str, int]:
        """Plain data for the control channel."""
        return asdict(self)


@dataclass
class Mechanisms:
    """Which layers this machine supports: found once by a probe child of the zygote."""

    active: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(LAYERS, False))
    detail: dict[str, str] = field(default_factory=dict)


class LandlockRules:
    """Landlock's rules, opened once in the zygote: an O_PATH descriptor and an access mask per
    readable path. A child builds its ruleset from them with a few syscalls, adding its own
    scratch mount (which only exists after the fork, and which a rule on the folder underneath
    would not cover). Building it from paths cost a child about 1.3 ms of Python."""

    def __init__(self, readable: list[str]) -> None:
        from landlock import FSAccess

        self.handled = int(FSAccess.all())
        read_dir = int(FSAccess.READ_FILE | FSAccess.READ_DIR | FSAccess.EXECUTE)
        read_file = int(FSAccess.READ_FILE | FSAccess.EXECUTE)
        read_write = int(FSAccess.READ_FILE | FSAccess.WRITE_FILE)
        wanted = [(path, read_dir if os.path.isdir(path) else read_file) for path in readable]
        wanted += [(path, read_write) for path in ("/dev/null", "/dev/full")]
        wanted += [(path, int(FSAccess.READ_FILE)) for path in ("/dev/zero", "/dev/random", "/dev/urandom")]
        self.beneath = [
            (os.open(path, os.O_PATH | os.O_CLOEXEC), access)
            for path, access in wanted
            if os.path.exists(path)
        ]
        os.close(self._ruleset())  # fails here, in the zygote, if this kernel has no Landlock

    def fds(self) -> list[int]:
        """The descriptors a child must keep until it has applied the rules."""
        return [fd for fd, _ in self.beneath]

    def apply(self, scratch_path: str = SCRATCH) -> None:
        """Restrict the calling process (which has set no-new-privs) to the rules and its scratch."""
        from landlock.plumbing import get_restrict_self

        scratch = os.open(scratch_path, os.O_PATH | os.O_CLOEXEC)
        ruleset = self._ruleset((scratch, self.handled))
        try:
            get_restrict_self()(ruleset, 0)
        finally:
            os.close(ruleset)
            os.close(scratch)

    def close(self) -> None:
        """Close the descriptors (a child, once restricted, needs them no more)."""
        for fd in self.fds():
            with contextlib.suppress(OSError):
                os.close(fd)

    def _ruleset(self, *extra: tuple[int, int]) -> int:
        from landlock.plumbing import PathBeneathAttr, RulesetAttr, get_add_rule, get_create_ruleset

        attr = RulesetAttr(self.handled)
        ruleset = int(get_create_ruleset()(ctypes.byref(attr), ctypes.sizeof(attr), 0))
        try:
            for fd, access in (*self.beneath, *extra):
                rule = PathBeneathAttr(access, fd)
                get_add_rule()(ruleset, _LANDLOCK_RULE_PATH_BENEATH, ctypes.byref(rule), 0)
        except BaseException:
            os.close(ruleset)
            raise
        return ruleset


_LANDLOCK_RULE_PATH_BENEATH = 1


@dataclass
class Prepared:
    """What the zygote does once so that each child's confinement is cheap: the seccomp filter
    compiled to BPF and Landlock's rules opened (a child applies them in about 0.1 ms)."""

    seccomp_filter: Any | None = None
    landlock: LandlockRules | None = None
    errors: dict[str, str] = field(default_factory=dict)


def isolate_network() -> None:
    """Enter a new, empty network namespace (and IPC and UTS ones): no interface is up, not
    even loopback. Done once, in the zygote: every child inherits it for free, where a
    namespace per child cost about a millisecond to create and more to tear down. Children
    cannot reach each other through it either: seccomp denies them every socket."""
    linux.unshare(linux.CLONE_NEWNET | linux.CLONE_NEWIPC | linux.CLONE_NEWUTS)


def prepare(readable: list[str]) -> Prepared:
    """Compile the seccomp filter and warm Landlock (in the zygote, after the chroot)."""
    prepared = Prepared()
    try:
        prepared.seccomp_filter = compile_seccomp(build_seccomp_filter())
    except Exception as exc:
        prepared.errors["seccomp"] = f"{type(exc).__name__}: {exc}"
    try:
        prepared.landlock = LandlockRules(readable)
    except Exception as exc:
        prepared.errors["landlock"] = f"{type(exc).__name__}: {exc}"
    return prepared


def confine(
    limits: ChildLimits,
    mechanisms: Mechanisms,
    keep_fds: tuple[int, ...],
    prepared: Prepared,
    statm_fd: int,
    *,
    probe: bool = False,
) -> None:
    """Apply every layer to the current, freshly forked process.

    Normally only the layers the probe found active are applied, and any failure raises. With
    ``probe`` every layer is tried and its outcome recorded in ``mechanisms``.
    """
    inherited = _address_space(statm_fd)
    os.close(statm_fd)

    def uid() -> None:
        os.setgroups([])
        os.setresgid(limits.uid, limits.uid, limits.uid)
        os.setresuid(limits.uid, limits.uid, limits.uid)

    def landlock() -> None:
        if prepared.landlock is None:
            raise RuntimeError(prepared.errors.get("landlock", "Landlock is not available"))
        prepared.landlock.apply()  # after the scratch tmpfs is mounted: its rule names the mount

    def seccomp() -> None:
        if prepared.seccomp_filter is None:
            raise RuntimeError(prepared.errors.get("seccomp", "no seccomp filter"))
        prepared.seccomp_filter.install()

    rule_fds = prepared.landlock.fds() if prepared.landlock else []
    steps = (
        ("closed_fds", lambda: _close_fds_except((*keep_fds, *rule_fds))),
        ("private_tmp", lambda: _mount_private_tmp(limits)),
        ("rlimits", lambda: _set_rlimits(limits, inherited)),
        ("unprivileged_uid", uid),
        ("no_new_privs", lambda: linux.prctl(linux.PR_SET_NO_NEW_PRIVS, 1)),
        ("landlock", landlock),
        ("seccomp", seccomp),
    )
    for name, step in steps:
        if name == "seccomp":
            # Last before seccomp: these prctls are not denied, but keep them in one place.
            linux.prctl(linux.PR_SET_PDEATHSIG, 9)
            linux.prctl(linux.PR_SET_DUMPABLE, 0)
        if not probe:
            if mechanisms.active.get(name, False):
                step()
            continue
        try:
            step()
            mechanisms.active[name] = True
        except Exception as exc:
            mechanisms.detail[name] = f"{type(exc).__name__}: {exc}"
    if prepared.landlock is not None:
        prepared.landlock.close()
    if os.path.isdir(SCRATCH):
        os.chdir(SCRATCH)
        tempfile.tempdir = SCRATCH  # the zygote may have cached another folder before its chroot


def _mount_private_tmp(limits: ChildLimits) -> None:
    linux.unshare(linux.CLONE_NEWNS)
    linux.mount(
        "scratch",
        SCRATCH,
        "tmpfs",
        linux.MS_NOSUID | linux.MS_NODEV | linux.MS_NOEXEC,
        f"size={limits.tmp_size_mib}m,mode=0700,uid={limits.uid},gid={limits.uid}",
    )


def _close_fds_except(keep: tuple[int, ...]) -> None:
    """Close every descriptor from 3 up but those in ``keep`` (0-2 are set up by the caller)."""
    start = 3
    for fd in sorted(k for k in set(keep) if k >= 3):
        os.closerange(start, fd)
        start = fd + 1
    os.closerange(start, resource.getrlimit(resource.RLIMIT_NOFILE)[0])


def _address_space(statm_fd: int) -> int:
    """The address space this process inherited from the zygote, in bytes."""
    pages = int(os.pread(statm_fd, 128, 0).split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE")


def _set_rlimits(limits: ChildLimits, inherited: int) -> None:
    # RLIMIT_AS counts the ~600 MiB that a torch process has mapped already, so the
    # student's budget is added on top of what the child inherited.
    memory = inherited + limits.memory_bytes
    for which, value in (
        (resource.RLIMIT_AS, memory),
        (resource.RLIMIT_FSIZE, limits.file_size_bytes),
        (resource.RLIMIT_NOFILE, limits.open_files),
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_MEMLOCK, 0),
        (resource.RLIMIT_MSGQUEUE, 0),
    ):
        resource.setrlimit(which, (value, value))
    # Soft then hard: SIGXCPU at the soft limit, SIGKILL a second later if it is caught.
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))


def compile_seccomp(flt: Any) -> linux.SeccompProgram:
    """The filter as the BPF program libseccomp would load (exported once, in the zygote): a
    child then installs it with one prctl, where ``load()`` compiled the rules again in every
    child."""
    memory = os.memfd_create("seccomp-bpf", os.MFD_CLOEXEC)
    with open(memory, "w+b") as program:
        flt.export_bpf(program)
        program.seek(0)
        return linux.SeccompProgram(program.read())


def build_seccomp_filter() -> object:
    """A filter that allows by default and denies what a submission never needs."""
    import pyseccomp as seccomp

    flt = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    for name in DENIED_SYSCALLS:
        try:
            flt.add_rule(seccomp.ERRNO(errno.EPERM), name)
        except Exception:  # a syscall this architecture lacks
            continue
    # Threads (CLONE_THREAD) may be created; new processes may not.
    flt.add_rule(
        seccomp.ERRNO(errno.EPERM),
        "clone",
        seccomp.Arg(0, seccomp.MASKED_EQ, linux.CLONE_THREAD, 0),
    )
    # Limits may be read (getrlimit is prlimit64 without a new value) but never changed.
    flt.add_rule(seccomp.ERRNO(errno.EPERM), "prlimit64", seccomp.Arg(2, seccomp.NE, 0))
    # ENOSYS, not EPERM: glibc then falls back to clone(), which the rule above judges.
    flt.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    return flt
