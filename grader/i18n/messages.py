"""Feedback messages in the student's language, rendered from findings (a key and parameters).

Each template has an English and a Chinese form; ``hidden_en``/``hidden_zh`` forms, where present,
are used for hidden cases and leaves out anything that would reveal the case's values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Finding:
    """What went wrong, as data: rendered into a sentence only when shown."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)
    path: str = ""


_T = dict[str, str]

TEMPLATES: dict[str, _T] = {
    "passed": {"en": "passed", "zh": "通过"},
    "type": {
        "en": "returned {actual} but expected {expected}",
        "zh": "返回了 {actual}，但应返回 {expected}",
    },
    "type_numpy": {
        "en": "returned {actual} but expected {expected}: convert it with {convert}",
        "zh": "返回了 {actual}，但应返回 {expected}：请用 {convert} 转换",
    },
    "shape": {
        "en": "shape {actual} but expected {expected}",
        "zh": "形状为 {actual}，但应为 {expected}",
    },
    "shape_keepdim": {
        "en": "shape {actual} but expected {expected}: did you drop keepdim?",
        "zh": "形状为 {actual}，但应为 {expected}：是不是漏了 keepdim？",
    },
    "shape_extra_dim": {
        "en": "shape {actual} but expected {expected}: a size-1 dimension too many (keepdim=True?)",
        "zh": "形状为 {actual}，但应为 {expected}：多了一个长度为 1 的维度（误用了 keepdim=True？）",
    },
    "shape_transposed": {
        "en": "shape {actual} but expected {expected}: is the result transposed?",
        "zh": "形状为 {actual}，但应为 {expected}：结果是不是转置了？",
    },
    "shape_wrong_axis": {
        "en": "shape {actual} but expected {expected}: did you reduce over the wrong axis?",
        "zh": "形状为 {actual}，但应为 {expected}：是不是沿着错误的维度做了归约？",
    },
    "dtype": {
        "en": "dtype {actual} but expected {expected}",
        "zh": "数据类型为 {actual}，但应为 {expected}",
    },
    "dtype_integer": {
        "en": "dtype {actual} but expected {expected}: integer arithmetic (// or an int tensor) "
        "where floating point is needed?",
        "zh": "数据类型为 {actual}，但应为 {expected}：是不是用了整数运算（// 或整数张量）？",
    },
    "dtype_bool": {
        "en": "dtype bool but expected {expected}: turn the mask into numbers, e.g. mask.to(x.dtype)",
        "zh": "数据类型为 bool，但应为 {expected}：请把布尔掩码转换成数值，例如 mask.to(x.dtype)",
    },
    "requires_grad": {
        "en": "the result still requires grad: return a detached tensor (.detach())",
        "zh": "结果仍然带有梯度（requires_grad）：请返回 .detach() 之后的张量",
    },
    "not_requires_grad": {
        "en": "the result should require grad but does not",
        "zh": "结果应当需要梯度（requires_grad），但实际没有",
    },
    "nan": {
        "en": "NaN at {index} where {expected} was expected",
        "zh": "位置 {index} 出现 NaN，应为 {expected}",
        "hidden_en": "NaN in {count} place(s) where finite values were expected (overflow or 0/0?)",
        "hidden_zh": "有 {count} 处出现 NaN，应为有限值（溢出或 0/0？）",
    },
    "inf": {
        "en": "{actual} at {index} where {expected} was expected "
        "(an overflow, or a division by a number that underflowed to 0?)",
        "zh": "位置 {index} 出现 {actual}，应为 {expected}（溢出，或者除以了一个下溢成 0 的数？）",
        "hidden_en": "inf in {count} place(s) where finite values were expected "
        "(an overflow, or a division by a number that underflowed to 0?)",
        "hidden_zh": "有 {count} 处出现 inf，应为有限值（溢出，或者除以了一个下溢成 0 的数？）",
    },
    "values": {
        "en": "{count} of {total} values differ; largest error {error} at {index} "
        "(got {actual}, expected {expected}; tolerance {tolerance})",
        "zh": "{total} 个值中有 {count} 个不对；最大误差 {error} 在位置 {index}"
        "（得到 {actual}，应为 {expected}；容差 {tolerance}）",
        "hidden_en": "{count} of {total} values differ (tolerance {tolerance})",
        "hidden_zh": "{total} 个值中有 {count} 个不对（容差 {tolerance}）",
    },
    "value": {
        "en": "returned {actual} but expected {expected}",
        "zh": "返回了 {actual}，但应为 {expected}",
        "hidden_en": "the returned value is wrong",
        "hidden_zh": "返回的值不对",
    },
    "length": {
        "en": "returned {actual} items but expected {expected}",
        "zh": "返回了 {actual} 个元素，但应为 {expected} 个",
    },
    "mutated": {
        "en": "you changed the input `{name}` in place; work on a copy or build a new tensor",
        "zh": "你原地修改了输入 `{name}`；请在副本上计算或创建新的张量",
    },
    "grad_changed": {
        "en": "the gradient `{name}.grad` is not what it should be after the call",
        "zh": "调用之后 `{name}.grad` 的梯度不符合要求",
    },
    "raised": {
        "en": "raised {type}: {message}{where}",
        "zh": "抛出了 {type}：{message}{where}",
    },
    "memory": {
        "en": "ran out of memory (limit {limit}){where}",
        "zh": "内存不足（上限 {limit}）{where}",
    },
    "expected_raise": {
        "en": "expected {expected} to be raised, but the function returned {actual}",
        "zh": "应当抛出 {expected}，但函数返回了 {actual}",
        "hidden_en": "expected {expected} to be raised, but the function returned normally",
        "hidden_zh": "应当抛出 {expected}，但函数正常返回了",
    },
    "wrong_exception": {
        "en": "raised {actual} but expected {expected}",
        "zh": "抛出了 {actual}，但应抛出 {expected}",
    },
    "timeout_cpu": {
        "en": "timed out after {seconds} s of CPU time (an endless loop?)",
        "zh": "CPU 时间超过 {seconds} 秒，已超时（死循环？）",
    },
    "timeout_busy": {
        "en": "timed out after {seconds} s of computing (an endless loop, or far too slow?)",
        "zh": "计算超过 {seconds} 秒，已超时（死循环，或者算法太慢？）",
    },
    "timeout_wall": {
        "en": "timed out after {seconds} s (waiting or sleeping?)",
        "zh": "运行超过 {seconds} 秒，已超时（是否在等待或 sleep？）",
    },
    "timeout_submission": {
        "en": "not run: the submission used up its {seconds} s time limit",
        "zh": "未运行：整个提交已用完 {seconds} 秒的时间上限",
    },
    "crashed": {
        "en": "the process crashed ({detail})",
        "zh": "进程崩溃（{detail}）",
    },
    "exited": {
        "en": "the process exited with code {code} (exit() or os._exit() called?)",
        "zh": "进程以退出码 {code} 结束（是否调用了 exit() 或 os._exit()？）",
    },
    "not_run": {
        "en": "not run: {reason}",
        "zh": "未运行：{reason}",
    },
    "unencodable": {
        "en": "the result could not be returned: {message}",
        "zh": "结果无法传回：{message}",
    },
    "bad_reply": {
        "en": "the sandbox received a malformed reply ({detail})",
        "zh": "沙箱收到了格式错误的回复（{detail}）",
    },
    "banned_static": {
        "en": "used banned {name} ({where}); build it from simpler operations",
        "zh": "使用了被禁止的 {name}（{where}）；请用更基本的运算实现",
    },
    "banned_runtime": {
        "en": "ran banned {name} while computing this case",
        "zh": "计算此用例时调用了被禁止的 {name}",
    },
    "evasion": {
        "en": "uses {name} ({where}), which could bypass the checks on banned APIs; "
        "it is not allowed in this exercise",
        "zh": "使用了 {name}（{where}），它可能绕过对禁用 API 的检查；本题不允许使用",
    },
    "tampered": {
        "en": "interfered with the grader's recording of torch operations",
        "zh": "干扰了评测器对 torch 运算的记录",
    },
    "hint": {"en": "Hint: {hint}", "zh": "提示：{hint}"},
    # Generic diagnoses: what a wrong result equals (grader.grading.diagnoses).
    "diagnosis_swapped": {
        "en": "Your result equals the reference with `{first}` and `{second}` swapped.",
        "zh": "你的结果等于把 `{first}` 和 `{second}` 对调之后的正确结果。",
    },
    "diagnosis_axis": {
        "en": "Your result equals the reference with `{name}` = {value}: is it the right axis?",
        "zh": "你的结果等于 `{name}` = {value} 时的正确结果：维度用对了吗？",
        "hidden_en": "Your result equals the reference along another axis: check how you use `{name}`.",
        "hidden_zh": "你的结果等于沿另一个维度计算的正确结果：请检查 `{name}` 的用法。",
    },
    "diagnosis_keepdim": {
        "en": "Your result equals the reference with keepdim={value}.",
        "zh": "你的结果等于 keepdim={value} 时的正确结果。",
    },
    "diagnosis_transposed": {
        "en": "Your result equals the reference transposed.",
        "zh": "你的结果等于正确结果的转置。",
    },
    "diagnosis_negated": {
        "en": "Your result equals the reference with the opposite sign: a sign slip?",
        "zh": "你的结果等于正确结果取相反数：是不是符号弄反了？",
    },
    "diagnosis_times": {
        "en": "Your result equals the reference multiplied by {size} ({value}): a sum where a mean is asked?",
        "zh": "你的结果等于正确结果乘以 {size}（{value}）：是不是该求平均却求了和？",
        "hidden_en": "Your result equals the reference multiplied by {size}: a sum where a mean is asked?",
        "hidden_zh": "你的结果等于正确结果乘以 {size}：是不是该求平均却求了和？",
    },
    "diagnosis_divided": {
        "en": "Your result equals the reference divided by {size} ({value}): a mean where a sum is asked?",
        "zh": "你的结果等于正确结果除以 {size}（{value}）：是不是该求和却求了平均？",
        "hidden_en": "Your result equals the reference divided by {size}: a mean where a sum is asked?",
        "hidden_zh": "你的结果等于正确结果除以 {size}：是不是该求和却求了平均？",
    },
    "diagnosis_precision": {
        "en": "Your result equals the reference computed in {dtype}: compute in the inputs' own dtype.",
        "zh": "你的结果等于用 {dtype} 计算出的正确结果：请用输入本身的数据类型计算。",
    },
    # Whole-submission problems.
    "syntax_error": {
        "en": "syntax error{where}: {message}",
        "zh": "语法错误{where}：{message}",
    },
    "missing_function": {
        "en": "the function `{name}` is not defined; define it at the top level: def {signature}",
        "zh": "没有定义函数 `{name}`；请在顶层定义：def {signature}",
    },
    "not_a_function": {
        "en": "`{name}` is a {found}, not a function; define it with def {signature}",
        "zh": "`{name}` 是 {found}，不是函数；请用 def {signature} 定义",
    },
    "wrong_signature": {
        "en": "`{name}` takes {actual} but the exercise calls it as {signature}",
        "zh": "`{name}` 接受 {actual}，但题目会以 {signature} 的形式调用它",
    },
    "load_error": {
        "en": "the code failed while loading{where}: {type}: {message}",
        "zh": "加载代码时出错{where}：{type}：{message}",
    },
    "load_failed": {
        "en": "the code could not be loaded: {detail}",
        "zh": "无法加载代码：{detail}",
    },
    "cell_error": {
        "en": "a notebook cell raised {type}: {message}{where} (the other cells still ran)",
        "zh": "笔记本中的一个单元格抛出了 {type}：{message}{where}（其余单元格仍已运行）",
    },
    "bad_input": {"en": "{message}", "zh": "{message_zh}"},
}

# Words used inside parameters.
WORDS: dict[str, _T] = {
    "line": {"en": " (line {line})", "zh": "（第 {line} 行）"},
    "cell_line": {
        "en": " (cell {cell}, line {line})",
        "zh": "（第 {cell} 个单元格，第 {line} 行）",
    },
    "parameters": {"en": "{count} parameter(s)", "zh": "{count} 个参数"},
}


def render(finding: Finding, lang: str, *, hidden: bool = False) -> str:
    """The finding as one sentence in ``lang`` ('en' or 'zh')."""
    template = TEMPLATES.get(finding.key, {"en": finding.key, "zh": finding.key})
    if hidden and f"hidden_{lang}" in template:
        text = template[f"hidden_{lang}"]
    else:
        text = template.get(lang) or template["en"]
    params = {k: _shown(v, lang) for k, v in finding.params.items()}
    try:
        sentence = text.format(**params)
    except (KeyError, IndexError):
        sentence = text
    if finding.path:
        if lang == "zh":
            path = re.sub(r"item (\d+)", r"第 \1 项", finding.path).replace(", ", "，")
            sentence = f"{path}：{sentence}"
        else:
            sentence = f"{finding.path}: {sentence}"
    return sentence


def where(location: dict[str, Any] | None, lang: str) -> str:
    """' (line 4)' or ' (cell 3, line 2)' for an error's location in the student's code."""
    if not location or not location.get("line"):
        return ""
    file = str(location.get("file", ""))
    if file.startswith("<cell "):
        cell = file.removeprefix("<cell ").rstrip(">")
        return WORDS["cell_line"][lang].format(cell=cell, line=location["line"])
    return WORDS["line"][lang].format(line=location["line"])


def _shown(value: Any, lang: str) -> Any:
    if isinstance(value, dict) and set(value) == {"en", "zh"}:
        return value.get(lang) or value["en"]
    return value
