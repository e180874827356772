"""autograd.detached_product_grad: .detach() turns u = x·x into a constant for backward."""

import torch

from exercises._common import rand_int, randn
from grader.exercise import Case, Exercise, Mutant, text


def reference(x: torch.Tensor) -> torch.Tensor:
    leaf = x.detach().clone().requires_grad_(True)
    u = (leaf * leaf).detach()
    z = (u * leaf).sum()
    (grad,) = torch.autograd.grad(z, leaf)
    return grad.detach()


SOLUTION = """
import torch

def detached_product_grad(x):
    x = x.detach().clone().requires_grad_(True)
    y = x * x
    u = y.detach()
    z = (u * x).sum()
    z.backward()
    return x.grad
"""

MUTANTS = [
    Mutant(
        "forgot detach",
        """
import torch

def detached_product_grad(x):
    x = x.detach().clone().requires_grad_(True)
    u = x * x
    z = (u * x).sum()
    z.backward()
    return x.grad
""",
        text(
            "Without .detach(), z = x³ and autograd gives 3x². u must be (x * x).detach(): a "
            "constant with the values of x², through which no gradient flows.",
            "不调用 .detach() 的话 z = x³，自动求导得到 3x²。u 必须是 (x * x).detach()："
            "它的值等于 x²，但被当作常数，梯度不会经过它回传。",
        ),
    ),
    Mutant(
        "detached only one factor of u",
        """
import torch

def detached_product_grad(x):
    x = x.detach().clone().requires_grad_(True)
    u = x.detach() * x
    z = (u * x).sum()
    z.backward()
    return x.grad
""",
        text(
            "x.detach() * x still depends on x through its second factor, so the gradient comes "
            "out as 2x². Detach the whole product: u = (x * x).detach().",
            "x.detach() * x 的第二个因子仍然依赖 x，所以梯度会变成 2x²。"
            "请对整个乘积调用 detach：u = (x * x).detach()。",
        ),
    ),
    Mutant(
        "backward on the caller's x",
        """
import torch

def detached_product_grad(x):
    x.requires_grad_(True)
    u = (x * x).detach()
    z = (u * x).sum()
    z.backward()
    return x.grad
""",
        text(
            "z.backward() on the x you were given writes into x.grad (and adds to a gradient that "
            "was already there). Work on a fresh leaf: x.detach().clone().requires_grad_(True).",
            "直接对传入的 x 做 z.backward() 会把梯度写进 x.grad（如果原来已有梯度还会累加上去）。"
            "请在新的叶子节点上计算：x.detach().clone().requires_grad_(True)。",
        ),
    ),
    Mutant(
        "returns u without detaching it",
        """
import torch

def detached_product_grad(x):
    return x * x
""",
        text(
            "The values x² are right, but x * x built from an x that requires grad is still part of "
            "a graph. Return a plain tensor (detached), as the gradient from autograd would be.",
            "x² 的数值没错，但如果 x 需要梯度，x * x 仍然在计算图中。请返回分离后的普通张量，"
            "就像自动求导给出的梯度那样。",
        ),
    ),
]


def _with_grad(x: torch.Tensor, grad: torch.Tensor) -> torch.Tensor:
    """A leaf requiring grad whose .grad already holds ``grad`` (left over from an earlier backward)."""
    leaf = x.detach().clone().requires_grad_(True)
    leaf.grad = grad.to(leaf.dtype).clone()
    return leaf


PUBLIC = [
    Case("x = [1, 2, 3] with requires_grad", (torch.tensor([1.0, 2.0, 3.0]).requires_grad_(True),)),
    Case("x without requires_grad", (torch.tensor([-2.0, 0.5]),)),
    Case(
        "x.grad already holds ones (must stay so)",
        (_with_grad(torch.tensor([[1.0, -1.0], [3.0, 0.0]]), torch.ones(2, 2)),),
    ),
]


def hidden(g: torch.Generator) -> list[Case]:
    n = rand_int(g, 5, 30)
    return [
        Case("random vector with requires_grad", (randn(g, n).requires_grad_(True),)),
        Case("random matrix with requires_grad", (randn(g, 4, 5).requires_grad_(True),)),
        Case("x without requires_grad", (randn(g, 6),)),
        Case("x.grad already set from an earlier backward", (_with_grad(randn(g, 7), randn(g, 7)),)),
        Case("float64 input", (randn(g, 3, 3, dtype=torch.float64).requires_grad_(True),)),
        Case(
            "float64 with x.grad already set",
            (_with_grad(randn(g, 5, dtype=torch.float64), randn(g, 5, dtype=torch.float64)),),
        ),
        Case("3-d tensor", (randn(g, 2, 3, 2).requires_grad_(True),)),
        Case("a single element", (randn(g, 1).requires_grad_(True),)),
        Case("an empty tensor", (torch.zeros(0, 4).requires_grad_(True),)),
        Case("large magnitudes (1e15)", (randn(g, 5, scale=1e15).requires_grad_(True),)),
    ]


EXERCISE = Exercise(
    slug="autograd.detached_product_grad",
    title=text("Gradient through a detached value", "梯度与 detach"),
    statement=text(
        """`t.detach()` returns a tensor with the same values as `t` that autograd treats as a
constant: no gradient flows back through it. Use it to compute, with autograd, the
gradient with respect to `x` of

    u = (x * x).detach()
    z = (u * x).sum()

Write `detached_product_grad(x)` that returns dz/dx, a tensor of the same shape and dtype
as `x` (`x` may have any shape; `*` is element-wise).

Because u counts as a constant, dz/dx = u = x², not 3x² as it would be for z = Σ x³.

Rules:
- Let autograd compute it: build z and call `z.backward()` or `torch.autograd.grad`.
- `x` may or may not require grad, and its `x.grad` may already hold a gradient. After the
  call, `x` and `x.grad` must be exactly as they were: work on a fresh leaf,
  `x.detach().clone().requires_grad_(True)`, not on the caller's `x`.
- Return a plain tensor that does not require grad.

Example: for `x = [1., 2., 3.]`, u = [1., 4., 9.] and the result is `[1., 4., 9.]`
(without the detach it would be `[3., 12., 27.]`).""",
        """`t.detach()` 返回一个与 `t` 数值相同、但被自动求导当作常数的张量：梯度不会经过它回传。
请利用它，用自动求导计算下面的 z 对 `x` 的梯度：

    u = (x * x).detach()
    z = (u * x).sum()

编写 `detached_product_grad(x)`，返回 dz/dx，形状和数据类型与 `x` 相同
（`x` 形状任意；`*` 是逐元素相乘）。

由于 u 被视为常数，dz/dx = u = x²，而不是 z = Σ x³ 时的 3x²。

要求：
- 让自动求导来计算：构造出 z，再调用 `z.backward()` 或 `torch.autograd.grad`。
- 传入的 `x` 可能需要梯度，也可能不需要；它的 `x.grad` 也可能已经存着梯度。调用结束后，
  `x` 和 `x.grad` 都必须保持原样：请在新的叶子节点 `x.detach().clone().requires_grad_(True)`
  上计算，而不是在调用者的 `x` 上。
- 返回一个不需要梯度的普通张量。

例子：`x = [1., 2., 3.]` 时，u = [1., 4., 9.]，结果为 `[1., 4., 9.]`
（如果没有 detach，结果会是 `[3., 12., 27.]`）。""",
    ),
    signature="detached_product_grad(x: Tensor) -> Tensor",
    starter="""import torch


def detached_product_grad(x: torch.Tensor) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
)
