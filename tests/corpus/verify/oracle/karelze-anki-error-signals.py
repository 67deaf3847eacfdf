"""Oracle for karelze-anki-error-signals.html: z = w x + b, y = sigma(z), L = (y - t)^2 / 2,
with the note's bar notation: a bar over a name is dL/d(name)."""

import sys

import sympy as sp
from _lib import Doc


def build() -> Doc:
    d = Doc(
        "karelze-anki-error-signals.html",
        "https://github.com/KarelZe/anki-decks/blob/main/%F0%9F%A7%A0Machine_Learning/explain-how-one-can-use-the-following-co.md",
    )
    w, x, b, t, Y, Z = sp.symbols("w x b t Y Z", real=True)
    s = lambda u: 1 / (1 + sp.exp(-u))  # noqa: E731
    z = w * x + b
    L = (s(z) - t) ** 2 / 2
    ybar = sp.diff((Y - t) ** 2 / 2, Y).subs(Y, s(z))
    zbar = sp.diff(L, w) / x  # dL/dz, since dz/dw = x
    zero = lambda e: sp.simplify(e) == 0  # noqa: E731
    d.na(r"\(z=w x+b\)", "definition (forward pass)")
    d.na(r"\(y=\sigma(z)\)", "definition")
    d.na(r"\(\mathcal{L}=\frac{1}{2}(y-t)^{2}\)", "definition of the loss")
    d.sym(r"\(\bar{y}=y-t\)", zero(ybar - (s(z) - t)), expect="holds", note="dL/dy")
    d.sym(
        r"\(\bar{z}=\bar{y} \sigma^{\prime}(z)\)",
        zero(zbar - (s(z) - t) * s(z) * (1 - s(z))),
        expect="holds",
        note="dL/dz = dL/dy sigma'(z)",
    )
    d.sym(r"\(\bar{w}=\bar{z} x\)", zero(sp.diff(L, w) - zbar * x), expect="holds")
    d.sym(r"\(\bar{b}=\bar{z}\)", zero(sp.diff(L, b) - zbar), expect="holds")
    return d


if __name__ == "__main__":
    build().finish(sys.argv)
