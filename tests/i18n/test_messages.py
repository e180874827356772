"""Every message renders in both languages; hidden forms never carry values."""

from __future__ import annotations

import re

import pytest

from grader.i18n.messages import TEMPLATES, Finding, render

PARAMS = {
    "actual": "A1",
    "expected": "E1",
    "index": [1],
    "count": 2,
    "total": 5,
    "error": "0.5",
    "tolerance": "1e-5",
    "name": "x",
    "type": "ValueError",
    "message": "m",
    "where": "",
    "seconds": "2",
    "detail": "d",
    "code": 3,
    "reason": "r",
    "hint": "h",
    "limit": "1 GiB",
    "signature": "f(x)",
    "found": "class",
    "line": 4,
    "message_zh": "m",
    "first": "a",
    "second": "b",
    "value": "V1",
    "size": "the size of dimension 0 of `x`",
    "dtype": "float32",
    "convert": "float(...)",
}


@pytest.mark.parametrize("key", sorted(TEMPLATES))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_template_renders(key: str, lang: str) -> None:
    sentence = render(Finding(key, PARAMS), lang)
    assert "{" not in sentence and sentence
    if lang == "zh" and key not in ("bad_input",):
        assert re.search(r"[\u4e00-\u9fff]", sentence), sentence


@pytest.mark.parametrize("key", [k for k, v in TEMPLATES.items() if "hidden_en" in v])
def test_hidden_forms_leave_values_out(key: str) -> None:
    for lang in ("en", "zh"):
        sentence = render(Finding(key, PARAMS), lang, hidden=True)
        assert "A1" not in sentence and "[1]" not in sentence and "V1" not in sentence
        if key != "expected_raise":  # there "expected" is an exception type, not a value
            assert "E1" not in sentence


def test_bilingual_parameters_pick_the_language() -> None:
    finding = Finding("not_run", {"reason": {"en": "because", "zh": "因为"}})
    assert render(finding, "en") == "not run: because"
    assert render(finding, "zh") == "未运行：因为"
