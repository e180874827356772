"""The autograd unit: gradients with autograd and by hand."""

from grader.exercise import text

TITLE = text("Automatic differentiation", "自动求导")
