"""The activations unit: numerically stable activations and their derivatives."""

from grader.exercise import text

TITLE = text("Activation functions", "激活函数")
