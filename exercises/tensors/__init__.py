"""The tensors unit: making tensors, their shapes and dtypes, copies and broadcasting."""

from grader.exercise import text

TITLE = text("Tensors", "张量基础")
