"""linalg.l1_norm: the sum of absolute values of a vector, without torch.norm."""

import torch

from exercises._common import NORM_BANS, rand_int, randn
from grader.exercise import Case, Exercise, Mutant, text


def reference(x: torch.Tensor) -> torch.Tensor:
    return x.abs().sum()


SOLUTION = """
import torch

def l1_norm(x):
    return torch.abs(x).sum()
"""

MUTANTS = [
    Mutant(
        "forgets the absolute value",
        """
def l1_norm(x):
    return x.sum()
""",
        text(
            "Negative entries must count positively: take the absolute value of every entry "
            "before adding them up.",
            "负数元素也要按正数计入：先对每个元素取绝对值，再相加。",
        ),
    ),
    Mutant(
        "absolute value of the sum",
        """
def l1_norm(x):
    return x.sum().abs()
""",
        text(
            "|x1 + x2 + ...| is not |x1| + |x2| + ...: the absolute value goes on each entry, "
            "before the sum.",
            "|x1 + x2 + ...| 不等于 |x1| + |x2| + ...：绝对值要作用在每个元素上，并且在求和之前。",
        ),
    ),
    Mutant(
        "largest absolute value instead of the sum",
        """
def l1_norm(x):
    return x.abs().max()
""",
        text(
            "That is the maximum norm (L∞). The L1 norm adds up all the absolute values.",
            "这是最大值范数（L∞）。L1 范数要把所有元素的绝对值加起来。",
        ),
    ),
    Mutant(
        "abs_ overwrites x",
        """
def l1_norm(x):
    return x.abs_().sum()
""",
        text(
            "abs_ (with the underscore) replaces the entries of the caller's x by their "
            "absolute values. Use x.abs() or torch.abs(x), which make a new tensor.",
            "带下划线的 abs_ 会把调用者传进来的 x 的元素直接替换成绝对值。请用 x.abs() 或 "
            "torch.abs(x)，它们会生成新的张量。",
        ),
    ),
    Mutant(
        "converts the result to float",
        """
def l1_norm(x):
    return x.abs().sum().float()
""",
        text(
            "Keep the dtype: a float64 vector gives a float64 norm and an integer vector an "
            "integer (int64) norm.",
            "保持数据类型：float64 向量的范数是 float64，整数向量的范数是整数（int64）。",
        ),
    ),
]

PUBLIC = [
    Case("mixed signs", (torch.tensor([3.0, -4.0, -1.0]),)),
    Case("all negative", (torch.tensor([-1.5, -2.5]),)),
    Case("integer vector", (torch.tensor([2, -7, 0, 1]),)),
]


def hidden(g: torch.Generator) -> list[Case]:
    n = rand_int(g, 5, 20)
    return [
        Case("random vector", (randn(g, n),)),
        Case("long random vector", (randn(g, 1000),)),
        Case("all entries negative", (-randn(g, 6).abs() - 0.1,)),
        Case("float64 vector", (randn(g, n, dtype=torch.float64),)),
        Case("integer vector", (torch.randint(-100, 100, (n,), generator=g),)),
        Case("a single negative entry", (torch.tensor([-rand_int(g, 1, 9) * 0.5]),)),
        Case("all zeros", (torch.zeros(7),)),
        Case("empty vector", (torch.zeros(0),)),
        Case("large magnitudes", (randn(g, 8, scale=1e30),)),
    ]


EXERCISE = Exercise(
    slug="linalg.l1_norm",
    title=text("L1 norm of a vector", "向量的 L1 范数"),
    statement=text(
        """Write `l1_norm(x)` that returns the L1 norm of the 1-D tensor `x`: the sum of the
absolute values of its entries,

    ||x||₁ = |x[0]| + |x[1]| + ... + |x[n-1]|

as a 0-dim tensor.

- Banned: `torch.norm`, `Tensor.norm`, everything in `torch.linalg` and other ready-made
  norms (`torch.dist`, `torch.cdist`, `F.normalize`, `renorm`). Use `abs` and `sum`.
- Keep the dtype: a float64 vector gives a float64 norm, an integer vector an integer (int64)
  norm. The norm of an empty vector is 0.
- Do not change `x`.

Example: `l1_norm(torch.tensor([3.0, -4.0, -1.0]))` is `tensor(8.)`, because 3 + 4 + 1 = 8.""",
        """编写 `l1_norm(x)`：返回一维张量 `x` 的 L1 范数，即各元素绝对值之和

    ||x||₁ = |x[0]| + |x[1]| + ... + |x[n-1]|

结果是一个 0 维张量。

- 禁止使用：`torch.norm`、`Tensor.norm`、`torch.linalg` 中的所有函数，以及其他现成的范数函数
  （`torch.dist`、`torch.cdist`、`F.normalize`、`renorm`）。请用 `abs` 和 `sum` 实现。
- 保持数据类型：float64 向量的范数是 float64，整数向量的范数是整数（int64）。
  空向量的范数为 0。
- 不要修改 `x`。

例子：`l1_norm(torch.tensor([3.0, -4.0, -1.0]))` 为 `tensor(8.)`，因为 3 + 4 + 1 = 8。""",
    ),
    signature="l1_norm(x: Tensor) -> Tensor",
    starter="""import torch


def l1_norm(x: torch.Tensor) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
    bans=NORM_BANS,
)
