"""linalg.sum_axis: the sum of a tensor along one axis, with keepdim."""

import torch

from exercises._common import rand_int, randn
from grader.exercise import Case, Exercise, Mutant, text


def reference(x: torch.Tensor, axis: int, keepdim: bool = False) -> torch.Tensor:
    return x.sum(dim=axis, keepdim=keepdim)


SOLUTION = """
import torch

def sum_axis(x, axis, keepdim=False):
    return x.sum(dim=axis, keepdim=keepdim)
"""

MUTANTS = [
    Mutant(
        "ignores keepdim",
        """
def sum_axis(x, axis, keepdim=False):
    return x.sum(dim=axis)
""",
        text(
            "keepdim=True keeps the reduced axis with size 1: pass keepdim on to sum.",
            "keepdim=True 时被求和的维度要保留为长度 1：请把 keepdim 传给 sum。",
        ),
    ),
    Mutant(
        "always axis 0",
        """
def sum_axis(x, axis, keepdim=False):
    return x.sum(dim=0, keepdim=keepdim)
""",
        text(
            "Sum along the axis you are given, not always along axis 0.",
            "请沿着参数 axis 指定的维度求和，而不是总沿第 0 维。",
        ),
    ),
    Mutant(
        "sums everything",
        """
def sum_axis(x, axis, keepdim=False):
    return x.sum()
""",
        text(
            "x.sum() with no axis adds up every element; give it dim=axis.",
            "不带参数的 x.sum() 会把所有元素加起来；请传入 dim=axis。",
        ),
    ),
    Mutant(
        "negative axis counted from the front",
        """
def sum_axis(x, axis, keepdim=False):
    if axis < 0:
        axis = -axis
    return x.sum(dim=axis % x.dim(), keepdim=keepdim)
""",
        text(
            "A negative axis counts from the end: -1 is the last axis, i.e. x.dim() - 1.",
            "负数的 axis 从后往前数：-1 表示最后一维，即 x.dim() - 1。",
        ),
    ),
]

PUBLIC = [
    Case("rows of a 2x3 matrix (axis 0)", (torch.arange(6.0).reshape(2, 3), 0)),
    Case("columns with keepdim", (torch.arange(6.0).reshape(2, 3), 1, True)),
    Case("last axis of a 3-d tensor (axis -1)", (torch.arange(24.0).reshape(2, 3, 4), -1)),
]


def hidden(g: torch.Generator) -> list[Case]:
    ndim = rand_int(g, 2, 4)
    shape = [rand_int(g, 2, 5) for _ in range(ndim)]
    axis = rand_int(g, -ndim, ndim - 1)
    return [
        Case("random 3-d, keepdim", (randn(g, 3, 4, 5), rand_int(g, 0, 2), True)),
        Case("random shape and axis", (randn(g, *shape), axis, False)),
        Case("random shape, keepdim", (randn(g, *shape), axis, True)),
        Case("negative axis -2", (randn(g, 4, 3, 2), -2)),
        Case("negative axis -3, keepdim", (randn(g, 2, 3, 4), -3, True)),
        Case("float64 input", (randn(g, 5, 6, dtype=torch.float64), 1)),
        Case("an empty dimension", (torch.zeros(3, 0), 1)),
        Case("summing over an empty dimension, keepdim", (torch.zeros(0, 4), 0, True)),
        Case("a size-1 dimension", (randn(g, 1, 7), 0)),
        Case("large magnitudes", (randn(g, 3, 3, scale=1e30), -1)),
        Case("integer tensor", (torch.randint(-50, 50, (4, 6), generator=g), 0)),
    ]


EXERCISE = Exercise(
    slug="linalg.sum_axis",
    title=text("Sum along an axis", "沿某一维求和"),
    statement=text(
        """Write `sum_axis(x, axis, keepdim=False)` that adds up the entries of the tensor `x`
along the dimension `axis` and returns the result.

- `axis` may be negative: -1 means the last dimension, -2 the one before it, and so on.
- With `keepdim=True` the summed dimension stays in the result with size 1, so the result
  still broadcasts against `x`; with `keepdim=False` (the default) it disappears.
- Keep the dtype of `x` (an integer tensor gives an integer sum).
- Do not change `x`.

Example: for `x = [[0, 1, 2], [3, 4, 5]]` (shape (2, 3)), `sum_axis(x, 0)` is `[3, 5, 7]`
(shape (3,)) and `sum_axis(x, 1, True)` is `[[3], [12]]` (shape (2, 1)).""",
        """编写 `sum_axis(x, axis, keepdim=False)`：把张量 `x` 沿第 `axis` 维的元素相加，返回结果。

- `axis` 可以是负数：-1 表示最后一维，-2 表示倒数第二维，依此类推。
- `keepdim=True` 时，被求和的那一维在结果中保留下来，长度为 1，这样结果仍能与 `x` 广播；
  `keepdim=False`（默认）时这一维被去掉。
- 保持 `x` 的数据类型（整数张量的和仍是整数）。
- 不要修改 `x`。

例子：`x = [[0, 1, 2], [3, 4, 5]]`（形状 (2, 3)）时，`sum_axis(x, 0)` 为 `[3, 5, 7]`（形状 (3,)），
`sum_axis(x, 1, True)` 为 `[[3], [12]]`（形状 (2, 1)）。""",
    ),
    signature="sum_axis(x: Tensor, axis: int, keepdim: bool = False) -> Tensor",
    starter="""import torch


def sum_axis(x: torch.Tensor, axis: int, keepdim: bool = False) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
)
