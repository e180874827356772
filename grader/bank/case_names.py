"""Case names in the reader's language: exercises name each case once, in English, and a catalog
gives the Chinese: the shipped bank's ``exercises/_case_names.py``, then each course folder's own
``_case_names.py`` (a ``ZH`` dict, optional) for names the catalogs before it lack. A name no
catalog has is shown as written. Nothing here imports torch."""

from __future__ import annotations

from functools import cache

from exercises._case_names import ZH
from grader.bank.folders import Origin, origins
from grader.bank.modules import ensure_package, execute, read_source

CATALOG = "_case_names.py"


def folder_catalog(origin: Origin) -> dict[str, str]:
    """A course folder's own catalog ({} without one); raises what loading it raised."""
    path = origin.folder / CATALOG
    if origin.shipped or not path.is_file():
        return {}
    ensure_package(origin)
    module = execute(f"{origin.package}._case_names", path, read_source(path)[0])
    found = getattr(module, "ZH", {})
    if not isinstance(found, dict):
        raise TypeError(f"ZH in {path} must be a dict of English name to Chinese name")
    return {str(name): str(chinese) for name, chinese in found.items()}


@cache
def _catalog(folders: tuple[Origin, ...]) -> dict[str, str]:
    merged = dict(ZH)
    for origin in folders:
        try:
            own = folder_catalog(origin)
        except (Exception, SystemExit):  # the bank reports it (loader.broken_modules)
            continue
        for name, chinese in own.items():
            merged.setdefault(name, chinese)
    return merged


def case_name(name: str, lang: str) -> str:
    """The case's name in ``lang``: the catalog's Chinese, else the name as written."""
    return _catalog(origins()).get(name, name) if lang == "zh" else name
