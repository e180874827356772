"""What stops a submission before its cases are judged (a syntax error, a missing function, a
failed load), and the flags an instructor sees (banned names, introspection, a tampered run)."""

from __future__ import annotations

from typing import Any

from grader.grading.exercise import Exercise
from grader.grading.judge import runtime_banned
from grader.grading.report import Flag, FlagKind
from grader.grading.static_check import StaticReport
from grader.i18n.messages import Finding, where
from worker.sandbox.contract import CaseOutcome, RunResult


def static_problem(static: StaticReport, exercise: Exercise) -> Finding | None:
    """The finding that stops a submission before it runs (syntax, the function's signature)."""
    if static.syntax_error:
        error = static.syntax_error
        return Finding(
            "syntax_error",
            {
                "message": error["message"],
                "where": {"en": where(error, "en"), "zh": where(error, "zh")},
            },
        )
    problem = static.function_problem
    if problem is None:
        return None
    params: dict[str, Any] = {"name": exercise.function, "signature": exercise.signature}
    if problem["key"] == "wrong_signature":
        params["actual"] = {
            "en": f"{problem['actual']} positional parameter(s)",
            "zh": f"{problem['actual']} 个位置参数",
        }
    if problem["key"] == "not_a_function":
        params["found"] = str(problem["found"])
    return Finding(str(problem["key"]), params)


def load_problem(run: RunResult, exercise: Exercise) -> Finding:
    """Why loading the submission in the sandbox failed, as a finding."""
    load = run.load
    if load.missing_function:
        if load.found_instead:
            return Finding(
                "not_a_function",
                {
                    "name": exercise.function,
                    "found": load.found_instead,
                    "signature": exercise.signature,
                },
            )
        return Finding("missing_function", {"name": exercise.function, "signature": exercise.signature})
    if load.error:
        error = load.error
        if error.get("type") == "SyntaxError":
            return Finding(
                "syntax_error",
                {
                    "message": error.get("message", ""),
                    "where": {"en": where(error, "en"), "zh": where(error, "zh")},
                },
            )
        return Finding(
            "load_error",
            {
                "type": error.get("type"),
                "message": str(error.get("message"))[:300],
                "where": {"en": where(error, "en"), "zh": where(error, "zh")},
            },
        )
    return Finding("load_failed", {"detail": load.detail or "unknown"})


def static_flags(static: StaticReport) -> list[Flag]:
    """Flags for the instructor from the source: banned names, introspection."""
    return [Flag("banned", use.name, use_location(use)) for use in static.banned] + [
        Flag("introspection", use.name, use_location(use)) for use in static.flags
    ]


def runtime_flags(got: CaseOutcome, exercise: Exercise) -> list[tuple[FlagKind, str]]:
    """Flags from one case's run: banned calls made, a tampered dispatch stack."""
    found: list[tuple[FlagKind, str]] = [("banned_runtime", name) for name in runtime_banned(got, exercise)]
    if got.tampered:
        found.append(("tampered", "torch dispatch or function mode stack"))
    return found


def use_location(use: Any) -> dict[str, Any]:
    """Where a name is used, as an error location."""
    return {"file": use.cell, "line": use.line}


def use_where(use: Any) -> dict[str, str]:
    """' line 4' (en) and its Chinese form for where a name is used."""
    location = use_location(use)
    return {"en": where(location, "en").strip(" ()"), "zh": where(location, "zh").strip("（）")}


def location(error: dict[str, Any]) -> dict[str, Any]:
    """The file and line of an error, for a flag."""
    return {k: error[k] for k in ("file", "line") if k in error}


def unique(flags: list[Flag]) -> list[Flag]:
    """Flags without repeats, first seen first."""
    seen: set[tuple[str, str]] = set()
    unique = []
    for flag in flags:
        if (flag.kind, flag.name) not in seen:
            seen.add((flag.kind, flag.name))
            unique.append(flag)
    return unique
