"""Plain-text renderings for the terminal: a graded report, an exercise statement.

``grader grade`` and ``grader submit`` print a result through the same ``result_text``. This
module imports nothing that imports torch at load time, so ``grader submit`` (a small HTTP
client) starts without it: the statement's imports wait until a statement is printed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from grader.bank.case_names import case_name

if TYPE_CHECKING:
    from grader.grading.exercise import Exercise
    from grader.grading.report import Report

LABELS = {
    "en": {
        "public": "public",
        "hidden": "hidden",
        "flags": "Flags",
        "output": "Output",
        "hidden_output": "({n} bytes printed during hidden tests are not shown)",
        "signature": "Signature",
        "examples": "Examples",
        "raises": "raises",
        "truncated": "(output truncated)",
        "points": "points",
        "banned": "Not allowed",
        "counterexample": "Counterexample (a new input like the failed hidden case {case!r})",
        "input": "input",
        "expected": "expected",
        "actual": "yours",
    },
    "zh": {
        "public": "公开",
        "hidden": "隐藏",
        "flags": "标记",
        "output": "输出",
        "hidden_output": "（隐藏测试期间打印的 {n} 字节不予显示）",
        "signature": "函数签名",
        "examples": "示例",
        "raises": "抛出",
        "truncated": "（输出已截断）",
        "points": "分",
        "banned": "禁止使用",
        "counterexample": "反例（与未通过的隐藏用例 {case!r} 同类的新输入）",
        "input": "输入",
        "expected": "应为",
        "actual": "你的结果",
    },
}


def report_text(report: Report, lang: str) -> str:
    """A graded report as the terminal shows it."""
    return result_text(report.to_dict(lang), lang)


def result_text(data: dict[str, Any], lang: str) -> str:
    """A result in the JSON form of ``grader grade --json``, as the terminal shows it."""
    words = LABELS[lang]
    score = "–" if data["score"] is None else f"{data['score']:.3g}"
    lines = [f"{data['exercise']}: {score} / {data['max_score']:g}  ({data['status']})"]
    if data.get("message"):
        lines.append(f"  {data['message']}")
    for test in data.get("tests", []):
        mark = "PASS" if test["passed"] else "FAIL"
        lines.append(
            f"  {mark} [{words[test['visibility']]}] {case_name(test['name'], lang)} "
            f"({test['points']:.2g}/{test['max_points']:.2g})"
        )
        if not test["passed"]:
            lines.append(f"       {test['message']}")
    if data.get("counterexample"):
        lines += counterexample_lines(data["counterexample"], lang)
    if data.get("flags"):
        lines.append(f"{words['flags']}:")
        lines += [f"  {f['kind']}: {f['name']} {f.get('where', '')}".rstrip() for f in data["flags"]]
    if data.get("output"):
        lines.append(f"{words['output']}:")
        lines += ["  | " + line for line in data["output"].rstrip("\n").split("\n")]
        if data.get("output_truncated"):
            lines.append("  " + words["truncated"])
    if data.get("hidden_output_bytes"):
        lines.append(words["hidden_output"].format(n=data["hidden_output_bytes"]))
    return "\n".join(lines)


def counterexample_lines(example: dict[str, Any], lang: str) -> list[str]:
    """A counterexample of the report JSON as terminal lines."""
    words = LABELS[lang]
    lines = [words["counterexample"].format(case=case_name(example["case"], lang)) + ":"]
    lines += [f"  {words['input']}: {arg['name']} = {arg['value']}" for arg in example["input"]]
    lines.append(f"  {words['expected']}: {example['expected']}")
    lines.append(f"  {words['actual']}: {example['actual']}")
    lines.append(f"  {example['message']}")
    return lines


def statement_text(exercise: Exercise, lang: str) -> str:
    """An exercise as a student sees it: title, statement, signature, public examples, starter."""
    from grader.grading.compare import format_value
    from grader.grading.exercise import pick
    from grader.grading.trusted import Raised, call_trusted

    words = LABELS[lang]
    lines = [
        f"{exercise.slug} — {pick(exercise.title, lang)}  ({exercise.points:g} {words['points']})",
        "",
        pick(exercise.statement, lang),
        "",
        f"{words['signature']}: def {exercise.signature}",
    ]
    if exercise.bans.names:
        shown = sorted(n for n in exercise.bans.names if not n.startswith("Tensor.__"))
        lines.append(f"{words['banned']}: {', '.join(shown)}")
    lines += ["", f"{words['examples']}:"]
    for case in exercise.public_cases:
        outcome = call_trusted(exercise.reference, case.args)
        args = ", ".join(format_value(a) for a in case.args)
        result = (
            f"{words['raises']} {outcome.type_name}"
            if isinstance(outcome, Raised)
            else format_value(outcome.value)
        )
        lines.append(f"  # {case_name(case.name, lang)}")
        lines.append(f"  {exercise.function}({args}) -> {result}")
    lines += ["", exercise.starter.rstrip()]
    return "\n".join(lines)
