"""The result of grading one submission, and its JSON form in the student's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from grader.grading.exercise import Text, pick
from grader.grading.fingerprint import Behaviour
from grader.i18n.messages import Finding, render, where

if TYPE_CHECKING:
    from grader.grading.counterexample import Counterexample

Status = Literal["passed", "failed", "invalid"]
FlagKind = Literal["banned", "banned_runtime", "introspection", "tampered", "cell_error"]


@dataclass
class CaseResult:
    """One case: pass or fail, points, and what went wrong."""

    name: str
    visibility: Literal["public", "hidden"]
    passed: bool
    points: float
    max_points: float
    finding: Finding | None = None
    hint: Text | None = None
    mutant: str | None = None
    diagnosis: Finding | None = None  # what the result equals, from the reference (diagnoses.py)

    def message(self, lang: str) -> str:
        """One sentence for the student (values only for public cases)."""
        if self.finding is None:
            return render(Finding("passed"), lang)
        hidden = self.visibility == "hidden"
        sentence = render(self.finding, lang, hidden=hidden)
        if self.diagnosis is not None:
            sentence = _end(sentence, lang) + render(self.diagnosis, lang, hidden=hidden)
        if self.hint:
            sentence += " " + render(Finding("hint", {"hint": pick(self.hint, lang)}), lang)
        return sentence


def _end(sentence: str, lang: str) -> str:
    """The sentence closed, ready for the next one (the findings have no full stop)."""
    if lang == "zh":
        return sentence if sentence.endswith(("。", "？", "！", "）", ".", "?")) else sentence + "。"
    return sentence + (" " if sentence.endswith((".", "?", "!", ")")) else ". ")


@dataclass(frozen=True)
class Flag:
    """Something the instructor should see: a banned API or introspection, and where."""

    kind: FlagKind
    name: str
    location: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, lang: str) -> dict[str, Any]:
        """Plain data, with the location as text."""
        return {
            "kind": self.kind,
            "name": self.name,
            **self.location,
            "where": where(self.location, lang).strip(" ()（）"),
        }


@dataclass
class Report:
    """Everything a student, instructor or API client learns about one graded submission."""

    exercise: str
    status: Status
    score: float
    max_score: float
    tests: list[CaseResult]
    flags: list[Flag] = field(default_factory=list)
    output: str = ""
    output_truncated: bool = False
    hidden_output_bytes: int = 0
    problem: Finding | None = None
    mutants_matched: list[str] = field(default_factory=list)
    mechanisms: dict[str, bool] = field(default_factory=dict)
    behaviour: Behaviour | None = None  # short of full marks, when graded with probes
    counterexample: Counterexample | None = None  # a new input that shows a hidden failure

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """The JSON object of ``grader grade --json`` and of the API."""
        return {
            "exercise": self.exercise,
            "status": self.status,
            "score": round(self.score, 4),
            "max_score": round(self.max_score, 4),
            "message": render(self.problem, lang) if self.problem else None,
            "tests": [
                {
                    "name": t.name,
                    "visibility": t.visibility,
                    "passed": t.passed,
                    "points": round(t.points, 4),
                    "max_points": round(t.max_points, 4),
                    "message": t.message(lang),
                }
                for t in self.tests
            ],
            "flags": [flag.to_dict(lang) for flag in self.flags],
            "output": self.output,
            "output_truncated": self.output_truncated,
            "hidden_output_bytes": self.hidden_output_bytes,
            "counterexample": self.counterexample.to_dict(lang) if self.counterexample else None,
        }
