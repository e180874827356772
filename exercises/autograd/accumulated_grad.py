"""autograd.accumulated_grad: backward() adds into x.grad; it does not overwrite it."""

import torch

from exercises._common import rand_int, randn
from grader.exercise import Case, Exercise, Mutant, text


def reference(x: torch.Tensor, times: int) -> torch.Tensor:
    for _ in range(times):
        x.sum().backward()
    if x.grad is None:
        return torch.zeros_like(x, requires_grad=False)
    return x.grad.detach().clone()


SOLUTION = """
import torch

def accumulated_grad(x, times):
    for _ in range(times):
        x.sum().backward()
    if x.grad is None:
        return torch.zeros_like(x).detach()
    return x.grad.clone()
"""

MUTANTS = [
    Mutant(
        "zeroes the gradient before each backward",
        """
import torch

def accumulated_grad(x, times):
    for _ in range(times):
        if x.grad is not None:
            x.grad.zero_()
        x.sum().backward()
    if x.grad is None:
        return torch.zeros_like(x).detach()
    return x.grad.clone()
""",
        text(
            "Here nothing is reset: the point is to watch backward() ADD into x.grad. Do not call "
            "x.grad.zero_() (or set x.grad = None) between the calls.",
            "这里不要清零：本题就是要观察 backward() 会把梯度累加到 x.grad 上。"
            "两次调用之间不要执行 x.grad.zero_()（也不要把 x.grad 设为 None）。",
        ),
    ),
    Mutant(
        "one call too few",
        """
import torch

def accumulated_grad(x, times):
    for _ in range(1, times):
        x.sum().backward()
    if x.grad is None:
        return torch.zeros_like(x).detach()
    return x.grad.clone()
""",
        text(
            "range(1, times) runs times - 1 times. Call backward() exactly `times` times: range(times).",
            "range(1, times) 只循环 times - 1 次。backward() 要恰好调用 `times` 次：用 range(times)。",
        ),
    ),
    Mutant(
        "returns None when times is 0",
        """
import torch

def accumulated_grad(x, times):
    for _ in range(times):
        x.sum().backward()
    return x.grad
""",
        text(
            "When times is 0 and x has never received a gradient, x.grad is None; the statement "
            "asks for a tensor of zeros (shape and dtype of x) in that case.",
            "当 times 为 0 且 x 从未得到过梯度时，x.grad 是 None；题目要求此时返回与 x 形状、"
            "数据类型相同的全零张量。",
        ),
    ),
    Mutant(
        "backward on a detached copy of x",
        """
import torch

def accumulated_grad(x, times):
    x = x.detach().clone().requires_grad_(True)
    for _ in range(times):
        x.sum().backward()
    if x.grad is None:
        return torch.zeros_like(x)
    return x.grad.clone()
""",
        text(
            "This exercise is about the caller's x: its x.grad must end up holding the accumulated "
            "gradient, on top of whatever it already held. Call backward() on x itself, not on a "
            "copy.",
            "本题考察的正是调用者传入的 x：调用结束后它的 x.grad 应当保存累加后的梯度"
            "（在原有梯度的基础上继续累加）。请直接对 x 本身调用 backward()，而不是对副本。",
        ),
    ),
]


def _leaf(values, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.as_tensor(values, dtype=dtype).detach().clone().requires_grad_(True)


def _with_grad(x: torch.Tensor, grad) -> torch.Tensor:
    """A leaf requiring grad whose .grad already holds ``grad`` (left over from an earlier backward)."""
    leaf = x.detach().clone().requires_grad_(True)
    leaf.grad = torch.as_tensor(grad, dtype=leaf.dtype).clone()
    return leaf


PUBLIC = [
    Case("one backward on [1, 2, 3]", (_leaf([1.0, 2.0, 3.0]), 1)),
    Case("three backwards on a 2x2 matrix", (_leaf([[1.0, 2.0], [3.0, 4.0]]), 3)),
    Case(
        "x.grad already holds [0.5, 0.5], two more backwards",
        (_with_grad(torch.tensor([4.0, -1.0]), [0.5, 0.5]), 2),
    ),
    Case("times = 0 and no gradient yet", (_leaf([7.0, 8.0]), 0)),
]


def hidden(g: torch.Generator) -> list[Case]:
    rows, cols = rand_int(g, 2, 6), rand_int(g, 2, 6)
    return [
        Case(
            "random matrix, several backwards", (randn(g, rows, cols).requires_grad_(True), rand_int(g, 2, 6))
        ),
        Case("random vector, one backward", (randn(g, 9).requires_grad_(True), 1)),
        Case(
            "x.grad already set from an earlier backward",
            (_with_grad(randn(g, 5), randn(g, 5)), rand_int(g, 2, 5)),
        ),
        Case("x.grad already set, one backward", (_with_grad(randn(g, 3, 2), randn(g, 3, 2)), 1)),
        Case("times = 0 and no gradient yet", (randn(g, 4).requires_grad_(True), 0)),
        Case("times = 0 with an existing gradient", (_with_grad(randn(g, 2, 3), randn(g, 2, 3)), 0)),
        Case("float64 input", (randn(g, 3, 4, dtype=torch.float64).requires_grad_(True), 4)),
        Case(
            "float64 with x.grad already set",
            (_with_grad(randn(g, 6, dtype=torch.float64), randn(g, 6, dtype=torch.float64)), 3),
        ),
        Case("3-d tensor", (randn(g, 2, 3, 4).requires_grad_(True), 2)),
        Case("a single element", (randn(g, 1).requires_grad_(True), 5)),
        Case("an empty tensor", (torch.zeros(0, 3).requires_grad_(True), 3)),
        Case("many backwards (50)", (randn(g, 4).requires_grad_(True), 50)),
    ]


EXERCISE = Exercise(
    slug="autograd.accumulated_grad",
    title=text("Gradients accumulate", "梯度会累加"),
    statement=text(
        """In PyTorch, `backward()` does not overwrite `x.grad`: it ADDS the new gradient to
whatever `x.grad` already holds. That is why training loops call `optimizer.zero_grad()`.
This exercise lets you see it.

Write `accumulated_grad(x, times)`:
- `x` is a leaf tensor with `requires_grad=True` (any shape); its `x.grad` may be `None`
  or may already hold a gradient from an earlier `backward()`.
- Call `x.sum().backward()` exactly `times` times on this `x` (`times >= 0`), without
  zeroing anything in between.
- Return a copy of `x.grad` afterwards. If `x.grad` is still `None` (that happens when
  `times` is 0 and `x` never had a gradient), return `torch.zeros_like(x)` instead and
  leave `x.grad` as `None`.

Unlike most exercises, here you are expected to change `x.grad` of the argument: after
the call it must hold the accumulated gradient. The values of `x` must not change.

Example: the gradient of `x.sum()` is 1 for every entry. For `x = [1., 2., 3.]` and
`times = 1` the result is `[1., 1., 1.]`; with `times = 3` on a 2x2 matrix it is
`[[3., 3.], [3., 3.]]`; if `x.grad` already was `[0.5, 0.5]`, two more calls give
`[2.5, 2.5]`.""",
        """在 PyTorch 中，`backward()` 并不会覆盖 `x.grad`，而是把新算出的梯度**加到** `x.grad`
原有的值上。这正是训练循环里要调用 `optimizer.zero_grad()` 的原因。本题就让你亲眼看看这一点。

编写 `accumulated_grad(x, times)`：
- `x` 是 `requires_grad=True` 的叶子张量（形状任意）；它的 `x.grad` 可能是 `None`，
  也可能已经存着之前某次 `backward()` 留下的梯度。
- 对这个 `x` 恰好调用 `times` 次 `x.sum().backward()`（`times >= 0`），中间不做任何清零。
- 返回此时 `x.grad` 的副本。如果 `x.grad` 仍是 `None`（即 `times` 为 0 且 `x` 从未有过梯度），
  则返回 `torch.zeros_like(x)`，并让 `x.grad` 保持为 `None`。

与大多数题目不同，本题要求你修改参数的 `x.grad`：调用结束后它应当保存累加后的梯度。
`x` 本身的数值不能改变。

例子：`x.sum()` 对每个元素的梯度都是 1。`x = [1., 2., 3.]`、`times = 1` 时结果为 `[1., 1., 1.]`；
对一个 2x2 矩阵调用 3 次，结果为 `[[3., 3.], [3., 3.]]`；如果 `x.grad` 原本是 `[0.5, 0.5]`，
再调用 2 次后结果为 `[2.5, 2.5]`。""",
    ),
    signature="accumulated_grad(x: Tensor, times: int) -> Tensor",
    starter="""import torch


def accumulated_grad(x: torch.Tensor, times: int) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
)
