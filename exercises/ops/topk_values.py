"""ops.topk_values: the k largest values along a dimension, in descending order, without sorting."""

import torch

from exercises._common import rand_int, randn
from grader.exercise import Bans, Case, Exercise, Mutant, text


def reference(x: torch.Tensor, k: int, dim: int = -1) -> torch.Tensor:
    return torch.topk(x, k, dim=dim).values


SOLUTION = """
import torch

def topk_values(x, k, dim=-1):
    y = x.movedim(dim, -1).clone()          # work along the last axis, on a copy
    if y.dtype.is_floating_point:
        lowest = float("-inf")
    else:
        lowest = torch.iinfo(y.dtype).min
    picked = []
    for _ in range(k):
        i = y.argmax(dim=-1, keepdim=True)  # position of the current largest value
        picked.append(y.gather(-1, i))
        y = y.scatter(-1, i, lowest)        # take out that one entry only (ties stay)
    return torch.cat(picked, dim=-1).movedim(-1, dim)
"""

MUTANTS = [
    Mutant(
        "removes every copy of the maximum",
        """
import torch

def topk_values(x, k, dim=-1):
    y = x.clone()
    picked = []
    for _ in range(k):
        m = y.amax(dim=dim, keepdim=True)
        picked.append(m)
        y = torch.where(y == m, float("-inf"), y)
    return torch.cat(picked, dim=dim)
""",
        text(
            "When the largest value occurs twice, both copies belong to the top k: for "
            "[5, 5, 2] and k = 2 the answer is [5, 5]. Setting every entry equal to the maximum "
            "aside removes both copies at once. Take out one position per step (argmax gives it).",
            "最大值出现两次时，两个都要算进前 k 个：[5, 5, 2] 取 k = 2 应得 [5, 5]。"
            "把所有等于最大值的元素一起去掉，就一次删掉了两个。每一步只去掉一个位置"
            "（argmax 可以给出这个位置）。",
        ),
    ),
    Mutant(
        "always the last dimension",
        """
import torch

def topk_values(x, k, dim=-1):
    y = x.clone()
    lowest = float("-inf") if y.dtype.is_floating_point else torch.iinfo(y.dtype).min
    picked = []
    for _ in range(k):
        i = y.argmax(dim=-1, keepdim=True)
        picked.append(y.gather(-1, i))
        y = y.scatter(-1, i, lowest)
    return torch.cat(picked, dim=-1)
""",
        text(
            "Your code always works along the last axis. Use the `dim` you are given (for "
            "example move it to the end with x.movedim(dim, -1), and move it back at the end).",
            "你的代码总是沿最后一维计算。请使用传入的 `dim`（例如先用 x.movedim(dim, -1) "
            "把它移到最后，算完再移回原位）。",
        ),
    ),
    Mutant(
        "writes -inf into x",
        """
import torch

def topk_values(x, k, dim=-1):
    y = x.movedim(dim, -1)
    lowest = float("-inf") if y.dtype.is_floating_point else torch.iinfo(y.dtype).min
    picked = []
    for _ in range(k):
        i = y.argmax(dim=-1, keepdim=True)
        picked.append(y.gather(-1, i))
        y.scatter_(-1, i, lowest)
    return torch.cat(picked, dim=-1).movedim(-1, dim)
""",
        text(
            "movedim, transpose, view and slicing return views that share memory with x, so "
            "the in-place scatter_ writes -inf into the caller's tensor. Work on a copy "
            "(.clone()) or use the out-of-place scatter.",
            "movedim、transpose、view 和切片得到的是与 x 共享内存的视图，所以原地操作 scatter_ "
            "会把 -inf 写进调用者的张量。请在副本（.clone()）上操作，或使用不带下划线的 scatter。",
        ),
    ),
    Mutant(
        "-1e9 as the 'already taken' marker",
        """
import torch

def topk_values(x, k, dim=-1):
    y = x.movedim(dim, -1).clone()
    picked = []
    for _ in range(k):
        i = y.argmax(dim=-1, keepdim=True)
        picked.append(y.gather(-1, i))
        y = y.scatter(-1, i, -1e9)
    return torch.cat(picked, dim=-1).movedim(-1, dim)
""",
        text(
            "A 'very small' marker such as -1e9 is not smaller than every value: entries below "
            "-1e9 (for example -1e20) lose against the marker, and taken entries come back. Use "
            "-inf for floats (torch.iinfo(dtype).min for integers).",
            "像 -1e9 这样“很小”的标记并不比所有数都小：比 -1e9 还小的元素（例如 -1e20）"
            "会输给这个标记，已经取走的位置又被选中。浮点数请用 -inf"
            "（整数用 torch.iinfo(dtype).min）。",
        ),
    ),
    Mutant(
        "-inf marker in an integer tensor",
        """
import torch

def topk_values(x, k, dim=-1):
    y = x.movedim(dim, -1).clone()
    picked = []
    for _ in range(k):
        i = y.argmax(dim=-1, keepdim=True)
        picked.append(y.gather(-1, i))
        y = y.scatter(-1, i, float("-inf"))
    return torch.cat(picked, dim=-1).movedim(-1, dim)
""",
        text(
            "An integer tensor cannot hold -inf, so writing -inf into it fails. For integer "
            "dtypes use the smallest value the dtype can hold, torch.iinfo(x.dtype).min (check "
            "x.dtype.is_floating_point to choose).",
            "整数张量里放不下 -inf，往里面写 -inf 会出错。整数类型请改用该类型能表示的最小值 "
            "torch.iinfo(x.dtype).min（可以用 x.dtype.is_floating_point 来判断用哪一个）。",
        ),
    ),
    Mutant(
        "ascending order",
        """
import torch

def topk_values(x, k, dim=-1):
    y = x.movedim(dim, -1).clone()
    lowest = float("-inf") if y.dtype.is_floating_point else torch.iinfo(y.dtype).min
    picked = []
    for _ in range(k):
        i = y.argmax(dim=-1, keepdim=True)
        picked.insert(0, y.gather(-1, i))
        y = y.scatter(-1, i, lowest)
    return torch.cat(picked, dim=-1).movedim(-1, dim)
""",
        text(
            "The k values must come largest first (descending order), like torch.topk: for "
            "[3, 1, 4, 1, 5] and k = 2 the answer is [5, 4], not [4, 5].",
            "这 k 个值要从大到小排列（降序），与 torch.topk 一致：[3, 1, 4, 1, 5] 取 k = 2 "
            "应得 [5, 4]，而不是 [4, 5]。",
        ),
    ),
]

PUBLIC = [
    Case("the 3 largest of a vector", (torch.tensor([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]), 3)),
    Case("ties in each row (k=2)", (torch.tensor([[1.0, 5.0, 5.0, 2.0], [7.0, 0.0, 7.0, 7.0]]), 2)),
    Case("along dim 0", (torch.tensor([[1.0, 8.0], [6.0, 2.0], [4.0, 5.0]]), 2, 0)),
]


def hidden(g: torch.Generator) -> list[Case]:
    ndim = rand_int(g, 1, 3)
    shape = [rand_int(g, 2, 6) for _ in range(ndim)]
    dim = rand_int(g, 0, ndim - 1)
    k = rand_int(g, 1, shape[dim])
    return [
        Case("random rows, k=3", (randn(g, 4, 10), 3)),
        Case("random shape, dim and k", (randn(g, *shape), k, dim)),
        Case("dim 0 of a matrix", (randn(g, 6, 3), 2, 0)),
        Case("negative dim -2 of a 3-d tensor", (randn(g, 2, 5, 3), 3, -2)),
        Case("many ties", (torch.randint(0, 3, (5, 8), generator=g).float(), 4)),
        Case("k=1", (randn(g, 3, 7), 1)),
        Case("k equal to the size of the dimension", (randn(g, 3, 6), 6)),
        Case("only negative values, all of them (k = size)", (-randn(g, 4, 5).abs() - 1.0, 5)),
        Case("float64 input", (randn(g, 3, 9, dtype=torch.float64), 4, 1)),
        Case("integer tensor", (torch.randint(-100, 100, (4, 7), generator=g), 3)),
        Case("large negative magnitudes (k = size)", (-randn(g, 3, 5, scale=1e20).abs(), 5)),
        Case("no rows (empty dimension)", (torch.zeros(0, 5), 2)),
        # Found by `grader exercises adequacy`: moving the axis back the wrong way
        # (movedim(-1, dim) for movedim(dim, -1)) only shows on 3-d tensors along dim 0.
        Case("dim 0 of a 3-d tensor", (randn(g, 5, 2, 3), 2, 0)),
    ]


TOPK_BANS = Bans(
    names=frozenset(
        {
            "torch.topk",
            "Tensor.topk",
            "torch.sort",
            "Tensor.sort",
            "torch.argsort",
            "Tensor.argsort",
            "torch.msort",
            "Tensor.msort",
        }
    ),
    runtime=frozenset(
        {
            "aten::topk",
            "aten::sort",
            "aten::argsort",
            "aten::msort",
            "torch.topk",
            "torch.sort",
            "torch.argsort",
            "torch.msort",
            "Tensor.topk",
            "Tensor.sort",
            "Tensor.argsort",
            "Tensor.msort",
        }
    ),
)

EXERCISE = Exercise(
    slug="ops.topk_values",
    title=text("The k largest values", "前 k 个最大值"),
    statement=text(
        """Write `topk_values(x, k, dim=-1)` that returns the `k` largest values of `x` along the
dimension `dim`, largest first. The result has the shape of `x` with the size of `dim` replaced
by `k`, and the dtype of `x`.

- Values that occur several times count several times: the 2 largest of `[5, 5, 2]` are `[5, 5]`.
- `dim` may be negative (-1 is the last dimension).
- `1 <= k <= x.shape[dim]`.

Example: for `x = [3, 1, 4, 1, 5, 9, 2, 6]` and `k = 3` the result is `[9, 6, 5]`; for the
matrix `[[1, 5, 5, 2], [7, 0, 7, 7]]` and `k = 2` it is `[[5, 5], [7, 7]]`.

Rules:
- Do not use `topk`, `sort`, `argsort` or `msort` (in any form: `torch.sort(x)`, `x.sort()`, ...).
  One way: k times, find the position of the largest remaining value (argmax), record that
  value, and take it out of the running.
- Do not change `x`.""",
        """编写 `topk_values(x, k, dim=-1)`：返回 `x` 沿第 `dim` 维最大的 `k` 个值，从大到小排列。
结果的形状与 `x` 相同，只是第 `dim` 维的长度变成 `k`；数据类型与 `x` 相同。

- 重复出现的值要按出现次数计算：`[5, 5, 2]` 中最大的 2 个是 `[5, 5]`。
- `dim` 可以是负数（-1 表示最后一维）。
- `1 <= k <= x.shape[dim]`。

例子：`x = [3, 1, 4, 1, 5, 9, 2, 6]`、`k = 3` 时结果为 `[9, 6, 5]`；矩阵
`[[1, 5, 5, 2], [7, 0, 7, 7]]`、`k = 2` 时结果为 `[[5, 5], [7, 7]]`。

要求：
- 不能使用 `topk`、`sort`、`argsort`、`msort`（任何写法都不行：`torch.sort(x)`、`x.sort()` 等）。
  一种思路：重复 k 次——找到剩下的数中最大值的位置（argmax），记下这个值，
  再把它排除出后面的比较。
- 不要修改 `x`。""",
    ),
    signature="topk_values(x: Tensor, k: int, dim: int = -1) -> Tensor",
    starter="""import torch


def topk_values(x: torch.Tensor, k: int, dim: int = -1) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
    bans=TOPK_BANS,
)
