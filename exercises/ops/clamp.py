"""ops.clamp: limit every entry of a tensor to [lo, hi] without torch.clamp."""

import torch

from exercises._common import rand_int, randn
from grader.exercise import Bans, Case, Exercise, Mutant, text


def reference(x: torch.Tensor, lo: float, hi: float) -> torch.Tensor:
    return torch.clamp(x, lo, hi)


SOLUTION = """
import torch

def clamp(x, lo, hi):
    # below lo -> lo, above hi -> hi, otherwise keep x (NaN fails both tests and stays NaN)
    return torch.where(x < lo, lo, torch.where(x > hi, hi, x))
"""

MUTANTS = [
    Mutant(
        "Python's built-in min and max",
        """
def clamp(x, lo, hi):
    return max(lo, min(x, hi))
""",
        text(
            "Python's built-in min() and max() compare whole objects, not entries: on a tensor "
            "with several entries they ask `if tensor:` and fail. Use element-wise operations "
            "(comparisons with torch.where, or torch.minimum/torch.maximum).",
            "Python 自带的 min()、max() 比较的是整个对象而不是逐个元素：张量有多个元素时，"
            "它们需要判断 `if 张量:` 而报错。请用逐元素的运算（比较运算配合 torch.where，"
            "或 torch.minimum / torch.maximum）。",
        ),
    ),
    Mutant(
        "second step starts again from x",
        """
import torch

def clamp(x, lo, hi):
    y = torch.where(x < lo, lo, x)
    y = torch.where(x > hi, hi, x)
    return y
""",
        text(
            "Your second step starts again from x, so the work of the first step (raising the "
            "entries below lo) is thrown away. Chain the steps: the second one must start from "
            "the first one's result.",
            "第二步又从 x 重新开始，第一步（把小于 lo 的元素提到 lo）的结果被丢掉了。"
            "两步要接起来：第二步应当在第一步的结果上继续。",
        ),
    ),
    Mutant(
        "writes into x",
        """
def clamp(x, lo, hi):
    x[x < lo] = lo
    x[x > hi] = hi
    return x
""",
        text(
            "x[mask] = value writes into the caller's tensor: after your call, the caller's x "
            "has changed. Build a new tensor instead (torch.where returns one), or work on "
            "x.clone().",
            "x[mask] = value 会直接写进调用者传来的张量：调用之后，调用者手里的 x 被改掉了。"
            "请生成一个新张量（torch.where 会返回新张量），或者在 x.clone() 上修改。",
        ),
    ),
    Mutant(
        "multiplies by masks",
        """
def clamp(x, lo, hi):
    below = (x < lo).to(x.dtype)
    above = (x > hi).to(x.dtype)
    inside = 1 - below - above
    return x * inside + lo * below + hi * above
""",
        text(
            "Selecting with 0/1 masks by multiplication breaks on infinite entries: inf * 0 is "
            "NaN, not 0. Select instead of multiplying (torch.where).",
            "用 0/1 掩码相乘来“挑选”元素，遇到无穷大就出错：inf * 0 的结果是 NaN，而不是 0。"
            "请用选择代替乘法（torch.where）。",
        ),
    ),
    Mutant(
        "rebuilds the tensor from a Python list",
        """
import torch

def clamp(x, lo, hi):
    values = [min(max(v, lo), hi) for v in x.reshape(-1).tolist()]
    return torch.tensor(values).reshape(x.shape)
""",
        text(
            "torch.tensor(list_of_floats) makes a float32 tensor whatever x's dtype was, so a "
            "float64 input comes back as float32. Stay with tensor operations, which keep the "
            "dtype (and are much faster than a Python loop).",
            "torch.tensor(浮点数列表) 总是生成 float32 张量，不管 x 原来是什么类型，"
            "所以 float64 的输入会变成 float32 返回。请直接用张量运算，它们会保持数据类型"
            "（也比 Python 循环快得多）。",
        ),
    ),
]

PUBLIC = [
    Case("a vector clamped to [-1, 1]", (torch.tensor([-2.0, -0.5, 0.0, 0.75, 3.0]), -1.0, 1.0)),
    Case("a matrix clamped to [0, 5]", (torch.tensor([[-3.0, 2.5, 7.0], [5.0, -0.125, 4.875]]), 0.0, 5.0)),
]


def hidden(g: torch.Generator) -> list[Case]:
    ndim = rand_int(g, 1, 4)
    shape = [rand_int(g, 2, 5) for _ in range(ndim)]
    lo = float(randn(g, 1))
    hi = lo + float(randn(g, 1).abs()) + 0.1
    inf, nan = float("inf"), float("nan")
    return [
        Case("random matrix, bounds [-1, 1]", (randn(g, 6, 7, scale=2.0), -1.0, 1.0)),
        Case("random shape, random bounds", (randn(g, *shape, scale=2.0), lo, hi)),
        Case("everything already inside the bounds", (randn(g, 5, 4, scale=0.1), -1.0, 1.0)),
        Case("everything below lo", (randn(g, 8).abs() - 5.0, -2.0, 3.0)),
        Case("lo equal to hi", (randn(g, 3, 4), 0.5, 0.5)),
        Case("float64 input", (randn(g, 4, 5, dtype=torch.float64, scale=2.0), -0.5, 1.5)),
        Case("infinite entries", (torch.tensor([-inf, -1.0, 0.25, inf, 2.0]), -0.5, 0.5)),
        Case("NaN entries stay NaN", (torch.tensor([nan, -3.0, 0.0, nan, 3.0]), -1.0, 1.0)),
        Case("large magnitudes", (randn(g, 3, 5, scale=1e30), -1e29, 1e29)),
        Case("integer tensor, integer bounds", (torch.randint(-20, 20, (4, 6), generator=g), -5, 5)),
        Case("a single number (0-dim tensor)", (torch.tensor(9.5), -1.0, 1.0)),
        Case("an empty tensor", (torch.zeros(0, 3), -1.0, 1.0)),
    ]


CLAMP_BANS = Bans(
    names=frozenset(
        {
            "torch.clamp",
            "torch.clip",
            "torch.clamp_",
            "torch.clip_",
            "torch.clamp_min",
            "torch.clamp_max",
            "torch.clamp_min_",
            "torch.clamp_max_",
            "Tensor.clamp",
            "Tensor.clip",
            "Tensor.clamp_",
            "Tensor.clip_",
            "Tensor.clamp_min",
            "Tensor.clamp_max",
            "Tensor.clamp_min_",
            "Tensor.clamp_max_",
            "torch.nn.functional.hardtanh",
            "torch.nn.functional.hardtanh_",
            "torch.nn.Hardtanh",
        }
    ),
    runtime=frozenset(
        {
            "aten::clamp",
            "aten::clamp_",
            "aten::clamp_min",
            "aten::clamp_min_",
            "aten::clamp_max",
            "aten::clamp_max_",
            "aten::clip",
            "aten::clip_",
            "aten::hardtanh",
            "aten::hardtanh_",
            "torch.clamp",
            "torch.clip",
            "torch.clamp_min",
            "torch.clamp_max",
            "Tensor.clamp",
            "Tensor.clip",
            "Tensor.clamp_",
            "Tensor.clip_",
            "Tensor.clamp_min",
            "Tensor.clamp_max",
            "torch.nn.functional.hardtanh",
        }
    ),
)

EXERCISE = Exercise(
    slug="ops.clamp",
    title=text("Clamp values into a range", "把数值限制在区间内"),
    statement=text(
        """Write `clamp(x, lo, hi)` that returns a new tensor of the same shape as `x` in which
every entry is limited to the interval [lo, hi]:

- an entry smaller than `lo` becomes `lo`,
- an entry larger than `hi` becomes `hi`,
- every other entry stays as it is (NaN stays NaN; -inf becomes `lo`, inf becomes `hi`).

You may assume `lo <= hi`. Example: with `x = [-2.0, -0.5, 0.0, 0.75, 3.0]`, `lo = -1`, `hi = 1`
the result is `[-1.0, -0.5, 0.0, 0.75, 1.0]`.

Rules:
- Do not use `torch.clamp`, `torch.clip` or any of their variants (`x.clamp(...)`,
  `clamp_min`, `clamp_max`, `F.hardtanh`, ...): build it from comparisons.
- The result has the dtype of `x` (an integer tensor with integer bounds stays integer).
- Do not change `x`: return a new tensor.""",
        """编写 `clamp(x, lo, hi)`：返回一个与 `x` 形状相同的新张量，把每个元素都限制在区间
[lo, hi] 内：

- 比 `lo` 小的元素变成 `lo`；
- 比 `hi` 大的元素变成 `hi`；
- 其余元素保持不变（NaN 仍是 NaN；-inf 变成 `lo`，inf 变成 `hi`）。

可以假定 `lo <= hi`。例如 `x = [-2.0, -0.5, 0.0, 0.75, 3.0]`、`lo = -1`、`hi = 1` 时，
结果是 `[-1.0, -0.5, 0.0, 0.75, 1.0]`。

要求：
- 不能使用 `torch.clamp`、`torch.clip` 及其各种变体（`x.clamp(...)`、`clamp_min`、`clamp_max`、
  `F.hardtanh` 等），请用比较运算自己实现。
- 结果的数据类型与 `x` 相同（整数张量配整数边界，结果仍是整数）。
- 不要修改 `x`，要返回一个新张量。""",
    ),
    signature="clamp(x: Tensor, lo: float, hi: float) -> Tensor",
    starter="""import torch


def clamp(x: torch.Tensor, lo: float, hi: float) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
    bans=CLAMP_BANS,
)
