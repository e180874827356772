"""The ctypes wrappers of the sandbox's Linux calls."""

from __future__ import annotations

import ctypes

import pytest

from worker.sandbox import linux


def test_a_failed_call_raises_and_leaves_errno_clear() -> None:
    # The landlock package decides whether its own calls failed by reading ctypes' errno, so a
    # failure seen by these wrappers must not linger there.
    with pytest.raises(OSError):
        linux.madvise(1, linux.HUGE_PAGE, linux.MADV_COLLAPSE)  # not a mapped, aligned range
    assert ctypes.get_errno() == 0
