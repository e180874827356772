"""Where the bank looks for exercises: the shipped ``exercises`` package first, then the course
folders of GRADER_EXERCISE_PATH in their order. The entry points (``create_app``,
``create_worker``, the grading commands) call ``configure`` with their settings' folders; until
then the bank is the shipped one. Nothing here imports torch."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import exercises

SHIPPED = "shipped"
SHIPPED_FOLDER = Path(exercises.__file__).resolve().parent


@dataclass(frozen=True)
class Origin:
    """A folder of exercises: the shipped bank, or a course folder of one's own."""

    folder: Path
    shipped: bool = False

    @property
    def label(self) -> str:
        """How pages and commands name it: ``shipped``, or the course folder's path."""
        return SHIPPED if self.shipped else str(self.folder)

    @property
    def package(self) -> str:
        """The package its modules are imported under (a course folder's is named after its path,
        so two folders never share one, and relative imports work inside a folder)."""
        if self.shipped:
            return "exercises"
        return "grader_course_" + hashlib.sha256(str(self.folder).encode()).hexdigest()[:12]


SHIPPED_ORIGIN = Origin(SHIPPED_FOLDER, shipped=True)
_configured: tuple[Path, ...] = ()


def configure(folders: Iterable[Path]) -> None:
    """Use these course folders (GRADER_EXERCISE_PATH, already checked) beside the shipped bank."""
    global _configured
    _configured = tuple(Path(folder).resolve() for folder in folders)


def origins() -> tuple[Origin, ...]:
    """The shipped bank, then each configured course folder (the shipped bank's own folder, if
    named again, once)."""
    return (SHIPPED_ORIGIN, *(Origin(f) for f in _configured if f != SHIPPED_FOLDER))
