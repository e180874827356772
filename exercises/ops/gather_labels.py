"""ops.gather_labels: pick logits[i, labels[i]] from every row (the score of the true class)."""

import torch

from exercises._common import rand_int, randn
from grader.exercise import Case, Exercise, Mutant, text


def reference(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    return logits.gather(1, labels.unsqueeze(1)).squeeze(1)


SOLUTION = """
import torch

def gather_labels(logits, labels):
    rows = torch.arange(logits.shape[0])
    return logits[rows, labels]    # pairs (rows[i], labels[i]): one entry per row
"""

MUTANTS = [
    Mutant(
        "logits[:, labels]",
        """
def gather_labels(logits, labels):
    return logits[:, labels]
""",
        text(
            "logits[:, labels] takes the columns labels[0], labels[1], ... from EVERY row, "
            "which gives an (N, N) matrix. You need one entry per row: index the rows and the "
            "columns together, logits[row_indices, labels] with row_indices = 0, 1, ..., N-1.",
            "logits[:, labels] 会从每一行都取出第 labels[0]、labels[1]……列，得到一个 (N, N) 的"
            "矩阵。而这里每一行只要一个元素：请同时给出行下标和列下标，"
            "logits[行下标, labels]，其中行下标为 0, 1, ..., N-1。",
        ),
    ),
    Mutant(
        "gather without squeeze",
        """
def gather_labels(logits, labels):
    return logits.gather(1, labels.unsqueeze(1))
""",
        text(
            "gather keeps the shape of its index, (N, 1) here, but the answer has shape (N,): "
            "remove that last dimension (squeeze(1)).",
            "gather 的结果形状与索引相同，这里是 (N, 1)，而答案的形状是 (N,)："
            "请去掉最后那一维（squeeze(1)）。",
        ),
    ),
    Mutant(
        "gather along dim 0",
        """
def gather_labels(logits, labels):
    return logits.gather(0, labels.unsqueeze(0)).squeeze(0)
""",
        text(
            "gather(0, ...) uses the labels as ROW numbers, giving logits[labels[i], i]. The "
            "labels are class numbers, i.e. column numbers: gather along dim 1.",
            "gather(0, ...) 把标签当作行号，得到的是 logits[labels[i], i]。标签是类别编号，"
            "也就是列号：应当沿第 1 维 gather。",
        ),
    ),
    Mutant(
        "rebuilds the result with torch.tensor",
        """
import torch

def gather_labels(logits, labels):
    return torch.tensor([logits[i, labels[i]].item() for i in range(len(labels))])
""",
        text(
            "torch.tensor(list of numbers) builds a brand-new float32 tensor: the dtype of "
            "logits is lost, and so is its connection to autograd (the result no longer "
            "requires grad when logits does). Index the tensor directly instead of going "
            "through Python numbers.",
            "torch.tensor(数字列表) 会新建一个 float32 张量：logits 的数据类型丢了，与自动求导的"
            "联系也断了（logits 需要梯度时，结果却不再需要梯度）。请直接对张量做索引，"
            "不要绕道 Python 数字。",
        ),
    ),
    Mutant(
        "one_hot without num_classes",
        """
import torch.nn.functional as F

def gather_labels(logits, labels):
    return (logits * F.one_hot(labels)).sum(dim=1)
""",
        text(
            "F.one_hot(labels) guesses the number of classes from the largest label, so when "
            "the last classes do not occur its width is smaller than logits'. Indexing picks the "
            "entries directly, without multiplying by a mask.",
            "F.one_hot(labels) 会根据最大的标签去猜类别数，当最后几个类别没有出现时，它的宽度"
            "就比 logits 窄。直接用索引取元素即可，不需要乘一个掩码。",
        ),
    ),
]

PUBLIC = [
    Case("2 rows, 3 classes", (torch.tensor([[0.5, 2.0, -1.0], [3.0, 0.25, 0.75]]), torch.tensor([1, 0]))),
    Case(
        "4 rows, 3 classes",
        (
            torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0], [10.0, 11.0, 12.0]]),
            torch.tensor([2, 2, 0, 1]),
        ),
    ),
]


def hidden(g: torch.Generator) -> list[Case]:
    n, c = rand_int(g, 2, 9), rand_int(g, 2, 9)

    def labels(rows: int, classes: int) -> torch.Tensor:
        return torch.randint(0, classes, (rows,), generator=g)

    return [
        Case("random 8 rows, 5 classes", (randn(g, 8, 5), labels(8, 5))),
        Case("random numbers of rows and classes", (randn(g, n, c), labels(n, c))),
        Case("more rows than classes", (randn(g, 10, 3), labels(10, 3))),
        Case("more classes than rows", (randn(g, 3, 10), labels(3, 10))),
        Case("every label 0", (randn(g, 5, 4), torch.zeros(5, dtype=torch.long))),
        Case("float64 logits", (randn(g, 6, 4, dtype=torch.float64), labels(6, 4))),
        Case("logits that require grad", (randn(g, 5, 3).requires_grad_(), labels(5, 3))),
        Case("integer scores", (torch.randint(-50, 50, (4, 6), generator=g), labels(4, 6))),
        Case("large magnitudes", (randn(g, 4, 5, scale=1e30), labels(4, 5))),
        Case("a single class", (randn(g, 4, 1), torch.zeros(4, dtype=torch.long))),
        Case("a single row", (randn(g, 1, 7), torch.tensor([6]))),
        Case("no rows", (torch.zeros(0, 4), torch.zeros(0, dtype=torch.long))),
    ]


EXERCISE = Exercise(
    slug="ops.gather_labels",
    title=text("Pick the score of each row's label", "取出每行标签对应的分数"),
    statement=text(
        """In classification, a model outputs a matrix `logits` of shape (N, C): one row per
example, one column per class. `labels` (shape (N,), dtype int64) holds the true class of
every example. Write `gather_labels(logits, labels)` that returns, for every row `i`, the
entry `logits[i, labels[i]]`: a tensor of shape (N,).

Example: for `logits = [[0.5, 2.0, -1.0], [3.0, 0.25, 0.75]]` and `labels = [1, 0]` the result
is `[2.0, 3.0]` (column 1 of row 0, column 0 of row 1).

Rules:
- No Python loop over the rows is needed: use indexing with two index tensors, or gather.
- The result has the dtype of `logits`; if `logits` requires grad, the result must be part of
  the same autograd graph (so it requires grad too).
- Do not change `logits` or `labels`.""",
        """在分类问题中，模型输出一个形状为 (N, C) 的矩阵 `logits`：每个样本一行，每个类别一列。
`labels`（形状 (N,)，类型 int64）给出每个样本的真实类别。编写
`gather_labels(logits, labels)`：对每一行 `i` 取出元素 `logits[i, labels[i]]`，
返回形状为 (N,) 的张量。

例子：`logits = [[0.5, 2.0, -1.0], [3.0, 0.25, 0.75]]`、`labels = [1, 0]` 时，结果为
`[2.0, 3.0]`（第 0 行的第 1 列，第 1 行的第 0 列）。

要求：
- 不需要用 Python 循环逐行处理：可以用两个下标张量同时索引，或者用 gather。
- 结果的数据类型与 `logits` 相同；如果 `logits` 需要梯度，结果也要在同一个计算图中
  （因此同样需要梯度）。
- 不要修改 `logits` 和 `labels`。""",
    ),
    signature="gather_labels(logits: Tensor, labels: Tensor) -> Tensor",
    starter="""import torch


def gather_labels(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
)
