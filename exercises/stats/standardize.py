"""stats.standardize: (x - mean) / std along one dimension, with the population std."""

import torch

from exercises._common import rand_int, randn
from grader.exercise import Case, Exercise, Mutant, text


def reference(x: torch.Tensor, dim: int) -> torch.Tensor:
    mean = x.mean(dim=dim, keepdim=True)
    std = x.std(dim=dim, correction=0, keepdim=True)
    return (x - mean) / std


SOLUTION = """
import torch

def standardize(x, dim):
    mean = x.mean(dim=dim, keepdim=True)          # keepdim: broadcasts back against x
    centred = x - mean
    std = (centred ** 2).mean(dim=dim, keepdim=True).sqrt()   # divide by n, not n - 1
    return centred / std
"""

MUTANTS = [
    Mutant(
        "unbiased std (divides by n - 1)",
        """
def standardize(x, dim):
    return (x - x.mean(dim=dim, keepdim=True)) / x.std(dim=dim, keepdim=True)
""",
        text(
            "x.std() divides by n - 1 by default (the sample, 'unbiased' estimate). This "
            "exercise uses the population std, which divides by n: pass correction=0 (or "
            "compute the mean of the squared deviations yourself).",
            "x.std() 默认除以 n - 1（样本标准差，即“无偏”估计）。本题使用总体标准差，"
            "要除以 n：请传入 correction=0（或者自己计算离差平方的平均值）。",
        ),
    ),
    Mutant(
        "always the last dimension",
        """
def standardize(x, dim):
    mean = x.mean(dim=-1, keepdim=True)
    std = x.std(dim=-1, correction=0, keepdim=True)
    return (x - mean) / std
""",
        text(
            "Compute the mean and the std along the `dim` you are given; with dim=0 every "
            "column is standardized separately, not every row.",
            "请沿着传入的 `dim` 计算均值和标准差；dim=0 时是每一列分别标准化，而不是每一行。",
        ),
    ),
    Mutant(
        "drops keepdim",
        """
def standardize(x, dim):
    mean = x.mean(dim=dim)
    std = x.std(dim=dim, correction=0)
    return (x - mean) / std
""",
        text(
            "Without keepdim=True, the mean of a (3, 5) tensor along dim=1 has shape (3,), and "
            "broadcasting lines it up with the LAST dimension of x (size 5), not with the rows: "
            "this fails, or silently mixes up rows on a square matrix. Keep the reduced "
            "dimension (keepdim=True) so that the shape is (3, 1).",
            "不加 keepdim=True 时，形状 (3, 5) 的张量沿 dim=1 求均值得到形状 (3,)，广播时它会与 x "
            "的最后一维（长度 5）对齐，而不是与行对齐：要么报错，要么在方阵上悄悄地把行弄混。"
            "请保留被约简的维度（keepdim=True），使形状为 (3, 1)。",
        ),
    ),
    Mutant(
        "variance as E[x²] − E[x]²",
        """
def standardize(x, dim):
    mean = x.mean(dim=dim, keepdim=True)
    var = (x * x).mean(dim=dim, keepdim=True) - mean * mean
    return (x - mean) / var.sqrt()
""",
        text(
            "E[x²] − E[x]² subtracts two huge, nearly equal numbers when the data sit far from "
            "0 (for example around 1e8): the digits that matter are lost and the variance can "
            "even come out negative. Subtract the mean first and average the squared "
            "deviations: mean((x − mean)²).",
            "数据远离 0 时（例如在 1e8 附近），E[x²] − E[x]² 是两个巨大且几乎相等的数相减："
            "有效数字全被抵消，方差甚至会算成负数。请先减去均值，再对离差的平方求平均："
            "mean((x − mean)²)。",
        ),
    ),
    Mutant(
        "subtracts the mean in place",
        """
def standardize(x, dim):
    x -= x.mean(dim=dim, keepdim=True)
    return x / x.std(dim=dim, correction=0, keepdim=True)
""",
        text(
            "x -= ... writes into the caller's tensor: after your call their data are centred. "
            "Compute centred = x - mean into a new tensor instead.",
            "x -= ... 会直接改写调用者的张量：调用之后，对方的数据被减去了均值。"
            "请写成 centred = x - mean，得到一个新张量。",
        ),
    ),
]

PUBLIC = [
    Case("each row of a 2x3 matrix (dim 1)", (torch.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0]]), 1)),
    Case("each column (dim 0)", (torch.tensor([[1.0, 10.0], [3.0, 30.0], [8.0, 20.0]]), 0)),
]


def hidden(g: torch.Generator) -> list[Case]:
    ndim = rand_int(g, 2, 3)
    shape = [rand_int(g, 2, 6) for _ in range(ndim)]
    dim = rand_int(g, -ndim, ndim - 1)

    def data(*size: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
        return randn(g, *size, dtype=dtype, scale=3.0) + 5.0

    return [
        Case("random rows (dim 1)", (data(5, 8), 1)),
        Case("random columns (dim 0)", (data(7, 4), 0)),
        Case("random shape and dim", (data(*shape), dim)),
        Case("negative dim -1, not square", (data(4, 9), -1)),
        Case("a square matrix, dim 1", (data(5, 5), 1)),
        Case("3-d tensor, negative dim -2", (data(2, 6, 3), -2)),
        Case("a vector", (data(10), 0)),
        Case("only two values per row", (data(6, 2), 1)),
        Case("float64 input", (data(4, 7, dtype=torch.float64), 1)),
        Case("data far from 0 (around 1e8, float64)", (randn(g, 3, 8, dtype=torch.float64) + 1e8, 1)),
        Case("large magnitudes", (randn(g, 4, 6, scale=1e15), 0)),
    ]


EXERCISE = Exercise(
    slug="stats.standardize",
    title=text("Standardize along a dimension", "沿某一维标准化"),
    statement=text(
        """Write `standardize(x, dim)` that standardizes `x` along the dimension `dim`: from every
entry subtract the mean of its slice along `dim`, then divide by the standard deviation of
that slice. Every slice of the result then has mean 0 and standard deviation 1.

Use the **population** standard deviation, which divides by n (the size of `dim`), not by n − 1:

    std = sqrt( mean( (x − mean)² ) )

Example: for `x = [[1, 2, 3], [2, 4, 6]]` and `dim = 1`, row 0 has mean 2 and std
sqrt(2/3) ≈ 0.8165, so it becomes `[-1.2247, 0, 1.2247]`; row 1 (mean 4, std 1.633) gives the
same numbers.

Rules:
- `dim` may be negative; the result has the shape and dtype of `x`.
- Data may sit far from 0 (around 1e8) or be large (around 1e15): compute the variance from
  deviations, not as E[x²] − E[x]², which loses all precision there.
- Do not change `x`. Every slice has at least two different values.""",
        """编写 `standardize(x, dim)`：沿第 `dim` 维对 `x` 做标准化——每个元素先减去它所在切片
（沿 `dim` 方向）的均值，再除以该切片的标准差。这样结果的每个切片均值为 0、标准差为 1。

使用**总体**标准差，即除以 n（第 `dim` 维的长度），而不是 n − 1：

    std = sqrt( mean( (x − mean)² ) )

例子：`x = [[1, 2, 3], [2, 4, 6]]`、`dim = 1` 时，第 0 行的均值为 2，标准差为
sqrt(2/3) ≈ 0.8165，所以变成 `[-1.2247, 0, 1.2247]`；第 1 行（均值 4，标准差 1.633）
得到同样的结果。

要求：
- `dim` 可以是负数；结果的形状和数据类型与 `x` 相同。
- 数据可能远离 0（在 1e8 附近），也可能很大（约 1e15）：请用离差来计算方差，
  不要用 E[x²] − E[x]²，那样在这些情况下会完全丢失精度。
- 不要修改 `x`。每个切片中至少有两个不同的值。""",
    ),
    signature="standardize(x: Tensor, dim: int) -> Tensor",
    starter="""import torch


def standardize(x: torch.Tensor, dim: int) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
)
