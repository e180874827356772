"""linalg.frobenius_norm: the square root of the sum of all squared entries of a matrix."""

import torch

from exercises._common import NORM_BANS, rand_int, randn
from grader.exercise import Case, Exercise, Mutant, text


def reference(X: torch.Tensor) -> torch.Tensor:
    return torch.linalg.matrix_norm(X, ord="fro")


SOLUTION = """
import torch

def frobenius_norm(X):
    return torch.sqrt((X * X).sum())
"""

MUTANTS = [
    Mutant(
        "sums over one axis only",
        """
import torch

def frobenius_norm(X):
    return torch.sqrt((X ** 2).sum(dim=0))
""",
        text(
            "sum(dim=0) adds up each column separately and leaves a vector. The Frobenius norm "
            "adds the squares of ALL entries into one number.",
            "sum(dim=0) 对每一列分别求和，得到的是一个向量。Frobenius 范数要把所有元素的平方加成一个数。",
        ),
    ),
    Mutant(
        "forgets the square root",
        """
def frobenius_norm(X):
    return (X ** 2).sum()
""",
        text(
            "The norm is the square ROOT of the sum of squares: for [[3, 4]] it is 5, not 25.",
            "范数是平方和的平方根：[[3, 4]] 的范数是 5，而不是 25。",
        ),
    ),
    Mutant(
        "squares the total instead of each entry",
        """
import torch

def frobenius_norm(X):
    return torch.sqrt(X.sum() ** 2)
""",
        text(
            "Square each entry first, then add: sqrt(sum of X[i, j]²), not sqrt((sum of X)²).",
            "要先对每个元素平方再相加：sqrt(各 X[i, j]² 之和)，而不是 sqrt((X 的总和)²)。",
        ),
    ),
    Mutant(
        "squares X in place",
        """
import torch

def frobenius_norm(X):
    X **= 2
    return torch.sqrt(X.sum())
""",
        text(
            "X **= 2 squares the caller's matrix itself, so X is changed after your call. "
            "Write X ** 2 or X * X, which make a new tensor.",
            "X **= 2 会直接把调用者传进来的矩阵平方，调用之后 X 就被改掉了。"
            "请写 X ** 2 或 X * X，它们会生成新的张量。",
        ),
    ),
    Mutant(
        "adds absolute values (entry-wise L1)",
        """
def frobenius_norm(X):
    return X.abs().sum()
""",
        text(
            "That is the sum of |X[i, j]|. The Frobenius norm squares the entries, adds them "
            "and takes the square root.",
            "这是各 |X[i, j]| 之和。Frobenius 范数是把元素平方、相加，再开平方。",
        ),
    ),
]

PUBLIC = [
    Case("a 2x2 matrix", (torch.tensor([[1.0, -2.0], [2.0, 4.0]]),)),
    Case("a 1x2 row", (torch.tensor([[3.0, 4.0]]),)),
    Case("a 3x2 matrix", (torch.tensor([[1.0, 0.0], [0.0, -1.0], [1.0, 1.0]]),)),
]


def hidden(g: torch.Generator) -> list[Case]:
    m, n = rand_int(g, 2, 6), rand_int(g, 2, 6)
    return [
        Case("random matrix", (randn(g, m, n),)),
        Case("square matrix", (randn(g, 5, 5),)),
        Case("tall matrix", (randn(g, 40, 3),)),
        Case("wide matrix", (randn(g, 2, 30),)),
        Case("all entries negative", (-randn(g, 3, 4).abs() - 0.1,)),
        Case("float64 matrix", (randn(g, m, n, dtype=torch.float64),)),
        Case("a single column", (randn(g, 6, 1),)),
        Case("a 1x1 matrix", (randn(g, 1, 1),)),
        Case("zero matrix", (torch.zeros(3, 3),)),
        Case("matrix with no rows", (torch.zeros(0, 4),)),
        Case("large magnitudes (1e15)", (randn(g, 4, 4, scale=1e15),)),
    ]


EXERCISE = Exercise(
    slug="linalg.frobenius_norm",
    title=text("Frobenius norm of a matrix", "矩阵的 Frobenius 范数"),
    statement=text(
        """Write `frobenius_norm(X)` that returns the Frobenius norm of the 2-D float tensor `X`
(shape (m, n)): the square root of the sum of the squares of ALL its entries,

    ||X||_F = sqrt( sum over i and j of X[i, j]² )

as a 0-dim tensor of the same dtype as `X`. It is the L2 norm of the matrix read as one long
vector.

- Banned: `torch.norm`, `Tensor.norm`, everything in `torch.linalg` and other ready-made
  norms (`torch.dist`, `torch.cdist`, `F.normalize`, `renorm`).
- A matrix with no entries has norm 0.
- Do not change `X` (careful with in-place operators like `**=`).

Example: for `X = [[1, -2], [2, 4]]`, `frobenius_norm(X)` is `tensor(5.)`, because
1 + 4 + 4 + 16 = 25 and sqrt(25) = 5.""",
        """编写 `frobenius_norm(X)`：返回二维浮点张量 `X`（形状 (m, n)）的 Frobenius 范数，
即所有元素平方和的平方根

    ||X||_F = sqrt( 对所有 i、j 求和 X[i, j]² )

结果是与 `X` 数据类型相同的 0 维张量。它就是把矩阵看成一条长向量之后的 L2 范数。

- 禁止使用：`torch.norm`、`Tensor.norm`、`torch.linalg` 中的所有函数，以及其他现成的范数函数
  （`torch.dist`、`torch.cdist`、`F.normalize`、`renorm`）。
- 没有元素的矩阵，范数为 0。
- 不要修改 `X`（小心 `**=` 这类原地运算符）。

例子：`X = [[1, -2], [2, 4]]` 时，`frobenius_norm(X)` 为 `tensor(5.)`，因为
1 + 4 + 4 + 16 = 25，而 sqrt(25) = 5。""",
    ),
    signature="frobenius_norm(X: Tensor) -> Tensor",
    starter="""import torch


def frobenius_norm(X: torch.Tensor) -> torch.Tensor:
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
