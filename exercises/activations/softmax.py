"""activations.softmax: softmax along one dimension, stable for large inputs."""

import torch

from exercises._common import randn
from exercises.activations._bans import SOFTMAX_BANS
from grader.exercise import Case, Exercise, Mutant, text


def reference(x: torch.Tensor, dim: int) -> torch.Tensor:
    return torch.softmax(x, dim=dim)


SOLUTION = """
import torch

def softmax(x, dim):
    shifted = x - x.max(dim=dim, keepdim=True).values
    e = torch.exp(shifted)
    return e / e.sum(dim=dim, keepdim=True)
"""

MUTANTS = [
    Mutant(
        "no max subtraction",
        """
import torch

def softmax(x, dim):
    e = torch.exp(x)
    return e / e.sum(dim=dim, keepdim=True)
""",
        text(
            "exp(x) overflows to inf for x above about 89 (float32), and inf / inf is nan. "
            "Softmax does not change when you subtract the same number from every entry of a "
            "slice: subtract the maximum along dim first.",
            "x 超过约 89（float32）时 exp(x) 溢出为 inf，而 inf / inf 得到 nan。"
            "同一个切片里的所有元素同时减去同一个数，softmax 的结果不变："
            "请先减去沿 dim 的最大值。",
        ),
    ),
    Mutant(
        "always the last dimension",
        """
import torch

def softmax(x, dim):
    shifted = x - x.max(dim=-1, keepdim=True).values
    e = torch.exp(shifted)
    return e / e.sum(dim=-1, keepdim=True)
""",
        text(
            "Use the dimension you are given: with dim=0 each column must sum to 1, not each "
            "row. Pass dim to both the max and the sum.",
            "请使用参数给出的维度：dim=0 时应当是每一列的和为 1，而不是每一行。max 和 sum 都要传入 dim。",
        ),
    ),
    Mutant(
        "max and sum without keepdim",
        """
import torch

def softmax(x, dim):
    shifted = x - x.max(dim=dim).values
    e = torch.exp(shifted)
    return e / e.sum(dim=dim)
""",
        text(
            "Without keepdim=True the reduced dimension disappears, and broadcasting then lines "
            "the maxima (or sums) up with the wrong axis: it fails, or silently gives wrong "
            "numbers on square inputs. Keep the dimension with keepdim=True.",
            "不加 keepdim=True 时被归约的维度会消失，广播时最大值（或总和）就会和错误的维度对齐："
            "要么报错，要么在方阵上悄悄算错。请用 keepdim=True 保留这一维。",
        ),
    ),
    Mutant(
        "subtracts the max in place",
        """
import torch

def softmax(x, dim):
    x -= x.max(dim=dim, keepdim=True).values
    e = torch.exp(x)
    return e / e.sum(dim=dim, keepdim=True)
""",
        text(
            "For a tensor, x -= ... is an in-place operation: it changes the caller's x. "
            "Write shifted = x - ... to get a new tensor.",
            "对张量来说，x -= ... 是原地操作，会改掉调用者的 x。请写 shifted = x - ...，得到一个新张量。",
        ),
    ),
    Mutant(
        "subtracts the global max",
        """
import torch

def softmax(x, dim):
    e = torch.exp(x - x.max())
    return e / e.sum(dim=dim, keepdim=True)
""",
        text(
            "Subtracting the maximum of the whole tensor is not enough: a slice whose values are "
            "all far below it underflows to 0 everywhere, and 0 / 0 is nan. Subtract the "
            "maximum of each slice (along dim, with keepdim=True).",
            "减去整个张量的最大值还不够：如果某个切片的所有值都远小于它，exp 全部下溢为 0，"
            "0 / 0 得到 nan。请减去每个切片自己的最大值（沿 dim，并用 keepdim=True）。",
        ),
    ),
]

PUBLIC = [
    Case("rows of a 2x3 matrix (dim 1)", (torch.tensor([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]]), 1)),
    Case("columns of a 2x3 matrix (dim 0)", (torch.tensor([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]]), 0)),
    Case("large inputs: no nan", (torch.tensor([1000.0, 1001.0, 1002.0]), 0)),
]


def hidden(g: torch.Generator) -> list[Case]:
    offsets = torch.tensor([[0.0], [300.0], [-300.0], [1000.0]])
    masked = randn(g, 4, 6, scale=2.0)
    masked[torch.rand(4, 6, generator=g) < 0.4] = float("-inf")
    masked[:, 0] = randn(g, 4)  # every row keeps at least one finite entry
    return [
        Case("random 3x5, dim -1", (randn(g, 3, 5, scale=2.0), -1)),
        Case("random 4x3, dim 0", (randn(g, 4, 3, scale=2.0), 0)),
        Case("square 4x4, dim 1", (randn(g, 4, 4, scale=2.0), 1)),
        Case("square 4x4, dim 0", (randn(g, 4, 4, scale=2.0), 0)),
        Case("3-d tensor, middle dim 1", (randn(g, 2, 3, 4, scale=2.0), 1)),
        Case("3-d tensor, negative dim -2", (randn(g, 3, 4, 5, scale=2.0), -2)),
        Case("a vector, dim 0", (randn(g, 7, scale=2.0), 0)),
        Case("float64 input", (randn(g, 5, 6, dtype=torch.float64, scale=2.0), 1)),
        Case("large magnitudes (scale 1e4)", (randn(g, 3, 6, scale=1e4), -1)),
        Case("rows on very different scales", (randn(g, 4, 6) + offsets, -1)),
        Case("masked entries (-inf)", (masked, 1)),
        Case("a size-1 dimension (all ones)", (randn(g, 3, 1), 1)),
        Case("no rows: shape (0, 4), dim -1", (torch.zeros(0, 4), -1)),
    ]


EXERCISE = Exercise(
    slug="activations.softmax",
    title=text("A numerically stable softmax", "数值稳定的 softmax"),
    statement=text(
        """Write `softmax(x, dim)` that turns the entries of `x` along dimension `dim` into
probabilities:

    softmax(x)_i = exp(x_i) / sum_j exp(x_j)      (the sum runs along dim)

so every slice along `dim` is positive and sums to 1. The result has the same shape and dtype
as `x`; `dim` may be negative (-1 is the last dimension). Do not change `x`.

It must be **numerically stable**: `exp(1000.)` is `inf` in float32 and `inf / inf` is `nan`.
Softmax does not change when the same number is subtracted from every entry of a slice, so
subtract the maximum of each slice (along `dim`) first. Entries equal to `-inf` (masked
positions) get probability 0; every slice has at least one finite entry.

Example: for `x = [[1., 2., 3.], [1., 1., 1.]]`, `softmax(x, 1)` is
`[[0.0900, 0.2447, 0.6652], [0.3333, 0.3333, 0.3333]]`, and
`softmax([1000., 1001., 1002.], 0)` is `[0.0900, 0.2447, 0.6652]` as well.

Careful with shapes: `x.max(dim=dim)` and `x.sum(dim=dim)` drop the reduced dimension;
`keepdim=True` keeps it so that broadcasting lines it up with `x`.

Not allowed: `softmax` and `log_softmax` in any form (`torch.softmax`, `x.softmax`,
`torch.nn.functional.softmax`, `torch.special.softmax`, `nn.Softmax`, `softmin`, and the
`log_softmax` versions). `torch.exp`, `max`/`amax`, `sum` and `logsumexp` are fine.""",
        """编写 `softmax(x, dim)`：把 `x` 沿第 `dim` 维的元素变成概率：

    softmax(x)_i = exp(x_i) / sum_j exp(x_j)      （求和沿 dim 进行）

于是沿 `dim` 的每个切片都是正数且和为 1。结果的形状和数据类型与 `x` 相同；`dim` 可以是负数
（-1 表示最后一维）。不要修改 `x`。

要求**数值稳定**：在 float32 中 `exp(1000.)` 是 `inf`，而 `inf / inf` 是 `nan`。
同一个切片里的所有元素同时减去同一个数，softmax 的结果不变，所以请先减去每个切片（沿 `dim`）的最大值。
等于 `-inf` 的元素（被遮蔽的位置）概率为 0；每个切片至少有一个有限值。

例子：`x = [[1., 2., 3.], [1., 1., 1.]]` 时，`softmax(x, 1)` 为
`[[0.0900, 0.2447, 0.6652], [0.3333, 0.3333, 0.3333]]`；
`softmax([1000., 1001., 1002.], 0)` 同样是 `[0.0900, 0.2447, 0.6652]`。

注意形状：`x.max(dim=dim)` 和 `x.sum(dim=dim)` 会去掉被归约的维度；
加上 `keepdim=True` 才能保留这一维，让广播时它与 `x` 正确对齐。

不允许使用任何形式的 `softmax` 和 `log_softmax`（`torch.softmax`、`x.softmax`、
`torch.nn.functional.softmax`、`torch.special.softmax`、`nn.Softmax`、`softmin`，以及对应的
`log_softmax` 版本）。可以使用 `torch.exp`、`max`/`amax`、`sum` 和 `logsumexp`。""",
    ),
    signature="softmax(x: Tensor, dim: int) -> Tensor",
    starter="""import torch


def softmax(x: torch.Tensor, dim: int) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
    bans=SOFTMAX_BANS,
)
