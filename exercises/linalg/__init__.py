"""The linalg unit: sums, norms and products of vectors and matrices."""

from grader.exercise import text

TITLE = text("Linear algebra", "线性代数")
