"""Static checks of a submission's source, before anything runs: pure functions on the AST.

- Syntax errors, with the cell and line.
- The required function: defined at the top level, with a signature the cases can call.
- Banned APIs: calls and attribute access resolved through ``import ... as`` aliases and
  ``from ... import``, methods by name (``Tensor.matmul`` is any ``.matmul``), the ``@``
  operator, ``getattr(obj, "name")`` and ``obj.__dict__["name"]`` with constant strings.
- Introspection that no legitimate answer needs (``torch._C``, the dispatch-mode stacks, ``gc``,
  ``inspect``, ``ctypes``, ``sys.modules``, frame walking, dynamic attribute lookups): flagged
  for the instructor, since it is how one would try to escape the run-time checks.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field

from grader.grading.exercise import Bans
from worker.sandbox.contract import Cell

INTROSPECTION_MODULES = {
    "gc",
    "inspect",
    "ctypes",
    "importlib",
    "builtins",
    "sys",
    "os",
    "signal",
    "threading",
    "multiprocessing",
    "subprocess",
    "socket",
    "pickle",
    "marshal",
    "types",
    "_thread",
    "faulthandler",
    "mmap",
}
INTROSPECTION_ATTRS = {
    "_C",
    "_python_dispatch",
    "_pop_torch_dispatch_mode",
    "_push_torch_dispatch_mode",
    "_disable_current_modes",
    "_get_current_dispatch_mode",
    "_pop_torch_function_stack",
    "_len_torch_dispatch_mode",
    "_len_torch_function_stack",
    "_get_function_stack_at",
    "TorchDispatchMode",
    "TorchFunctionMode",
    "_execution_engine",
    "_getframe",
    "f_back",
    "f_locals",
    "f_globals",
    "gi_frame",
    "tb_frame",
    "__subclasses__",
    "__globals__",
    "__builtins__",
    "__code__",
    "__closure__",
    "get_referrers",
    "get_objects",
    "__import__",
    "_current_frames",
    "setprofile",
    "settrace",
}
DYNAMIC_CALLS = {
    "eval",
    "exec",
    "compile",
    "__import__",
    "globals",
    "vars",
    "open",
    "breakpoint",
    "__builtins__",
    "locals",
}
# What could switch off or fool the run-time ban checks: in an exercise with banned APIs, any of
# these costs the score (a correct answer never needs them); elsewhere they are only flagged.
EVASION_MODULES = {
    "gc",
    "inspect",
    "ctypes",
    "importlib",
    "builtins",
    "types",
    "_thread",
    "threading",
    "marshal",
    "pickle",
    "mmap",
    "faulthandler",
}
EVASION_ATTRS = INTROSPECTION_ATTRS - {"__code__", "__closure__"}
EVASION_BUILTINS = {
    "eval",
    "exec",
    "compile",
    "__import__",
    "globals",
    "vars",
    "locals",
    "__builtins__",
    "getattr(computed name)",
}


@dataclass(frozen=True)
class Use:
    """One use of a name found in the source: what and where."""

    name: str
    cell: str
    line: int


@dataclass
class StaticReport:
    """What the static checks found."""

    syntax_error: dict[str, object] | None = None
    function_problem: dict[str, object] | None = None
    banned: list[Use] = field(default_factory=list)
    flags: list[Use] = field(default_factory=list)

    @property
    def evasions(self) -> list[Use]:
        """The flags that could bypass the run-time ban checks."""
        return [use for use in self.flags if is_evasion(use.name)]


def analyze(cells: list[Cell], function: str, parameters: tuple[int, int], bans: Bans) -> StaticReport:
    """Run every static check over the submission's cells."""
    report = StaticReport()
    trees: list[tuple[Cell, ast.Module]] = []
    for cell in cells:
        try:
            trees.append((cell, ast.parse(cell.source, filename=cell.name)))
        except SyntaxError as exc:
            report.syntax_error = {
                "file": cell.name,
                "line": exc.lineno or 0,
                "message": exc.msg or "invalid syntax",
            }
            return report
        except ValueError as exc:  # NUL bytes, already refused by the loader; kept as a guard
            report.syntax_error = {"file": cell.name, "line": 0, "message": str(exc)}
            return report
    report.function_problem = _check_function(trees, function, parameters)
    aliases: dict[str, str] = {}
    for _cell, tree in trees:
        _collect_aliases(tree, aliases)
    seen: set[tuple[str, int, str]] = set()
    for cell, tree in trees:
        for use in _uses(tree, aliases, cell.name):
            if _is_banned(use.name, bans):
                # One report per place: `x.matmul` is both `x.matmul` and `Tensor.matmul`.
                if (use.cell, use.line, "banned") not in seen:
                    seen.add((use.cell, use.line, "banned"))
                    report.banned.append(use)
            elif _is_introspection(use.name) and (use.cell, use.line, "flag") not in seen:
                seen.add((use.cell, use.line, "flag"))
                report.flags.append(use)
    return report


def _check_function(
    trees: list[tuple[Cell, ast.Module]], function: str, parameters: tuple[int, int]
) -> dict[str, object] | None:
    """None if the function is defined with a usable signature; else what is wrong."""
    definition: ast.FunctionDef | ast.Lambda | None = None
    assigned = False
    for _cell, tree in trees:
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name == function:
                definition = node
            elif isinstance(node, ast.AsyncFunctionDef) and node.name == function:
                return {"key": "not_a_function", "found": "coroutine (async def)"}
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == function for t in node.targets
            ):
                definition = node.value if isinstance(node.value, ast.Lambda) else None
                assigned = definition is None
            elif isinstance(node, ast.ClassDef) and node.name == function:
                return {"key": "not_a_function", "found": "class"}
    if definition is None:
        # Assigned from something we cannot see statically: the run-time check decides.
        return None if assigned else {"key": "missing_function"}
    args = definition.args
    if args.vararg is not None:
        return None
    positional = len(args.posonlyargs) + len(args.args)
    required = positional - len(args.defaults)
    need_required, need_total = parameters
    if required <= need_required and positional >= need_total:
        return None
    return {"key": "wrong_signature", "actual": positional}


def _collect_aliases(tree: ast.Module, aliases: dict[str, str]) -> None:
    """Map local names to the dotted names they stand for, from every import in the tree."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    head = alias.name.split(".")[0]
                    aliases[head] = head
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                if alias.name == "*":
                    aliases.setdefault("*", "")
                    aliases["*"] += f"{node.module},"
                else:
                    aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"


def _dotted(node: ast.expr) -> list[str] | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return parts[::-1]
    return None


def _resolve(parts: list[str], aliases: dict[str, str]) -> str:
    head = aliases.get(parts[0])
    if head is None:
        return ".".join(parts)
    return ".".join([head, *parts[1:]])


def _uses(tree: ast.Module, aliases: dict[str, str], cell: str) -> Iterator[Use]:
    """Every name, attribute, import, operator and constant-string lookup in the tree."""
    star_modules = [m for m in aliases.get("*", "").split(",") if m]
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Use(alias.name, cell, line)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield Use(node.module, cell, line)
            for alias in node.names:
                yield Use(f"{node.module}.{alias.name}", cell, line)
        elif isinstance(node, ast.Attribute):
            parts = _dotted(node)
            if parts is not None:
                yield Use(_resolve(parts, aliases), cell, line)
            yield Use(f"Tensor.{node.attr}", cell, line)
            yield Use(f".{node.attr}", cell, line)
        elif isinstance(node, ast.Name):
            if node.id in aliases:
                yield Use(aliases[node.id], cell, line)
            else:
                for module in star_modules:
                    yield Use(f"{module}.{node.id}", cell, line)
            if node.id in DYNAMIC_CALLS:
                yield Use(f"builtins.{node.id}", cell, line)
        elif isinstance(node, (ast.BinOp, ast.AugAssign)) and isinstance(node.op, ast.MatMult):
            yield Use("@", cell, line)
        elif isinstance(node, ast.Call):
            yield from _constant_lookups(node, aliases, cell, line)
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            target = _dotted(node.value)
            if target and target[-1] == "__dict__":
                base = _resolve(target[:-1], aliases) if len(target) > 1 else ""
                yield Use(f"{base}.{node.slice.value}", cell, line)
                yield Use(f"Tensor.{node.slice.value}", cell, line)


def _constant_lookups(node: ast.Call, aliases: dict[str, str], cell: str, line: int) -> Iterator[Use]:
    """getattr(obj, "name") counts as obj.name; with a computed name it is flagged as dynamic."""
    if not (isinstance(node.func, ast.Name) and node.func.id in ("getattr", "hasattr", "setattr")):
        return
    if len(node.args) < 2:
        return
    name = node.args[1]
    if isinstance(name, ast.Constant) and isinstance(name.value, str):
        target = _dotted(node.args[0])
        if target:
            yield Use(f"{_resolve(target, aliases)}.{name.value}", cell, line)
        yield Use(f"Tensor.{name.value}", cell, line)
        yield Use(f".{name.value}", cell, line)
    else:
        yield Use("builtins.getattr(computed name)", cell, line)


def _is_banned(name: str, bans: Bans) -> bool:
    for banned in bans.names:
        if banned.endswith(".*"):
            if name.startswith(banned[:-1]) and not name.startswith("Tensor."):
                return True
        elif name == banned:
            return True
    return False


def _is_introspection(name: str) -> bool:
    if name.startswith("."):
        return name[1:] in INTROSPECTION_ATTRS
    if name.startswith("Tensor."):
        return False
    if name.startswith("builtins."):
        return True
    head = name.split(".")[0]
    if head in INTROSPECTION_MODULES:
        return True
    return name.startswith("torch.") and any(part in INTROSPECTION_ATTRS for part in name.split("."))


def is_evasion(name: str) -> bool:
    """True for a use that reaches the machinery the run-time ban checks rely on."""
    if name.startswith("."):
        return name[1:] in EVASION_ATTRS
    if name.startswith("builtins."):
        return name.removeprefix("builtins.") in EVASION_BUILTINS
    parts = name.split(".")
    if parts[0] in EVASION_MODULES or name.startswith("sys.modules") or name.startswith("sys._getframe"):
        return True
    return parts[0] == "torch" and any(part in EVASION_ATTRS for part in parts)
