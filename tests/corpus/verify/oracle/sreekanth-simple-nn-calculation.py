"""Oracle for sreekanth-simple-nn-calculation.md (first published version of the seed walkthrough).

x = 1, w1 = w2 = 0.5, y = 0, a1 = ReLU(x w1), a2 = sigmoid(a1 w2), binary cross-entropy,
learning rate 0.1.  With y = 0 the loss is -log(1 - a2), so dL/da2 = 1/(1 - a2) and
dL/dz2 = a2 - y: the document uses the second where it means the first.
"""

import sys

import sympy as sp
from _lib import Doc


def build() -> Doc:
    d = Doc(
        "sreekanth-simple-nn-calculation.md",
        "https://github.com/sreekanth9999/Interview_Prep/blob/1385f79ecb9c814a22605952251144efdf178dc9/simple_nn_calculation",
        exact={"1.0", "0.5", "0.1", "0", "1"},
    )
    x, y, w1, w2, A = sp.symbols("x y w1 w2 A")
    z1 = x * w1
    a1 = sp.Max(0, z1)
    z2 = a1 * w2
    a2 = 1 / (1 + sp.exp(-z2))
    L = -(y * sp.log(a2) + (1 - y) * sp.log(1 - a2))
    pt = {x: 1, y: 0, w1: sp.Rational(1, 2), w2: sp.Rational(1, 2)}
    ev = lambda e: sp.N(e.subs(pt), 40)  # noqa: E731
    a2v = ev(a2)
    dL_da2 = ev(sp.diff(-(y * sp.log(A) + (1 - y) * sp.log(1 - A)), A).subs(A, a2))
    dL_dz2 = a2v - 0
    dL_dw2 = ev(sp.diff(L, w2))
    dL_dw1 = ev(sp.diff(L.subs(sp.Max(0, z1), z1), w1))  # z1 = 0.5 > 0: ReLU is the identity here
    dL_da1 = dL_dz2 * sp.Rational(1, 2)
    d.num(r"z1 = x \cdot w1 = 1.0 \cdot 0.5 = 0.5", "0.5", ev(z1), "1.0*0.5", expect="holds")
    d.num(r"a1 = \text{ReLU}(z1) = 0.5", "0.5", ev(a1), expect="holds")
    d.num(r"z2 = a1 \cdot w2 = 0.5 \cdot 0.5 = 0.25", "0.25", ev(z2), "0.5*0.5", expect="holds")
    d.num(r"\frac{1}{1 + e^{-0.25}} \approx 0.562", "0.562", a2v, "sig(0.25)", exact={"0.25"}, expect="holds")
    d.na(r"L = -[y \cdot \log(a2) + (1 - y) \cdot \log(1 - a2)]", "definition: binary cross-entropy")
    d.sym(
        r"L = -\log(1 - a2)",
        sp.simplify(L.subs(y, 0) + sp.log(1 - a2)) == 0,
        expect="holds",
        note="BCE with y = 0",
    )
    first = d.sym(
        r"\frac{dL}{da2} = \frac{a2 - y}{a2 \cdot (1 - a2)} \cdot a2 \cdot (1 - a2) = a2 - y",
        False,
        value=dL_da2,
        expect="wrong",
        kind="bce-with-mse-derivative",
        note="dL/da2 = (a2 - y)/(a2(1 - a2)) = 2.2837; multiplying by a2(1 - a2) gives dL/dz2, and a2 - y is the "
        "derivative of 1/2 (a2 - y)^2",
    ).line
    d.num(
        r"\frac{dL}{da2} = 0.562 - 0 = 0.562",
        "0.562",
        dL_da2,
        "0.562-0",
        expect="wrong",
        kind="bce-with-mse-derivative",
        cause=first,
    )
    d.sym(r"a2 = \text{sigmoid}(z2),\quad \frac{da2}{dz2} = a2 \cdot (1 - a2)", True, expect="holds")
    d.num(
        r"\frac{da2}{dz2} = 0.562 \cdot (1 - 0.562) \approx 0.562 \cdot 0.438 \approx 0.246",
        "0.246",
        a2v * (1 - a2v),
        "0.562*(1-0.562)",
        expect="holds",
    )
    d.num(
        r"\frac{dL}{dz2} = \frac{dL}{da2} \cdot \frac{da2}{dz2} = 0.562 \cdot 0.246 \approx 0.138",
        "0.138",
        dL_dz2,
        "0.562*0.246",
        expect="wrong",
        kind="bce-with-mse-derivative",
        cause=first,
        note="true dL/dz2 = a2 - y = 0.5622",
    )
    d.sym(r"\frac{dL}{dw2} = \frac{dL}{dz2} \cdot \frac{dz2}{dw2}", True, value=dL_dw2, expect="holds")
    d.num(
        r"$\frac{dL}{dz2} \approx 0.138$",
        "0.138",
        dL_dz2,
        expect="wrong",
        kind="bce-with-mse-derivative",
        cause=first,
    )
    d.num(r"$\frac{dz2}{dw2} = a1 = 0.5$", "0.5", "0.5", expect="holds")
    d.num(
        r"\frac{dL}{dw2} = 0.138 \cdot 0.5 = 0.069",
        "0.069",
        dL_dw2,
        "0.138*0.5",
        expect="wrong",
        kind="bce-with-mse-derivative",
        cause=first,
        note="true 0.2811",
    )
    d.num(
        r"\frac{dL}{da1} = \frac{dL}{dz2} \cdot w2 = 0.138 \cdot 0.5 = 0.069",
        "0.069",
        dL_da1,
        "0.138*0.5",
        expect="wrong",
        kind="bce-with-mse-derivative",
        cause=first,
    )
    d.na(r"$z1 = x \cdot w1$", "definition")
    d.num(r"$z1 = 0.5 > 0$", "0.5", ev(z1), expect="holds", note="and 0.5 > 0, so ReLU' = 1")
    d.num(
        r"\frac{dL}{dz1} = \frac{dL}{da1} \cdot \frac{da1}{dz1} = 0.069 \cdot 1 = 0.069",
        "0.069",
        dL_da1,
        "0.069*1",
        expect="wrong",
        kind="bce-with-mse-derivative",
        cause=first,
    )
    d.num(
        r"\frac{dL}{dw1} = \frac{dL}{dz1} \cdot x = 0.069 \cdot 1.0 = 0.069",
        "0.069",
        dL_dw1,
        "0.069*1.0",
        expect="wrong",
        kind="bce-with-mse-derivative",
        cause=first,
    )
    d.na(r"w_{\text{new}} = w - \text{learning rate} \cdot \text{gradient}", "the update rule")
    d.num(
        r"w2 = 0.5 - 0.1 \cdot 0.069 = 0.493",
        "0.493",
        sp.Rational(1, 2) - sp.Rational(1, 10) * dL_dw2,
        "0.5-0.1*0.069",
        expect="wrong",
        kind="bce-with-mse-derivative",
        cause=first,
    )
    d.num(
        r"w1 = 0.5 - 0.1 \cdot 0.069 = 0.493",
        "0.493",
        sp.Rational(1, 2) - sp.Rational(1, 10) * dL_dw1,
        "0.5-0.1*0.069",
        expect="wrong",
        kind="bce-with-mse-derivative",
        cause=first,
    )
    return d


if __name__ == "__main__":
    build().finish(sys.argv)
