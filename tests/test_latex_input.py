"""The LaTeX adapter: preprocessing, names, gradients, functions, refusals, fuzzing."""

from __future__ import annotations

import ast
import contextlib
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symbackprop
from symbackprop.core.derivation import Partial
from symbackprop.core.functions import relu, sigmoid, step
from symbackprop.errors import InputError, SpecError, SymbackpropError
from symbackprop.notation.expressions import parse_expression as spec_parse
from symbackprop.notation.latex import parse_latex_expression, parse_math, split_relations
from symbackprop.notation.latex.adapter import parse_with_latex2sympy
from symbackprop.notation.latex.skeleton import parse_skeleton

N = {
    n: sp.Symbol(n, real=True)
    for n in ["x", "y", "z", "w_1", "w_2", "z_1", "z_2", "a_1", "a_2", "L", "E_total", "y_hat", "w1_11"]
}
x, y, z, w_1, w_2, z_1, z_2, a_1, a_2, L, E_total, y_hat = (
    N[k] for k in ["x", "y", "z", "w_1", "w_2", "z_1", "z_2", "a_1", "a_2", "L", "E_total", "y_hat"]
)


def parse(latex: str):
    """Parse with the fixed table above; w^{(1)}_{11} is declared through its key."""
    table = dict(N)
    table["w^(1)_11"] = N["w1_11"]
    return parse_math(latex, lambda k: table.get(k), gradient=Partial, known=frozenset(table)).exact()


CASES = [
    ("z_1", z_1, "subscript"),
    ("z_{1}", z_1, "braced-subscript"),
    (r"\hat{y}", y_hat, "hat"),
    (r"\hat y", y_hat, "hat-no-braces"),
    ("w^{(1)}_{11}", N["w1_11"], "layer-index-is-a-name"),
    ("E_{total}", E_total, "multi-letter-subscript"),
    (r"E_{\text{total}}", E_total, "text-subscript"),
    ("a_2(1 - a_2)", a_2 * (1 - a_2), "implicit-product"),
    (r"a_2 \left(1 - a_2\right)", a_2 * (1 - a_2), "left-right"),
    (r"x \cdot w_1", x * w_1, "cdot"),
    (r"x \times w_1", x * w_1, "times"),
    (r"x\,w_1", x * w_1, "thin-space"),
    ("x w_1", x * w_1, "juxtaposition"),
    (r"\sigma(z_2)", sigmoid(z_2), "sigma"),
    (r"\text{Sigmoid}(z_2)", sigmoid(z_2), "text-sigmoid"),
    (r"\operatorname{ReLU}(z_1)", relu(z_1), "operatorname-relu"),
    (r"\mathrm{ReLU}(z_1)", relu(z_1), "mathrm-relu"),
    (r"\max(0, z_1)", sp.Max(0, z_1), "max"),
    (r"\tanh(z)", sp.tanh(z), "tanh"),
    (r"\tanh^2(z)", sp.tanh(z) ** 2, "tanh-squared"),
    ("e^{x}", sp.exp(x), "e-power"),
    ("e^x", sp.exp(x), "e-power-one-token"),
    (r"\exp(-z)", sp.exp(-z), "exp"),
    (r"\log(a_2)", sp.log(a_2), "log-is-natural"),
    (r"\ln a_2", sp.log(a_2), "ln-without-parens"),
    (r"\sigma'(z_2)", sigmoid(z_2) * (1 - sigmoid(z_2)), "prime"),
    (r"\sigma^{\prime}(z_2)", sigmoid(z_2) * (1 - sigmoid(z_2)), "prime-superscript"),
    (r"\operatorname{ReLU}'(z_1)", step(z_1, 0), "relu-prime"),
    (r"\frac{1}{2}(a_2 - y)^2", (a_2 - y) ** 2 / 2, "half-square"),
    (
        r"-\left[y \log(a_2) + (1 - y) \log(1 - a_2)\right]",
        -(y * sp.log(a_2) + (1 - y) * sp.log(1 - a_2)),
        "bce",
    ),
    (r"\frac{\partial L}{\partial w_2}", Partial(L, w_2), "partial-fraction"),
    (r"\frac{dL}{dw_2}", Partial(L, w_2), "d-fraction"),
    (r"\frac{d L}{d w_{2}}", Partial(L, w_2), "d-fraction-spaced"),
    (r"\partial L/\partial w_2", Partial(L, w_2), "slash-partial"),
    (r"\frac{\partial}{\partial x} L", Partial(L, x), "partial-operator"),  # was refused; issue 13 reads it
    (r"\frac{\partial E_{total}}{\partial \hat{y}}", Partial(E_total, y_hat), "partial-over-names"),
    (
        r"\frac{\partial L}{\partial a_2} \cdot \frac{\partial a_2}{\partial z_2}",
        Partial(L, a_2) * Partial(a_2, z_2),
        "chain",
    ),
    (r"\mathbf{1}[z > 0]", step(z, 0), "indicator"),
    (r"\mathbb{1}_{z_1 \geq 0}", step(z_1, 1), "indicator-subscript"),
    ("0.1", sp.Rational(1, 10), "numbers-are-exact"),
    (r"0.5 - 0.1 \cdot 0.069", sp.Rational(4931, 10000), "arithmetic"),
    (r"\tfrac{1}{2}", sp.Rational(1, 2), "tfrac"),
]


@pytest.mark.parametrize(("latex", "expected"), [c[:2] for c in CASES], ids=[c[2] for c in CASES])
def test_parse(latex, expected):
    got = parse(latex)
    assert sp.simplify(got - expected) == 0 if got.free_symbols else got == expected


def test_numbers_keep_their_decimals():
    p = parse_math("0.562 \\cdot 0.50", lambda k: None)
    assert sorted(n.decimals for n in p.numbers.values()) == [2, 3]
    assert p.exact() == sp.Rational(562, 1000) * sp.Rational(1, 2)


SPLITS = [
    ("A = B = C \\approx D", [(["A", "B", "C", "D"], ["=", "=", "≈"])], "chain"),
    ("\\frac{a = b}{c} = d", [(["\\frac{a = b}{c}", "d"], ["="])], "nested-not-split"),
    ("x = 1 \\Rightarrow y = 2", [(["x", "1"], ["="]), (["y", "2"], ["="])], "implies-separates"),
    ("z_1 = 0.5 > 0", [(["z_1", "0.5", "0"], ["=", ">"])], "inequality"),
    ("f(a, b) = c", [(["f(a, b)", "c"], ["="])], "comma-in-parens"),
    ("x = 1, y = 2", [(["x", "1"], ["="]), (["y", "2"], ["="])], "comma-separates"),
    ("w \\leftarrow w - 1", [(["w", "w - 1"], ["="])], "assignment"),
]


@pytest.mark.parametrize(("latex", "expected"), [s[:2] for s in SPLITS], ids=[s[2] for s in SPLITS])
def test_split_relations(latex, expected):
    assert split_relations(latex) == expected


REFUSED = [
    r"\input{/etc/passwd}",
    r"\write18{rm -rf /}",
    r"\catcode`\^=7",
    r"\def\x{1}",
    r"\include{a}",
    r"\openin5=a",
]


@pytest.mark.parametrize("latex", REFUSED, ids=["input", "write18", "catcode", "def", "include", "openin"])
def test_refused(latex):
    with pytest.raises(InputError, match="refused"):
        parse(latex)


BAD = [
    (r"\sqrt{x", "unbalanced"),
    (r"\frac{1}{", "unbalanced"),
    (r"\mathbf{w} x", "vectors"),
    (r"\mathbf{1}[z = 0]", "one comparison"),
    (r"\text{since the ReLU is on}", "prose"),
    ("q_7", "unknown name"),
    ("f(x)", "unknown function"),
    (r"\sigma(z, x)", "takes 1 argument"),
    ("+", "cannot"),
    ("x^", "missing"),
]


@pytest.mark.parametrize(("latex", "why"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_one_clear_error(latex, why):
    with pytest.raises(InputError, match=why):
        parse(latex)


def test_too_long_is_refused():
    with pytest.raises(InputError, match="limit"):
        parse("x+" * 20_000 + "x")


@pytest.mark.parametrize(
    "latex", ["9^{9^{9}}", "0.5^{100000}", "10^{-400000}"], ids=["tower", "half", "tiny"]
)
def test_number_bombs_are_refused_before_they_are_computed(latex):
    with pytest.raises(InputError, match="too large"):
        parse_latex_expression(latex, {})


def test_deep_nesting_is_refused():
    with pytest.raises(InputError):
        parse("(" * 500 + "x" + ")" * 500)


SKELETONS = [
    "v_{1}",
    "v_{1} \\cdot v_{2}",
    "v_{1} - v_{2} \\cdot v_{3}",
    "\\frac{v_{1}}{v_{2} (v_{3} - v_{4})}",
    "-(v_{1} + v_{2})^{v_{3}}",
    "v_{1}(v_{2} - v_{1})",
    "v_{1} / v_{2} - v_{3}",
    "-v_{1}^{v_{2}} + \\sqrt{v_{3}}",
    "(v_{1})(v_{2})v_{3}",
    "v_{1} \\cdot -v_{2}",
]


@pytest.mark.parametrize("text", SKELETONS, ids=range(len(SKELETONS)))
def test_fast_skeleton_parser_agrees_with_latex2sympy(text):
    fast = parse_skeleton(text)
    assert fast is not None
    assert sp.simplify(fast - parse_with_latex2sympy(text)) == 0


def test_ambiguous_skeleton_goes_to_latex2sympy():
    assert parse_skeleton("v_{1} / v_{2} v_{3}") is None


def test_parse_latex_expression_for_specs():
    symbols = {"z_1": z_1, "y_hat": y_hat, "w_2": w_2}
    assert parse_latex_expression(r"\sigma(z_{1})", symbols, None) == sigmoid(z_1)
    assert parse_latex_expression(r"\hat{y} \cdot w_2", symbols, None) == y_hat * w_2
    with pytest.raises(InputError, match="unknown name"):
        parse_latex_expression("q", symbols, None)
    with pytest.raises(InputError, match="not allowed"):
        parse_latex_expression(r"\frac{\partial z_1}{\partial w_2}", symbols, None)


@pytest.mark.parametrize(
    "latex",
    [
        r"\frac{d}{dw_2} z_1",
        r"\frac{\partial}{\partial w_2}(z_1 w_2)",
        r"\frac{\mathrm{d}z_1}{\mathrm{d}w_2}",
    ],
    ids=["operator-d", "operator-partial", "mathrm-d"],
)
def test_a_derivative_where_none_is_allowed_is_an_input_error(latex):
    symbols = {"z_1": z_1, "w_2": w_2}
    with pytest.raises(InputError, match="not allowed") as caught:
        parse_latex_expression(latex, symbols, None)
    assert "\n" not in str(caught.value)


def test_spec_parser_hands_latex_here():
    assert spec_parse("$\\sigma(z_1)$", {"z_1": z_1}) == sigmoid(z_1)
    with pytest.raises(SpecError, match="unknown name"):
        spec_parse("$\\sigma(q)$", {"z_1": z_1}, where="[network] a_1")


TOKENS = [
    "x",
    "y",
    "z_1",
    "a_{2}",
    "\\frac",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "^",
    "_",
    "+",
    "-",
    "\\cdot",
    "0.5",
    "2",
    "\\sigma",
    "\\partial",
    "d",
    "L",
    "/",
    "\\left(",
    "\\right)",
    "\\sqrt",
    "'",
    "\\log",
    "e",
    ",",
    "=",
    "\\hat",
    "\\text{ReLU}",
    "|",
    "\\,",
    "&",
    "\\\\",
    "\\unknown",
    "%",
    "$",
    "\\{",
    "\\max",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=14))
def test_garbage_never_crashes(tokens):
    text = " ".join(tokens)
    for sides, _ in split_relations(text):
        for side in sides:
            with contextlib.suppress(SymbackpropError):
                parse_math(side, lambda k: sp.Symbol(k), gradient=Partial, known=frozenset({"x"}))


def test_only_the_adapter_imports_latex2sympy():
    package = Path(symbackprop.__file__).resolve().parent
    importers = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            if any(n.split(".")[0] == "latex2sympy2_extended" for n in names):
                importers.add(path.relative_to(package).as_posix())
    assert importers == {"notation/latex/adapter.py"}


def test_the_former_module_path_still_reads_latex():
    from symbackprop.notation import latex_input

    assert latex_input.UPDATED == "^+"
    assert latex_input.split_relations("a = b") == [(["a", "b"], ["="])]
    assert latex_input.parse_math("z_1", {"z_1": z_1}.get).expr == z_1
