"""Mutants of a solution, made by operators that fit tensor code: each changes one thing in the
source (an axis, a reduction, an operator, a constant, an argument's place, a copy, in place or
not) the way a student's slip would. The rest of the text is left as written, so each mutant's
line reads like the solution's.

Operators: dimension/axis constants (sign, the other end), ``keepdim`` flipped or added,
reductions swapped (``sum``↔``mean``, ``max``↔``min``, ...), ``.T``/transposes removed or added
to matrix products, arithmetic and comparison operators, constants ±1, argument and operand
order, ``.clone()``/``.detach()``/conversions removed, ``no_grad`` removed, in place versus out of
place. A mutant that does not compile, or that is the solution again, is dropped here: no
sandbox time is spent on it.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass

import torch

# Methods (and torch functions) whose first tensor-side argument is a dimension.
_DIM_FIRST = {
    "sum", "mean", "prod", "max", "min", "amax", "amin", "argmax", "argmin", "softmax",
    "log_softmax", "cumsum", "cumprod", "std", "var", "logsumexp", "all", "any", "unsqueeze",
    "squeeze", "select", "size", "narrow", "index_select", "gather", "scatter", "sort",
    "argsort", "median", "norm", "count_nonzero", "flip", "movedim", "transpose", "nansum",
}  # fmt: skip
_DIM_KEYWORDS = {"dim", "axis", "dims"}
_REDUCTIONS = {
    "sum": ("mean", "prod"), "mean": ("sum", "median"), "prod": ("sum",), "max": ("min",),
    "min": ("max",), "amax": ("amin",), "amin": ("amax",), "argmax": ("argmin",),
    "argmin": ("argmax",), "cumsum": ("cumprod",), "cumprod": ("cumsum",), "std": ("var",),
    "var": ("std",), "median": ("mean",), "softmax": ("log_softmax",),
    "log_softmax": ("softmax",), "all": ("any",), "any": ("all",), "exp": ("log",),
    "log": ("exp",), "logsumexp": ("sum",),
}  # fmt: skip
_REMOVABLE = {
    "clone": "removed .clone()", "detach": "removed .detach()", "contiguous": "removed .contiguous()",
    "float": "removed .float()", "double": "removed .double()", "to": "removed the conversion .to(...)",
    "t": "removed the transpose .t()", "transpose": "removed the transpose", "abs": "removed .abs()",
    "sqrt": "removed .sqrt()", "requires_grad_": "removed .requires_grad_()",
    "movedim": "removed .movedim()", "permute": "removed .permute()",
}  # fmt: skip
_BINARY = {
    ast.Add: (ast.Sub,), ast.Sub: (ast.Add,), ast.Mult: (ast.Div,), ast.Div: (ast.Mult, ast.FloorDiv),
    ast.FloorDiv: (ast.Div,), ast.Pow: (ast.Mult,), ast.Mod: (ast.FloorDiv,), ast.MatMult: (ast.Mult,),
}  # fmt: skip
_ORDERED = (ast.Sub, ast.Div, ast.FloorDiv, ast.Pow, ast.Mod, ast.MatMult)
_COMPARE = {
    ast.Lt: (ast.LtE, ast.Gt), ast.LtE: (ast.Lt,), ast.Gt: (ast.GtE, ast.Lt), ast.GtE: (ast.Gt,),
    ast.Eq: (ast.NotEq,), ast.NotEq: (ast.Eq,), ast.Is: (ast.IsNot,), ast.IsNot: (ast.Is,),
    ast.In: (ast.NotIn,), ast.NotIn: (ast.In,),
}  # fmt: skip
_SYMBOL = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Pow: "**",
    ast.Mod: "%", ast.MatMult: "@", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
    ast.Eq: "==", ast.NotEq: "!=", ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in",
}  # fmt: skip
_NO_GRAD = {"no_grad", "inference_mode"}
# An operand whose replacement binds less tightly than it did needs parentheses.
_OPERAND_OF = (ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.Attribute, ast.Subscript, ast.Call)
_BINDING = {ast.Pow: 9, ast.Add: 5, ast.Sub: 5, ast.BitOr: 4, ast.BitAnd: 4, ast.BitXor: 4}


@dataclass(frozen=True)
class Mutation:
    """One mutant: where (1-based line), the mutated line, what changed, and the whole source."""

    line: int
    code: str
    mutation: str
    source: str


@dataclass(frozen=True)
class _Edit:
    node: ast.AST
    text: str
    what: str


def _int_of(node: ast.AST) -> int | None:
    """The integer a node spells (``2``, ``-1``), else None (booleans are not integers here)."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) is int
    ):
        return -node.operand.value
    return None


def _name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def _is_method(call: ast.Call) -> bool:
    """``x.sum(...)`` rather than ``torch.sum(x, ...)``."""
    func = call.func
    return isinstance(func, ast.Attribute) and not (
        isinstance(func.value, ast.Name) and func.value.id in ("torch", "F", "math", "np")
    )


def _with(node: ast.AST, **changes: object) -> ast.AST:
    new = copy.deepcopy(node)
    for name, value in changes.items():
        setattr(new, name, value)
    return new


class _Finder(ast.NodeVisitor):
    """Collects the edits each operator proposes."""

    def __init__(self) -> None:
        self.edits: list[_Edit] = []
        self.dims: set[int] = set()  # ids of nodes that are dimension arguments

    def add(self, node: ast.AST, new: ast.AST | str, what: str) -> None:
        self.edits.append(_Edit(node, new if isinstance(new, str) else ast.unparse(new), what))

    def visit_Import(self, node: ast.Import) -> None:  # nothing to mutate in imports
        return

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        return

    def visit_Expr(self, node: ast.Expr) -> None:
        if not (isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):  # docstrings
            self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = _name(node)
        self._dims(node, name)
        self._keepdim(node, name)
        self._swaps(node, name)
        self._removals(node, name)
        self._in_place(node, name)
        self._argument_order(node)
        self._matmul_transpose(node, name)
        self.generic_visit(node)

    def _dims(self, node: ast.Call, name: str | None) -> None:
        spots = [kw.value for kw in node.keywords if kw.arg in _DIM_KEYWORDS]
        if name in _DIM_FIRST:
            index = 0 if _is_method(node) else 1
            if name in ("movedim", "transpose"):
                spots += node.args[index : index + 2]
            elif len(node.args) > index:
                spots.append(node.args[index])
        for spot in spots:
            self._dim_constant(spot)

    def _dim_constant(self, spot: ast.AST) -> None:
        value = _int_of(spot)
        if value is None:
            return
        self.dims.add(id(spot))
        for other, what in ((-value, "sign"), (-1 - value, "other end")):
            if other != value:
                self.add(spot, str(other), f"axis {value} → {other} ({what})")

    def _keepdim(self, node: ast.Call, name: str | None) -> None:
        for kw in node.keywords:
            if kw.arg == "keepdim":
                flipped = (
                    ast.Constant(not kw.value.value)
                    if isinstance(kw.value, ast.Constant)
                    else ast.UnaryOp(ast.Not(), kw.value)
                )
                self.add(kw.value, flipped, "keepdim flipped")
                return
        has_dim = any(kw.arg in _DIM_KEYWORDS for kw in node.keywords) or len(node.args) > int(
            not _is_method(node)
        )
        if name in _REDUCTIONS and has_dim and name not in ("exp", "log", "cumsum", "cumprod", "softmax"):
            new = _with(node, keywords=[*node.keywords, ast.keyword("keepdim", ast.Constant(True))])
            self.add(node, new, "keepdim=True added")

    def _swaps(self, node: ast.Call, name: str | None) -> None:
        if name not in _REDUCTIONS or not isinstance(node.func, ast.Attribute):
            return
        for other in _REDUCTIONS[name]:
            if _is_method(node) and not hasattr(torch.Tensor, other):
                continue
            self.add(node.func, _with(node.func, attr=other), f"{name} → {other}")

    def _removals(self, node: ast.Call, name: str | None) -> None:
        if name in _REMOVABLE and _is_method(node):
            assert isinstance(node.func, ast.Attribute)
            self.add(node, node.func.value, _REMOVABLE[name])
        elif name in ("abs", "sqrt", "exp") and not _is_method(node) and len(node.args) == 1:
            self.add(node, node.args[0], f"removed torch.{name}()")
        elif name in _NO_GRAD and isinstance(node.func, ast.Attribute):
            self.add(node.func, _with(node.func, attr="enable_grad"), f"removed torch.{name}()")

    def _in_place(self, node: ast.Call, name: str | None) -> None:
        if not name or not _is_method(node) or name in _REMOVABLE or name.startswith("__"):
            return
        other = name[:-1] if name.endswith("_") else name + "_"
        if hasattr(torch.Tensor, name) and hasattr(torch.Tensor, other):
            assert isinstance(node.func, ast.Attribute)
            what = "out of place" if name.endswith("_") else "in place"
            self.add(node.func, _with(node.func, attr=other), f".{name}() → .{other}() ({what})")

    def _argument_order(self, node: ast.Call) -> None:
        args = node.args
        pairs = [(0, 1)] + ([(1, 2)] if _name(node) == "where" and len(args) == 3 else [])
        for i, j in pairs:
            if (
                len(args) > j
                and ast.dump(args[i]) != ast.dump(args[j])
                and not any(isinstance(a, ast.Starred) for a in args)
            ):
                swapped = list(args)
                swapped[i], swapped[j] = args[j], args[i]
                self.add(node, _with(node, args=swapped), f"arguments {i + 1} and {j + 1} swapped")

    def _matmul_transpose(self, node: ast.Call, name: str | None) -> None:
        if name in ("matmul", "mm") and not _is_method(node) and len(node.args) == 2:
            for arg in node.args:
                self.add(arg, ast.Attribute(arg, "T"), ".T added to a matrix product's operand")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in ("T", "mT"):
            self.add(node, node.value, f"removed .{node.attr}")
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if isinstance(node.value, ast.Attribute) and node.value.attr == "shape":
            self._dim_constant(node.slice)
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        for other in _BINARY.get(type(node.op), ()):
            what = f"{_SYMBOL[type(node.op)]} → {_SYMBOL[other]}"
            self.add(node, _with(node, op=other()), what)
        if isinstance(node.op, _ORDERED):
            self.add(node, _with(node, left=node.right, right=node.left), "operands swapped")
        if isinstance(node.op, ast.MatMult):
            self.add(node, _with(node, left=ast.Attribute(node.left, "T")), ".T added to the left operand")
            self.add(node, _with(node, right=ast.Attribute(node.right, "T")), ".T added to the right operand")
        self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        value = _int_of(node)
        if value is not None:
            self._constant(node, value)
            return
        if isinstance(node.op, (ast.USub, ast.Not)):
            self.add(node, node.operand, f"removed unary {'-' if isinstance(node.op, ast.USub) else 'not'}")
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        for index, op in enumerate(node.ops):
            for other in _COMPARE.get(type(op), ()):
                ops = list(node.ops)
                ops[index] = other()
                self.add(node, _with(node, ops=ops), f"{_SYMBOL[type(op)]} → {_SYMBOL[other]}")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            self._constant(node, node.value)

    def _constant(self, node: ast.AST, value: float) -> None:
        for step in (1, -1):
            new = value + step
            self.add(node, repr(new) if new >= 0 else f"-{-new!r}", f"constant {value!r} → {new!r}")

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        target = ast.unparse(node.target)
        value = ast.BinOp(ast.Name(target), node.op, node.value)
        self.add(node, f"{target} = {ast.unparse(value)}", "in place → out of place")
        for other in _BINARY.get(type(node.op), ()):
            self.add(node, _with(node, op=other()), f"{_SYMBOL[type(node.op)]}= → {_SYMBOL[other]}=")
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        value = node.value
        target = node.targets[0]
        if (
            len(node.targets) == 1
            and isinstance(target, (ast.Name, ast.Attribute, ast.Subscript))
            and isinstance(value, ast.BinOp)
            and ast.dump(value.left) == ast.dump(target)
        ):
            self.add(node, ast.AugAssign(target, value.op, value.right), "out of place → in place")
        self.generic_visit(node)

    def visit_Return(self, node: ast.Return) -> None:
        if isinstance(node.value, ast.Tuple) and len(node.value.elts) >= 2:
            elts = list(node.value.elts)
            elts[0], elts[1] = elts[1], elts[0]
            self.add(node.value, _with(node.value, elts=elts), "returned values swapped")
        self.generic_visit(node)


def _span(lines: list[str], node: ast.AST) -> tuple[int, int]:
    """The node's character offsets in the joined source (ast columns count UTF-8 bytes)."""

    def offset(line: int, column: int) -> int:
        before = sum(len(text) for text in lines[: line - 1])
        return before + len(lines[line - 1].encode()[:column].decode(errors="ignore"))

    return (
        offset(node.lineno, node.col_offset),  # type: ignore[attr-defined]
        offset(node.end_lineno, node.end_col_offset),  # type: ignore[attr-defined]
    )


def _precedence(node: ast.AST) -> int:
    """How tightly an expression binds (higher: tighter), as Python parses it."""
    if isinstance(node, ast.BinOp):
        return _BINDING.get(type(node.op), 6)
    if isinstance(node, ast.UnaryOp):
        return 3 if isinstance(node.op, ast.Not) else 8
    if isinstance(node, ast.Compare):
        return 4
    if isinstance(node, ast.BoolOp):
        return 2
    if isinstance(node, (ast.IfExp, ast.Lambda)):
        return 1
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and node.value < 0:
        return 8
    return 10


def _needs_parentheses(
    source: str, span: tuple[int, int], node: ast.AST, parent: ast.AST | None, text: str
) -> bool:
    """A replacement that binds less tightly than what it replaces keeps its meaning only in
    parentheses, where it is an operand and the source has none around it already."""
    if not isinstance(parent, _OPERAND_OF):
        return False
    if isinstance(parent, ast.Call) and parent.func is not node:
        return False  # an argument
    if isinstance(parent, ast.Subscript) and parent.value is not node:
        return False  # an index
    if source[: span[0]].rstrip().endswith("(") and source[span[1] :].lstrip().startswith(")"):
        return False
    try:
        replacement = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return False
    return _precedence(replacement) < _precedence(node)


def mutations(source: str) -> list[Mutation]:
    """Every mutant of ``source`` that compiles and differs from it, each once, in line order."""
    tree = ast.parse(source)
    finder = _Finder()
    finder.visit(tree)
    parents = {id(child): parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    lines = source.splitlines(keepends=True)
    seen = {source}
    found = []
    for edit in finder.edits:
        text = edit.text
        start, end = _span(lines, edit.node)
        parent = parents.get(id(edit.node))
        if isinstance(edit.node, ast.expr) and _needs_parentheses(
            source, (start, end), edit.node, parent, text
        ):
            text = f"({text})"
        mutated = source[:start] + text + source[end:]
        if mutated in seen:
            continue
        seen.add(mutated)
        try:
            compile(mutated, "<mutant>", "exec")
        except SyntaxError:
            continue
        line = edit.node.lineno  # type: ignore[attr-defined]
        found.append(Mutation(line, mutated.splitlines()[line - 1].strip(), edit.what, mutated))
    return sorted(found, key=lambda m: m.line)
