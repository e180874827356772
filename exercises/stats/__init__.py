"""The stats unit: standardizing, losses, low-rank approximation and PCA."""

from grader.exercise import text

TITLE = text("Statistics", "统计")
