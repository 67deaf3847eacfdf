"""The one LaTeX printer: names, functions, derivatives, numbers, options, and its extension point.

Every expected string here is written by hand from lecture-note conventions,
not printed by the code under test.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import sympy as sp
from conftest import EXAMPLES
from sympy.printing.latex import LatexPrinter

import symbackprop
from symbackprop import Network, derive, render
from symbackprop.core import functions as F  # noqa: N812
from symbackprop.core.builders import dense
from symbackprop.core.derivation import Partial
from symbackprop.output.printing import (
    Notation,
    SymbackpropLatexPrinter,
    latex,
    make_printer,
    printer_class,
    symbol_latex,
    use_printer,
)
from symbackprop.output.walkthrough import walkthrough_context

PACKAGE = Path(symbackprop.__file__).resolve().parent

z, a, b, c, y = sp.symbols("z a b c y", real=True)
L, w = sp.symbols("L w_1", real=True)


# ------------------------------------------------------------ one printer only

#: The modules that may build LaTeX printers or call SymPy's latex().
PRINTER_MODULES = {"output/printing.py"}


#: Printer classes that only the printer module may instantiate (others call make_printer()).
PRINTER_CLASSES = {"LatexPrinter", "SymbackpropLatexPrinter"}


def _called(f: ast.expr) -> str | None:
    """``sympy.latex`` / ``sp.latex`` / a printer class, when the call ``f(...)`` is one."""
    owner = f.value.id if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) else ""
    if owner in ("sympy", "sp") and getattr(f, "attr", "") == "latex":
        return f"{owner}.latex"
    name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
    return f"{name}(...)" if name in PRINTER_CLASSES else None


def _imported(node: ast.Import | ast.ImportFrom) -> list[str]:
    """Imports of SymPy's LaTeX printer or its ``latex`` function."""
    if isinstance(node, ast.Import):
        return [f"import {a.name}" for a in node.names if a.name == "sympy.printing.latex"]
    module = node.module or ""
    if module.startswith("sympy.printing.latex"):
        return [f"from {module} import"]
    if module in ("sympy", "sympy.printing") and any(a.name == "latex" for a in node.names):
        return [f"from {module} import latex"]
    return []


def _printer_bypasses(tree: ast.AST) -> list[tuple[str, int]]:
    """Ways around the package printer: sympy.latex(...), LatexPrinter, a direct printer, a _latex method."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called(node.func):
            found.append((_called(node.func), node.lineno))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            found += [(what, node.lineno) for what in _imported(node)]
        elif isinstance(node, ast.ClassDef):
            methods = [m for m in node.body if isinstance(m, ast.FunctionDef) and m.name == "_latex"]
            found += [(f"{node.name}._latex", m.lineno) for m in methods]
    return found


def test_all_latex_goes_through_the_package_printer():
    found = []
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 5
    for path in files:
        rel = path.relative_to(PACKAGE).as_posix()
        if rel in PRINTER_MODULES:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [f"{rel}:{line}: {what}" for what, line in _printer_bypasses(tree)]
    assert not found, "LaTeX printed outside symbackprop.output.printing:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source,expected",
    [
        ("import sympy\nx = sympy.latex(e)\n", "sympy.latex"),
        ("import sympy as sp\nx = sp.latex(e, mul_symbol='dot')\n", "sp.latex"),
        ("from sympy import latex\n", "from sympy import latex"),
        ("from sympy.printing.latex import LatexPrinter\n", "from sympy.printing.latex import"),
        ("x = LatexPrinter().doprint(e)\n", "LatexPrinter(...)"),
        ("x = printing.SymbackpropLatexPrinter({})\n", "SymbackpropLatexPrinter(...)"),
        ("class f:\n    def _latex(self, printer):\n        return ''\n", "f._latex"),
    ],
    ids=[
        "sympy.latex",
        "sp.latex",
        "import-latex",
        "import-LatexPrinter",
        "LatexPrinter",
        "direct",
        "_latex",
    ],
)
def test_the_scan_would_catch_a_bypass(source, expected):
    assert expected in [what for what, _ in _printer_bypasses(ast.parse(source))]


# ----------------------------------------------------------------- symbols


@pytest.mark.parametrize(
    ("name", "expected"),
    [("w_1", "w_{1}"), ("w1_2_1", r"w^{(1)}_{21}"), ("x", "x"), ("alpha", r"\alpha"),
     ("Delta", r"\Delta"), ("eta_2", r"\eta_{2}"), ("y_hat", r"\hat{y}"), ("w_bar", r"\bar{w}"),
     ("y_1_hat", r"\hat{y_{1}}"), ("E_total", r"E_{\mathrm{total}}"), ("x__y", r"\mathrm{x\_\_y}")],
    ids=["w_1", "w1_2_1", "x", "alpha", "Delta", "eta_2", "y_hat", "w_bar", "y_1_hat", "E_total", "x__y"],
)  # fmt: skip
def test_symbol_names(name, expected):
    assert symbol_latex(name) == expected
    assert latex(sp.Symbol(name)) == expected


def test_latex_names_win_and_dense_names_print_like_a_textbook():
    _, _, _, names = dense([sp.Symbol("x_1"), sp.Symbol("x_2")], 2, layer=1, view="scalar")
    w121 = next(s for s in names if s.name == "w1_2_1")
    assert latex(w121, latex_names=names) == "w^{(1)}_{21}"
    assert latex(sp.Symbol("q"), latex_names={sp.Symbol("q"): r"\mathcal{Q}"}) == r"\mathcal{Q}"


# --------------------------------------------------------------- functions

t = sp.Symbol("t", real=True)
SWISH = F.custom_function("swish", [t], t * F.sigmoid(t))
MY_ACT = F.custom_function("my_act", [t], t * t, latex=r"\phi")
MY_ACT_DEFAULT = F.custom_function("my_act", [t], t * t)

FUNCTION_CASES = [
    ("sigmoid", F.sigmoid(z), r"\sigma\left(z\right)"),
    ("sigmoid^2", F.sigmoid(z) ** 2, r"\sigma\left(z\right)^{2}"),
    ("softplus", F.softplus(z), r"\operatorname{softplus}\left(z\right)"),
    ("relu", F.relu(z), r"\operatorname{ReLU}\left(z\right)"),
    ("relu_at_half", F.relu(z, sp.Rational(1, 2)), r"\operatorname{ReLU}\left(z\right)"),
    ("leaky_relu", F.leaky_relu(z), r"\operatorname{LeakyReLU}\left(z\right)"),
    ("leaky_relu_alpha", F.leaky_relu(z, sp.Rational(1, 5)),
     r"\operatorname{LeakyReLU}\left(z; \frac{1}{5}\right)"),
    ("step", F.step(z, 0), r"\mathbf{1}\left[z > 0\right]"),
    ("step_1", F.step(z, 1), r"\mathbf{1}\left[z \geq 0\right]"),
    ("step_half", F.step(z, sp.Rational(1, 2)), r"H_{\frac{1}{2}}\left(z\right)"),
    ("softmax", F.softmax(2, a, b, c), r"\operatorname{softmax}_{2}\left(a, b, c\right)"),
    ("softmax^2", F.softmax(1, a, b) ** 2, r"\left(\operatorname{softmax}_{1}\left(a, b\right)\right)^{2}"),
    ("squared_error", F.squared_error(a, y), r"\left(a - y\right)^{2}"),
    ("half_squared_error", F.half_squared_error(a, y), r"\frac{1}{2}\left(a - y\right)^{2}"),
    ("mean_squared_error", F.mean_squared_error(a, b, y, c),
     r"\frac{1}{2}\left(\left(a - y\right)^{2} + \left(b - c\right)^{2}\right)"),
    ("binary_cross_entropy", F.binary_cross_entropy(a, y),
     r"-\left[y \log\left(a\right) + \left(1 - y\right) \log\left(1 - a\right)\right]"),
    ("cross_entropy", F.cross_entropy(a, b, y, c),
     r"-\left(y \log\left(a\right) + c \log\left(b\right)\right)"),
    ("softmax_cross_entropy", F.softmax_cross_entropy(a, b, y, c),
     r"\operatorname{CE}\left(\operatorname{softmax}\left(a, b\right), \left(y, c\right)\right)"),
    ("tanh", F.FUNCTIONS["tanh"].func(z), r"\tanh{\left(z \right)}"),
    ("exp", sp.exp(z), r"e^{z}"),
    ("log", sp.log(z), r"\log{\left(z \right)}"),
    ("sqrt", sp.sqrt(z), r"\sqrt{z}"),
    ("abs", sp.Abs(z), r"\left|{z}\right|"),
    ("max", sp.Max(a, b), r"\max\left(a, b\right)"),
    ("min", sp.Min(a, b), r"\min\left(a, b\right)"),
    ("custom", SWISH(z), r"\operatorname{swish}\left(z\right)"),
    ("custom_latex", MY_ACT(z), r"\phi\left(z\right)"),
    ("custom_underscore", MY_ACT_DEFAULT(z), r"\operatorname{my\_act}\left(z\right)"),
]  # fmt: skip


@pytest.mark.parametrize("name,expr,expected", FUNCTION_CASES, ids=[c[0] for c in FUNCTION_CASES])
def test_function_forms(name, expr, expected):
    assert latex(expr) == expected


def test_every_registered_function_has_a_printed_case():
    printed = {case[0] for case in FUNCTION_CASES}
    assert set(F.REGISTRY) - {"identity"} <= printed  # identity evaluates away


@pytest.mark.parametrize("name", ["relu", "softmax", "step", "mean_squared_error"])
def test_a_user_function_named_like_a_library_function_prints_by_its_own_name(name):
    mine = F.custom_function(name, [t], 2 * t)
    assert latex(mine(z)) == r"\operatorname{%s}\left(z\right)" % name.replace("_", r"\_")


# --------------------------------------------------------- partial derivatives


@pytest.mark.parametrize(
    "settings,expected",
    [
        ({}, r"\frac{\partial L}{\partial w_{1}}"),
        ({"derivative": "d"}, r"\frac{\mathrm{d}L}{\mathrm{d}w_{1}}"),
        ({"delta": True, "loss": L, "delta_nodes": frozenset({w})}, r"\delta_{w_{1}}"),
        ({"delta": True, "loss": L, "delta_nodes": frozenset()}, r"\frac{\partial L}{\partial w_{1}}"),
        ({"numbers": {(L, w): "0.25"}}, "0.25"),
        ({"numbers": {(L, w): "-0.25"}}, r"\left(-0.25\right)"),
    ],
    ids=["partial", "d", "delta", "delta-not-a-node", "number", "negative-number"],
)
def test_partial(settings, expected):
    assert latex(Partial(L, w), **settings) == expected


def test_partial_in_a_product():
    expr = sp.Mul(Partial(L, a), Partial(a, w), evaluate=False)
    expected = r"\frac{\partial L}{\partial a} \cdot \frac{\partial a}{\partial w_{1}}"
    assert latex(expr, order="none", mul_symbol="dot") == expected


# ------------------------------------------------------------------ numbers


@pytest.mark.parametrize(
    "expr,expected",
    [
        (sp.Float("0.123456789", 30), "0.123457"),
        (sp.Float("2.5", 30), "2.5"),
        (sp.Float("-0.0004386", 30), "-0.0004386"),
        (sp.Float("1e-15", 30), r"1.00000 \times 10^{-15}"),
        (sp.Rational(1, 2), r"\frac{1}{2}"),
        (sp.Integer(3), "3"),
        (sp.Float("0.5", 30) * z, "0.5 z"),
    ],
    ids=["six-digits", "exact", "small", "scientific", "rational", "integer", "coefficient"],
)
def test_numbers(expr, expected):
    assert latex(expr) == expected


def test_numbers_substituted_for_symbols_get_parentheses_when_negative():
    numbers = {a: "-2", b: "3"}
    assert latex(sp.Mul(a, b, evaluate=False), numbers=numbers, order="none", mul_symbol="dot") == (
        r"\left(-2\right) \cdot 3"
    )


# ------------------------------------------------------- notation options


def _neuron() -> Network:
    x, w_, y_ = sp.symbols("x w y", real=True)
    z_, l_ = sp.symbols("z L", real=True)
    return Network(
        [(z_, w_ * x), (l_, F.half_squared_error(z_, y_))],
        inputs=[x],
        targets=[y_],
        parameters=[w_],
        values={x: sp.Integer(2), y_: sp.Integer(1), w_: sp.Rational(1, 2)},
    )


@pytest.mark.parametrize(
    "mul,symbolic,substituted",
    [("cdot", r"w \cdot x", r"0.5 \cdot 2"), ("times", r"w \times x", r"0.5 \times 2"),
     ("none", "w x", r"0.5 \cdot 2")],
    ids=["cdot", "times", "none"],
)  # fmt: skip
def test_multiplication_sign(mul, symbolic, substituted):
    forward = walkthrough_context(_neuron(), notation=Notation(mul=mul))["forward"][0]
    assert forward["rhs"] == symbolic
    assert forward["substituted"] == substituted  # products of numbers always get a sign


@pytest.mark.parametrize(
    "derivative,expected",
    [("partial", r"\frac{\partial L}{\partial w}"), ("d", r"\frac{\mathrm{d}L}{\mathrm{d}w}")],
    ids=["partial", "d"],
)
def test_derivative_notation(derivative, expected):
    gradient = walkthrough_context(_neuron(), notation=Notation(derivative=derivative))["gradients"][0]
    assert gradient["quantity"] == expected


@pytest.mark.parametrize(
    "kwargs,match",
    [({"derivative": "D"}, "derivative"), ({"mul": "dot"}, "multiplication")],
    ids=["D", "dot"],
)
def test_notation_refuses_unknown_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Notation(**kwargs)


# --------------------------------------------------- the extension point


class LogisticPrinter(SymbackpropLatexPrinter):
    """Writes σ as 'logistic', as some textbooks do."""

    def _print_sigmoid(self, expr, exp=None):
        return self._function(r"\operatorname{logistic}", expr.args, exp)


class LeibnizPrinter(SymbackpropLatexPrinter):
    """Writes every partial derivative as D[of, wrt]."""

    def _print_Partial(self, expr, exp=None):
        return r"D[%s, %s]" % (self._print(expr.of), self._print(expr.wrt))


def _tiny():
    return derive(symbackprop.load_spec(EXAMPLES / "tiny.toml"))


def test_a_subclass_overriding_print_sigmoid_changes_every_output():
    d = _tiny()
    before = {"md": render(d, "md"), "tex": render(d, "tex"), "display": d._repr_markdown_()}
    assert all(r"\sigma\left(" in text for text in before.values())
    with use_printer(LogisticPrinter):
        after = {"md": render(d, "md"), "tex": render(d, "tex"), "display": d._repr_markdown_()}
        assert latex(F.sigmoid(z)) == r"\operatorname{logistic}\left(z\right)"
        assert printer_class() is LogisticPrinter
        assert isinstance(make_printer(), LogisticPrinter)
    for kind, text in after.items():
        assert r"\sigma\left(" not in text, kind
        assert r"\operatorname{logistic}\left(" in text, kind
        assert text == before[kind].replace(r"\sigma\left(", r"\operatorname{logistic}\left("), kind
    assert printer_class() is SymbackpropLatexPrinter  # the with block restores the default
    assert latex(F.sigmoid(z)) == r"\sigma\left(z\right)"


def test_a_subclass_overriding_print_partial_changes_the_derivation_display():
    d = _tiny()
    with use_printer(LeibnizPrinter):
        shown = d._repr_latex_()
        md = render(d, "md")
    assert r"D[L, w_{1}]" in shown and r"\frac{\partial L}{\partial w_{1}}" not in shown
    assert r"D[L, w_{1}]" in md


@pytest.mark.parametrize("bad", [object, LatexPrinter, "LogisticPrinter"], ids=str)
def test_use_printer_takes_only_subclasses_of_the_package_printer(bad):
    with pytest.raises(TypeError, match="subclass of SymbackpropLatexPrinter"), use_printer(bad):
        pass
