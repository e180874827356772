"""linalg.l2_norm: the Euclidean norm of a vector, safe from overflow at large magnitudes."""

import torch

from exercises._common import NORM_BANS, rand_int, randn
from grader.exercise import Case, Comparison, Exercise, Mutant, text


def reference(x: torch.Tensor) -> torch.Tensor:
    # torch.linalg.vector_norm overflows to inf once x**2 does (|x| > ~1.8e19 in float32):
    # scale by the largest magnitude first.
    scale = x.abs().amax()
    if scale == 0:
        return scale
    return scale * ((x / scale) ** 2).sum().sqrt()


SOLUTION = """
import torch

def l2_norm(x):
    m = x.abs().max()
    if m == 0:               # all zeros: avoid 0 / 0
        return m
    y = x / m                # every |y| <= 1, so y * y cannot overflow
    return m * torch.sqrt((y * y).sum())
"""

MUTANTS = [
    Mutant(
        "squares without scaling (overflows)",
        """
import torch

def l2_norm(x):
    return torch.sqrt((x * x).sum())
""",
        text(
            "For entries around 1e20, x * x is about 1e40, beyond the largest float32 "
            "(about 3.4e38), so it becomes inf (and around 1e-25 the square underflows to 0). "
            "Divide by the largest |x| first, then multiply back after the square root.",
            "当元素约为 1e20 时，x * x 约为 1e40，超过了 float32 能表示的最大值（约 3.4e38），"
            "会变成 inf（而约为 1e-25 的元素平方后会下溢成 0）。"
            "请先除以最大的 |x|，开平方之后再乘回来。",
        ),
    ),
    Mutant(
        "divides by zero for the zero vector",
        """
import torch

def l2_norm(x):
    m = x.abs().max()
    return m * torch.sqrt(((x / m) ** 2).sum())
""",
        text(
            "For the all-zero vector the largest |x| is 0, and 0 / 0 is NaN. Handle that "
            "vector separately: its norm is 0.",
            "全零向量中最大的 |x| 是 0，而 0 / 0 得到 NaN。请单独处理这种情况：它的范数是 0。",
        ),
    ),
    Mutant(
        "forgets the square root",
        """
def l2_norm(x):
    m = x.abs().max()
    if m == 0:
        return m
    return m * m * ((x / m) ** 2).sum()
""",
        text(
            "The L2 norm is the square ROOT of the sum of squares: ||(3, 4)|| = 5, not 25.",
            "L2 范数是平方和的平方根：||(3, 4)|| = 5，而不是 25。",
        ),
    ),
    Mutant(
        "scales by the largest entry, not the largest |entry|",
        """
import torch

def l2_norm(x):
    m = x.max()
    if m == 0:
        return m
    return m * torch.sqrt(((x / m) ** 2).sum())
""",
        text(
            "x.max() is the most positive entry; when every entry is negative it is negative "
            "and the result comes out negative. Scale by the largest absolute value, "
            "x.abs().max().",
            "x.max() 是最大的（最偏正的）元素；当所有元素都为负时它是负数，结果也就成了负数。"
            "请用最大的绝对值 x.abs().max() 来缩放。",
        ),
    ),
    Mutant(
        "square of the sum instead of sum of squares",
        """
import torch

def l2_norm(x):
    return torch.sqrt(x.sum() ** 2)
""",
        text(
            "Square each entry first, then add: sqrt(x0² + x1² + ...), not sqrt((x0 + x1 + ...)²).",
            "要先对每个元素平方再相加：sqrt(x0² + x1² + ...)，而不是 sqrt((x0 + x1 + ...)²)。",
        ),
    ),
]

PUBLIC = [
    Case("the 3-4-5 triangle", (torch.tensor([3.0, -4.0]),)),
    Case("four entries", (torch.tensor([1.0, 2.0, 2.0, -4.0]),)),
    Case("entries around 1e20", (torch.tensor([3e20, 4e20]),)),
]


def hidden(g: torch.Generator) -> list[Case]:
    n = rand_int(g, 5, 20)
    return [
        Case("random vector", (randn(g, n),)),
        Case("long random vector", (randn(g, 1000),)),
        Case("all entries negative", (-randn(g, 6).abs() - 0.1,)),
        Case("float64 vector", (randn(g, n, dtype=torch.float64),)),
        Case("a single entry", (randn(g, 1),)),
        Case("all zeros", (torch.zeros(n),)),
        Case("large magnitudes (1e20)", (randn(g, n, scale=1e20),)),
        Case("large negative magnitudes (1e20)", (-randn(g, 5, scale=1e20).abs() - 1e19,)),
        Case("one huge entry among small ones", (torch.cat([randn(g, 5), torch.tensor([2e20])]),)),
        Case("tiny magnitudes (1e-25)", (randn(g, n, scale=1e-25),), comparison=Comparison(atol=0.0)),
    ]


EXERCISE = Exercise(
    slug="linalg.l2_norm",
    title=text("L2 norm without overflow", "不会溢出的 L2 范数"),
    statement=text(
        """Write `l2_norm(x)` that returns the Euclidean (L2) norm of the non-empty 1-D float
tensor `x`,

    ||x||₂ = sqrt(x[0]² + x[1]² + ... + x[n-1]²)

as a 0-dim tensor of the same dtype as `x`.

The catch is numerical: the result must be finite and accurate even for float32 entries as
large as 1e20. Squaring such an entry gives about 1e40, more than the largest float32 (about
3.4e38), so the straightforward `sqrt(sum(x * x))` returns inf. Fix it by scaling: with
m = max |x[i]|, compute m · sqrt(sum((x / m)²)); now every x / m lies in [-1, 1]. This
also keeps very small entries (like 1e-25) from rounding to zero when squared. The all-zero
vector has norm 0 (don't let 0 / 0 produce NaN).

- Banned: `torch.norm`, `Tensor.norm`, everything in `torch.linalg` and other ready-made
  norms (`torch.dist`, `torch.cdist`, `F.normalize`, `renorm`).
- Do not change `x`.

Examples: `l2_norm(torch.tensor([3.0, -4.0]))` is `tensor(5.)`;
`l2_norm(torch.tensor([3e20, 4e20]))` is `tensor(5.0000e+20)`, not `inf`.""",
        """编写 `l2_norm(x)`：返回非空一维浮点张量 `x` 的欧几里得（L2）范数

    ||x||₂ = sqrt(x[0]² + x[1]² + ... + x[n-1]²)

结果是与 `x` 数据类型相同的 0 维张量。

难点在数值上：即使 float32 元素大到 1e20，结果也必须有限且准确。这样的数平方后约为 1e40，
超过了 float32 能表示的最大值（约 3.4e38），所以直接写 `sqrt(sum(x * x))` 会得到 inf。
解决办法是先缩放：令 m = max |x[i]|，计算 m · sqrt(sum((x / m)²))，这时每个 x / m 都落在
[-1, 1] 内。这样做也能避免很小的元素（例如 1e-25）平方后被舍入成 0。
全零向量的范数为 0（不要让 0 / 0 产生 NaN）。

- 禁止使用：`torch.norm`、`Tensor.norm`、`torch.linalg` 中的所有函数，以及其他现成的范数函数
  （`torch.dist`、`torch.cdist`、`F.normalize`、`renorm`）。
- 不要修改 `x`。

例子：`l2_norm(torch.tensor([3.0, -4.0]))` 为 `tensor(5.)`；
`l2_norm(torch.tensor([3e20, 4e20]))` 为 `tensor(5.0000e+20)`，而不是 `inf`。""",
    ),
    signature="l2_norm(x: Tensor) -> Tensor",
    starter="""import torch


def l2_norm(x: torch.Tensor) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
    bans=NORM_BANS,
)
