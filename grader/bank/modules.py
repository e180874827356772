"""Import a bank module from its file, exactly as read: the text that is hashed (an exercise's
version) is the text that runs, even when the file changes under a running process. Course
folders get a package of their own, so their modules import each other (``from .. import
_helpers``) as the shipped bank's do. Nothing here imports torch."""

from __future__ import annotations

import hashlib
import importlib
import importlib.machinery
import importlib.util
import sys
import traceback
from pathlib import Path
from types import ModuleType

from grader.bank.folders import Origin


def read_source(path: Path) -> tuple[str, str]:
    """(text, SHA-256 of it) of a module file. The text ends with a newline, as Python's own
    source reader gives it, so versions recorded before this reader keep their hashes."""
    text = path.read_text(encoding="utf-8")
    if text and not text.endswith("\n"):
        text += "\n"
    return text, hashlib.sha256(text.encode()).hexdigest()


def ensure_package(origin: Origin) -> None:
    """Make the origin's package importable (a course folder's is made here, once)."""
    if origin.package in sys.modules:
        return
    if origin.shipped:
        importlib.import_module(origin.package)
        return
    spec = importlib.machinery.ModuleSpec(origin.package, None, is_package=True)
    spec.submodule_search_locations = [str(origin.folder)]
    package = importlib.util.module_from_spec(spec)
    package.__file__ = None
    sys.modules[origin.package] = package


def execute(name: str, path: Path, text: str) -> ModuleType:
    """Run ``text`` (the file at ``path``) as the module ``name``; a failure leaves no module."""
    spec = importlib.util.spec_from_loader(name, loader=None, origin=str(path))
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    module.__file__ = str(path)
    previous = sys.modules.get(name)
    sys.modules[name] = module  # dataclasses and pickling look a module up while it runs
    try:
        exec(compile(text, str(path), "exec"), module.__dict__)
    except BaseException:
        if previous is None:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = previous
        raise
    return module


def describe_error(exc: BaseException, path: Path) -> str:
    """One line: the error and where in the module (or the file it imported) it arose."""
    where = ""
    if isinstance(exc, SyntaxError) and exc.lineno:
        shown = Path(exc.filename or path)
        where = f" (line {exc.lineno})" if shown == path else f" ({shown}, line {exc.lineno})"
        return f"SyntaxError: {exc.msg}{where}"
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [frame for frame in frames if Path(frame.filename) == path]
    if ours:
        where = f" (line {ours[-1].lineno})"
    elif frames:
        where = f" ({frames[-1].filename}, line {frames[-1].lineno})"
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {message}{where}" if message else f"{type(exc).__name__}{where}"
