"""Course folders of one's own (GRADER_EXERCISE_PATH) join the shipped bank: their units and
titles, their case names' Chinese, broken modules reported with their file and error, a slug
used twice, a file that changes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.bank.case_names import case_name
from grader.bank.catalog import StaleExercise, exercise_at
from grader.bank.folders import SHIPPED_FOLDER, configure
from grader.bank.loader import entry, load_bank, open_bank, reload, unit_title, units
from grader.bank.modules import read_source
from grader.settings import Settings, SettingsError
from tests.course_folders import write_exercise


@pytest.fixture
def folders() -> Iterator[None]:
    """Whatever a test configures is undone after it."""
    yield
    configure([])


def test_a_course_folder_joins_the_bank(tmp_path: Path, folders: None) -> None:
    write_exercise(tmp_path, "course", "col_sums")
    (tmp_path / "course" / "__init__.py").write_text(
        'from grader.exercise import text\nTITLE = text("My course", "我的课程")\n'
    )
    write_exercise(tmp_path, "extras", "col_sums_again", title="Again")  # a unit with no __init__.py
    (tmp_path / "_case_names.py").write_text(
        'ZH = {"a case of my own": "我自己的测试", "a 2x3 matrix": "别的"}\n'
    )
    bank = open_bank([tmp_path])
    assert bank.broken == []
    found = entry("course.col_sums")
    assert found.origin.label == str(tmp_path) and found.path == tmp_path / "course" / "col_sums.py"
    assert entry("linalg.sum_axis").origin.label == "shipped"
    assert list(load_bank())[-2:] == ["course.col_sums", "extras.col_sums_again"]
    assert units()[:7] == ["tensors", "linalg", "autograd", "activations", "optim", "ops", "stats"]
    assert units()[7:] == ["course", "extras"]
    assert unit_title("course", "zh") == "我的课程" and unit_title("extras", "zh") == "extras"
    assert case_name("a case of my own", "zh") == "我自己的测试"
    assert case_name("a case of my own", "en") == "a case of my own"
    assert case_name("a 2x3 matrix", "zh") == "2x3 矩阵"  # the shipped catalog's name stands
    assert case_name("nobody translated this", "zh") == "nobody translated this"
    configure([])
    assert "course.col_sums" not in load_bank() and case_name("a case of my own", "zh") == "a case of my own"


def test_a_module_that_fails_is_reported_and_the_rest_of_the_bank_loads(
    tmp_path: Path, folders: None
) -> None:
    write_exercise(tmp_path, "course", "col_sums")
    (tmp_path / "course" / "syntax.py").write_text("def f(:\n")
    (tmp_path / "course" / "raises.py").write_text("import torch\n\nx = 1\nundefined_name + 1\n")
    (tmp_path / "course" / "nothing.py").write_text("VALUE = 1\n")
    misnamed = (
        write_exercise(tmp_path, "course", "col_sums")
        .read_text()
        .replace('slug="course.col_sums"', 'slug="course.other"')
    )
    (tmp_path / "course" / "misnamed.py").write_text(misnamed)
    (tmp_path / "broken_unit").mkdir()
    (tmp_path / "broken_unit" / "__init__.py").write_text("raise RuntimeError('unit broken')\n")
    (tmp_path / "_case_names.py").write_text("ZH = [1, 2]\n")
    bank = open_bank([tmp_path])
    errors = {
        broken.path.name if broken.path.name != "__init__.py" else "unit": broken.error
        for broken in bank.broken
    }
    assert errors["syntax.py"].startswith("SyntaxError") and "(line 1)" in errors["syntax.py"]
    assert errors["raises.py"] == "NameError: name 'undefined_name' is not defined (line 4)"
    assert errors["nothing.py"] == "defines no EXERCISE = Exercise(...)"
    assert "its slug is 'course.other', but the file says course.misnamed" in errors["misnamed.py"]
    assert errors["unit"] == "RuntimeError: unit broken (line 1)"
    assert "ZH" in errors["_case_names.py"]
    assert all(broken.path.parent.is_relative_to(tmp_path) for broken in bank.broken)
    assert "course.col_sums" in load_bank() and "linalg.sum_axis" in load_bank()


def test_a_slug_used_twice_names_both_files(tmp_path: Path, folders: None) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    kept = write_exercise(first, "course", "col_sums")
    dropped = write_exercise(second, "course", "col_sums")
    shadow = write_exercise(second, "linalg", "sum_axis")
    bank = open_bank([first, second])
    messages = {broken.path: broken.error for broken in bank.broken}
    assert messages[dropped] == f"the slug course.col_sums is taken already by {kept}: rename one of them"
    shipped = SHIPPED_FOLDER / "linalg" / "sum_axis.py"
    assert messages[shadow] == f"the slug linalg.sum_axis is taken already by {shipped}: rename one of them"
    assert entry("course.col_sums").path == kept and entry("linalg.sum_axis").origin.shipped


def test_modules_of_a_folder_import_each_other(tmp_path: Path, folders: None) -> None:
    path = write_exercise(tmp_path, "course", "col_sums")
    (tmp_path / "_shared.py").write_text('TITLE = "Shared title"\n')
    path.write_text(path.read_text().replace('title=text("Column sums"', "title=text(_shared.TITLE"))
    path.write_text("from .. import _shared\n" + path.read_text())
    bank = open_bank([tmp_path])
    assert bank.broken == [] and entry("course.col_sums").exercise.title["en"] == "Shared title"


def test_a_changed_file_is_read_again_and_a_broken_change_keeps_the_last_good_one(
    tmp_path: Path, folders: None
) -> None:
    path = write_exercise(tmp_path, "course", "col_sums", points=10)
    open_bank([tmp_path])
    first = entry("course.col_sums")
    assert reload("course.col_sums") is first  # nothing changed
    write_exercise(tmp_path, "course", "col_sums", points=5)
    second = reload("course.col_sums")
    assert second.exercise.points == 5 and second.digest != first.digest
    assert entry("course.col_sums") is second
    path.write_text("this is not python\n")
    assert reload("course.col_sums") is second


def test_the_setting_names_each_folder_and_refuses_one_that_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    monkeypatch.setenv(
        "GRADER_EXERCISE_PATH", os.pathsep.join([str(tmp_path / "a"), "", str(tmp_path / "b")])
    )
    settings = Settings()
    assert settings.exercise_path == (tmp_path / "a", tmp_path / "b")
    assert settings.sandbox.hidden_paths == (str(tmp_path / "a"), str(tmp_path / "b"))
    monkeypatch.setenv("GRADER_EXERCISE_PATH", str(tmp_path / "missing"))
    with pytest.raises(SettingsError, match=r"GRADER_EXERCISE_PATH names .*missing.*, which is not a folder"):
        Settings()


def test_a_worker_grades_the_version_a_submission_names(tmp_path: Path, folders: None) -> None:
    """The version's content hash picks the exercise: as loaded, or the file read again when a
    newer version was published since; a course file that moved past the version is a grader
    fault (retried), while the shipped bank, proven by CI, is graded as it is."""
    write_exercise(tmp_path, "course", "col_sums", points=10)
    open_bank([tmp_path])
    first = entry("course.col_sums")
    assert exercise_at("course.col_sums", first.digest) is first.exercise
    assert exercise_at("course.col_sums", None) is first.exercise
    second = write_exercise(tmp_path, "course", "col_sums", points=5)
    assert exercise_at("course.col_sums", first.digest) is first.exercise  # loaded: no disk read
    _, digest = read_source(second)
    assert exercise_at("course.col_sums", digest).points == 5
    with pytest.raises(StaleExercise, match="changed since this submission's version"):
        exercise_at("course.col_sums", first.digest)
    assert exercise_at("linalg.sum_axis", "0" * 64) is entry("linalg.sum_axis").exercise
