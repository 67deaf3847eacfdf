"""Oracle for smaxx73-session6-exercise-solutions.md (exercises 2.1, 3.1 and 9.1)."""

import sys

import mpmath as mp
import sympy as sp
from _lib import Doc, sig
from _smaxx_ex31 import add_ex31


def build() -> Doc:
    d = Doc(
        "smaxx73-session6-exercise-solutions.md",
        "https://github.com/smaxx73/Neural-Network-Course/blob/main/module-3-mathematics-of-learning/session6_backpropagation_solutions.md",
        exact={"0.5", "2", "1.0", "0", "0.0"},
    )
    x = sp.Symbol("x")
    s = lambda t: 1 / (1 + sp.exp(-t))  # noqa: E731
    zero = lambda e: sp.simplify(e) == 0  # noqa: E731
    d.na(r"### a) $y = (3x + 1)^2$", "definition")
    d.na(r"Let $u = 3x + 1$, so $y = u^2$.", "definitions")
    d.sym(r"= 2u \cdot 3 = 6(3x + 1)", zero(sp.diff((3 * x + 1) ** 2, x) - 6 * (3 * x + 1)), expect="holds")
    d.na(r"### b) $y = \sigma(2x - 1)$", "definition")
    d.na(r"Let $z = 2x - 1$, so $y = \sigma(z)$.", "definitions")
    d.sym(
        r"= 2\,\sigma(2x-1)\bigl(1 - \sigma(2x-1)\bigr)",
        zero(sp.diff(s(2 * x - 1), x) - 2 * s(2 * x - 1) * (1 - s(2 * x - 1))),
        expect="holds",
    )
    d.na(r"### c) $y = (5 - \sigma(x))^2$", "definition")
    d.na(r"Let $a = \sigma(x)$, so $y = (5 - a)^2$.", "definitions")
    d.sym(
        r"= -2(5 - \sigma(x)) \cdot \sigma(x)(1 - \sigma(x))",
        zero(sp.diff((5 - s(x)) ** 2, x) + 2 * (5 - s(x)) * s(x) * (1 - s(x))),
        expect="holds",
    )
    add_ex31(d)
    # Exercise 9.1: w1 = 0.5, b1 = 0, w2 = -1, b2 = 0.5, x = 1, y = 0, L = (y - yhat)^2, eta = 1
    m = mp.mpf
    z1 = m("0.5")
    a1 = sig(z1)
    z2 = -a1 + m("0.5")
    yh = sig(z2)
    L = yh**2
    dLdy = 2 * yh
    sp2 = yh * (1 - yh)
    d2 = dLdy * sp2
    sp1 = a1 * (1 - a1)
    d1 = -d2 * sp1
    n = d.num
    n(r"z_1 = w_1 x + b_1 = 0.5 \times 1.0 + 0 = 0.5", "0.5", z1, "0.5*1.0+0", expect="holds")
    n(r"a_1 = \sigma(0.5) \approx 0.6225", "0.6225", a1, "sig(0.5)", expect="holds", label="a1")
    n(
        r"z_2 = w_2 a_1 + b_2 = -1.0 \times 0.6225 + 0.5 = -0.1225",
        "-0.1225",
        z2,
        "-1.0*K['a1']+0.5",
        expect="holds",
        label="z2",
    )
    n(r"\hat{y} = \sigma(-0.1225) \approx 0.4694", "0.4694", yh, "sig(K['z2'])", expect="holds", label="yh")
    n(r"L = (y - \hat{y})^2 = (0 - 0.4694)^2 \approx 0.2203", "0.2203", L, "(0-K['yh'])**2", expect="holds")
    n(r"= -2(0 - 0.4694) = 0.9388", "0.9388", dLdy, "-2*(0-K['yh'])", expect="holds", label="dLdy")
    n(
        r"\sigma'(z_2) = \hat{y}(1 - \hat{y}) = 0.4694 \times 0.5306 \approx 0.2490",
        "0.2490",
        sp2,
        "K['yh']*(1-K['yh'])",
        expect="holds",
        label="s2",
        note="0.4694 x 0.5306 = 0.24906; the true 0.249064 rounds to 0.2491, but 0.2490 is "
        "inside the interval the rounded 0.4694 carries",
    )
    n(
        r"\delta^{(2)} = 0.9388 \times 0.2490 \approx 0.2338",
        "0.2338",
        d2,
        "K['dLdy']*K['s2']",
        expect="holds",
        label="d2",
    )
    n(
        r"= \delta^{(2)} \cdot a_1 = 0.2338 \times 0.6225 \approx 0.1455",
        "0.1455",
        d2 * a1,
        "K['d2']*K['a1']",
        expect="holds",
        label="gw2",
    )
    n(
        r"\frac{\partial L}{\partial b_2} = \delta^{(2)} \approx 0.2338",
        "0.2338",
        d2,
        "K['d2']",
        expect="holds",
    )
    n(
        r"w_2^T \cdot \delta^{(2)} = -1.0 \times 0.2338 = -0.2338",
        "-0.2338",
        -d2,
        "-1.0*K['d2']",
        expect="holds",
    )
    n(
        r"\sigma'(z_1) = a_1(1 - a_1) = 0.6225 \times 0.3775 \approx 0.2350",
        "0.2350",
        sp1,
        "K['a1']*(1-K['a1'])",
        expect="holds",
        label="s1",
    )
    n(
        r"\delta^{(1)} = -0.2338 \times 0.2350 \approx -0.0549",
        "-0.0549",
        d1,
        "-K['d2']*K['s1']",
        expect="holds",
        label="d1",
    )
    n(r"= \delta^{(1)} \cdot x = -0.0549 \times 1.0 = -0.0549", "-0.0549", d1, "K['d1']*1.0", expect="holds")
    n(r"\frac{\partial L}{\partial b_1} = \delta^{(1)} = -0.0549", "-0.0549", d1, "K['d1']", expect="holds")
    n(
        r"w_2 \leftarrow -1.0 - 1.0 \times 0.1455 = -1.1455",
        "-1.1455",
        -1 - d2 * a1,
        "-1.0-1.0*K['gw2']",
        expect="holds",
    )
    n(
        r"b_2 \leftarrow 0.5 - 1.0 \times 0.2338 = 0.2662",
        "0.2662",
        m("0.5") - d2,
        "0.5-1.0*K['d2']",
        expect="holds",
    )
    n(
        r"w_1 \leftarrow 0.5 - 1.0 \times (-0.0549) = 0.5549",
        "0.5549",
        m("0.5") - d1,
        "0.5-1.0*K['d1']",
        expect="holds",
    )
    n(r"b_1 \leftarrow 0.0 - 1.0 \times (-0.0549) = 0.0549", "0.0549", -d1, "0.0-1.0*K['d1']", expect="holds")
    return d


if __name__ == "__main__":
    build().finish(sys.argv)
