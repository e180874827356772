"""tensors.clone_and_fill: a new tensor like x (shape and dtype) filled with one value."""

import torch

from exercises._common import rand_int, randn
from grader.exercise import Case, Exercise, Mutant, text


def reference(x: torch.Tensor, value: float) -> torch.Tensor:
    return torch.full_like(x, value)


SOLUTION = """
import torch

def clone_and_fill(x, value):
    return torch.full_like(x, value)
"""

MUTANTS = [
    Mutant(
        "fills x itself",
        """
def clone_and_fill(x, value):
    x.fill_(value)
    return x
""",
        text(
            "fill_ (like every method ending in _) writes into the tensor it is called on, so "
            "the caller's x is overwritten. Make a new tensor first and fill that one.",
            "fill_（以及所有以下划线结尾的方法）会直接修改调用它的张量，于是调用者传入的 x 被改掉了。"
            "请先创建一个新张量，再填充它。",
        ),
    ),
    Mutant(
        "torch.full with the default dtype",
        """
import torch

def clone_and_fill(x, value):
    return torch.full(x.shape, value)
""",
        text(
            "torch.full(shape, value) does not know x's dtype: it uses float32 (the default), so "
            "a float64 or integer x gets the wrong dtype. Pass dtype=x.dtype, or use a *_like "
            "function.",
            "torch.full(shape, value) 并不知道 x 的数据类型，它会用默认的 float32，"
            "所以 x 是 float64 或整数时结果类型就错了。请传入 dtype=x.dtype，或使用 *_like 系列函数。",
        ),
    ),
    Mutant(
        "ones_like(x) * value",
        """
import torch

def clone_and_fill(x, value):
    return torch.ones_like(x) * value
""",
        text(
            "Multiplying an integer tensor by a Python float gives a float tensor (type "
            "promotion), so the dtype of x is lost. The result must keep x's dtype; for an "
            "integer x the value is truncated toward zero.",
            "整数张量乘以 Python 浮点数，会按类型提升规则得到浮点张量，x 的数据类型就丢了。"
            "结果必须保持 x 的数据类型；x 是整数时，value 向零取整。",
        ),
    ),
    Mutant(
        "clone keeps the autograd link",
        """
def clone_and_fill(x, value):
    return x.clone().fill_(value)
""",
        text(
            "x.clone() stays connected to x in the autograd graph, so when x requires grad your "
            "result does too. The result should be a plain new tensor: detach it, or build it "
            "without copying x.",
            "x.clone() 在自动求导图中仍然和 x 相连，所以 x 需要梯度时，你的结果也会带着 requires_grad。"
            "结果应当是一个普通的新张量：先 detach，或者不通过复制 x 来创建它。",
        ),
    ),
]

PUBLIC = [
    Case("a 2x3 float matrix filled with 7.5", (torch.arange(6.0).reshape(2, 3), 7.5)),
    Case("an integer vector: 2.7 is truncated to 2", (torch.tensor([1, 2, 3]), 2.7)),
    Case("a float64 vector filled with -1", (torch.tensor([0.5, 1.5], dtype=torch.float64), -1.0)),
]


def hidden(g: torch.Generator) -> list[Case]:
    value = float(randn(g, 1).item() * 10)
    return [
        Case("random 3-d tensor", (randn(g, 2, 3, 4), value)),
        Case(
            "random shape, float64",
            (randn(g, rand_int(g, 1, 5), rand_int(g, 1, 5), dtype=torch.float64), value),
        ),
        Case(
            "integer tensor, negative float value (truncated toward zero)",
            (torch.randint(-9, 9, (3, 4), generator=g), -3.7),
        ),
        Case("int32 tensor", (torch.randint(0, 100, (5,), generator=g, dtype=torch.int32), 12.0)),
        Case("x requires grad: the result does not", (randn(g, 4, 2).requires_grad_(), 1.25)),
        Case("fill with 0", (randn(g, 3, 3), 0.0)),
        Case("large value 1e30", (randn(g, 2, 5), 1e30)),
        Case("fill with -inf", (randn(g, 3), float("-inf"))),
        Case("0-dim tensor", (torch.tensor(3.5), value)),
        Case("empty tensor (0 rows)", (torch.zeros(0, 4), value)),
        Case("transposed (non-contiguous) input", (randn(g, 3, 5).T, value)),
    ]


EXERCISE = Exercise(
    slug="tensors.clone_and_fill",
    title=text("A filled copy, the input untouched", "填充新张量，原张量不变"),
    statement=text(
        """Write `clone_and_fill(x, value)` that returns a **new** tensor with the same shape and
the same dtype as `x`, in which every entry equals `value`.

- `x` itself must not change. Methods whose name ends in `_` (such as `fill_`, `add_`) and
  assignments like `y[...] = value` write into an existing tensor; if that tensor is `x` (or
  `y = x`, which is the same tensor under another name), the caller's data is destroyed.
- Keep `x`'s dtype. For an integer `x`, the value is converted as torch does it, by dropping the
  fractional part (truncation toward zero): 2.7 becomes 2 and -3.7 becomes -3.
- The result is a plain tensor: even if `x` requires grad, the result does not
  (`requires_grad` is False).

Example: for `x = [[0., 1., 2.], [3., 4., 5.]]`, `clone_and_fill(x, 7.5)` is
`[[7.5, 7.5, 7.5], [7.5, 7.5, 7.5]]`, and `x` is still `[[0., 1., 2.], [3., 4., 5.]]`.
For `x = torch.tensor([1, 2, 3])` (int64), `clone_and_fill(x, 2.7)` is `tensor([2, 2, 2])`.""",
        """编写 `clone_and_fill(x, value)`：返回一个**新的**张量，形状和数据类型都与 `x` 相同，
每个元素都等于 `value`。

- 不能修改 `x` 本身。名字以 `_` 结尾的方法（如 `fill_`、`add_`）以及 `y[...] = value` 这样的赋值，
  都会写入已有的张量；如果那个张量就是 `x`（或者 `y = x`，这只是给同一个张量起了另一个名字），
  调用者的数据就被破坏了。
- 保持 `x` 的数据类型。`x` 是整数类型时，value 按 torch 的方式转换，即去掉小数部分（向零取整）：
  2.7 变成 2，-3.7 变成 -3。
- 结果是一个普通张量：即使 `x` 需要梯度，结果也不需要（`requires_grad` 为 False）。

例子：`x = [[0., 1., 2.], [3., 4., 5.]]` 时，`clone_and_fill(x, 7.5)` 的结果是
`[[7.5, 7.5, 7.5], [7.5, 7.5, 7.5]]`，而 `x` 仍然是 `[[0., 1., 2.], [3., 4., 5.]]`。
`x = torch.tensor([1, 2, 3])`（int64）时，`clone_and_fill(x, 2.7)` 的结果是 `tensor([2, 2, 2])`。""",
    ),
    signature="clone_and_fill(x: Tensor, value: float) -> Tensor",
    starter="""import torch


def clone_and_fill(x: torch.Tensor, value: float) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
)
