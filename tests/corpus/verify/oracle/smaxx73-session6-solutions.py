"""Oracle for smaxx73-session6-solutions.tex (LaTeX solution sheet, sessions 5 and 6).

Each question has its own small function; every true value below is computed
from the question's own data with sympy (exact) or mpmath (50 digits).
"""

import sys

import mpmath as mp
import sympy as sp
from _lib import Doc, sig


def build() -> Doc:
    d = Doc(
        "smaxx73-session6-solutions.tex",
        "https://github.com/smaxx73/Neural-Network-Course/blob/main/module-3-mathematics-of-learning/session6_solutions.tex",
        exact={"2.0", "2.5", "4.0", "3.0", "1.0", "1.5", "0.2", "0.8", "0.3", "0.6", "0.4", "0.20"},
    )
    m = mp.mpf
    w, x, w1, w2 = sp.symbols("w x w1 w2")
    # MSE by hand
    mse = (m("0.25") + m(1) + m("0.25")) / 3
    d.num(
        r"\frac{0.25 + 1.00 + 0.25}{3} = \frac{1.50}{3} = 0.5",
        "0.5",
        mse,
        "(0.25+1.00+0.25)/3",
        expect="holds",
        exact={"0.25", "1.00"},
    )
    # derivative of L = (4 - 2w)^2
    L = (4 - 2 * w) ** 2
    d.sym(
        r"\frac{dL}{dw} = 2u \cdot \frac{du}{dw} = 2(4 - 2w)(-2)",
        sp.simplify(sp.diff(L, w) - 2 * (4 - 2 * w) * (-2)) == 0,
        expect="holds",
        note="symbolic",
    )
    d.sym(
        r"\frac{dL}{dw} = -4(4 - 2w) = 8w - 16",
        sp.simplify(sp.diff(L, w) - (8 * w - 16)) == 0,
        expect="holds",
        note="symbolic",
    )
    d.na(r"w \leftarrow w - \eta\,\frac{dL}{dw}", "the update rule")
    # manual gradient descent on L(w) = w^2 - 6w + 10 (dL/dw = 2w - 6, L(3) = 1), eta = 0.2
    Lq = w**2 - 6 * w + 10
    d.sym(
        r"$\dfrac{dL}{dw} = 2w - 6$",
        sp.diff(Lq, w) == 2 * w - 6,
        expect="holds",
        note="the question's loss is w^2 - 6w + 10: its derivative and L(3) = 1, L(0) = 10 fix it",
    )
    d.num(r"$L(3) = 1$", "1", Lq.subs(w, 3), expect="holds")
    w_1 = 0 - sp.Rational(1, 5) * sp.diff(Lq, w).subs(w, 0)
    d.num(r"& $10.000$", "10.000", Lq.subs(w, 0), expect="holds", note="L(0)")
    d.num(r"& $-6.000$", "-6.000", sp.diff(Lq, w).subs(w, 0), expect="holds", note="dL/dw at w = 0")
    d.num(r"$0 - 0.2 \times (-6) = 1.200$", "1.200", w_1, "0-0.2*(-6)", expect="holds")
    first = d.num(
        r"& $4.840$",
        "4.840",
        Lq.subs(w, w_1),
        expect="wrong",
        kind="arithmetic-slip",
        note="L(1.2) = 1.44 - 7.2 + 10 = 4.24 (equivalently (1.2 - 3)^2 + 1); 4.840 is a slip",
    ).line
    d.num(r"& $-3.600$", "-3.600", sp.diff(Lq, w).subs(w, w_1), expect="holds", note="dL/dw at w = 1.2")
    d.num(
        r"$1.2 - 0.2 \times (-3.6) = 1.920$",
        "1.920",
        w_1 - sp.Rational(1, 5) * sp.diff(Lq, w).subs(w, w_1),
        "1.2-0.2*(-3.6)",
        expect="holds",
        exact={"1.2", "3.6"},
    )
    # partial derivatives of L = (2 - w1 - 3 w2)^2
    Lp = (2 - w1 - 3 * w2) ** 2
    d.sym(
        r"\frac{\partial L}{\partial w_1} &= 2u \cdot (-1) = -2(2 - w_1 - 3w_2)",
        sp.simplify(sp.diff(Lp, w1) + 2 * (2 - w1 - 3 * w2)) == 0,
        expect="holds",
        note="symbolic",
    )
    d.sym(
        r"\frac{\partial L}{\partial w_2} &= 2u \cdot (-3) = -6(2 - w_1 - 3w_2)",
        sp.simplify(sp.diff(Lp, w2) + 6 * (2 - w1 - 3 * w2)) == 0,
        expect="holds",
        note="symbolic",
    )
    d.num(r"$u = 2 - 1 - 0 = 1$", "1", 2 - 1 - 0, "2-1-0", expect="holds")
    grad = [sp.diff(Lp, v).subs({w1: 1, w2: 0}) for v in (w1, w2)]
    d.sym(
        r"\nabla L\big|_{(1,\,0)} = \begin{bmatrix} -2 \\ -6 \end{bmatrix}",
        grad == [-2, -6],
        expect="holds",
        matrix=True,
        note="a gradient vector: verify is expected to say 'not checked: matrix notation'",
    )
    d.sym(
        r"\frac{\partial L}{\partial W^{(1)}} = \frac{\partial L}{\partial \hat{y}} \cdot \frac{\partial \hat{y}}{\partial h}",
        True,
        expect="holds",
        note="chain rule for a generic 2-layer network (symbolic, no point given)",
    )
    # chain rule, symbolic
    yx = 1 / (1 + sp.exp(-(3 * x - 2)))
    s3 = 1 / (1 + sp.exp(-(3 * x - 2)))
    ok = sp.simplify(sp.diff(yx, x) - 3 * s3 * (1 - s3)) == 0
    d.sym(
        r"\frac{dy}{dx} = \frac{d\sigma}{dz} \cdot \frac{dz}{dx} = \sigma(z)\bigl(1 - \sigma(z)\bigr) \cdot 3",
        ok,
        expect="holds",
        note="symbolic, with z = 3x - 2",
    )
    d.sym(r"\frac{dy}{dx} = 3\,\sigma(3x-2)\bigl(1 - \sigma(3x-2)\bigr)", ok, expect="holds", note="symbolic")
    y3 = (2 * x + 1) ** 3
    d.sym(
        r"\frac{dy}{dx} = 3u^2 \cdot \frac{du}{dx} = 3(2x+1)^2 \cdot 2 = 6(2x+1)^2",
        sp.simplify(sp.diff(y3, x) - 6 * (2 * x + 1) ** 2) == 0,
        expect="holds",
        note="symbolic",
    )
    d.num(
        r"\frac{dy}{dx}\bigg|_{x=1} = 6 \times 3^2 = 54",
        "54",
        sp.diff(y3, x).subs(x, 1),
        "6*3**2",
        expect="holds",
    )
    # forward and backward pass by hand: w = 0.8, b = -0.3, x = 1.5, y = 1, L = (yhat - y)^2
    z = m("0.8") * m("1.5") - m("0.3")
    yh = sig(z)
    e = yh - 1
    dz = 2 * e * yh * (1 - yh)
    d.num(r"$0.8 \times 1.5 - 0.3$ & $0.9$", "0.9", z, "0.8*1.5-0.3", expect="holds")
    d.num(r"$\approx 0.7109$ \\[1em]", "0.7109", yh, "sig(0.9)", expect="holds", exact={"0.9"})
    d.num(r"$0.7109 - 1$ & $\approx -0.2891$", "-0.2891", e, "0.7109-1", expect="holds", label="e")
    d.num(r"$(-0.2891)^2$ & $\approx 0.0836$", "0.0836", e**2, "(-0.2891)**2", expect="holds")
    d.num(
        r"$z = 0.9$,\quad $\hat{y} \approx 0.7109$,\quad $L \approx 0.0836$",
        "0.0836",
        e**2,
        expect="holds",
        note="summary box; all three values hold",
    )
    d.na(r"$\dfrac{\partial L}{\partial e} = 2e$", "the table's formula column (definition)")
    d.num(r"$2 \times (-0.2891) \approx -0.5782$", "-0.5782", 2 * e, "2*K['e']", expect="holds", label="dLde")
    d.num(
        r"  & $\approx -0.5782$ \\[1.2em]",
        "-0.5782",
        2 * e,
        "K['dLde']",
        expect="holds",
        note="dL/dyhat, carried from the line above",
    )
    d.num(
        r"$-0.5782 \times 0.7109 \times 0.2891 \approx -0.1189$",
        "-0.1189",
        dz,
        "-0.5782*0.7109*0.2891",
        expect="holds",
        label="dz",
        note="true -0.11880; -0.1189 follows from the rounded factors (rounding rule)",
    )
    d.num(
        r"$-0.1189 \times 1.5 \approx -0.1784$",
        "-0.1784",
        dz * m("1.5"),
        "K['dz']*1.5",
        expect="holds",
        label="dw",
        note="true -0.17820; follows from -0.1189, which carries its interval",
    )
    d.num(r"  & $\approx -0.1189$ \\[1.2em]", "-0.1189", dz, "K['dz']", expect="holds", note="dL/db")
    d.num(
        r"w &\leftarrow 0.8 - 1.0 \times (-0.1784) = 0.9784",
        "0.9784",
        m("0.8") - dz * m("1.5"),
        "0.8-1.0*K['dw']",
        expect="holds",
        label="w",
    )
    d.num(
        r"b &\leftarrow -0.3 - 1.0 \times (-0.1189) = -0.1811",
        "-0.1811",
        m("-0.3") - dz,
        "-0.3-1.0*K['dz']",
        expect="holds",
        label="b",
    )
    d.num(
        r"$w_{\text{new}} \approx 0.9784$,\quad $b_{\text{new}} \approx -0.1811$",
        "-0.1811",
        m("-0.3") - dz,
        "K['b']",
        expect="holds",
        note="summary box; both values hold",
    )
    # error signal delta, given delta2 = -0.20, W2 = [0.6, -0.4], z1 = [0.6, -0.3]
    d.sym(
        r"= \begin{bmatrix} -0.120 \\ 0.080 \end{bmatrix}",
        True,
        occurrence=1,
        expect="holds",
        matrix=True,
        note="[0.6, -0.4] x (-0.20) = [-0.12, 0.08]",
    )
    d.num(
        r"\sigma(0.6)  &\approx 0.6457, & \sigma'(0.6)  &= 0.6457 \times 0.3543 \approx 0.2288",
        "0.2288",
        sig(m("0.6")) * (1 - sig(m("0.6"))),
        "0.6457*0.3543",
        expect="holds",
        note="sigma(0.6) = 0.645656 also holds",
    )
    d.num(
        r"\sigma(-0.3) &\approx 0.4256, & \sigma'(-0.3) &= 0.4256 \times 0.5744 \approx 0.2445",
        "0.2445",
        sig(m("-0.3")) * (1 - sig(m("-0.3"))),
        "0.4256*0.5744",
        expect="holds",
        note="sigma(-0.3) = 0.425557 also holds",
    )
    d.sym(
        r"\sigma'(z^{(1)}) \approx \begin{bmatrix} 0.2288 \\ 0.2445 \end{bmatrix}",
        True,
        expect="holds",
        matrix=True,
    )
    d1 = [
        m("-0.20") * m("0.6") * sig(m("0.6")) * (1 - sig(m("0.6"))),
        m("-0.20") * m("-0.4") * sig(m("-0.3")) * (1 - sig(m("-0.3"))),
    ]
    d.sym(
        r"\delta^{(1)} \approx \begin{bmatrix} -0.0275 \\ 0.0196 \end{bmatrix}",
        abs(d1[0] - m("-0.0275")) < m("0.00005") and abs(d1[1] - m("0.0196")) < m("0.00005"),
        expect="holds",
        matrix=True,
        note="true [-0.027453, 0.019557]",
    )
    d.na(r"\operatorname{ReLU}(z) = \max(0,\, z),", "definition of ReLU and its derivative (cases)")
    return d


if __name__ == "__main__":
    build().finish(sys.argv)
