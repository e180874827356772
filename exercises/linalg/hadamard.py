"""linalg.hadamard: the element-wise (Hadamard) product of two same-shape tensors."""

import torch

from exercises._common import rand_int, randn
from grader.exercise import Case, Exercise, Mutant, text


def reference(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return a * b


SOLUTION = """
import torch

def hadamard(a, b):
    return a * b
"""

MUTANTS = [
    Mutant(
        "matrix product instead of element-wise",
        """
def hadamard(a, b):
    return a @ b
""",
        text(
            "The Hadamard product a ⊙ b multiplies entries at the same position; `@` is the "
            "matrix product, a different operation (it sums over an axis and changes the shape).",
            "Hadamard 积 a ⊙ b 是把相同位置上的元素相乘；`@` 是矩阵乘法，是另一种运算"
            "（它会沿某一维求和，形状也会改变）。",
        ),
    ),
    Mutant(
        "sums the products",
        """
def hadamard(a, b):
    return (a * b).sum()
""",
        text(
            "The result has the same shape as a and b, one product per position: nothing is "
            "added up (that would be a dot product).",
            "结果与 a、b 形状相同，每个位置一个乘积，不需要求和（求和就成了点积）。",
        ),
    ),
    Mutant(
        "writes the result into a",
        """
def hadamard(a, b):
    a *= b
    return a
""",
        text(
            "`a *= b` (or a.mul_(b)) overwrites the caller's tensor a. Build a new tensor "
            "instead of modifying an input.",
            "`a *= b`（或 a.mul_(b)）会覆盖调用者传入的张量 a。请生成一个新张量，不要修改输入。",
        ),
    ),
    Mutant(
        "float32 buffer filled row by row",
        """
import torch

def hadamard(a, b):
    out = torch.zeros(a.shape)
    for i in range(a.shape[0]):
        out[i] = a[i] * b[i]
    return out
""",
        text(
            "torch.zeros(shape) is always float32, so float64 or integer inputs come back with "
            "the wrong dtype; the loop also needs at least one dimension. One whole-tensor "
            "operation keeps the dtype and works for every shape.",
            "torch.zeros(shape) 总是 float32，所以 float64 或整数输入会得到错误的数据类型；"
            "按行循环还要求张量至少有一维。直接对整个张量做一次运算，既保留数据类型，"
            "又适用于任何形状。",
        ),
    ),
]

PUBLIC = [
    Case(
        "two 2x2 matrices", (torch.tensor([[1.0, 2.0], [3.0, 4.0]]), torch.tensor([[5.0, 6.0], [7.0, 8.0]]))
    ),
    Case(
        "a 2x3 matrix with negative entries",
        (
            torch.tensor([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]]),
            torch.tensor([[2.0, 2.0, 4.0], [9.0, -1.0, -1.0]]),
        ),
    ),
    Case("vectors", (torch.tensor([1.0, 2.0, 3.0]), torch.tensor([4.0, 5.0, 6.0]))),
]


def hidden(g: torch.Generator) -> list[Case]:
    n, m = rand_int(g, 2, 6), rand_int(g, 2, 6)
    shape3 = [rand_int(g, 2, 4) for _ in range(3)]
    k = rand_int(g, 3, 5)
    return [
        Case("random square matrices", (randn(g, k, k), randn(g, k, k))),
        Case("random matrices", (randn(g, n, m + 1), randn(g, n, m + 1))),
        Case("random 3-d tensors", (randn(g, *shape3), randn(g, *shape3))),
        Case("random vectors", (randn(g, 7), randn(g, 7))),
        Case("float64 input", (randn(g, 4, 5, dtype=torch.float64), randn(g, 4, 5, dtype=torch.float64))),
        Case(
            "integer tensors",
            (torch.randint(-20, 20, (3, 4), generator=g), torch.randint(-20, 20, (3, 4), generator=g)),
        ),
        Case("0-dim tensors (scalars)", (randn(g, 1).reshape(()), randn(g, 1).reshape(()))),
        Case("an empty dimension", (torch.zeros(3, 0), torch.zeros(3, 0))),
        Case("a size-1 dimension", (randn(g, 1, 6), randn(g, 1, 6))),
        Case("large magnitudes", (randn(g, 3, 4, scale=1e18), randn(g, 3, 4, scale=1e18))),
    ]


EXERCISE = Exercise(
    slug="linalg.hadamard",
    title=text("Hadamard (element-wise) product", "Hadamard 积（按元素乘积）"),
    statement=text(
        """Write `hadamard(a, b)` that returns the Hadamard product a ⊙ b of two tensors of the
same shape: the entry at each position is the product of the entries of `a` and `b` at that
position.

- `a` and `b` always have the same shape, with any number of dimensions (even 0 or with an
  empty dimension); the result has that shape too.
- This is not the matrix product: nothing is summed.
- Keep the dtype of the inputs (float64 stays float64, integers stay integers).
- Do not change `a` or `b`: return a new tensor.

Example: for `a = [[1, 2], [3, 4]]` and `b = [[5, 6], [7, 8]]`, `hadamard(a, b)` is
`[[5, 12], [21, 32]]`, whereas the matrix product would be `[[19, 22], [43, 50]]`.""",
        """编写 `hadamard(a, b)`：返回两个形状相同的张量的 Hadamard 积 a ⊙ b，
即结果中每个位置的元素等于 `a` 和 `b` 在该位置上的元素之积。

- `a` 与 `b` 的形状总是相同，维数不限（可以是 0 维张量，也可以含有长度为 0 的维度）；
  结果的形状与它们一致。
- 这不是矩阵乘法：不做任何求和。
- 保持输入的数据类型（float64 仍为 float64，整数仍为整数）。
- 不要修改 `a` 或 `b`，请返回一个新张量。

例子：`a = [[1, 2], [3, 4]]`，`b = [[5, 6], [7, 8]]` 时，`hadamard(a, b)` 为 `[[5, 12], [21, 32]]`；
而矩阵乘积则是 `[[19, 22], [43, 50]]`，两者不要混淆。""",
    ),
    signature="hadamard(a: Tensor, b: Tensor) -> Tensor",
    starter="""import torch


def hadamard(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
)
