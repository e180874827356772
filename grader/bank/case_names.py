"""Case names in the reader's language: exercises name each case once, in English, and the
bank's catalog (``exercises/_case_names.py``) gives the Chinese. Nothing here imports torch."""

from __future__ import annotations

from exercises._case_names import ZH


def case_name(name: str, lang: str) -> str:
    """The case's name in ``lang``: the catalog's Chinese, else the name as written."""
    return ZH.get(name, name) if lang == "zh" else name
