"""ops.frac: the fractional part x - trunc(x), keeping the sign, without torch.frac."""

import torch

from exercises._common import rand_int, randn
from grader.exercise import Bans, Case, Exercise, Mutant, text


def reference(x: torch.Tensor) -> torch.Tensor:
    return torch.frac(x)


SOLUTION = """
import torch

def frac(x):
    # trunc rounds towards zero, so the fractional part keeps the sign of x
    return x - torch.trunc(x)
"""

MUTANTS = [
    Mutant(
        "floor instead of trunc",
        """
import torch

def frac(x):
    return x - torch.floor(x)
""",
        text(
            "floor rounds down, towards -inf: for x = -1.25 it gives -2, so x - floor(x) is 0.75 "
            "(x % 1 gives the same). The fractional part keeps the sign of x (-0.25 here): cut "
            "the decimals off towards zero instead.",
            "floor 是向下（向负无穷）取整：x = -1.25 时得到 -2，于是 x - floor(x) 等于 0.75"
            "（x % 1 也是这个结果）。小数部分要保留 x 的符号（这里应为 -0.25）："
            "请改用向零方向截掉小数的取整。",
        ),
    ),
    Mutant(
        "works on the absolute value",
        """
import torch

def frac(x):
    return x.abs() - torch.floor(x.abs())
""",
        text(
            "Taking abs() first throws the sign away: your answer for -1.25 is 0.25, but the "
            "fractional part keeps the sign of x, so it is -0.25.",
            "先取 abs() 就把符号丢掉了：你对 -1.25 的结果是 0.25，但小数部分要保留 x 的符号，应为 -0.25。",
        ),
    ),
    Mutant(
        "casts to an integer type",
        """
import torch

def frac(x):
    return x - x.long().to(x.dtype)
""",
        text(
            "Converting to an integer type drops the decimals correctly only while the value "
            "fits in the integer range (about 9.2e18 for int64). Large floats such as 1e30 do "
            "not fit and give garbage. Stay in floating point: there is a rounding function "
            "that rounds towards zero.",
            "转换成整数类型来去掉小数，只有在数值落在整数范围内时才正确（int64 约为 9.2e18）。"
            "像 1e30 这样的大浮点数放不进去，会得到乱七八糟的值。请留在浮点数里："
            "有专门向零取整的函数。",
        ),
    ),
    Mutant(
        "round instead of trunc",
        """
import torch

def frac(x):
    return x - torch.round(x)
""",
        text(
            "round goes to the nearest integer, so 2.75 becomes 3 and 2.75 - 3 = -0.25. The "
            "fractional part of 2.75 is 0.75: drop the decimals towards zero, do not round.",
            "round 是四舍五入到最近的整数，所以 2.75 变成 3，2.75 - 3 = -0.25。"
            "而 2.75 的小数部分是 0.75：应当向零截掉小数，而不是四舍五入。",
        ),
    ),
    Mutant(
        "subtracts in place from x",
        """
import torch

def frac(x):
    x -= torch.trunc(x)
    return x
""",
        text(
            "x -= ... writes into the caller's tensor x: after your call it holds the "
            "fractional parts instead of the original numbers. Compute x - ... into a new tensor.",
            "x -= ... 会直接改写调用者传来的 x：调用之后 x 里就只剩小数部分，原来的数没了。"
            "请写成 x - ...，得到一个新张量。",
        ),
    ),
]

PUBLIC = [
    Case("positive and negative numbers", (torch.tensor([2.75, -1.25, 0.5, -0.5, 3.0]),)),
    Case("a matrix", (torch.tensor([[10.125, -7.875], [0.0, -2.0]]),)),
]


def hidden(g: torch.Generator) -> list[Case]:
    ndim = rand_int(g, 1, 3)
    shape = [rand_int(g, 2, 6) for _ in range(ndim)]
    return [
        Case("random values in (-10, 10)", (randn(g, 5, 6, scale=4.0),)),
        Case("random shape", (randn(g, *shape, scale=20.0),)),
        Case("only negative numbers", (-(randn(g, 12, scale=5.0).abs() + 0.01),)),
        Case("fractional parts above one half", (torch.tensor([2.75, 0.875, 11.5625, 4.96875]),)),
        Case("values between -1 and 1", (torch.rand(3, 4, generator=g) * 2 - 1,)),
        Case("float64 input", (randn(g, 4, 5, dtype=torch.float64, scale=50.0),)),
        Case("whole numbers give 0", (torch.tensor([-3.0, -1.0, 0.0, 4.0, 100.0]),)),
        Case("large magnitudes", (randn(g, 3, 4, scale=1e30),)),
        Case("large magnitudes, float64", (randn(g, 6, dtype=torch.float64, scale=1e25),)),
        Case("a single number (0-dim tensor)", (torch.tensor(-6.625),)),
        Case("an empty tensor", (torch.zeros(2, 0),)),
    ]


FRAC_BANS = Bans(
    names=frozenset({"torch.frac", "torch.frac_", "Tensor.frac", "Tensor.frac_"}),
    runtime=frozenset(
        {"aten::frac", "aten::frac_", "torch.frac", "torch.frac_", "Tensor.frac", "Tensor.frac_"}
    ),
)

EXERCISE = Exercise(
    slug="ops.frac",
    title=text("Fractional part of a number", "取小数部分"),
    statement=text(
        """Write `frac(x)` that returns the fractional part of every entry of `x`: the entry minus
its integer part, where the integer part is obtained by cutting the decimals off **towards
zero**. The fractional part therefore has the same sign as the entry:

    frac(x) = x - trunc(x)

Example: for `x = [2.75, -1.25, 0.5, -0.5, 3.0]` the result is `[0.75, -0.25, 0.5, -0.5, 0.0]`.
Note that the fractional part of -1.25 is -0.25, not 0.75.

Rules:
- Do not use `torch.frac` or `x.frac()`.
- It must work for very large values too (for example 1e30, whose fractional part is 0).
- The result has the same shape and dtype as `x`; do not change `x`.""",
        """编写 `frac(x)`：返回 `x` 中每个元素的小数部分，即该元素减去它的整数部分；
这里的整数部分是把小数**向零方向**截掉得到的。因此小数部分与原数的符号相同：

    frac(x) = x - trunc(x)

例子：`x = [2.75, -1.25, 0.5, -0.5, 3.0]` 时，结果为 `[0.75, -0.25, 0.5, -0.5, 0.0]`。
注意 -1.25 的小数部分是 -0.25，而不是 0.75。

要求：
- 不能使用 `torch.frac` 或 `x.frac()`。
- 对非常大的数也要正确（例如 1e30，它的小数部分是 0）。
- 结果的形状和数据类型都与 `x` 相同；不要修改 `x`。""",
    ),
    signature="frac(x: Tensor) -> Tensor",
    starter="""import torch


def frac(x: torch.Tensor) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
    bans=FRAC_BANS,
)
