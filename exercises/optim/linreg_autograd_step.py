"""optim.linreg_autograd_step: one gradient step of linear regression, gradients from autograd."""

import torch

from exercises._common import rand_int, randn
from grader.exercise import Case, Exercise, Mutant, text


def reference(
    w: torch.Tensor, b: torch.Tensor, X: torch.Tensor, y: torch.Tensor, lr: float
) -> tuple[torch.Tensor, torch.Tensor]:
    w_ = w.detach().clone().requires_grad_(True)
    b_ = b.detach().clone().requires_grad_(True)
    loss = ((X @ w_ + b_ - y.reshape(-1, 1)) ** 2).mean() / 2
    grad_w, grad_b = torch.autograd.grad(loss, (w_, b_))
    with torch.no_grad():
        return w_ - lr * grad_w, b_ - lr * grad_b


SOLUTION = """
import torch

def linreg_autograd_step(w, b, X, y, lr):
    w = w.detach().clone().requires_grad_(True)
    b = b.detach().clone().requires_grad_(True)
    y_hat = X @ w + b
    loss = ((y_hat - y.reshape(y_hat.shape)) ** 2).mean() / 2
    loss.backward()
    with torch.no_grad():
        return w - lr * w.grad, b - lr * b.grad
"""


def _variant(
    loss: str = "((y_hat - y.reshape(y_hat.shape)) ** 2).mean() / 2",
    update: str = "return w - lr * w.grad, b - lr * b.grad",
) -> str:
    return f"""
import torch

def linreg_autograd_step(w, b, X, y, lr):
    w = w.detach().clone().requires_grad_(True)
    b = b.detach().clone().requires_grad_(True)
    y_hat = X @ w + b
    loss = {loss}
    loss.backward()
    with torch.no_grad():
        {update}
"""


MUTANTS = [
    Mutant(
        "forgets the 1/2 in the loss",
        _variant(loss="((y_hat - y.reshape(y_hat.shape)) ** 2).mean()"),
        text(
            "The loss here is half the mean squared error: mean(...)/2. Without the 1/2 every "
            "gradient is twice as large.",
            "本题的损失是均方误差的一半：mean(...)/2。少了 1/2，所有梯度都会变成两倍。",
        ),
    ),
    Mutant(
        "sum instead of mean (forgets 1/N)",
        _variant(loss="((y_hat - y.reshape(y_hat.shape)) ** 2).sum() / 2"),
        text(
            "Average the squared errors over the N samples (.mean()), then halve; .sum() makes "
            "the step N times too long.",
            "要对 N 个样本的误差平方取平均（.mean()）再除以 2；用 .sum() 会让这一步长了 N 倍。",
        ),
    ),
    Mutant(
        "y not reshaped: (N, 1) − (N,) broadcasts to (N, N)",
        _variant(loss="((y_hat - y) ** 2).mean() / 2"),
        text(
            "X @ w has shape (N, 1) but y has shape (N,): their difference broadcasts to an "
            "(N, N) matrix. Reshape y to (N, 1) first (y.reshape(-1, 1)).",
            "X @ w 的形状是 (N, 1)，而 y 是 (N,)：两者相减会广播成 (N, N) 的矩阵。"
            "请先把 y 变成 (N, 1)（y.reshape(-1, 1)）。",
        ),
    ),
    Mutant(
        "sign slip: w + lr * grad",
        _variant(update="return w + lr * w.grad, b + lr * b.grad"),
        text(
            "Gradient DEscent moves against the gradient: w − lr·∂L/∂w.",
            "梯度下降要逆着梯度走：w − lr·∂L/∂w。",
        ),
    ),
    Mutant(
        "results still require grad (update outside no_grad)",
        """
import torch

def linreg_autograd_step(w, b, X, y, lr):
    w = w.detach().clone().requires_grad_(True)
    b = b.detach().clone().requires_grad_(True)
    y_hat = X @ w + b
    loss = ((y_hat - y.reshape(y_hat.shape)) ** 2).mean() / 2
    loss.backward()
    return w - lr * w.grad, b - lr * b.grad
""",
        text(
            "w - lr * w.grad computed with grad enabled is part of the autograd graph and "
            "requires grad. Do the update under `with torch.no_grad():` or detach the results.",
            "在求导开启时计算 w - lr * w.grad，结果会挂在计算图上并 requires_grad。"
            "请在 `with torch.no_grad():` 里更新，或者对结果 detach。",
        ),
    ),
    Mutant(
        "d2l-style in-place update of the caller's w and b",
        """
import torch

def linreg_autograd_step(w, b, X, y, lr):
    w.requires_grad_(True)
    b.requires_grad_(True)
    y_hat = X @ w + b
    loss = ((y_hat - y.reshape(y_hat.shape)) ** 2).mean() / 2
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
    return w.detach().clone(), b.detach().clone()
""",
        text(
            "`w -= ...` changes the caller's tensor (and backward() leaves a .grad on it). Work "
            "on copies: w.detach().clone().requires_grad_(True), and return new tensors.",
            "`w -= ...` 会改写调用者的张量（backward() 还会在它上面留下 .grad）。请在副本上操作："
            "w.detach().clone().requires_grad_(True)，并返回新的张量。",
        ),
    ),
    Mutant(
        "enables grad on the caller's tensors (leaves .grad on them)",
        """
import torch

def linreg_autograd_step(w, b, X, y, lr):
    w.requires_grad_(True)
    b.requires_grad_(True)
    y_hat = X @ w + b
    loss = ((y_hat - y.reshape(y_hat.shape)) ** 2).mean() / 2
    loss.backward()
    return (w - lr * w.grad).detach(), (b - lr * b.grad).detach()
""",
        text(
            "w.requires_grad_() switches on grad for the caller's own tensor, and backward() "
            "then stores a .grad on it. Enable grad on a copy instead: "
            "w.detach().clone().requires_grad_(True).",
            "w.requires_grad_() 打开的是调用者自己张量的求导开关，backward() 随后会在它上面留下 .grad。"
            "请在副本上开启求导：w.detach().clone().requires_grad_(True)。",
        ),
    ),
    Mutant(
        "returns b as a Python float (.item())",
        _variant(update="return w - lr * w.grad, (b - lr * b.grad).item()"),
        text(
            "b is a tensor of shape (1,), and so is the new b: return the tensor, not a Python number.",
            "b 是形状为 (1,) 的张量，新的 b 也应该是：返回张量，而不是 Python 数字。",
        ),
    ),
]


def problem(
    g: torch.Generator,
    n: int,
    d: int,
    noise: float = 0.1,
    x_scale: float = 1.0,
    dtype: torch.dtype = torch.float32,
) -> tuple[torch.Tensor, ...]:
    """(w, b, X, y): a start point and data from a random true line plus noise."""
    X = randn(g, n, d, dtype=torch.float64, scale=x_scale)
    true_w, true_b = randn(g, d, 1, dtype=torch.float64), randn(g, 1, dtype=torch.float64)
    y = (X @ true_w + true_b).reshape(-1) + noise * randn(g, n, dtype=torch.float64)
    w, b = randn(g, d, 1, dtype=torch.float64, scale=0.5), randn(g, 1, dtype=torch.float64)
    return tuple(t.to(dtype) for t in (w, b, X, y))


PUBLIC = [
    Case(
        "3 samples, 2 features, start at zero, lr = 0.1",
        (
            torch.zeros(2, 1),
            torch.zeros(1),
            torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]),
            torch.tensor([1.0, 2.0, 3.0]),
            0.1,
        ),
    ),
    Case(
        "4 samples, 1 feature, lr = 0.5",
        (
            torch.tensor([[1.0]]),
            torch.tensor([0.5]),
            torch.tensor([[0.0], [1.0], [2.0], [3.0]]),
            torch.tensor([1.0, 2.0, 5.0, 4.0]),
            0.5,
        ),
    ),
]


def hidden(g: torch.Generator) -> list[Case]:
    n, d = rand_int(g, 10, 30), rand_int(g, 2, 4)
    X = randn(g, 50, 2)
    d2l_y = X @ torch.tensor([2.0, -3.4]) + 4.2 + 0.01 * randn(g, 50)
    exact_X = randn(g, 8, 3)
    exact_w, exact_b = randn(g, 3, 1), randn(g, 1)
    return [
        Case("random data, 10-30 samples, 2-4 features", (*problem(g, n, d), 0.05)),
        Case(
            "d2l synthetic data (w = [2, -3.4], b = 4.2), lr = 0.03",
            (0.01 * randn(g, 2, 1), torch.zeros(1), X, d2l_y, 0.03),
        ),
        Case("float64 tensors", (*problem(g, 20, 3, dtype=torch.float64), 0.1)),
        Case("a single feature (d = 1)", (*problem(g, 15, 1), 0.2)),
        Case("a single sample (N = 1)", (*problem(g, 1, 3), 0.1)),
        Case("a large learning rate (lr = 1)", (*problem(g, 12, 2), 1.0)),
        Case("features of magnitude 10, small lr", (*problem(g, 25, 3, x_scale=10.0), 1e-3)),
        Case("many samples (N = 1000)", (*problem(g, 1000, 4), 0.1)),
        Case(
            "already at the optimum (zero gradient)",
            (exact_w, exact_b, exact_X, (exact_X @ exact_w + exact_b).reshape(-1), 0.1),
        ),
        Case("noisy targets, more features than samples", (*problem(g, 3, 6, noise=2.0), 0.05)),
    ]


EXERCISE = Exercise(
    slug="optim.linreg_autograd_step",
    title=text("A linear-regression step with autograd", "用自动求导做一步线性回归"),
    statement=text(
        """Linear regression predicts ŷ = X·w + b. Write `linreg_autograd_step(w, b, X, y, lr)` that
makes one step of gradient descent on the loss

    L = mean((X·w + b − y)²) / 2

with the gradients computed by **autograd** (no hand-derived formulas needed), and returns
the new `(w, b)`.

- `X` has shape (N, d) (N samples, d features), `w` has shape (d, 1), `b` has shape (1,),
  `y` has shape (N,). All are float tensors of one dtype (float32 or float64); `lr` is a float.
- Careful with shapes: `X @ w + b` has shape (N, 1) while `y` has shape (N,). Subtracting them
  directly broadcasts to an (N, N) matrix; reshape `y` to (N, 1) first.
- `w` and `b` come in as plain tensors (they do not require grad) and must come back
  unchanged, with no `.grad` on them. Make copies that require grad
  (`w.detach().clone().requires_grad_(True)`), compute the loss, call `backward()`, and update
  the copies: new_w = w − lr·∂L/∂w, new_b = b − lr·∂L/∂b.
- Return `(new_w, new_b)`: tensors with the shapes and dtype of `w` and `b` that do NOT
  require grad (update under `torch.no_grad()` or detach).

Example: `X = [[1, 0], [0, 1], [1, 1]]`, `y = [1, 2, 3]`, `w = [[0], [0]]`, `b = [0]`,
`lr = 0.1`. The prediction is 0 everywhere, the errors ŷ − y are −1, −2, −3, so
∂L/∂w = Xᵀ(ŷ − y)/3 = [[−4/3], [−5/3]] and ∂L/∂b = −2; the step returns
`w = [[0.1333], [0.1667]]`, `b = [0.2]`.

Results are compared with the default tolerances of the dtype.""",
        """线性回归的预测为 ŷ = X·w + b。编写 `linreg_autograd_step(w, b, X, y, lr)`，对损失

    L = mean((X·w + b − y)²) / 2

做一步梯度下降，梯度用**自动求导**得到（不需要自己推公式），返回新的 `(w, b)`。

- `X` 的形状是 (N, d)（N 个样本、d 个特征），`w` 是 (d, 1)，`b` 是 (1,)，`y` 是 (N,)。
  它们都是同一种浮点类型（float32 或 float64）；`lr` 是浮点数。
- 注意形状：`X @ w + b` 的形状是 (N, 1)，而 `y` 是 (N,)。直接相减会广播成 (N, N) 的矩阵；
  请先把 `y` 变成 (N, 1)。
- 传入的 `w`、`b` 是普通张量（不需要梯度），调用结束后必须保持原样，身上也不能留下 `.grad`。
  请先复制出需要梯度的副本（`w.detach().clone().requires_grad_(True)`），计算损失，调用
  `backward()`，再更新副本：new_w = w − lr·∂L/∂w，new_b = b − lr·∂L/∂b。
- 返回 `(new_w, new_b)`：形状、数据类型与 `w`、`b` 相同，并且**不** requires_grad 的张量
  （在 `torch.no_grad()` 下更新，或者使用 detach）。

例子：`X = [[1, 0], [0, 1], [1, 1]]`，`y = [1, 2, 3]`，`w = [[0], [0]]`，`b = [0]`，`lr = 0.1`。
预测值全为 0，误差 ŷ − y 为 −1、−2、−3，所以 ∂L/∂w = Xᵀ(ŷ − y)/3 = [[−4/3], [−5/3]]，
∂L/∂b = −2；走一步后返回 `w = [[0.1333], [0.1667]]`，`b = [0.2]`。

结果按该数据类型的默认容差比较。""",
    ),
    signature="linreg_autograd_step(w: Tensor, b: Tensor, X: Tensor, y: Tensor, "
    "lr: float) -> tuple[Tensor, Tensor]",
    starter="""import torch


def linreg_autograd_step(w: torch.Tensor, b: torch.Tensor, X: torch.Tensor, y: torch.Tensor,
                         lr: float) -> tuple[torch.Tensor, torch.Tensor]:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
)
