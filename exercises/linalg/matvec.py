"""linalg.matvec: matrix-vector product from broadcasting and a sum."""

import torch

from exercises._common import MATRIX_PRODUCT_BANS, rand_int, randn
from grader.exercise import Case, Comparison, Exercise, Mutant, text


def reference(A: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    return torch.mv(A, x)


SOLUTION = """
import torch

def matvec(A, x):
    # x (n,) broadcasts against every row of A (m, n); sum each row of the products.
    return (A * x).sum(dim=1)
"""

MUTANTS = [
    Mutant(
        "sums down the columns",
        """
def matvec(A, x):
    return (A * x).sum(dim=0)
""",
        text(
            "Entry i of A·x is row i of A times x, added up along that row: sum over dim=1 "
            "(the n axis), which leaves one number per row, shape (m,).",
            "A·x 的第 i 项是 A 的第 i 行与 x 逐项相乘后沿这一行相加："
            "应沿 dim=1（长度为 n 的那一维）求和，每一行留下一个数，结果形状为 (m,)。",
        ),
    ),
    Mutant(
        "x lined up with the rows (xᵀA)",
        """
def matvec(A, x):
    return (A * x[:, None]).sum(dim=0)
""",
        text(
            "x[:, None] is a column, so x[j] multiplies ROW j of A: that computes xᵀA, not A·x "
            "(and it only runs when A is square). x has one entry per COLUMN of A; a plain x "
            "(shape (n,)) already broadcasts that way.",
            "x[:, None] 是列向量，于是 x[j] 乘的是 A 的第 j 行，算出的是 xᵀA 而不是 A·x"
            "（而且只有 A 是方阵时才能运行）。x 的每一项对应 A 的一列；直接用形状为 (n,) 的 x "
            "广播就是按列对齐的。",
        ),
    ),
    Mutant(
        "keeps the summed axis",
        """
def matvec(A, x):
    return (A * x).sum(dim=1, keepdim=True)
""",
        text(
            "A·x is a vector of shape (m,), not a column of shape (m, 1): do not keep the summed axis.",
            "A·x 是形状为 (m,) 的向量，而不是形状为 (m, 1) 的列：求和后不要保留被求和的维度。",
        ),
    ),
    Mutant(
        "float32 result buffer",
        """
import torch

def matvec(A, x):
    y = torch.zeros(A.shape[0])
    for i in range(A.shape[0]):
        y[i] = (A[i] * x).sum()
    return y
""",
        text(
            "torch.zeros(m) is float32, so float64 or integer inputs come back as float32. "
            "Give the buffer the inputs' dtype (dtype=A.dtype), or better, compute all rows at "
            "once with broadcasting.",
            "torch.zeros(m) 是 float32，所以 float64 或整数输入的结果会变成 float32。"
            "请让缓冲区使用输入的数据类型（dtype=A.dtype），更好的办法是利用广播一次算出所有行。",
        ),
    ),
]

PUBLIC = [
    Case("a 2x3 matrix", (torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), torch.tensor([1.0, 0.0, -1.0]))),
    Case("a 3x2 matrix", (torch.tensor([[1.0, 2.0], [0.0, 1.0], [-1.0, 3.0]]), torch.tensor([2.0, 0.5]))),
    Case("a square matrix", (torch.tensor([[2.0, 1.0], [0.0, 3.0]]), torch.tensor([1.0, 4.0]))),
]

FLOAT64 = Comparison(rtol=1e-10, atol=1e-10)


def hidden(g: torch.Generator) -> list[Case]:
    m, n = rand_int(g, 2, 6), rand_int(g, 7, 12)
    k = rand_int(g, 3, 6)
    big_A, big_x = randn(g, 4, 6, scale=1e15), randn(g, 6, scale=1e15)
    big = Comparison(rtol=1e-4, atol=1e-5 * float((big_A.double() * big_x.double()).abs().sum()))
    return [
        Case("random wide matrix", (randn(g, m, n), randn(g, n))),
        Case("random tall matrix", (randn(g, n, m), randn(g, m))),
        Case("random square matrix", (randn(g, k, k), randn(g, k))),
        Case("large random matrix", (randn(g, 64, 200), randn(g, 200))),
        Case(
            "float64 input",
            (randn(g, 5, 3, dtype=torch.float64), randn(g, 3, dtype=torch.float64)),
            comparison=FLOAT64,
        ),
        Case(
            "integer tensors",
            (torch.randint(-9, 10, (4, 5), generator=g), torch.randint(-9, 10, (5,), generator=g)),
        ),
        Case("a single row", (randn(g, 1, 5), randn(g, 5))),
        Case("a single column", (randn(g, 4, 1), randn(g, 1))),
        Case("no columns (n = 0)", (torch.zeros(3, 0), torch.zeros(0))),
        Case("no rows (m = 0)", (torch.zeros(0, 4), randn(g, 4))),
        Case("large magnitudes", (big_A, big_x), comparison=big),
    ]


EXERCISE = Exercise(
    slug="linalg.matvec",
    title=text("Matrix-vector product", "矩阵与向量的乘积"),
    statement=text(
        """Write `matvec(A, x)` that returns the matrix-vector product A·x for a matrix `A` of
shape (m, n) and a vector `x` of shape (n,). The result `y` has shape (m,), and
y[i] = A[i, 0]·x[0] + A[i, 1]·x[1] + ... + A[i, n-1]·x[n-1]: row i of `A` dotted with `x`.

Build it from broadcasting and a sum, without a Python loop if you can: `x` has one entry per
column of `A`, so `A * x` multiplies every row of `A` by `x` entry by entry; then add up along
the right axis.

- Banned: `torch.mv`, `torch.matmul`, `torch.mm`, `torch.dot`, `torch.inner`, `torch.bmm`,
  `torch.einsum`, `torch.tensordot`, the `@` operator, `torch.linalg.*` and the matching
  tensor methods (`A.mv(x)`, `A.matmul(x)`, ...).
- Keep the dtype of the inputs (float64 stays float64, integers stay integers).
- m or n may be 0 (an empty matrix); with n = 0 every entry of the result is 0.
- Do not change `A` or `x`.

Example: for `A = [[1, 2, 3], [4, 5, 6]]` and `x = [1, 0, -1]`,
`matvec(A, x)` is `[1·1 + 2·0 + 3·(-1), 4·1 + 5·0 + 6·(-1)] = [-2, -2]`.""",
        """编写 `matvec(A, x)`：返回形状为 (m, n) 的矩阵 `A` 与形状为 (n,) 的向量 `x` 的乘积 A·x。
结果 `y` 的形状为 (m,)，且
y[i] = A[i, 0]·x[0] + A[i, 1]·x[1] + … + A[i, n-1]·x[n-1]，即 `A` 的第 i 行与 `x` 的点积。

请用广播加求和来实现，最好不写 Python 循环：`x` 的每一项对应 `A` 的一列，
所以 `A * x` 会把 `A` 的每一行与 `x` 逐项相乘；然后沿正确的维度求和即可。

- 不允许使用：`torch.mv`、`torch.matmul`、`torch.mm`、`torch.dot`、`torch.inner`、`torch.bmm`、
  `torch.einsum`、`torch.tensordot`、`@` 运算符、`torch.linalg.*`，以及对应的张量方法
  （`A.mv(x)`、`A.matmul(x)` 等）。
- 保持输入的数据类型（float64 仍为 float64，整数仍为整数）。
- m 或 n 可能为 0（空矩阵）；n = 0 时结果的每一项都是 0。
- 不要修改 `A` 或 `x`。

例子：`A = [[1, 2, 3], [4, 5, 6]]`，`x = [1, 0, -1]` 时，
`matvec(A, x)` 为 `[1·1 + 2·0 + 3·(-1), 4·1 + 5·0 + 6·(-1)] = [-2, -2]`。""",
    ),
    signature="matvec(A: Tensor, x: Tensor) -> Tensor",
    starter="""import torch


def matvec(A: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
    bans=MATRIX_PRODUCT_BANS,
    comparison=Comparison(rtol=1e-4, atol=1e-4),
)
