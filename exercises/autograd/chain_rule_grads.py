"""autograd.chain_rule_grads: the chain rule by hand for x2 = x1·w1, y = x2·w2, L = Σ(Y − y)."""

import torch

from exercises._common import AUTOGRAD_BANS, rand_int, randn
from grader.exercise import Case, Comparison, Exercise, Mutant, text


def reference(
    x1: torch.Tensor, w1: torch.Tensor, w2: torch.Tensor, Y: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    leaves = [t.detach().clone().requires_grad_(True) for t in (x1, w1, w2)]
    a, b, c = leaves
    loss = (Y.detach() - a * b * c).sum()
    grads = torch.autograd.grad(loss, leaves)
    first, second, third = (grad.detach() for grad in grads)
    return first, second, third


SOLUTION = """
import torch

def chain_rule_grads(x1, w1, w2, Y):
    x2 = x1 * w1
    # L = sum(Y - y): dL/dy = -1 for every sample
    dL_dy = -torch.ones_like(x1)
    dL_dx2 = dL_dy * w2              # y = x2 * w2
    dL_dw2 = (dL_dy * x2).sum()      # w2 is shared by every sample: add up their contributions
    dL_dx1 = dL_dx2 * w1             # x2 = x1 * w1
    dL_dw1 = (dL_dx2 * x1).sum()
    return dL_dx1, dL_dw1, dL_dw2
"""

MUTANTS = [
    Mutant(
        "sign slip: dL/dy = +1",
        """
import torch

def chain_rule_grads(x1, w1, w2, Y):
    x2 = x1 * w1
    dL_dy = torch.ones_like(x1)
    dL_dx2 = dL_dy * w2
    dL_dw2 = (dL_dy * x2).sum()
    dL_dx1 = dL_dx2 * w1
    dL_dw1 = (dL_dx2 * x1).sum()
    return dL_dx1, dL_dw1, dL_dw2
""",
        text(
            "L = Σ(Y − y): y enters with a minus sign, so dL/dy = −1, and the minus sign carries "
            "through every gradient.",
            "L = Σ(Y − y)：y 前面是减号，所以 dL/dy = −1，这个负号会一直传到每个梯度里。",
        ),
    ),
    Mutant(
        "forgot to sum over the batch for the weights",
        """
import torch

def chain_rule_grads(x1, w1, w2, Y):
    x2 = x1 * w1
    dL_dy = -torch.ones_like(x1)
    dL_dx2 = dL_dy * w2
    dL_dw2 = dL_dy * x2
    dL_dx1 = dL_dx2 * w1
    dL_dw1 = dL_dx2 * x1
    return dL_dx1, dL_dw1, dL_dw2
""",
        text(
            "w1 and w2 are single numbers shared by every sample, so their gradients are single "
            "numbers too (shape ()): add up the contributions of all samples with .sum().",
            "w1 和 w2 是所有样本共用的一个数，所以它们的梯度也是一个数（形状为 ()）："
            "要用 .sum() 把所有样本的贡献加起来。",
        ),
    ),
    Mutant(
        "dL/dw2 uses x1 instead of x2",
        """
import torch

def chain_rule_grads(x1, w1, w2, Y):
    dL_dy = -torch.ones_like(x1)
    dL_dx2 = dL_dy * w2
    dL_dw2 = (dL_dy * x1).sum()
    dL_dx1 = dL_dx2 * w1
    dL_dw1 = (dL_dx2 * x1).sum()
    return dL_dx1, dL_dw1, dL_dw2
""",
        text(
            "y = x2·w2, so dy/dw2 is x2 = x1·w1 (what w2 multiplies), not x1.",
            "y = x2·w2，所以 dy/dw2 等于 x2 = x1·w1（与 w2 相乘的那个量），而不是 x1。",
        ),
    ),
    Mutant(
        "mean over the batch instead of sum",
        """
import torch

def chain_rule_grads(x1, w1, w2, Y):
    x2 = x1 * w1
    dL_dy = -torch.ones_like(x1)
    dL_dx2 = dL_dy * w2
    dL_dw2 = (dL_dy * x2).mean()
    dL_dx1 = dL_dx2 * w1
    dL_dw1 = (dL_dx2 * x1).mean()
    return dL_dx1, dL_dw1, dL_dw2
""",
        text(
            "L is a sum over the samples, not a mean: each sample adds its full contribution to "
            "the gradient of a shared weight. Use .sum().",
            "L 是对样本求和而不是求平均：每个样本都把它的全部贡献加到共享权重的梯度上。请用 .sum()。",
        ),
    ),
]

PUBLIC = [
    Case(
        "x1 = [1, 2, 3], w1 = 2, w2 = 3",
        (torch.tensor([1.0, 2.0, 3.0]), torch.tensor(2.0), torch.tensor(3.0), torch.zeros(3)),
    ),
    Case(
        "a single sample", (torch.tensor([2.0]), torch.tensor(-1.5), torch.tensor(0.5), torch.tensor([1.0]))
    ),
    Case(
        "float64, Y does not matter",
        (
            torch.tensor([1.0, 3.0], dtype=torch.float64),
            torch.tensor(0.5, dtype=torch.float64),
            torch.tensor(4.0, dtype=torch.float64),
            torch.tensor([100.0, -7.0], dtype=torch.float64),
        ),
    ),
]


def _weight(g: torch.Generator, dtype: torch.dtype = torch.float32, scale: float = 1.0) -> torch.Tensor:
    """A 0-dim random weight."""
    return randn(g, 1, dtype=dtype, scale=scale).reshape(())


def _case(
    g: torch.Generator, n: int, dtype: torch.dtype = torch.float32, scale: float = 1.0
) -> tuple[torch.Tensor, ...]:
    return (
        randn(g, n, dtype=dtype, scale=scale),
        _weight(g, dtype, scale),
        _weight(g, dtype, scale),
        randn(g, n, dtype=dtype, scale=scale),
    )


def hidden(g: torch.Generator) -> list[Case]:
    return [
        Case("random batch", _case(g, rand_int(g, 4, 20))),
        Case("another random batch", _case(g, rand_int(g, 2, 10))),
        Case("float64 batch", _case(g, rand_int(g, 5, 30), dtype=torch.float64)),
        Case("a single sample", _case(g, 1)),
        Case("a large batch (1000)", _case(g, 1000, dtype=torch.float64)),
        Case("an empty batch", _case(g, 0)),
        Case(
            "negative weights", (randn(g, 6), -_weight(g).abs() - 0.5, -_weight(g).abs() - 0.5, randn(g, 6))
        ),
        Case("w1 = 1", (randn(g, 5), torch.tensor(1.0), _weight(g), randn(g, 5))),
        Case("large magnitudes (1e8)", _case(g, 8, scale=1e8)),
    ]


EXERCISE = Exercise(
    slug="autograd.chain_rule_grads",
    title=text("The chain rule by hand", "手算链式法则"),
    statement=text(
        """A tiny two-step model, applied to a batch of N samples (`*` is element-wise):

    x2 = x1 * w1
    y  = x2 * w2
    L  = (Y - y).sum()

`x1` and `Y` have shape (N,); the weights `w1` and `w2` are 0-dim tensors (single numbers
shared by every sample). Write `chain_rule_grads(x1, w1, w2, Y)` that returns the tuple
`(dL/dx1, dL/dw1, dL/dw2)`, worked out BY HAND with the chain rule:

    dL/dx1 = dL/dy · dy/dx2 · dx2/dx1,   dL/dw1 = dL/dy · dy/dx2 · dx2/dw1,   dL/dw2 = dL/dy · dy/dw2

- Each gradient has the shape of its variable: dL/dx1 has shape (N,), dL/dw1 and dL/dw2
  are 0-dim. A weight is used by every sample, so its gradient adds up the contributions
  of all N samples. With N = 0 the weight gradients are 0.
- Keep the dtype of the inputs. Do not change the inputs.
- Autograd is not allowed here: no `backward()`, no `torch.autograd`, no `.grad`,
  no `requires_grad_`.

Example: `x1 = [1., 2., 3.]`, `w1 = 2.`, `w2 = 3.` (any Y) gives
`dL/dx1 = [-6., -6., -6.]`, `dL/dw1 = -18.`, `dL/dw2 = -12.`""",
        """一个只有两步的小模型，作用在一批 N 个样本上（`*` 是逐元素相乘）：

    x2 = x1 * w1
    y  = x2 * w2
    L  = (Y - y).sum()

`x1` 和 `Y` 的形状为 (N,)；权重 `w1`、`w2` 是 0 维张量（所有样本共用的一个数）。
编写 `chain_rule_grads(x1, w1, w2, Y)`，用链式法则**手工推导**并返回元组 `(dL/dx1, dL/dw1, dL/dw2)`：

    dL/dx1 = dL/dy · dy/dx2 · dx2/dx1，  dL/dw1 = dL/dy · dy/dx2 · dx2/dw1，  dL/dw2 = dL/dy · dy/dw2

- 每个梯度的形状与对应变量相同：dL/dx1 的形状为 (N,)，dL/dw1 和 dL/dw2 是 0 维张量。
  权重被每个样本都用到了，所以它的梯度是全部 N 个样本贡献之和。N = 0 时权重的梯度为 0。
- 保持输入的数据类型，不要修改输入。
- 本题不允许使用自动求导：不能用 `backward()`、`torch.autograd`、`.grad`、`requires_grad_`。

例子：`x1 = [1., 2., 3.]`、`w1 = 2.`、`w2 = 3.`（Y 取任何值都一样）时，
`dL/dx1 = [-6., -6., -6.]`，`dL/dw1 = -18.`，`dL/dw2 = -12.`""",
    ),
    signature="chain_rule_grads(x1: Tensor, w1: Tensor, w2: Tensor, Y: Tensor) "
    "-> tuple[Tensor, Tensor, Tensor]",
    starter="""import torch


def chain_rule_grads(x1: torch.Tensor, w1: torch.Tensor, w2: torch.Tensor,
                     Y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
    bans=AUTOGRAD_BANS,
    # The weight gradients are sums over the batch: a different (correct) order of the
    # products and the sum rounds differently in float32.
    comparison=Comparison(rtol=1e-4, atol=1e-4),
)
