"""ops.kth_smallest: the k-th smallest value along a dimension (like kthvalue), without kthvalue."""

import torch

from exercises._common import rand_int, randn
from grader.exercise import Bans, Case, Exercise, Mutant, text


def reference(x: torch.Tensor, k: int, dim: int = -1) -> torch.Tensor:
    return torch.kthvalue(x, k, dim=dim).values


SOLUTION = """
import torch

def kth_smallest(x, k, dim=-1):
    ordered = torch.sort(x, dim=dim).values    # ascending along dim
    return ordered.select(dim, k - 1)          # k counts from 1
"""

MUTANTS = [
    Mutant(
        "k used as a 0-based index",
        """
import torch

def kth_smallest(x, k, dim=-1):
    return torch.sort(x, dim=dim).values.select(dim, k)
""",
        text(
            "k counts from 1: k = 1 asks for the smallest value, which sits at index 0 after "
            "sorting. The k-th smallest is at index k - 1.",
            "k 是从 1 开始数的：k = 1 表示最小值，排序后它在下标 0 的位置。第 k 小的值在下标 k - 1 处。",
        ),
    ),
    Mutant(
        "sorted in descending order",
        """
import torch

def kth_smallest(x, k, dim=-1):
    return torch.sort(x, dim=dim, descending=True).values.select(dim, k - 1)
""",
        text(
            "After a descending sort, index k - 1 holds the k-th LARGEST value. For the k-th "
            "smallest, sort in ascending order (the default).",
            "降序排序后，下标 k - 1 处是第 k 大的值。要取第 k 小的值，请按升序（默认）排序。",
        ),
    ),
    Mutant(
        "picks from the last axis",
        """
import torch

def kth_smallest(x, k, dim=-1):
    return torch.sort(x, dim=dim).values[..., k - 1]
""",
        text(
            "[..., k - 1] always indexes the last axis, but the values were sorted along `dim`. "
            "Pick along the same axis you sorted (for example with .select(dim, k - 1)).",
            "[..., k - 1] 总是在最后一维上取下标，而你是沿 `dim` 排序的。请沿着排序的那一维"
            "取值（例如用 .select(dim, k - 1)）。",
        ),
    ),
    Mutant(
        "keeps the reduced dimension",
        """
import torch

def kth_smallest(x, k, dim=-1):
    return torch.sort(x, dim=dim).values.narrow(dim, k - 1, 1)
""",
        text(
            "Like kthvalue, the result drops the dimension `dim` (x of shape (3, 5) with dim=1 "
            "gives shape (3,)). Your result keeps it with size 1; take a single index instead "
            "of a slice of length 1 (or squeeze that dimension).",
            "与 kthvalue 一样，结果中不再有第 `dim` 维（形状 (3, 5) 的 x 取 dim=1 得到形状 (3,)）。"
            "你的结果把这一维保留成了长度 1；请取单个下标而不是长度为 1 的切片"
            "（或者把这一维 squeeze 掉）。",
        ),
    ),
]

PUBLIC = [
    Case("2nd smallest of a vector (a tie)", (torch.tensor([7.0, 2.0, 9.0, 4.0, 4.0]), 2)),
    Case("2nd smallest of each row", (torch.tensor([[3.0, 1.0, 2.0], [5.0, 5.0, 4.0]]), 2)),
    Case("along dim 0", (torch.tensor([[1.0, 8.0], [6.0, 2.0], [4.0, 5.0]]), 3, 0)),
]


def hidden(g: torch.Generator) -> list[Case]:
    ndim = rand_int(g, 1, 3)
    shape = [rand_int(g, 2, 6) for _ in range(ndim)]
    dim = rand_int(g, 0, ndim - 1)
    k = rand_int(g, 1, shape[dim])
    return [
        Case("random rows, k=3", (randn(g, 4, 9), 3)),
        Case("random shape, dim and k", (randn(g, *shape), k, dim)),
        Case("dim 0 of a matrix", (randn(g, 6, 4), 2, 0)),
        Case("negative dim -2 of a 3-d tensor", (randn(g, 2, 5, 3), 4, -2)),
        Case("many ties", (torch.randint(0, 3, (5, 8), generator=g).float(), 4)),
        Case("k=1 (the minimum)", (randn(g, 3, 7), 1)),
        Case("k equal to the size of the dimension (the maximum)", (randn(g, 4, 6), 6)),
        Case("float64 input", (randn(g, 3, 8, dtype=torch.float64), 5, 1)),
        Case("integer tensor", (torch.randint(-100, 100, (4, 7), generator=g), 3)),
        Case("large magnitudes", (randn(g, 3, 5, scale=1e30), 2)),
        Case("a size-1 dimension", (randn(g, 4, 1), 1, -1)),
        Case("no rows (empty dimension)", (torch.zeros(0, 5), 2)),
    ]


KTH_BANS = Bans(
    names=frozenset({"torch.kthvalue", "Tensor.kthvalue"}),
    runtime=frozenset({"aten::kthvalue", "torch.kthvalue", "Tensor.kthvalue"}),
)

EXERCISE = Exercise(
    slug="ops.kth_smallest",
    title=text("The k-th smallest value", "第 k 小的值"),
    statement=text(
        """Write `kth_smallest(x, k, dim=-1)` that returns the `k`-th smallest value of `x` along
the dimension `dim`, the way `torch.kthvalue(x, k, dim).values` does:

- `k` counts from 1: `k = 1` is the smallest value, `k = x.shape[dim]` the largest.
- Equal values count separately: in `[7, 2, 9, 4, 4]` the 2nd and the 3rd smallest are both 4.
- The dimension `dim` disappears from the result (a (3, 5) tensor with `dim=1` gives shape (3,)).
- `dim` may be negative; the result has the dtype of `x`.

Example: `kth_smallest([[3, 1, 2], [5, 5, 4]], 2)` is `[2, 5]`.

Rules: do not use `torch.kthvalue` or `x.kthvalue()` (sorting is allowed). Do not change `x`.""",
        """编写 `kth_smallest(x, k, dim=-1)`：返回 `x` 沿第 `dim` 维第 `k` 小的值，效果与
`torch.kthvalue(x, k, dim).values` 相同：

- `k` 从 1 开始数：`k = 1` 是最小值，`k = x.shape[dim]` 是最大值。
- 相等的值分别计数：`[7, 2, 9, 4, 4]` 中第 2 小和第 3 小的值都是 4。
- 结果中不再有第 `dim` 维（形状 (3, 5) 的张量取 `dim=1`，结果形状为 (3,)）。
- `dim` 可以是负数；结果的数据类型与 `x` 相同。

例子：`kth_smallest([[3, 1, 2], [5, 5, 4]], 2)` 的结果是 `[2, 5]`。

要求：不能使用 `torch.kthvalue` 或 `x.kthvalue()`（可以使用排序）。不要修改 `x`。""",
    ),
    signature="kth_smallest(x: Tensor, k: int, dim: int = -1) -> Tensor",
    starter="""import torch


def kth_smallest(x: torch.Tensor, k: int, dim: int = -1) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
    bans=KTH_BANS,
)
