"""Prove an exercise: its solution scores full marks and every mutant loses marks, on every seed."""

from __future__ import annotations

from dataclasses import dataclass, field

from grader.grading.engine import grade
from grader.grading.exercise import LANGUAGES, Exercise
from grader.grading.report import Report
from grader.grading.source_loader import load_text
from grader.grading.static_check import analyze
from grader.grading.trusted import Raised, call_trusted
from worker.sandbox.contract import Runner

MIN_MUTANTS = 3
TODO = "TODO(author)"  # what ``grader exercises new`` leaves for the author to fill in


def validation_seeds(count: int) -> list[int]:
    """The seeds a validation draws hidden cases from: the same ones everywhere, every time."""
    return [1000 + 7919 * i for i in range(count)]


@dataclass
class Validation:
    """The outcome of validating one exercise."""

    slug: str
    cases: int = 0
    seeds: list[int] = field(default_factory=list)
    mutants: int = 0
    mutants_caught: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems


def validate(exercise: Exercise, runner: Runner, seeds: list[int]) -> Validation:
    """Grade the solution and each mutant through ``runner`` on each seed."""
    result = Validation(
        exercise.slug,
        cases=len(exercise.cases(seeds[0])),
        seeds=seeds,
        mutants=len(exercise.mutants),
    )
    result.problems += _check_metadata(exercise)
    caught = dict.fromkeys((m.name for m in exercise.mutants), True)
    for seed in seeds:
        report = grade(exercise, load_text(exercise.solution), runner, seed=seed)
        if report.status != "passed" or report.flags:
            result.problems.append(
                f"seed {seed}: the solution scored {report.score:.2f}/"
                f"{report.max_score:g}{_first_failure(report)}"
            )
        for mutant in exercise.mutants:
            report = grade(exercise, load_text(mutant.source), runner, seed=seed)
            if report.status == "passed":
                caught[mutant.name] = False
                result.problems.append(f"seed {seed}: mutant {mutant.name!r} scored full marks")
    result.mutants_caught = sum(caught.values())
    return result


def _first_failure(report: Report) -> str:
    if report.problem:
        return f" ({report.to_dict()['message']})"
    for test, shown in zip(report.tests, report.to_dict()["tests"], strict=True):
        if not test.passed:
            return f" (case {test.name!r}: {shown['message']})"
    if report.flags:
        return f" (flags: {[f.name for f in report.flags]})"
    return ""


def _unfilled(exercise: Exercise) -> list[str]:
    """The parts of the exercise that still hold the skeleton's TODO(author)."""
    parts = {
        "the title": " ".join(exercise.title.values()),
        "the statement": " ".join(exercise.statement.values()),
        "the solution": exercise.solution,
        "the public examples' names": " ".join(c.name for c in exercise.public_cases),
    }
    for number, mutant in enumerate(exercise.mutants, 1):
        hint = " ".join((mutant.hint or {}).values())
        parts[f"mutant {number}"] = f"{mutant.name} {mutant.source} {hint}"
    if exercise.public_cases:
        outcome = call_trusted(exercise.reference, exercise.public_cases[0].args)
        parts["the reference"] = outcome.message if isinstance(outcome, Raised) else ""
    return [name for name, value in parts.items() if TODO in value]


def _check_metadata(exercise: Exercise) -> list[str]:
    problems = []
    unfilled = _unfilled(exercise)
    if unfilled:
        problems.append(f"still to fill in ({TODO}): {', '.join(unfilled)}")
    if len(exercise.mutants) < MIN_MUTANTS:
        problems.append(f"only {len(exercise.mutants)} mutants; at least {MIN_MUTANTS} are needed")
    for mutant in exercise.mutants:
        if mutant.hint is None:
            problems.append(f"mutant {mutant.name!r} has no hint")
    for lang in LANGUAGES:
        for what, value in (("title", exercise.title), ("statement", exercise.statement)):
            if not value.get(lang, "").strip():
                problems.append(f"the {what} has no {lang} text")
    if not exercise.public_cases:
        problems.append("no public examples")
    starter = analyze(
        load_text(exercise.starter).cells, exercise.function, exercise.parameters(), exercise.bans
    )
    if starter.syntax_error or starter.function_problem:
        problems.append("the starter code does not define the function with its signature")
    return problems
