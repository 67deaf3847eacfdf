"""Oracle for gfg-backprop-cs201.md (the GeeksforGeeks worked example).

Network from the article's figure: x1 = 0.35, x2 = 0.7; w11 = w21 = 0.2 (to h1),
w12 = w22 = 0.3 (to h2), w13 = 0.3, w23 = 0.9 (to the output), sigmoid units,
no biases, target 0.5, learning rate 1.  The article's own conventions are used:
delta_j = y_j (1 - y_j) (target - y_j) for the output, delta_j = y_j (1 - y_j) w delta_5
for a hidden unit, Delta w_ij = eta delta_j O_i and w(new) = w + Delta w.
"""

import sys

import mpmath as mp
from _lib import Doc, sig


def build() -> Doc:
    d = Doc(
        "gfg-backprop-cs201.md",
        "https://github.com/GMyhf/2025spring-cs201/blob/main/LLM/0_xor_bp_neural_net_manual.md",
        exact={"0.35", "0.7", "0.2", "0.3", "0.9", "0.5", "1"},
    )
    m = mp.mpf
    x1, x2, w11, w21, w12, w22, w13, w23, t = (
        m("0.35"),
        m("0.7"),
        m("0.2"),
        m("0.2"),
        m("0.3"),
        m("0.3"),
        m("0.3"),
        m("0.9"),
        m("0.5"),
    )
    a1 = w11 * x1 + w21 * x2
    y3 = sig(a1)
    a2 = w12 * x1 + w22 * x2
    y4 = sig(a2)
    a3 = w13 * y3 + w23 * y4
    y5 = sig(a3)
    d5 = y5 * (1 - y5) * (t - y5)
    d3 = y3 * (1 - y3) * (w13 * d5)
    d4 = y4 * (1 - y4) * (w23 * d5)
    new = {
        "w23": w23 + d5 * y4,
        "w13": w13 + d5 * y3,
        "w11": w11 + d3 * x1,
        "w21": w21 + d3 * x2,
        "w12": w12 + d4 * x1,
        "w22": w22 + d4 * x2,
    }
    y3n = sig(new["w11"] * x1 + new["w21"] * x2)
    y4n = sig(new["w12"] * x1 + new["w22"] * x2)
    y5n = sig(new["w13"] * y3n + new["w23"] * y4n)

    d.na(r"a_j=\sum(w_{i,j}∗x_i)", "definition")
    d.na(r"o_j = \text{activation function}(a_j)", "definition")
    d.na(r"y_j = \frac{1}{1+e^{−a_j}}", "definition of the sigmoid (Unicode minus)")
    d.na(r"a_1 = (w_{1,1} \times x_1) + (w_{2,1} \times x_2)", "definition")
    d.num(
        r"a_1 = (0.2 \times 0.35) + (0.2 \times 0.7) = 0.21",
        "0.21",
        a1,
        "(0.2*0.35)+(0.2*0.7)",
        expect="holds",
    )
    d.na(r"y_j = F(a_j) = \frac{1}{1 + e^{-a_1}}", "definition (mixes the index j with a_1)")
    first = d.num(
        r"y_3 = F(0.21) = \frac{1}{1 + e^{-0.21}} = 0.56",
        "0.56",
        y3,
        "sig(0.21)",
        exact={"0.21"},
        expect="wrong",
        kind="arithmetic-slip",
        note="sigma(0.21) = 0.5523, i.e. 0.55; 0.56 is a known slip of the article",
    ).line
    d.num(
        r"a_2 = (w_{1,2} \times x_1) + (w_{2,2} \times x_2) = (0.3 \times 0.35) + (0.3 \times 0.7) = 0.315",
        "0.315",
        a2,
        "(0.3*0.35)+(0.3*0.7)",
        expect="holds",
    )
    d.num(
        r"y_4 = F(0.315) = \frac{1}{1 + e^{-0.315}} = 0.578",
        "0.578",
        y4,
        "sig(0.315)",
        exact={"0.315"},
        expect="holds",
    )
    a3l = d.num(
        r"= (0.3 \times 0.56) + (0.9 \times 0.58) = 0.702",
        "0.702",
        a3,
        "(0.3*0.56)+(0.9*0.58)",
        expect="wrong",
        kind="arithmetic-slip",
        note="0.168 + 0.522 = 0.690, not 0.702 (and 0.56 carries the slip above)",
    ).line
    d.num(
        r"y_5 = F(0.702) = \frac{1}{1 + e^{-0.702}} = 0.67",
        "0.67",
        y5,
        "sig(0.702)",
        exact={"0.702"},
        expect="holds",
        note="sigma(0.702) = 0.6686; the true output 0.6651 also rounds into 0.67's interval",
    )
    d.na(r"Error_j=y_{target}−y_5", "definition")
    d.num("=> 0.5−0.67=−0.17", "-0.17", t - y5, "0.5-0.67", expect="holds", in_math=False)
    d.na(r"Δw_{ij}=η×δ_j×O_j", "the update rule (Greek letters as Unicode)")
    d.na(r"δ_5=y_5(1−y_5)(y_{target}−y_5)", "definition of the output delta")
    d.num(
        "=0.67(1−0.67)(−0.17)=−0.0376", "-0.0376", d5, "0.67*(1-0.67)*(-0.17)", expect="holds", in_math=False
    )
    d.na(r"δ_3=y_3(1−y_3)(w_{1,3}×δ_5)", "definition of the hidden delta")
    d.num(
        "=0.56(1−0.56)(0.3×−0.0376)=−0.0027",
        "-0.0027",
        d3,
        "0.56*(1-0.56)*(0.3*-0.0376)",
        expect="holds",
        in_math=False,
        note="0.2464 x (-0.01128) = -0.00278 from the shown digits, but the interval of 0.56 and 1-0.56 "
        "(propagated independently, as mpmath.iv does) reaches -0.0027, and the true value is -0.00273",
    )
    d.na(r"δ_4=y_4(1−y_4)(w_{2,3}×δ_5)", "definition of the hidden delta")
    d4l = d.num(
        "=0.59(1−0.59)(0.9×−0.0376)=−0.0819",
        "-0.0819",
        d4,
        "0.59*(1-0.59)*(0.9*-0.0376)",
        expect="wrong",
        kind="arithmetic-slip",
        in_math=False,
        note="0.2419 x (-0.03384) = -0.00819: off by a factor of ten; it also uses 0.59 for y4 = 0.578",
    ).line
    w23l = d.num(
        r"Δw_{2,3}=1×(−0.0376)×0.59=−0.022184",
        "-0.022184",
        d5 * y4,
        "1*(-0.0376)*0.59",
        exact={"0.0376", "0.59"},
        expect="wrong",
        kind="arithmetic-slip",
        note="uses 0.59 for y4, which the forward pass gave as 0.578",
    ).line
    d.num(
        r"w_{2,3}(new)=−0.022184+0.9=0.877816",
        "0.877816",
        new["w23"],
        "-0.022184+0.9",
        exact={"0.022184"},
        expect="wrong",
        kind="arithmetic-slip",
        cause=w23l,
    )
    w11l = d.num(
        r"Δw_{1,1}=1×(−0.0027)×0.35=0.000945",
        "0.000945",
        d3 * x1,
        "1*(-0.0027)*0.35",
        exact={"0.0027"},
        expect="wrong",
        kind="wrong-sign",
        note="(-0.0027) x 0.35 = -0.000945: the sign is dropped",
    ).line
    d.num(
        r"w_{1,1}(new)=0.000945+0.2=0.200945",
        "0.200945",
        new["w11"],
        "0.000945+0.2",
        exact={"0.000945"},
        expect="wrong",
        kind="wrong-sign",
        cause=w11l,
    )
    for k, shown in (("w12", "0.273225"), ("w13", "0.086615"), ("w21", "0.269445"), ("w22", "0.18534")):
        tex = "w_{%s,%s}(new)=%s" % (k[1], k[2], shown)
        d.num(
            tex,
            shown,
            new[k],
            expect="wrong",
            kind="arithmetic-slip",
            note="not reproducible from the article's own deltas; compare the true update",
        )
    d.num(
        "应该更新为0.18534",
        "0.18534",
        new["w22"],
        expect="wrong",
        kind="arithmetic-slip",
        in_math=False,
        cause=d.line_of("w_{2,2}(new)=0.18534"),
        note="the compiler's note repeats the article's value",
    )
    for name, shown, true in (("y3", "0.57", y3n), ("y4", "0.56", y4n), ("y5", "0.61", y5n)):
        d.num(
            f"- {name}={shown}",
            shown,
            true,
            expect="wrong",
            kind="arithmetic-slip",
            in_math=False,
            cause=w23l,
            note="forward pass after the update, at the truly updated weights",
        )
    d.na(r"Error=y_{target}−y_5", "definition", occurrence=1, after=d.line_of("- y5=0.61"))
    d.num(
        "=0.5−0.61=−0.11=0.5−0.61=−0.11",
        "-0.11",
        t - y5n,
        "0.5-0.61",
        expect="wrong",
        kind="arithmetic-slip",
        in_math=False,
        cause=w23l,
    )
    return d


if __name__ == "__main__":
    build().finish(sys.argv)
