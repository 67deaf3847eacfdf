"""Oracle for nchandolaj-single-neuron.md: p = x w, L = (p - y)^2, x = 2, y = 1, w = 3, eta = 0.01."""

import sys

import sympy as sp
from _lib import Doc


def build() -> Doc:
    d = Doc(
        "nchandolaj-single-neuron.md",
        "https://github.com/nchandolaj/DeepLearning/blob/main/foundations/docs/neural_network_mathematical_example.md",
        exact={"2.0", "1.0", "3.0", "0.01"},
    )
    x, y, w = sp.symbols("x y w")
    p = x * w
    L = (p - y) ** 2
    pt = {x: 2, y: 1, w: 3}
    g = sp.diff(L, w).subs(pt)  # 20
    w_new = 3 - sp.Rational(1, 100) * g
    d.num(r"2.0 \times 3.0 = \mathbf{6.0}", "6.0", p.subs(pt), "2.0*3.0", expect="holds")
    d.num(r"(6.0 - 1.0)^2 = 5.0^2 = \mathbf{25.0}", "25.0", L.subs(pt), "(6.0-1.0)**2", expect="holds")
    d.na(r"L = (p - y)^2", "definition of the loss")
    d.num(
        r"\frac{\partial L}{\partial p} = 2(6.0 - 1.0) = \mathbf{10.0}",
        "10.0",
        sp.diff((sp.Symbol("q") - y) ** 2, "q").subs({"q": 6, y: 1}),
        "2*(6.0-1.0)",
        expect="holds",
    )
    d.num(r"\frac{\partial p}{\partial w} = x = \mathbf{2.0}", "2.0", sp.diff(p, w).subs(pt), expect="holds")
    d.sym(
        r"\frac{\partial L}{\partial w} = \frac{\partial L}{\partial p} \times \frac{\partial p}{\partial w}",
        sp.simplify(sp.diff(L, w) - 2 * (p - y) * x) == 0,
        value=g,
        expect="holds",
        note="chain rule, checked symbolically",
    )
    d.num(
        r"\frac{\partial L}{\partial w} = 10.0 \times 2.0 = \mathbf{20.0}",
        "20.0",
        g,
        "10.0*2.0",
        expect="holds",
    )
    d.na(r"New\ Weight = w - (\eta \times \frac{\partial L}{\partial w})", "the update rule (a definition)")
    d.num(
        r"New\ Weight = 3.0 - (0.01 \times 20.0) = \mathbf{2.8}",
        "2.8",
        w_new,
        "3.0-(0.01*20.0)",
        expect="holds",
    )
    p2 = p.subs({x: 2, w: w_new})
    d.num(
        r"2.0 \times 2.8 = \mathbf{5.6}",
        "5.6",
        p2,
        "2.0*2.8",
        expect="holds",
        note="forward pass at the updated weight",
    )
    d.num(
        r"(5.6 - 1.0)^2 = 4.6^2 = \mathbf{21.16}",
        "21.16",
        (p2 - 1) ** 2,
        "(5.6-1.0)**2",
        expect="holds",
        note="at the updated weight",
    )
    return d


if __name__ == "__main__":
    build().finish(sys.argv)
