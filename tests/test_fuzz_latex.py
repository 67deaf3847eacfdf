"""Property tests for the LaTeX adapter: random and hostile math raises only
SymbackpropError subclasses, and TeX primitives are refused, never expanded."""

from __future__ import annotations

import string

import pytest
import sympy
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from symbackprop.core.derivation import Partial
from symbackprop.errors import SymbackpropError
from symbackprop.notation.latex import parse_latex_expression, parse_math, split_relations

SYMS = {
    n: sympy.Symbol(n, real=True)
    for n in ("x", "y", "w_1", "w_2", "z_1", "z_2", "a_1", "a_2", "L", "E_total")
}

PIECES = [
    r"\frac{", r"\partial ", "}{", "}", "{", "(", ")", "[", "]", r"\left(", r"\right)", r"\cdot ",
    r"\times ", r"\sigma", r"\operatorname{ReLU}", r"\text{Sigmoid}", r"\max(0,", r"\tanh", "e^{", r"\exp",
    r"\log", r"\ln", "'", "^", "_", "_{", "x", "y", "w_1", "z_{2}", "a_2", "L", r"\hat{y}", "w^{(1)}_{11}",
    "E_{total}", "0.5", "1", "2", "-", "+", "=", r"\approx", "/", r"\sqrt{", " ", r"\,", "&", r"\\", "$",
    "%", r"\input", r"\write18", r"\catcode", r"\def", "\\",
    r"\sum_{j=1}^{2} ", r"\sum_j ", r"\nabla_", r"\boxed{", r"\mathbf{", r"\tag{", r"\left.", r"\right|_{",
    "w=5}", r"\frac{d}{dw}", r"\mathrm{d}", "dL/dw", "(new)", r"\Delta ", ",", r"\\", r"\|", r"\text{ ",
    "σ", "₁", "²", "−", "×", "∂", "ŷ", "≈", "x_j", "w_{jk}", r"\odot", r"\begin{bmatrix}", "f(x, y)", "y'",
]  # fmt: skip

fragments = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=25).map("".join),
    st.text(alphabet=string.printable, max_size=60),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fragments)
@example(r"\frac{\partial L}{\partial" * 50)
@example("(" * 500 + "x" + ")" * 500)
@example("9^{9^{9^{9}}}")
def test_latex_adapter_raises_only_symbackprop_errors(text):
    try:
        expr = parse_latex_expression(text, SYMS)
    except SymbackpropError:
        return
    assert isinstance(expr, sympy.Expr)


@pytest.mark.parametrize(
    "payload",
    [
        r"\input{/etc/passwd}",
        r"x + \write18{touch PWNED}",
        r"\catcode`\^=7 x",
        r"\def\x{y} x",
        r"\immediate\write18{ls}",
    ],
    ids=["input", "write18", "catcode", "def", "immediate"],
)
def test_tex_primitives_are_refused(payload, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SymbackpropError):
        parse_latex_expression(payload, SYMS)
    assert list(tmp_path.iterdir()) == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fragments)
@example(r"\sum_j \sum_k w_{jk} x_k")
@example(r"\left.\frac{d}{dw}\right|_{w=5}")
@example(r"\frac{\partial}{\partial w}\left(\frac{\partial L}{\partial w}\right)")
def test_the_reader_with_derivatives_raises_only_symbackprop_errors(text):
    """``parse_math`` as verify calls it: every name known, derivatives allowed."""
    known = frozenset({"x", "w_1", "w_2", "x_1", "x_2", "w_11", "w_12", "delta", "T"})
    for sides, _ in split_relations(text):
        for side in sides:
            try:
                parse_math(side, lambda k: sympy.Symbol(k, real=True), gradient=Partial, known=known).exact()
            except SymbackpropError:
                continue
