"""Turn an uploaded file into the cells the sandbox runs, refusing bad input with a clear reason.

A ``.py`` file is one cell. A notebook (a ``.ipynb`` file, or any text that is a notebook's JSON)
contributes its code cells, in order; IPython magics and shell escapes (``%matplotlib``,
``!pip``) are commented out, since they are not Python. Refused: over 256 KiB, NUL bytes, text
that is not UTF-8, a notebook that is not valid notebook JSON, or one without code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from worker.sandbox.contract import Cell

MAX_SOURCE_BYTES = 256 * 1024


class SubmissionRejected(ValueError):
    """The submission cannot be graded as it is; the message says what to fix."""

    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh


@dataclass(frozen=True)
class Source:
    """A submission ready to check and run."""

    cells: list[Cell]
    notebook: bool
    original: str = ""  # the text as uploaded (a notebook's JSON), as stored

    @property
    def text(self) -> str:
        """All cells joined, as stored and shown."""
        return "\n\n".join(cell.source for cell in self.cells)


def load_file(path: Path) -> Source:
    """Read a ``.py`` or ``.ipynb`` file from disk."""
    if path.suffix not in (".py", ".ipynb"):
        raise SubmissionRejected(
            f"{path.name}: submit a .py file or a .ipynb notebook",
            f"{path.name}：请提交 .py 文件或 .ipynb 笔记本",
        )
    try:
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise _too_large(size)
        data = path.read_bytes()
    except OSError as exc:
        raise SubmissionRejected(
            f"cannot read {path}: {exc.strerror}", f"无法读取 {path}：{exc.strerror}"
        ) from None
    return load_bytes(data, notebook=path.suffix == ".ipynb")


def load_bytes(data: bytes, *, notebook: bool) -> Source:
    """Check and split uploaded bytes."""
    if len(data) > MAX_SOURCE_BYTES:
        raise _too_large(len(data))
    if b"\x00" in data:
        raise SubmissionRejected(
            "the file contains NUL bytes: it is not a text file (save it as plain UTF-8 text)",
            "文件中含有 NUL 字节，不是文本文件（请保存为纯 UTF-8 文本）",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SubmissionRejected(
            f"the file is not UTF-8 text (byte {exc.start}); save it with UTF-8 encoding",
            f"文件不是 UTF-8 文本（第 {exc.start} 个字节）；请以 UTF-8 编码保存",
        ) from None
    if notebook:
        return Source(cells=notebook_cells(text), notebook=True, original=text)
    return Source(cells=[Cell("<submission>", text)], notebook=False, original=text)


def is_notebook(text: str) -> bool:
    """Whether text is a Jupyter notebook's JSON (an object with a list of cells and an nbformat),
    however it arrived: pasted code, or a file whatever its name."""
    text = text.lstrip("\ufeff \t\r\n")
    if not text.startswith("{"):
        return False
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return isinstance(document, dict) and isinstance(document.get("cells"), list) and "nbformat" in document


def load_text(text: str) -> Source:
    """Pasted code (the API's ``code`` field)."""
    return load_bytes(text.encode("utf-8"), notebook=False)


def notebook_cells(text: str) -> list[Cell]:
    """The code cells of a notebook's JSON, magics commented out."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise SubmissionRejected(
            f"the notebook is not valid JSON ({exc}); download it again from Jupyter "
            "(File > Download) or submit a .py file",
            f"笔记本不是有效的 JSON（{exc}）；请从 Jupyter 重新下载（File > Download）或提交 .py 文件",
        ) from None
    raw_cells = document.get("cells") if isinstance(document, dict) else None
    if not isinstance(raw_cells, list):
        raise SubmissionRejected(
            "the notebook has no list of cells: is it really a .ipynb file?",
            "笔记本中没有单元格列表：这真的是 .ipynb 文件吗？",
        )
    cells = []
    for number, cell in enumerate(raw_cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(part for part in source if isinstance(part, str))
        if not isinstance(source, str):
            continue
        cells.append(Cell(f"<cell {number}>", _comment_magics(source)))
    if not any(cell.source.strip() for cell in cells):
        raise SubmissionRejected("the notebook has no code cells", "笔记本中没有代码单元格")
    return cells


def _comment_magics(source: str) -> str:
    lines = source.split("\n")
    return "\n".join(f"# {line}" if line.lstrip().startswith(("%", "!")) else line for line in lines)


def _too_large(size: int) -> SubmissionRejected:
    return SubmissionRejected(
        f"the submission is {size // 1024} KiB; the limit is {MAX_SOURCE_BYTES // 1024} KiB "
        "(remove data and outputs, submit only your code)",
        f"提交大小为 {size // 1024} KiB，上限为 {MAX_SOURCE_BYTES // 1024} KiB"
        "（请删除数据和输出，只提交代码）",
    )
