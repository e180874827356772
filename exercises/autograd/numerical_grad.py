"""autograd.numerical_grad: central differences, checked against the exact gradient from autograd."""

import torch

from exercises._common import AUTOGRAD_BANS, rand_int, randn
from grader.exercise import Case, Comparison, Exercise, Mutant, text

FUNCTIONS = {
    "sum_sq": lambda x: (x**2).sum(),
    "sum_cube": lambda x: (x**3).sum(),
    "sum_sin": lambda x: torch.sin(x).sum(),
    "log_sum_exp": lambda x: torch.logsumexp(x, dim=0),
}


def reference(f_name: str, x: torch.Tensor, eps: float) -> torch.Tensor:
    """The exact gradient (autograd); ``eps`` only sets the tolerance of each case."""
    if f_name not in FUNCTIONS:
        raise ValueError(f"unknown function {f_name!r}")
    leaf = x.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(FUNCTIONS[f_name](leaf), leaf)
    return grad.detach()


def tolerance(eps: float) -> Comparison:
    """What a correct central difference can be off by: truncation ~eps² (|f'''|/6 <= 1 for these
    functions), rounding ~1e-16·|f|/eps. A forward difference is off by ~eps·|f''|/2."""
    return Comparison(rtol=1e-6, atol=2 * eps**2 + 1e-12 / eps)


SOLUTION = """
import torch

FUNCTIONS = {
    "sum_sq": lambda x: (x ** 2).sum(),
    "sum_cube": lambda x: (x ** 3).sum(),
    "sum_sin": lambda x: torch.sin(x).sum(),
    "log_sum_exp": lambda x: torch.logsumexp(x, dim=0),
}

def numerical_grad(f_name, x, eps):
    if f_name not in FUNCTIONS:
        raise ValueError(f"unknown function {f_name!r}")
    f = FUNCTIONS[f_name]
    grad = torch.zeros_like(x)
    for i in range(x.numel()):
        step = torch.zeros_like(x)
        step[i] = eps                   # eps * e_i
        grad[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad
"""

_FUNCTIONS_SOURCE = """
import torch

FUNCTIONS = {
    "sum_sq": lambda x: (x ** 2).sum(),
    "sum_cube": lambda x: (x ** 3).sum(),
    "sum_sin": lambda x: torch.sin(x).sum(),
    "log_sum_exp": lambda x: torch.logsumexp(x, dim=0),
}
"""

MUTANTS = [
    Mutant(
        "forward difference",
        _FUNCTIONS_SOURCE
        + """
def numerical_grad(f_name, x, eps):
    if f_name not in FUNCTIONS:
        raise ValueError(f"unknown function {f_name!r}")
    f = FUNCTIONS[f_name]
    grad = torch.zeros_like(x)
    for i in range(x.numel()):
        step = torch.zeros_like(x)
        step[i] = eps
        grad[i] = (f(x + step) - f(x)) / eps
    return grad
""",
        text(
            "(f(x + eps·e_i) − f(x)) / eps is a forward difference: its error shrinks only like "
            "eps. Use the central difference (f(x + eps·e_i) − f(x − eps·e_i)) / (2·eps), whose "
            "error shrinks like eps².",
            "(f(x + eps·e_i) − f(x)) / eps 是前向差分，误差只按 eps 的量级减小。请用中心差分 "
            "(f(x + eps·e_i) − f(x − eps·e_i)) / (2·eps)，它的误差按 eps² 的量级减小。",
        ),
    ),
    Mutant(
        "divides by eps instead of 2·eps",
        _FUNCTIONS_SOURCE
        + """
def numerical_grad(f_name, x, eps):
    if f_name not in FUNCTIONS:
        raise ValueError(f"unknown function {f_name!r}")
    f = FUNCTIONS[f_name]
    grad = torch.zeros_like(x)
    for i in range(x.numel()):
        step = torch.zeros_like(x)
        step[i] = eps
        grad[i] = (f(x + step) - f(x - step)) / eps
    return grad
""",
        text(
            "The two points x + eps·e_i and x − eps·e_i are 2·eps apart: divide the difference by "
            "2·eps, otherwise every entry comes out twice too large.",
            "x + eps·e_i 与 x − eps·e_i 两点相距 2·eps：差值要除以 2·eps，否则每个分量都会大一倍。",
        ),
    ),
    Mutant(
        "perturbs x in place without restoring it",
        _FUNCTIONS_SOURCE
        + """
def numerical_grad(f_name, x, eps):
    if f_name not in FUNCTIONS:
        raise ValueError(f"unknown function {f_name!r}")
    f = FUNCTIONS[f_name]
    grad = torch.zeros_like(x)
    for i in range(x.numel()):
        x[i] += eps
        f_plus = f(x)
        x[i] -= 2 * eps
        f_minus = f(x)
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad
""",
        text(
            "x[i] += eps changes the caller's tensor, and after the loop x is left shifted. Build "
            "the perturbed points as new tensors (x + step, x - step) or work on x.clone().",
            "x[i] += eps 修改的是调用者的张量，循环结束后 x 已经被挪动了。请把扰动后的点作为新张量构造"
            "（x + step、x - step），或在 x.clone() 上操作。",
        ),
    ),
    Mutant(
        "perturbs all coordinates at once",
        _FUNCTIONS_SOURCE
        + """
def numerical_grad(f_name, x, eps):
    if f_name not in FUNCTIONS:
        raise ValueError(f"unknown function {f_name!r}")
    f = FUNCTIONS[f_name]
    grad = torch.zeros_like(x)
    for i in range(x.numel()):
        grad[i] = (f(x + eps) - f(x - eps)) / (2 * eps)
    return grad
""",
        text(
            "x + eps moves every coordinate at once, which measures the sum of all partial "
            "derivatives. For entry i move only coordinate i: x + eps·e_i, where e_i is zero "
            "except for a 1 at position i.",
            "x + eps 会同时挪动所有坐标，测到的是全部偏导数之和。计算第 i 个分量时只挪动第 i 个坐标："
            "x + eps·e_i，其中 e_i 除第 i 个位置为 1 外全为 0。",
        ),
    ),
    Mutant(
        "log_sum_exp computed as log(exp(x).sum())",
        """
import torch

FUNCTIONS = {
    "sum_sq": lambda x: (x ** 2).sum(),
    "sum_cube": lambda x: (x ** 3).sum(),
    "sum_sin": lambda x: torch.sin(x).sum(),
    "log_sum_exp": lambda x: torch.log(torch.exp(x).sum()),
}

def numerical_grad(f_name, x, eps):
    if f_name not in FUNCTIONS:
        raise ValueError(f"unknown function {f_name!r}")
    f = FUNCTIONS[f_name]
    grad = torch.zeros_like(x)
    for i in range(x.numel()):
        step = torch.zeros_like(x)
        step[i] = eps
        grad[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad
""",
        text(
            "exp(x) overflows to inf once x is above ~709 (float64), and inf − inf is NaN. Use "
            "torch.logsumexp, or subtract the maximum first: m + log(Σ exp(x − m)).",
            "x 超过约 709（float64）时 exp(x) 会溢出为 inf，而 inf − inf 得到 NaN。"
            "请用 torch.logsumexp，或先减去最大值：m + log(Σ exp(x − m))。",
        ),
    ),
    Mutant(
        "unknown name raises KeyError",
        _FUNCTIONS_SOURCE
        + """
def numerical_grad(f_name, x, eps):
    f = FUNCTIONS[f_name]
    grad = torch.zeros_like(x)
    for i in range(x.numel()):
        step = torch.zeros_like(x)
        step[i] = eps
        grad[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad
""",
        text(
            "Looking up an unknown name in a dict raises KeyError; the statement asks for a "
            "ValueError. Check `f_name in ...` first and raise ValueError yourself.",
            "在字典里查找不存在的名字会抛出 KeyError，而题目要求抛出 ValueError。"
            "请先检查 `f_name in ...`，再自己 raise ValueError。",
        ),
    ),
]


def _f64(values: list[float]) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float64)


def _case(name: str, f_name: str, x: torch.Tensor, eps: float) -> Case:
    return Case(name, (f_name, x, eps), comparison=tolerance(eps))


PUBLIC = [
    _case("sum_sq at [1, 2, 3], eps = 1e-3", "sum_sq", _f64([1.0, 2.0, 3.0]), 1e-3),
    _case("log_sum_exp at [0, 0], eps = 1e-3", "log_sum_exp", _f64([0.0, 0.0]), 1e-3),
    _case("sum_cube at [1, -2], eps = 1e-2", "sum_cube", _f64([1.0, -2.0]), 1e-2),
    _case("an unknown function name", "sum_abs", _f64([1.0, 2.0]), 1e-3),
]


def hidden(g: torch.Generator) -> list[Case]:
    f64 = torch.float64
    return [
        _case("sum_sq, eps = 1e-2", "sum_sq", randn(g, rand_int(g, 3, 10), dtype=f64), 1e-2),
        _case("sum_cube, eps = 1e-2", "sum_cube", randn(g, rand_int(g, 3, 10), dtype=f64), 1e-2),
        _case("sum_sin, eps = 1e-2", "sum_sin", randn(g, rand_int(g, 3, 10), dtype=f64, scale=2.0), 1e-2),
        _case("log_sum_exp, eps = 1e-2", "log_sum_exp", randn(g, rand_int(g, 2, 6), dtype=f64), 1e-2),
        _case("log_sum_exp, eps = 1e-3", "log_sum_exp", randn(g, rand_int(g, 3, 10), dtype=f64), 1e-3),
        _case("sum_cube, eps = 1e-4", "sum_cube", randn(g, 6, dtype=f64, scale=2.0), 1e-4),
        _case("sum_sq, small eps = 1e-6", "sum_sq", randn(g, 5, dtype=f64), 1e-6),
        _case("a single coordinate", "sum_cube", randn(g, 1, dtype=f64), 1e-2),
        _case("a longer vector (50)", "sum_sin", randn(g, 50, dtype=f64), 1e-3),
        _case("log_sum_exp with large entries (~1000)", "log_sum_exp", randn(g, 5, dtype=f64) + 1000.0, 1e-3),
        _case(
            "log_sum_exp with very negative entries (~-1000)",
            "log_sum_exp",
            randn(g, 4, dtype=f64) - 1000.0,
            1e-3,
        ),
        _case("an unknown function name", "mean_sq", randn(g, 3, dtype=f64), 1e-3),
    ]


EXERCISE = Exercise(
    slug="autograd.numerical_grad",
    title=text("Numerical gradient by central differences", "用中心差分求数值梯度"),
    statement=text(
        """Before trusting a gradient you derived by hand, you can check it numerically. For a
function f of a vector x, the central difference approximates each partial derivative:

    df/dx_i ≈ (f(x + eps·e_i) − f(x − eps·e_i)) / (2·eps)

where e_i is the vector that is 0 everywhere except for a 1 at position i.

Write `numerical_grad(f_name, x, eps)` that returns this approximation of the gradient of the
function named `f_name` at the point `x`, one entry per coordinate. The names are:

    "sum_sq"       f(x) = Σ x_i²
    "sum_cube"     f(x) = Σ x_i³
    "sum_sin"      f(x) = Σ sin(x_i)
    "log_sum_exp"  f(x) = log Σ exp(x_i)

- `x` is a 1-D float64 tensor with at least one entry; `eps > 0` is a float. Return a tensor of
  the same shape and dtype as `x`.
- For any other name, raise `ValueError`.
- `log_sum_exp` must work for entries around ±1000: compute it stably (`torch.logsumexp`,
  or subtract the maximum before `exp`).
- Do not change `x`: perturb copies (`x + step`), not `x` itself.
- Only evaluate f: autograd (`.backward()`, `torch.autograd`) is not allowed here, since the
  point is to check gradients without it.
- Your result is compared with the exact gradient (from autograd), with a tolerance that
  fits eps: about 2·eps² (the error of a central difference) plus rounding error. A forward
  difference (f(x + eps·e_i) − f(x)) / eps is only accurate to about eps, which is not enough.

Example: `numerical_grad("sum_sq", [1., 2., 3.], 1e-3)` is `[2., 4., 6.]` (up to rounding);
`numerical_grad("sum_cube", [1., -2.], 1e-2)` gives `[3.0001, 12.0001]`, close enough to the
exact `[3., 12.]`; `numerical_grad("log_sum_exp", [0., 0.], 1e-3)` is about `[0.5, 0.5]`.""",
        """在相信自己手推的梯度之前，可以先用数值方法检验一下。对于以向量 x 为自变量的函数 f，
中心差分这样近似每个偏导数：

    df/dx_i ≈ (f(x + eps·e_i) − f(x − eps·e_i)) / (2·eps)

其中 e_i 是除第 i 个位置为 1 外其余全为 0 的向量。

编写 `numerical_grad(f_name, x, eps)`：返回名为 `f_name` 的函数在点 `x` 处梯度的上述近似，
每个坐标对应一个分量。可用的函数名如下：

    "sum_sq"       f(x) = Σ x_i²
    "sum_cube"     f(x) = Σ x_i³
    "sum_sin"      f(x) = Σ sin(x_i)
    "log_sum_exp"  f(x) = log Σ exp(x_i)

- `x` 是至少含一个元素的一维 float64 张量；`eps > 0` 是浮点数。返回与 `x` 形状、数据类型相同的张量。
- 遇到其他名字时，抛出 `ValueError`。
- `log_sum_exp` 在元素约为 ±1000 时也必须能正确计算：请用数值稳定的写法（`torch.logsumexp`，
  或先减去最大值再取 `exp`）。
- 不要修改 `x`：请对副本做扰动（`x + step`），而不是改动 `x` 本身。
- 只能计算函数值：本题不允许使用自动求导（`.backward()`、`torch.autograd`），
  因为本题的目的正是不借助它来检验梯度。
- 你的结果会与精确梯度（由自动求导算出）比较，容差与 eps 相匹配：大约 2·eps²
  （中心差分本身的误差）再加上舍入误差。前向差分 (f(x + eps·e_i) − f(x)) / eps 的精度只有
  eps 量级，达不到要求。

例子：`numerical_grad("sum_sq", [1., 2., 3.], 1e-3)` 为 `[2., 4., 6.]`（仅有舍入误差）；
`numerical_grad("sum_cube", [1., -2.], 1e-2)` 得到 `[3.0001, 12.0001]`，与精确值 `[3., 12.]`
足够接近；`numerical_grad("log_sum_exp", [0., 0.], 1e-3)` 约为 `[0.5, 0.5]`。""",
    ),
    signature="numerical_grad(f_name: str, x: Tensor, eps: float) -> Tensor",
    bans=AUTOGRAD_BANS,
    starter="""import torch


def numerical_grad(f_name: str, x: torch.Tensor, eps: float) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
)
