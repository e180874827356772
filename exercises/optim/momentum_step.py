"""optim.momentum_step: one SGD-with-momentum step, as torch.optim.SGD(momentum=μ) does it."""

import torch

from exercises._common import rand_int, randn
from grader.exercise import Case, Comparison, Exercise, Mutant, text


def reference(
    params: list[torch.Tensor],
    grads: list[torch.Tensor],
    velocities: list[torch.Tensor],
    lr: float,
    momentum: float,
) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    leaves = [p.detach().clone().requires_grad_(True) for p in params]
    for leaf, grad in zip(leaves, grads, strict=True):
        leaf.grad = grad.detach().clone()
    optimizer = torch.optim.SGD(leaves, lr=lr, momentum=momentum)
    # The given velocities are torch's momentum buffers as they were before this step.
    for leaf, velocity in zip(leaves, velocities, strict=True):
        optimizer.state[leaf]["momentum_buffer"] = velocity.detach().clone()
    optimizer.step()
    return (
        [leaf.detach() for leaf in leaves],
        [optimizer.state[leaf]["momentum_buffer"].detach() for leaf in leaves],
    )


SOLUTION = """
import torch

def momentum_step(params, grads, velocities, lr, momentum):
    new_params, new_velocities = [], []
    with torch.no_grad():
        for p, g, v in zip(params, grads, velocities):
            v_new = momentum * v + g
            new_velocities.append(v_new)
            new_params.append(p - lr * v_new)
    return new_params, new_velocities
"""

MUTANTS = [
    Mutant(
        "moves the parameters with the old velocity (wrong order)",
        """
import torch

def momentum_step(params, grads, velocities, lr, momentum):
    new_params, new_velocities = [], []
    with torch.no_grad():
        for p, g, v in zip(params, grads, velocities):
            new_params.append(p - lr * v)
            new_velocities.append(momentum * v + g)
    return new_params, new_velocities
""",
        text(
            "Order matters: first update the velocity with this step's gradient, then move the "
            "parameter with the NEW velocity.",
            "顺序很重要：先用本步的梯度更新速度，再用**新的**速度去移动参数。",
        ),
    ),
    Mutant(
        "lr folded into the velocity (v = μv − lr·g; p = p + v)",
        """
import torch

def momentum_step(params, grads, velocities, lr, momentum):
    new_params, new_velocities = [], []
    with torch.no_grad():
        for p, g, v in zip(params, grads, velocities):
            v_new = momentum * v - lr * g
            new_velocities.append(v_new)
            new_params.append(p + v_new)
    return new_params, new_velocities
""",
        text(
            "That is another textbook form of momentum, but not torch's: in torch.optim.SGD the "
            "velocity does not contain lr (v ← μ·v + g) and the step is p ← p − lr·v.",
            "这是教科书里另一种动量写法，但不是 torch 的：torch.optim.SGD 的速度里不含 lr"
            "（v ← μ·v + g），参数更新为 p ← p − lr·v。",
        ),
    ),
    Mutant(
        "dampened average (v = μv + (1 − μ)g)",
        """
import torch

def momentum_step(params, grads, velocities, lr, momentum):
    new_params, new_velocities = [], []
    with torch.no_grad():
        for p, g, v in zip(params, grads, velocities):
            v_new = momentum * v + (1 - momentum) * g
            new_velocities.append(v_new)
            new_params.append(p - lr * v_new)
    return new_params, new_velocities
""",
        text(
            "An exponential moving average weights g by (1 − μ); torch's SGD uses dampening 0, "
            "so the gradient is added in full: v ← μ·v + g.",
            "指数滑动平均会给 g 乘上 (1 − μ)；torch 的 SGD 默认 dampening 为 0，梯度是整个加上去的："
            "v ← μ·v + g。",
        ),
    ),
    Mutant(
        "updates the velocities in place",
        """
import torch

def momentum_step(params, grads, velocities, lr, momentum):
    new_params = []
    with torch.no_grad():
        for p, g, v in zip(params, grads, velocities):
            v.mul_(momentum).add_(g)
            new_params.append(p - lr * v)
    return new_params, [v.clone() for v in velocities]
""",
        text(
            "mul_ / add_ / *= write into the caller's velocity tensors. Compute new tensors "
            "(momentum * v + g) and leave the inputs unchanged.",
            "mul_、add_、*= 会改写调用者传入的速度张量。请计算新的张量（momentum * v + g），输入保持不变。",
        ),
    ),
    Mutant(
        "returns the old velocities",
        """
import torch

def momentum_step(params, grads, velocities, lr, momentum):
    new_params = []
    with torch.no_grad():
        for p, g, v in zip(params, grads, velocities):
            new_params.append(p - lr * (momentum * v + g))
    return new_params, velocities
""",
        text(
            "Return the UPDATED velocities as the second list: the next step needs them.",
            "第二个列表要返回**更新后**的速度：下一步还要用到它们。",
        ),
    ),
]


def grad_params(*tensors: torch.Tensor) -> list[torch.Tensor]:
    """Leaf tensors that require grad, like a model's parameters."""
    return [t.requires_grad_() for t in tensors]


def scalar(g: torch.Generator, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return randn(g, 1, dtype=dtype).reshape(())


PUBLIC = [
    Case(
        "a vector and a scalar, lr = 0.1, momentum = 0.9",
        (
            [torch.tensor([1.0, 2.0]), torch.tensor(3.0)],
            [torch.tensor([0.5, -1.0]), torch.tensor(2.0)],
            [torch.tensor([1.0, 1.0]), torch.tensor(-1.0)],
            0.1,
            0.9,
        ),
    ),
    Case(
        "first step (zero velocity) of a weight that requires grad",
        (
            grad_params(torch.tensor([1.0, -1.0, 2.0])),
            [torch.tensor([2.0, 0.0, -2.0])],
            [torch.zeros(3)],
            0.5,
            0.9,
        ),
    ),
]


def hidden(g: torch.Generator) -> list[Case]:
    out_f, in_f = rand_int(g, 2, 5), rand_int(g, 2, 5)
    many = [rand_int(g, 1, 6) for _ in range(4)]
    f64 = torch.float64
    return [
        Case(
            "a random vector and matrix, momentum 0.9",
            (
                [randn(g, 5), randn(g, 3, 4)],
                [randn(g, 5), randn(g, 3, 4)],
                [randn(g, 5), randn(g, 3, 4)],
                0.1,
                0.9,
            ),
        ),
        Case(
            "first step: zero velocities",
            (
                [randn(g, 4), randn(g, 2, 2)],
                [randn(g, 4), randn(g, 2, 2)],
                [torch.zeros(4), torch.zeros(2, 2)],
                0.05,
                0.9,
            ),
        ),
        Case(
            "model parameters W, b that require grad",
            (
                grad_params(randn(g, out_f, in_f), randn(g, out_f)),
                [randn(g, out_f, in_f), randn(g, out_f)],
                [randn(g, out_f, in_f), randn(g, out_f)],
                0.02,
                0.8,
            ),
        ),
        Case("a single 0-dim parameter", ([scalar(g)], [scalar(g)], [scalar(g)], 0.3, 0.5)),
        Case(
            "float64 tensors",
            ([randn(g, 4, dtype=f64)], [randn(g, 4, dtype=f64)], [randn(g, 4, dtype=f64)], 0.01, 0.95),
        ),
        Case(
            "float32 and float64 parameters mixed",
            (
                [randn(g, 3), randn(g, 3, dtype=f64)],
                [randn(g, 3), randn(g, 3, dtype=f64)],
                [randn(g, 3), randn(g, 3, dtype=f64)],
                0.2,
                0.7,
            ),
        ),
        Case(
            "momentum 0.99, large velocities",
            ([randn(g, 6)], [randn(g, 6)], [randn(g, 6, scale=50.0)], 0.001, 0.99),
        ),
        Case(
            "momentum 0.5, lr = 1", ([randn(g, 2, 3, 2)], [randn(g, 2, 3, 2)], [randn(g, 2, 3, 2)], 1.0, 0.5)
        ),
        Case(
            "zero gradients: only the velocity moves the parameters",
            ([randn(g, 5)], [torch.zeros(5)], [randn(g, 5)], 0.1, 0.9),
        ),
        Case(
            "a parameter with an empty dimension (0, 3)",
            (
                [torch.zeros(0, 3), randn(g, 2)],
                [torch.zeros(0, 3), randn(g, 2)],
                [torch.zeros(0, 3), randn(g, 2)],
                0.1,
                0.9,
            ),
        ),
        Case(
            "four parameters of random sizes",
            (
                [randn(g, s) for s in many],
                [randn(g, s) for s in many],
                [randn(g, s) for s in many],
                0.03,
                0.9,
            ),
        ),
        Case(
            "large magnitudes (1e30)",
            ([randn(g, 6, scale=1e30)], [randn(g, 6, scale=1e30)], [randn(g, 6, scale=1e30)], 0.1, 0.9),
            comparison=Comparison(rtol=1e-5, atol=1e25),
        ),
    ]


EXERCISE = Exercise(
    slug="optim.momentum_step",
    title=text("One SGD step with momentum", "带动量的一步 SGD"),
    statement=text(
        """Plain SGD zig-zags in narrow valleys; momentum smooths the path by remembering a running
"velocity". Write `momentum_step(params, grads, velocities, lr, momentum)`, the update that
`torch.optim.SGD(params, lr=lr, momentum=momentum)` makes in one `optimizer.step()`
(dampening 0, no Nesterov, no weight decay). For each parameter p, its gradient g and its
velocity v, with μ = `momentum`:

    v_new = μ · v + g
    p_new = p − lr · v_new

The velocity is updated first, and the parameter moves with the NEW velocity.

- `velocities[i]` is torch's momentum buffer of `params[i]` before this step. On the very first
  step the caller passes zeros (torch starts its buffer at g, which is μ·0 + g).
- All tensors of position i share one shape and one dtype (float32 or float64); `lr` > 0 and
  0 < `momentum` < 1 are floats.
- Return `(new_params, new_velocities)`: a tuple of two NEW lists of NEW tensors.
- Change nothing the caller owns (no `-=`, `mul_`, `add_`, `.data` on the inputs; do not
  replace items of the input lists). Some parameters require grad: the returned tensors must
  not (work under `torch.no_grad()` or detach).

Example: `params = [tensor([1., 2.]), tensor(3.)]`, `grads = [tensor([0.5, -1.]), tensor(2.)]`,
`velocities = [tensor([1., 1.]), tensor(-1.)]`, `lr = 0.1`, `momentum = 0.9`. The velocities
become `[1.4, -0.1]` and `1.1`; the parameters `[0.86, 2.01]` and `2.89`.

Results are compared with torch.optim.SGD's, with the default tolerances of each dtype.""",
        """普通 SGD 在狭长的山谷里会来回震荡；动量法记住一个累计的“速度”，让路径更平滑。编写
`momentum_step(params, grads, velocities, lr, momentum)`，实现
`torch.optim.SGD(params, lr=lr, momentum=momentum)` 在一次 `optimizer.step()` 中做的更新
（dampening 为 0，不用 Nesterov，不带权重衰减）。对每个参数 p、它的梯度 g 和速度 v，记
μ = `momentum`：

    v_new = μ · v + g
    p_new = p − lr · v_new

先更新速度，再用**新的**速度移动参数。

- `velocities[i]` 是本步之前 torch 为 `params[i]` 保存的动量缓冲（momentum buffer）。第一步时
  调用者传入全零（torch 在第一步把缓冲设为 g，正好等于 μ·0 + g）。
- 同一位置 i 的各张量形状相同、数据类型相同（float32 或 float64）；`lr` > 0，
  0 < `momentum` < 1，都是浮点数。
- 返回 `(new_params, new_velocities)`：由两个**新**列表组成的元组，列表里都是**新**张量。
- 不能改动调用者的任何东西（不要对输入用 `-=`、`mul_`、`add_`、`.data`，也不要替换输入列表
  里的元素）。有些参数 requires_grad：返回的张量不能 requires_grad（在 `torch.no_grad()` 下
  计算，或者使用 detach）。

例子：`params = [tensor([1., 2.]), tensor(3.)]`，`grads = [tensor([0.5, -1.]), tensor(2.)]`，
`velocities = [tensor([1., 1.]), tensor(-1.)]`，`lr = 0.1`，`momentum = 0.9`。速度变为
`[1.4, -0.1]` 和 `1.1`；参数变为 `[0.86, 2.01]` 和 `2.89`。

结果与 torch.optim.SGD 的结果比较，使用各数据类型的默认容差。""",
    ),
    signature="momentum_step(params: list[Tensor], grads: list[Tensor], velocities: list[Tensor], "
    "lr: float, momentum: float) -> tuple[list[Tensor], list[Tensor]]",
    starter="""import torch


def momentum_step(params: list[torch.Tensor], grads: list[torch.Tensor],
                  velocities: list[torch.Tensor], lr: float,
                  momentum: float) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
)
