"""Grade one submission: static checks, reference outputs, a sandboxed run, judging, score.

Pure apart from the ``runner`` it is given (anything with the contract's ``Runner.run``), so the
core is testable without forking. The reference and the mutants (our own code) run here, on
copies of each case's inputs; only the student's code runs in the sandbox.
"""

from __future__ import annotations

from grader.grading.counterexample import find_counterexample, wanted
from grader.grading.exercise import Case, Exercise
from grader.grading.findings import (
    load_problem,
    location,
    runtime_flags,
    static_flags,
    static_problem,
    unique,
    use_where,
)
from grader.grading.fingerprint import behaviour_of, behaviour_of_problem, probe_cases
from grader.grading.hints import attach_hints
from grader.grading.judge import judge
from grader.grading.report import CaseResult, Flag, Report
from grader.grading.source_loader import Source, SubmissionRejected
from grader.grading.static_check import analyze
from grader.grading.trusted import call_trusted, copy_value
from grader.i18n.messages import Finding
from worker.sandbox.contract import Runner


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


def grade(
    exercise: Exercise, source: Source, runner: Runner, *, seed: int | None, probe: bool = False
) -> Report:
    """The full grading of one submission; ``seed=None`` runs the public examples only. With
    ``probe``, the run goes on to the probe inputs and a report short of full marks carries the
    submission's behaviour fingerprint (``grading.fingerprint``)."""
    cases = exercise.cases(seed)
    public = len(exercise.public_cases)
    weights = sum(case.weight for case in cases) or 1.0
    max_points = [exercise.points * case.weight / weights for case in cases]
    static = analyze(source.cells, exercise.function, exercise.parameters(), exercise.bans)
    flags = static_flags(static)
    problem = static_problem(static, exercise)
    if problem is not None:
        report = _invalid(exercise, cases, public, max_points, problem, flags, "static")
        report.behaviour = behaviour_of_problem(problem) if probe else None
        return report
    expected = [call_trusted(exercise.reference, case.args) for case in cases]
    probes = probe_cases(exercise) if probe else []
    run = runner.run(
        source.cells,
        exercise.function,
        [copy_value(c.args) for c in [*cases, *probes]],
        hidden_from=public,
        tolerant=source.notebook,
        case_cpu_seconds=exercise.limits.case_cpu_seconds,
        submission_wall_seconds=exercise.limits.submission_wall_seconds,
        memory_bytes=exercise.limits.memory_bytes,
    )
    flags += [
        Flag("cell_error", f"{e.get('type')}: {e.get('message', '')[:200]}", location(e))
        for e in run.load.cell_errors
    ]
    if not run.load.ok:
        report = _invalid(exercise, cases, public, max_points, load_problem(run, exercise), flags, "load")
        report.output, report.output_truncated = run.output, run.output_truncated
        report.behaviour = behaviour_of_problem(report.problem) if probe and report.problem else None
        return report
    probed = run.cases[len(cases) :]
    del run.cases[len(cases) :]  # the probes are no case of this grading: only the fingerprint reads them
    params = exercise.parameter_names()
    has_bans = bool(exercise.bans.names or exercise.bans.runtime)
    evasions = static.evasions if has_bans else []
    results = []
    for index, (case, want, got) in enumerate(zip(cases, expected, run.cases, strict=True)):
        # A banned name in the source costs every case, and says so where the student wrote it.
        if static.banned:
            use = static.banned[0]
            finding: Finding | None = Finding("banned_static", {"name": use.name, "where": use_where(use)})
        elif evasions:
            use = evasions[0]
            finding = Finding("evasion", {"name": use.name, "where": use_where(use)})
        else:
            finding = judge(want, got, case.comparison or exercise.comparison, exercise, params, run.limits)
        for kind, name in runtime_flags(got, exercise):
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
    # Hidden cases only failed: a new, small input that shows the difference (one short run).
    counterexample = (
        find_counterexample(exercise, source, runner, cases, expected, results) if wanted(results) else None
    )
    passed_weight = sum(case.weight for case, r in zip(cases, results, strict=True) if r.passed)
    score = exercise.points * passed_weight / weights  # exact at full marks, unlike a sum of parts
    report = Report(
        exercise=exercise.slug,
        status="passed" if all(r.passed for r in results) else "failed",
        score=score,
        max_score=exercise.points,
        tests=results,
        flags=unique(flags),
        output=run.output,
        output_truncated=run.output_truncated,
        hidden_output_bytes=run.hidden_output_bytes,
        mutants_matched=matched,
        mechanisms=run.mechanisms,
        counterexample=counterexample,
    )
    if probe and report.status != "passed":
        probed_cases = [*cases[:public], *probes]
        report.behaviour = behaviour_of(exercise, probed_cases, [*run.cases[:public], *probed])
    return report


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
        flags=unique(flags),
        problem=problem,
    )
