"""linalg.lp_norm: the p-norm (p >= 1 or p = inf) along one dimension, with keepdim."""

import math

import torch

from exercises._common import NORM_BANS, positive, rand_int, randn
from grader.exercise import Case, Exercise, Mutant, text

INF = math.inf


def reference(x: torch.Tensor, p: float, dim: int, keepdim: bool = False) -> torch.Tensor:
    return torch.linalg.vector_norm(x, ord=p, dim=dim, keepdim=keepdim)


SOLUTION = """
import math
import torch

def lp_norm(x, p, dim, keepdim=False):
    a = x.abs()
    if p == math.inf:
        return a.amax(dim=dim, keepdim=keepdim)
    return (a ** p).sum(dim=dim, keepdim=keepdim) ** (1.0 / p)
"""

MUTANTS = [
    Mutant(
        "forgets the 1/p root",
        """
import math

def lp_norm(x, p, dim, keepdim=False):
    a = x.abs()
    if p == math.inf:
        return a.amax(dim=dim, keepdim=keepdim)
    return (a ** p).sum(dim=dim, keepdim=keepdim)
""",
        text(
            "After adding up |x|^p, take the p-th root (raise to the power 1/p): the 2-norm "
            "of (3, 4) is 5, not 25.",
            "把 |x|^p 加起来之后，还要开 p 次方根（即取 1/p 次幂）：(3, 4) 的 2-范数是 5，而不是 25。",
        ),
    ),
    Mutant(
        "forgets the absolute value",
        """
import math

def lp_norm(x, p, dim, keepdim=False):
    if p == math.inf:
        return x.abs().amax(dim=dim, keepdim=keepdim)
    return (x ** p).sum(dim=dim, keepdim=keepdim) ** (1.0 / p)
""",
        text(
            "The formula uses |x[i]|^p. For an odd p (1, 3, ...) x ** p keeps the sign of x, so "
            "negative entries cancel positive ones (or the sum becomes negative and its root "
            "NaN). Take abs first.",
            "公式里用的是 |x[i]|^p。当 p 为奇数（1、3……）时，x ** p 保留了 x 的符号，"
            "负数会与正数相互抵消（或者和为负数，开方后变成 NaN）。请先取绝对值。",
        ),
    ),
    Mutant(
        "ignores keepdim",
        """
import math

def lp_norm(x, p, dim, keepdim=False):
    a = x.abs()
    if p == math.inf:
        return a.amax(dim=dim)
    return (a ** p).sum(dim=dim) ** (1.0 / p)
""",
        text(
            "With keepdim=True the reduced dimension stays with size 1: pass keepdim on to sum and amax.",
            "keepdim=True 时，被归约的维度要保留为长度 1：请把 keepdim 传给 sum 和 amax。",
        ),
    ),
    Mutant(
        "treats p = inf as an ordinary power",
        """
def lp_norm(x, p, dim, keepdim=False):
    return (x.abs() ** p).sum(dim=dim, keepdim=keepdim) ** (1.0 / p)
""",
        text(
            "With p = inf, |x|^p is inf or 0 and the 1/p root is a 0-th power, so every result "
            "comes out 1. The inf-norm is the limit: the largest |x[i]|. Treat p = inf "
            "separately.",
            "p = inf 时，|x|^p 不是 inf 就是 0，而开 1/p 次方就成了 0 次幂，结果全都是 1。"
            "无穷范数是极限情况：最大的 |x[i]|。请单独处理 p = inf。",
        ),
    ),
    Mutant(
        "inf-norm without the absolute value",
        """
import math

def lp_norm(x, p, dim, keepdim=False):
    if p == math.inf:
        return x.amax(dim=dim, keepdim=keepdim)
    return (x.abs() ** p).sum(dim=dim, keepdim=keepdim) ** (1.0 / p)
""",
        text(
            "The inf-norm is the largest ABSOLUTE value: for (1, -5) it is 5, not 1.",
            "无穷范数是绝对值的最大值：(1, -5) 的无穷范数是 5，而不是 1。",
        ),
    ),
]

PUBLIC = [
    Case("p = 2 along rows (dim 1)", (torch.tensor([[3.0, 4.0], [6.0, -8.0]]), 2.0, 1)),
    Case(
        "p = 1 down columns with keepdim", (torch.tensor([[1.0, -2.0, 3.0], [-4.0, 5.0, 0.0]]), 1.0, 0, True)
    ),
    Case("p = inf along the last dim", (torch.tensor([[1.0, -5.0, 2.0], [0.5, 0.0, -0.25]]), INF, -1)),
]


def hidden(g: torch.Generator) -> list[Case]:
    ndim = rand_int(g, 2, 3)
    shape = [rand_int(g, 2, 5) for _ in range(ndim)]
    dim = rand_int(g, -ndim, ndim - 1)
    return [
        Case("p = 2, random shape and dim", (randn(g, *shape), 2.0, dim)),
        Case("p = 3 with negative entries", (randn(g, 4, 6), 3.0, -1)),
        Case("p = 1, dim 0", (randn(g, 5, 3), 1.0, 0)),
        Case("p = 1.5", (randn(g, 3, 7), 1.5, 1)),
        Case("p = 4, float64", (randn(g, 4, 5, dtype=torch.float64), 4.0, 0)),
        Case("p = 2, keepdim, negative dim -2", (randn(g, 2, 5, 3), 2.0, -2, True)),
        Case("p = 3, keepdim", (randn(g, 3, 4), 3.0, 1, True)),
        Case("p = inf, random", (randn(g, *shape), INF, dim)),
        Case("p = inf, all entries negative, keepdim", (-positive(g, 3, 4), INF, 1, True)),
        Case("reducing a size-1 dimension", (randn(g, 4, 1), 3.0, 1)),
        Case("reducing an empty dimension", (torch.zeros(3, 0), 2.0, 1)),
        Case("large magnitudes, p = inf", (randn(g, 3, 4, scale=1e30), INF, 0)),
        Case("large magnitudes, p = 1", (randn(g, 3, 4, scale=1e30), 1.0, 1)),
    ]


EXERCISE = Exercise(
    slug="linalg.lp_norm",
    title=text("p-norm along a dimension", "沿某一维的 p-范数"),
    statement=text(
        """Write `lp_norm(x, p, dim, keepdim=False)` that computes the p-norm of the float tensor
`x` along the dimension `dim`. For each slice x[0], ..., x[n-1] along `dim`:

    ||x||_p = ( |x[0]|^p + |x[1]|^p + ... + |x[n-1]|^p ) ^ (1/p)     for p >= 1
    ||x||_inf = max |x[i]|                                          for p = inf

- `p` is a float with p >= 1, or `math.inf` (`float("inf")`). p = 1 adds up absolute values,
  p = 2 is the usual length. p = inf is the limit of the formula and needs its own branch:
  raising to the power inf and then to the power 1/inf = 0 does not work.
- `dim` may be negative. With `keepdim=True` the reduced dimension stays with size 1.
- Keep the dtype of `x`; do not change `x`.
- Build it from `abs`, `**`, `sum` and `amax`. `torch.norm` and everything in `torch.linalg`
  are not allowed here: `torch.linalg.vector_norm(x, ord=p, dim=dim)` computes the same thing
  and is what your answer is compared with.

Example: for `x = [[3, 4], [6, -8]]`, `lp_norm(x, 2.0, 1)` is `[5, 10]`,
`lp_norm(x, 1.0, 1)` is `[7, 14]` and `lp_norm(x, math.inf, 1)` is `[4, 8]`;
`lp_norm(x, 2.0, 1, True)` is `[[5], [10]]` (shape (2, 1)).""",
        """编写 `lp_norm(x, p, dim, keepdim=False)`：沿第 `dim` 维计算浮点张量 `x` 的 p-范数。
对沿 `dim` 方向的每一组元素 x[0], ..., x[n-1]：

    ||x||_p = ( |x[0]|^p + |x[1]|^p + ... + |x[n-1]|^p ) ^ (1/p)     当 p >= 1
    ||x||_inf = max |x[i]|                                          当 p = inf

- `p` 是满足 p >= 1 的浮点数，或者 `math.inf`（即 `float("inf")`）。p = 1 是绝对值之和，
  p = 2 就是通常的长度。p = inf 是公式的极限情况，需要单独处理：先取 inf 次幂再取
  1/inf = 0 次幂是行不通的。
- `dim` 可以是负数。`keepdim=True` 时，被归约的维度保留为长度 1。
- 保持 `x` 的数据类型；不要修改 `x`。
- 请用 `abs`、`**`、`sum` 和 `amax` 自己实现。本题不允许使用 `torch.norm` 和 `torch.linalg`
  中的任何函数：`torch.linalg.vector_norm(x, ord=p, dim=dim)` 计算的是同一个量，
  你的结果就是和它比较的。

例子：`x = [[3, 4], [6, -8]]` 时，`lp_norm(x, 2.0, 1)` 为 `[5, 10]`，
`lp_norm(x, 1.0, 1)` 为 `[7, 14]`，`lp_norm(x, math.inf, 1)` 为 `[4, 8]`；
`lp_norm(x, 2.0, 1, True)` 为 `[[5], [10]]`（形状 (2, 1)）。""",
    ),
    signature="lp_norm(x: Tensor, p: float, dim: int, keepdim: bool = False) -> Tensor",
    bans=NORM_BANS,
    starter="""import math

import torch


def lp_norm(x: torch.Tensor, p: float, dim: int, keepdim: bool = False) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
)
