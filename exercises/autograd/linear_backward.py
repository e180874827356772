"""autograd.linear_backward: the backward pass of a linear layer y = x Wᵀ + b, by hand."""

import torch

from exercises._common import AUTOGRAD_BANS, rand_int, randn
from grader.exercise import Case, Comparison, Exercise, Mutant, text


def reference(
    x: torch.Tensor, W: torch.Tensor, b: torch.Tensor, grad_out: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    leaves = [t.detach().clone().requires_grad_(True) for t in (x, W, b)]
    xs, Ws, bs = leaves
    y = torch.nn.functional.linear(xs, Ws, bs)
    grads = torch.autograd.grad(y, leaves, grad_out.detach())
    first, second, third = (grad.detach() for grad in grads)
    return first, second, third


SOLUTION = """
import torch

def linear_backward(x, W, b, grad_out):
    # y[n, o] = sum_i x[n, i] * W[o, i] + b[o]
    grad_x = grad_out @ W          # (N, out) @ (out, in) -> (N, in)
    grad_W = grad_out.T @ x        # (out, N) @ (N, in)   -> (out, in)
    grad_b = grad_out.sum(dim=0)   # b is added to every row: sum over the batch
    return grad_x, grad_W, grad_b
"""

MUTANTS = [
    Mutant(
        "grad_W transposed",
        """
import torch

def linear_backward(x, W, b, grad_out):
    grad_x = grad_out @ W
    grad_W = x.T @ grad_out
    grad_b = grad_out.sum(dim=0)
    return grad_x, grad_W, grad_b
""",
        text(
            "grad_W must have the shape of W, (out, in). x.T @ grad_out has shape (in, out): "
            "swap the operands, grad_out.T @ x.",
            "grad_W 的形状必须与 W 相同，即 (out, in)。x.T @ grad_out 的形状是 (in, out)："
            "请交换两个操作数，写成 grad_out.T @ x。",
        ),
    ),
    Mutant(
        "grad_b summed over the wrong axis",
        """
import torch

def linear_backward(x, W, b, grad_out):
    grad_x = grad_out @ W
    grad_W = grad_out.T @ x
    grad_b = grad_out.sum(dim=1)
    return grad_x, grad_W, grad_b
""",
        text(
            "b has one entry per output, shape (out,). Each b[o] is added to every sample, so sum "
            "grad_out over the batch axis (dim=0), not over the outputs.",
            "b 的每个元素对应一个输出，形状为 (out,)。每个 b[o] 都加到了每个样本上，"
            "所以应沿批次维（dim=0）对 grad_out 求和，而不是沿输出维。",
        ),
    ),
    Mutant(
        "grad_b not summed over the batch",
        """
import torch

def linear_backward(x, W, b, grad_out):
    grad_x = grad_out @ W
    grad_W = grad_out.T @ x
    grad_b = grad_out
    return grad_x, grad_W, grad_b
""",
        text(
            "b is broadcast to every row of y, so its gradient collects the contributions of all "
            "N samples: it has shape (out,), not (N, out).",
            "b 被广播加到 y 的每一行上，所以它的梯度要把全部 N 个样本的贡献加起来："
            "形状是 (out,)，而不是 (N, out)。",
        ),
    ),
    Mutant(
        "grad_x uses W transposed",
        """
import torch

def linear_backward(x, W, b, grad_out):
    grad_x = grad_out @ W.T
    grad_W = grad_out.T @ x
    grad_b = grad_out.sum(dim=0)
    return grad_x, grad_W, grad_b
""",
        text(
            "The forward pass multiplies by Wᵀ; going backward you multiply by W itself: "
            "grad_x = grad_out @ W, of shape (N, in). Check the shapes of every product.",
            "前向计算乘的是 Wᵀ；反向传播时乘的是 W 本身：grad_x = grad_out @ W，形状为 (N, in)。"
            "请逐个核对每个矩阵乘积的形状。",
        ),
    ),
    Mutant(
        "weight gradients divided by the batch size",
        """
import torch

def linear_backward(x, W, b, grad_out):
    n = x.shape[0]
    grad_x = grad_out @ W
    grad_W = grad_out.T @ x / n
    grad_b = grad_out.sum(dim=0) / n
    return grad_x, grad_W, grad_b
""",
        text(
            "grad_out already is dL/dy, whatever the loss was (a mean included): do not divide by "
            "the batch size again. The chain rule only sums over the batch.",
            "grad_out 已经就是 dL/dy，无论损失是怎么定义的（包括取平均）：不要再除以批大小。"
            "链式法则在批次维上只需求和。",
        ),
    ),
]

PUBLIC = [
    Case(
        "2 samples, 3 inputs, 1 output",
        (
            torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
            torch.tensor([[0.5, -1.0, 2.0]]),
            torch.tensor([0.0]),
            torch.tensor([[1.0], [2.0]]),
        ),
    ),
    Case(
        "3 samples, 2 inputs, 2 outputs, grad_out all ones",
        (
            torch.tensor([[1.0, 0.0], [0.0, 1.0], [2.0, 3.0]]),
            torch.tensor([[1.0, 2.0], [3.0, 4.0]]),
            torch.tensor([1.0, -1.0]),
            torch.ones(3, 2),
        ),
    ),
    Case(
        "one sample, float64",
        (
            torch.tensor([[2.0, -1.0]], dtype=torch.float64),
            torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], dtype=torch.float64),
            torch.zeros(3, dtype=torch.float64),
            torch.tensor([[1.0, 2.0, 3.0]], dtype=torch.float64),
        ),
    ),
]


def _case(
    g: torch.Generator, n: int, n_in: int, n_out: int, dtype: torch.dtype = torch.float32, scale: float = 1.0
) -> tuple[torch.Tensor, ...]:
    return (
        randn(g, n, n_in, dtype=dtype, scale=scale),
        randn(g, n_out, n_in, dtype=dtype, scale=scale),
        randn(g, n_out, dtype=dtype, scale=scale),
        randn(g, n, n_out, dtype=dtype),
    )


def hidden(g: torch.Generator) -> list[Case]:
    return [
        Case("random layer", _case(g, rand_int(g, 2, 6), rand_int(g, 7, 10), rand_int(g, 11, 14))),
        Case(
            "random layer, more outputs than inputs",
            _case(g, rand_int(g, 8, 12), rand_int(g, 2, 4), rand_int(g, 5, 7)),
        ),
        Case(
            "float64 layer",
            _case(g, rand_int(g, 3, 6), rand_int(g, 7, 9), rand_int(g, 10, 12), dtype=torch.float64),
        ),
        Case("square: N = in = out = 4", _case(g, 4, 4, 4)),
        Case("a single sample", _case(g, 1, 5, 3)),
        Case("a single input feature", _case(g, 6, 1, 4)),
        Case("a single output", _case(g, 5, 4, 1)),
        Case("an empty batch (N = 0)", _case(g, 0, 3, 2)),
        Case("a larger batch (256)", _case(g, 256, 8, 5)),
        Case("large magnitudes (1e10)", _case(g, 4, 3, 5, scale=1e10)),
    ]


EXERCISE = Exercise(
    slug="autograd.linear_backward",
    title=text("Backward pass of a linear layer", "线性层的反向传播"),
    statement=text(
        """A linear (fully connected) layer computes, for a batch of N samples,

    y = x Wᵀ + b        x: (N, in),  W: (out, in),  b: (out,),  y: (N, out)

that is `y[n, o] = Σ_i x[n, i]·W[o, i] + b[o]`. In the backward pass the layer receives
`grad_out = dL/dy` (shape (N, out)) from the layers above and must pass on the gradients
of the loss L with respect to its input and its parameters.

Write `linear_backward(x, W, b, grad_out)` that returns the tuple
`(grad_x, grad_W, grad_b)` = (dL/dx, dL/dW, dL/db), derived BY HAND:
- each gradient has the shape of its variable: (N, in), (out, in) and (out,);
- matrix products (`@`, `torch.matmul`) are allowed and are the natural tool here;
  work out each formula from the index form above and check the shapes;
- N may be 0 (an empty batch): then grad_W and grad_b are zeros;
- keep the dtype of the inputs and do not change them;
- autograd is not allowed: no `backward()`, no `torch.autograd`, no `.grad`,
  no `requires_grad_`.

Example: `x = [[1., 2., 3.], [4., 5., 6.]]`, `W = [[0.5, -1., 2.]]`, `b = [0.]`,
`grad_out = [[1.], [2.]]` give
`grad_x = [[0.5, -1., 2.], [1., -2., 4.]]`, `grad_W = [[9., 12., 15.]]`, `grad_b = [3.]`.""",
        """线性层（全连接层）对一批 N 个样本计算

    y = x Wᵀ + b        x: (N, in)，W: (out, in)，b: (out,)，y: (N, out)

即 `y[n, o] = Σ_i x[n, i]·W[o, i] + b[o]`。反向传播时，该层从上层收到 `grad_out = dL/dy`
（形状 (N, out)），需要求出损失 L 对它的输入和参数的梯度并继续往下传。

编写 `linear_backward(x, W, b, grad_out)`，**手工推导**并返回元组
`(grad_x, grad_W, grad_b)` = (dL/dx, dL/dW, dL/db)：
- 每个梯度的形状与对应变量相同：(N, in)、(out, in) 和 (out,)；
- 允许使用矩阵乘法（`@`、`torch.matmul`），这正是本题合适的工具；
  请从上面的下标形式推出每个公式，并核对形状；
- N 可以为 0（空批次）：此时 grad_W 和 grad_b 全为 0；
- 保持输入的数据类型，不要修改输入；
- 不允许使用自动求导：不能用 `backward()`、`torch.autograd`、`.grad`、`requires_grad_`。

例子：`x = [[1., 2., 3.], [4., 5., 6.]]`、`W = [[0.5, -1., 2.]]`、`b = [0.]`、
`grad_out = [[1.], [2.]]` 时，
`grad_x = [[0.5, -1., 2.], [1., -2., 4.]]`，`grad_W = [[9., 12., 15.]]`，`grad_b = [3.]`。""",
    ),
    signature="linear_backward(x: Tensor, W: Tensor, b: Tensor, grad_out: Tensor) "
    "-> tuple[Tensor, Tensor, Tensor]",
    starter="""import torch


def linear_backward(x: torch.Tensor, W: torch.Tensor, b: torch.Tensor,
                    grad_out: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
    bans=AUTOGRAD_BANS,
    # Sums over the batch and the features: another (correct) order of the products rounds
    # differently in float32.
    comparison=Comparison(rtol=1e-4, atol=1e-4),
)
