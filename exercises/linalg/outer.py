"""linalg.outer: the outer product of two vectors, built with broadcasting."""

import torch

from exercises._common import rand_int, randn
from grader.exercise import Bans, Case, Exercise, Mutant, text


def reference(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return torch.outer(a, b)


SOLUTION = """
import torch

def outer(a, b):
    # a as a column (n, 1) times b as a row (1, m) broadcasts to (n, m)
    return a[:, None] * b[None, :]
"""

MUTANTS = [
    Mutant(
        "operands swapped (b ⊗ a)",
        """
def outer(a, b):
    return b[:, None] * a[None, :]
""",
        text(
            "Row i of the result belongs to a[i]: a must be the column (a[:, None]) and b the "
            "row, so the shape is (len(a), len(b)).",
            "结果的第 i 行对应 a[i]：a 应当是列向量（a[:, None]），b 是行向量，结果形状为 (len(a), len(b))。",
        ),
    ),
    Mutant(
        "element-wise product",
        """
def outer(a, b):
    return a * b
""",
        text(
            "a * b multiplies matching positions only. Give a and b different new axes so that "
            "broadcasting pairs every a[i] with every b[j].",
            "a * b 只把相同位置的元素相乘。请给 a 和 b 在不同的位置各加一个新维度，"
            "让广播把每个 a[i] 与每个 b[j] 配对。",
        ),
    ),
    Mutant(
        "unsqueeze_ changes a in place",
        """
def outer(a, b):
    return a.unsqueeze_(1) * b
""",
        text(
            "unsqueeze_ (with the underscore) reshapes the caller's tensor a itself. Use "
            "a.unsqueeze(1) or a[:, None], which leave a unchanged.",
            "带下划线的 unsqueeze_ 会直接改变调用者传进来的 a 的形状。请用 a.unsqueeze(1) 或 "
            "a[:, None]，它们不会改动 a。",
        ),
    ),
    Mutant(
        "converts to float32",
        """
def outer(a, b):
    return a.float()[:, None] * b.float()[None, :]
""",
        text(
            "Do not convert the inputs: float64 vectors give a float64 result and integer "
            "vectors an integer result.",
            "不要转换输入的类型：float64 向量的结果应是 float64，整数向量的结果应是整数。",
        ),
    ),
    Mutant(
        "outer sum instead of product",
        """
def outer(a, b):
    return a[:, None] + b[None, :]
""",
        text(
            "Entry (i, j) is the product a[i] * b[j], not the sum.",
            "第 (i, j) 个元素是乘积 a[i] * b[j]，不是和。",
        ),
    ),
]

PUBLIC = [
    Case("length 3 times length 2", (torch.tensor([1.0, 2.0, 3.0]), torch.tensor([10.0, -1.0]))),
    Case("two length-2 vectors", (torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0]))),
    Case("integer vectors", (torch.tensor([2, -1]), torch.tensor([1, 0, 5]))),
]


def hidden(g: torch.Generator) -> list[Case]:
    n, m = rand_int(g, 2, 6), rand_int(g, 7, 10)
    same = rand_int(g, 3, 6)
    return [
        Case("random lengths", (randn(g, n), randn(g, m))),
        Case("longer first vector", (randn(g, m), randn(g, n))),
        Case("equal lengths", (randn(g, same), randn(g, same))),
        Case("float64 vectors", (randn(g, 5, dtype=torch.float64), randn(g, 4, dtype=torch.float64))),
        Case(
            "integer vectors",
            (torch.randint(-9, 10, (4,), generator=g), torch.randint(-9, 10, (3,), generator=g)),
        ),
        Case("length-1 first vector", (randn(g, 1), randn(g, 5))),
        Case("length-1 second vector", (randn(g, 6), randn(g, 1))),
        Case("empty first vector", (torch.zeros(0), randn(g, 3))),
        Case("large magnitudes", (randn(g, 4, scale=1e18), randn(g, 4, scale=1e18))),
        Case("long vectors", (randn(g, 50), randn(g, 40))),
    ]


OUTER_BANS = Bans(
    names=frozenset(
        {
            "@",
            "torch.outer",
            "Tensor.outer",
            "torch.ger",
            "Tensor.ger",
            "torch.einsum",
            "torch.functional.einsum",
            "Tensor.einsum",
            "torch.matmul",
            "Tensor.matmul",
            "Tensor.__matmul__",
            "Tensor.__rmatmul__",
            "torch.mm",
            "Tensor.mm",
            "torch.bmm",
            "Tensor.bmm",
            "torch.tensordot",
            "Tensor.tensordot",
            "torch.addr",
            "Tensor.addr",
            "Tensor.addr_",
            "torch.kron",
            "Tensor.kron",
            "torch.linalg.*",
        }
    ),
    runtime=frozenset(
        {
            "torch.outer",
            "Tensor.outer",
            "torch.ger",
            "Tensor.ger",
            "torch.einsum",
            "torch.matmul",
            "Tensor.matmul",
            "Tensor.__matmul__",
            "Tensor.__rmatmul__",
            "torch.tensordot",
            "torch.kron",
            "Tensor.kron",
            "torch.addr",
            "Tensor.addr",
            "aten::mm",
            "aten::bmm",
            "aten::addmm",
            "aten::addr",
            "aten::kron",
        }
    ),
)

EXERCISE = Exercise(
    slug="linalg.outer",
    title=text("Outer product of two vectors", "两个向量的外积"),
    statement=text(
        """Write `outer(a, b)` that returns the outer product of the 1-D tensors `a` (length n)
and `b` (length m): the (n, m) matrix whose entry (i, j) is `a[i] * b[j]`.

Build it with broadcasting: turn `a` into a column of shape (n, 1) and `b` into a row of
shape (1, m) and multiply them.

- Banned: `torch.outer`, `torch.ger`, `torch.einsum`, `torch.matmul` and the `@` operator (and
  their method forms and relatives such as `mm`, `tensordot`, `addr`, `kron`).
- Keep the dtype of the inputs (two float64 vectors give float64, two integer vectors give an
  integer matrix).
- Do not change `a` or `b` (careful with in-place methods that end in `_`).

Example: `outer([1, 2, 3], [10, -1])` is

    [[10, -1],
     [20, -2],
     [30, -3]]

with shape (3, 2).""",
        """编写 `outer(a, b)`：返回一维张量 `a`（长度 n）与 `b`（长度 m）的外积，即一个 (n, m)
矩阵，其第 (i, j) 个元素为 `a[i] * b[j]`。

请用广播来实现：把 `a` 变成形状为 (n, 1) 的列，把 `b` 变成形状为 (1, m) 的行，再把两者相乘。

- 禁止使用：`torch.outer`、`torch.ger`、`torch.einsum`、`torch.matmul` 和 `@` 运算符
  （以及它们的方法形式和 `mm`、`tensordot`、`addr`、`kron` 等同类函数）。
- 保持输入的数据类型（两个 float64 向量得到 float64，两个整数向量得到整数矩阵）。
- 不要修改 `a` 和 `b`（小心以 `_` 结尾的原地操作方法）。

例子：`outer([1, 2, 3], [10, -1])` 为

    [[10, -1],
     [20, -2],
     [30, -3]]

形状为 (3, 2)。""",
    ),
    signature="outer(a: Tensor, b: Tensor) -> Tensor",
    starter="""import torch


def outer(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
    bans=OUTER_BANS,
)
