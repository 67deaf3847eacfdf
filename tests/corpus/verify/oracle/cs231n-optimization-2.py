"""Oracle for cs231n-optimization-2.md (CS231n notes, MIT licence): gate derivatives and the sigmoid."""

import sys

import mpmath as mp
import sympy as sp
from _lib import Doc, sig


def build() -> Doc:
    d = Doc(
        "cs231n-optimization-2.md", "https://github.com/cs231n/cs231n.github.io/blob/master/optimization-2.md"
    )
    x, y, h, c, a = sp.symbols("x y h c a", real=True)
    zero = lambda e: sp.simplify(e) == 0  # noqa: E731
    d.sym(
        r"f(x,y) = x y \hspace{0.5in} \rightarrow",
        zero(sp.diff(x * y, x) - y) and zero(sp.diff(x * y, y) - x),
        expect="holds",
        note="df/dx = y and df/dy = x (two claims on one line, both hold)",
    )
    d.na(r"\frac{df(x)}{dx} = \lim_{h\ \to 0} \frac{f(x + h) - f(x)}{h}", "definition of the derivative")
    f = x * y
    at = {x: 4, y: -3}
    d.num(
        r"\\(f(x,y) = -12\\)",
        "-12",
        f.subs(at),
        expect="holds",
        note="with x = 4, y = -3 given on the same line",
    )
    d.num(r"\\(\frac{\partial f}{\partial x} = -3\\)", "-3", sp.diff(f, x).subs(at), expect="holds")
    d.na(
        r"\\( f(x + h) = f(x) + h \frac{df(x)}{dx} \\)",
        "the first-order approximation, written with '=' (true only as h -> 0); not a checkable equality",
    )
    d.num(r"\\(\frac{\partial f}{\partial y} = 4\\)", "4", sp.diff(f, y).subs(at), expect="holds")
    d.sym(
        r"\\(\nabla f = [\frac{\partial f}{\partial x}, \frac{\partial f}{\partial y}] = [y, x]\\)",
        True,
        expect="holds",
        matrix=True,
        note="a gradient vector (verify: not checked, matrix notation)",
    )
    d.sym(
        r"f(x,y) = x + y \hspace{0.5in} \rightarrow",
        zero(sp.diff(x + y, x) - 1) and zero(sp.diff(x + y, y) - 1),
        expect="holds",
    )
    # max: d/dx max(x, y) = 1(x > y); at x = y the (sub)gradient convention 1(x >= y) is a choice
    ok = all(
        sp.diff(sp.Max(x, y), x).subs({x: p, y: q}) == (1 if p > q else 0)
        for p, q in ((4, 2), (2, 4), (-1, -3))
    )
    d.sym(
        r"\frac{\partial f}{\partial x} = \mathbb{1}(x >= y)",
        ok,
        expect="holds",
        note="holds wherever x != y; at x = y it is the subgradient convention the text states",
    )
    d.na(r"f(w,x) = \frac{1}{1+e^{-(w_0x_0 + w_1x_1 + w_2)}}", "definition of the 2-D sigmoid neuron")
    d.sym(
        r"\frac{df}{dx} = -1/x^2", zero(sp.diff(1 / x, x) + 1 / x**2), expect="holds", note="for f(x) = 1/x"
    )
    d.sym(r"\frac{df}{dx} = 1 ", zero(sp.diff(c + x, x) - 1), expect="holds", note="for f_c(x) = c + x")
    d.sym(r"\frac{df}{dx} = e^x", zero(sp.diff(sp.exp(x), x) - sp.exp(x)), expect="holds")
    d.sym(
        r"\frac{df}{dx} = a",
        zero(sp.diff(a * x, x) - a),
        expect="holds",
        note="for f_a(x) = ax",
        occurrence=1,
        after=d.line_of(r"f_a(x) = ax"),
    )
    s = 1 / (1 + sp.exp(-x))
    d.na(r"\sigma(x) = \frac{1}{1+e^{-x}} \\\\", "definition of the sigmoid")
    chain = [
        sp.diff(s, x),
        sp.exp(-x) / (1 + sp.exp(-x)) ** 2,
        ((1 + sp.exp(-x) - 1) / (1 + sp.exp(-x))) * (1 / (1 + sp.exp(-x))),
    ]
    d.sym(
        r"\rightarrow \hspace{0.3in} \frac{d\sigma(x)}{dx} = \frac{e^{-x}}{(1+e^{-x})^2}",
        all(zero(chain[0] - e) for e in chain[1:]),
        expect="holds",
        note="the chain of equalities, symbolically",
    )
    d.sym(r"= \left( 1 - \sigma(x) \right) \sigma(x)", zero(chain[0] - (1 - s) * s), expect="holds")
    m = mp.mpf
    line = d.line_of("the sigmoid expression receives the input 1.0")
    d.num(
        "computes the output 0.73",
        "0.73",
        sig(m(1)),
        "sig(1.0)",
        exact={"1.0"},
        expect="holds",
        in_math=False,
    )
    d.num(
        "(1 - 0.73) * 0.73 ~= 0.2",
        "0.2",
        sig(m(1)) * (1 - sig(m(1))),
        "(1-0.73)*0.73",
        expect="holds",
        in_math=False,
        note="true 0.1966",
    )
    assert d.line_of("(1 - 0.73) * 0.73 ~= 0.2") == line
    return d


if __name__ == "__main__":
    build().finish(sys.argv)
