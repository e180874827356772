"""The bank speaks Chinese where it is read: every case name of the shipped exercises has its
Chinese in the catalog (authors write each name once; the catalog translates a shared name once
for every exercise), the catalog holds nothing no exercise uses, and every unit has a title."""

from __future__ import annotations

import re

from exercises._case_names import ZH
from grader.bank.case_names import case_name
from grader.bank.loader import UNITS, load_bank, unit_title

SEEDS = range(5)  # hidden case names could depend on the seed: try a few


def _bank_case_names() -> dict[str, str]:
    """Every case name of the bank, with the slug of an exercise that uses it."""
    return {
        case.name: slug
        for slug, exercise in load_bank().items()
        for seed in SEEDS
        for case in exercise.cases(seed)
    }


def test_every_case_name_of_the_bank_has_its_chinese() -> None:
    missing = {name: slug for name, slug in _bank_case_names().items() if name not in ZH}
    assert missing == {}, f"add these to exercises/_case_names.py: {missing}"


def test_the_catalog_holds_only_names_in_use_and_their_chinese_is_chinese() -> None:
    assert set(ZH) - set(_bank_case_names()) == set()
    # A name without a Chinese character is only a formula ("p = 1.5", "k=1"), kept as it is.
    odd = {
        en: zh
        for en, zh in ZH.items()
        if not re.search(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", zh) and zh != en
    }
    assert odd == {}


def test_names_are_shown_in_the_readers_language() -> None:
    assert case_name("float64 input", "zh") == "float64 输入"
    assert case_name("float64 input", "en") == "float64 input"
    assert case_name("a name nobody translated", "zh") == "a name nobody translated"


def test_every_unit_has_a_title_in_both_languages() -> None:
    units = {exercise.unit for exercise in load_bank().values()}
    assert units <= set(UNITS)
    for unit in units:
        assert unit_title(unit, "en") != unit, unit
        assert re.search(r"[\u4e00-\u9fff]", unit_title(unit, "zh")), unit
