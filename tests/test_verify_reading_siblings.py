"""A quantity stated only by its value, read as its sibling's definition for its own unit (issue 13).

``E_{o1} = ½(target_{o1} − out_{o1})²`` is defined and ``E_{o2}`` given only by a value: the
reading ``E_{o2} = ½(target_{o2} − out_{o2})²`` is adopted only when every renamed name is a
quantity of the network and it reproduces the stated value within half its last digit.
Expected values are computed here by hand (½·(0.99 − 0.8)² = 0.01805), never by the code under test.
"""

from __future__ import annotations

import mpmath as mp
import pytest
from sympy import Rational, symbols

from symbackprop.core.network import Network
from symbackprop.verification import Status, verify
from symbackprop.verification.sibling_definitions import adopted, with_definitions

o1, o2, t1, t2, e1, e2, total = symbols("out_o1 out_o2 target_o1 target_o2 E_o1 E_o2 E_total")
H = Rational(1, 2)
POINT = {o1: Rational(3, 4), o2: Rational(4, 5), t1: Rational(1, 100), t2: Rational(99, 100)}


def network(leaves=(o1, o2), targets=(t1, t2), stated=Rational(1805, 100000)) -> Network:
    values = {k: v for k, v in POINT.items() if k in (*leaves, *targets)}
    return Network(
        {e1: H * (t1 - o1) ** 2, total: e1 + e2},
        inputs=(*leaves, e2),
        targets=targets,
        values={**values, e2: stated},
    )


@pytest.mark.parametrize(
    ("shown", "decimals"),
    [
        pytest.param(Rational(1805, 100000), 5, id="exact"),
        pytest.param(Rational(18, 1000), 3, id="rounded-to-its-last-digit"),
    ],
)
def test_sibling_adopted_when_it_reproduces_the_value(shown, decimals):
    net = network(stated=shown)
    read = adopted(net, {e2: (shown, decimals)})
    assert read == {e2: H * (t2 - o2) ** 2}
    wider = with_definitions(net, read)
    assert wider is not None
    assert wider.definition[e2] == H * (t2 - o2) ** 2
    assert e2 not in wider.inputs and e2 not in wider.values


@pytest.mark.parametrize(
    ("shown", "decimals"),
    [
        pytest.param(Rational(1905, 100000), 5, id="another-value"),
        pytest.param(Rational(1806, 100000), 5, id="one-unit-off-in-its-last-digit"),
    ],
)
def test_not_adopted_when_the_value_disagrees(shown, decimals):
    assert adopted(network(stated=shown), {e2: (shown, decimals)}) == {}


def test_not_adopted_when_a_renamed_name_does_not_exist():
    net = network(targets=(t1,))  # no target_{o2} anywhere in the network
    assert adopted(net, {e2: (Rational(1805, 100000), 5)}) == {}


def test_not_adopted_without_a_unit_index():
    a, b = symbols("E_1 E_2")
    net = Network({a: H * (t1 - o1) ** 2, total: a + b}, inputs=(o1, b), targets=(t1,))
    assert adopted(net, {b: (Rational(1805, 100000), 5)}) == {}


# ------------------------------------------------------------ on a document, end to end


def _sig(t):
    return 1 / (1 + mp.exp(-t))


def _document(e_o2: str, derivative: str) -> str:
    return "\n\n".join(
        [
            "$w_5 = 0.4$, $w_7 = 0.5$, $b_2 = 0.6$, $out_{h1} = 0.593$, $y = 0.5$",
            "$net_{o1} = w_5 out_{h1} + b_2$",
            "$out_{o1} = \\frac{1}{1+e^{-net_{o1}}}$",
            "$net_{o2} = w_7 out_{h1} + b_2$",
            "$out_{o2} = \\frac{1}{1+e^{-net_{o2}}}$",
            "$E_{o1} = \\frac{1}{2}(y - out_{o1})^2$",
            f"$E_{{o2}} = {e_o2}$",
            "$E_{total} = E_{o1} + E_{o2}$",
            f"$\\frac{{\\partial E_{{o2}}}}{{\\partial out_{{h1}}}} = {derivative}$",
        ]
    )


mp.mp.dps = 30
_OUT_O2 = _sig(mp.mpf("0.5") * mp.mpf("0.593") + mp.mpf("0.6"))
E_O2 = mp.nstr((mp.mpf("0.5") - _OUT_O2) ** 2 / 2, 6)  # ½(y − out_{o2})²
DERIVATIVE = -(mp.mpf("0.5") - _OUT_O2) * _OUT_O2 * (1 - _OUT_O2) * mp.mpf("0.5")  # … · σ' · w_7


def _status(e_o2: str, derivative: str) -> Status:
    report = verify("doc.md", text=_document(e_o2, derivative), format="md")
    return next(f.status for f in report.findings if f.line == 17)


@pytest.mark.parametrize(
    ("e_o2", "derivative", "expected"),
    [
        pytest.param(E_O2, mp.nstr(DERIVATIVE, 6), Status.OK, id="adopted-right-derivative-holds"),
        pytest.param(E_O2, mp.nstr(DERIVATIVE * 1.13, 6), Status.WRONG, id="adopted-slip-found"),
        pytest.param("0.0500", mp.nstr(DERIVATIVE, 6), Status.NOT_CHECKED, id="value-disagrees-unread"),
    ],
)
def test_document_differentiates_through_the_adopted_definition(e_o2, derivative, expected):
    assert _status(e_o2, derivative) is expected


def test_the_adopted_value_line_is_a_checked_claim():
    report = verify("doc.md", text=_document(E_O2, mp.nstr(DERIVATIVE, 6)), format="md")
    line = next(f for f in report.findings if f.line == 13)
    assert line.status is Status.OK and line.checked >= 1
