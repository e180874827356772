"""tensors.broadcast_shape: the shape two shapes broadcast to, or ValueError."""

import torch

from exercises._common import rand_int
from grader.exercise import Bans, Case, Exercise, Mutant, text


def reference(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    a, b = tuple(a), tuple(b)
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + a
    b = (1,) * (n - len(b)) + b
    out = []
    for x, y in zip(a, b, strict=True):
        if x == y or y == 1:
            out.append(x)
        elif x == 1:
            out.append(y)
        else:
            raise ValueError(f"shapes {a} and {b} cannot be broadcast: {x} vs {y}")
    return tuple(out)


SOLUTION = """
def broadcast_shape(a, b):
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    result = []
    for x, y in zip(a, b):
        if x == y:
            result.append(x)
        elif x == 1:
            result.append(y)
        elif y == 1:
            result.append(x)
        else:
            raise ValueError(f"cannot broadcast {x} with {y}")
    return tuple(result)
"""

MUTANTS = [
    Mutant(
        "aligned on the left",
        """
def broadcast_shape(a, b):
    n = max(len(a), len(b))
    a = tuple(a) + (1,) * (n - len(a))
    b = tuple(b) + (1,) * (n - len(b))
    result = []
    for x, y in zip(a, b):
        if x == y or y == 1:
            result.append(x)
        elif x == 1:
            result.append(y)
        else:
            raise ValueError("cannot broadcast")
    return tuple(result)
""",
        text(
            "Shapes are lined up from the right (the last dimensions first). A shorter shape "
            "gets 1s added at the front, not at the end: (3,) against (2, 3) is (1, 3).",
            "两个形状要从右边（最后一维）开始对齐。较短的形状在前面补 1，而不是在后面补："
            "(3,) 和 (2, 3) 对齐时看作 (1, 3)。",
        ),
    ),
    Mutant(
        "takes max() without checking",
        """
def broadcast_shape(a, b):
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    return tuple(max(x, y) for x, y in zip(a, b))
""",
        text(
            "Two sizes are compatible only when they are equal or one of them is 1. For "
            "anything else (3 against 4, say) you must raise ValueError instead of picking the "
            "larger one. Also think about 0 against 1.",
            "两个长度只有在相等或其中一个为 1 时才兼容。其他情况（例如 3 对 4）必须抛出 ValueError，"
            "不能直接取较大的那个。另外想一想 0 对 1 的情况。",
        ),
    ),
    Mutant(
        "drops the leading dimensions of the longer shape",
        """
def broadcast_shape(a, b):
    result = []
    for x, y in zip(reversed(a), reversed(b)):
        if x == y or y == 1:
            result.append(x)
        elif x == 1:
            result.append(y)
        else:
            raise ValueError("cannot broadcast")
    return tuple(reversed(result))
""",
        text(
            "zip stops at the shorter shape, so the extra leading dimensions of the longer one "
            "are lost. The result has as many dimensions as the longer shape.",
            "zip 在较短的形状用完时就停止了，所以较长形状前面多出来的维度丢失了。"
            "结果的维数应当和较长的那个形状相同。",
        ),
    ),
    Mutant(
        "a size 1 against 0 gives 1",
        """
def broadcast_shape(a, b):
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    result = []
    for x, y in zip(a, b):
        if x == 1 or y == 1 or x == y:
            result.append(max(x, y))
        else:
            raise ValueError("cannot broadcast")
    return tuple(result)
""",
        text(
            "A size-1 dimension stretches to the other size, whatever it is, even 0: "
            "1 against 0 gives 0, so max() is not the rule.",
            "长度为 1 的维度会被拉伸成另一个长度，无论它是多少，包括 0：1 对 0 的结果是 0，"
            "所以不能用 max()。",
        ),
    ),
    Mutant(
        "assert instead of ValueError",
        """
def broadcast_shape(a, b):
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    result = []
    for x, y in zip(a, b):
        assert x == y or x == 1 or y == 1, "cannot broadcast"
        result.append(y if x == 1 else x)
    return tuple(result)
""",
        text(
            "The exercise asks for a ValueError when the shapes do not fit; assert raises "
            "AssertionError (and is skipped entirely under python -O). "
            "Write `raise ValueError(...)`.",
            "题目要求形状不兼容时抛出 ValueError；assert 抛出的是 AssertionError"
            "（而且在 python -O 下会被直接跳过）。请写 `raise ValueError(...)`。",
        ),
    ),
]

PUBLIC = [
    Case("a matrix and a row vector", ((2, 3), (3,))),
    Case("a column and a row", ((4, 1), (1, 5))),
    Case("incompatible: 3 against 2 raises ValueError", ((2, 3), (2,))),
]


def _compatible_pair(g: torch.Generator) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Two random shapes that broadcast, of different lengths, with 1s scattered in both."""
    n = rand_int(g, 3, 5)
    full = [rand_int(g, 2, 6) for _ in range(n)]
    short = rand_int(g, 1, n - 1)
    longer = [size if rand_int(g, 0, 2) else 1 for size in full]
    shorter = [size if rand_int(g, 0, 2) else 1 for size in full[n - short :]]
    longer[0] = full[0]  # the leading dimension only the longer shape has is not 1
    return tuple(longer), tuple(shorter)


def _incompatible_pair(g: torch.Generator) -> tuple[tuple[int, ...], tuple[int, ...]]:
    first, second = _compatible_pair(g)
    spot = rand_int(g, 1, len(second))
    a, b = list(first), list(second)
    a_size = a[-spot]
    b[-spot] = a_size + rand_int(g, 1, 3) if a_size > 1 else rand_int(g, 2, 4)
    a[-spot] = max(a_size, 2)
    return tuple(a), tuple(b)


def hidden(g: torch.Generator) -> list[Case]:
    a, b = _compatible_pair(g)
    c, d = _compatible_pair(g)
    e, f = _incompatible_pair(g)
    size = rand_int(g, 2, 9)
    return [
        Case("random shapes, the first longer", (a, b)),
        Case("random shapes, the second longer", (d, c)),
        Case("random incompatible shapes raise ValueError", (e, f)),
        Case("a scalar shape () against a matrix", ((), (size, 3))),
        Case("two scalar shapes", ((), ())),
        Case("equal shapes", ((size, 4, 2), (size, 4, 2))),
        Case("batch of matrices against one matrix", ((7, 1, size, 3), (size, 3))),
        Case("longer shape has leading 1s", ((1, 1, size), (4, 1))),
        Case("a size-0 dimension against 1", ((2, 0), (1,))),
        Case("a size-1 dimension against 0", ((3, 1, 4), (5, 0, 1))),
        Case("0 against 3 raises ValueError", ((0, 3), (3, 3))),
        Case("incompatible in a leading dimension raises ValueError", ((2, 1, 4), (3, 5, 4))),
        Case("huge sizes (too big to allocate as tensors)", ((2**40, 1), (3, 1, 2**41))),
    ]


EXERCISE = Exercise(
    slug="tensors.broadcast_shape",
    title=text("The broadcasting rule", "广播规则"),
    statement=text(
        """When two tensors of different shapes are combined element by element (`x + y`, `x * y`),
PyTorch first *broadcasts* them to a common shape. Write `broadcast_shape(a, b)` that computes
that common shape from the two shapes alone (tuples of ints), without making any tensors.

The rule:
1. Line the two shapes up from the right. If one is shorter, pretend it has extra 1s at the front.
2. Compare the sizes position by position. Two sizes fit if they are equal, or if one of them
   is 1; the result takes the other size (so 1 against 0 gives 0).
3. If some position does not fit (3 against 4, or 0 against 3), raise `ValueError`.

Return a tuple of ints (a list of ints is accepted too, like every sequence the checker
compares). A shape may be the empty tuple `()` (a 0-dim tensor).

Examples:
- `broadcast_shape((2, 3), (3,))` is `(2, 3)`: (3,) is read as (1, 3).
- `broadcast_shape((4, 1), (1, 5))` is `(4, 5)`.
- `broadcast_shape((8, 1, 6, 1), (7, 1, 5))` is `(8, 7, 6, 5)`.
- `broadcast_shape((2, 3), (2,))` raises `ValueError`: the last sizes, 3 and 2, do not fit.

Not allowed: `torch.broadcast_shapes`, `torch.broadcast_tensors` (nor numpy's broadcast helpers).
Plain Python (loops, `zip`, `reversed`, tuples) is all you need.""",
        """两个形状不同的张量做逐元素运算（`x + y`、`x * y`）时，PyTorch 会先把它们*广播*成同一个形状。
编写 `broadcast_shape(a, b)`：只根据两个形状（整数元组）算出这个共同的形状，不需要创建任何张量。

规则如下：
1. 把两个形状从右边对齐。如果其中一个较短，就当作它前面补了若干个 1。
2. 逐个位置比较长度。两个长度相等，或者其中一个为 1，就是兼容的；结果取另一个长度
   （所以 1 对 0 的结果是 0）。
3. 只要有一个位置不兼容（例如 3 对 4，或 0 对 3），就抛出 `ValueError`。

返回一个由整数组成的元组（和其他序列一样，返回整数列表也算对）。形状也可能是空元组 `()`（即 0 维张量的形状）。

例子：
- `broadcast_shape((2, 3), (3,))` 的结果是 `(2, 3)`：(3,) 被看作 (1, 3)。
- `broadcast_shape((4, 1), (1, 5))` 的结果是 `(4, 5)`。
- `broadcast_shape((8, 1, 6, 1), (7, 1, 5))` 的结果是 `(8, 7, 6, 5)`。
- `broadcast_shape((2, 3), (2,))` 要抛出 `ValueError`：最后一维的 3 和 2 不兼容。

不允许使用 `torch.broadcast_shapes`、`torch.broadcast_tensors`（也不能用 numpy 的广播函数）。
用普通的 Python（循环、`zip`、`reversed`、元组）就足够了。""",
    ),
    signature="broadcast_shape(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]",
    starter="""def broadcast_shape(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    # your code here
    ...
""",
    reference=reference,
    public_cases=PUBLIC,
    hidden_cases=hidden,
    solution=SOLUTION,
    mutants=MUTANTS,
    bans=Bans(
        names=frozenset(
            {
                "torch.broadcast_shapes",
                "torch.broadcast_tensors",
                "torch.functional.broadcast_shapes",
                "torch.functional.broadcast_tensors",
                "numpy.broadcast_shapes",
                "numpy.broadcast",
                "numpy.broadcast_arrays",
            }
        ),
        runtime=frozenset({"torch.broadcast_shapes", "torch.broadcast_tensors"}),
    ),
)
