"""Local derivatives from templates equal ``sympy.diff``, tree for tree.

The derivation takes local derivatives from cached templates and rebuilds
them without SymPy's evaluation (:mod:`symbackprop.core.local_forms`).  The
independent route is SymPy itself: ``sympy.diff(definition, parent)`` and
``.xreplace(node_of)``.  Trees are compared with ``srepr``, so argument order
counts too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy as sp

from symbackprop import load_spec, mlp
from symbackprop.core.derivation import Partial, derive
from symbackprop.core.functions import (
    REGISTRY,
    binary_cross_entropy,
    cross_entropy,
    custom_function,
    half_squared_error,
    leaky_relu,
    mean_squared_error,
    relu,
    sigmoid,
    softmax,
    softmax_cross_entropy,
    softplus,
    squared_error,
)
from symbackprop.core.local_forms import local_derivatives, substitute

ROOT = Path(__file__).resolve().parent.parent
a, b, c, y, z, w, q = sp.symbols("a b c y z w q", real=True)
p_pos = sp.Symbol("p", positive=True)
u_plain = sp.Symbol("u")
swish = custom_function("swish", [z], z * sigmoid(z))

CALLS = {
    "sigmoid": sigmoid(z),
    "sigmoid-positive": sigmoid(p_pos),
    "sigmoid-no-assumptions": sigmoid(u_plain),
    "relu": relu(z),
    "relu-at-zero": relu(z, sp.Rational(1, 2)),
    "leaky_relu": leaky_relu(z),
    "leaky_relu-slope": leaky_relu(z, sp.Rational(1, 5)),
    "softplus": softplus(z),
    "tanh": sp.tanh(z),
    "exp": sp.exp(z),
    "log": sp.log(z),
    "abs": sp.Abs(z),
    "max": sp.Max(a, b),
    "half_squared_error": half_squared_error(a, y),
    "squared_error": squared_error(a, y),
    "binary_cross_entropy": binary_cross_entropy(a, y),
    "mean_squared_error": mean_squared_error(a, b, y, c),
    "softmax": softmax(2, a, b, c),
    "softmax_cross_entropy": softmax_cross_entropy(a, b, y, c),
    "cross_entropy": cross_entropy(a, b, y, c),
    "swish": swish(z),
    "product": a * b * c,
    "sum-of-calls": half_squared_error(a, y) + half_squared_error(b, c),
    "affine": w * a + q * b + c,
    "affine-with-coefficient": 2 * w * a + b,
    "quadratic": (w - 3) ** 2,
    "repeated-argument": half_squared_error(a, a),
    "compound-argument": sigmoid(w * a + b),
}


def _expected(expr, parents, node_of):
    raw = [sp.diff(expr, p) for p in parents]
    return [(p, r, r.xreplace(node_of)) for p, r in zip(parents, raw)]


def _same(got, expected):
    assert [(p, sp.srepr(r), sp.srepr(g)) for p, r, g in got] == [
        (p, sp.srepr(r), sp.srepr(g)) for p, r, g in expected
    ]


def test_every_registered_function_is_covered():
    covered = {type(e).__name__ for e in CALLS.values()} | {"sqrt", "min", "identity", "step"}
    covered |= {name for name in CALLS}
    assert set(REGISTRY) <= covered


@pytest.mark.parametrize("expr", list(CALLS.values()), ids=list(CALLS))
@pytest.mark.parametrize("named", [False, True], ids=["no-nodes", "node-names"])
def test_local_derivatives_equal_sympy_diff(expr, named):
    parents = sorted(expr.free_symbols, key=lambda s: s.name)
    node = sp.Symbol("n", real=True)
    node_of = {expr: node} if named else {}
    if named:  # other definitions that may appear inside a derivative
        node_of.update(
            {sigmoid(z): sp.Symbol("s", real=True), softmax(2, a, b, c): sp.Symbol("m2", real=True)}
        )
    _same(local_derivatives(expr, parents, node_of), _expected(expr, parents, node_of))


def test_a_node_equal_to_a_factor_of_its_derivative_collapses_as_sympy_does():
    # c := a*sigmoid(z) with a := sigmoid(z): the general form of dc/dz is a**2*(1 - a)
    expr = a * sigmoid(z)
    node_of = {sigmoid(z): a, expr: c}
    got = local_derivatives(expr, [a, z], node_of)
    _same(got, _expected(expr, [a, z], node_of))
    assert got[1][2] == a**2 * (1 - a)


SUBSTITUTIONS = {
    "collision-in-mul": (a * sigmoid(z) * (1 - sigmoid(z)), {sigmoid(z): a}),
    "like-terms": (a - sigmoid(z), {sigmoid(z): a}),
    "number-to-symbol": (2 * a + 1, {sp.Integer(1): b}),
    "coefficient-times-sum": (2 * (a + sigmoid(z)) * b, {b: sp.Integer(1)}),
    "power-of-call": (sigmoid(z) ** 2 + 1, {sigmoid(z): a}),
    "power-of-exp": (sp.exp(z) ** 2, {z: 2 * a}),
    "exponent-replaced": (a**b, {b: c}),
    "nested-call": (sigmoid(softplus(z)) * a, {z: b}),
    "order-changes": (c * sigmoid(z) + a, {c: sp.Symbol("zz", real=True), a: sp.Symbol("aa", real=True)}),
}


@pytest.mark.parametrize(("expr", "rule"), list(SUBSTITUTIONS.values()), ids=list(SUBSTITUTIONS))
def test_substitute_equals_xreplace(expr, rule):
    assert sp.srepr(substitute(expr, rule)) == sp.srepr(expr.xreplace(rule))


NETWORKS = {
    **{p.stem: lambda p=p: load_spec(p) for p in sorted((ROOT / "examples").glob("*.toml"))},
    "mlp-sigmoid": lambda: mlp([3, 4, 2], seed=1, view="scalar"),
    "mlp-tanh-mse": lambda: mlp(
        [2, 3, 2], activation=sp.tanh, loss="mean_squared_error", seed=2, view="scalar"
    ),
    "mlp-relu-squared": lambda: mlp([2, 3, 1], activation=relu, loss="squared_error", seed=3, view="scalar"),
    "mlp-linear": lambda: mlp([2, 2, 2], activation=None, output_activation=None, seed=4, view="scalar"),
}


@pytest.mark.parametrize("make", list(NETWORKS.values()), ids=list(NETWORKS))
def test_every_edge_of_a_network_equals_sympy_diff(make):
    net = make()
    d = derive(net, evaluate_point=False)
    node_of: dict = {}
    for definition in net.definitions:
        node_of.setdefault(definition.expr, definition.symbol)
    for e in d.edges:
        raw = sp.diff(net.definition[e.of], e.wrt)
        assert sp.srepr(e.raw) == sp.srepr(raw), (e.of, e.wrt)
        assert sp.srepr(e.general) == sp.srepr(raw.xreplace(node_of)), (e.of, e.wrt)
    expected = {
        (d_.symbol, p) for d_ in net.definitions for p in d_.expr.free_symbols if p in set(net.symbols)
    }
    expected = {(o, p) for o, p in expected if sp.diff(net.definition[o], p) != 0}
    assert {(e.of, e.wrt) for e in d.edges} == expected


@pytest.mark.parametrize("make", list(NETWORKS.values()), ids=list(NETWORKS))
def test_leibniz_chains_equal_the_unevaluated_products_of_partials(make):
    # The chains are built with Mul._from_args and shared Partials; SymPy's own route is
    # Mul(*factors, evaluate=False) of fresh Partials, summed with Add(..., evaluate=False).
    net = make()
    d = derive(net, evaluate_point=False)
    for s in net.symbols:
        paths = d.paths(s)
        if paths is None:
            continue
        terms = []
        for p in paths:
            factors = [Partial(a, b) for a, b in zip(p, p[1:])]
            terms.append(sp.Mul(*factors, evaluate=False) if len(factors) > 1 else (factors or [sp.S.One])[0])
        expected = terms[0] if len(terms) == 1 else sp.Add(*terms, evaluate=False)
        assert sp.srepr(d.leibniz(s)) == sp.srepr(expected), s


def test_an_mlp_is_derived_without_sympy_diff_or_assumption_queries(monkeypatch):
    import sys

    derive(
        mlp([3, 4, 2], seed=0, view="scalar"), evaluate_point=False
    )  # the templates of sigmoid and the loss, once
    assumptions = sys.modules["sympy.core.assumptions"]
    asked, differentiated = [], []
    ask, diff = assumptions._ask, sp.diff
    monkeypatch.setattr(assumptions, "_ask", lambda fact, obj: asked.append(fact) or ask(fact, obj))
    monkeypatch.setattr(sp, "diff", lambda *args, **kw: differentiated.append(args) or diff(*args, **kw))
    fresh = sp.symbols("u_1 u_2", real=True)
    assert (fresh[0] - fresh[1]).is_positive is None and asked  # the probe sees a query
    asked.clear()
    d = derive(mlp([5, 6, 3], seed=1, view="scalar"), evaluate_point=False)
    assert len(d.edges) == 6 * (2 * 5 + 1) + 6 + 3 * (2 * 6 + 1) + 3 + 2 * 3  # z1, a1, z2, a2, L
    assert differentiated == []
    assert asked == []
