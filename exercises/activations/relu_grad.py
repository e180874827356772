"""activations.relu_grad: the derivative of ReLU, 1 where x > 0 and 0 elsewhere (0 at x == 0)."""

import torch

from exercises._common import randn
from grader.exercise import Case, Exercise, Mutant, text


def reference(x: torch.Tensor) -> torch.Tensor:
    # What autograd gives for torch.relu: threshold_backward passes the gradient only where x > 0.
    return (x > 0).to(x.dtype)


SOLUTION = """
import torch

def relu_grad(x):
    return (x > 0).to(x.dtype)
"""

MUTANTS = [
    Mutant(
        "x >= 0 gives 1 at zero",
        """
def relu_grad(x):
    return (x >= 0).to(x.dtype)
""",
        text(
            "At exactly x = 0 the gradient is 0 (that is the value torch's autograd uses for "
            "relu), so the test is x > 0, not x >= 0.",
            "在 x 恰好等于 0 的地方梯度取 0（torch 自动求导对 relu 就是这样规定的），"
            "所以条件应当是 x > 0，而不是 x >= 0。",
        ),
    ),
    Mutant(
        "returns the bool mask",
        """
def relu_grad(x):
    return x > 0
""",
        text(
            "x > 0 is a tensor of True/False (dtype bool). The gradient is a number tensor with "
            "x's dtype: convert the mask with .to(x.dtype).",
            "x > 0 得到的是由 True/False 组成的布尔张量。梯度应当是与 x 数据类型相同的数值张量："
            "请用 .to(x.dtype) 转换。",
        ),
    ),
    Mutant(
        "overwrites x with the mask",
        """
def relu_grad(x):
    x[x > 0] = 1
    x[x <= 0] = 0
    return x
""",
        text(
            "x[mask] = ... writes into the caller's tensor, so x is destroyed. Build the result "
            "as a new tensor.",
            "x[mask] = ... 会写进调用者传入的张量，x 就被破坏了。请把结果构造成一个新张量。",
        ),
    ),
    Mutant(
        "relu(x) / x is nan at zero",
        """
import torch

def relu_grad(x):
    return torch.relu(x) / x
""",
        text(
            "relu(x) / x is 1 for x > 0 and 0 for x < 0, but at x = 0 it is 0 / 0 = nan. "
            "Compare with 0 instead of dividing.",
            "relu(x) / x 在 x > 0 时为 1、x < 0 时为 0，但在 x = 0 处是 0 / 0 = nan。"
            "请用和 0 比较的方法，而不是做除法。",
        ),
    ),
    Mutant(
        ".float() forces float32",
        """
def relu_grad(x):
    return (x > 0).float()
""",
        text(
            ".float() always gives float32, so a float64 (or integer) input comes back with the "
            "wrong dtype. Convert to x's own dtype: .to(x.dtype).",
            ".float() 总是得到 float32，所以输入是 float64（或整数）时，结果的数据类型就错了。"
            "请转换成 x 自己的类型：.to(x.dtype)。",
        ),
    ),
]

PUBLIC = [
    Case("negative, zero and positive", (torch.tensor([-2.0, -0.5, 0.0, 0.5, 2.0]),)),
    Case("a 2x3 matrix", (torch.tensor([[1.0, -1.0, 0.0], [3.0, 0.0, -3.0]]),)),
    Case("float64 input keeps float64", (torch.tensor([-1.0, 0.0, 1.0], dtype=torch.float64),)),
]


def hidden(g: torch.Generator) -> list[Case]:
    with_zeros = randn(g, 6, 5)
    with_zeros[torch.rand(6, 5, generator=g) < 0.3] = 0.0
    return [
        Case("random matrix", (randn(g, 4, 5),)),
        Case("random 3-d tensor", (randn(g, 2, 3, 4),)),
        Case("random matrix with exact zeros", (with_zeros,)),
        Case("all zeros", (torch.zeros(3, 3),)),
        Case("negative zero -0.0", (torch.tensor([-0.0, 0.0, -0.0]),)),
        Case("float64 input", (randn(g, 5, 6, dtype=torch.float64),)),
        Case("integer tensor keeps its dtype", (torch.randint(-3, 4, (4, 5), generator=g),)),
        Case("large magnitudes", (randn(g, 3, 4, scale=1e30),)),
        Case("tiny magnitudes", (randn(g, 3, 4, scale=1e-30),)),
        Case("0-dim tensor", (torch.tensor(0.0),)),
        Case("empty tensor", (torch.zeros(0, 2),)),
    ]


EXERCISE = Exercise(
    slug="activations.relu_grad",
    title=text("The derivative of ReLU", "ReLU 的导数"),
    statement=text(
        """ReLU is `relu(x) = max(x, 0)`. Its derivative is 1 where x > 0 and 0 where x < 0; at
x = 0 it is not defined mathematically, and torch's autograd uses **0** there (so do we).

Write `relu_grad(x)` that returns this derivative element by element:

- 1 where `x > 0`, 0 everywhere else (including `x == 0` and `-0.0`);
- the same shape and **the same dtype** as `x` (a float64 input gives float64, an integer input
  gives integers), not a bool tensor;
- `x` must not change.

Example: `relu_grad([-2., -0.5, 0., 0.5, 2.])` is `[0., 0., 0., 1., 1.]`.""",
        """ReLU 定义为 `relu(x) = max(x, 0)`。它的导数在 x > 0 处为 1，在 x < 0 处为 0；
在 x = 0 处数学上没有定义，torch 的自动求导在这里取 **0**（本题也这样规定）。

编写 `relu_grad(x)`：逐元素返回这个导数：

- `x > 0` 的位置为 1，其余位置都为 0（包括 `x == 0` 和 `-0.0`）；
- 形状与 `x` 相同，**数据类型也与 `x` 相同**（float64 输入得到 float64，整数输入得到整数），
  不能返回布尔张量；
- 不能修改 `x`。

例子：`relu_grad([-2., -0.5, 0., 0.5, 2.])` 为 `[0., 0., 0., 1., 1.]`。""",
    ),
    signature="relu_grad(x: Tensor) -> Tensor",
    starter="""import torch


def relu_grad(x: torch.Tensor) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
)
