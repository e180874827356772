"""linalg.cumsum_axis: the running (cumulative) sum along one axis, without torch.cumsum."""

import torch

from exercises._common import rand_int, randn
from grader.exercise import Bans, Case, Comparison, Exercise, Mutant, text


def reference(x: torch.Tensor, axis: int) -> torch.Tensor:
    return torch.cumsum(x, dim=axis)


# torch.cumsum and every spelling of it. The run-time names cover a dynamic lookup
# (getattr(torch, "cum" + "sum")).
BANS = Bans(
    names=frozenset(
        {
            "torch.cumsum",
            "Tensor.cumsum",
            "Tensor.cumsum_",
            "torch.Tensor.cumsum",
            "numpy.cumsum",
            "numpy.nancumsum",
        }
    ),
    runtime=frozenset({"aten::cumsum", "aten::cumsum_", "torch.cumsum", "Tensor.cumsum", "Tensor.cumsum_"}),
)

SOLUTION = """
import torch

def cumsum_axis(x, axis):
    # Bring the axis to the front so that out[i] is the i-th slice along it.
    out = x.movedim(axis, 0).clone()
    for i in range(1, out.shape[0]):
        out[i] = out[i] + out[i - 1]
    return out.movedim(0, axis)
"""

MUTANTS = [
    Mutant(
        "running sum starts one step late",
        """
import torch

def cumsum_axis(x, axis):
    xs = x.movedim(axis, 0)
    out = torch.zeros_like(xs)
    total = 0
    for i in range(xs.shape[0]):
        out[i] = total
        total = total + xs[i]
    return out.movedim(0, axis)
""",
        text(
            "Entry i of the result includes x[i] itself: the first entry equals x[0], and the "
            "last one is the sum of everything. Add x[i] to the running total before storing it.",
            "结果的第 i 项要包含 x[i] 本身：第一项等于 x[0]，最后一项等于全部元素之和。"
            "请先把 x[i] 加进累计和，再写入结果。",
        ),
    ),
    Mutant(
        "adds only the previous element",
        """
def cumsum_axis(x, axis):
    xs = x.movedim(axis, 0)
    out = xs.clone()
    for i in range(1, xs.shape[0]):
        out[i] = xs[i] + xs[i - 1]
    return out.movedim(0, axis)
""",
        text(
            "out[i] = x[i] + x[i-1] only adds two neighbours. A running sum adds x[i] to the "
            "previous RESULT, out[i-1], which already holds everything before i.",
            "out[i] = x[i] + x[i-1] 只是把相邻两项相加。"
            "累积和应把 x[i] 加到上一步的结果 out[i-1] 上，"
            "因为 out[i-1] 已经包含了 i 之前所有元素的和。",
        ),
    ),
    Mutant(
        "loops along axis but indexes dim 0",
        """
def cumsum_axis(x, axis):
    out = x.clone()
    for i in range(1, x.shape[axis]):
        out[i] = out[i] + out[i - 1]
    return out
""",
        text(
            "out[i] always picks a slice along dim 0, whatever axis is. Move the axis to the "
            "front first (x.movedim(axis, 0)) and back at the end, or index with "
            "select/narrow along axis.",
            "不论 axis 是多少，out[i] 取的总是第 0 维上的切片。可以先用 x.movedim(axis, 0) "
            "把这一维移到最前面，最后再移回去；或者用 select/narrow 沿 axis 取切片。",
        ),
    ),
    Mutant(
        "accumulates inside x",
        """
def cumsum_axis(x, axis):
    for i in range(1, x.shape[axis]):
        x.select(axis, i).add_(x.select(axis, i - 1))
    return x
""",
        text(
            "select() returns a view, so add_ on it writes into the caller's x. Clone x "
            "first and accumulate in the copy.",
            "select() 返回的是视图，对它调用 add_ 会改写调用者传入的 x。请先 clone 一份，在副本上累加。",
        ),
    ),
    Mutant(
        "negative axis counted from the front",
        """
def cumsum_axis(x, axis):
    if axis < 0:
        axis = -axis
    axis = axis % x.dim()
    out = x.movedim(axis, 0).clone()
    for i in range(1, out.shape[0]):
        out[i] = out[i] + out[i - 1]
    return out.movedim(0, axis)
""",
        text(
            "A negative axis counts from the end: -1 is the last axis, i.e. x.dim() - 1 "
            "(torch functions such as movedim accept negative axes as they are).",
            "负数的 axis 从后往前数：-1 表示最后一维，即 x.dim() - 1"
            "（movedim 等 torch 函数可以直接接受负数的维度）。",
        ),
    ),
]

PUBLIC = [
    Case("a vector", (torch.tensor([1.0, 2.0, 3.0, 4.0]), 0)),
    Case("down the columns of a 2x3 matrix (axis 0)", (torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), 0)),
    Case("along the rows of a 2x3 matrix (axis 1)", (torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), 1)),
]


def hidden(g: torch.Generator) -> list[Case]:
    big = randn(g, 3, 6, scale=1e30)
    big_tolerance = Comparison(rtol=1e-5, atol=1e-6 * float(big.abs().sum()))
    return [
        Case("random 3-d, axis 1", (randn(g, 3, rand_int(g, 4, 7), 2), 1)),
        Case("random 3-d, last axis", (randn(g, 2, 3, rand_int(g, 4, 7)), 2)),
        Case("tall matrix, axis 1", (randn(g, 6, 3), 1)),
        Case("negative axis -1", (randn(g, 2, 4, 5), -1)),
        Case("negative axis -2", (randn(g, 3, 5, 4), -2)),
        Case("negative axis -3", (randn(g, 4, 2, 3), -3)),
        Case("float64 input", (randn(g, 5, 4, dtype=torch.float64), 0)),
        Case("integer tensor", (torch.randint(-50, 50, (3, 6), generator=g), 1)),
        Case("an empty dimension along the axis", (torch.zeros(3, 0), 1)),
        Case("an empty dimension across the axis", (torch.zeros(0, 4), 1)),
        Case("a size-1 axis", (randn(g, 1, 5), 0)),
        Case("large magnitudes", (big, -1), comparison=big_tolerance),
    ]


EXERCISE = Exercise(
    slug="linalg.cumsum_axis",
    title=text("Cumulative sum along an axis", "沿某一维求累积和"),
    statement=text(
        """Write `cumsum_axis(x, axis)` that returns the cumulative (running) sum of `x` along the
dimension `axis`: entry i along that axis is the sum of the entries 0, 1, ..., i before it and
including it. The result has the shape of `x`.

- Do not use `torch.cumsum` or `Tensor.cumsum` (nor NumPy's cumsum): build the running sum
  yourself, for example with a loop over the axis where each step adds one slice to the
  previous result.
- `axis` may be negative: -1 is the last dimension, -2 the one before it, and so on.
- The axis may have length 0 or 1, and other dimensions may be empty.
- Keep the dtype of `x` (an integer tensor gives integer sums).
- Do not change `x`.

Example: `cumsum_axis([1, 2, 3, 4], 0)` is `[1, 3, 6, 10]`. For
`x = [[1, 2, 3], [4, 5, 6]]`, `cumsum_axis(x, 0)` is `[[1, 2, 3], [5, 7, 9]]` and
`cumsum_axis(x, 1)` is `[[1, 3, 6], [4, 9, 15]]`.""",
        """编写 `cumsum_axis(x, axis)`：返回 `x` 沿第 `axis` 维的累积和（前缀和）：
沿这一维的第 i 项等于第 0、1、…、i 项（包括第 i 项本身）之和。结果的形状与 `x` 相同。

- 不允许使用 `torch.cumsum` 或 `Tensor.cumsum`（也不能用 NumPy 的 cumsum），请自己实现累积和，
  例如沿这一维循环，每一步把当前切片加到上一步的结果上。
- `axis` 可以是负数：-1 表示最后一维，-2 表示倒数第二维，依此类推。
- 这一维的长度可能是 0 或 1，其他维度也可能是空的。
- 保持 `x` 的数据类型（整数张量的累积和仍是整数）。
- 不要修改 `x`。

例子：`cumsum_axis([1, 2, 3, 4], 0)` 为 `[1, 3, 6, 10]`。`x = [[1, 2, 3], [4, 5, 6]]` 时，
`cumsum_axis(x, 0)` 为 `[[1, 2, 3], [5, 7, 9]]`，
`cumsum_axis(x, 1)` 为 `[[1, 3, 6], [4, 9, 15]]`。""",
    ),
    signature="cumsum_axis(x: Tensor, axis: int) -> Tensor",
    starter="""import torch


def cumsum_axis(x: torch.Tensor, axis: int) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
    bans=BANS,
)
