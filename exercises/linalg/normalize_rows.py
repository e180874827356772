"""linalg.normalize_rows: divide each row of a positive matrix by its sum, via broadcasting."""

import torch

from exercises._common import positive, rand_int
from grader.exercise import Case, Exercise, Mutant, text


def reference(x: torch.Tensor) -> torch.Tensor:
    return x / x.sum(dim=1, keepdim=True)


SOLUTION = """
import torch

def normalize_rows(x):
    row_sums = x.sum(dim=1, keepdim=True)   # shape (n, 1)
    return x / row_sums                     # broadcasts along each row
"""

MUTANTS = [
    Mutant(
        "row sums without keepdim",
        """
def normalize_rows(x):
    return x / x.sum(dim=1)
""",
        text(
            "x.sum(dim=1) has shape (n,), and broadcasting lines it up with the LAST axis of x: "
            "entry j of the sums divides column j, not row j. It fails for non-square x and is "
            "silently wrong for square x. Keep the summed axis (keepdim=True) so the sums have "
            "shape (n, 1).",
            "x.sum(dim=1) 的形状是 (n,)，广播时它对齐的是 x 的最后一维：第 j 个和去除的是第 j 列，"
            "而不是第 j 行。x 不是方阵时会报错，是方阵时则悄悄算错。请保留被求和的维度"
            "（keepdim=True），让行和的形状为 (n, 1)。",
        ),
    ),
    Mutant(
        "normalizes columns",
        """
def normalize_rows(x):
    return x / x.sum(dim=0, keepdim=True)
""",
        text(
            "Each ROW must add up to 1: sum along dim=1 (across the columns), not dim=0.",
            "要让每一行的和为 1：应沿 dim=1（跨列）求和，而不是 dim=0。",
        ),
    ),
    Mutant(
        "divides by the total sum",
        """
def normalize_rows(x):
    return x / x.sum()
""",
        text(
            "x.sum() adds up the whole matrix; each row needs its own sum, so that every row of "
            "the result adds up to 1.",
            "x.sum() 把整个矩阵加在一起；每一行要除以它自己的和，这样结果的每一行之和才为 1。",
        ),
    ),
    Mutant(
        "divides x in place",
        """
def normalize_rows(x):
    x /= x.sum(dim=1, keepdim=True)
    return x
""",
        text(
            "`x /= ...` overwrites the caller's tensor. Compute x / row_sums into a new tensor "
            "and leave x unchanged.",
            "`x /= ...` 会覆盖调用者传入的张量。请用 x / 行和 得到一个新张量，保持 x 不变。",
        ),
    ),
]

PUBLIC = [
    Case("a 2x3 matrix", (torch.tensor([[1.0, 1.0, 2.0], [3.0, 1.0, 4.0]]),)),
    Case("a 3x2 matrix", (torch.tensor([[1.0, 3.0], [2.0, 2.0], [1.0, 7.0]]),)),
    Case("a square matrix", (torch.tensor([[1.0, 1.0], [1.0, 3.0]]),)),
]


def hidden(g: torch.Generator) -> list[Case]:
    n = rand_int(g, 2, 5)
    m = n + rand_int(g, 1, 4)
    k = rand_int(g, 3, 6)
    return [
        Case("random wide matrix", (positive(g, n, m),)),
        Case("random tall matrix", (positive(g, m, n),)),
        Case("random square matrix", (positive(g, k, k),)),
        Case("float64 input", (positive(g, 4, 7, dtype=torch.float64),)),
        Case("integer counts (result is float)", (torch.randint(1, 10, (3, 5), generator=g),)),
        Case("a single row", (positive(g, 1, 6),)),
        Case("a single column", (positive(g, 5, 1),)),
        Case("no rows", (torch.ones(0, 4),)),
        Case("no columns", (torch.ones(3, 0),)),
        Case("large magnitudes", (positive(g, 3, 4) * 1e30,)),
        Case("tiny magnitudes", (positive(g, 4, 3) * 1e-30,)),
    ]


EXERCISE = Exercise(
    slug="linalg.normalize_rows",
    title=text("Normalize the rows of a matrix", "矩阵按行归一化"),
    statement=text(
        """Write `normalize_rows(x)` that divides every row of the matrix `x` (shape (n, m), all
entries > 0) by the sum of that row, so that each row of the result adds up to 1.

Do it with broadcasting, without a Python loop: compute the row sums, then divide `x` by them in
one operation. Watch the shape of the sums: an (n,) vector lines up with the last axis of `x`
(the columns), an (n, 1) column lines up with the rows.

- The result has the shape of `x` and a floating dtype: float32 and float64 are kept, and an
  integer `x` gives float32 fractions (what `/` does).
- `x` may have no rows or no columns; the result is then empty too.
- Do not change `x`.

Example: for `x = [[1, 1, 2], [3, 1, 4]]` the row sums are 4 and 8, so
`normalize_rows(x)` is `[[0.25, 0.25, 0.5], [0.375, 0.125, 0.5]]`.""",
        """编写 `normalize_rows(x)`：矩阵 `x` 的形状为 (n, m)，所有元素都大于 0；把 `x` 的每一行
除以这一行的和，使结果的每一行之和都等于 1。

请用广播完成，不要写 Python 循环：先求出每行的和，再用一次除法把 `x` 除以它们。
注意行和的形状：形状为 (n,) 的向量会和 `x` 的最后一维（列）对齐，而形状为 (n, 1)
的列向量才会和行对齐。

- 结果的形状与 `x` 相同，数据类型为浮点：float32、float64 保持不变，整数的 `x`
  得到 float32 的比例（这正是 `/` 的行为）。
- `x` 可能没有行或没有列，此时结果也是空张量。
- 不要修改 `x`。

例子：`x = [[1, 1, 2], [3, 1, 4]]` 时两行的和分别为 4 和 8，所以
`normalize_rows(x)` 为 `[[0.25, 0.25, 0.5], [0.375, 0.125, 0.5]]`。""",
    ),
    signature="normalize_rows(x: Tensor) -> Tensor",
    starter="""import torch


def normalize_rows(x: torch.Tensor) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
)
