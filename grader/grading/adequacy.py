"""Mutation adequacy: are an exercise's cases good enough to fail the slips a student makes?

The solution is mutated (``grading.mutation``) and each mutant graded through the sandbox on the
public cases and the hidden cases of every validation seed, in one run. A mutant is killed when
it loses marks on every seed. Each survivor is then judged: a **gap** when it differs from the
reference on an input of the exercise's own generator (a validation seed it failed, or one of
``EXTRA_SEEDS`` more), a **likely gap** when it differs only on inputs of other sizes or the
other float precision (``grading.variants``: the author decides whether those are in the
exercise's domain), else **equivalent** as far as any input showed. Every such input is one
the solution itself passes, so it is the hidden case the author should add.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import torch

from grader.grading.compare import format_value
from grader.grading.engine import grade
from grader.grading.exercise import Case, Exercise
from grader.grading.mutation import Mutation, mutations
from grader.grading.report import CaseResult
from grader.grading.source_loader import load_text
from grader.grading.trusted import Raised, call_trusted
from grader.grading.validation import validation_seeds
from grader.grading.variants import variants
from worker.sandbox.contract import Runner, SandboxConfig

EXTRA_SEEDS = 24
SEEDS_PER_RUN = 8
# How the record of a measure was made: a record made by another version is measured again.
ENGINE = 2
# A machine under load can time a correct function out, or a child die of something else than
# the code it ran: such a failure proves nothing about the mutant.
_UNRELIABLE = {
    "timeout_busy", "timeout_cpu", "timeout_submission", "not_run", "exited", "crashed", "memory",
    "bad_reply", "load_failed",
}  # fmt: skip
Verdict = Literal["gap", "likely gap", "equivalent"]


@dataclass(frozen=True)
class Evidence:
    """An input on which a mutant and the reference differ (and the solution does not)."""

    found_by: str
    case: str
    input: str
    message: str


@dataclass(frozen=True)
class Survivor:
    """A mutant that kept full marks on a validation seed, and what tells it apart."""

    line: int
    code: str
    mutation: str
    verdict: Verdict
    evidence: Evidence | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: line, code, mutation, then the verdict and the telling input."""
        shown = (
            vars(self.evidence) if self.evidence else dict.fromkeys(("found_by", "case", "input", "message"))
        )
        return {
            "line": self.line,
            "code": self.code,
            "mutation": self.mutation,
            "verdict": self.verdict,
            **shown,
        }


@dataclass
class Adequacy:
    """How many mutants were graded, how many the cases killed, and the survivors."""

    slug: str
    generated: int = 0
    killed: int = 0
    survivors: list[Survivor] = field(default_factory=list)

    @property
    def gaps(self) -> list[Survivor]:
        """Survivors that the exercise's own generator tells apart: proven gaps."""
        return [s for s in self.survivors if s.verdict == "gap"]

    def to_dict(self) -> dict[str, Any]:
        """{"slug", "generated", "killed", "survivors": [...]}."""
        return {
            "slug": self.slug,
            "generated": self.generated,
            "killed": self.killed,
            "survivors": [s.to_dict() for s in self.survivors],
        }


class SolutionFails(ValueError):
    """The exercise's own solution does not pass its cases: validate it first."""


@dataclass(frozen=True)
class _Batch:
    cases: list[Case]
    found_by: list[str]  # how each case was drawn
    seeds: list[int | None]  # the validation seed of each case (None: public, or not one)
    gradings: int = 1  # how many gradings' worth of cases it holds (its time limit grows with it)


def _drawn(exercise: Exercise, seeds: list[int], *, public: bool) -> _Batch:
    cases: list[Case] = []
    found_by: list[str] = []
    groups: list[int | None] = []
    if public:
        cases += exercise.public_cases
        found_by += ["the public examples"] * len(exercise.public_cases)
        groups += [None] * len(exercise.public_cases)
    for seed in seeds:
        drawn = exercise.hidden_cases(torch.Generator().manual_seed(seed))
        cases += drawn
        found_by += [f"seed {seed}"] * len(drawn)
        groups += [seed] * len(drawn)
    return _Batch(cases, found_by, groups, max(1, len(seeds)))


def _no_hidden(_g: torch.Generator) -> list[Case]:
    return []


class _Grader:
    """Grades sources on batches of cases in one sandbox; the solution's results are kept."""

    def __init__(self, exercise: Exercise, runner: Runner) -> None:
        self.exercise = exercise
        self.runner = runner
        self.solution_results: dict[int, list[CaseResult]] = {}

    def run(self, batch: _Batch, source: str) -> list[CaseResult]:
        """Every case of the batch, as public cases (messages with values) of a variant of the
        exercise with another slug and no mutants (no hints to look for, nothing cached)."""
        limits = self.exercise.limits
        # A batch may hold the cases of several seeds: it gets a grading's time for each.
        wall = (limits.submission_wall_seconds or SandboxConfig().submission_wall_seconds) * batch.gradings
        exercise = replace(
            self.exercise,
            slug=f"adequacy_{self.exercise.slug}",
            public_cases=batch.cases,
            hidden_cases=_no_hidden,
            mutants=(),
            limits=replace(limits, submission_wall_seconds=wall),
        )
        report = grade(exercise, load_text(source), self.runner, seed=None)
        return report.tests

    def solution(self, batch: _Batch) -> list[CaseResult]:
        """The solution's results on a batch (graded once)."""
        if id(batch) not in self.solution_results:
            self.solution_results[id(batch)] = self.run(batch, self.exercise.solution)
        return self.solution_results[id(batch)]

    def evidence(self, batch: _Batch, index: int, result: CaseResult) -> Evidence:
        """The case at ``index`` as evidence: where it came from, its input, what differed."""
        case = batch.cases[index]
        call = f"{self.exercise.function}({', '.join(format_value(a) for a in case.args)})"
        return Evidence(batch.found_by[index], case.name, _clip(call), _clip(result.message("en")))


def _clip(text: str, limit: int = 400) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _reliable_failure(result: CaseResult) -> bool:
    return not result.passed and (result.finding is None or result.finding.key not in _UNRELIABLE)


def _first_difference(
    grader: _Grader, batch: _Batch, source: str, usable: Callable[[int], bool]
) -> Evidence | None:
    """The first usable case of the batch that the solution passes and the source fails."""
    kept = [i for i, result in enumerate(grader.solution(batch)) if result.passed and usable(i)]
    if not kept:
        return None
    subset = _Batch(
        [batch.cases[i] for i in kept],
        [batch.found_by[i] for i in kept],
        [None for _ in kept],
        batch.gradings,
    )
    for position, result in enumerate(grader.run(subset, source)):
        if _reliable_failure(result):
            confirmed = _confirmed(grader, subset, position, source)
            if confirmed is not None:
                return confirmed
    return None


def _confirmed(grader: _Grader, batch: _Batch, index: int, source: str) -> Evidence | None:
    """The case as evidence if the source fails it again, alone: a difference must reproduce."""
    alone = _Batch([batch.cases[index]], [batch.found_by[index]], [None])
    result = grader.run(alone, source)[0]
    return grader.evidence(alone, 0, result) if _reliable_failure(result) else None


def _judge(
    grader: _Grader, mutant: Mutation, failed: Evidence | None, extra: list[_Batch], shapes: _Batch
) -> Survivor:
    survivor = Survivor(mutant.line, mutant.code, mutant.mutation, "equivalent")
    if failed is not None:
        return replace(survivor, verdict="gap", evidence=failed)
    for batch in extra:
        found = _first_difference(grader, batch, mutant.source, lambda _i: True)
        if found is not None:
            return replace(survivor, verdict="gap", evidence=found)
    returned = [not isinstance(call_trusted(grader.exercise.reference, c.args), Raised) for c in shapes.cases]
    found = _first_difference(grader, shapes, mutant.source, lambda i: returned[i])
    if found is not None:
        return replace(survivor, verdict="likely gap", evidence=found)
    return survivor


def _failed_seed(
    grader: _Grader, public: _Batch, hidden: _Batch, source: str, seeds: list[int]
) -> tuple[bool, Evidence | None]:
    """(killed: lost marks on every seed, a failed case of a seed it survived elsewhere). Most
    mutants fail a public example, which every seed's grading has: they cost one small run."""
    if any(not r.passed for r in grader.run(public, source)):
        return True, None
    results = grader.run(hidden, source)
    failed_seeds = {s for r, s in zip(results, hidden.seeds, strict=True) if not r.passed}
    if failed_seeds >= set(seeds):
        return True, None
    for index, (result, seed) in enumerate(zip(results, hidden.seeds, strict=True)):
        if seed in failed_seeds and _reliable_failure(result):
            confirmed = _confirmed(grader, hidden, index, source)
            if confirmed is not None:
                return False, confirmed
    return False, None


def measure(exercise: Exercise, runner: Runner, seeds: list[int]) -> Adequacy:
    """Mutate the solution, grade every mutant on the seeds' cases, judge the survivors."""
    grader = _Grader(exercise, runner)
    public, hidden = _drawn(exercise, [], public=True), _drawn(exercise, seeds, public=False)
    for batch in (public, hidden):
        failing = [r for r in grader.solution(batch) if not r.passed]
        if failing:
            raise SolutionFails(f"the solution fails case {failing[0].name!r}: {failing[0].message('en')}")
    more = validation_seeds(len(seeds) + EXTRA_SEEDS)[len(seeds) :]
    extra = [
        _drawn(exercise, more[i : i + SEEDS_PER_RUN], public=False)
        for i in range(0, len(more), SEEDS_PER_RUN)
    ]
    shapes = _shape_batch(exercise, seeds[0])
    result = Adequacy(exercise.slug)
    for mutant in mutations(exercise.solution):
        result.generated += 1
        killed, failed = _failed_seed(grader, public, hidden, mutant.source, seeds)
        if killed:
            result.killed += 1
        else:
            result.survivors.append(_judge(grader, mutant, failed, extra, shapes))
    return result


def _shape_batch(exercise: Exercise, seed: int) -> _Batch:
    base = list(exercise.public_cases) + exercise.hidden_cases(torch.Generator().manual_seed(seed))
    made = variants(base, torch.Generator().manual_seed(seed + 1))
    # Each case comes back in up to four variants: four gradings' worth.
    return _Batch([case for _, case in made], [how for how, _ in made], [None for _ in made], 4)
