"""The package's shape, as the restructure (issue 14) accepts it.

* no import cycles between the package's modules, counting imports inside functions
  (only imports under ``if TYPE_CHECKING:`` are left out);
* no module over 600 lines;
* no function with cyclomatic complexity over 25 (radon, as ``radon cc`` counts it);
* no module whose dotted name means something else: ``symbackprop.X`` is the module
  ``symbackprop/X.py`` whenever that module exists, and no module ``X.py`` exports a function ``X``.

The import graph is read from the source with ``ast``, so an import inside a function counts
as much as one at the top.  Each failure names the module, the line and the rule.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT
from radon.complexity import cc_visit
from radon.visitors import Class, Function

PACKAGE = ROOT / "symbackprop"
MAX_LINES = 600
MAX_COMPLEXITY = 25


# ---------------------------------------------------------------------------- the import graph


@dataclass(frozen=True)
class Edge:
    """``source`` imports ``target`` at ``line`` of the source's file."""

    source: str
    target: str
    line: int


def package_modules(package: Path) -> dict[str, Path]:
    """Dotted name -> file for every module of ``package`` (``pkg/__init__.py`` is ``pkg``)."""
    modules = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement at any depth (functions, methods, branches), except under TYPE_CHECKING."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)  # the else branch does run
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _owner(name: str, modules: dict[str, Path]) -> str | None:
    """The longest dotted prefix of ``name`` that is a module of the package (None: outside it)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def _from_base(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module that ``from <base> import ...`` names, resolving leading dots."""
    if node.level == 0:
        return node.module or ""
    parts = (module if is_package else module.rpartition(".")[0]).split(".")
    parts = parts[: len(parts) - (node.level - 1)]
    return ".".join([*parts, node.module] if node.module else parts)


def import_edges(modules: dict[str, Path]) -> list[Edge]:
    """Every import from one module of the package to another, at module granularity.

    ``from pkg import name`` points at the module ``pkg.name`` when there is one (so a package's
    ``__init__`` importing its submodules is an edge), and at ``pkg`` otherwise.
    """
    edges = []
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                targets = [_owner(alias.name, modules) for alias in node.names]
            else:
                base = _from_base(name, is_package, node)
                targets = [_owner(f"{base}.{alias.name}", modules) for alias in node.names]
            edges += [Edge(name, t, node.lineno) for t in targets if t is not None and t != name]
    return sorted(set(edges), key=lambda e: (e.source, e.target, e.line))


def _graph(edges: Iterable[Edge]) -> dict[str, dict[str, int]]:
    """source -> {target: first line that imports it}."""
    graph: dict[str, dict[str, int]] = {}
    for e in edges:
        targets = graph.setdefault(e.source, {})
        targets[e.target] = min(targets.get(e.target, e.line), e.line)
    return graph


def strongly_connected(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one module, each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, {})):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def shortest_cycle(graph: dict[str, dict[str, int]], component: list[str]) -> list[str]:
    """A shortest cycle through the component's first module: [a, b, ..., a]."""
    start, members = component[0], set(component)
    parent: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in sorted(graph.get(node, {})):
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return [*reversed(path), start]
            if nxt in members and nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    raise AssertionError(f"no cycle through {start} in {component}")


def describe_cycles(edges: Iterable[Edge]) -> list[str]:
    """One line per import cycle: ``a (line 3) -> b (line 9) -> a``, then the modules it ties."""
    graph = _graph(edges)
    lines = []
    for component in strongly_connected(graph):
        cycle = shortest_cycle(graph, component)
        hops = " -> ".join(f"{a} (line {graph[a][b]})" for a, b in zip(cycle, cycle[1:]))
        tied = f"; tied together: {', '.join(component)}" if len(component) > len(cycle) - 1 else ""
        lines.append(f"{hops} -> {cycle[-1]}{tied}")
    return lines


MODULES = package_modules(PACKAGE)


def test_no_import_cycles_between_modules() -> None:
    cycles = describe_cycles(import_edges(MODULES))
    assert not cycles, (
        f"{len(cycles)} import cycle(s) between symbackprop's modules (imports inside functions count; "
        "only `if TYPE_CHECKING:` imports are left out; `a (line N) -> b`: a imports b at line N). "
        "Break each with a registration, a protocol, or by moving the shared piece down a layer:\n  "
        + "\n  ".join(cycles)
    )


# A small package with known cycles: the graph code must find exactly these.
TOY = {
    "toy/__init__.py": "from .a import f\n",
    "toy/a.py": "import sympy\n\n\ndef f():\n    from . import b\n    return b\n",
    "toy/b.py": "from toy.a import f  # back to a: a cycle through a function-level import\n",
    "toy/c.py": "import typing\nif typing.TYPE_CHECKING:\n    from toy import d\nelse:\n    d = 1\n",
    "toy/d.py": "import toy.c, toy.f\n",
    "toy/f.py": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    import toy.d\n",
    "toy/sub/__init__.py": "from .e import g\n",
    "toy/sub/e.py": "from ..a import f\n\n\ndef g():\n    from .. import sub\n    return sub\n",
}


@pytest.fixture
def toy(tmp_path: Path) -> dict[str, Path]:
    for name, text in TOY.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return package_modules(tmp_path / "toy")


def test_toy_import_edges_resolve_relative_absolute_and_function_level_imports(toy) -> None:
    assert [(e.source, e.target, e.line) for e in import_edges(toy)] == [
        ("toy", "toy.a", 1),
        ("toy.a", "toy.b", 5),
        ("toy.b", "toy.a", 1),
        ("toy.d", "toy.c", 1),
        ("toy.d", "toy.f", 1),
        ("toy.sub", "toy.sub.e", 1),
        ("toy.sub.e", "toy.a", 1),
        ("toy.sub.e", "toy.sub", 5),
    ]


def test_toy_cycles_are_reported_with_their_path(toy) -> None:
    assert describe_cycles(import_edges(toy)) == [
        "toy.a (line 5) -> toy.b (line 1) -> toy.a",
        "toy.sub (line 1) -> toy.sub.e (line 5) -> toy.sub",
    ]


def test_a_component_larger_than_its_shortest_cycle_names_every_module() -> None:
    edges = [Edge("a", "b", 1), Edge("b", "a", 2), Edge("b", "c", 3), Edge("c", "a", 4)]
    assert describe_cycles(edges) == ["a (line 1) -> b (line 2) -> a; tied together: a, b, c"]


# ---------------------------------------------------------------------------- size and complexity


IDS = [name for name in MODULES]


@pytest.mark.parametrize("name", IDS, ids=IDS)
def test_module_is_at_most_600_lines(name: str) -> None:
    path = MODULES[name]
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, (
        f"{path.relative_to(ROOT)} has {lines} lines (limit {MAX_LINES}): it holds more than one idea; "
        "split it"
    )


def functions(blocks: Iterable[Function | Class]) -> Iterator[Function]:
    """Every function, method and nested function among radon's blocks (methods come twice)."""
    for block in blocks:
        if isinstance(block, Class):
            yield from functions(block.methods)
            yield from functions(block.inner_classes)
        else:
            yield block
            yield from functions(block.closures)


def too_complex(source: str) -> list[str]:
    """``name (line N): complexity C`` for each function over the limit, in source order."""
    over = {(f.lineno, f.fullname, f.complexity) for f in functions(cc_visit(source))}
    return [f"{name} (line {line}): complexity {c}" for line, name, c in sorted(over) if c > MAX_COMPLEXITY]


@pytest.mark.parametrize("name", IDS, ids=IDS)
def test_no_function_has_cyclomatic_complexity_over_25(name: str) -> None:
    path = MODULES[name]
    found = too_complex(path.read_text(encoding="utf-8"))
    assert not found, (
        f"{path.relative_to(ROOT)}: {len(found)} function(s) over complexity {MAX_COMPLEXITY} (radon cc); "
        "a table, a dispatch or a second function hides in each:\n  " + "\n  ".join(found)
    )


def test_complexity_counts_methods_and_nested_functions() -> None:
    branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(MAX_COMPLEXITY))
    source = (
        "def simple(x):\n    return x\n\n\n"
        f"def outer(x):\n    def inner(x):\n{textwrap.indent(branches, '    ')}    return inner(x)\n\n\n"
        f"class A:\n    def method(self, x):\n{textwrap.indent(branches, '    ')}        return x\n"
    )
    # each has 25 `if`s: complexity 26, one over the limit; `simple` and `outer` itself are 1
    assert too_complex(source) == ["inner (line 6): complexity 26", "A.method (line 61): complexity 26"]


# ---------------------------------------------------------------------------- names that shadow


# Run in a fresh interpreter: which object `pkg.X` is depends on import order, and other tests
# in this process have imported modules already.
_SHADOWS = """
import importlib, json, sys


def describe(obj):
    kind = "class" if isinstance(obj, type) else "function" if callable(obj) else type(obj).__name__
    return f"the {kind} {getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', '?')}"


problems = []
for name in json.loads(sys.argv[1]):
    parent_name, _, leaf = name.rpartition(".")
    parent = importlib.import_module(parent_name)
    before = parent.__dict__.get(leaf)  # what `parent.leaf` means before anyone imports the module
    module = importlib.import_module(name)
    after = parent.__dict__.get(leaf)
    bound = next((b for b in (before, after) if b is not None and b is not module), None)
    if bound is not None:
        problems.append(f"`{name}` is {describe(bound)}, not the module {name}")
    if leaf in getattr(parent, "__all__", ()):
        problems.append(f"{parent_name}.__all__ exports {leaf!r}, the name of the module {name}")
    own = module.__dict__.get(leaf)
    if callable(own) and (leaf in getattr(module, "__all__", ()) or getattr(own, "__module__", None) == name):
        problems.append(f"the module {name} exports {describe(own)}, of its own name")
print(json.dumps(problems))
"""


def shadow_problems(names: list[str], path: Path | None = None) -> list[str]:
    """Each way in which a dotted module name also means something else (``path``: where to import from)."""
    env = None if path is None else {**os.environ, "PYTHONPATH": str(path)}
    argv = [sys.executable, "-c", _SHADOWS, json.dumps(names)]
    out = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout)


def test_no_module_name_is_shadowed_by_a_function() -> None:
    names = [n for n in MODULES if "." in n and not n.endswith(".__main__")]  # __main__ runs the CLI
    problems = shadow_problems(names)
    assert not problems, (
        "a dotted name means two things (a module and a function): name modules with nouns "
        "(derivation.py, walkthrough.py, verification.py) so `import symbackprop.X` is unambiguous:\n  "
        + "\n  ".join(problems)
    )


SHADOWY = {
    "shadowy/__init__.py": (
        '__all__ = ["render", "verify"]\nfrom .verify import verify\nfrom .tools import render\n'
    ),
    "shadowy/verify.py": "def verify():\n    return 1\n",  # a module exporting a function of its name
    "shadowy/render.py": "X = 1\n",  # a module named like a function that the package exports
    "shadowy/tools.py": "def render():\n    return 2\n",
    "shadowy/clean.py": "def tidy():\n    return 3\n",
}


def test_shadowing_is_found_both_ways(tmp_path: Path) -> None:
    for name, text in SHADOWY.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    names = ["shadowy.clean", "shadowy.render", "shadowy.tools", "shadowy.verify"]
    assert shadow_problems(names, tmp_path) == [
        "`shadowy.render` is the function shadowy.tools.render, not the module shadowy.render",
        "shadowy.__all__ exports 'render', the name of the module shadowy.render",
        "`shadowy.verify` is the function shadowy.verify.verify, not the module shadowy.verify",
        "shadowy.__all__ exports 'verify', the name of the module shadowy.verify",
        "the module shadowy.verify exports the function shadowy.verify.verify, of its own name",
    ]
