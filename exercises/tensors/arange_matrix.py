"""tensors.arange_matrix: a (rows, cols) float32 matrix holding 0, 1, ..., rows*cols - 1."""

import torch

from exercises._common import rand_int
from grader.exercise import Case, Exercise, Mutant, text


def reference(rows: int, cols: int) -> torch.Tensor:
    return torch.arange(rows * cols, dtype=torch.float32).reshape(rows, cols)


SOLUTION = """
import torch

def arange_matrix(rows, cols):
    return torch.arange(rows * cols, dtype=torch.float32).reshape(rows, cols)
"""

MUTANTS = [
    Mutant(
        "integer dtype (int64)",
        """
import torch

def arange_matrix(rows, cols):
    return torch.arange(rows * cols).reshape(rows, cols)
""",
        text(
            "torch.arange with integer arguments gives an int64 tensor; the exercise asks for "
            "float32. Give arange a dtype (or start from a float).",
            "torch.arange 的参数是整数时，得到的是 int64 张量；题目要求 float32。"
            "请给 arange 指定 dtype（或者从浮点数开始）。",
        ),
    ),
    Mutant(
        "rows and cols swapped in reshape",
        """
import torch

def arange_matrix(rows, cols):
    return torch.arange(rows * cols, dtype=torch.float32).reshape(cols, rows)
""",
        text(
            "reshape takes the sizes in order: first the number of rows, then the number of columns.",
            "reshape 的参数顺序是先行数、后列数。",
        ),
    ),
    Mutant(
        "filled column by column",
        """
import torch

def arange_matrix(rows, cols):
    return torch.arange(rows * cols, dtype=torch.float32).reshape(cols, rows).T
""",
        text(
            "The numbers must run along each row first (0, 1, 2 in the first row), not down "
            "each column. Transposing a (cols, rows) matrix fills it column by column.",
            "数字应当先沿着一行递增（第一行是 0, 1, 2 ...），而不是沿着一列往下排。"
            "把 (cols, rows) 的矩阵转置，得到的是按列填充的结果。",
        ),
    ),
    Mutant(
        "starts at 1",
        """
import torch

def arange_matrix(rows, cols):
    return torch.arange(1, rows * cols + 1, dtype=torch.float32).reshape(rows, cols)
""",
        text(
            "The first entry is 0, and the last one is rows*cols - 1: torch.arange(n) already "
            "stops before n.",
            "第一个元素是 0，最后一个是 rows*cols - 1：torch.arange(n) 本来就不包含 n。",
        ),
    ),
]

PUBLIC = [
    Case("2 rows, 3 columns", (2, 3)),
    Case("a single row", (1, 4)),
    Case("3 rows, 2 columns", (3, 2)),
]


def hidden(g: torch.Generator) -> list[Case]:
    rows = rand_int(g, 2, 7)
    cols = rand_int(g, 2, 7)
    if cols == rows:
        cols += 1
    tall = rand_int(g, 8, 20)
    return [
        Case("random size", (rows, cols)),
        Case("random size, transposed", (cols, rows)),
        Case("tall matrix", (tall, rand_int(g, 2, 4))),
        Case("wide matrix", (rand_int(g, 2, 4), tall)),
        Case("square matrix", (rows, rows)),
        Case("a single column", (rand_int(g, 2, 9), 1)),
        Case("1 x 1", (1, 1)),
        Case("zero rows", (0, rand_int(g, 2, 5))),
        Case("zero columns", (rand_int(g, 2, 5), 0)),
        Case("large matrix (300 x 500)", (300, 500)),
    ]


EXERCISE = Exercise(
    slug="tensors.arange_matrix",
    title=text("A matrix of consecutive numbers", "按顺序填充的矩阵"),
    statement=text(
        """Write `arange_matrix(rows, cols)` that returns a matrix of shape `(rows, cols)` holding
the numbers 0, 1, 2, ..., rows*cols - 1, filled row by row: the first row is 0, 1, ..., cols - 1,
the second row continues from cols, and so on.

- The result must have dtype `torch.float32` (not an integer dtype).
- `rows` or `cols` may be 0 (the result is then an empty matrix of that shape) or 1.

Example: `arange_matrix(2, 3)` is

    [[0., 1., 2.],
     [3., 4., 5.]]

with shape (2, 3) and dtype float32.

Hint: `torch.arange` makes a 1-d sequence, and `reshape` turns it into a matrix.""",
        """编写 `arange_matrix(rows, cols)`：返回一个形状为 `(rows, cols)` 的矩阵，里面依次是
0, 1, 2, ..., rows*cols - 1，按行填充：第一行是 0, 1, ..., cols - 1，第二行从 cols 接着往下数，依此类推。

- 结果的数据类型必须是 `torch.float32`（不能是整数类型）。
- `rows` 或 `cols` 可能是 0（这时结果是该形状的空矩阵），也可能是 1。

例子：`arange_matrix(2, 3)` 的结果是

    [[0., 1., 2.],
     [3., 4., 5.]]

形状为 (2, 3)，数据类型为 float32。

提示：`torch.arange` 可以生成一维序列，再用 `reshape` 变成矩阵。""",
    ),
    signature="arange_matrix(rows: int, cols: int) -> Tensor",
    starter="""import torch


def arange_matrix(rows: int, cols: int) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
)
