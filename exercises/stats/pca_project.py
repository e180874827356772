"""stats.pca_project: centre the data and project onto the top-k principal directions."""

import math

import torch

from exercises._common import rand_int
from grader.exercise import Case, Comparison, Exercise, Mutant, text


def reference(X: torch.Tensor, k: int) -> torch.Tensor:
    centred = X - X.mean(dim=0, keepdim=True)
    _, _, Vh = torch.linalg.svd(centred, full_matrices=False)
    return centred @ Vh[:k].mT


SOLUTION = """
import torch

def pca_project(X, k):
    centred = X - X.mean(dim=0, keepdim=True)            # mean of every feature (column)
    U, S, Vh = torch.linalg.svd(centred, full_matrices=False)
    directions = Vh[:k].T                                # (d, k): top-k right singular vectors
    return centred @ directions
"""

MUTANTS = [
    Mutant(
        "does not centre the data",
        """
import torch

def pca_project(X, k):
    U, S, Vh = torch.linalg.svd(X, full_matrices=False)
    return X @ Vh[:k].T
""",
        text(
            "PCA looks for the directions of largest variance around the MEAN. Without "
            "subtracting the mean of every feature first, the first direction mostly points "
            "towards the mean itself. Centre X (subtract the column means) before the SVD, and "
            "project the centred data.",
            "PCA 寻找的是数据围绕均值变化最大的方向。如果不先减去每个特征的均值，第一个方向"
            "大多会指向均值本身。请在做 SVD 之前先把 X 中心化（减去每一列的均值），"
            "并投影中心化后的数据。",
        ),
    ),
    Mutant(
        "uses the columns of Vh",
        """
import torch

def pca_project(X, k):
    centred = X - X.mean(dim=0, keepdim=True)
    U, S, Vh = torch.linalg.svd(centred, full_matrices=False)
    return centred @ Vh[:, :k]
""",
        text(
            "Your result is the centred data projected onto the first k COLUMNS of Vh (the "
            "first k ROWS of V), not onto the principal directions. torch.linalg.svd returns "
            "Vh = Vᵀ, whose ROWS are the directions: use Vh[:k].T. torch.svd returns V itself, "
            "whose COLUMNS are the directions: use V[:, :k] (V[idx] picks rows).",
            "你的结果是把中心化的数据投影到 Vh 的前 k 列（即 V 的前 k 行）上，而不是主方向上。"
            "torch.linalg.svd 返回的是 Vh = Vᵀ，它的每一行是一个主方向：请用 Vh[:k].T。"
            "torch.svd 返回的是 V 本身，它的每一列是一个主方向：请用 V[:, :k]（V[idx] 取的是行）。",
        ),
    ),
    Mutant(
        "eigh: takes the first k eigenvectors",
        """
import torch

def pca_project(X, k):
    centred = X - X.mean(dim=0, keepdim=True)
    cov = centred.T @ centred / (X.shape[0] - 1)
    values, vectors = torch.linalg.eigh(cov)
    return centred @ vectors[:, :k]
""",
        text(
            "torch.linalg.eigh returns the eigenvalues in ASCENDING order, so its first "
            "columns are the directions of the SMALLEST variance. The principal directions are "
            "the last k columns, largest eigenvalue first.",
            "torch.linalg.eigh 返回的特征值是按从小到大排列的，所以前几列是方差最小的方向。"
            "主方向是最后 k 列，并且要让特征值最大的排在最前面。",
        ),
    ),
    Mutant(
        "centres each row instead of each column",
        """
import torch

def pca_project(X, k):
    centred = X - X.mean(dim=1, keepdim=True)
    U, S, Vh = torch.linalg.svd(centred, full_matrices=False)
    return centred @ Vh[:k].T
""",
        text(
            "The rows of X are the N samples and the columns the d features: the mean to "
            "subtract is the mean over the samples, one value per feature (dim=0), not the mean "
            "of each sample.",
            "X 的每一行是一个样本（共 N 个），每一列是一个特征（共 d 个）：要减去的是对样本求的"
            "均值，即每个特征一个值（dim=0），而不是每个样本自己的均值。",
        ),
    ),
    Mutant(
        "returns U without the singular values",
        """
import torch

def pca_project(X, k):
    centred = X - X.mean(dim=0, keepdim=True)
    U, S, Vh = torch.linalg.svd(centred, full_matrices=False)
    return U[:, :k]
""",
        text(
            "Every column of your result has length 1: these are the columns of U, the "
            "projections divided by the singular values. The projected data are "
            "centred @ Vh[:k].T, which equals U[:, :k] * S[:k].",
            "你的结果每一列的长度都是 1：这是 U 的列，也就是投影结果再除以奇异值。投影后的数据是 "
            "centred @ Vh[:k].T，也就等于 U[:, :k] * S[:k]。",
        ),
    ),
    Mutant(
        "divides by the standard deviation",
        """
import torch

def pca_project(X, k):
    standardized = (X - X.mean(dim=0)) / X.std(dim=0)
    U, S, Vh = torch.linalg.svd(standardized, full_matrices=False)
    return standardized @ Vh[:k].T
""",
        text(
            "Your result is the PCA of the data scaled to unit variance per feature (each "
            "column divided by its standard deviation). This exercise asks for the PCA of the "
            "centred data: subtract the column means, and do not divide by the standard deviation.",
            "你的结果是把每个特征缩放到单位方差（每一列除以它的标准差）之后的 PCA。"
            "本题要求的是中心化数据的 PCA：只减去每一列的均值，不要除以标准差。",
        ),
    ),
    Mutant(
        "divides by the standard deviation and takes rows of V",
        """
import torch

def pca_project(X, k):
    standardized = (X - X.mean(dim=0)) / X.std(dim=0)
    U, S, V = torch.svd(standardized)
    indx = torch.argsort(S, descending=True)[:k]
    return standardized @ V[indx].T
""",
        text(
            "Two things differ from PCA of the centred data. Your result divides every column "
            "by its standard deviation (only subtract the mean), and it projects onto ROWS of V "
            "(V[idx] picks rows): torch.svd returns V, whose COLUMNS are the principal "
            "directions, so take V[:, :k].",
            "你的结果与中心化数据的 PCA 有两处不同：一是把每一列除以了它的标准差（只需减去均值）；"
            "二是投影到了 V 的行上（V[idx] 取的是行）：torch.svd 返回的是 V，它的每一列才是主方向，"
            "所以应取 V[:, :k]。",
        ),
    ),
    Mutant(
        "centres X in place",
        """
import torch

def pca_project(X, k):
    X -= X.mean(dim=0, keepdim=True)
    U, S, Vh = torch.linalg.svd(X, full_matrices=False)
    return X @ Vh[:k].T
""",
        text(
            "X -= ... changes the caller's data: after your call their X is centred. Compute "
            "centred = X - mean into a new tensor.",
            "X -= ... 会改掉调用者的数据：调用之后对方的 X 已经被中心化了。"
            "请写成 centred = X - mean，得到一个新张量。",
        ),
    ),
]


def pca_data(
    g: torch.Generator,
    n: int,
    d: int,
    dtype: torch.dtype = torch.float32,
    scale: float = 1.0,
    offset: float = 5.0,
) -> torch.Tensor:
    """N samples in d dims whose centred singular values are exactly 10·sqrt(n)·2^-i · scale.

    Well-separated singular values make every principal direction unique up to sign; the mean
    (around ``offset``) is far from 0 so that forgetting to centre changes the answer.
    """
    z = torch.randn(n, d, generator=g, dtype=torch.float64)
    q, _ = torch.linalg.qr(z - z.mean(dim=0))  # orthonormal columns with mean 0
    v, _ = torch.linalg.qr(torch.randn(d, d, generator=g, dtype=torch.float64))
    s = 10.0 * math.sqrt(n) * 2.0 ** -torch.arange(d, dtype=torch.float64)
    mean = offset + 3.0 * torch.randn(d, generator=g, dtype=torch.float64)
    return ((q * s @ v.T + mean) * scale).to(dtype)


PUBLIC = [
    Case(
        "6 points in 2-d onto 1 direction",
        (torch.tensor([[2.0, 1.0], [3.0, 2.0], [4.0, 2.0], [5.0, 4.0], [6.0, 4.0], [7.0, 5.0]]), 1),
    ),
    Case(
        "4 points in 3-d onto 2 directions",
        (torch.tensor([[1.0, 0.0, 2.0], [2.0, 1.0, 2.5], [4.0, 1.0, 1.0], [6.0, 3.0, 0.5]]), 2),
    ),
]


def hidden(g: torch.Generator) -> list[Case]:
    d = rand_int(g, 3, 6)
    n = rand_int(g, d + 3, 30)
    k = rand_int(g, 1, d)
    large = Comparison(rtol=1e-4, atol=1e8, sign_invariant_dim=1)
    return [
        Case("20 points in 5-d, k=2", (pca_data(g, 20, 5), 2)),
        Case("random size and k", (pca_data(g, n, d), k)),
        Case("k=1", (pca_data(g, 15, 4), 1)),
        Case("k equal to the number of features", (pca_data(g, 12, 4), 4)),
        Case("a single feature", (pca_data(g, 8, 1), 1)),
        Case("mean far from 0", (pca_data(g, 25, 3, offset=100.0), 2)),
        Case("just enough points (n = d + 1)", (pca_data(g, 5, 4), 3)),
        Case("float64 input", (pca_data(g, 30, 6, dtype=torch.float64), 3)),
        Case("float64, many points", (pca_data(g, 200, 4, dtype=torch.float64), 2)),
        Case("large magnitudes", (pca_data(g, 20, 3, scale=1e12), 2), comparison=large),
    ]


EXERCISE = Exercise(
    slug="stats.pca_project",
    title=text("PCA: project onto the principal components", "PCA：投影到主成分上"),
    statement=text(
        """`X` has shape (N, d): N samples (rows), each with d features (columns). Write
`pca_project(X, k)` that reduces the data to k dimensions with principal component analysis:

1. centre the data: subtract from every column its mean (the mean over the samples);
2. find the k principal directions of the centred data, the directions of largest variance:
   the top-k right singular vectors (`torch.linalg.svd`), or equivalently the eigenvectors of
   the covariance matrix with the k largest eigenvalues;
3. return the coordinates of the centred samples along these directions: an (N, k) tensor
   whose column j belongs to the j-th direction (largest variance first).

A direction and its opposite are equally good, so each column of your result may have either
sign; the checker accepts both. The inputs have clearly different variances in every
direction, so the directions are otherwise unique.

Example: the 2-d points (2, 1), (3, 2), (4, 2), (5, 4), (6, 4), (7, 5) lie close to a line; with
`k = 1` the result is their (6, 1) coordinates along that line, about
`[[-3.20], [-1.79], [-1.02], [1.02], [1.79], [3.20]]` up to sign (mean (4.5, 3) removed first).

Rules: the result has the dtype of `X`; do not change `X`.""",
        """`X` 的形状为 (N, d)：N 个样本（行），每个样本有 d 个特征（列）。编写
`pca_project(X, k)`，用主成分分析（PCA）把数据降到 k 维：

1. 中心化：每一列减去该列的均值（即对所有样本求的均值）；
2. 求中心化数据的 k 个主方向，即方差最大的方向：可以取前 k 个右奇异向量
   （`torch.linalg.svd`），也可以取协方差矩阵中特征值最大的 k 个特征向量；
3. 返回中心化后的样本在这些方向上的坐标：形状为 (N, k) 的张量，第 j 列对应第 j 个方向
   （方差最大的排在最前）。

一个方向和它的反方向同样成立，所以结果的每一列正负号都可以任意，检查时两种符号都接受。
输入数据在各个方向上的方差明显不同，除符号外主方向是唯一确定的。

例子：二维点 (2, 1)、(3, 2)、(4, 2)、(5, 4)、(6, 4)、(7, 5) 大致分布在一条直线附近；
`k = 1` 时结果是它们沿这条直线的坐标，形状 (6, 1)，约为
`[[-3.20], [-1.79], [-1.02], [1.02], [1.79], [3.20]]`（符号可以整体相反；先减去均值 (4.5, 3)）。

要求：结果的数据类型与 `X` 相同；不要修改 `X`。""",
    ),
    signature="pca_project(X: Tensor, k: int) -> Tensor",
    starter="""import torch


def pca_project(X: torch.Tensor, k: int) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
    comparison=Comparison(rtol=1e-4, atol=1e-4, sign_invariant_dim=1),
)
