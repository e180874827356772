"""Loading submissions: .py and .ipynb, and every kind of bad input refused with a reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.grading.source_loader import MAX_SOURCE_BYTES, SubmissionRejected, load_bytes, load_file


def _notebook(*cells: tuple[str, str]) -> bytes:
    return json.dumps(
        {
            "cells": [{"cell_type": kind, "source": source, "metadata": {}} for kind, source in cells],
            "nbformat": 4,
        }
    ).encode()


def test_python_file_is_one_cell(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text("def f(x):\n    return x\n")
    source = load_file(path)
    assert not source.notebook and len(source.cells) == 1 and "def f" in source.text


def test_notebook_code_cells_in_order_with_magics_commented() -> None:
    data = _notebook(
        ("markdown", "# Title"),
        ("code", "%matplotlib inline\nimport torch"),
        ("code", ["def f(x):\n", "    return x\n"]),
        ("code", "!pip install x"),
    )
    source = load_bytes(data, notebook=True)
    assert [c.name for c in source.cells] == ["<cell 2>", "<cell 3>", "<cell 4>"]
    assert source.cells[0].source.startswith("# %matplotlib")
    assert source.cells[1].source == "def f(x):\n    return x\n"


def test_utf8_bom_is_accepted() -> None:
    assert load_bytes("\ufeffx = 1\n".encode(), notebook=False).cells[0].source == "x = 1\n"


@pytest.mark.parametrize(
    "data, notebook, words",
    [
        (b"x" * (MAX_SOURCE_BYTES + 1), False, "limit is 256 KiB"),
        (b"def f():\x00 pass", False, "NUL bytes"),
        ("x = 'é'".encode("latin-1"), False, "not UTF-8"),
        (b"{not json", True, "not valid JSON"),
        (b'{"cells": 3}', True, "no list of cells"),
        (b"[1, 2]", True, "no list of cells"),
        (_notebook(("markdown", "only text")), True, "no code cells"),
    ],
)
def test_bad_input_is_refused_with_a_reason(data: bytes, notebook: bool, words: str) -> None:
    with pytest.raises(SubmissionRejected) as caught:
        load_bytes(data, notebook=notebook)
    assert words in caught.value.message
    assert caught.value.message_zh


def test_wrong_suffix_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SubmissionRejected, match=r"\.py file or a \.ipynb"):
        load_file(tmp_path / "a.txt")
    with pytest.raises(SubmissionRejected, match="cannot read"):
        load_file(tmp_path / "missing.py")
