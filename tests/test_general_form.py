"""The general form ∂L/∂s in node names is the tree SymPy's own Add and Mul build, node for node.

``Derivation.general_form`` builds its products and sums without SymPy's
flattening where that provably changes only the order of arguments
(:func:`~symbackprop.core.local_forms.product`, :func:`~...total`).  The
expected trees come from SymPy itself (``a*b``, ``Add(*terms)``), compared by
``srepr``, so that a difference in argument order fails too.
"""

from __future__ import annotations

import random
import warnings

import pytest
import sympy as sp

from symbackprop.core.derivation import derive
from symbackprop.core.local_forms import product, total
from symbackprop.notation.spec import loads_spec

a, b, c, y = sp.symbols("a b c y", real=True)

PRODUCTS = {
    "symbols": (a, b),
    "product-and-symbol": (a * (1 - a), c),
    "coefficient": (2 * a, b),
    "two-coefficients": (2 * a, 3 * b),  # the numbers multiply
    "distributes": (sp.Integer(-1), a - y),  # −(a − y) = y − a
    "three-factors-no-distribution": (2 * c, a - y),
    "same-base": (a, a * b),  # a²b
    "power-and-base": (a**2, a),
    "numeric-roots": (sp.sqrt(2) * a, sp.sqrt(3)),  # √6
    "exponentials": (sp.exp(a), sp.exp(b)),  # SymPy keeps or gathers them: either way, the same
    "one": (sp.S.One, a - y),
    "zero": (sp.S.Zero, a),
    "float-one": (a, sp.Float(1.0)),
    "sum-factor": (a + b, c),
}


@pytest.mark.parametrize(("left", "right"), PRODUCTS.values(), ids=PRODUCTS.keys())
def test_product_is_sympys_product(left, right):
    assert sp.srepr(product(left, right)) == sp.srepr(left * right)


SUMS = {
    "empty": [],
    "one-term": [a * b],
    "distinct": [a * b, c, y],
    "like-terms": [a * b, 2 * a * b],
    "number-and-terms": [a, sp.Integer(2)],
    "two-numbers": [sp.Integer(1), a, sp.Integer(2)],
    "zero": [sp.S.Zero, a],
    "nested-sum": [a + b, c],
    "cancel": [a - y, y - a],
}


@pytest.mark.parametrize("terms", SUMS.values(), ids=SUMS.keys())
def test_total_is_sympys_sum(terms):
    assert sp.srepr(total(terms)) == sp.srepr(sp.Add(*terms))


#: Definitions drawn at random over the names so far: sums, products, powers, library functions.
FORMS = [
    "{a} + {b}", "{a} * {b}", "{a} - {b}", "2*{a}*{b}", "-{a}", "{a}**2", "sqrt({a}*{a} + 1)", "exp({a})",
    "sigmoid({a})", "tanh({a}) * {b}", "{a} / ({b}*{b} + 1)", "3*({a} + {b})", "-({a} - {b})", "{a}*{a}",
    "relu({a})", "log(1 + {a}*{a})", "0.5*{a}", "{a}*sqrt(2)", "sqrt(3)*{b}*{a}", "max({a}, {b})",
    "{a}*exp({b})", "exp({a})*exp({b})", "{a}**3*{b}**2",
]  # fmt: skip


def _random_spec(seed: int) -> str:
    rng = random.Random(seed)
    names = ["x", "w", "v"]
    lines = []
    for i in range(rng.randint(2, 6)):
        form = rng.choice(FORMS).format(a=rng.choice(names), b=rng.choice(names))
        lines.append(f'n{i} = "{form}"')
        names.append(f"n{i}")
    lines.append(f'L = "({names[-1]} - y)**2 + {rng.choice(names)}*{rng.choice(names)}"')
    point = "[inputs]\nx = 0.5\n[targets]\ny = 0.1\n[parameters]\nw = 0.3\nv = -0.2\n"
    return point + "[network]\n" + "\n".join(lines) + "\n"


def _by_sympy(derivation):
    """Every general form built with SymPy's evaluating Add and Mul: the reference."""
    out = {}
    for step in derivation.steps:
        if step.symbol == derivation.loss:
            out[step.symbol] = sp.S.One
        else:
            out[step.symbol] = sp.Add(*[out[f.of] * f.general for f in step.factors])
    return out


@pytest.mark.parametrize("seed", range(40), ids=lambda s: f"seed-{s}")
def test_every_general_form_is_the_tree_sympy_builds(seed):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a drawn loss may not depend on a parameter
        net = loads_spec(_random_spec(seed))
    d = derive(net, evaluate_point=False)
    expected = _by_sympy(d)
    for s in net.symbols:
        assert sp.srepr(d.general_form(s)) == sp.srepr(expected[s]), s
