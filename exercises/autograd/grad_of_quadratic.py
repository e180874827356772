"""autograd.grad_of_quadratic: the gradient of y = 2·xᵀx through autograd, without touching x.grad."""

import torch

from exercises._common import rand_int, randn
from grader.exercise import Case, Exercise, Mutant, text


def reference(x: torch.Tensor) -> torch.Tensor:
    leaf = x.detach().clone().requires_grad_(True)
    y = 2 * torch.dot(leaf, leaf)
    (grad,) = torch.autograd.grad(y, leaf)
    return grad.detach()


SOLUTION = """
import torch

def grad_of_quadratic(x):
    x = x.detach().clone().requires_grad_(True)   # a fresh leaf: the caller's x stays untouched
    y = 2 * torch.dot(x, x)
    y.backward()
    return x.grad
"""

MUTANTS = [
    Mutant(
        "backward on the caller's x",
        """
import torch

def grad_of_quadratic(x):
    y = 2 * torch.dot(x, x)
    y.backward()
    return x.grad
""",
        text(
            "y.backward() on the x you were given writes into x.grad (and adds to whatever was "
            "already there, or fails when x does not require grad). Work on a copy: "
            "x.detach().clone().requires_grad_(True).",
            "直接对传入的 x 调用 y.backward() 会把梯度写进 x.grad（如果 x.grad 原来就有值，还会累加上去；"
            "如果 x 不需要梯度，则会直接报错）。请在副本上计算：x.detach().clone().requires_grad_(True)。",
        ),
    ),
    Mutant(
        "clone() without detach()",
        """
import torch

def grad_of_quadratic(x):
    x = x.clone().requires_grad_(True)
    y = 2 * torch.dot(x, x)
    y.backward()
    return x.grad
""",
        text(
            "x.clone() of a tensor that requires grad is not a leaf: it stays connected to the "
            "original, so backward() fills the original x.grad and the clone's .grad is None. "
            "Call .detach() before .clone().",
            "对需要梯度的张量调用 x.clone() 得到的不是叶子节点：它仍与原来的 x 相连，"
            "backward() 会把梯度写进原来的 x.grad，而副本的 .grad 是 None。请先 .detach() 再 .clone()。",
        ),
    ),
    Mutant(
        "forgot the factor 2",
        """
import torch

def grad_of_quadratic(x):
    x = x.detach().clone().requires_grad_(True)
    y = torch.dot(x, x)
    y.backward()
    return x.grad
""",
        text(
            "The function is y = 2·xᵀx, not xᵀx: keep the factor 2 in front (the gradient is 4x).",
            "函数是 y = 2·xᵀx，而不是 xᵀx：别漏掉前面的系数 2（梯度应为 4x）。",
        ),
    ),
    Mutant(
        "result still attached to the graph",
        """
import torch

def grad_of_quadratic(x):
    x = x.detach().clone().requires_grad_(True)
    y = 2 * torch.dot(x, x)
    (grad,) = torch.autograd.grad(y, x, create_graph=True)
    return grad
""",
        text(
            "With create_graph=True the gradient is itself part of a graph and requires grad. "
            "Return a plain tensor: drop create_graph or call .detach() on the result.",
            "使用 create_graph=True 时，得到的梯度本身也在计算图中、需要梯度。"
            "请返回普通张量：去掉 create_graph，或对结果调用 .detach()。",
        ),
    ),
]


def _leaf(values: list[float], dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.tensor(values, dtype=dtype).requires_grad_(True)


def _with_grad(x: torch.Tensor, grad: torch.Tensor) -> torch.Tensor:
    """A leaf requiring grad whose .grad already holds ``grad`` (left over from an earlier backward)."""
    leaf = x.detach().clone().requires_grad_(True)
    leaf.grad = grad.to(leaf.dtype).clone()
    return leaf


PUBLIC = [
    Case("x = [1, 2, 3] with requires_grad", (_leaf([1.0, 2.0, 3.0]),)),
    Case(
        "x.grad already holds [10, 10] (must stay so)",
        (_with_grad(torch.tensor([0.5, -1.0]), torch.tensor([10.0, 10.0])),),
    ),
    Case("x without requires_grad", (torch.tensor([2.0, 0.0, -3.0, 1.5]),)),
]


def hidden(g: torch.Generator) -> list[Case]:
    n = rand_int(g, 5, 40)
    return [
        Case("random vector with requires_grad", (randn(g, 8).requires_grad_(True),)),
        Case("random length with requires_grad", (randn(g, n).requires_grad_(True),)),
        Case("x.grad already set from an earlier backward", (_with_grad(randn(g, 6), randn(g, 6)),)),
        Case("x.grad already holds ones", (_with_grad(randn(g, n), torch.ones(n)),)),
        Case("x without requires_grad", (randn(g, 7),)),
        Case("float64 input", (randn(g, 9, dtype=torch.float64).requires_grad_(True),)),
        Case(
            "float64 with x.grad already set",
            (_with_grad(randn(g, 5, dtype=torch.float64), randn(g, 5, dtype=torch.float64)),),
        ),
        Case("a single element", (randn(g, 1).requires_grad_(True),)),
        Case("an empty vector", (torch.zeros(0).requires_grad_(True),)),
        Case("large magnitudes (1e30)", (randn(g, 6, scale=1e30).requires_grad_(True),)),
        Case("tiny magnitudes (1e-30)", (randn(g, 6, scale=1e-30).requires_grad_(True),)),
    ]


EXERCISE = Exercise(
    slug="autograd.grad_of_quadratic",
    title=text("Gradient of a quadratic with autograd", "用自动求导计算二次函数的梯度"),
    statement=text(
        """Write `grad_of_quadratic(x)` that uses PyTorch's automatic differentiation to compute
the gradient of

    y = 2 · xᵀx        (x is a 1-D tensor, y is a scalar)

at the point `x`, and returns it as a tensor of the same shape and dtype as `x`.

(By hand the answer is 4x — check your result against it, but let autograd do the work:
mark a tensor with `requires_grad_(True)`, build y from it, call `y.backward()` or
`torch.autograd.grad`.)

Rules:
- `x` may or may not require grad, and its `x.grad` may already hold a gradient left over
  from an earlier `backward()`. After your function returns, `x` and `x.grad` must be exactly
  as they were: `backward()` on the caller's `x` would write into (and add to) `x.grad`.
  Work on a fresh leaf: `x.detach().clone().requires_grad_(True)`.
- Return a plain tensor that does not require grad (detached from any graph).

Example: for `x = [1., 2., 3.]`, y = 2·(1 + 4 + 9) = 28 and the result is `[4., 8., 12.]`.
If `x.grad` was `[10., 10.]` before the call, it is still `[10., 10.]` afterwards.""",
        """编写 `grad_of_quadratic(x)`：利用 PyTorch 的自动求导，计算函数

    y = 2 · xᵀx        （x 是一维张量，y 是标量）

在点 `x` 处的梯度，并以与 `x` 形状、数据类型相同的张量返回。

（手算可知答案是 4x，可以用它来检验结果；但请让自动求导来完成计算：把张量标记为
`requires_grad_(True)`，用它算出 y，再调用 `y.backward()` 或 `torch.autograd.grad`。）

要求：
- 传入的 `x` 可能需要梯度，也可能不需要；它的 `x.grad` 里也可能已经存着之前某次 `backward()`
  留下的梯度。函数返回后，`x` 和 `x.grad` 都必须保持原样：如果对调用者的 `x` 直接调用
  `backward()`，梯度会被写进（并累加到）`x.grad`。请在一个新的叶子节点上计算：
  `x.detach().clone().requires_grad_(True)`。
- 返回一个不需要梯度的普通张量（已从计算图中分离）。

例子：`x = [1., 2., 3.]` 时，y = 2·(1 + 4 + 9) = 28，结果为 `[4., 8., 12.]`。
若调用前 `x.grad` 是 `[10., 10.]`，调用后它仍应是 `[10., 10.]`。""",
    ),
    signature="grad_of_quadratic(x: Tensor) -> Tensor",
    starter="""import torch


def grad_of_quadratic(x: torch.Tensor) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
)
