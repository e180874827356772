"""activations.sigmoid_grad: the derivative sigma(x)(1 - sigma(x)), stable for large |x|."""

import torch

from exercises._common import randn
from exercises.activations._bans import SIGMOID_BANS
from grader.exercise import Case, Exercise, Mutant, text


def reference(x: torch.Tensor) -> torch.Tensor:
    # sigma(-x) = 1 - sigma(x), without the cancellation.
    return torch.sigmoid(x) * torch.sigmoid(-x)


SOLUTION = """
import torch

def _sigmoid(x):
    e = torch.exp(-x.abs())
    return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))

def sigmoid_grad(x):
    s = _sigmoid(x)
    return s * (1 - s)
"""

MUTANTS = [
    Mutant(
        "exp(-x) / (1 + exp(-x))**2 overflows",
        """
import torch

def sigmoid_grad(x):
    e = torch.exp(-x)
    return e / (1 + e) ** 2
""",
        text(
            "For very negative x, exp(-x) overflows to inf and inf / inf is nan. Compute "
            "sigmoid(x) in a stable way first, then combine it as sigmoid(x) * (1 - sigmoid(x)).",
            "x 是很小的负数时，exp(-x) 溢出为 inf，而 inf / inf 得到 nan。请先用稳定的方法算出 "
            "sigmoid(x)，再按 sigmoid(x) * (1 - sigmoid(x)) 组合。",
        ),
    ),
    Mutant(
        "1 - sigmoid(x)**2 (the tanh rule)",
        """
import torch

def sigmoid_grad(x):
    e = torch.exp(-x.abs())
    s = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))
    return 1 - s ** 2
""",
        text(
            "1 - f(x)^2 is the derivative of tanh, not of sigmoid. The sigmoid's derivative is "
            "sigmoid(x) * (1 - sigmoid(x)); at x = 0 it is 0.25.",
            "1 - f(x)^2 是 tanh 的导数，不是 sigmoid 的。sigmoid 的导数是 "
            "sigmoid(x) * (1 - sigmoid(x))；在 x = 0 处它等于 0.25。",
        ),
    ),
    Mutant(
        "s = x, then in-place operations",
        """
import torch

def sigmoid_grad(x):
    s = x
    s.neg_().exp_().add_(1).reciprocal_()
    return s * (1 - s)
""",
        text(
            "s = x does not copy anything: s and x are the same tensor, so neg_(), exp_() ... "
            "overwrite the caller's x. Use out-of-place operations (torch.exp(-x), ...) that "
            "return new tensors.",
            "s = x 并不会复制数据：s 和 x 是同一个张量，所以 neg_()、exp_() 等操作会覆盖调用者的 x。"
            "请使用返回新张量的非原地运算（torch.exp(-x) 等）。",
        ),
    ),
    Mutant(
        "sigmoid as exp(x) / (1 + exp(x)) overflows",
        """
import torch

def sigmoid_grad(x):
    e = torch.exp(x)
    s = e / (1 + e)
    return s * (1 - s)
""",
        text(
            "For large positive x, exp(x) overflows to inf and inf / inf is nan. Your sigmoid "
            "must be stable for both signs of x: make sure exp only ever sees a number <= 0.",
            "x 是很大的正数时，exp(x) 溢出为 inf，而 inf / inf 得到 nan。"
            "你的 sigmoid 必须对 x 的正负都稳定：保证 exp 的参数始终 <= 0。",
        ),
    ),
]

PUBLIC = [
    Case("small values", (torch.tensor([-2.0, -1.0, 0.0, 1.0, 2.0]),)),
    Case("large magnitudes: no nan, no inf", (torch.tensor([-1e4, -100.0, 0.0, 100.0, 1e4]),)),
    Case("a 2x2 matrix", (torch.tensor([[0.5, -0.5], [3.0, -3.0]]),)),
]


def hidden(g: torch.Generator) -> list[Case]:
    huge = torch.rand(50, generator=g, dtype=torch.float64) * 2e4 - 1e4
    return [
        Case("random matrix", (randn(g, 4, 5, scale=3.0),)),
        Case("random 3-d tensor", (randn(g, 2, 3, 4, scale=3.0),)),
        Case("float64 input", (randn(g, 5, 6, dtype=torch.float64, scale=3.0),)),
        Case("moderate magnitudes (|x| of order 10)", (randn(g, 6, 7, scale=12.0),)),
        Case("large magnitudes (|x| up to 1e4)", (huge.float(),)),
        Case("x = 1e4 and x = -1e4 exactly", (torch.tensor([1e4, -1e4, -1e4, 1e4]),)),
        Case("float64, large magnitudes", (huge[:30].flip(0),)),
        Case("x = 0 (the maximum, 0.25)", (torch.zeros(3),)),
        Case("0-dim tensor", (torch.tensor(-0.75),)),
        Case("empty tensor", (torch.zeros(2, 0),)),
        Case("a size-1 dimension", (randn(g, 6, 1, scale=5.0),)),
    ]


EXERCISE = Exercise(
    slug="activations.sigmoid_grad",
    title=text("The derivative of the sigmoid", "sigmoid 的导数"),
    statement=text(
        """The sigmoid `s(x) = 1 / (1 + exp(-x))` has a famously simple derivative:

    s'(x) = s(x) * (1 - s(x))

Write `sigmoid_grad(x)` that returns `s'(x)` element by element, with the same shape and dtype
as `x` (float32 or float64). Do not change `x`.

It must be **numerically stable** for every |x| up to 1e4: no `nan`, no `inf`. Writing the
derivative out as `exp(-x) / (1 + exp(-x))**2` overflows (`inf / inf` is `nan`) once |x| is
large; compute a stable sigmoid first (for each sign of x, a form where `exp` never sees a large
positive number), then use the formula above.

Example: `sigmoid_grad([-2., 0., 2.])` is `[0.1050, 0.2500, 0.1050]`, and
`sigmoid_grad([-1e4, 1e4])` is `[0., 0.]`.

Not allowed (as in the sigmoid exercise): `torch.sigmoid`, `torch.nn.functional.sigmoid`,
`torch.special.expit`, `x.sigmoid()`, `nn.Sigmoid`, `logsigmoid`, `scipy.special.expit`.
You may define your own helper function for the sigmoid.""",
        """sigmoid 函数 `s(x) = 1 / (1 + exp(-x))` 的导数有一个很简洁的形式：

    s'(x) = s(x) * (1 - s(x))

编写 `sigmoid_grad(x)`：逐元素返回 `s'(x)`，形状和数据类型（float32 或 float64）与 `x` 相同。
不要修改 `x`。

要求对绝对值不超过 1e4 的所有 x **数值稳定**：不能出现 `nan` 或 `inf`。
如果把导数直接写成 `exp(-x) / (1 + exp(-x))**2`，|x| 很大时就会溢出（`inf / inf` 得到 `nan`）。
请先实现一个稳定的 sigmoid（针对 x 的正负分别选用让 `exp` 不会作用在很大正数上的写法），
再代入上面的公式。

例子：`sigmoid_grad([-2., 0., 2.])` 为 `[0.1050, 0.2500, 0.1050]`，
`sigmoid_grad([-1e4, 1e4])` 为 `[0., 0.]`。

不允许使用（与 sigmoid 那道题相同）：`torch.sigmoid`、`torch.nn.functional.sigmoid`、`torch.special.expit`、
`x.sigmoid()`、`nn.Sigmoid`、`logsigmoid`、`scipy.special.expit`。可以自己定义一个求 sigmoid 的辅助函数。""",
    ),
    signature="sigmoid_grad(x: Tensor) -> Tensor",
    starter="""import torch


def sigmoid_grad(x: torch.Tensor) -> torch.Tensor:
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
