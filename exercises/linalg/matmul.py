"""linalg.matmul: matrix-matrix product from broadcasting and a sum."""

import torch

from exercises._common import MATRIX_PRODUCT_BANS, rand_int, randn
from grader.exercise import Case, Comparison, Exercise, Mutant, text


def reference(A: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
    return torch.matmul(A, B)


SOLUTION = """
import torch

def matmul(A, B):
    # A[:, :, None] has shape (n, k, 1) and B[None, :, :] has shape (1, k, m):
    # their product P (n, k, m) holds P[i, t, j] = A[i, t] * B[t, j]; sum over t.
    return (A[:, :, None] * B[None, :, :]).sum(dim=1)
"""

MUTANTS = [
    Mutant(
        "rows of A times rows of B (A·Bᵀ)",
        """
def matmul(A, B):
    return (A[:, None, :] * B[None, :, :]).sum(dim=-1)
""",
        text(
            "This pairs row i of A with ROW j of B, which is A·Bᵀ (it only runs when B is "
            "square). In A·B, entry (i, j) pairs row i of A with COLUMN j of B: line up "
            "A[i, t] with B[t, j], so the shared index t must sit on the same axis of both "
            "broadcast tensors.",
            "这样把 A 的第 i 行与 B 的第 j 行配对，算出的是 A·Bᵀ（而且只有 B 是方阵时才能运行）。"
            "A·B 的 (i, j) 项是 A 的第 i 行与 B 的第 j 列配对：要让 A[i, t] 与 B[t, j] 对齐，"
            "即共同的下标 t 在两个广播张量中位于同一维。",
        ),
    ),
    Mutant(
        "element-wise product",
        """
def matmul(A, B):
    return A * B
""",
        text(
            "A * B multiplies entries at the same position (the Hadamard product); it needs "
            "equal shapes and gives a different answer. The matrix product sums A[i, t]·B[t, j] "
            "over t.",
            "A * B 是把相同位置的元素相乘（Hadamard 积），要求形状相同，结果也不同。"
            "矩阵乘积要对 t 求和 A[i, t]·B[t, j]。",
        ),
    ),
    Mutant(
        "sums over the wrong axis",
        """
def matmul(A, B):
    return (A[:, :, None] * B[None, :, :]).sum(dim=0)
""",
        text(
            "The product tensor has axes (i, t, j) with shape (n, k, m). Sum over the shared "
            "index t (the axis of length k) so that (n, m) remains.",
            "乘积张量的三个维度是 (i, t, j)，形状为 (n, k, m)。应对共同下标 t（长度为 k 的那一维）"
            "求和，剩下形状 (n, m)。",
        ),
    ),
    Mutant(
        "float32 result buffer",
        """
import torch

def matmul(A, B):
    n, m = A.shape[0], B.shape[1]
    C = torch.zeros(n, m)
    for i in range(n):
        for j in range(m):
            C[i, j] = (A[i, :] * B[:, j]).sum()
    return C
""",
        text(
            "torch.zeros(n, m) is float32, so float64 or integer inputs come back as float32. "
            "Give the buffer the inputs' dtype (dtype=A.dtype), or better, let broadcasting "
            "compute every entry at once.",
            "torch.zeros(n, m) 是 float32，所以 float64 或整数输入的结果会变成 float32。"
            "请让缓冲区使用输入的数据类型（dtype=A.dtype），更好的办法是利用广播一次算出所有元素。",
        ),
    ),
]

PUBLIC = [
    Case(
        "two 2x2 matrices", (torch.tensor([[1.0, 2.0], [3.0, 4.0]]), torch.tensor([[5.0, 6.0], [7.0, 8.0]]))
    ),
    Case(
        "(2, 3) times (3, 2)",
        (
            torch.tensor([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0]]),
            torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]),
        ),
    ),
    Case(
        "(3, 2) times (2, 4)",
        (
            torch.tensor([[1.0, 2.0], [0.0, 1.0], [-1.0, 0.5]]),
            torch.tensor([[1.0, 0.0, 2.0, 1.0], [0.0, 1.0, 1.0, -2.0]]),
        ),
    ),
]

FLOAT64 = Comparison(rtol=1e-10, atol=1e-10)


def hidden(g: torch.Generator) -> list[Case]:
    n, k, m = rand_int(g, 2, 5), rand_int(g, 6, 9), rand_int(g, 2, 5)
    s = rand_int(g, 3, 6)
    big_A, big_B = randn(g, 3, 5, scale=1e15), randn(g, 5, 4, scale=1e15)
    scale = (big_A.double().abs()[:, :, None] * big_B.double().abs()[None]).sum(dim=1).max()
    big = Comparison(rtol=1e-4, atol=1e-5 * float(scale))
    return [
        Case("random (n, k) times (k, m)", (randn(g, n, k), randn(g, k, m))),
        Case("random (k, n) times (n, m)", (randn(g, k, n), randn(g, n, m))),
        Case("random square matrices", (randn(g, s, s), randn(g, s, s))),
        Case("square B, non-square A", (randn(g, 2, s), randn(g, s, s))),
        Case("larger random matrices", (randn(g, 24, 40), randn(g, 40, 16))),
        Case(
            "float64 input",
            (randn(g, 3, 4, dtype=torch.float64), randn(g, 4, 5, dtype=torch.float64)),
            comparison=FLOAT64,
        ),
        Case(
            "integer matrices",
            (torch.randint(-9, 10, (3, 4), generator=g), torch.randint(-9, 10, (4, 2), generator=g)),
        ),
        Case("row vector times column vector (1, k)·(k, 1)", (randn(g, 1, 6), randn(g, 6, 1))),
        Case("column times row (k = 1)", (randn(g, 4, 1), randn(g, 1, 3))),
        Case("inner size 0 (the result is all zeros)", (torch.zeros(2, 0), torch.zeros(0, 3))),
        Case("no rows in A", (torch.zeros(0, 3), randn(g, 3, 2))),
        Case("large magnitudes", (big_A, big_B), comparison=big),
    ]


EXERCISE = Exercise(
    slug="linalg.matmul",
    title=text("Matrix product", "矩阵乘法"),
    statement=text(
        """Write `matmul(A, B)` that returns the matrix product C = A·B of a matrix `A` of shape
(n, k) and a matrix `B` of shape (k, m). The result has shape (n, m) and
C[i, j] = A[i, 0]·B[0, j] + A[i, 1]·B[1, j] + ... + A[i, k-1]·B[k-1, j]:
row i of `A` dotted with column j of `B`.

Build it from broadcasting and a sum. Give `A` and `B` extra size-1 axes so that their
element-wise product is a tensor P of shape (n, k, m) with P[i, t, j] = A[i, t]·B[t, j],
then add up over the right axis.

- Banned: `torch.matmul`, `torch.mm`, `torch.mv`, `torch.bmm`, `torch.dot`, `torch.inner`,
  `torch.einsum`, `torch.tensordot`, the `@` operator, `torch.linalg.*`,
  `torch.nn.functional.linear` and the matching tensor methods (`A.mm(B)`, `A.matmul(B)`, ...).
- Keep the dtype of the inputs (float64 stays float64, integers stay integers).
- n, k or m may be 0 or 1; when k = 0 every entry of the result is 0.
- Your sums may come out in a different order from torch's, so float32 results are compared
  with a relative tolerance of 1e-4.
- Do not change `A` or `B`.

Example: for `A = [[1, 2], [3, 4]]` and `B = [[5, 6], [7, 8]]`,
`matmul(A, B)` is `[[1·5 + 2·7, 1·6 + 2·8], [3·5 + 4·7, 3·6 + 4·8]] = [[19, 22], [43, 50]]`.""",
        """编写 `matmul(A, B)`：返回形状为 (n, k) 的矩阵 `A` 与形状为 (k, m) 的矩阵 `B`
的乘积 C = A·B。结果的形状为 (n, m)，且
C[i, j] = A[i, 0]·B[0, j] + A[i, 1]·B[1, j] + … + A[i, k-1]·B[k-1, j]，
即 `A` 的第 i 行与 `B` 的第 j 列的点积。

请用广播加求和来实现：给 `A` 和 `B` 各添加一个长度为 1 的维度，使它们按元素相乘后得到
形状为 (n, k, m) 的张量 P，其中 P[i, t, j] = A[i, t]·B[t, j]；然后沿正确的维度求和。

- 不允许使用：`torch.matmul`、`torch.mm`、`torch.mv`、`torch.bmm`、`torch.dot`、`torch.inner`、
  `torch.einsum`、`torch.tensordot`、`@` 运算符、`torch.linalg.*`、`torch.nn.functional.linear`，
  以及对应的张量方法（`A.mm(B)`、`A.matmul(B)` 等）。
- 保持输入的数据类型（float64 仍为 float64，整数仍为整数）。
- n、k、m 都可能是 0 或 1；k = 0 时结果的每一项都是 0。
- 你的求和顺序可能与 torch 内部不同，因此 float32 结果按 1e-4 的相对容差比较。
- 不要修改 `A` 或 `B`。

例子：`A = [[1, 2], [3, 4]]`，`B = [[5, 6], [7, 8]]` 时，
`matmul(A, B)` 为 `[[1·5 + 2·7, 1·6 + 2·8], [3·5 + 4·7, 3·6 + 4·8]] = [[19, 22], [43, 50]]`。""",
    ),
    signature="matmul(A: Tensor, B: Tensor) -> Tensor",
    starter="""import torch


def matmul(A: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
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
