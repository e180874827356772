"""optim.sgd_step: one plain SGD step over a list of parameters, as torch.optim.SGD does it."""

import torch

from exercises._common import rand_int, randn
from grader.exercise import Case, Comparison, Exercise, Mutant, text


def reference(params: list[torch.Tensor], grads: list[torch.Tensor], lr: float) -> list[torch.Tensor]:
    leaves = [p.detach().clone().requires_grad_(True) for p in params]
    for leaf, grad in zip(leaves, grads, strict=True):
        leaf.grad = grad.detach().clone()
    optimizer = torch.optim.SGD(leaves, lr=lr)
    optimizer.step()
    return [leaf.detach() for leaf in leaves]


SOLUTION = """
import torch

def sgd_step(params, grads, lr):
    with torch.no_grad():
        return [p - lr * g for p, g in zip(params, grads)]
"""

MUTANTS = [
    Mutant(
        "updates the parameters in place (p.data -= lr * g)",
        """
def sgd_step(params, grads, lr):
    for p, g in zip(params, grads):
        p.data -= lr * g
    return params
""",
        text(
            "`-=` (and .data, .sub_) writes into the caller's tensors, and `params[i] = ...` "
            "replaces the items of the caller's list. Build a new list of NEW tensors, "
            "p - lr * g, and leave params untouched.",
            "`-=`（以及 .data、.sub_）会直接改写调用者传进来的张量，`params[i] = ...` 则会替换"
            "调用者列表里的元素。请新建一个列表，放入新的张量 p - lr * g，params 本身保持不变。",
        ),
    ),
    Mutant(
        "adds the gradient (sign slip)",
        """
import torch

def sgd_step(params, grads, lr):
    with torch.no_grad():
        return [p + lr * g for p, g in zip(params, grads)]
""",
        text(
            "The gradient points uphill; a descent step moves against it: p − lr·g.",
            "梯度指向损失上升的方向；下降的一步要逆着它走：p − lr·g。",
        ),
    ),
    Mutant(
        "results still require grad (no torch.no_grad / detach)",
        """
def sgd_step(params, grads, lr):
    return [p - lr * g for p, g in zip(params, grads)]
""",
        text(
            "When a parameter requires grad, p - lr * g is recorded in the autograd graph and "
            "requires grad too. An optimizer step is not part of the model: compute it under "
            "`with torch.no_grad():` (or detach the results).",
            "参数 requires_grad 时，p - lr * g 会被记录进计算图，结果也 requires_grad。"
            "优化器的更新不属于模型本身：请在 `with torch.no_grad():` 中计算（或对结果 detach）。",
        ),
    ),
    Mutant(
        "overwrites the entries of the caller's list",
        """
import torch

def sgd_step(params, grads, lr):
    with torch.no_grad():
        for i in range(len(params)):
            params[i] = params[i] - lr * grads[i]
    return params
""",
        text(
            "params[i] = ... replaces the items of the caller's list, so the caller loses the "
            "old parameters. Build and return a new list.",
            "params[i] = ... 会替换调用者列表里的元素，调用者手里的旧参数就丢了。请新建一个列表返回。",
        ),
    ),
    Mutant(
        "returns the update −lr·g instead of the new parameters",
        """
import torch

def sgd_step(params, grads, lr):
    with torch.no_grad():
        return [-lr * g for g in grads]
""",
        text(
            "Return the parameters AFTER the step, p − lr·g, not just the change −lr·g.",
            "要返回更新之后的参数 p − lr·g，而不只是变化量 −lr·g。",
        ),
    ),
]


def grad_params(*tensors: torch.Tensor) -> list[torch.Tensor]:
    """Leaf tensors that require grad, like a model's parameters."""
    return [t.requires_grad_() for t in tensors]


PUBLIC = [
    Case(
        "a vector and a scalar, lr = 0.1",
        ([torch.tensor([1.0, 2.0]), torch.tensor(3.0)], [torch.tensor([0.5, -1.0]), torch.tensor(2.0)], 0.1),
    ),
    Case(
        "one weight vector that requires grad, lr = 0.5",
        (grad_params(torch.tensor([1.0, -1.0, 2.0])), [torch.tensor([2.0, 0.0, -2.0])], 0.5),
    ),
]


def hidden(g: torch.Generator) -> list[Case]:
    out_f, in_f = rand_int(g, 2, 5), rand_int(g, 2, 5)
    many = [rand_int(g, 1, 6) for _ in range(5)]
    return [
        Case(
            "a random vector and matrix", ([randn(g, 5), randn(g, 3, 4)], [randn(g, 5), randn(g, 3, 4)], 0.1)
        ),
        Case(
            "model parameters W, b that require grad",
            (
                grad_params(randn(g, out_f, in_f), randn(g, out_f)),
                [randn(g, out_f, in_f), randn(g, out_f)],
                0.05,
            ),
        ),
        Case(
            "a single 0-dim parameter that requires grad",
            (grad_params(randn(g, 1).reshape(())), [randn(g, 1).reshape(())], 0.3),
        ),
        Case(
            "float64 parameters",
            (
                [randn(g, 4, dtype=torch.float64), randn(g, 2, 3, dtype=torch.float64)],
                [randn(g, 4, dtype=torch.float64), randn(g, 2, 3, dtype=torch.float64)],
                0.01,
            ),
        ),
        Case(
            "float32 and float64 parameters mixed",
            (
                [randn(g, 3), randn(g, 3, dtype=torch.float64)],
                [randn(g, 3), randn(g, 3, dtype=torch.float64)],
                0.2,
            ),
        ),
        Case(
            "a parameter with an empty dimension (0, 3)",
            ([torch.zeros(0, 3), randn(g, 2)], [torch.zeros(0, 3), randn(g, 2)], 0.1),
        ),
        Case(
            "five parameters of random sizes",
            ([randn(g, s) for s in many], [randn(g, s) for s in many], 0.03),
        ),
        Case("a 3-d parameter, lr = 1", ([randn(g, 2, 3, 4)], [randn(g, 2, 3, 4)], 1.0)),
        Case("lr = 0 leaves the values as they are", ([randn(g, 4)], [randn(g, 4)], 0.0)),
        Case("zero gradients", (grad_params(randn(g, 3, 3)), [torch.zeros(3, 3)], 0.1)),
        Case(
            "large magnitudes (1e30)",
            ([randn(g, 6, scale=1e30)], [randn(g, 6, scale=1e30)], 0.1),
            comparison=Comparison(rtol=1e-5, atol=1e25),
        ),
        Case(
            "a small learning rate (1e-4) on large gradients",
            (grad_params(randn(g, 8)), [randn(g, 8, scale=1e3)], 1e-4),
        ),
    ]


EXERCISE = Exercise(
    slug="optim.sgd_step",
    title=text("One SGD step", "一步随机梯度下降（SGD）"),
    statement=text(
        """Write `sgd_step(params, grads, lr)`, the update that `torch.optim.SGD(params, lr=lr)`
makes in `optimizer.step()` (no momentum, no weight decay): for each parameter tensor p and
its gradient g,

    p_new = p − lr · g

- `params` is a list of float tensors of any shapes (0-dim, vectors, matrices, ...; float32 or
  float64); `grads` is a list of the same length, `grads[i]` of the same shape and dtype as
  `params[i]`; `lr` is a float ≥ 0.
- Return a NEW list of NEW tensors `[p_new_0, p_new_1, ...]`, each with the shape and dtype of
  its parameter.
- Unlike `optimizer.step()`, change nothing the caller owns: not the parameter tensors (no
  `-=`, `.sub_`, `.data`), not the gradients, not the lists.
- Some parameters require grad, like the weights of a model. The step itself must not be
  recorded by autograd: the returned tensors must not require grad (torch.optim runs its step
  under `torch.no_grad()`; do the same, or detach).

Example: `params = [tensor([1., 2.]), tensor(3.)]`, `grads = [tensor([0.5, -1.]), tensor(2.)]`,
`lr = 0.1` → `[tensor([0.95, 2.1]), tensor(2.8)]`.

Results are compared with torch.optim.SGD's, with the default tolerances of each dtype.""",
        """编写 `sgd_step(params, grads, lr)`，实现 `torch.optim.SGD(params, lr=lr)` 在
`optimizer.step()` 中做的更新（不带动量、不带权重衰减）：对每个参数张量 p 及其梯度 g，

    p_new = p − lr · g

- `params` 是由浮点张量组成的列表，形状任意（0 维、向量、矩阵……；float32 或 float64）；
  `grads` 是等长的列表，`grads[i]` 与 `params[i]` 形状、数据类型都相同；`lr` 是 ≥ 0 的浮点数。
- 返回一个**新的**列表，里面是**新的**张量 `[p_new_0, p_new_1, ...]`，每个的形状和数据类型
  与对应参数一致。
- 与 `optimizer.step()` 不同，这里不能改动调用者的任何东西：参数张量（不要用 `-=`、`.sub_`、
  `.data`）、梯度、以及这两个列表本身都要保持原样。
- 有些参数像模型权重一样 requires_grad。更新这一步本身不应该被自动求导记录：返回的张量不能
  requires_grad（torch.optim 在 `torch.no_grad()` 下执行更新；你也可以这样做，或者使用 detach）。

例子：`params = [tensor([1., 2.]), tensor(3.)]`，`grads = [tensor([0.5, -1.]), tensor(2.)]`，
`lr = 0.1` → `[tensor([0.95, 2.1]), tensor(2.8)]`。

结果与 torch.optim.SGD 的结果比较，使用各数据类型的默认容差。""",
    ),
    signature="sgd_step(params: list[Tensor], grads: list[Tensor], lr: float) -> list[Tensor]",
    starter="""import torch


def sgd_step(params: list[torch.Tensor], grads: list[torch.Tensor],
             lr: float) -> list[torch.Tensor]:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
)
