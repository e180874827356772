"""stats.cross_entropy: mean cross-entropy loss from logits and labels, numerically stable."""

import torch
import torch.nn.functional as F

from exercises._common import rand_int, randn
from grader.exercise import Bans, Case, Comparison, Exercise, Mutant, text


def reference(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(logits, labels)


SOLUTION = """
import torch

def cross_entropy(logits, labels):
    shifted = logits - logits.amax(dim=1, keepdim=True)        # every row's maximum becomes 0
    log_sum_exp = shifted.exp().sum(dim=1).log()               # each exp is at most 1
    picked = shifted[torch.arange(logits.shape[0]), labels]    # (shifted) logit of the true class
    return (log_sum_exp - picked).mean()
"""

MUTANTS = [
    Mutant(
        "exp without subtracting the maximum",
        """
import torch

def cross_entropy(logits, labels):
    log_sum_exp = logits.exp().sum(dim=1).log()
    picked = logits[torch.arange(logits.shape[0]), labels]
    return (log_sum_exp - picked).mean()
""",
        text(
            "exp overflows to inf for logits above about 88 (float32), and underflows to 0 "
            "below about -100, so the log gives inf. Use log Σ exp(z) = m + log Σ exp(z − m) "
            "with m the largest logit of the row: then every exp is at most 1.",
            "logit 大于约 88（float32）时 exp 会溢出成 inf，小于约 -100 时又会下溢成 0，"
            "取 log 后得到 inf。请利用 log Σ exp(z) = m + log Σ exp(z − m)，其中 m 是该行最大的 "
            "logit：这样每个 exp 都不超过 1。",
        ),
    ),
    Mutant(
        "one maximum for the whole batch",
        """
import torch

def cross_entropy(logits, labels):
    m = logits.amax()
    log_sum_exp = m + (logits - m).exp().sum(dim=1).log()
    picked = logits[torch.arange(logits.shape[0]), labels]
    return (log_sum_exp - picked).mean()
""",
        text(
            "Subtracting the largest logit of the whole batch is not enough when rows live on "
            "different scales: a row far below that maximum has every exp underflow to 0 and "
            "log(0) = -inf. Subtract each row's own maximum (amax(dim=1, keepdim=True)).",
            "减去整个批次中最大的 logit 还不够：当各行的数值范围相差很大时，远低于这个最大值的"
            "那一行的 exp 全部下溢成 0，而 log(0) = -inf。请让每一行减去它自己的最大值"
            "（amax(dim=1, keepdim=True)）。",
        ),
    ),
    Mutant(
        "forgets to add the maximum back",
        """
import torch

def cross_entropy(logits, labels):
    m = logits.amax(dim=1, keepdim=True)
    log_sum_exp = (logits - m).exp().sum(dim=1).log()
    picked = logits[torch.arange(logits.shape[0]), labels]
    return (log_sum_exp - picked).mean()
""",
        text(
            "log Σ exp(z) = m + log Σ exp(z − m): after subtracting the row maximum m inside "
            "the exp, add m back outside the log (or subtract m from the picked logit too).",
            "log Σ exp(z) = m + log Σ exp(z − m)：在 exp 里减去了每行的最大值 m 之后，"
            "要在 log 外面把 m 加回来（或者让取出的那个 logit 也减去 m）。",
        ),
    ),
    Mutant(
        "sum over rows instead of mean",
        """
import torch

def cross_entropy(logits, labels):
    m = logits.amax(dim=1, keepdim=True)
    log_sum_exp = m.squeeze(1) + (logits - m).exp().sum(dim=1).log()
    picked = logits[torch.arange(logits.shape[0]), labels]
    return (log_sum_exp - picked).sum()
""",
        text(
            "The loss is the MEAN over the N rows (examples), like F.cross_entropy's default "
            "reduction, not their sum.",
            "损失是对 N 行（样本）求平均，与 F.cross_entropy 默认的 reduction 一致，而不是求和。",
        ),
    ),
    Mutant(
        "normalizes over the wrong axis",
        """
import torch

def cross_entropy(logits, labels):
    m = logits.amax(dim=0, keepdim=True)
    log_probs = logits - m - (logits - m).exp().sum(dim=0, keepdim=True).log()
    return -log_probs[torch.arange(logits.shape[0]), labels].mean()
""",
        text(
            "Each row holds one example's scores for the C classes, so the softmax normalizes "
            "over the classes: dim=1 (along each row), not dim=0 (down the columns).",
            "每一行是一个样本在 C 个类别上的分数，所以 softmax 的归一化是对类别进行的："
            "沿 dim=1（每一行内），而不是 dim=0（沿列向下）。",
        ),
    ),
    Mutant(
        "returns a Python float",
        """
import torch

def cross_entropy(logits, labels):
    m = logits.amax(dim=1, keepdim=True)
    log_sum_exp = m.squeeze(1) + (logits - m).exp().sum(dim=1).log()
    picked = logits[torch.arange(logits.shape[0]), labels]
    return (log_sum_exp - picked).mean().item()
""",
        text(
            ".item() turns the loss into a Python number: it loses the dtype and, above all, "
            "the autograd graph, so no gradient could flow back to the logits. Return the "
            "0-dim tensor itself.",
            ".item() 把损失变成了 Python 数字：数据类型丢了，更重要的是计算图也断了，"
            "梯度无法再传回 logits。请直接返回那个 0 维张量。",
        ),
    ),
]

PUBLIC = [
    Case("2 examples, 3 classes", (torch.tensor([[2.0, 1.0, 0.5], [0.5, 2.5, 0.25]]), torch.tensor([0, 1]))),
    Case("equal logits: loss log(4) for every row", (torch.zeros(2, 4), torch.tensor([2, 0]))),
    Case(
        "confident and wrong", (torch.tensor([[5.0, -5.0], [0.0, 3.0], [1.0, 1.5]]), torch.tensor([1, 1, 0]))
    ),
]


def hidden(g: torch.Generator) -> list[Case]:
    n, c = rand_int(g, 2, 12), rand_int(g, 2, 10)

    def labels(rows: int, classes: int) -> torch.Tensor:
        return torch.randint(0, classes, (rows,), generator=g)

    scales = torch.tensor([[1e4], [-1e4], [0.0], [5e3]])
    # float32 logits around 1e4 are only known to about 1e-3: any stable method is that close
    large = Comparison(atol=1e-2)
    confident = randn(g, 5, 4)
    sure = labels(5, 4)
    confident[torch.arange(5), sure] += 40.0
    return [
        Case("random 8 examples, 5 classes", (randn(g, 8, 5, scale=2.0), labels(8, 5))),
        Case("random numbers of examples and classes", (randn(g, n, c, scale=2.0), labels(n, c))),
        Case("large logits (around ±1e4)", (randn(g, 6, 4, scale=1e4), labels(6, 4)), comparison=large),
        Case("rows on very different scales", (randn(g, 4, 6) + scales, labels(4, 6)), comparison=large),
        Case("very negative logits (around -1e4)", (randn(g, 5, 3) - 1e4, labels(5, 3)), comparison=large),
        Case("confident and right (loss near 0)", (confident, sure)),
        Case("float64 logits", (randn(g, 7, 4, dtype=torch.float64, scale=3.0), labels(7, 4))),
        Case("logits that require grad", (randn(g, 6, 3, scale=2.0).requires_grad_(), labels(6, 3))),
        Case("a single class (loss 0)", (randn(g, 4, 1), torch.zeros(4, dtype=torch.long))),
        Case("many classes", (randn(g, 3, 100, scale=5.0), labels(3, 100))),
    ]


CROSS_ENTROPY_BANS = Bans(
    names=frozenset(
        {
            "torch.nn.functional.cross_entropy",
            "torch.nn.CrossEntropyLoss",
            "torch.nn.modules.loss.CrossEntropyLoss",
            "torch.nn.functional.nll_loss",
            "torch.nn.NLLLoss",
            "torch.nn.modules.loss.NLLLoss",
            "torch.nn.functional.log_softmax",
            "torch.log_softmax",
            "torch._log_softmax",
            "torch.special.log_softmax",
            "torch.nn.LogSoftmax",
            "Tensor.log_softmax",
            "Tensor._log_softmax",
            "torch.nn.functional.softmax",
            "torch.softmax",
            "torch._softmax",
            "torch.special.softmax",
            "torch.nn.Softmax",
            "Tensor.softmax",
            "Tensor._softmax",
            "torch.nn.functional.softmin",
            "torch.nn.Softmin",
        }
    ),
    runtime=frozenset(
        {
            "aten::cross_entropy_loss",
            "aten::nll_loss",
            "aten::nll_loss_forward",
            "aten::nll_loss_nd",
            "aten::nll_loss2d",
            "aten::nll_loss2d_forward",
            "aten::_log_softmax",
            "aten::log_softmax",
            "aten::_softmax",
            "aten::softmax",
            "aten::special_log_softmax",
            "aten::special_softmax",
            "torch.nn.functional.cross_entropy",
            "torch.nn.functional.nll_loss",
            "torch.nn.functional.log_softmax",
            "torch.nn.functional.softmax",
            "torch.nn.functional.softmin",
            "torch.log_softmax",
            "torch.softmax",
            "Tensor.log_softmax",
            "Tensor.softmax",
        }
    ),
)

EXERCISE = Exercise(
    slug="stats.cross_entropy",
    title=text("Cross-entropy loss", "交叉熵损失"),
    statement=text(
        """A classifier gives `logits` of shape (N, C): row i holds the scores of example i for the
C classes. `labels` (shape (N,), int64) holds the true classes. Write
`cross_entropy(logits, labels)` that returns the mean cross-entropy loss, as
`F.cross_entropy(logits, labels)` does:

    loss_i = −log softmax(logits[i])[labels[i]] = log Σ_j exp(logits[i, j]) − logits[i, labels[i]]
    result = mean of loss_i over the N rows        (a 0-dim tensor)

Example: for `logits = [[2.0, 1.0, 0.5], [0.5, 2.5, 0.25]]` and `labels = [0, 1]`, row 0 gives
log(e² + e¹ + e^0.5) − 2 ≈ 0.464 and row 1 gives ≈ 0.216, so the result is ≈ 0.340.

It must be numerically stable: logits may be as large as ±1e4, where exp overflows to inf or
underflows to 0. Use log Σ exp(z) = m + log Σ exp(z − m) with m the largest logit **of each
row**; then the answer is finite.

Rules:
- Do not use `cross_entropy`, `nll_loss`, `log_softmax` or `softmax` from any namespace
  (`torch`, `torch.nn.functional`, `torch.special`, tensor methods, `nn.CrossEntropyLoss`, ...).
- Return a 0-dim tensor with the dtype of `logits`; when `logits` requires grad the result
  must too (do not convert to a Python number). Do not change the inputs.""",
        """分类器输出形状为 (N, C) 的 `logits`：第 i 行是第 i 个样本在 C 个类别上的分数。
`labels`（形状 (N,)，int64）给出真实类别。编写 `cross_entropy(logits, labels)`，
返回平均交叉熵损失，与 `F.cross_entropy(logits, labels)` 的结果相同：

    loss_i = −log softmax(logits[i])[labels[i]] = log Σ_j exp(logits[i, j]) − logits[i, labels[i]]
    结果 = 所有 N 行 loss_i 的平均值        （0 维张量）

例子：`logits = [[2.0, 1.0, 0.5], [0.5, 2.5, 0.25]]`、`labels = [0, 1]` 时，第 0 行为
log(e² + e¹ + e^0.5) − 2 ≈ 0.464，第 1 行约为 0.216，所以结果约为 0.340。

必须保证数值稳定：logits 可能大到 ±1e4，这时 exp 会溢出成 inf 或下溢成 0。
请利用 log Σ exp(z) = m + log Σ exp(z − m)，其中 m 取**每一行自己**的最大 logit，
这样结果就是有限的。

要求：
- 不能使用任何命名空间中的 `cross_entropy`、`nll_loss`、`log_softmax`、`softmax`
  （`torch`、`torch.nn.functional`、`torch.special`、张量方法、`nn.CrossEntropyLoss` 等都不行）。
- 返回 0 维张量，数据类型与 `logits` 相同；`logits` 需要梯度时结果也要需要梯度
  （不要转换成 Python 数字）。不要修改输入。""",
    ),
    signature="cross_entropy(logits: Tensor, labels: Tensor) -> Tensor",
    starter="""import torch


def cross_entropy(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
    bans=CROSS_ENTROPY_BANS,
)
