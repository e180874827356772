"""The optim unit: losses and gradient-descent steps."""

from grader.exercise import text

TITLE = text("Optimization", "优化")
