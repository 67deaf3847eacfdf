"""Network validation: every bad definition is a GraphError that names the symbol."""

from __future__ import annotations

import pytest
import sympy as sp

from symbackprop import GraphError, Network, SymbackpropWarning, dense, mlp, relu, sigmoid

x, y, w, v, z, a, b, L = sp.symbols("x y w v z a b L", real=True)


def make(defs, **kw):
    kw.setdefault("inputs", [x])
    kw.setdefault("targets", [y])
    kw.setdefault("parameters", [w])
    return Network(defs, **kw)


@pytest.mark.parametrize(
    "defs,kw,message",
    [
        ([(z, x * w), (L, (sp.Symbol("q") - y) ** 2)], {}, r"definition of 'L' uses undefined name 'q'"),
        ([(z, x * w), (L, (sp.Symbol("zz") - y) ** 2)], {}, r"undefined name 'zz' \(did you mean 'z'\?\)"),
        ([(z, x * w), (z, x), (L, (z - y) ** 2)], {}, r"'z' is defined twice"),
        ([(a, b * w), (b, a + x), (L, (a - y) ** 2)], {}, r"cycle: 'a' -> 'b' -> 'a'|cycle: a -> b -> a"),
        ([(a, a * w), (L, (a - y) ** 2)], {}, r"'a' is defined in terms of itself"),
        ([], {}, r"no loss"),
        ([(z, x * w), (L, (z - y) ** 2)], {"loss": sp.Symbol("Loss")}, r"the loss 'Loss' is not defined"),
        ([(x, w), (L, (x - y) ** 2)], {}, r"'x' is used as two roles: an input and a node"),
        (
            [(z, x * w), (L, (z - y) ** 2)],
            {"targets": [w]},
            r"'w' is used as two roles: a target and a parameter",
        ),
        ([(z, x * w), (L, (z - y) ** 2)], {"frozen": [x]}, r"frozen name 'x' is not a parameter"),
        ([(z, "x*w"), (L, (z - y) ** 2)], {}, r"definition of 'z': got the string"),
        ([(z, x * w), (L, (z - y) ** 2)], {"values": {x: "1"}}, r"value of 'x': expected a number"),
        ([(z, x * w), (L, (z - y) ** 2)], {"values": {x: float("nan")}}, r"finite number"),
    ],
    ids=[
        "undefined",
        "did-you-mean",
        "defined-twice",
        "cycle",
        "self-cycle",
        "no-loss",
        "loss-undefined",
        "two-roles-node",
        "two-roles-declared",
        "frozen-not-param",
        "string-expression",
        "non-numeric-value",
        "nan-value",
    ],
)
def test_bad_networks_raise_graph_error_naming_the_symbol(defs, kw, message):
    with pytest.raises(GraphError, match=message) as info:
        make(defs, **kw)
    assert isinstance(info.value, ValueError)  # also a built-in


def test_unused_parameter_warns():
    with pytest.warns(SymbackpropWarning, match="does not depend on parameter 'v'"):
        make([(z, x * w), (L, (z - y) ** 2)], parameters=[w, v])


def test_definitions_are_reordered_only_when_needed():
    net = make([(L, (a - y) ** 2), (z, x * w), (a, sigmoid(z))], loss=L)
    assert net.nodes == (z, a, L)
    net2 = make([(z, x * w), (a, sigmoid(z)), (L, (a - y) ** 2)])
    assert net2.nodes == (z, a, L) and net2.loss == L


def test_values_become_exact_decimals():
    net = make([(z, x * w), (L, (z - y) ** 2)], values={x: 0.1, y: 1, w: 0.5})
    assert net.values[x] == sp.Rational(1, 10)
    assert net.values[y] == 1


def test_inlined_loss_substitutes_every_definition():
    net = make([(z, x * w), (a, relu(z)), (L, (a - y) ** 2)])
    assert net.inlined() == (relu(x * w) - y) ** 2


def test_dense_names_print_like_a_textbook():
    defs, params, _outs, names = dense([x, y], 2, layer=1, view="scalar")
    w21 = next(p for p in params if p.name == "w1_2_1")
    assert names[w21] == "w^{(1)}_{21}"
    assert sp.latex(w21, symbol_names=names) == "w^{(1)}_{21}"
    assert [d.symbol.name for d in defs] == ["z1_1", "a1_1", "z1_2", "a1_2"]
    assert defs[0].expr == params[0] * x + params[1] * y + params[2]


def test_mlp_parameter_count():
    net = mlp([16, 32, 16], view="scalar")
    assert len(net.parameters) == 16 * 32 + 32 + 32 * 16 + 16
    shared = mlp([2, 2, 2], bias="shared", view="scalar")
    assert [p.name for p in shared.parameters if p.name.startswith("b")] == ["b1", "b2"]
