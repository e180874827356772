"""linalg.batched_matmul: matrix products over broadcast batch dimensions, without matmul."""

import torch

from exercises._common import MATRIX_PRODUCT_BANS, rand_int, randn
from grader.exercise import Case, Comparison, Exercise, Mutant, text


def reference(A: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
    return torch.matmul(A, B)


SOLUTION = """
import torch

def batched_matmul(A, B):
    # A: (..., n, k, 1) and B: (..., 1, k, m) broadcast to (..., n, k, m);
    # summing over k (axis -2) leaves (..., n, m).
    return (A.unsqueeze(-1) * B.unsqueeze(-3)).sum(dim=-2)
"""

MUTANTS = [
    Mutant(
        "assumes exactly one batch dimension",
        """
def batched_matmul(A, B):
    return (A[:, :, :, None] * B[:, None, :, :]).sum(dim=2)
""",
        text(
            "A[:, :, :, None] only works for 3-d tensors. Index from the end (unsqueeze(-1), "
            "sum(dim=-2)) so any number of batch dimensions, even none, works.",
            "A[:, :, :, None] 只适用于三维张量。请从后往前数维度（unsqueeze(-1)、sum(dim=-2)），"
            "这样任意个批量维度（包括没有批量维度）都能处理。",
        ),
    ),
    Mutant(
        "sums over the wrong axis",
        """
def batched_matmul(A, B):
    return (A.unsqueeze(-1) * B.unsqueeze(-3)).sum(dim=-1)
""",
        text(
            "After A.unsqueeze(-1) * B.unsqueeze(-3) the shared length k sits at axis -2, "
            "not -1: that is the axis to sum over.",
            "A.unsqueeze(-1) * B.unsqueeze(-3) 之后，共同的长度 k 在第 -2 维而不是 -1 维，应当沿这一维求和。",
        ),
    ),
    Mutant(
        "computes A times B transposed",
        """
def batched_matmul(A, B):
    return (A.unsqueeze(-2) * B.unsqueeze(-3)).sum(dim=-1)
""",
        text(
            "Entry (i, j) pairs row i of A with COLUMN j of B. Multiplying A.unsqueeze(-2) with "
            "B.unsqueeze(-3) pairs rows of A with rows of B, which is A·Bᵀ.",
            "第 (i, j) 个元素由 A 的第 i 行与 B 的第 j 列配对得到。A.unsqueeze(-2) 乘 "
            "B.unsqueeze(-3) 配对的是 A 的行与 B 的行，算出的是 A·Bᵀ。",
        ),
    ),
    Mutant(
        "flattens the batch without broadcasting",
        """
import torch

def batched_matmul(A, B):
    n, k = A.shape[-2:]
    m = B.shape[-1]
    batch = A.shape[:-2]
    a = A.reshape(-1, n, k)
    b = B.reshape(-1, k, m)
    out = torch.stack([(a[i][:, :, None] * b[i][None, :, :]).sum(dim=1) for i in range(a.shape[0])])
    return out.reshape(*batch, n, m)
""",
        text(
            "The batch shapes of A and B need not be equal: they broadcast, like (2, 1) with "
            "(3,) giving (2, 3). Let broadcasting pair the batches instead of flattening them.",
            "A 和 B 的批量维度不一定相同，它们之间要广播，例如 (2, 1) 与 (3,) 广播成 (2, 3)。"
            "请让广播去配对各个批次，而不是把批量维度展平。",
        ),
    ),
]

PUBLIC = [
    Case(
        "one batch of two 2x2 products",
        (
            torch.tensor([[[1.0, 2.0], [3.0, 4.0]], [[1.0, 0.0], [0.0, 1.0]]]),
            torch.tensor([[[5.0, 6.0], [7.0, 8.0]], [[2.0, -1.0], [0.5, 3.0]]]),
        ),
    ),
    Case(
        "plain matrices (2x3)·(3x1)",
        (torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), torch.tensor([[1.0], [0.0], [-1.0]])),
    ),
    Case(
        "one matrix against a batch of two",
        (
            torch.tensor([[1.0, 2.0], [0.0, 1.0]]),
            torch.tensor([[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [1.0, 0.0]]]),
        ),
    ),
]


def hidden(g: torch.Generator) -> list[Case]:
    b = rand_int(g, 2, 4)
    n, k, m = rand_int(g, 2, 5), rand_int(g, 2, 6), rand_int(g, 2, 5)
    s = rand_int(g, 2, 5)
    return [
        Case("random batch, same batch shapes", (randn(g, b, n, k), randn(g, b, k, m))),
        Case("batch broadcasting (2,1,n,k)·(3,k,m)", (randn(g, 2, 1, n, k), randn(g, 3, k, m))),
        Case("batch broadcasting (b,n,k)·(1,k,m)", (randn(g, b, n, k), randn(g, 1, k, m))),
        Case("matrix times a batch", (randn(g, n, k), randn(g, 2, 3, k, m))),
        Case("a size-1 batch", (randn(g, 1, n, k), randn(g, 1, k, m))),
        Case("square matrices in a batch", (randn(g, b, s, s), randn(g, b, s, s))),
        Case("no batch dimensions", (randn(g, n, k), randn(g, k, m))),
        Case(
            "float64 input", (randn(g, 2, n, k, dtype=torch.float64), randn(g, 2, k, m, dtype=torch.float64))
        ),
        Case(
            "integer matrices",
            (torch.randint(-5, 6, (2, 3, 4), generator=g), torch.randint(-5, 6, (2, 4, 2), generator=g)),
        ),
        Case("inner dimension of length 0", (torch.zeros(2, 3, 0), torch.zeros(2, 0, 4))),
        Case("single row times single column", (randn(g, 3, 1, 6), randn(g, 3, 6, 1))),
        Case(
            "large magnitudes",
            (randn(g, 2, 3, 4, scale=1e15), randn(g, 2, 4, 3, scale=1e15)),
            comparison=Comparison(atol=1e25),
        ),  # cancellation: error scales with the terms
    ]


EXERCISE = Exercise(
    slug="linalg.batched_matmul",
    title=text("Batched matrix product with broadcasting", "带广播的批量矩阵乘法"),
    statement=text(
        """Write `batched_matmul(A, B)` that multiplies stacks of matrices: `A` has shape
(..., n, k) and `B` has shape (..., k, m); the result has shape (..., n, m) and each of its
matrices is the product of the matching matrices of `A` and `B`:

    C[..., i, j] = sum over t of A[..., i, t] * B[..., t, j]

The leading "batch" dimensions `...` broadcast as usual: they may differ in number and a size-1
dimension stretches. For example A of shape (2, 1, n, k) and B of shape (3, k, m) give a result
of shape (2, 3, n, m); plain matrices (no batch dimension at all) must work too.

- Banned: `@`, `torch.matmul`, `mm`, `bmm`, `mv`, `dot`, `inner`, `einsum`, `tensordot`,
  `torch.linalg.*` and their relatives. Use broadcasting: give A a new last axis and B a new
  axis before its last two, multiply, and sum over the shared length k.
- Keep the dtype of the inputs; do not change `A` or `B`.

Example: with a batch of one pair,
`A = [[[1, 2], [3, 4]]]` and `B = [[[5, 6], [7, 8]]]` (both shape (1, 2, 2)),
`batched_matmul(A, B)` is `[[[19, 22], [43, 50]]]` (shape (1, 2, 2)),
since 1·5 + 2·7 = 19, 1·6 + 2·8 = 22, 3·5 + 4·7 = 43 and 3·6 + 4·8 = 50.""",
        """编写 `batched_matmul(A, B)`：对一叠叠矩阵做乘法。`A` 的形状为 (..., n, k)，`B` 的形状为
(..., k, m)，结果形状为 (..., n, m)，其中每个矩阵都是 `A` 与 `B` 中对应矩阵的乘积：

    C[..., i, j] = 对 t 求和 A[..., i, t] * B[..., t, j]

前面的“批量”维度 `...` 按通常的规则广播：两者的批量维度个数可以不同，长度为 1 的维度会被拉伸。
例如形状为 (2, 1, n, k) 的 A 与形状为 (3, k, m) 的 B 相乘，结果形状为 (2, 3, n, m)；
没有任何批量维度的普通矩阵也必须能处理。

- 禁止使用：`@`、`torch.matmul`、`mm`、`bmm`、`mv`、`dot`、`inner`、`einsum`、`tensordot`、
  `torch.linalg.*` 及其同类函数。请用广播：给 A 在最后加一个新维度，给 B 在最后两维之前加一个
  新维度，相乘后沿共同的长度 k 求和。
- 保持输入的数据类型；不要修改 `A` 和 `B`。

例子：批量中只有一对矩阵时，`A = [[[1, 2], [3, 4]]]`，`B = [[[5, 6], [7, 8]]]`
（形状都是 (1, 2, 2)），`batched_matmul(A, B)` 为 `[[[19, 22], [43, 50]]]`（形状 (1, 2, 2)），
因为 1·5 + 2·7 = 19，1·6 + 2·8 = 22，3·5 + 4·7 = 43，3·6 + 4·8 = 50。""",
    ),
    signature="batched_matmul(A: Tensor, B: Tensor) -> Tensor",
    starter="""import torch


def batched_matmul(A: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
    bans=MATRIX_PRODUCT_BANS,
)
