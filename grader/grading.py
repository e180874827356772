"""Grade one submission: static checks, reference outputs, a sandboxed run, comparison, score.

Pure apart from the ``runner`` it is given (anything with ``Sandbox.run``'s signature), so the
core is testable without forking. The reference and the mutants (our own code) run here, on
copies of each case's inputs; only the student's code runs in the sandbox.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import torch

from grader.compare import compare, same_grad, same_state
from grader.exercise import Case, Comparison, Exercise
from grader.messages import Finding, where
from grader.report import CaseResult, Flag, FlagKind, Report
from grader.source_loader import Source, SubmissionRejected
from grader.static_check import StaticReport, analyze
from worker.sandbox.outcome import CaseOutcome, Cell, RunResult


class Runner(Protocol):
    """What grading needs from a sandbox."""

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
    ) -> RunResult: ...


@dataclass(frozen=True)
class Returned:
    """The trusted side's outcome of a call that returned."""

    value: Any
    args_after: list[Any]


@dataclass(frozen=True)
class Raised:
    """The trusted side's outcome of a call that raised."""

    type_name: str
    message: str


Expected = Returned | Raised


def copy_value(value: Any) -> Any:
    """A deep copy of case data; leaf tensors keep requires_grad and their .grad."""
    if isinstance(value, torch.Tensor):
        copy = value.detach().clone().requires_grad_(value.requires_grad)
        if value.grad is not None:
            copy.grad = value.grad.detach().clone()
        return copy
    if isinstance(value, list):
        return [copy_value(v) for v in value]
    if isinstance(value, tuple):
        return tuple(copy_value(v) for v in value)
    return value


def call_trusted(function: Callable[..., Any], args: tuple[Any, ...]) -> Expected:
    """Call our own code (the reference or a mutant) on a copy of the arguments."""
    copies = [copy_value(a) for a in args]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a mutant's UserWarning is no news to the grader's log
        try:
            value = function(*copies)
        except Exception as exc:
            return Raised(type(exc).__name__, str(exc))
    return Returned(value, copies)


def rejected(exercise: Exercise, exc: SubmissionRejected) -> Report:
    """The report of a file that could not be read as a submission: 0, with the reason."""
    return Report(
        exercise=exercise.slug,
        status="invalid",
        score=0.0,
        max_score=exercise.points,
        tests=[],
        problem=Finding("bad_input", {"message": exc.message, "message_zh": exc.message_zh}),
    )


def grade(exercise: Exercise, source: Source, runner: Runner, *, seed: int | None) -> Report:
    """The full grading of one submission; ``seed=None`` runs the public examples only."""
    cases = exercise.cases(seed)
    public = len(exercise.public_cases)
    weights = sum(case.weight for case in cases) or 1.0
    max_points = [exercise.points * case.weight / weights for case in cases]
    static = analyze(source.cells, exercise.function, exercise.parameters(), exercise.bans)
    flags = _static_flags(static)
    problem = _static_problem(static, exercise)
    if problem is not None:
        return _invalid(exercise, cases, public, max_points, problem, flags, "static")
    expected = [call_trusted(exercise.reference, case.args) for case in cases]
    run = runner.run(
        source.cells,
        exercise.function,
        [copy_value(c.args) for c in cases],
        hidden_from=public,
        tolerant=source.notebook,
        case_cpu_seconds=exercise.limits.case_cpu_seconds,
        submission_wall_seconds=exercise.limits.submission_wall_seconds,
        memory_bytes=exercise.limits.memory_bytes,
    )
    flags += [
        Flag("cell_error", f"{e.get('type')}: {e.get('message', '')[:200]}", _location(e))
        for e in run.load.cell_errors
    ]
    if not run.load.ok:
        report = _invalid(exercise, cases, public, max_points, _load_problem(run, exercise), flags, "load")
        report.output, report.output_truncated = run.output, run.output_truncated
        return report
    params = exercise.parameter_names()
    has_bans = bool(exercise.bans.names or exercise.bans.runtime)
    evasions = static.evasions if has_bans else []
    results = []
    for index, (case, want, got) in enumerate(zip(cases, expected, run.cases, strict=True)):
        # A banned name in the source costs every case, and says so where the student wrote it.
        if static.banned:
            use = static.banned[0]
            finding: Finding | None = Finding("banned_static", {"name": use.name, "where": _use_where(use)})
        elif evasions:
            use = evasions[0]
            finding = Finding("evasion", {"name": use.name, "where": _use_where(use)})
        else:
            finding = judge(want, got, case.comparison or exercise.comparison, exercise, params, run.limits)
        for kind, name in _runtime_flags(got, exercise):
            flags.append(Flag(kind, name, {"case": case.name}))
        passed = finding is None
        results.append(
            CaseResult(
                case.name,
                "public" if index < public else "hidden",
                passed,
                max_points[index] if passed else 0.0,
                max_points[index],
                finding,
            )
        )
    matched = attach_hints(exercise, cases, expected, results, run.cases)
    passed_weight = sum(case.weight for case, r in zip(cases, results, strict=True) if r.passed)
    score = exercise.points * passed_weight / weights  # exact at full marks, unlike a sum of parts
    return Report(
        exercise=exercise.slug,
        status="passed" if all(r.passed for r in results) else "failed",
        score=score,
        max_score=exercise.points,
        tests=results,
        flags=_unique(flags),
        output=run.output,
        output_truncated=run.output_truncated,
        hidden_output_bytes=run.hidden_output_bytes,
        mutants_matched=matched,
        mechanisms=run.mechanisms,
    )


def judge(
    want: Expected,
    got: CaseOutcome,
    rule: Comparison,
    exercise: Exercise,
    params: list[str],
    limits: dict[str, float],
) -> Finding | None:
    """What is wrong with one case's outcome, or None if it passes."""
    if got.tampered:
        return Finding("tampered")
    banned = _runtime_banned(got, exercise)
    if banned:
        return Finding("banned_runtime", {"name": banned[0]})
    if got.status != "returned" and got.status != "raised":
        return _fault_finding(got, limits)
    if got.status == "raised":
        error = got.error or {}
        if isinstance(want, Raised):
            if want.type_name in error.get("bases", []):
                return None
            return Finding("wrong_exception", {"actual": error.get("type"), "expected": want.type_name})
        return _raised_finding(error, limits)
    if isinstance(want, Raised):
        return Finding("expected_raise", {"expected": want.type_name, "actual": repr(got.value)[:80]})
    finding = compare(want.value, got.value, rule)
    if finding is not None:
        return finding
    return _mutation_finding(want.args_after, got.args_after or [], params, rule)


def _mutation_finding(
    before: list[Any], after: list[Any], params: list[str], rule: Comparison
) -> Finding | None:
    for index, (want, got) in enumerate(zip(before, after, strict=False)):
        name = params[index] if index < len(params) else f"argument {index + 1}"
        if not same_state(want, got):
            return Finding("mutated", {"name": name})
        if not same_grad(want, got, rule):
            return Finding("grad_changed", {"name": name})
    return None


def _raised_finding(error: dict[str, Any], limits: dict[str, float]) -> Finding:
    message = str(error.get("message", ""))
    place = {"where": {"en": where(error, "en"), "zh": where(error, "zh")}}
    if (
        error.get("type") == "MemoryError"
        or "can't allocate memory" in message
        or "not enough memory" in message
    ):
        return Finding("memory", {"limit": _memory_text(limits), **place})
    return Finding("raised", {"type": error.get("type", "Exception"), "message": message[:300], **place})


def _memory_text(limits: dict[str, float]) -> str:
    memory = limits.get("memory_bytes", 0)
    return f"{memory / (1 << 30):g} GiB" if memory >= 1 << 30 else f"{memory / (1 << 20):g} MiB"


def _fault_finding(got: CaseOutcome, limits: dict[str, float]) -> Finding:
    kind, _, rest = got.detail.partition(":")
    if got.status == "timeout" and kind == "cpu":
        return Finding("timeout_cpu", {"seconds": rest})
    if got.status == "timeout" and kind == "busy":
        return Finding("timeout_busy", {"seconds": rest})
    if got.status == "timeout":
        seconds, _, scope = rest.partition(":")
        return Finding(
            "timeout_submission" if scope == "submission" and got.wall_seconds == 0 else "timeout_wall",
            {"seconds": seconds},
        )
    if got.status == "crashed" and kind == "exit":
        return Finding("exited", {"code": rest})
    if got.status == "crashed":
        detail = rest or got.detail or "no reply"
        if rest == "SIGKILL":
            detail = f"killed: memory limit {_memory_text(limits)} or a resource limit"
        return Finding("crashed", {"detail": detail})
    if got.status == "not_run":
        return (
            Finding("timeout_submission", {"seconds": f"{limits.get('submission_wall_seconds', 0):g}"})
            if "time limit" in got.detail
            else Finding("not_run", {"reason": got.detail})
        )
    if got.status == "unencodable":
        return Finding("unencodable", {"message": (got.error or {}).get("message", "")[:200]})
    return Finding("bad_reply", {"detail": got.detail[:200]})


# Findings that say the student broke a rule, not that the result is wrong: a mutant that
# happens to give the same values would explain nothing there.
_RULE_FINDINGS = {"banned_static", "banned_runtime", "evasion", "tampered"}


def attach_hints(
    exercise: Exercise,
    cases: Sequence[Case],
    expected: Sequence[Expected],
    results: list[CaseResult],
    outcomes: list[CaseOutcome],
) -> list[str]:
    """Give failed cases the hint of the mutant whose outcome the student's matches.

    A mutant counts on a case only where it is itself wrong (it differs from the reference);
    the mutant that explains the most failed cases is preferred, then the next, and so on.
    """
    from grader.mutants import mutant_functions

    failed = [
        i
        for i, r in enumerate(results)
        if not r.passed
        and outcomes[i].status in ("returned", "raised")
        and (r.finding is None or r.finding.key not in _RULE_FINDINGS)
    ]
    if not failed:
        return []
    params = exercise.parameter_names()
    explained: list[tuple[list[int], str, Any]] = []
    for mutant, function in mutant_functions(exercise):
        hits = []
        for i in failed:
            rule = cases[i].comparison or exercise.comparison
            outcome = call_trusted(function, cases[i].args)
            if _agree(outcome, expected[i], rule, params):
                continue  # the mutant is right here: its mistake does not show on this case
            if _matches(outcome, outcomes[i], rule, params):
                hits.append(i)
        if hits:
            explained.append((hits, mutant.name, mutant.hint))
    matched = []
    for hits, name, hint in sorted(explained, key=lambda item: -len(item[0])):
        fresh = [i for i in hits if results[i].mutant is None]
        for i in fresh:
            results[i].mutant, results[i].hint = name, hint
        if fresh:
            matched.append(name)
    return matched


def _agree(mutant: Expected, want: Expected, rule: Comparison, params: list[str]) -> bool:
    """True if the mutant's outcome is what the reference gives (it is not wrong here)."""
    if isinstance(want, Raised) or isinstance(mutant, Raised):
        return isinstance(want, Raised) and isinstance(mutant, Raised) and want.type_name == mutant.type_name
    return (
        _same_kinds(want.value, mutant.value)
        and compare(want.value, mutant.value, rule) is None
        and _mutation_finding(want.args_after, mutant.args_after, params, rule) is None
    )


def _matches(mutant: Expected, got: CaseOutcome, rule: Comparison, params: list[str]) -> bool:
    """True if the student's outcome is the mutant's: same exception, or same kind and value."""
    if isinstance(mutant, Raised):
        error = got.error or {}
        return (
            got.status == "raised"
            and error.get("type") == mutant.type_name
            and str(error.get("message", "")) == mutant.message
        )
    if got.status != "returned" or not _same_kinds(mutant.value, got.value):
        return False
    if compare(mutant.value, got.value, rule) is not None:
        return False
    return _mutation_finding(mutant.args_after, got.args_after or [], params, rule) is None


def _same_kinds(a: Any, b: Any) -> bool:
    """Same kind of value all the way down (the comparison's leniency does not apply to
    recognising a mistake: a float is not the tensor a mutant returned)."""
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        return isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return (
            type(a) is type(b)
            and len(a) == len(b)
            and all(_same_kinds(x, y) for x, y in zip(a, b, strict=True))
        )
    return type(a) is type(b)


def _static_problem(static: StaticReport, exercise: Exercise) -> Finding | None:
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


def _load_problem(run: RunResult, exercise: Exercise) -> Finding:
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


def _invalid(
    exercise: Exercise,
    cases: list[Case],
    public: int,
    max_points: list[float],
    problem: Finding,
    flags: list[Flag],
    stage: str,
) -> Report:
    reason = {
        "en": "the submission could not be run (see the message above)",
        "zh": "提交的代码无法运行（见上方说明）",
    }
    tests = [
        CaseResult(
            case.name,
            "public" if i < public else "hidden",
            False,
            0.0,
            max_points[i],
            Finding("not_run", {"reason": reason}),
        )
        for i, case in enumerate(cases)
    ]
    return Report(
        exercise=exercise.slug,
        status="invalid",
        score=0.0,
        max_score=exercise.points,
        tests=tests,
        flags=_unique(flags),
        problem=problem,
    )


def _static_flags(static: StaticReport) -> list[Flag]:
    return [Flag("banned", use.name, _use_location(use)) for use in static.banned] + [
        Flag("introspection", use.name, _use_location(use)) for use in static.flags
    ]


def _runtime_banned(got: CaseOutcome, exercise: Exercise) -> list[str]:
    """Banned names the call ran, torch-level names (what the student wrote) before aten ops."""
    found = (set(got.ops) | set(got.functions)) & exercise.bans.runtime
    return sorted(found, key=lambda name: (":" in name, name))


def _runtime_flags(got: CaseOutcome, exercise: Exercise) -> list[tuple[FlagKind, str]]:
    found: list[tuple[FlagKind, str]] = [("banned_runtime", name) for name in _runtime_banned(got, exercise)]
    if got.tampered:
        found.append(("tampered", "torch dispatch or function mode stack"))
    return found


def _use_location(use: Any) -> dict[str, Any]:
    return {"file": use.cell, "line": use.line}


def _use_where(use: Any) -> dict[str, str]:
    location = _use_location(use)
    return {"en": where(location, "en").strip(" ()"), "zh": where(location, "zh").strip("（）")}


def _location(error: dict[str, Any]) -> dict[str, Any]:
    return {k: error[k] for k in ("file", "line") if k in error}


def _unique(flags: list[Flag]) -> list[Flag]:
    seen: set[tuple[str, str]] = set()
    unique = []
    for flag in flags:
        if (flag.kind, flag.name) not in seen:
            seen.add((flag.kind, flag.name))
            unique.append(flag)
    return unique
