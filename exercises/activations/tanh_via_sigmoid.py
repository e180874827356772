"""activations.tanh_via_sigmoid: tanh(x) = 2 sigma(2x) - 1, stable for large |x|."""

import torch

from exercises._common import randn
from exercises.activations._bans import SIGMOID_BANS, TANH_BANS
from grader.exercise import Case, Exercise, Mutant, text


def reference(x: torch.Tensor) -> torch.Tensor:
    return torch.tanh(x)


SOLUTION = """
import torch

def _sigmoid(z):
    e = torch.exp(-z.abs())
    return torch.where(z >= 0, 1 / (1 + e), e / (1 + e))

def tanh_via_sigmoid(x):
    return 2 * _sigmoid(2 * x) - 1
"""

MUTANTS = [
    Mutant(
        "(exp(x) - exp(-x)) / (exp(x) + exp(-x)) overflows",
        """
import torch

def tanh_via_sigmoid(x):
    a, b = torch.exp(x), torch.exp(-x)
    return (a - b) / (a + b)
""",
        text(
            "The textbook formula overflows: for |x| above about 89 (float32), exp(x) or "
            "exp(-x) is inf and inf / inf is nan. Use 2*sigmoid(2x) - 1 with a sigmoid that is "
            "stable for both signs.",
            "教科书上的公式会溢出：|x| 超过约 89（float32）时，exp(x) 或 exp(-x) 变成 inf，"
            "inf / inf 得到 nan。请用 2*sigmoid(2x) - 1，并且 sigmoid 本身对正负 x 都要稳定。",
        ),
    ),
    Mutant(
        "2 sigmoid(x) - 1 (forgot the 2 inside)",
        """
import torch

def _sigmoid(z):
    e = torch.exp(-z.abs())
    return torch.where(z >= 0, 1 / (1 + e), e / (1 + e))

def tanh_via_sigmoid(x):
    return 2 * _sigmoid(x) - 1
""",
        text(
            "The identity is tanh(x) = 2*sigmoid(2x) - 1: the sigmoid is taken at 2x, not at x "
            "(2*sigmoid(x) - 1 is tanh(x/2)).",
            "恒等式是 tanh(x) = 2*sigmoid(2x) - 1：sigmoid 的自变量是 2x，而不是 x"
            "（2*sigmoid(x) - 1 其实是 tanh(x/2)）。",
        ),
    ),
    Mutant(
        "x *= 2 changes the caller's tensor",
        """
import torch

def tanh_via_sigmoid(x):
    x *= 2
    e = torch.exp(-x.abs())
    s = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))
    return 2 * s - 1
""",
        text(
            "For a tensor, x *= 2 is an in-place operation: it doubles the caller's tensor too. "
            "Write z = 2 * x, which makes a new tensor.",
            "对张量来说，x *= 2 是原地操作：调用者的张量也被乘了 2。请写 z = 2 * x，它会创建新张量。",
        ),
    ),
    Mutant(
        "sigmoid as exp(2x) / (1 + exp(2x)) overflows",
        """
import torch

def tanh_via_sigmoid(x):
    e = torch.exp(2 * x)
    return 2 * e / (1 + e) - 1
""",
        text(
            "For large positive x, exp(2x) overflows to inf and inf / inf is nan. The sigmoid "
            "inside must be stable for both signs: exp should only ever see a number <= 0.",
            "x 是很大的正数时，exp(2x) 溢出为 inf，inf / inf 得到 nan。里面的 sigmoid 必须对正负 x 都稳定："
            "exp 的参数应当始终 <= 0。",
        ),
    ),
]

PUBLIC = [
    Case("small values", (torch.tensor([-2.0, -1.0, 0.0, 1.0, 2.0]),)),
    Case("large magnitudes: no nan, no inf", (torch.tensor([-1e4, -50.0, 0.0, 50.0, 1e4]),)),
    Case("a 2x2 matrix", (torch.tensor([[0.5, -0.5], [3.0, -3.0]]),)),
]


def hidden(g: torch.Generator) -> list[Case]:
    huge = torch.rand(50, generator=g, dtype=torch.float64) * 2e4 - 1e4
    return [
        Case("random matrix", (randn(g, 4, 5, scale=2.0),)),
        Case("random 3-d tensor", (randn(g, 2, 3, 4, scale=2.0),)),
        Case("float64 input", (randn(g, 5, 6, dtype=torch.float64, scale=2.0),)),
        Case("values close to 0", (randn(g, 20, scale=1e-3),)),
        Case("moderate magnitudes (|x| of order 10)", (randn(g, 6, 7, scale=10.0),)),
        Case("large magnitudes (|x| up to 1e4)", (huge.float(),)),
        Case("x = 1e4 and x = -1e4 exactly", (torch.tensor([1e4, -1e4, -1e4, 1e4]),)),
        Case("float64, large magnitudes", (huge[:30].flip(0),)),
        Case("0-dim tensor", (torch.tensor(0.3),)),
        Case("empty tensor", (torch.zeros(0),)),
        Case("a size-1 dimension", (randn(g, 1, 5, scale=2.0),)),
    ]


EXERCISE = Exercise(
    slug="activations.tanh_via_sigmoid",
    title=text("tanh from the sigmoid", "用 sigmoid 构造 tanh"),
    statement=text(
        """The hyperbolic tangent is a rescaled sigmoid:

    tanh(x) = 2 * sigmoid(2x) - 1,   where sigmoid(z) = 1 / (1 + exp(-z))

Write `tanh_via_sigmoid(x)` that computes tanh element by element **this way**, with your own
sigmoid (you may reuse your code from the sigmoid exercise as a helper function). The result has
the same shape and dtype as `x` (float32 or float64), and `x` must not change.

It must be **numerically stable** for every |x| up to 1e4: no `nan`, no `inf`; tanh(1e4) is 1
and tanh(-1e4) is -1. The textbook form `(exp(x) - exp(-x)) / (exp(x) + exp(-x))` overflows for
|x| above about 89 in float32, and so does a sigmoid written as `exp(z) / (1 + exp(z))`.

Example: `tanh_via_sigmoid([-1., 0., 1.])` is `[-0.7616, 0.0000, 0.7616]`.

Not allowed: `torch.tanh`, `torch.nn.functional.tanh`, `x.tanh()`, `nn.Tanh`, `math.tanh`,
`numpy.tanh`, and the sigmoid functions (`torch.sigmoid`, `torch.nn.functional.sigmoid`,
`torch.special.expit`, `x.sigmoid()`, `logsigmoid`). Use `torch.exp`, arithmetic, `abs` and
`torch.where`.""",
        """双曲正切其实是经过平移和缩放的 sigmoid：

    tanh(x) = 2 * sigmoid(2x) - 1，其中 sigmoid(z) = 1 / (1 + exp(-z))

编写 `tanh_via_sigmoid(x)`：**按这种方法**逐元素计算 tanh，sigmoid 要自己实现
（可以把 sigmoid 那道题的代码写成辅助函数拿来用）。结果的形状和数据类型（float32 或 float64）
与 `x` 相同，并且不能修改 `x`。

要求对绝对值不超过 1e4 的所有 x **数值稳定**：不能出现 `nan` 或 `inf`；tanh(1e4) 等于 1，
tanh(-1e4) 等于 -1。教科书上的写法 `(exp(x) - exp(-x)) / (exp(x) + exp(-x))` 在 float32 中
|x| 超过约 89 就会溢出，把 sigmoid 写成 `exp(z) / (1 + exp(z))` 也一样会溢出。

例子：`tanh_via_sigmoid([-1., 0., 1.])` 为 `[-0.7616, 0.0000, 0.7616]`。

不允许使用：`torch.tanh`、`torch.nn.functional.tanh`、`x.tanh()`、`nn.Tanh`、`math.tanh`、`numpy.tanh`，
以及各种现成的 sigmoid（`torch.sigmoid`、`torch.nn.functional.sigmoid`、`torch.special.expit`、
`x.sigmoid()`、`logsigmoid`）。请用 `torch.exp`、四则运算、`abs` 和 `torch.where` 来实现。""",
    ),
    signature="tanh_via_sigmoid(x: Tensor) -> Tensor",
    starter="""import torch


def tanh_via_sigmoid(x: torch.Tensor) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
    bans=TANH_BANS | SIGMOID_BANS,
)
