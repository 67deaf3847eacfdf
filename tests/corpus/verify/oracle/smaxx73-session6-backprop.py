"""Oracle for smaxx73-session6-backprop.ipynb (Markdown cells of the course notebook).

Cell 1: chain rule on C = 20 - 6h, F = 1.8 C + 32.  Cell 2: exercise 3.1
(x = 2, w = 0.5, b = -0.5, y = 1, L = (yhat - y)^2).  Cell 3: the 2-2-1 sigmoid
network with W1 = [[0.5, 0.3], [-0.2, 0.8]], b1 = [0.1, -0.1], W2 = [0.6, -0.4],
b2 = 0.2, x = [1, 0], y = 1, L = (y - yhat)^2, eta = 1.  Cell 4: sigma'(0).
Matrix lines are checked entry by entry here and flagged ``matrix = true``.
"""

import sys

import mpmath as mp
from _lib import Doc, sig


def close(vals, shown, tol="0.00005"):
    return all(abs(mp.mpf(v) - mp.mpf(s)) <= mp.mpf(tol) for v, s in zip(vals, shown))


def build() -> Doc:
    d = Doc(
        "smaxx73-session6-backprop.ipynb",
        "https://github.com/smaxx73/Neural-Network-Course/blob/main/module-3-mathematics-of-learning/session6_backpropagation.ipynb",
        exact={"1.8", "6", "0.5", "2", "1.0", "0.6", "0.4", "0.2", "0.3", "1", "0"},
    )
    m, n = mp.mpf, d.num
    d.na(r"$C = 20 - 6h$", "definition")
    d.na(r"$F = 1.8C + 32$", "definition")
    n(
        r"= 1.8 \times (-6) = -10.8 \text{ °F/km}",
        "-10.8",
        m("1.8") * -6,
        "1.8*(-6)",
        expect="holds",
        note="dF/dh by the chain rule; the unit is in \\text",
    )
    for needle in (
        r"$z_1 = wx$ | ___",
        r"$z = z_1 + b$ | ___",
        r"$\hat{y} = \sigma(z)$ | ___",
        r"$e = \hat{y} - y$ | ___",
        r"$L = e^2$ | ___",
        r"= 2e$ | ___",
        r"\cdot 1$ | ___",
        r"\sigma(z)(1 - \sigma(z))$ | ___",
        r"\cdot x$ | ___",
    ):
        d.na(needle, "exercise prompt: the formula column of a table to fill in (definitions)", occurrence=1)
    # exercise 3.1 solution
    yh = sig(m("0.5"))
    e = yh - 1
    dz = 2 * e * yh * (1 - yh)
    n(r"$z_1 = 0.5 \times 2$ | $1.0$", "1.0", m(1), "0.5*2", expect="holds")
    n(r"$z = 1.0 + (-0.5)$ | $0.5$", "0.5", m("0.5"), "1.0+(-0.5)", expect="holds")
    n(r"\frac{1}{1+e^{-0.5}}$ | $\approx 0.6225$", "0.6225", yh, "sig(0.5)", expect="holds", label="yh")
    n(r"$e = 0.6225 - 1$ | $\approx -0.3775$", "-0.3775", e, "K['yh']-1", expect="holds", label="e")
    n(r"$L = (-0.3775)^2$ | $\approx 0.1425$", "0.1425", e**2, "K['e']**2", expect="holds")
    n(r"= 2(-0.3775)$ | $\approx -0.7550$", "-0.7550", 2 * e, "2*K['e']", expect="holds", label="g")
    n(r"= -0.7550$ | $\approx -0.7550$", "-0.7550", 2 * e, "K['g']", expect="holds")
    n(
        r"= -0.7550 \times 0.6225 \times (1 - 0.6225)$ | $\approx -0.1774$",
        "-0.1774",
        dz,
        "K['g']*K['yh']*(1-K['yh'])",
        expect="holds",
        label="dz",
    )
    n(
        r"= -0.1774 \times 2$ | $\approx -0.3549$",
        "-0.3549",
        2 * dz,
        "K['dz']*2",
        expect="holds",
        note="-0.1774 x 2 = -0.3548; -0.3549 lies in the interval -0.1774 carries",
    )
    n(r"= -0.1774 \times 1$ | $\approx -0.1774$", "-0.1774", dz, "K['dz']*1", expect="holds")
    # 2-2-1 network
    z1 = [m("0.5") + m("0.1"), m("-0.2") - m("0.1")]
    a1 = [sig(v) for v in z1]
    z2 = m("0.6") * a1[0] - m("0.4") * a1[1] + m("0.2")
    yh2 = sig(z2)
    L = (1 - yh2) ** 2
    dLda = -2 * (1 - yh2)
    s2 = yh2 * (1 - yh2)
    d2 = dLda * s2
    gW2 = [d2 * a1[0], d2 * a1[1]]
    back = [m("0.6") * d2, m("-0.4") * d2]
    s1 = [v * (1 - v) for v in a1]
    d1 = [back[0] * s1[0], back[1] * s1[1]]
    d.na(
        r"W^{(1)} = \begin{bmatrix} 0.5 & 0.3 \\ -0.2 & 0.8 \end{bmatrix}, \quad b^{(1)}",
        "givens",
        matrix=True,
    )
    d.na(r"W^{(2)} = \begin{bmatrix} 0.6 & -0.4 \end{bmatrix}, \quad b^{(2)} = 0.2", "givens", matrix=True)
    d.sym(
        r"z^{(1)} = W^{(1)} x + b^{(1)} = \begin{bmatrix}",
        close(z1, ["0.6", "-0.3"], "1e-30"),
        expect="holds",
        matrix=True,
    )
    d.sym(
        r"\approx \begin{bmatrix} 0.6457 \\ 0.4256 \end{bmatrix}",
        close(a1, ["0.6457", "0.4256"]),
        expect="holds",
        matrix=True,
        occurrence=1,
    )
    d.na(
        r"z^{(2)} = W^{(2)} a^{(1)} + b^{(2)} = \begin{bmatrix} 0.6 & -0.4 \end{bmatrix}",
        "matrix form of the next line",
        matrix=True,
    )
    n(
        r"z^{(2)} = 0.6 \times 0.6457 + (-0.4) \times 0.4256 + 0.2 = 0.3874 - 0.1702 + 0.2 = 0.4172",
        "0.4172",
        z2,
        "0.6*0.6457+(-0.4)*0.4256+0.2",
        expect="holds",
        label="z2",
    )
    n(
        r"\hat{y} = a^{(2)} = \sigma(0.4172) \approx 0.6028",
        "0.6028",
        yh2,
        "sig(K['z2'])",
        expect="holds",
        label="yh2",
    )
    n(
        r"L = (y - \hat{y})^2 = (1 - 0.6028)^2 = (0.3972)^2 \approx 0.1578",
        "0.1578",
        L,
        "(1-K['yh2'])**2",
        expect="holds",
    )
    d.sym(
        r"\delta^{(2)} = \frac{\partial L}{\partial z^{(2)}} = \frac{\partial L}{\partial a^{(2)}} \cdot \sigma'(z^{(2)})",
        True,
        value=d2,
        expect="holds",
    )
    n(
        r"= -2(y - \hat{y}) = -2(1 - 0.6028) = -0.7944",
        "-0.7944",
        dLda,
        "-2*(1-K['yh2'])",
        expect="holds",
        label="dLda",
    )
    n(
        r"= \sigma(z)(1 - \sigma(z)) = 0.6028 \times 0.3972 = 0.2395",
        "0.2395",
        s2,
        "K['yh2']*(1-K['yh2'])",
        expect="holds",
        label="s2",
        note="0.6028 x 0.3972 = 0.23943; 0.2395 is inside the carried interval (true 0.239430)",
    )
    n(
        r"\delta^{(2)} = -0.7944 \times 0.2395 \approx -0.1903",
        "-0.1903",
        d2,
        "K['dLda']*K['s2']",
        expect="holds",
    )
    d.num(r"Using $\delta^{(2)} = -0.1903$", "-0.1903", d2, "K['dLda']*K['s2']", expect="holds")
    d.na(r"$\frac{\partial L}{\partial W^{(2)}} = \delta^{(2)} \cdot (a^{(1)})^T =$ ___", "exercise prompt")
    d.na(r"$\frac{\partial L}{\partial b^{(2)}} = \delta^{(2)} =$ ___", "exercise prompt")
    d.sym(
        r"\frac{\partial L}{\partial W^{(2)}} = -0.1903 \times \begin{bmatrix}",
        close(gW2, ["-0.1229", "-0.0810"], "0.0001"),
        expect="holds",
        matrix=True,
        note="true [-0.12288, -0.08099]",
    )
    n(r"\frac{\partial L}{\partial b^{(2)}} = -0.1903", "-0.1903", d2, "K['dLda']*K['s2']", expect="holds")
    d.sym(
        r"\delta^{(1)} = \left( (W^{(2)})^T \delta^{(2)} \right) \odot \sigma'(z^{(1)})",
        True,
        expect="holds",
        matrix=True,
    )
    d.sym(
        r"(W^{(2)})^T \delta^{(2)} = \begin{bmatrix} 0.6 \\ -0.4 \end{bmatrix} \times (-0.1903)",
        close(back, ["-0.1142", "0.0761"], "0.0001"),
        expect="holds",
        matrix=True,
    )
    d.sym(
        r"\sigma'(z^{(1)}) = \begin{bmatrix} \sigma(0.6)(1 - \sigma(0.6))",
        close(s1, ["0.2288", "0.2445"]),
        expect="holds",
        matrix=True,
    )
    d.sym(
        r"\delta^{(1)} = \begin{bmatrix} -0.1142 \\ 0.0761 \end{bmatrix} \odot",
        close(d1, ["-0.0261", "0.0186"], "0.0001"),
        expect="holds",
        matrix=True,
        note="true [-0.026128, 0.018607]",
    )
    d.sym(
        r"Using $\delta^{(1)} = [-0.0261, 0.0186]^T$",
        close(d1, ["-0.0261", "0.0186"], "0.0001"),
        expect="holds",
        matrix=True,
    )
    d.na(r"$\frac{\partial L}{\partial W^{(1)}} = \delta^{(1)} \cdot (a^{(0)})^T =$ ___", "exercise prompt")
    d.na(r"$\frac{\partial L}{\partial b^{(1)}} = \delta^{(1)} =$ ___", "exercise prompt")
    d.sym(
        r"\frac{\partial L}{\partial W^{(1)}} = \begin{bmatrix} -0.0261 \\ 0.0186 \end{bmatrix} \begin{bmatrix} 1 & 0",
        True,
        expect="holds",
        matrix=True,
        note="outer product with x = [1, 0]",
    )
    d.sym(
        r"\frac{\partial L}{\partial b^{(1)}} = \begin{bmatrix} -0.0261 \\ 0.0186 \end{bmatrix}",
        True,
        expect="holds",
        matrix=True,
    )
    d.na(
        r"W^{(2)}_{\text{new}} = W^{(2)} - \eta \frac{\partial L}{\partial W^{(2)}}",
        "update written as matrices",
        matrix=True,
    )
    d.sym(
        r"= \begin{bmatrix} 0.7229 & -0.3190 \end{bmatrix}",
        close([m("0.6") - gW2[0], m("-0.4") - gW2[1]], ["0.7229", "-0.3190"], "0.0001"),
        expect="holds",
        matrix=True,
    )
    n(r"$\sigma'(0) = 0.5 \times 0.5 = 0.25$", "0.25", sig(m(0)) * (1 - sig(m(0))), "0.5*0.5", expect="holds")
    return d


if __name__ == "__main__":
    build().finish(sys.argv)
