"""The zygote's filesystem view: a fresh root holding only what Python and torch need.

Built once, in the zygote's own mount namespace, so every child inherits it for free:
a tmpfs root with read-only binds of the system libraries, the Python installation and its
site-packages at their usual paths (so imports work unchanged), a few device nodes and an empty
``/scratch`` on which each child mounts its private scratch space (not ``/tmp``: a virtualenv may
live under ``/tmp``, and covering it would break lazy imports). No ``/proc``, no home folders,
no project checkout, no database file; the grader's own packages are hidden even when installed
into site-packages, so a submission cannot read the exercises, their references or solutions.
Binding at the same paths also fixes the mode-0700 ``/root`` that holds pyenv's interpreter:
the intermediate folders on the tmpfs are world-traversable.
"""

from __future__ import annotations

import importlib.util
import os
import site
import sys
import tempfile
from collections.abc import Iterable

from worker.sandbox import linux

SYSTEM_PATHS = ("/usr", "/lib", "/lib64", "/lib32", "/libx32", "/bin", "/sbin")
ETC_FILES = (
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/localtime",
    "/etc/nsswitch.conf",
    "/etc/passwd",
    "/etc/group",
    "/etc/os-release",
)
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")
HIDDEN_PACKAGES = ("grader", "exercises", "tests", "bench")
STAGING_DIR = "/run/tensor-grader-root"
SCRATCH = "/scratch"  # each child's private, size-limited tmpfs; TMPDIR and HOME point here


def python_paths() -> list[str]:
    """The folders of this interpreter: prefixes and site-packages (not the project checkout)."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    paths.update(site.getsitepackages())
    paths.add(os.path.dirname(os.path.realpath(sys.executable)))
    return sorted(p for p in paths if os.path.exists(p))


def readable_paths() -> list[str]:
    """Every path a child may read, as seen inside the new root (for Landlock rules)."""
    paths = [p for p in (*SYSTEM_PATHS, *ETC_FILES) if os.path.lexists(p)]
    return _outermost([*paths, *python_paths()])


def build_root(extra_hidden: Iterable[str] = ()) -> list[str]:
    """Enter a private mount namespace and chroot into a minimal root; returns the readable paths.
    ``extra_hidden`` folders (course folders of exercises) are hidden like the grader's packages."""
    readable = readable_paths()
    hidden = _hidden_package_dirs(readable) + _exposed(extra_hidden, readable)
    linux.unshare(linux.CLONE_NEWNS)
    linux.mount("none", "/", None, linux.MS_REC | linux.MS_PRIVATE)
    root = _staging_dir()
    linux.mount("tensor-grader-root", root, "tmpfs", linux.MS_NOSUID, "mode=0755,size=16m")
    for path in readable:
        _bind(path, root + path, readonly=True)
    for path in DEVICES:
        _bind(path, root + path, readonly=False)
    for path in hidden:
        linux.mount("hidden", root + path, "tmpfs", linux.MS_RDONLY | linux.MS_NOSUID, "size=4k")
    os.makedirs(root + SCRATCH, mode=0o1777, exist_ok=True)
    os.chmod(root + SCRATCH, 0o1777)
    os.chroot(root)
    os.chdir("/")
    return readable


def _staging_dir() -> str:
    try:
        os.makedirs(STAGING_DIR, exist_ok=True)
        return STAGING_DIR
    except OSError:
        return tempfile.mkdtemp(prefix="tensor-grader-root-")


def _bind(source: str, target: str, *, readonly: bool) -> None:
    if os.path.islink(source):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if not os.path.lexists(target):
            os.symlink(os.readlink(source), target)
        return
    if os.path.isdir(source):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "a"):
            pass
    linux.mount(source, target, None, linux.MS_BIND | linux.MS_REC)
    if readonly:
        flags = linux.MS_REMOUNT | linux.MS_BIND | linux.MS_RDONLY | linux.MS_NOSUID | linux.MS_NODEV
        linux.mount("none", target, None, flags)


def _outermost(paths: Iterable[str]) -> list[str]:
    """Drop paths that lie inside another path of the list (one bind covers them)."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path == k or path.startswith(k.rstrip("/") + "/") for k in kept):
            kept.append(path)
    return kept


def _exposed(folders: Iterable[str], readable: list[str]) -> list[str]:
    """The folders that a bind of a readable path would expose (others are not in the root)."""
    found = []
    for folder in folders:
        real = os.path.realpath(folder)
        if os.path.isdir(real) and any(real.startswith(path.rstrip("/") + "/") for path in readable):
            found.append(real)
    return found


def _hidden_package_dirs(readable: list[str]) -> list[str]:
    """Folders of the grader's own packages that a bind would expose."""
    hidden = []
    for name in HIDDEN_PACKAGES:
        spec = importlib.util.find_spec(name)
        for location in (spec.submodule_search_locations or []) if spec else []:
            real = os.path.realpath(location)
            if any(real.startswith(path.rstrip("/") + "/") for path in readable):
                hidden.append(real)
    return hidden
