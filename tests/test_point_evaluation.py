"""The value of a derivation at a point, on the named-node program, against independent routes.

Expected numbers come from SymPy on the inlined network (``xreplace`` with
Rationals, then ``evalf`` at 40 digits; ``sympy.diff`` for derivatives), from
``fractions`` and from mpmath at the same working precision; never from the
code under test.
"""

from __future__ import annotations

import dataclasses
import random
from fractions import Fraction

import mpmath
import pytest
import sympy as sp

from symbackprop import derive, mlp
from symbackprop.core.arithmetic import add, mul, mul2
from symbackprop.core.functions import to_elementary

#: Networks whose every number is checked: (id, sizes, activation, loss).
NETS = [
    ("sigmoid-hse", [3, 4, 2], "sigmoid", "half_squared_error"),
    ("tanh-se", [2, 3, 1], sp.tanh, "squared_error"),
    ("linear-mse", [3, 2, 2], None, "mean_squared_error"),
]


def _net(sizes, activation, loss):
    if activation == "sigmoid":
        return mlp(sizes, loss=loss, seed=3, view="scalar")
    # a linear network is linear to the end: no sigmoid at the output either
    return mlp(
        sizes, activation=activation, output_activation=activation or None, loss=loss, seed=3, view="scalar"
    )


def _rel_close(got, expected, digits=28):
    expected = sp.Float(expected, 40)
    return abs(sp.Float(got, 40) - expected) <= sp.Float(10) ** -digits * max(1, abs(expected))


@pytest.mark.parametrize(("sizes", "activation", "loss"), [n[1:] for n in NETS], ids=[n[0] for n in NETS])
def test_values_locals_and_gradients_equal_sympy_on_the_inlined_network(sizes, activation, loss):
    net = _net(sizes, activation, loss)
    point = {s: sp.Rational(str(v)) for s, v in net.values.items()}
    ev = derive(net).evaluation
    for d in net.definitions:  # every node: the inlined definition at the exact point
        expected = to_elementary(net.inlined(d.symbol)).xreplace(point)
        assert _rel_close(ev.values[d.symbol], expected.evalf(40)), d.symbol
    values = {
        **point,
        **{d.symbol: to_elementary(net.inlined(d.symbol)).xreplace(point) for d in net.definitions},
    }
    for d in net.definitions:  # every local factor: sympy.diff of the definition, at the exact values
        for wrt in d.expr.free_symbols:
            key = (d.symbol, wrt)
            if key in ev.local:
                expected = sp.diff(to_elementary(d.expr), wrt).xreplace(values).evalf(40)
                assert _rel_close(ev.local[key], expected), key
    inlined = to_elementary(net.inlined())
    for p in net.parameters:
        expected = sp.diff(inlined, p).xreplace(point).evalf(40)
        assert _rel_close(ev.adjoints[p], expected), p


def test_a_linear_network_is_exact_everywhere():
    net = _net([3, 2, 2], None, "half_squared_error")
    point = {s: sp.Rational(str(v)) for s, v in net.values.items()}
    ev = derive(net).evaluation
    inlined = net.inlined()
    for p in net.parameters:
        got = ev.adjoints[p]
        assert isinstance(got, sp.Rational), p
        assert got == sp.diff(inlined, p).xreplace(point), p


def test_numbers_are_sympy_on_reading_and_behave_as_a_mapping():
    net = _net([2, 2, 1], "sigmoid", "half_squared_error")
    ev = derive(net).evaluation
    as_dict = dict(ev.values)
    assert len(ev.values) == len(as_dict) == len(net.symbols)
    assert ev.values == as_dict
    assert set(ev.local) == {(e.of, e.wrt) for e in derive(net, evaluate_point=False).edges}
    first = ev.adjoints[net.parameters[0]]
    assert first is ev.adjoints[net.parameters[0]]  # converted once
    assert all(isinstance(v, (sp.Rational, sp.Float)) for v in ev.values.values())
    assert net.parameters[0] in ev.adjoints and sp.Symbol("nowhere") not in ev.adjoints
    with pytest.raises(KeyError):
        ev.values[sp.Symbol("nowhere")]


# ------------------------------------------------------------------ the arithmetic


def _fractions(rng: random.Random, n: int) -> list[Fraction]:
    return [
        Fraction(rng.randint(-(10**6), 10**6), rng.choice([1, 3, 7, 10, 100, 1024, 10**9])) for _ in range(n)
    ]


@pytest.mark.parametrize("n", [0, 1, 2, 3, 17], ids=lambda n: f"{n}-terms")
def test_an_exact_sum_is_the_fraction_sum(n):
    values = _fractions(random.Random(n), n)
    got = add(values)
    assert type(got) is Fraction
    assert got == sum(values, Fraction(0))


MP = mpmath.MPContext()
MP.prec = 130  # 38 digits: the working precision of symbackprop.core.arithmetic


def _mpf(v):
    return MP.mpf(v.numerator) / v.denominator if isinstance(v, Fraction) else v


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (Fraction(3, 7), Fraction(-2, 9)),
        (Fraction(0), "e"),
        ("e", Fraction(0)),
        (Fraction(1, 3), "e"),
        ("e", Fraction(-5, 11)),
        ("e", "pi"),
    ],
    ids=["exact", "zero-left", "zero-right", "fraction-mpf", "mpf-fraction", "mpf-mpf"],
)
def test_a_product_of_two_is_exact_or_rounded_once(a, b):
    from symbackprop.core.arithmetic import from_sympy

    consts = {"e": sp.E, "pi": sp.pi}
    x = from_sympy(consts[a]) if isinstance(a, str) else a
    y = from_sympy(consts[b]) if isinstance(b, str) else b
    got = mul2(x, y)
    assert got == mul([x, y, Fraction(1)])  # the general product agrees
    if (isinstance(a, Fraction) and isinstance(b, Fraction)) or Fraction(0) in (a, b):
        assert type(got) is Fraction and got == (a if a == 0 else b if b == 0 else a * b)
        return
    ref_a = MP.e if a == "e" else MP.pi if a == "pi" else _mpf(a)
    ref_b = MP.e if b == "e" else MP.pi if b == "pi" else _mpf(b)
    assert abs(MP.mpf(got) - ref_a * ref_b) <= MP.mpf(2) ** -120 * abs(ref_a * ref_b)


def test_an_inexact_sum_is_rounded_once_from_the_exact_sum():
    terms = [MP.mpf(1) / 3, MP.mpf(10) ** 30, -(MP.mpf(10) ** 30), Fraction(1, 7)]
    from symbackprop.core.arithmetic import from_sympy

    ours = [from_sympy(sp.Float(t, 40)) if not isinstance(t, Fraction) else t for t in terms]
    got = add(ours)
    assert abs(MP.mpf(got) - (MP.mpf(1) / 3 + MP.mpf(1) / 7)) < MP.mpf(10) ** -30  # no cancellation loss


# ------------------------------------------------------------------ which point derive evaluates at


def _partial_network():
    """A 2-2-1 network whose point lacks its first parameter's value, and that parameter."""
    net = _net([2, 2, 1], "sigmoid", "half_squared_error")
    first = net.parameters[0]
    return dataclasses.replace(net, values={s: v for s, v in net.values.items() if s != first}), first


def test_derive_without_a_complete_point_is_symbolic_only():
    net, _ = _partial_network()
    assert derive(net).evaluation is None


def test_derive_at_an_incomplete_point_names_what_is_missing():
    from symbackprop.errors import InputError

    net, first = _partial_network()
    with pytest.raises(InputError, match=f"no value given for '{first.name}'"):
        derive(net, at={})


def test_derive_at_a_point_overrides_the_networks_values():
    net, first = _partial_network()
    point = {first: sp.Rational(1, 4)}
    ev = derive(net, at=point).evaluation
    full = {**{s: sp.Rational(str(v)) for s, v in net.values.items()}, **point}
    inlined = to_elementary(net.inlined())
    for p in net.parameters:
        assert _rel_close(ev.adjoints[p], sp.diff(inlined, p).xreplace(full).evalf(40)), p
    assert ev.values[first] == sp.Rational(1, 4)
