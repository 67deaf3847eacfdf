"""Oracle for melfm-backprop-notes.md (last complete version of the notes, 2017-01-10).

The network is the figure images/simpl_net_init_vals.png.  Its labels on crossing edges
are read the way the author reads them for the hidden layer (x1->h1 0.15, x2->h1 0.25,
x1->h2 0.20, x2->h2 0.3, bias 0.30); the same reading of the output layer gives
h1->y1 0.40, h2->y1 0.50, h1->y2 0.45, h2->y2 0.55, bias 0.70 -- and the author's own
yhat_2 = 0.7830 agrees with it (0.45 h1 + 0.55 h2 + 0.7), while yhat_1 uses 0.45 for h2->y1.
Inputs 0.05, 0.1; targets 0.01, 0.99; E = sum 1/2 (t - yhat)^2; learning rate 0.5.
"""

import sys

import mpmath as mp
from _lib import Doc, sig


def build() -> Doc:
    d = Doc(
        "melfm-backprop-notes.md",
        "https://github.com/melfm/notes/blob/6271ac5f1a2b4d1c12f0870dfd38fe2fde67cc48/docs/machine_learning/neural_nets/backprop.md",
        exact={
            "0.15",
            "0.05",
            "0.25",
            "0.1",
            "0.30",
            "0.20",
            "0.3",
            "0.4",
            "0.45",
            "0.7",
            "0.01",
            "0.99",
            "0.5",
            "1",
        },
    )
    m, n = mp.mpf, d.num
    z1 = m("0.15") * m("0.05") + m("0.25") * m("0.1") + m("0.30")
    z2 = m("0.20") * m("0.05") + m("0.3") * m("0.1") + m("0.30")
    h1, h2 = sig(z1), sig(z2)
    y1 = m("0.40") * h1 + m("0.50") * h2 + m("0.70")
    y2 = m("0.45") * h1 + m("0.55") * h2 + m("0.70")
    o1, o2 = sig(y1), sig(y2)
    E1, E2 = (m("0.01") - o1) ** 2 / 2, (m("0.99") - o2) ** 2 / 2
    dEdo1 = o1 - m("0.01")
    s1 = o1 * (1 - o1)
    delta1 = dEdo1 * s1
    gw5 = delta1 * h1
    d.na(r"z1 = (w1 \times x1 + w3 \times x2 + b1) \\", "definition")
    n(
        r"z1 = (0.15 \times 0.05 + 0.25 \times 0.1 + 0.30) = 0.3325",
        "0.3325",
        z1,
        "0.15*0.05+0.25*0.1+0.30",
        expect="holds",
    )
    n(
        r"\frac{1}{1 + e ^ {- 0.3275}}",
        None,
        h1,
        "sig(0.3275)",
        exact={"0.3275"},
        expect="wrong",
        kind="arithmetic-slip",
        note="the exponent is a stale 0.3275 (z1 is 0.3325); sigma(0.3275) = 0.5812",
    )
    n(
        r"= \frac{1}{1 + e ^ {- 0.3275}} = 0.5824",
        "0.5824",
        h1,
        expect="holds",
        note="0.5824 = sigma(0.3325) is right",
    )
    d.na(r"z2 = (w2 \times x1 + w4 \times x2 + b1) \\", "definition")
    n(
        r"z2 = (0.20 \times 0.05 + 0.3 \times 0.1 + 0.30) = 0.34",
        "0.34",
        z2,
        "0.20*0.05+0.3*0.1+0.30",
        expect="holds",
    )
    n(r"a_{h2} = \sigma (z2) = 0.5842", "0.5842", h2, expect="holds")
    edge = d.sym(
        r"out_{y1} = (w5 \times a_{h1} + w6 \times a_{h1} + b2)",
        False,
        expect="wrong",
        kind="wrong-edge-weight",
        note="the second term takes a_h1 again; y1's second input is a_h2",
    ).line
    first = n(
        r"out_{y1} = (0.4 \times 0.5824 + 0.45 \times 0.5842) + 0.7 = 1.196",
        "1.196",
        y1,
        "(0.4*0.5824+0.45*0.5842)+0.7",
        expect="wrong",
        kind="wrong-edge-weight",
        note="arithmetic right, but h2->y1 carries 0.50 in the figure (0.45 is h1->y2, which the author uses for "
        "yhat_2); true net input 1.2250",
    ).line
    del edge
    n(
        r"\hat{y_1} = \sigma (out_{y1}) = 0.7676",
        "0.7676",
        o1,
        "sig(1.196)",
        exact={"1.196"},
        expect="wrong",
        kind="arithmetic-slip",
        note="sigma(1.196) = 0.7678, not 0.7676 (and the input carries the weight error)",
    )
    n(r"$\hat{y_2} = 0.7830$", "0.7830", o2, expect="holds")
    d.na(r"E_{total} = \sum \frac{1}{2}(target - output)^2", "definition")
    n(
        r"= \frac{1}{2}(0.01 - 0.7676)^2 = 0.2869",
        "0.2869",
        E1,
        "(0.01-0.7676)**2/2",
        expect="wrong",
        kind="wrong-edge-weight",
        cause=first,
    )
    n(r"E_{y2} = \frac{1}{2}(0.99 - 0.7830)^2 = 0.0214", "0.0214", E2, "(0.99-0.7830)**2/2", expect="holds")
    n(
        r"E_{total} = E_{y1} + E_{y2} = 0.3083",
        "0.3083",
        E1 + E2,
        "0.2869+0.0214",
        expect="wrong",
        kind="wrong-edge-weight",
        cause=first,
    )
    d.sym(
        r"\frac{\partial E_{total}}{\partial w5} = \frac{\partial E_{total}}{\partial out_{y1}} \frac{\partial out_{y1}}{\partial y_1} \frac{\partial y_1}{\partial w5} ",
        True,
        value=gw5,
        expect="holds",
        occurrence=1,
        note="with the author's convention: out_y1 is the activation, y_1 the net input",
    )
    d.na(r"E_{total} = \frac{1}{2}(t_1 - \hat{y_1})^2 + \frac{1}{2}(t_2 - \hat{y_2})^2 \\", "definition")
    d.sym(
        r"\frac{\partial E_{total}}{\partial out_{y1}} = 2 * \frac{1}{2} (t_1 - out_{y1})^{2-1} + 0",
        False,
        value=dEdo1,
        expect="wrong",
        kind="wrong-sign",
        note="the inner derivative -1 is missing: this is t1 - out, not -(t1 - out)",
    )
    n(
        r"= -(t_1 - \hat{y_1}) = -(0.01 - 0.7676 ) = 0.7576",
        "0.7576",
        dEdo1,
        "-(0.01-0.7676)",
        expect="wrong",
        kind="wrong-edge-weight",
        cause=first,
    )
    d.sym(
        r"\hat{y1} = \frac{1}{1 + e ^{-\hat{y1}}} \\",
        False,
        expect="wrong",
        kind="other",
        note="circular: the exponent should hold the net input y1, not the output yhat1",
    )
    n(
        r"= out_{y1}(1- out_{y1}) = 0.7676(1 - 0.7676) = 0.1784",
        "0.1784",
        s1,
        "0.7676*(1-0.7676)",
        expect="wrong",
        kind="wrong-edge-weight",
        cause=first,
    )
    d.na(r"{y1} = w5 \times out_{h1} + w6 \times out_{h2} + b2 \\", "definition (now with out_h2)")
    n(
        r"\frac{\partial {y1}}{\partial w5} = 1  \times out_{h1} \times w5^{1-1} + 0 + 0 = 0.5824",
        "0.5824",
        h1,
        expect="holds",
    )
    d.sym(
        r"\frac{\partial E_{total}}{\partial w5} = \frac{\partial E_{total}}{\partial out_{y1}} \frac{\partial out_{y1}}{\partial y_1} \frac{\partial y_1}{\partial w5} ",
        True,
        value=gw5,
        expect="holds",
        occurrence=2,
    )
    n(
        r"\frac{\partial E_{total}}{\partial w5} = 0.7576 \times 0.1784 \times 0.5824 = 0.0787",
        "0.0787",
        gw5,
        "0.7576*0.1784*0.5824",
        expect="wrong",
        kind="wrong-edge-weight",
        cause=first,
    )
    n(
        r"w5 = w5 - \alpha \times \frac{\partial E_{total}}{\partial w5} = 0.4 - 0.5 \times 0.0787 = 0.3607",
        "0.3607",
        m("0.4") - m("0.5") * gw5,
        "0.4-0.5*0.0787",
        expect="wrong",
        kind="wrong-edge-weight",
        cause=first,
    )
    d.na(r"$w6 = ? $", "placeholders, no values", in_math=True)
    d.sym(
        r"\frac{\partial E_{total}}{\partial w1} = \frac{\partial E_{total}}{\partial out_{h1}} \frac{\partial out_{h1}}{\partial net_{h1}} \frac{\partial net_{h1}}{\partial w1}  \\",
        True,
        expect="holds",
    )
    d.sym(
        r"\frac{\partial E_{total}}{\partial out_{h1}} = \frac{\partial E_{o1}}{\partial out_{h1}} + \frac{\partial E_{o2}}{\partial out_{h2}}",
        False,
        expect="wrong",
        kind="other",
        occurrence=1,
        note="the second path must be dE_o2/dout_h1 (both outputs depend on out_h1); out_h2 is another unit",
    )
    d.sym(
        r"\frac{\partial E_{o1}}{\partial out_{h1}} = \frac{\partial E_{o1}}{\partial net_{o1}} \times \frac{\partial net_{o1}}{\partial out_{h1}} \\",
        True,
        expect="holds",
    )
    d.sym(
        r"\frac{\partial E_{o1}}{\partial net_{o1}} = \frac{\partial E_{o1}}{\partial net_{o1}} \times \frac{\partial out_{o1}}{\partial net_{h1}}",
        False,
        expect="wrong",
        kind="other",
        note="should be dE_o1/dout_o1 x dout_o1/dnet_o1; as written the right side repeats the left side times dout_o1/dnet_h1",
    )
    d.na(r"net_{o1} = w5 \times out_{h1} + w6 \times out_{h2} + b_2 \\", "definition")
    n(r"\frac{\partial net_{o1}}{\partial out_{h1}} = w5 = 0.4", "0.4", "0.4", expect="holds")
    n(
        r"= 0.7576 \times 0.1784 = 0.1352",
        "0.1352",
        delta1 * m("0.40"),
        "0.7576*0.1784",
        expect="wrong",
        kind="other",
        note="labelled dE_o1/dout_h1 but the product is dE_o1/dnet_o1: the factor w5 is missing (the next equation adds it)",
    )
    n(
        r"= 0.1352 * 0.4 = 0.0541",
        "0.0541",
        delta1 * m("0.40"),
        "0.1352*0.4",
        expect="wrong",
        kind="wrong-edge-weight",
        cause=first,
    )
    d.na(r"Follow the same process for $\frac{\partial E_{o2}}{\partial out_{h2}} = ?$", "placeholder")
    d.na(
        r"\frac{\partial E_{o2}}{\partial out_{h2}} = ?",
        "placeholder (it repeats the wrong path of the line above)",
        occurrence=2,
    )
    d.na(r"out_{h1} = \frac{1}{1 + e ^{-net_{h1}}} \\", "definition")
    n(
        r"= out_{h1}(1 - out_{h1}) = 0.5824(1 - 0.5824) = 0.2432",
        "0.2432",
        h1 * (1 - h1),
        "0.5824*(1-0.5824)",
        expect="holds",
    )
    d.na(r"net_{h1} = (w1 \times x1 + w3 \times x2 + b1) \\", "definition")
    n(r"\frac{\partial net_{h1}}{\partial w1} = x1 = 0.05", "0.05", "0.05", expect="holds")
    d.sym(
        r"\frac{\partial E_{total}}{\partial w1} = \frac{\partial E_{total}}{\partial out_{h1}} \frac{\partial out_{h1}}{\partial net_{h1}} \frac{\partial net_{h1}}{\partial w1} \\",
        True,
        expect="holds",
    )
    d.na(r"= ? \times 0.2432 \times 0.05", "placeholder")
    d.na(r"w1' = w1 - \mu * \frac{\partial E_{total}}{\partial w1} = 0.15 - 0.5 \times ? = ?", "placeholder")
    return d


if __name__ == "__main__":
    build().finish(sys.argv)
