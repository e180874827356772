"""activations.sigmoid: the logistic function, stable for large |x|."""

import torch

from exercises._common import randn
from exercises.activations._bans import SIGMOID_BANS
from grader.exercise import Case, Comparison, Exercise, Mutant, text


def reference(x: torch.Tensor) -> torch.Tensor:
    return torch.sigmoid(x)


SOLUTION = """
import torch

def sigmoid(x):
    e = torch.exp(-x.abs())          # in (0, 1]: never overflows
    return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))
"""

MUTANTS = [
    Mutant(
        "exp(x) / (1 + exp(x)) overflows",
        """
import torch

def sigmoid(x):
    e = torch.exp(x)
    return e / (1 + e)
""",
        text(
            "For large positive x, exp(x) overflows to inf and inf / inf is nan. "
            "Arrange the formula so that exp is only ever applied to a number <= 0.",
            "x 是很大的正数时，exp(x) 溢出为 inf，而 inf / inf 得到 nan。"
            "请调整公式，让 exp 的参数始终 <= 0。",
        ),
    ),
    Mutant(
        "clamps x to [-10, 10]",
        """
import torch

def sigmoid(x):
    x = x.clamp(-10, 10)
    return 1 / (1 + torch.exp(-x))
""",
        text(
            "Clipping x to avoid overflow changes the answer: sigmoid(10) is 0.9999546 but "
            "sigmoid(20) is 0.999999998, and sigmoid(-20) is about 2e-9, not 4.5e-5. "
            "Avoid overflow by rewriting the formula, not by changing x.",
            "为了避免溢出而截断 x 会改变结果：sigmoid(10) 是 0.9999546，而 sigmoid(20) 是 0.999999998；"
            "sigmoid(-20) 约为 2e-9，而不是 4.5e-5。请通过改写公式来避免溢出，不要改动 x。",
        ),
    ),
    Mutant(
        "1 - sigmoid(-x) loses tiny values",
        """
import torch

def sigmoid(x):
    return 1 - 1 / (1 + torch.exp(x))
""",
        text(
            "For very negative x, sigmoid(x) is a tiny positive number (sigmoid(-30) is about "
            "9.4e-14). Computing it as 1 minus a number very close to 1 cancels every digit and "
            "gives 0. Compute small results directly, without a subtraction from 1.",
            "x 是很小的负数时，sigmoid(x) 是一个极小的正数（sigmoid(-30) 约为 9.4e-14）。"
            "用 1 减去一个非常接近 1 的数来计算，有效数字会全部抵消，得到 0。"
            "请直接算出这些小的结果，不要用 1 去减。",
        ),
    ),
    Mutant(
        "output allocated as float32",
        """
import torch

def sigmoid(x):
    out = torch.zeros(x.shape)
    pos = x >= 0
    out[pos] = 1 / (1 + torch.exp(-x[pos]))
    e = torch.exp(x[~pos])
    out[~pos] = e / (1 + e)
    return out
""",
        text(
            "torch.zeros(shape) uses the default dtype float32, so a float64 input gives a "
            "float32 result. Use torch.zeros_like(x) (or empty_like) to keep x's dtype.",
            "torch.zeros(shape) 使用默认的 float32，所以输入是 float64 时结果却是 float32。"
            "请用 torch.zeros_like(x)（或 empty_like）来保持 x 的数据类型。",
        ),
    ),
    Mutant(
        "writes the result into x",
        """
import torch

def sigmoid(x):
    pos = x >= 0
    e = torch.exp(-x.abs())
    x[pos] = 1 / (1 + e[pos])
    x[~pos] = e[~pos] / (1 + e[~pos])
    return x
""",
        text(
            "x[mask] = ... writes into the caller's tensor, so x is destroyed. Put the results "
            "in a new tensor (torch.empty_like(x), or torch.where).",
            "x[mask] = ... 会写进调用者传入的张量，x 就被破坏了。请把结果放进一个新张量"
            "（torch.empty_like(x)，或者用 torch.where）。",
        ),
    ),
]

PUBLIC = [
    Case("small values", (torch.tensor([-2.0, -1.0, 0.0, 1.0, 2.0]),)),
    Case("large magnitudes: no nan, no inf", (torch.tensor([-1e4, -100.0, 0.0, 100.0, 1e4]),)),
    Case("a 2x2 matrix", (torch.tensor([[0.5, -0.5], [3.0, -3.0]]),)),
]

# Outputs down to 1e-35 must be right relatively, not only to within 1e-5.
RELATIVE = Comparison(rtol=1e-5, atol=0.0)


def hidden(g: torch.Generator) -> list[Case]:
    tiny = torch.rand(40, generator=g, dtype=torch.float64) * -60 - 20
    sign = torch.randint(0, 2, (6, 7), generator=g, dtype=torch.float64) * 2 - 1
    moderate = sign * (10 + torch.rand(6, 7, generator=g, dtype=torch.float64) * 20)
    huge = torch.rand(50, generator=g, dtype=torch.float64) * 2e4 - 1e4
    return [
        Case("random matrix", (randn(g, 4, 5, scale=3.0),)),
        Case("random 3-d tensor", (randn(g, 2, 3, 4, scale=3.0),)),
        Case("float64 input", (randn(g, 5, 6, dtype=torch.float64, scale=3.0),)),
        Case("|x| between 10 and 30", (moderate.float(),)),
        Case("large magnitudes (|x| up to 1e4)", (huge.float(),)),
        Case("x = 1e4 and x = -1e4 exactly", (torch.tensor([1e4, -1e4, 1e4, -1e4]),)),
        Case("float64, large magnitudes", (huge[:30].flip(0),)),
        Case("tiny outputs for x in [-80, -20] (checked relatively)", (tiny.float(),), comparison=RELATIVE),
        Case("0-dim tensor", (torch.tensor(0.75),)),
        Case("empty tensor", (torch.zeros(0, 3),)),
        Case("a size-1 dimension", (randn(g, 1, 6, scale=5.0),)),
    ]


EXERCISE = Exercise(
    slug="activations.sigmoid",
    title=text("A numerically stable sigmoid", "数值稳定的 sigmoid"),
    statement=text(
        """Write `sigmoid(x)` that applies the logistic function element by element:

    sigmoid(x) = 1 / (1 + exp(-x))

The result has the same shape and dtype as `x` (float32 or float64), and `x` must not change.

It must be **numerically stable**: for every |x| up to 1e4 the result is a number, never `nan`
or `inf`. In float32, `exp(z)` overflows to `inf` as soon as z > 88.7, and `inf / inf` is `nan`;
choose, for each sign of x, a form of the formula where `exp` never sees a large positive number.
Small results must also be accurate *relatively*: `sigmoid(-30)` is about 9.4e-14 and must not
come out as 0, so do not compute it as 1 minus something close to 1.

Example: `sigmoid([-2., 0., 2.])` is `[0.1192, 0.5000, 0.8808]`, and
`sigmoid([-1e4, 1e4])` is `[0., 1.]`.

Not allowed: `torch.sigmoid`, `torch.nn.functional.sigmoid`, `torch.special.expit`,
`x.sigmoid()`, `nn.Sigmoid`, `logsigmoid`, `scipy.special.expit`. Use `torch.exp`, arithmetic,
`abs` and `torch.where`.""",
        """编写 `sigmoid(x)`：对张量逐元素计算 logistic 函数

    sigmoid(x) = 1 / (1 + exp(-x))

结果的形状和数据类型（float32 或 float64）与 `x` 相同，并且不能修改 `x`。

要求**数值稳定**：对绝对值不超过 1e4 的所有 x，结果都必须是正常的数，不能出现 `nan` 或 `inf`。
在 float32 中，z > 88.7 时 `exp(z)` 就会溢出为 `inf`，而 `inf / inf` 是 `nan`；
请针对 x 的正负分别选择合适的公式写法，让 `exp` 永远不会作用在很大的正数上。
很小的结果也必须保持*相对*精度：`sigmoid(-30)` 约为 9.4e-14，不能算成 0，
所以不要用 1 减去一个接近 1 的数来求它。

例子：`sigmoid([-2., 0., 2.])` 为 `[0.1192, 0.5000, 0.8808]`，
`sigmoid([-1e4, 1e4])` 为 `[0., 1.]`。

不允许使用：`torch.sigmoid`、`torch.nn.functional.sigmoid`、`torch.special.expit`、`x.sigmoid()`、
`nn.Sigmoid`、`logsigmoid`、`scipy.special.expit`。
请用 `torch.exp`、四则运算、`abs` 和 `torch.where` 来实现。""",
    ),
    signature="sigmoid(x: Tensor) -> Tensor",
    starter="""import torch


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
    bans=SIGMOID_BANS,
)
