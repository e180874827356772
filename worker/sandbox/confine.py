"""The per-child layers of the sandbox, applied right after fork, before any job data arrives.

Order matters (the network namespace is entered once, by the zygote, and inherited): the
private scratch folder needs root; then resource limits; then the
uid drop (which clears every capability); then no-new-privs, Landlock and, last, seccomp, whose
filter would otherwise forbid the earlier steps. Each layer that this machine lacks is recorded
by the zygote's probe and reported; a layer the probe found working must work in every child,
or the child exits with ``SETUP_FAILED`` (a grader fault, never a student's).
"""

from __future__ import annotations

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


@dataclass
class Prepared:
    """What the zygote does once so that each child's confinement is cheap: the seccomp filter
    compiled to BPF, and Landlock's module loaded and its ABI probed (a child then builds its ruleset,
    which must name its own scratch mount, in about 0.1 ms)."""

    readable: list[str] = field(default_factory=list)
    seccomp_filter: Any | None = None
    landlock_ready: bool = False
    errors: dict[str, str] = field(default_factory=dict)


def isolate_network() -> None:
    """Enter a new, empty network namespace (and IPC and UTS ones): no interface is up, not
    even loopback. Done once, in the zygote: every child inherits it for free, where a
    namespace per child cost about a millisecond to create and more to tear down. Children
    cannot reach each other through it either: seccomp denies them every socket."""
    linux.unshare(linux.CLONE_NEWNET | linux.CLONE_NEWIPC | linux.CLONE_NEWUTS)


def prepare(readable: list[str]) -> Prepared:
    """Compile the seccomp filter and warm Landlock (in the zygote, after the chroot)."""
    prepared = Prepared(readable=readable)
    try:
        prepared.seccomp_filter = compile_seccomp(build_seccomp_filter())
    except Exception as exc:
        prepared.errors["seccomp"] = f"{type(exc).__name__}: {exc}"
    try:
        os.close(build_landlock_ruleset(readable)._fd)
        prepared.landlock_ready = True
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
        if not prepared.landlock_ready:
            raise RuntimeError(prepared.errors.get("landlock", "Landlock is not available"))
        # Built here, after the scratch tmpfs is mounted: a rule on the folder underneath
        # would not cover the new mount.
        ruleset = build_landlock_ruleset(prepared.readable)
        ruleset.apply()
        os.close(ruleset._fd)

    def seccomp() -> None:
        if prepared.seccomp_filter is None:
            raise RuntimeError(prepared.errors.get("seccomp", "no seccomp filter"))
        prepared.seccomp_filter.install()

    steps = (
        ("closed_fds", lambda: _close_fds_except(keep_fds)),
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


def build_landlock_ruleset(readable: list[str]) -> Any:
    """Read-only access to the runtime's files, read-write in the scratch folder, nothing else."""
    from landlock import FSAccess, Ruleset

    ruleset = Ruleset()
    read_dir = FSAccess.READ_FILE | FSAccess.READ_DIR | FSAccess.EXECUTE
    read_file = FSAccess.READ_FILE | FSAccess.EXECUTE
    for path in readable:
        if os.path.isdir(path):
            ruleset.allow(path, rules=read_dir)
        elif os.path.exists(path):
            ruleset.allow(path, rules=read_file)
    ruleset.allow("/dev/null", "/dev/full", rules=FSAccess.READ_FILE | FSAccess.WRITE_FILE)
    ruleset.allow("/dev/zero", "/dev/random", "/dev/urandom", rules=FSAccess.READ_FILE)
    ruleset.allow(SCRATCH, rules=FSAccess.all())
    return ruleset


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
