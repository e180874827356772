"""stats.low_rank_approx: the best rank-k approximation of a matrix, through the SVD."""

import torch

from exercises._common import rand_int
from grader.exercise import Case, Comparison, Exercise, Mutant, text


def reference(A: torch.Tensor, k: int) -> torch.Tensor:
    U, S, Vh = torch.linalg.svd(A, full_matrices=False)
    return U[:, :k] @ torch.diag(S[:k]) @ Vh[:k]


SOLUTION = """
import torch

def low_rank_approx(A, k):
    U, S, Vh = torch.linalg.svd(A, full_matrices=False)   # S is sorted, largest first
    return U[:, :k] @ torch.diag(S[:k]) @ Vh[:k]          # keep the k largest terms
"""

MUTANTS = [
    Mutant(
        "takes the columns of Vh",
        """
import torch

def low_rank_approx(A, k):
    U, S, Vh = torch.linalg.svd(A, full_matrices=False)
    return U[:, :k] @ torch.diag(S[:k]) @ Vh[:, :k].T
""",
        text(
            "torch.linalg.svd returns Vh, which is already Vᵀ: the right singular vectors are "
            "the ROWS of Vh. A = U diag(S) Vh, so keep the first k rows: Vh[:k].",
            "torch.linalg.svd 返回的 Vh 已经是 Vᵀ：右奇异向量是 Vh 的行。A = U diag(S) Vh，"
            "所以应当保留前 k 行：Vh[:k]。",
        ),
    ),
    Mutant(
        "keeps k + 1 terms",
        """
import torch

def low_rank_approx(A, k):
    U, S, Vh = torch.linalg.svd(A, full_matrices=False)
    return U[:, :k + 1] @ torch.diag(S[:k + 1]) @ Vh[:k + 1]
""",
        text(
            "A rank-k approximation keeps exactly k singular values. The slice [:k] already "
            "takes k of them (indices 0 to k - 1).",
            "秩为 k 的近似恰好保留 k 个奇异值。切片 [:k] 已经取到了 k 个（下标 0 到 k - 1）。",
        ),
    ),
    Mutant(
        "returns U_k · S_k (the coordinates)",
        """
import torch

def low_rank_approx(A, k):
    U, S, Vh = torch.linalg.svd(A, full_matrices=False)
    return U[:, :k] * S[:k]
""",
        text(
            "U[:, :k] * S[:k] are the coordinates of the rows in the top-k basis (an (m, k) "
            "matrix, as in PCA). The approximation of A has A's shape (m, n): multiply back "
            "by Vh[:k].",
            "U[:, :k] * S[:k] 是各行在前 k 个基向量下的坐标（(m, k) 的矩阵，就像 PCA 那样）。"
            "A 的近似与 A 形状相同，为 (m, n)：还要再乘回 Vh[:k]。",
        ),
    ),
    Mutant(
        "eigh of AᵀA overflows",
        """
import torch

def low_rank_approx(A, k):
    values, V = torch.linalg.eigh(A.T @ A)
    Vk = V[:, -k:]
    return A @ Vk @ Vk.T
""",
        text(
            "Forming AᵀA squares every entry: for float32 entries around 1e20 the squares "
            "(1e40) overflow to inf. torch.linalg.svd works on A itself and has no such problem.",
            "计算 AᵀA 相当于把元素平方：float32 的元素约为 1e20 时，平方（1e40）会溢出成 inf。"
            "torch.linalg.svd 直接作用在 A 上，没有这个问题。",
        ),
    ),
    Mutant(
        "eigh of AᵀA: first k eigenvectors",
        """
import torch

def low_rank_approx(A, k):
    values, V = torch.linalg.eigh(A.T @ A)
    Vk = V[:, :k]
    return A @ Vk @ Vk.T
""",
        text(
            "torch.linalg.eigh sorts the eigenvalues in ASCENDING order, so its first columns "
            "belong to the SMALLEST singular values. The best approximation keeps the largest "
            "ones. (Better still, use torch.linalg.svd directly.)",
            "torch.linalg.eigh 的特征值按从小到大排列，所以前几列对应的是最小的奇异值。"
            "最佳近似要保留最大的那些。（更好的办法是直接用 torch.linalg.svd。）",
        ),
    ),
]


def matrix(
    g: torch.Generator,
    m: int,
    n: int,
    dtype: torch.dtype = torch.float32,
    scale: float = 1.0,
    rank: int | None = None,
) -> torch.Tensor:
    """U diag(s) Vᵀ with orthonormal U, V and singular values 8, 4, 2, 1, ... (times scale)."""
    r = min(m, n)
    u, _ = torch.linalg.qr(torch.randn(m, r, generator=g, dtype=torch.float64))
    v, _ = torch.linalg.qr(torch.randn(n, r, generator=g, dtype=torch.float64))
    s = 8.0 * 2.0 ** -torch.arange(r, dtype=torch.float64)
    if rank is not None:
        s[rank:] = 0.0
    return ((u * s) @ v.T * scale).to(dtype)


PUBLIC = [
    Case("a symmetric 2x2 matrix, k=1", (torch.tensor([[3.0, 1.0], [1.0, 3.0]]), 1)),
    Case(
        "a diagonal 3x3 matrix, k=2", (torch.tensor([[2.0, 0.0, 0.0], [0.0, -5.0, 0.0], [0.0, 0.0, 1.0]]), 2)
    ),
]


def hidden(g: torch.Generator) -> list[Case]:
    m, n = rand_int(g, 2, 9), rand_int(g, 2, 9)
    k = rand_int(g, 1, min(m, n) - 1)
    large = Comparison(rtol=1e-4, atol=1e16)
    return [
        Case("random 6x4, k=2", (matrix(g, 6, 4), 2)),
        Case("random size and k", (matrix(g, m, n), k)),
        Case("tall 10x3, k=1", (matrix(g, 10, 3), 1)),
        Case("wide 3x8, k=2", (matrix(g, 3, 8), 2)),
        Case("square 5x5, k=3", (matrix(g, 5, 5), 3)),
        Case("k equal to min(m, n): A itself", (matrix(g, 4, 6), 4)),
        Case("a matrix of rank 2, k=2", (matrix(g, 7, 5, rank=2), 2)),
        Case("float64 input", (matrix(g, 8, 6, dtype=torch.float64), 3)),
        Case("float64, k=1", (matrix(g, 5, 9, dtype=torch.float64), 1)),
        Case("large magnitudes (entries around 1e20)", (matrix(g, 6, 5, scale=1e20), 2), comparison=large),
    ]


EXERCISE = Exercise(
    slug="stats.low_rank_approx",
    title=text("Best rank-k approximation", "最佳秩 k 近似"),
    statement=text(
        """Write `low_rank_approx(A, k)` that returns the best approximation of the (m, n) matrix
`A` by a matrix of rank at most `k` (best in the sense of least squares, i.e. the Frobenius
norm of the difference).

By the Eckart–Young theorem it comes from the singular value decomposition
`A = U diag(S) Vh` (`torch.linalg.svd(A, full_matrices=False)`, singular values `S` sorted from
largest to smallest). A is the sum of the rank-1 terms s_i · u_i · v_iᵀ, where u_i is
column i of U and v_iᵀ is row i of Vh; the best rank-k approximation keeps the k terms with
the largest singular values and drops the rest:

    A_k = s_1 u_1 v_1ᵀ + s_2 u_2 v_2ᵀ + ... + s_k u_k v_kᵀ

The result has the shape (m, n) and the dtype of `A`. The inputs have distinct singular values,
so the answer is unique; `1 <= k <= min(m, n)` (with `k = min(m, n)` you get `A` back).

Example: `A = [[3, 1], [1, 3]]` has singular values 4 and 2; with `k = 1` the result is
`[[2, 2], [2, 2]]`.

Rules: entries can be as large as 1e20 in float32, so do not form AᵀA or AAᵀ (the squares
overflow); the SVD of `A` itself is fine. Do not change `A`.""",
        """编写 `low_rank_approx(A, k)`：返回 (m, n) 矩阵 `A` 的最佳秩 k 近似，即秩不超过 `k` 的
矩阵中与 `A` 最接近的那个（按最小二乘意义，也就是差的 Frobenius 范数最小）。

根据 Eckart–Young 定理，它可以由奇异值分解 `A = U diag(S) Vh` 得到
（`torch.linalg.svd(A, full_matrices=False)`，奇异值 `S` 从大到小排列）。A 等于各个秩 1 项
s_i · u_i · v_iᵀ 之和，其中 u_i 是 U 的第 i 列，v_iᵀ 是 Vh 的第 i 行；最佳秩 k 近似保留
奇异值最大的 k 项，其余的舍去：

    A_k = s_1 u_1 v_1ᵀ + s_2 u_2 v_2ᵀ + ... + s_k u_k v_kᵀ

结果的形状为 (m, n)，数据类型与 `A` 相同。输入矩阵的奇异值互不相同，所以答案唯一；
`1 <= k <= min(m, n)`（`k = min(m, n)` 时得到的就是 `A` 本身）。

例子：`A = [[3, 1], [1, 3]]` 的奇异值为 4 和 2；`k = 1` 时结果为 `[[2, 2], [2, 2]]`。

要求：float32 元素可能大到 1e20，所以不要计算 AᵀA 或 AAᵀ（平方会溢出）；
直接对 `A` 做 SVD 没有问题。不要修改 `A`。""",
    ),
    signature="low_rank_approx(A: Tensor, k: int) -> Tensor",
    starter="""import torch


def low_rank_approx(A: torch.Tensor, k: int) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
    comparison=Comparison(rtol=1e-4, atol=1e-4),
)
