"""The ops unit: indexing, clamping, sorting and selecting."""

from grader.exercise import text

TITLE = text("Tensor operations", "张量运算")
