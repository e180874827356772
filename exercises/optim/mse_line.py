"""optim.mse_line: the mean squared error of the line y = w·x + b on a set of points."""

import torch

from exercises._common import rand_int
from exercises.optim._points import line_points, uniform
from grader.exercise import Case, Comparison, Exercise, Mutant, text


def reference(b: float, w: float, points: torch.Tensor) -> float:
    p = points.to(torch.float64)
    return float(((p[:, 1] - (w * p[:, 0] + b)) ** 2).mean())


SOLUTION = """
import torch

def mse_line(b, w, points):
    x = points[:, 0]
    y = points[:, 1]
    return float(((y - (w * x + b)) ** 2).mean())
"""

MUTANTS = [
    Mutant(
        "sum instead of mean (forgets 1/N)",
        """
def mse_line(b, w, points):
    x = points[:, 0]
    y = points[:, 1]
    return float(((y - (w * x + b)) ** 2).sum())
""",
        text(
            "This is the MEAN squared error: after adding up the squared errors, divide by the "
            "number of points N.",
            "这里要的是“均方”误差：把各点的误差平方加起来之后，还要除以点的个数 N。",
        ),
    ),
    Mutant(
        "missing parentheses: y - w*x + b",
        """
def mse_line(b, w, points):
    total = 0.0
    for i in range(len(points)):
        x = points[i, 0]
        y = points[i, 1]
        total += (y - w * x + b) ** 2
    return float(total / len(points))
""",
        text(
            "The error of a point is y minus the WHOLE prediction: y - (w*x + b). Without the "
            "parentheses, b is added instead of subtracted.",
            "每个点的误差是 y 减去整个预测值：y - (w*x + b)。少了括号，b 就变成加上而不是减去了。",
        ),
    ),
    Mutant(
        "x and y columns swapped",
        """
def mse_line(b, w, points):
    y = points[:, 0]
    x = points[:, 1]
    return float(((y - (w * x + b)) ** 2).mean())
""",
        text(
            "Each row of points is (x, y): column 0 holds x, column 1 holds y.",
            "points 的每一行是 (x, y)：第 0 列是 x，第 1 列是 y。",
        ),
    ),
    Mutant(
        "floor division by N",
        """
def mse_line(b, w, points):
    x = points[:, 0]
    y = points[:, 1]
    total = ((y - (w * x + b)) ** 2).sum()
    return float(total // len(points))
""",
        text(
            "`//` is floor division: it throws away the fractional part. Use `/` to take the mean.",
            "`//` 是向下取整的除法，会丢掉小数部分。求平均请用 `/`。",
        ),
    ),
    Mutant(
        "float64 points squeezed into float32",
        """
def mse_line(b, w, points):
    points = points.float()
    x = points[:, 0]
    y = points[:, 1]
    return float(((y - (w * x + b)) ** 2).mean())
""",
        text(
            "float64 points carry about 16 significant digits; .float() cuts them to about 7. "
            "Compute in the dtype you are given (an integer tensor becomes float as soon as it "
            "meets the float w).",
            "float64 的点有约 16 位有效数字，.float() 会把它截成约 7 位。请用输入本身的数据类型计算"
            "（整数张量一旦与浮点数 w 相乘就会变成浮点）。",
        ),
    ),
    Mutant(
        "absolute error instead of squared",
        """
def mse_line(b, w, points):
    x = points[:, 0]
    y = points[:, 1]
    return float((y - (w * x + b)).abs().mean())
""",
        text(
            "Square each error (** 2); the mean of absolute errors is a different loss (MAE).",
            "每个误差要平方（** 2）；绝对值的平均是另一种损失（MAE）。",
        ),
    ),
]


PUBLIC = [
    Case("three points, b = 1, w = 1", (1.0, 1.0, torch.tensor([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]]))),
    Case(
        "four points, b = 1, w = 1",
        (1.0, 1.0, torch.tensor([[0.0, 1.0], [1.0, 3.0], [2.0, 2.0], [3.0, 5.0]])),
    ),
    Case(
        "a perfect fit (b = 1, w = 2 on y = 2x + 1)",
        (1.0, 2.0, torch.tensor([[0.0, 1.0], [1.0, 3.0], [2.0, 5.0]])),
    ),
]


def hidden(g: torch.Generator) -> list[Case]:
    n = rand_int(g, 20, 40)
    ints = torch.stack(
        [torch.randint(-10, 11, (12,), generator=g), torch.randint(-30, 31, (12,), generator=g)], dim=1
    )
    return [
        Case(
            "random line, 20-40 points",
            (
                uniform(g, -2, 2),
                uniform(g, -3, 3),
                line_points(g, n, uniform(g, -3, 3), uniform(g, -2, 2), 1.0),
            ),
        ),
        Case(
            "classic data set (x in [20, 70]), b = w = 0",
            (0.0, 0.0, line_points(g, 100, 1.3, 5.0, 10.0, 20.0, 70.0)),
        ),
        Case(
            "classic data set, a line near the best fit",
            (uniform(g, 2, 8), uniform(g, 1.2, 1.4), line_points(g, 100, 1.3, 5.0, 10.0, 20.0, 70.0)),
        ),
        Case(
            "negative slope and intercept",
            (uniform(g, -5, -1), uniform(g, -4, -1), line_points(g, 25, -2.5, -3.0, 2.0, -5.0, 5.0)),
        ),
        Case(
            "float64 points",
            (uniform(g, -1, 1), uniform(g, 0, 2), line_points(g, 30, 1.0, 0.5, 0.5, dtype=torch.float64)),
            comparison=Comparison(rtol=1e-9, atol=1e-12),
        ),
        Case(
            "a single point (N = 1)", (uniform(g, -1, 1), uniform(g, -1, 1), line_points(g, 1, 2.0, 1.0, 3.0))
        ),
        Case("integer-valued points (int64 tensor)", (uniform(g, -1, 1), uniform(g, -2, 2), ints)),
        Case(
            "many points (N = 2000)",
            (uniform(g, -1, 1), uniform(g, -2, 2), line_points(g, 2000, 0.7, -1.0, 1.5)),
        ),
        Case(
            "points far from the line (large error)",
            (uniform(g, -1, 1), uniform(g, -1, 1), line_points(g, 20, 300.0, 500.0, 100.0)),
        ),
        Case(
            "zero slope, points above and below", (uniform(g, 1, 3), 0.0, line_points(g, 15, 0.0, 2.0, 2.0))
        ),
    ]


EXERCISE = Exercise(
    slug="optim.mse_line",
    title=text("Mean squared error of a line", "直线拟合的均方误差"),
    statement=text(
        """We fit a straight line y = w·x + b to a set of points. Write `mse_line(b, w, points)`
that measures how badly the line fits: the **mean squared error**

    MSE = (1/N) · Σᵢ (yᵢ − (w·xᵢ + b))²

- `b` (intercept) and `w` (slope) are Python floats.
- `points` is a tensor of shape (N, 2), N ≥ 1: row i is the point (xᵢ, yᵢ), so column 0 holds
  the x values and column 1 the y values. It may be float32, float64 or an integer tensor.
- Return the error as a Python `float` (`float(t)` or `t.item()` turns a 0-dim tensor into
  one; a 0-dim tensor is accepted too).
- Do not change `points`.

Example: `points = [[1, 2], [2, 4], [3, 6]]`, `b = 1`, `w = 1`. The line predicts 2, 3, 4;
the errors are 0, 1, 2; their squares 0, 1, 4; the mean is 5/3, so
`mse_line(1.0, 1.0, points)` returns `1.6666...`.

Results are compared with a relative tolerance of 1e-4 (1e-9 for float64 points).""",
        """我们要用一条直线 y = w·x + b 去拟合一组点。编写 `mse_line(b, w, points)`，计算这条直线
拟合得有多差，也就是**均方误差**：

    MSE = (1/N) · Σᵢ (yᵢ − (w·xᵢ + b))²

- `b`（截距）和 `w`（斜率）是 Python 浮点数。
- `points` 是形状为 (N, 2) 的张量（N ≥ 1）：第 i 行是点 (xᵢ, yᵢ)，所以第 0 列是各点的 x，
  第 1 列是各点的 y。它可能是 float32、float64，也可能是整数张量。
- 返回 Python 的 `float`（用 `float(t)` 或 `t.item()` 可以把 0 维张量变成浮点数；直接返回
  0 维张量也算对）。
- 不要修改 `points`。

例子：`points = [[1, 2], [2, 4], [3, 6]]`，`b = 1`，`w = 1`。直线的预测值是 2、3、4，
误差是 0、1、2，平方后是 0、1、4，平均值为 5/3，所以 `mse_line(1.0, 1.0, points)`
返回 `1.6666...`。

结果按相对误差 1e-4 比较（float64 的点按 1e-9）。""",
    ),
    signature="mse_line(b: float, w: float, points: Tensor) -> float",
    starter="""import torch


def mse_line(b: float, w: float, points: torch.Tensor) -> float:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
    comparison=Comparison(rtol=1e-4, atol=1e-6),
)
