"""Oracle for smaxx73-session5-solutions.md (loss functions and gradient descent, worked by hand)."""

import sys

import sympy as sp
from _lib import Doc


def build() -> Doc:
    d = Doc(
        "smaxx73-session5-solutions.md",
        "https://github.com/smaxx73/Neural-Network-Course/blob/main/module-3-mathematics-of-learning/session5_loss_gradient_descent_solutions.md",
        exact={"0.04", "0.09", "0.01", "0.3", "0.2", "0.1", "1.0", "0.0", "0.8", "0.9"},
    )
    w, x, y, w1, w2 = sp.symbols("w x y w1 w2")
    zero = lambda e: sp.simplify(e) == 0  # noqa: E731
    R = sp.Rational
    # MSE by hand: (1, 0.8), (0, 0.3), (1, 0.9), (0, 0.1)
    mse = sum((t - p) ** 2 for t, p in ((1, R(8, 10)), (0, R(3, 10)), (1, R(9, 10)), (0, R(1, 10)))) / 4
    for row, err, sq in ((1, "0.2", "0.04"), (2, "-0.3", "0.09"), (3, "0.1", "0.01"), (4, "-0.1", "0.01")):
        t, p = ((1, R(8, 10)), (0, R(3, 10)), (1, R(9, 10)), (0, R(1, 10)))[row - 1]
        d.num(
            f"| {row} | {err} | {sq} |",
            sq,
            (t - p) ** 2,
            expect="holds",
            in_math=False,
            note=f"squared error of sample {row} (error {err})",
        )
    d.num(
        r"\mathrm{MSE}=\frac{0.04+0.09+0.01+0.01}{4}=0.0375",
        "0.0375",
        mse,
        "(0.04+0.09+0.01+0.01)/4",
        expect="holds",
    )
    d.na(r"$f(w)=3w^2+2w-1$", "definition")
    d.sym(r"\frac{df}{dw}=6w+2", zero(sp.diff(3 * w**2 + 2 * w - 1, w) - (6 * w + 2)), expect="holds")
    d.na(r"$f(w)=(5-2w)^2$", "definition")
    d.sym(
        r"\frac{df}{dw}=2(5-2w)(-2)=-4(5-2w)=8w-20",
        zero(sp.diff((5 - 2 * w) ** 2, w) - (8 * w - 20)),
        expect="holds",
    )
    d.na(r"$L(w)=(y-wx)^2$", "definition")
    d.sym(
        r"\frac{dL}{dw}=2(y-wx)(-x)=-2x(y-wx)",
        zero(sp.diff((y - w * x) ** 2, w) + 2 * x * (y - w * x)),
        expect="holds",
    )
    L2 = (3 - 2 * w1 - w2) ** 2
    d.na(r"L(w_1,w_2)=(3-2w_1-w_2)^2", "definition")
    d.sym(
        r"\frac{\partial L}{\partial w_1}=-4(3-2w_1-w_2)",
        zero(sp.diff(L2, w1) + 4 * (3 - 2 * w1 - w2)),
        expect="holds",
    )
    d.sym(
        r"\frac{\partial L}{\partial w_2}=-2(3-2w_1-w_2)",
        zero(sp.diff(L2, w2) + 2 * (3 - 2 * w1 - w2)),
        expect="holds",
    )
    g0 = [sp.diff(L2, v).subs({w1: 0, w2: 0}) for v in (w1, w2)]
    d.sym(
        r"\nabla L(0,0)=",
        g0 == [-12, -6],
        expect="holds",
        matrix=True,
        note="= [-12, -6] (a bmatrix on the next lines)",
    )
    Lq = w**2 - 4 * w + 5
    d.na(r"L(w)=w^2-4w+5", "definition")
    d.sym(r"\frac{dL}{dw}=2w-4", zero(sp.diff(Lq, w) - (2 * w - 4)), expect="holds")
    wk = sp.Integer(0)
    rows = []
    for k in range(4):
        g = sp.diff(Lq, w).subs(w, wk)
        new = wk - R(3, 10) * g
        rows.append((wk, Lq.subs(w, wk), g, new))
        wk = new
    for k, (wv, Lv, g, new) in enumerate(rows):
        cells = {
            0: ("0.000", "5.000", "-4.000", "1.200"),
            1: ("1.200", "1.640", "-1.600", "1.680"),
            2: ("1.680", "1.102", "-0.640", "1.872"),
            3: ("1.872", "1.016", "-0.256", "1.949"),
        }[k]
        d.num(
            f"| {k} | {cells[0]} | {cells[1]} |",
            cells[1],
            Lv,
            expect="holds",
            in_math=False,
            note=f"L(w) at step {k}",
        )
        d.num(
            f"| {cells[2]} | {cells[3]} |",
            cells[3],
            new,
            expect="holds",
            in_math=False,
            note=f"new w at step {k} (dL/dw = {cells[2]})",
        )
    d.sym(r"2w-4=0 \Rightarrow w=2", sp.solve(sp.diff(Lq, w), w) == [2], expect="holds")
    d.num(r"L(2)=1", "1", Lq.subs(w, 2), expect="holds")
    d.na(r"\hat y = w_1x+w_2", "definition of the model")
    d.na(r"L=\frac{1}{N}\sum_{i=1}^N (y_i - w_1x_i - w_2)^2", "definition of the loss")
    # one-term check of the summed formulas (the sum is linear, so one term suffices)
    xi, yi, N = sp.symbols("x_i y_i N", positive=True)
    li = (yi - w1 * xi - w2) ** 2 / N
    d.sym(
        r"\frac{\partial L}{\partial w_1}=\frac{2}{N}\sum_{i=1}^N(\hat y_i-y_i)x_i",
        zero(sp.diff(li, w1) - 2 / N * (w1 * xi + w2 - yi) * xi),
        expect="holds",
        note="term by term",
    )
    d.sym(
        r"\frac{\partial L}{\partial w_2}=\frac{2}{N}\sum_{i=1}^N(\hat y_i-y_i)",
        zero(sp.diff(li, w2) - 2 / N * (w1 * xi + w2 - yi)),
        expect="holds",
        note="term by term",
    )
    d.na(r"\hat y = wx+b", "definition of the model", occurrence=1)
    data = ((1, 2), (2, 5), (3, 7))
    Lm = sum((yy - w * xx) ** 2 for xx, yy in data) / 3
    d.num(
        r"\mathrm{MSE}=\frac{(-1)^2+(-1)^2+(-2)^2}{3}=\frac{6}{3}=2.0",
        "2.0",
        Lm.subs(w, 3),
        "((-1)**2+(-1)**2+(-2)**2)/3",
        expect="holds",
    )
    d.sym(
        r"\frac{-2}{3}\left[(-1)\cdot1+(-1)\cdot2+(-2)\cdot3\right]",
        zero(sp.diff(Lm, w).subs(w, 3) - 6),
        value=6,
        expect="holds",
    )
    d.num(r"\frac{-2}{3}(-9)=6.0", "6.0", sp.diff(Lm, w).subs(w, 3), "-2/3*(-9)", expect="holds")
    d.num(
        r"w_{\text{new}}=3-0.01\times 6.0=2.94",
        "2.94",
        3 - R(1, 100) * sp.diff(Lm, w).subs(w, 3),
        "3-0.01*6.0",
        expect="holds",
    )
    d.na(r"L(w)=(w-3)^2+1", "definition")
    d.sym(r"\frac{dL}{dw}=2(w-3)", zero(sp.diff((w - 3) ** 2 + 1, w) - 2 * (w - 3)), expect="holds")
    d.num(r"L(3)=1", "1", ((w - 3) ** 2 + 1).subs(w, 3), expect="holds")
    d.na(r"\hat y = w_1x_1 + w_2x_2 + b", "definition")
    d.na(r"y = 3x_1 - 2x_2 + 5 + \text{noise}", "definition of the synthetic data")
    d.na(
        r"\text{Learning} = \text{loss function} + \text{gradient} + \text{update rule}",
        "a slogan, not arithmetic",
    )
    return d


if __name__ == "__main__":
    build().finish(sys.argv)
