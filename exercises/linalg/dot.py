"""linalg.dot: the dot product of two vectors from an element-wise product and a sum."""

import torch

from exercises._common import MATRIX_PRODUCT_BANS, rand_int, randn
from grader.exercise import Case, Comparison, Exercise, Mutant, text


def reference(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return torch.dot(a, b)


SOLUTION = """
import torch

def dot(a, b):
    return (a * b).sum()
"""

MUTANTS = [
    Mutant(
        "forgets to sum",
        """
def dot(a, b):
    return a * b
""",
        text(
            "a * b is only the element-wise product, one number per position. The dot product "
            "adds those products up into a single number (a 0-dim tensor).",
            "a * b 只是按元素相乘，每个位置一个数。点积还要把这些乘积加起来，得到一个数（0 维张量）。",
        ),
    ),
    Mutant(
        "product of the sums",
        """
def dot(a, b):
    return a.sum() * b.sum()
""",
        text(
            "(a0 + a1 + ...)(b0 + b1 + ...) also contains the cross terms a0·b1, a1·b0, ...; "
            "the dot product pairs each a[i] only with b[i]: multiply first, then sum.",
            "(a0 + a1 + …)(b0 + b1 + …) 展开后还含有 a0·b1、a1·b0 等交叉项；点积只把 a[i] 和 "
            "b[i] 配对相乘：应先相乘，再求和。",
        ),
    ),
    Mutant(
        "keeps a length-1 axis",
        """
def dot(a, b):
    return (a * b).sum(dim=0, keepdim=True)
""",
        text(
            "The dot product is a single number: a 0-dim tensor of shape (). keepdim=True "
            "(like reshape(1) or torch.tensor([...])) gives shape (1,), a vector of length 1.",
            "点积是一个数，即形状为 () 的 0 维张量。keepdim=True（以及 reshape(1)、"
            "torch.tensor([...]) 等写法）得到的是形状为 (1,) 的张量，也就是长度为 1 的向量。",
        ),
    ),
    Mutant(
        "float32 accumulator in a loop",
        """
import torch

def dot(a, b):
    total = torch.tensor(0.0)
    for i in range(len(a)):
        total += a[i] * b[i]
    return total
""",
        text(
            "torch.tensor(0.0) is float32, and `total += ...` keeps total's dtype, so float64 "
            "and integer vectors come back as float32. Let the result take the inputs' dtype, "
            "e.g. by summing the products with one tensor operation.",
            "torch.tensor(0.0) 是 float32，而 `total += ...` 会保持 total 的数据类型，"
            "所以 float64 和整数向量的结果都变成了 float32。请让结果沿用输入的数据类型，"
            "例如用一次张量运算把乘积加起来。",
        ),
    ),
]

PUBLIC = [
    Case("two short vectors", (torch.tensor([1.0, 2.0, 3.0]), torch.tensor([4.0, 5.0, 6.0]))),
    Case("orthogonal vectors", (torch.tensor([1.0, 2.0]), torch.tensor([-2.0, 1.0]))),
    Case(
        "with fractions and negatives",
        (torch.tensor([0.5, -1.0, 2.0, 0.0]), torch.tensor([4.0, 3.0, -0.25, 7.0])),
    ),
]

FLOAT64 = Comparison(rtol=1e-10, atol=1e-10)


def hidden(g: torch.Generator) -> list[Case]:
    n = rand_int(g, 5, 40)
    big_a, big_b = randn(g, 30, scale=1e15), randn(g, 30, scale=1e15)
    big = Comparison(rtol=1e-4, atol=1e-5 * float((big_a.double() * big_b.double()).abs().sum()))
    return [
        Case("random vectors", (randn(g, n), randn(g, n))),
        Case("long random vectors", (randn(g, 500), randn(g, 500))),
        Case("positive vectors", (randn(g, 8).abs(), randn(g, 8).abs())),
        Case(
            "float64 input",
            (randn(g, 12, dtype=torch.float64), randn(g, 12, dtype=torch.float64)),
            comparison=FLOAT64,
        ),
        Case(
            "integer vectors",
            (torch.randint(-20, 20, (9,), generator=g), torch.randint(-20, 20, (9,), generator=g)),
        ),
        Case("length 1", (randn(g, 1), randn(g, 1))),
        Case("empty vectors (the sum of nothing is 0)", (torch.zeros(0), torch.zeros(0))),
        Case("large magnitudes", (big_a, big_b), comparison=big),
    ]


EXERCISE = Exercise(
    slug="linalg.dot",
    title=text("Dot product of two vectors", "两个向量的点积"),
    statement=text(
        """Write `dot(a, b)` that returns the dot product of two vectors of the same length n:
a·b = a[0]·b[0] + a[1]·b[1] + ... + a[n-1]·b[n-1].

Build it from the operations you already know: an element-wise product, then a sum.

- The result is a 0-dim tensor (shape `()`), not a Python number and not a tensor of shape (1,).
- Banned: `torch.dot`, `torch.inner`, `torch.matmul`, `torch.mm`, `torch.mv`, `torch.bmm`,
  `torch.einsum`, `torch.tensordot`, the `@` operator, `torch.linalg.*` and the matching
  tensor methods (`a.dot(b)`, `a.matmul(b)`, ...).
- Keep the dtype of the inputs (float64 stays float64, integers stay integers).
- The vectors may be empty: the dot product of two empty vectors is 0.
- Do not change `a` or `b`.

Example: `dot([1, 2, 3], [4, 5, 6])` is `1·4 + 2·5 + 3·6 = 32`, returned as `tensor(32.)`.""",
        """编写 `dot(a, b)`：返回两个长度同为 n 的向量的点积
a·b = a[0]·b[0] + a[1]·b[1] + … + a[n-1]·b[n-1]。

请用学过的运算来实现：先按元素相乘，再求和。

- 结果是 0 维张量（形状为 `()`），不是 Python 数，也不是形状为 (1,) 的张量。
- 不允许使用：`torch.dot`、`torch.inner`、`torch.matmul`、`torch.mm`、`torch.mv`、`torch.bmm`、
  `torch.einsum`、`torch.tensordot`、`@` 运算符、`torch.linalg.*`，以及对应的张量方法
  （`a.dot(b)`、`a.matmul(b)` 等）。
- 保持输入的数据类型（float64 仍为 float64，整数仍为整数）。
- 向量可能为空：两个空向量的点积是 0。
- 不要修改 `a` 或 `b`。

例子：`dot([1, 2, 3], [4, 5, 6])` 等于 `1·4 + 2·5 + 3·6 = 32`，返回 `tensor(32.)`。""",
    ),
    signature="dot(a: Tensor, b: Tensor) -> Tensor",
    starter="""import torch


def dot(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
    bans=MATRIX_PRODUCT_BANS,
    comparison=Comparison(rtol=1e-4, atol=1e-4),
)
