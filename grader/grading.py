"""Grade one submission: static checks, reference outputs, a sandboxed run, comparison, score.

Pure apart from the ``runner`` it is given (anything with ``Sandbox.run``'s signature), so the
core is testable without forking. The reference and the mutants (our own code) run here, on
copies of each case's inputs; only the student's code runs in the sandbox.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import torch

from grader.compare import compare, same_grad, same_state
from grader.exercise import Case, Comparison, Exercise
from grader.messages import Finding, where
from grader.report import CaseResult, Flag, Report
from grader.source_loader import Source
from grader.static_check import StaticReport, analyze
from worker.sandbox.outcome import CaseOutcome, Cell, RunResult


class Runner(Protocol):
    """What grading needs from a sandbox."""

    def run(self, cells: list[Cell], function: str, cases: list[tuple[Any, ...]], *,
            hidden_from: int | None = None, tolerant: bool = False) -> RunResult: ...


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
    try:
        value = function(*copies)
    except Exception as exc:
        return Raised(type(exc).__name__, str(exc))
    return Returned(value, copies)


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
    run = runner.run(source.cells, exercise.function, [copy_value(c.args) for c in cases],
                     hidden_from=public, tolerant=source.notebook)
    flags += [Flag("cell_error", f"{e.get('type')}: {e.get('message', '')[:200]}", _location(e))
              for e in run.load.cell_errors]
    if not run.load.ok:
        report = _invalid(exercise, cases, public, max_points, _load_problem(run, exercise), flags,
                          "load")
        report.output, report.output_truncated = run.output, run.output_truncated
        return report
    params = _parameter_names(exercise)
    has_bans = bool(exercise.bans.names or exercise.bans.runtime)
    evasions = static.evasions if has_bans else []
    results = []
    for index, (case, want, got) in enumerate(zip(cases, expected, run.cases, strict=True)):
        finding = judge(want, got, case.comparison or exercise.comparison, exercise, params)
        if finding is None and static.banned:
            use = static.banned[0]
            finding = Finding("banned_static", {"name": use.name, "where": _use_where(use)})
        if finding is None and evasions:
            use = evasions[0]
            finding = Finding("evasion", {"name": use.name, "where": _use_where(use)})
        for kind, name in _runtime_flags(got, exercise):
            flags.append(Flag(kind, name, {"case": case.name}))
        passed = finding is None
        results.append(CaseResult(case.name, "public" if index < public else "hidden", passed,
                                  max_points[index] if passed else 0.0, max_points[index], finding))
    matched = attach_hints(exercise, cases, results, run.cases)
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


def judge(want: Expected, got: CaseOutcome, rule: Comparison, exercise: Exercise,
          params: list[str]) -> Finding | None:
    """What is wrong with one case's outcome, or None if it passes."""
    if got.tampered:
        return Finding("tampered")
    banned = sorted((set(got.ops) | set(got.functions)) & exercise.bans.runtime)
    if banned:
        return Finding("banned_runtime", {"name": banned[0]})
    if got.status != "returned" and got.status != "raised":
        return _fault_finding(got, exercise)
    if got.status == "raised":
        error = got.error or {}
        if isinstance(want, Raised):
            if want.type_name in error.get("bases", []):
                return None
            return Finding("wrong_exception", {"actual": error.get("type"), "expected": want.type_name})
        return _raised_finding(error, exercise)
    if isinstance(want, Raised):
        return Finding("expected_raise", {"expected": want.type_name, "actual": repr(got.value)[:80]})
    finding = compare(want.value, got.value, rule)
    if finding is not None:
        return finding
    return _mutation_finding(want.args_after, got.args_after or [], params, rule)


def _mutation_finding(before: list[Any], after: list[Any], params: list[str],
                      rule: Comparison) -> Finding | None:
    for index, (want, got) in enumerate(zip(before, after, strict=False)):
        name = params[index] if index < len(params) else f"argument {index + 1}"
        if not same_state(want, got):
            return Finding("mutated", {"name": name})
        if not same_grad(want, got, rule):
            return Finding("grad_changed", {"name": name})
    return None


def _raised_finding(error: dict[str, Any], exercise: Exercise) -> Finding:
    message = str(error.get("message", ""))
    place = {"where": {"en": where(error, "en"), "zh": where(error, "zh")}}
    if error.get("type") == "MemoryError" or "can't allocate memory" in message \
            or "not enough memory" in message:
        return Finding("memory", {"limit": _memory_text(exercise), **place})
    return Finding("raised", {"type": error.get("type", "Exception"), "message": message[:300],
                              **place})


def _memory_text(exercise: Exercise) -> str:
    return f"{exercise.limits.memory_bytes / (1 << 30):g} GiB"


def _fault_finding(got: CaseOutcome, exercise: Exercise) -> Finding:
    kind, _, rest = got.detail.partition(":")
    if got.status == "timeout" and kind == "cpu":
        return Finding("timeout_cpu", {"seconds": rest})
    if got.status == "timeout":
        seconds, _, scope = rest.partition(":")
        return Finding("timeout_submission" if scope == "submission" and got.wall_seconds == 0
                       else "timeout_wall", {"seconds": seconds})
    if got.status == "crashed" and kind == "exit":
        return Finding("exited", {"code": rest})
    if got.status == "crashed":
        detail = rest or got.detail or "no reply"
        if rest == "SIGKILL":
            detail = f"killed: memory limit {_memory_text(exercise)} or a resource limit"
        return Finding("crashed", {"detail": detail})
    if got.status == "not_run":
        return Finding("timeout_submission", {"seconds": f"{exercise.limits.submission_wall_seconds:g}"}) \
            if "time limit" in got.detail else Finding("not_run", {"reason": got.detail})
    if got.status == "unencodable":
        return Finding("unencodable", {"message": (got.error or {}).get("message", "")[:200]})
    return Finding("bad_reply", {"detail": got.detail[:200]})


def attach_hints(exercise: Exercise, cases: Sequence[Case], results: list[CaseResult],
                 outcomes: list[CaseOutcome]) -> list[str]:
    """Give failed cases the hint of a mutant whose outcome the student's matches."""
    from grader.mutants import mutant_functions

    failed = [i for i, r in enumerate(results) if not r.passed and outcomes[i].status
              in ("returned", "raised") and not outcomes[i].tampered]
    if not failed:
        return []
    matched: list[str] = []
    params = _parameter_names(exercise)
    for mutant, function in mutant_functions(exercise):
        hits = [i for i in failed if results[i].mutant is None and _matches(
            call_trusted(function, cases[i].args), outcomes[i],
            cases[i].comparison or exercise.comparison, params)]
        for i in hits:
            results[i].mutant, results[i].hint = mutant.name, mutant.hint
        if hits:
            matched.append(mutant.name)
    return matched


def _matches(mutant: Expected, got: CaseOutcome, rule: Comparison, params: list[str]) -> bool:
    if isinstance(mutant, Raised):
        return got.status == "raised" and mutant.type_name in (got.error or {}).get("bases", [])
    if got.status != "returned":
        return False
    if compare(mutant.value, got.value, rule) is not None:
        return False
    return _mutation_finding(mutant.args_after, got.args_after or [], params, rule) is None


def _parameter_names(exercise: Exercise) -> list[str]:
    import ast

    func = ast.parse(f"def {exercise.signature}: pass").body[0]
    assert isinstance(func, ast.FunctionDef)
    return [arg.arg for arg in func.args.args]


def _static_problem(static: StaticReport, exercise: Exercise) -> Finding | None:
    if static.syntax_error:
        error = static.syntax_error
        return Finding("syntax_error", {"message": error["message"],
                                        "where": {"en": where(error, "en"), "zh": where(error, "zh")}})
    problem = static.function_problem
    if problem is None:
        return None
    params = {"name": exercise.function, "signature": exercise.signature}
    if problem["key"] == "wrong_signature":
        params["actual"] = {"en": f"{problem['actual']} positional parameter(s)",
                            "zh": f"{problem['actual']} 个位置参数"}
    if problem["key"] == "not_a_function":
        params["found"] = str(problem["found"])
    return Finding(str(problem["key"]), params)


def _load_problem(run: RunResult, exercise: Exercise) -> Finding:
    load = run.load
    if load.missing_function:
        if load.found_instead:
            return Finding("not_a_function", {"name": exercise.function, "found": load.found_instead,
                                              "signature": exercise.signature})
        return Finding("missing_function", {"name": exercise.function,
                                            "signature": exercise.signature})
    if load.error:
        error = load.error
        if error.get("type") == "SyntaxError":
            return Finding("syntax_error", {"message": error.get("message", ""),
                                            "where": {"en": where(error, "en"), "zh": where(error, "zh")}})
        return Finding("load_error", {"type": error.get("type"), "message": str(error.get("message"))[:300],
                                      "where": {"en": where(error, "en"), "zh": where(error, "zh")}})
    return Finding("load_failed", {"detail": load.detail or "unknown"})


def _invalid(exercise: Exercise, cases: list[Case], public: int, max_points: list[float],
             problem: Finding, flags: list[Flag], stage: str) -> Report:
    reason = {"en": "the submission could not be run (see the message above)",
              "zh": "提交的代码无法运行（见上方说明）"}
    tests = [CaseResult(case.name, "public" if i < public else "hidden", False, 0.0, max_points[i],
                        Finding("not_run", {"reason": reason}))
             for i, case in enumerate(cases)]
    return Report(exercise=exercise.slug, status="invalid", score=0.0, max_score=exercise.points,
                  tests=tests, flags=_unique(flags), problem=problem)


def _static_flags(static: StaticReport) -> list[Flag]:
    return [Flag("banned", use.name, _use_location(use)) for use in static.banned] + \
        [Flag("introspection", use.name, _use_location(use)) for use in static.flags]


def _runtime_flags(got: CaseOutcome, exercise: Exercise) -> list[tuple[str, str]]:
    found = [("banned_runtime", name) for name in
             sorted((set(got.ops) | set(got.functions)) & exercise.bans.runtime)]
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
