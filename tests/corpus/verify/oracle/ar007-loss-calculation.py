"""Oracle for ar007-loss-calculation.md: three exercises.

QN1: one weight update of a sigmoid neuron with MSE, from the exercise's givens (y' = 0.6,
y'(1 - y') = 0.24, y = 0.8, x = [1, 2], W = [0.4, -0.2], eta = 0.1).  The givens are taken as
stated (note: W.x + b = 0.1 would give sigma(0.1) = 0.525, not 0.6; the exercise supplies y').
QN3: sigma(0.5 * 2 + 1).  QN5: forward pass of a 2-2-2 sigmoid network without output bias.
"""

import sys

import mpmath as mp
import sympy as sp
from _lib import Doc, sig


def build() -> Doc:
    d = Doc(
        "ar007-loss-calculation.md",
        "https://github.com/A-R007/Loss-Calculation/blob/main/README.md",
        exact={
            "0.8",
            "0.6",
            "0.24",
            "0.1",
            "0.4",
            "0.2",
            "1",
            "2",
            "0.5",
            "0.10",
            "0.15",
            "0.35",
            "0.25",
            "0.30",
            "0.60",
            "0.40",
            "0.45",
            "0.50",
            "0.55",
        },
    )
    m, n = mp.mpf, d.num
    yp, yt, der, eta = m("0.6"), m("0.8"), m("0.24"), m("0.1")
    g = [(yp - yt) * der * xi for xi in (1, 2)]
    n(r"\text{Error} = y - y' = 0.8 - 0.6 = 0.2", "0.2", yt - yp, "0.8-0.6", expect="holds")
    d.na(r"L = \frac{1}{2} (y - y')^2", "definition")
    n(
        r"\frac{\partial L}{\partial y'} = (y' - y) = 0.6 - 0.8 = -0.2",
        "-0.2",
        yp - yt,
        "0.6-0.8",
        expect="holds",
    )
    d.sym(
        r"\frac{\partial L}{\partial W_i} = \frac{\partial L}{\partial y'} \times \frac{\partial y'}{\partial W_i}",
        True,
        expect="holds",
        note="chain rule (indexed family W_i)",
    )
    W, b, xs = sp.symbols("W b x_s")
    yy = 1 / (1 + sp.exp(-(W * xs + b)))
    d.sym(
        r"\frac{\partial y'}{\partial W_i} = x_i \times y'(1 - y')",
        sp.simplify(sp.diff(yy, W) - xs * yy * (1 - yy)) == 0,
        expect="holds",
    )
    n(
        r"\frac{\partial L}{\partial W_1} = (-0.2) \times (0.24) \times (1) = -0.048",
        "-0.048",
        g[0],
        "(-0.2)*(0.24)*(1)",
        expect="holds",
    )
    n(
        r"\frac{\partial L}{\partial W_2} = (-0.2) \times (0.24) \times (2) = -0.096",
        "-0.096",
        g[1],
        "(-0.2)*(0.24)*(2)",
        expect="holds",
    )
    d.na(r"W_i = W_i - \eta \times \frac{\partial L}{\partial W_i}", "the update rule")
    n(
        r"W_1 = 0.4 - 0.1 \times (-0.048) = 0.4 + 0.0048 = 0.4048",
        "0.4048",
        m("0.4") - eta * g[0],
        "0.4-0.1*(-0.048)",
        expect="holds",
        exact={"0.048"},
    )
    n(
        r"W_2 = -0.2 - 0.1 \times (-0.096) = -0.2 + 0.0096 = -0.1904",
        "-0.1904",
        m("-0.2") - eta * g[1],
        "-0.2-0.1*(-0.096)",
        expect="holds",
        exact={"0.096"},
    )
    d.sym(
        r"W = [0.4048, -0.1904]", True, expect="holds", matrix=True, note="the two updated weights as a list"
    )
    # QN3
    d.na(r"z = wx + b", "definition")
    n(r"z = (0.5 \times 2) + 1", None, m(2), "(0.5*2)+1", expect="holds")
    n(r"z = 1 + 1 = 2", "2", m(2), "1+1", expect="holds")
    d.na(r"\sigma(z) = \frac{1}{1 + e^{-z}}", "definition")
    n(r"\sigma(2) = \frac{1}{1 + e^{-2}}", None, sig(m(2)), "sig(2)", expect="holds")
    n(r"Approximating \( e^{-2} \approx 0.1353 \)", "0.1353", mp.exp(-2), expect="holds")
    n(r"\sigma(2) = \frac{1}{1 + 0.1353}", None, sig(m(2)), "1/(1+0.1353)", expect="holds")
    n(r"\sigma(2) = \frac{1}{1.1353}", None, sig(m(2)), "1/1.1353", expect="holds")
    n(r"\sigma(2) \approx 0.8808", "0.8808", sig(m(2)), "1/1.1353", expect="holds")
    # QN5
    x1, x2 = m("0.10"), m("0.35")
    zH1 = x1 * m("0.15") + x2 * m("0.25") + m("0.60")
    zH2 = x1 * m("0.30") + x2 * m("0.35") + m("0.60")
    H1, H2 = sig(zH1), sig(zH2)
    zy1 = H1 * m("0.40") + H2 * m("0.45")
    zy2 = H1 * m("0.50") + H2 * m("0.55")
    y1, y2 = sig(zy1), sig(zy2)
    d.na(r"z_{H1} = (x_1 \times w_1) + (x_2 \times w_2) + b_1", "definition")
    n(
        r"z_{H1} = (0.10 \times 0.15) + (0.35 \times 0.25) + 0.60",
        None,
        zH1,
        "(0.10*0.15)+(0.35*0.25)+0.60",
        expect="holds",
    )
    n(
        r"z_{H1} = 0.015 + 0.0875 + 0.60 = 0.7025",
        "0.7025",
        zH1,
        "0.015+0.0875+0.60",
        expect="holds",
        exact={"0.015", "0.0875"},
    )
    n(
        r"H1 = \sigma(0.7025) = \frac{1}{1 + e^{-0.7025}} \approx 0.6687",
        "0.6687",
        H1,
        "sig(0.7025)",
        exact={"0.7025"},
        expect="holds",
        label="H1",
    )
    d.na(r"z_{H2} = (x_1 \times w_3) + (x_2 \times w_4) + b_2", "definition")
    n(
        r"z_{H2} = (0.10 \times 0.30) + (0.35 \times 0.35) + 0.60",
        None,
        zH2,
        "(0.10*0.30)+(0.35*0.35)+0.60",
        expect="holds",
    )
    n(
        r"z_{H2} = 0.03 + 0.1225 + 0.60 = 0.7525",
        "0.7525",
        zH2,
        "0.03+0.1225+0.60",
        expect="holds",
        exact={"0.03", "0.1225"},
    )
    n(
        r"H2 = \sigma(0.7525) = \frac{1}{1 + e^{-0.7525}} \approx 0.6797",
        "0.6797",
        H2,
        "sig(0.7525)",
        exact={"0.7525"},
        expect="holds",
        label="H2",
    )
    d.na(r"z_{y1} = (H1 \times w_5) + (H2 \times w_6)", "definition")
    n(
        r"z_{y1} = (0.6687 \times 0.40) + (0.6797 \times 0.45)",
        None,
        zy1,
        "(K['H1']*0.40)+(K['H2']*0.45)",
        expect="holds",
    )
    n(
        r"z_{y1} = 0.2675 + 0.3059 = 0.5734",
        "0.5734",
        zy1,
        "(K['H1']*0.40)+(K['H2']*0.45)",
        expect="holds",
        label="zy1",
    )
    n(
        r"y_1 = \sigma(0.5734) = \frac{1}{1 + e^{-0.5734}} \approx 0.6395",
        "0.6395",
        y1,
        "sig(K['zy1'])",
        expect="holds",
    )
    d.na(r"z_{y2} = (H1 \times w_7) + (H2 \times w_8)", "definition")
    n(
        r"z_{y2} = (0.6687 \times 0.50) + (0.6797 \times 0.55)",
        None,
        zy2,
        "(K['H1']*0.50)+(K['H2']*0.55)",
        expect="holds",
    )
    n(
        r"z_{y2} = 0.3343 + 0.3738 = 0.7081",
        "0.7081",
        zy2,
        "0.3343+0.3738",
        expect="holds",
        label="zy2",
        note="true 0.708219; follows from the shown (rounded) products",
    )
    n(
        r"y_2 = \sigma(0.7081) = \frac{1}{1 + e^{-0.7081}} \approx 0.6699",
        "0.6699",
        y2,
        "sig(0.7081)",
        exact={"0.7081"},
        expect="wrong",
        kind="rounding",
        note="sigma(0.7081) = 0.669976, which rounds to 0.6700 (0.6699 is truncated); the true y2 = 0.669995",
    )
    n(r"\( H1 \approx 0.6687 \)", "0.6687", H1, expect="holds")
    n(r"\( H2 \approx 0.6797 \)", "0.6797", H2, expect="holds")
    n(r"\( y_1 \approx 0.6395 \)", "0.6395", y1, "sig(K['zy1'])", expect="holds")
    n(
        r"\( y_2 \approx 0.6699 \)",
        "0.6699",
        y2,
        "sig(0.7081)",
        exact={"0.7081"},
        expect="wrong",
        kind="rounding",
        cause=d.line_of(r"y_2 = \sigma(0.7081)"),
        note="repeats the truncated value",
    )
    return d


if __name__ == "__main__":
    build().finish(sys.argv)
