"""optim.step_gradient: one batch gradient-descent step for the line y = w·x + b under MSE."""

import torch

from exercises._common import rand_int
from exercises.optim._points import line_points, uniform
from grader.exercise import Case, Comparison, Exercise, Mutant, text


def reference(b: float, w: float, points: torch.Tensor, lr: float) -> tuple[float, float]:
    p = points.to(torch.float64)
    x, y = p[:, 0], p[:, 1]
    error = y - (w * x + b)
    grad_b = -2.0 * error.mean()
    grad_w = -2.0 * (x * error).mean()
    return float(b - lr * grad_b), float(w - lr * grad_w)


SOLUTION = """
import torch

def step_gradient(b, w, points, lr):
    x = points[:, 0]
    y = points[:, 1]
    n = len(points)
    error = y - (w * x + b)
    grad_b = -(2 / n) * error.sum()
    grad_w = -(2 / n) * (x * error).sum()
    return float(b - lr * grad_b), float(w - lr * grad_w)
"""

MUTANTS = [
    Mutant(
        "forgets the factor 2",
        """
def step_gradient(b, w, points, lr):
    x = points[:, 0]
    y = points[:, 1]
    error = y - (w * x + b)
    grad_b = -error.mean()
    grad_w = -(x * error).mean()
    return float(b - lr * grad_b), float(w - lr * grad_w)
""",
        text(
            "Differentiate the square: d/db (e²) = 2·e·(de/db). The factor 2 stays in both gradients.",
            "对平方求导：d/db (e²) = 2·e·(de/db)。两个梯度里都要保留系数 2。",
        ),
    ),
    Mutant(
        "forgets the 1/N (sums instead of averaging)",
        """
def step_gradient(b, w, points, lr):
    x = points[:, 0]
    y = points[:, 1]
    error = y - (w * x + b)
    grad_b = -2 * error.sum()
    grad_w = -2 * (x * error).sum()
    return float(b - lr * grad_b), float(w - lr * grad_w)
""",
        text(
            "The loss is a MEAN over the N points, so its gradient is a mean too: divide the sums by N.",
            "损失是对 N 个点取的平均，梯度也同样要平均：求和之后除以 N。",
        ),
    ),
    Mutant(
        "gradient sign slip (climbs the loss)",
        """
def step_gradient(b, w, points, lr):
    x = points[:, 0]
    y = points[:, 1]
    n = len(points)
    error = y - (w * x + b)
    grad_b = (2 / n) * error.sum()
    grad_w = (2 / n) * (x * error).sum()
    return float(b - lr * grad_b), float(w - lr * grad_w)
""",
        text(
            "With e = y − (w·x + b), de/db = −1 and de/dw = −x: both gradients carry a minus "
            "sign. Check that one step makes the error smaller.",
            "令 e = y − (w·x + b)，则 de/db = −1，de/dw = −x：两个梯度前面都有负号。"
            "可以检查一下：走一步之后误差应该变小。",
        ),
    ),
    Mutant(
        "missing parentheses: y - w*x + b",
        """
def step_gradient(b, w, points, lr):
    x = points[:, 0]
    y = points[:, 1]
    n = len(points)
    error = y - w * x + b
    grad_b = -(2 / n) * error.sum()
    grad_w = -(2 / n) * (x * error).sum()
    return float(b - lr * grad_b), float(w - lr * grad_w)
""",
        text(
            "The error is y minus the whole prediction: y - (w*x + b). Without parentheses b is "
            "added instead of subtracted.",
            "误差是 y 减去整个预测值：y - (w*x + b)。少了括号，b 就被加上而不是减去。",
        ),
    ),
    Mutant(
        "w's gradient computed with the already updated b",
        """
def step_gradient(b, w, points, lr):
    n = len(points)
    grad_b = 0.0
    for i in range(n):
        x, y = points[i, 0], points[i, 1]
        grad_b += -(2 / n) * (y - (w * x + b))
    b = b - lr * grad_b
    grad_w = 0.0
    for i in range(n):
        x, y = points[i, 0], points[i, 1]
        grad_w += -(2 / n) * x * (y - (w * x + b))
    w = w - lr * grad_w
    return float(b), float(w)
""",
        text(
            "Both gradients must be taken at the SAME point (the old b and w). Compute both "
            "first, then update both.",
            "两个梯度都要在同一个点（旧的 b 和 w）上求。先把两个梯度都算出来，再同时更新。",
        ),
    ),
    Mutant(
        "w's gradient misses the factor x",
        """
def step_gradient(b, w, points, lr):
    x = points[:, 0]
    y = points[:, 1]
    error = y - (w * x + b)
    grad_b = -2 * error.mean()
    grad_w = -2 * error.mean()
    return float(b - lr * grad_b), float(w - lr * grad_w)
""",
        text(
            "Chain rule: the prediction w·x + b changes by x when w grows by 1, so each term of "
            "the w gradient is multiplied by its xᵢ.",
            "链式法则：w 增加 1 时，预测值 w·x + b 变化 x，所以 w 的梯度里每一项都要乘上对应的 xᵢ。",
        ),
    ),
    Mutant(
        "returns (new_w, new_b)",
        """
def step_gradient(b, w, points, lr):
    x = points[:, 0]
    y = points[:, 1]
    error = y - (w * x + b)
    grad_b = -2 * error.mean()
    grad_w = -2 * (x * error).mean()
    return float(w - lr * grad_w), float(b - lr * grad_b)
""",
        text(
            "Return the pair in the order of the signature: (new_b, new_w).",
            "按签名的顺序返回：(new_b, new_w)。",
        ),
    ),
]


PUBLIC = [
    Case(
        "three points, start at b = w = 0, lr = 0.1",
        (0.0, 0.0, torch.tensor([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]]), 0.1),
    ),
    Case(
        "four points, b = 1, w = 1, lr = 0.01",
        (1.0, 1.0, torch.tensor([[0.0, 1.0], [1.0, 3.0], [2.0, 2.0], [3.0, 5.0]]), 0.01),
    ),
]


def hidden(g: torch.Generator) -> list[Case]:
    n = rand_int(g, 20, 40)
    ints = torch.stack(
        [torch.randint(1, 11, (12,), generator=g), torch.randint(-30, 31, (12,), generator=g)], dim=1
    )
    return [
        Case(
            "random line, 20-40 points, lr = 0.01",
            (
                uniform(g, -2, 2),
                uniform(g, -3, 3),
                line_points(g, n, uniform(g, -3, 3), uniform(g, -2, 2), 1.0),
                0.01,
            ),
        ),
        Case(
            "classic data set (x in [20, 70]), b = w = 0, lr = 1e-4",
            (0.0, 0.0, line_points(g, 100, 1.3, 5.0, 10.0, 20.0, 70.0), 1e-4),
        ),
        Case(
            "classic data set, away from the start, lr = 5e-4",
            (uniform(g, 1, 5), uniform(g, 0.5, 1.0), line_points(g, 100, 1.3, 5.0, 10.0, 20.0, 70.0), 5e-4),
        ),
        Case(
            "negative slope and intercept, lr = 0.02",
            (uniform(g, -5, -1), uniform(g, -4, -1), line_points(g, 25, -2.5, -3.0, 2.0, 1.0, 6.0), 0.02),
        ),
        Case(
            "float64 points",
            (
                uniform(g, -1, 1),
                uniform(g, 0, 2),
                line_points(g, 30, 1.0, 0.5, 0.5, dtype=torch.float64),
                0.03,
            ),
            comparison=Comparison(rtol=1e-9, atol=1e-12),
        ),
        Case(
            "a single point (N = 1)",
            (uniform(g, -1, 1), uniform(g, -1, 1), line_points(g, 1, 2.0, 1.0, 3.0, 1.0, 5.0), 0.05),
        ),
        Case("integer-valued points (int64 tensor)", (uniform(g, -1, 1), uniform(g, -2, 2), ints, 0.005)),
        Case(
            "many points (N = 500)",
            (uniform(g, -1, 1), uniform(g, -2, 2), line_points(g, 500, 0.7, -1.0, 1.5), 0.01),
        ),
        Case(
            "a large learning rate (lr = 0.5, x in [0, 1])",
            (uniform(g, -1, 1), uniform(g, -1, 1), line_points(g, 20, 3.0, 2.0, 0.3, 0.0, 1.0), 0.5),
        ),
        Case(
            "zero slope, points above and below",
            (uniform(g, 1, 3), 0.0, line_points(g, 15, 0.0, 2.0, 2.0, 1.0, 4.0), 0.05),
        ),
    ]


EXERCISE = Exercise(
    slug="optim.step_gradient",
    title=text("One gradient-descent step for a line", "直线拟合的一步梯度下降"),
    statement=text(
        """We fit the line y = w·x + b to N points by minimising the mean squared error

    L(b, w) = (1/N) · Σᵢ (yᵢ − (w·xᵢ + b))²

Write `step_gradient(b, w, points, lr)` that makes ONE step of batch gradient descent and
returns `(new_b, new_w)`:

1. work out the two partial derivatives ∂L/∂b and ∂L/∂w by hand (chain rule on the square;
   mind the signs), averaged over all N points;
2. evaluate both at the current `b` and `w`;
3. move against the gradient: new_b = b − lr·∂L/∂b, new_w = w − lr·∂L/∂w.

- `b`, `w`, `lr` are Python floats; `points` is an (N, 2) tensor whose rows are (xᵢ, yᵢ)
  (float32, float64 or integer).
- Return a tuple of two Python floats (0-dim tensors are accepted too).
- Both gradients are taken at the old (b, w): do not use the new b when computing the w
  gradient. Do not change `points`.

Example: `points = [[1, 2], [2, 4], [3, 6]]`, `b = w = 0`, `lr = 0.1`. The errors
yᵢ − (w·xᵢ + b) are 2, 4, 6, so ∂L/∂b = −2·(2+4+6)/3 = −8 and
∂L/∂w = −2·(1·2 + 2·4 + 3·6)/3 = −18.667; the step gives `(0.8, 1.8667)`.

Results are compared with a relative tolerance of 2e-5 (1e-9 for float64 points).""",
        """用直线 y = w·x + b 拟合 N 个点，目标是让均方误差最小：

    L(b, w) = (1/N) · Σᵢ (yᵢ − (w·xᵢ + b))²

编写 `step_gradient(b, w, points, lr)`，做**一步**批量梯度下降，返回 `(new_b, new_w)`：

1. 自己推导两个偏导数 ∂L/∂b 和 ∂L/∂w（对平方用链式法则，注意正负号），并对 N 个点取平均；
2. 在当前的 `b`、`w` 处求出它们的值；
3. 沿梯度的反方向走一步：new_b = b − lr·∂L/∂b，new_w = w − lr·∂L/∂w。

- `b`、`w`、`lr` 是 Python 浮点数；`points` 是形状 (N, 2) 的张量，每一行是 (xᵢ, yᵢ)
  （float32、float64 或整数类型）。
- 返回由两个 Python 浮点数组成的元组（返回 0 维张量也算对）。
- 两个梯度都要在旧的 (b, w) 处计算：算 w 的梯度时不能用已经更新过的 b。不要修改 `points`。

例子：`points = [[1, 2], [2, 4], [3, 6]]`，`b = w = 0`，`lr = 0.1`。各点误差
yᵢ − (w·xᵢ + b) 为 2、4、6，所以 ∂L/∂b = −2·(2+4+6)/3 = −8，
∂L/∂w = −2·(1·2 + 2·4 + 3·6)/3 = −18.667；走一步得到 `(0.8, 1.8667)`。

结果按相对误差 2e-5 比较（float64 的点按 1e-9）。""",
    ),
    signature="step_gradient(b: float, w: float, points: Tensor, lr: float) -> tuple[float, float]",
    starter="""import torch


def step_gradient(b: float, w: float, points: torch.Tensor, lr: float) -> tuple[float, float]:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
    comparison=Comparison(rtol=2e-5, atol=1e-5),
)
