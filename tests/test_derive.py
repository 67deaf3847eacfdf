"""The chain-rule derivation against independent routes.

Every expected number here comes from mpmath on a formula written out by hand,
from ``sympy.diff`` of the fully inlined loss, or from a published example.
"""

from __future__ import annotations

import random

import mpmath
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symbackprop import Network, derive, mlp
from symbackprop.core.derivation import Partial
from symbackprop.core.functions import (
    binary_cross_entropy,
    half_squared_error,
    relu,
    sigmoid,
    squared_error,
    to_elementary,
)
from symbackprop.errors import GraphError, SizeLimitError

x, y, w, w_1, w_2, z, z_1, a_1, z_2, a_2, L, y_hat = sp.symbols(
    "x y w w_1 w_2 z z_1 a_1 z_2 a_2 L y_hat", real=True
)
mpmath.mp.dps = 30


def seed_network(loss):
    return Network(
        [(z_1, x * w_1), (a_1, relu(z_1)), (z_2, a_1 * w_2), (a_2, sigmoid(z_2)), (L, loss)],
        inputs=[x], targets=[y], parameters=[w_1, w_2],
        values={x: 1.0, y: 0.0, w_1: 0.5, w_2: 0.5},
    )  # fmt: skip


# Independent: the seed's forward pass by hand, in mpmath.
A2 = 1 / (1 + mpmath.exp(-mpmath.mpf("0.25")))  # sigma(relu(1*0.5)*0.5)
SIG = A2 * (1 - A2)


def close(value, expected, tol="1e-25"):
    return abs(mpmath.mpf(str(value)) - expected) < mpmath.mpf(tol)


def test_seed_with_half_squared_error():
    d = derive(seed_network(half_squared_error(a_2, y)))
    ev = d.evaluation
    assert close(ev.values[a_2], A2) and f"{float(A2):.7f}" == "0.5621765"
    dz2 = A2 * SIG  # (a2 - y) sigma'
    assert close(ev.adjoints[z_2], dz2) and f"{float(dz2):.7f}" == "0.1383708"
    for p in (w_1, w_2):
        assert close(d.gradients[p], dz2 * mpmath.mpf("0.5"))
    assert f"{float(d.gradients[w_1]):.7f}" == "0.0691854"


def test_seed_with_binary_cross_entropy():
    d = derive(seed_network(binary_cross_entropy(a_2, y)))
    ev = d.evaluation
    da2 = 1 / (1 - A2)  # -d/da log(1 - a) with y = 0
    assert close(ev.adjoints[a_2], da2) and f"{float(da2):.7f}" == "2.2840254"
    assert close(ev.adjoints[z_2], A2) and f"{float(A2):.7f}" == "0.5621765"  # (a - y) for BCE∘sigmoid
    assert close(d.gradients[w_2], A2 / 2) and f"{float(A2 / 2):.7f}" == "0.2810883"
    assert sp.simplify(d.local(L, a_2).general - (a_2 - y) / (a_2 * (1 - a_2))) == 0


def test_seed_with_squared_error_without_the_half():
    d = derive(seed_network(squared_error(a_2, y)))
    assert close(d.gradients[w_2], 2 * A2 * SIG / 2) and f"{float(A2 * SIG):.7f}" == "0.1383708"


@pytest.mark.parametrize(("value", "slope"), [(5, 4), (1, -4), (3, 0)], ids=["w=5", "w=1", "w=3"])
def test_seed_001_quadratic(value, slope):
    net = Network([(L, (w - 3) ** 2)], parameters=[w], values={w: value})
    assert float(derive(net).gradients[w]) == slope


def test_seed_000_neuron_has_three_named_factors():
    net = Network(
        [(z, w * x), (y_hat, sigmoid(z)), (L, squared_error(y_hat, y))],
        inputs=[x], targets=[y], parameters=[w], values={x: 2, y: 1, w: 0.5},
    )  # fmt: skip
    d = derive(net)
    chain = d.leibniz(w)
    assert chain == Partial(L, y_hat) * Partial(y_hat, z) * Partial(z, w)
    assert sp.sstr(chain, order="none") == "dL/dy_hat*dy_hat/dz*dz/dw"
    assert d.local(y_hat, z).general == y_hat * (1 - y_hat)
    assert sp.expand(d.local(L, y_hat).general - 2 * (y_hat - y)) == 0
    assert d.local(z, w).general == x
    s = 1 / (1 + mpmath.exp(-1))
    assert close(d.gradients[w], 2 * (s - 1) * s * (1 - s) * 2)


def test_shared_hidden_unit_sums_over_both_output_paths():
    i1, i2, t1, t2, b1, b2 = sp.symbols("i_1 i_2 t_1 t_2 b_1 b_2", real=True)
    ws = sp.symbols("w_1:9", real=True)
    h1, h2, o1, o2, nh1, nh2, no1, no2, E = sp.symbols("h_1 h_2 o_1 o_2 nh_1 nh_2 no_1 no_2 E", real=True)
    net = Network(
        [
            (nh1, ws[0] * i1 + ws[1] * i2 + b1), (h1, sigmoid(nh1)),
            (nh2, ws[2] * i1 + ws[3] * i2 + b1), (h2, sigmoid(nh2)),
            (no1, ws[4] * h1 + ws[5] * h2 + b2), (o1, sigmoid(no1)),
            (no2, ws[6] * h1 + ws[7] * h2 + b2), (o2, sigmoid(no2)),
            (E, half_squared_error(o1, t1) + half_squared_error(o2, t2)),
        ],
        inputs=[i1, i2], targets=[t1, t2], parameters=[*ws, b1, b2],
        values={i1: 0.05, i2: 0.10, t1: 0.01, t2: 0.99, ws[0]: 0.15, ws[1]: 0.20, ws[2]: 0.25, ws[3]: 0.30,
                ws[4]: 0.40, ws[5]: 0.45, ws[6]: 0.50, ws[7]: 0.55, b1: 0.35, b2: 0.60},
        learning_rate=0.5,
    )  # fmt: skip
    d = derive(net)
    assert len(d.paths(ws[0])) == 2  # w_1 -> h_1 -> o_1 and -> o_2
    assert len(d.leibniz(ws[0]).args) == 2
    loss = to_elementary(net.inlined())
    for p in net.parameters:
        expected = sp.diff(loss, p).evalf(30, subs=dict(net.values))
        assert abs(d.gradients[p] - expected) < 1e-25
    # Mazur (2015), one step at learning rate 0.5: w5 = 0.35891648, w1 = 0.149780716
    assert round(float(d.evaluation.updates[ws[4]]), 8) == 0.35891648
    assert round(float(d.evaluation.updates[ws[0]]), 9) == 0.149780716


def test_closed_form_equals_sympy_diff_symbolically_for_small_nets():
    net = seed_network(half_squared_error(a_2, y))
    d = derive(net, evaluate_point=False)
    loss = net.inlined()
    for p in net.parameters:
        assert sp.simplify(to_elementary(d.closed_form(p) - sp.diff(loss, p))) == 0
    two = mlp([2, 2, 1], seed=3, view="scalar")
    d2 = derive(two, evaluate_point=False)
    for p in two.parameters:
        assert sp.simplify(to_elementary(d2.closed_form(p)) - sp.diff(to_elementary(two.inlined()), p)) == 0


def test_general_form_is_in_node_names():
    d = derive(seed_network(half_squared_error(a_2, y)), evaluate_point=False)
    assert d.general_form(w_2) == (a_2 - y) * a_2 * (1 - a_2) * a_1
    assert d.general_form(w_2).free_symbols == {a_1, a_2, y}


def test_closed_form_size_limit_points_to_named_form():
    deep = mlp([4, 8, 8, 8, 8, 2], seed=0, view="scalar")
    d = derive(deep, evaluate_point=False)
    with pytest.raises(SizeLimitError, match="named-intermediate"):
        d.closed_form(deep.parameters[0])
    assert d.general_form(deep.parameters[0]) is not None  # the named form is always there


def test_bad_definitions_name_the_symbol():
    with pytest.raises(GraphError, match="'q'"):
        q = sp.Symbol("q", real=True)
        Network([(L, (w - q) ** 2)], parameters=[w])


@st.composite
def random_mlp(draw):
    sizes = [draw(st.integers(1, 3)) for _ in range(draw(st.integers(2, 4)))]
    act = draw(st.sampled_from([sigmoid, sp.tanh, relu, None]))
    loss = draw(st.sampled_from(["half_squared_error", "squared_error", "mean_squared_error"]))
    return mlp(sizes, activation=act, loss=loss, seed=draw(st.integers(0, 10_000)), view="scalar")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_mlp(), st.integers(0, 2**32 - 1))
def test_every_gradient_equals_sympy_diff_of_the_inlined_loss(net, seed):
    rng = random.Random(seed)
    point = {s: sp.Rational(rng.randint(-100, 100), 97) for s in net.inputs + net.targets + net.parameters}
    d = derive(net.with_values(point))
    loss = to_elementary(net.inlined())
    for p in net.parameters:
        expected = sp.diff(loss, p).xreplace(point).evalf(30)  # exact point first: Max/Heaviside fold
        got = d.gradients[p]
        assert abs(got - expected) <= sp.Float("1e-20") * max(1, abs(expected)), (p, got, expected)
