"""ops.argmax_flat: the flat index of the largest entry (first one on ties), without argmax/max."""

import torch

from exercises._common import rand_int, randn
from grader.exercise import Bans, Case, Exercise, Mutant, text


def reference(x: torch.Tensor) -> int:
    return int(torch.argmax(x))


SOLUTION = """
import torch

def argmax_flat(x):
    flat = x.reshape(-1)                       # row-major order, like argmax without dim
    hits = (flat == flat.amax()).nonzero()     # every position holding the largest value
    return int(hits[0, 0])                     # nonzero lists them in order: take the first
"""

MUTANTS = [
    Mutant(
        "last occurrence on ties",
        """
import torch

def argmax_flat(x):
    flat = x.reshape(-1)
    hits = (flat == flat.amax()).nonzero()
    return int(hits[-1, 0])
""",
        text(
            "When the largest value occurs more than once, the answer is its FIRST position "
            "(the smallest index), as torch.argmax does; nonzero() lists positions in "
            "increasing order.",
            "最大值出现不止一次时，答案是它第一次出现的位置（下标最小的那个），与 torch.argmax "
            "一致；nonzero() 给出的位置是按从小到大排列的。",
        ),
    ),
    Mutant(
        "column index instead of the flat index",
        """
import torch

def argmax_flat(x):
    hits = (x == x.amax()).nonzero()
    return int(hits[0, -1])
""",
        text(
            "On a 2-D tensor nonzero() gives (row, column) pairs, and the last number is only "
            "the column. The flat index counts through the tensor row by row: flatten x first "
            "(x.reshape(-1)), then look for the largest value.",
            "对二维张量，nonzero() 给出的是（行, 列）对，最后一个数只是列号。扁平下标是把张量"
            "按行依次展开后的位置：请先把 x 展平（x.reshape(-1)），再找最大值。",
        ),
    ),
    Mutant(
        "running maximum starts at -1e9",
        """
def argmax_flat(x):
    best, best_index = -1e9, 0
    for i, v in enumerate(x.reshape(-1).tolist()):
        if v > best:
            best, best_index = v, i
    return best_index
""",
        text(
            "Starting the running maximum at a 'very small' number such as -1e9 fails when "
            "every entry is smaller still (for example around -1e20). Start from the first "
            "entry instead (or from -inf).",
            "把当前最大值的初值设成 -1e9 这样“很小”的数，遇到所有元素都更小（例如约 -1e20）时"
            "就会出错。请用第一个元素作初值（或者用 -inf）。",
        ),
    ),
    Mutant(
        "returns a 1-element tensor",
        """
import torch

def argmax_flat(x):
    flat = x.reshape(-1)
    hits = (flat == flat.amax()).nonzero()
    return hits[0]
""",
        text(
            "nonzero() returns a 2-D tensor (one row per hit), so hits[0] is still a tensor "
            "of shape (1,), not a number. The function must return a Python int: use int(...) "
            "or .item() on a single entry.",
            "nonzero() 返回的是二维张量（每个命中位置一行），所以 hits[0] 仍是形状为 (1,) 的"
            "张量，而不是一个数。函数要返回 Python 的 int：请对单个元素用 int(...) 或 .item()。",
        ),
    ),
]

PUBLIC = [
    Case("a vector with a tie", (torch.tensor([3.0, 7.0, 2.0, 7.0]),)),
    Case("a matrix (flat index)", (torch.tensor([[1.0, 4.0, 0.5], [9.0, 2.0, 9.0]]),)),
    Case("a 3-d tensor", (torch.tensor([[[0.0, 1.0], [2.0, 3.0]], [[8.0, 5.0], [6.0, 7.0]]]),)),
]


def hidden(g: torch.Generator) -> list[Case]:
    ties = torch.randint(0, 5, (5, 6), generator=g).float()
    spots = torch.randperm(30, generator=g)[:3]
    ties.view(-1)[spots] = 5.0
    ndim = rand_int(g, 1, 4)
    shape = [rand_int(g, 1, 5) for _ in range(ndim)]
    return [
        Case("random vector", (randn(g, 20),)),
        Case("random matrix", (randn(g, 5, 7),)),
        Case("random shape", (randn(g, *shape),)),
        Case("ties: the maximum occurs three times", (ties,)),
        Case("every entry equal", (torch.full((3, 4), 2.5),)),
        Case("only negative values", (-randn(g, 4, 6).abs() - 0.5,)),
        Case("large negative magnitudes", (-randn(g, 3, 5, scale=1e20).abs() - 1e20,)),
        Case("large magnitudes", (randn(g, 4, 4, scale=1e30),)),
        Case("infinite entries", (torch.tensor([[1.0, float("inf")], [3.0, float("inf")]]),)),
        Case("float64 input", (randn(g, 6, 3, dtype=torch.float64),)),
        Case("integer tensor", (torch.randint(-1000, 1000, (3, 3, 3), generator=g),)),
        Case("the maximum in the last position", (torch.tensor([[-1.0, 0.0], [0.5, 0.75]]),)),
        Case("a single number (0-dim tensor)", (torch.tensor(-4.0),)),
    ]


ARGMAX_BANS = Bans(
    names=frozenset({"torch.argmax", "Tensor.argmax", "torch.max", "Tensor.max"}),
    runtime=frozenset(
        {"aten::argmax", "aten::max", "torch.argmax", "torch.max", "Tensor.argmax", "Tensor.max"}
    ),
)

EXERCISE = Exercise(
    slug="ops.argmax_flat",
    title=text("Position of the largest entry", "最大元素的位置"),
    statement=text(
        """Write `argmax_flat(x)` that returns, as a Python `int`, the position of the largest
entry of `x` when `x` is read as one long row (row by row, the order of `x.reshape(-1)`).

- If the largest value occurs several times, return its **first** position.
- `x` can have any number of dimensions (also 0: a single number, whose position is 0), any
  floating or integer dtype, and entries may be very large, very negative or infinite.

Examples: `argmax_flat([3, 7, 2, 7])` is `1` (two 7s, the first one wins);
`argmax_flat([[1, 4, 0.5], [9, 2, 9]])` is `3`: read row by row the entries are
`1, 4, 0.5, 9, 2, 9`, and the first 9 is at position 3.

Rules:
- Do not use `argmax` or `max` (`torch.argmax`, `x.argmax()`, `torch.max`, `x.max()`).
  Comparisons, `nonzero()` and `amax()` are allowed.
- Return an `int`, not a tensor. Do not change `x`.""",
        """编写 `argmax_flat(x)`：把 `x` 按行依次展开成一长串（即 `x.reshape(-1)` 的顺序），
以 Python `int` 的形式返回其中最大元素的位置。

- 如果最大值出现多次，返回它**第一次**出现的位置。
- `x` 可以是任意维数（包括 0 维：单个数，它的位置是 0），可以是任意浮点或整数类型，
  元素可能非常大、非常负，或是无穷大。

例子：`argmax_flat([3, 7, 2, 7])` 为 `1`（有两个 7，取第一个）；
`argmax_flat([[1, 4, 0.5], [9, 2, 9]])` 为 `3`：按行展开后依次是 `1, 4, 0.5, 9, 2, 9`，
第一个 9 在位置 3。

要求：
- 不能使用 `argmax` 或 `max`（`torch.argmax`、`x.argmax()`、`torch.max`、`x.max()`）。
  可以使用比较运算、`nonzero()` 和 `amax()`。
- 返回 `int`，而不是张量。不要修改 `x`。""",
    ),
    signature="argmax_flat(x: Tensor) -> int",
    starter="""import torch


def argmax_flat(x: torch.Tensor) -> int:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
    bans=ARGMAX_BANS,
)
