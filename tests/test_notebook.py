"""Notebook display through the registration in core.display, and no import cycle behind it."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp
from conftest import EXAMPLES, ROOT

from symbackprop import check, derive, load_spec, verify
from symbackprop.core.display import Displayable, register, renderer
from symbackprop.core.functions import to_elementary

PACKAGE = ROOT / "symbackprop"
WRONG = "$$\n\\frac{\\partial L}{\\partial w_2} = (a_2 - y) \\, a_2 \\, a_1\n$$\n"


def tiny_gradients() -> dict[str, float]:
    """∂L/∂w of the tiny example by sympy.diff of the inlined, elementary loss."""
    net = load_spec(EXAMPLES / "tiny.toml")
    loss = to_elementary(net.inlined())
    return {p.name: float(sp.diff(loss, p).subs(net.values)) for p in net.parameters}


def test_derivation_shows_markdown_and_latex() -> None:
    d = derive(load_spec(EXAMPLES / "tiny.toml"))
    markdown, latex = d._repr_markdown_(), d._repr_latex_()
    assert markdown.startswith("# Tiny network")
    assert "## Backward pass" in markdown and "## Gradient check" not in markdown
    for value in tiny_gradients().values():
        assert f"≈ {value:.4f}" in markdown
        assert f"\\approx {value:.4f}" in latex
    assert latex.startswith("$$\n\\begin{aligned}") and latex.endswith("\\end{aligned}\n$$")


def _markdown_rows(markdown: str) -> list[list[str]]:
    lines = [line for line in markdown.splitlines() if line.startswith("| ")]
    return [[c.strip() for c in line.strip("|").split(" | ")] for line in lines[1:]]


def test_check_report_shows_its_rows_as_a_table() -> None:
    report = check(load_spec(EXAMPLES / "swish_wrong.toml"))
    markdown = report._repr_markdown_()
    assert markdown.startswith("**Gradient check FAILED.** Seed 0, rtol 1e-06, atol 1e-09.\n\n")
    rows = _markdown_rows(markdown)
    assert [r[1] for r in rows] == [f"${r.latex}$" for r in report.rows]
    assert [r[2] for r in rows] == [f"{r.symbolic:.6g}" for r in report.rows]
    assert all(r[-1].startswith("MISMATCH") for r in rows)
    latex = report._repr_latex_()
    assert latex.count("\\text{MISMATCH") == len(report.rows)
    assert latex.startswith("$$\n\\begin{array}{llllll}\n\\textbf{point}")


def test_a_check_that_agrees_says_so() -> None:
    report = check(load_spec(EXAMPLES / "tiny.toml"))
    assert report._repr_markdown_().startswith("**Gradient check: every gradient agrees.**")


def test_verify_report_shows_the_wrong_line_and_the_right_value() -> None:
    report = verify("hw.md", text=WRONG, spec=EXAMPLES / "tiny.toml")
    markdown = report._repr_markdown_()
    assert markdown.startswith(
        "**1 wrong equation(s).**\n\n| line | equation | status | message | expected |"
    )
    (row,) = _markdown_rows(markdown)
    assert row[0] == "2" and row[2] == "wrong"
    expected = f"{tiny_gradients()['w_2']:.3f}"  # 0.069
    assert expected in row[4]
    latex = report._repr_latex_()
    assert "\\text{wrong}" in latex and expected in latex


class _Thing(Displayable):
    pass


class _Child(_Thing):
    pass


def test_renderers_are_looked_up_by_class_and_base_class() -> None:
    assert _Thing()._repr_markdown_() is None  # nothing registered: IPython falls back to repr
    register(_Thing, markdown=lambda obj: f"**{type(obj).__name__}**")
    assert _Thing()._repr_markdown_() == "**_Thing**"
    assert _Child()._repr_markdown_() == "**_Child**"
    assert _Child()._repr_latex_() is None
    with pytest.raises(ValueError, match="unknown kind"):
        renderer(_Thing(), "html")


def test_the_display_provider_is_imported_on_first_display_only() -> None:
    code = (
        "import sys, symbackprop\n"
        "from symbackprop import derive, load_spec\n"
        "d = derive(load_spec(sys.argv[1]))\n"
        "before = [m for m in ('symbackprop.output.notebook', 'jinja2') if m in sys.modules]\n"
        "text = d._repr_markdown_()\n"
        "print(before, 'symbackprop.output.notebook' in sys.modules, text.startswith('# Tiny'))\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(EXAMPLES / "tiny.toml")],
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[]", "True", "True"]


# ------------------------------------------------------------------ no import cycle


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """Every package module ``path`` imports, at the top or inside functions."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            base = base[: len(base) - node.level + 1] if node.level else []
            target = ".".join([*base, *([node.module] if node.module else [])])
            out.add(target)
            out.update(f"{target}.{a.name}" for a in node.names)
    return {m for m in out if m in modules and m != name}


def _cycles() -> list[set[str]]:
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {m: _imports(p, set(files)) for m, p in files.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(m: str) -> None:  # Tarjan's strongly connected components
        index[m] = low[m] = len(index)
        stack.append(m)
        for n in graph[m]:
            if n not in index:
                visit(n)
                low[m] = min(low[m], low[n])
            elif n in stack:
                low[m] = min(low[m], index[n])
        if low[m] == index[m]:
            component = set()
            while True:
                n = stack.pop()
                component.add(n)
                if n == m:
                    break
            if len(component) > 1:
                found.append(component)

    for m in sorted(graph):
        if m not in index:
            visit(m)
    return found


def test_no_import_cycle_through_core_or_output() -> None:
    ours = re.compile(r"symbackprop\.(core|output|integrations|commands)\b")
    cycles = [sorted(c) for c in _cycles() if any(ours.match(m) for m in c)]
    assert cycles == []


def test_data_classes_do_not_import_the_display() -> None:
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    imports = {m: _imports(p, set(files)) for m, p in files.items()}
    assert [m for m, i in imports.items() if "symbackprop.output.notebook" in i] == []
    core = {m: sorted(i) for m, i in imports.items() if m.startswith("symbackprop.core")}
    assert {m: [i for i in found if i.startswith("symbackprop.output")] for m, found in core.items()} == {
        m: [] for m in core
    }
