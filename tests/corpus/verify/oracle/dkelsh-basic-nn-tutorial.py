"""Oracle for dkelsh-basic-nn-tutorial.md: Mazur's 2-2-2 network in w_{mi}^{layer} notation
(w_{11}^1 = 0.15, w_{21}^1 = 0.20, w_{12}^1 = 0.25, w_{22}^1 = 0.30, hidden bias 0.35;
w_{11}^2 = 0.40, w_{21}^2 = 0.45, w_{12}^2 = 0.50, w_{22}^2 = 0.55, output bias 0.60)."""

import sys

from _lib import Doc
from _mazur import EXACT, NEW, V


def build() -> Doc:
    d = Doc(
        "dkelsh-basic-nn-tutorial.md",
        "https://github.com/dkelsh/dkelsh.github.io/blob/master/_posts/2018-09-11-basic-nn-tutorial.md",
        exact=EXACT,
    )
    n, s, na = d.num, d.sym, d.na
    P = r"\partial"
    na(r"net_{h_{i}} = \left( \sum_{m}^{n} w_{mi} i_m \right) + b", "definition (indexed sum)")
    na(r"net_{h_{1}} = w_{11}^{1} i_1 + w_{21}^{1} i_2 + b_1", "definition")
    n(
        r"net_{h_{1}} = 0.15 * 0.05 + 0.20 * 0.10 + 0.35 = 0.3775",
        "0.3775",
        V["net_h1"],
        "0.15*0.05+0.20*0.10+0.35",
        expect="holds",
    )
    for needle in (
        r"out_{h_{i}} = \frac{1}{1+e^{net_{hi}}}",
        r"out_{h_{1}} = \frac{1}{1+e^{net_{h1}}} $",
        r"out_{h_{2}} = \frac{1}{1+e^{net_{h2}}}",
    ):
        s(needle, False, expect="wrong", kind="wrong-sign", note="the logistic function needs e^{-net}")
    n(
        r"out_{h_{1}} = \frac{1}{1+e^{0.3775}} = 0.593269992",
        "0.593269992",
        V["out_h1"],
        "1/(1+exp(0.3775))",
        exact={"0.3775"},
        expect="wrong",
        kind="wrong-sign",
        note="1/(1+e^{0.3775}) = 0.4067; 0.593269992 is sigma(+0.3775)",
    )
    na(r"net_{h_{2}} = w_{12}^{1} i_1 + w_{22}^{1} i_2 + b_2", "definition")
    n(
        r"net_{h_{2}} = 0.25 * 0.05 + 0.30 * 0.10 + 0.35 = 0.3925",
        "0.3925",
        V["net_h2"],
        "0.25*0.05+0.30*0.10+0.35",
        expect="holds",
    )
    n(
        r"out_{h_{2}} = \frac{1}{1+e^{0.3925}} = 0.596884378",
        "0.596884378",
        V["out_h2"],
        "1/(1+exp(0.3925))",
        exact={"0.3925"},
        expect="wrong",
        kind="wrong-sign",
    )
    na(r"net_{o_{1}} = w_{11}^{2} out_{h_{1}} + w_{21}^{2} out_{h_{2}} + b_3", "definition")
    n(
        r"net_{o_{1}} = 0.40 * 0.593269992 + 0.45 * 0.596884378 + 0.35 = 1.105905967",
        "1.105905967",
        V["net_o1"],
        "0.40*0.593269992+0.45*0.596884378+0.35",
        expect="wrong",
        kind="arithmetic-slip",
        note="the written bias is 0.35 (the output bias is 0.60): the sum as written is 0.8559; the result shown is right",
    )
    for needle in (r"out_{o_{1}} = \frac{1}{1+e^{out_{o1}}}", r"out_{o_{2}} = \frac{1}{1+e^{out_{o2}}}"):
        s(
            needle,
            False,
            expect="wrong",
            kind="other",
            occurrence=1,
            note="circular (out on both sides) and without the minus sign",
        )
    n(
        r"out_{o_{1}} = \frac{1}{1+e^{1.105905967}} = 0.75136507",
        "0.75136507",
        V["out_o1"],
        "1/(1+exp(1.105905967))",
        exact={"1.105905967"},
        expect="wrong",
        kind="wrong-sign",
    )
    na(r"net_{o_{2}} = w_{12}^{2} out_{h_{1}} + w_{22}^{2} out_{h_{2}} + b_3", "definition")
    n(
        r"net_{o_{2}} = 0.50 * 0.593269992 + 0.45 * 0.596884378 + 0.55 = 1.224921404",
        "1.224921404",
        V["net_o2"],
        "0.50*0.593269992+0.45*0.596884378+0.55",
        expect="wrong",
        kind="wrong-edge-weight",
        note="written with 0.45 for w_{22}^2 = 0.55 and 0.55 for the bias 0.60 (the sum as written is 1.1152); the result shown is right",
    )
    n(
        r"out_{o_{2}} = \frac{1}{1+e^{1.224921404}} = 0.772928465",
        "0.772928465",
        V["out_o2"],
        "1/(1+exp(1.224921404))",
        exact={"1.224921404"},
        expect="wrong",
        kind="wrong-sign",
    )
    na(r"E_{total} = \sum \frac {1}{2}(ideal - out)^2", "definition")
    n(
        r"E_{o1} = \frac {1}{2}(0.01 - 0.75136507)^2 = 0.274811083",
        "0.274811083",
        V["E_o1"],
        "(0.01-0.75136507)**2/2",
        expect="holds",
    )
    n(
        r"E_{o2} = \frac {1}{2}(0.99 - 0.772928465)^2 = 0.023560026",
        "0.023560026",
        V["E_o2"],
        "(0.99-0.772928465)**2/2",
        expect="holds",
    )
    n(
        r"E_{total} = E_{o1} + E_{o2} = 0.274811083 + 0.023560026 = 0.298371109",
        "0.298371109",
        V["E_total"],
        "0.274811083+0.023560026",
        expect="holds",
    )
    s(
        rf"\frac{{{P} E_{{total}}}}{{{P} w_{{11}}^{{2}}}} = \frac{{{P} E_{{total}}}}{{{P} out_{{o1}}}} \frac{{{P} out_{{o1}}}}{{{P} net_{{o1}}}} \frac{{{P} net_{{o1}}}}{{{P} w_{{11}}^{{2}}}} $",
        True,
        value=V["dE_dw5"],
        expect="holds",
        occurrence=1,
    )
    na(
        r"E_{total} = \frac {1}{2}(ideal_{o1} - out_{o1})^2 + \frac {1}{2}(ideal_{o2} - out_{o2})^2",
        "definition",
    )
    s(
        r"\frac{\partial E_{total}}{\partial out_{o1}} = - \left( ideal_{o1} - out_{o1} \right) $",
        True,
        value=V["dE_dout_o1"],
        expect="holds",
    )
    n(
        r"\frac{\partial E_{total}}{\partial out_{o1}} = -(0.01 - 0.75136507) = 0.74136507",
        "0.74136507",
        V["dE_dout_o1"],
        "-(0.01-0.75136507)",
        expect="holds",
    )
    s(
        r"\frac{\partial out_{o1}}{\partial net_{o1}} = out_{o1} \left( 1 - out_{o1} \right) $",
        True,
        expect="holds",
    )
    n(
        r"\frac{\partial out_{o1}}{\partial net_{o1}} = 0.75136507(1 - 0.75136507) = 0.186815602",
        "0.186815602",
        V["dout_dnet_o1"],
        "0.75136507*(1-0.75136507)",
        expect="holds",
    )
    na(
        r"net_{o_{1}} = w_{11}^{2} out_{h_{1}} + w_{21} out_{h_{2}} + b_3",
        "definition (w_{21} lost its superscript)",
    )
    s(
        r"\frac{\partial net_{o1}}{\partial w_{11}^{2}} = out_{h_{1}} $",
        True,
        value=V["out_h1"],
        expect="holds",
    )
    n(
        r"\frac{\partial net_{o1}}{\partial w_{11}^{2}} = 0.593269992",
        "0.593269992",
        V["out_h1"],
        expect="holds",
    )
    s(
        rf"\frac{{{P} E_{{total}}}}{{{P} w_{{11}}^{{2}}}} = \frac{{{P} E_{{total}}}}{{{P} out_{{o1}}}} \frac{{{P} out_{{o1}}}}{{{P} net_{{o1}}}} \frac{{{P} net_{{o1}}}}{{{P} w_{{11}}^{{2}}}} $",
        True,
        value=V["dE_dw5"],
        expect="holds",
        occurrence=2,
    )
    na(
        r"= - \left( ideal_{o1} - out{o1} \right) out_{o1} \left( 1 - out_{o1} \right) out_{h_{1}}",
        "out{o1} (no underscore) cannot be read for sure as out_{o1}",
    )
    g5 = n(
        r"= 0.74136507 * 0.186815602 * 0.593269992 = 0.0821671041",
        "0.0821671041",
        V["dE_dw5"],
        "0.74136507*0.186815602*0.593269992",
        expect="wrong",
        kind="arithmetic-slip",
        note="the product is 0.0821670407 (Mazur: 0.082167041); a digit is inserted",
    ).line
    na(
        r"\therefore \frac{\partial E_{total}}{\partial w_{j1}^{2}}",
        "definition of delta_o1 and a general rule",
    )
    n(
        r"= 0.74136507 * 0.186815602 = 0.13849856185",
        "0.13849856185",
        V["delta_o1"],
        "0.74136507*0.186815602",
        expect="holds",
        label="d1",
    )
    na(r"w_{11}^{2+} = w_{11}^{2} - \eta \frac{\partial E_{total}}{\partial w_{11}^{2}} $", "the update rule")
    n(
        r"w_{11}^{2+} = 0.40 - 0.5 * 0.0821671041 = 0.35891648",
        "0.35891648",
        NEW["w5"],
        "0.40-0.5*0.0821671041",
        expect="wrong",
        kind="arithmetic-slip",
        exact={"0.0821671041"},
        note=f"0.40 - 0.5 x 0.0821671041 = 0.3589164480; the shown 0.35891648 is the true update (the slip of line {g5} is "
        "not carried)",
    )
    s(
        r"\frac{\partial E_{total}}{\partial w_{21}^{2}} = \delta_{o1} \frac{\partial net_{o1}}{\partial w_{21}^{2}} $",
        True,
        expect="holds",
    )
    s(
        r"\frac{\partial E_{total}}{\partial w_{21}^{2}} = \delta_{o1} * out_{h_{2}} $",
        True,
        value=V["dE_dw6"],
        expect="holds",
    )
    n(
        r"= 0.13849856185 * 0.596884378  = 0.082667628",
        "0.082667628",
        V["dE_dw6"],
        "K['d1']*0.596884378",
        expect="holds",
    )
    na(r"w_{21}^{2+} = w_{21}^{2} - \eta \frac{\partial E_{total}}{\partial w_{21}^{2}} $", "the update rule")
    n(
        r"w_{21}^{2+} = 0.45 - 0.5 * 0.082667628 = 0.408666186",
        "0.408666186",
        NEW["w6"],
        "0.45-0.5*0.082667628",
        expect="holds",
    )
    s(
        r"\delta_{o2} = \frac{\partial E_{total}}{\partial out_{o2}} \frac{\partial out_{o2}}{\partial net_{o2}} $",
        True,
        value=V["delta_o2"],
        expect="holds",
    )
    na(r"\delta_{o2} = -\left(ideal_{o2} - out{o2}\right)", "out{o2} (no underscore) cannot be read for sure")
    n(
        r"= -(0.99 - 0.772928465) * 0.772928465(1 - 0.772928465) =  -0.03809823661",
        "-0.03809823661",
        V["delta_o2"],
        "-(0.99-0.772928465)*0.772928465*(1-0.772928465)",
        expect="holds",
        label="d2",
    )
    na(
        r"\frac{\partial E_{total}}{\partial w_{12}^{2}} = \delta_{o2} \frac{\partial net_{o2}}{\partial ",
        "the fraction is broken over two lines ('\\partial' then '_{12}^{2}'): not a readable equation",
    )
    n(
        r"= -0.03809823661 * 0.593269992 = -0.022602541",
        "-0.022602541",
        V["dE_dw7"],
        "K['d2']*0.593269992",
        expect="holds",
    )
    na(r"w_{12}^{2+} = w_{12}^{2} - \eta \frac{\partial E_{total}}{\partial w_{12}^{2}} $", "the update rule")
    n(
        r"w_{12}^{2+} = 0.50 - 0.5 * -0.022602541 = 0.51130127",
        "0.51130127",
        NEW["w7"],
        "0.50-0.5*-0.022602541",
        expect="holds",
    )
    s(
        r"\frac{\partial E_{total}}{\partial w_{22}^{2}} = \delta_{o2} \frac{\partial net_{o2}}{\partial w_{22}^{2}} $",
        True,
        expect="holds",
    )
    n(
        r"= -0.03809823661 * 0.596884378 = -0.022740242",
        "-0.022740242",
        V["dE_dw8"],
        "K['d2']*0.596884378",
        expect="holds",
    )
    na(r"w_{22}^{2+} = w_{22}^{2} - \eta \frac{\partial E_{total}}{\partial w_{22}^{2}} $", "the update rule")
    n(
        r"w_{22}^{2+} = 0.55 - 0.5 * -0.022740242 = 0.561370121",
        "0.561370121",
        NEW["w8"],
        "0.55-0.5*-0.022740242",
        expect="holds",
    )
    s(
        r"\frac{\partial E_{total}}{\partial w_{11}^{1}} = \frac{\partial E_{total}}{\partial out_{h1}} \frac{\partial out_{h1}}{\partial net_{h1}} \frac{\partial net_{h1}}{\partial w_{11}^{1}} $",
        True,
        value=V["dE_dw1"],
        expect="holds",
    )
    s(
        r"\frac{\partial E_{total}}{\partial w_{11}^{1}} = \left( \frac{\partial E_{o1}}{\partial out_{o1}}",
        False,
        value=V["dE_dw1"],
        expect="wrong",
        kind="dropped-activation-derivative",
        note="the bracket is dE/dout_h1; the factors dout_h1/dnet_h1 and dnet_h1/dw are missing",
    )
    s(
        r"\frac{\partial E_{total}}{\partial out_{h1}} = \frac{\partial E_{o1}}{\partial out_{h1}} + \frac{\partial E_{o2}}{\partial out_{h1}} $",
        True,
        value=V["dE_douth1"],
        expect="holds",
    )
    s(
        r"\frac{\partial E_{o1}}{\partial out_{h1}} = \frac{\partial E_{o1}}{\partial out_{o1}}",
        True,
        value=V["dEo1_douth1"],
        expect="holds",
    )
    s(
        r"\frac{\partial E_{o1}}{\partial out_{h1}} = -\left(ideal_{o1} - out_{o1}\right) out_{o1} \left( 1 - out_{o1} \right) w_{11}^{2} $",
        True,
        value=V["dEo1_douth1"],
        expect="holds",
    )
    n(
        r"= 0.74136507 * 0.186815602 * 0.4 = 0.055399425",
        "0.055399425",
        V["dEo1_douth1"],
        "0.74136507*0.186815602*0.4",
        expect="holds",
    )
    s(
        r"\frac{\partial E_{o2}}{\partial out_{h1}} = \frac{\partial E_{o2}}{\partial out_{o2}}",
        True,
        value=V["dEo2_douth1"],
        expect="holds",
    )
    s(
        r"\frac{\partial E_{o2}}{\partial out_{h1}} = -\left(ideal_{o2} - out_{o2}\right) out_{o2} \left( 1 - out_{o2} \right) w_{12}^{2} $",
        True,
        value=V["dEo2_douth1"],
        expect="holds",
    )
    n(
        r"* 0.772928465(1 - 0.772928465) * 0.5 = -0.019049118",
        "-0.019049118",
        V["dEo2_douth1"],
        "-(0.99-0.772928465)*0.772928465*(1-0.772928465)*0.5",
        expect="holds",
    )
    n(
        r"= 0.055399425 - 0.019049118 = 0.036350307",
        "0.036350307",
        V["dE_douth1"],
        "0.055399425-0.019049118",
        expect="holds",
        label="douth1",
    )
    n(
        r"= 0.593269992(1 - 0.593269992) = 0.241300709",
        "0.241300709",
        V["douth1_dneth1"],
        "0.593269992*(1-0.593269992)",
        expect="holds",
    )
    n(r"\frac{\partial net_{h1}}{\partial w_{11}^{1}} = i_1 = 0.05", "0.05", "0.05", expect="holds")
    n(
        r"= 0.036350307 * 0.241300709 * 0.05 = 0.000438568",
        "0.000438568",
        V["dE_dw1"],
        "K['douth1']*0.241300709*0.05",
        expect="holds",
    )
    s(r"\left( \sum_{o} \frac{\partial E_{total}}{\partial out_{o}}", True, value=V["dE_dw1"], expect="holds")
    s(
        r"\left( \sum_{o} \delta_{o} \frac{\partial net_{o}}{\partial out_{h1}} \right) out_{h1}(1 - out_{h1}) i_1",
        True,
        value=V["dE_dw1"],
        expect="holds",
    )
    s(
        r"\frac{\partial E_{total}}{\partial w_{11}^{1}} = \delta_{h1} i_1 $",
        True,
        value=V["dE_dw1"],
        expect="holds",
    )
    n(
        r"\delta_{h1} = 0.036350307 * 0.241300709 = 0.008771354",
        "0.008771354",
        V["delta_h1"],
        "0.036350307*0.241300709",
        expect="wrong",
        kind="rounding",
        label="dh1",
        note="0.036350307 x 0.241300709 = 0.00877135485 and the true delta_h1 = 0.00877135469 both round to "
        "0.008771355; 0.008771354 is truncated, as at line 376 (line 296's 0.036350307 is exact arithmetic "
        "of its shown numbers, and the truth, 0.0363503064, does not give ...354 either)",
    )
    na(r"w_{11}^{1+} = w_{11}^{1} - \eta \frac{\partial E_{total}}{\partial w_{11}^{1}} $", "the update rule")
    n(
        r"w_{11}^{1+} = 0.15 - 0.5 * 0.000438568 = 0.149780716",
        "0.149780716",
        NEW["w1"],
        "0.15-0.5*0.000438568",
        expect="holds",
    )
    s(
        r"\frac{\partial E_{total}}{\partial w_{21}^{1}} = \delta_{h1} \frac{\partial net_{h1}}{\partial w_{21}^{1}} $",
        True,
        expect="holds",
    )
    s(
        r"\frac{\partial E_{total}}{\partial w_{21}^{1}} = \delta_{h1} i_2 $",
        True,
        value=V["dE_dw2"],
        expect="holds",
    )
    n(
        r"= 0.008771354 * 0.10 = 0.0008771354",
        "0.0008771354",
        V["dE_dw2"],
        "K['dh1']*0.10",
        expect="holds",
        label="g2",
    )
    na(r"w_{21}^{1+} = w_{21}^{1} - \eta \frac{\partial E_{total}}{\partial w_{21}^{1}} $", "the update rule")
    n(
        r"w_{21}^{1+} = 0.20 - 0.5 * 0.0008771354 = 0.1995614323",
        "0.1995614323",
        NEW["w2"],
        "0.20-0.5*K['g2']",
        expect="holds",
    )
    s(
        r"\frac{\partial E_{total}}{\partial w_{12}^{1}} = \frac{\partial E_{total}}{\partial out_{h2}} \frac{\partial out_{h2}}{\partial net_{h2}} \frac{\partial net_{h2}}{\partial w_{11}^{1}} $",
        False,
        value=V["dE_dw3"],
        expect="wrong",
        kind="other",
        note="ends with dnet_h2/dw_{11}^1, which is 0: w_{11}^1 does not feed h2 (w_{12}^1 is meant)",
    )
    s(
        r"\frac{\partial E_{total}}{\partial out_{h2}} = \frac{\partial E_{o1}}{\partial out_{h2}} + \frac{\partial E_{o2}}{\partial out_{h2}} $",
        True,
        value=V["dE_douth2"],
        expect="holds",
    )
    s(
        r"\frac{\partial E_{o1}}{\partial out_{h2}} = \frac{\partial E_{o1}}{\partial out_{o1}}",
        True,
        value=V["dEo1_douth2"],
        expect="holds",
    )
    s(
        r"\frac{\partial E_{o1}}{\partial out_{h2}} = -\left(ideal_{o1} - out_{o1}\right) out_{o1} \left( 1 - out_{o1} \right) w_{21}^{2} $",
        True,
        value=V["dEo1_douth2"],
        expect="holds",
    )
    n(
        r"= 0.74136507 * 0.186815602 * 0.45 = 0.0623243528",
        "0.0623243528",
        V["dEo1_douth2"],
        "0.74136507*0.186815602*0.45",
        expect="holds",
    )
    s(
        r"\frac{\partial E_{o2}}{\partial out_{h2}} = \frac{\partial E_{o2}}{\partial out_{o2}}",
        True,
        value=V["dEo2_douth2"],
        expect="holds",
    )
    s(
        r"\left( 1 - out_{o1} \right) w_{22}^{2} $",
        False,
        value=V["dEo2_douth2"],
        expect="wrong",
        kind="other",
        note="uses out_{o1} in the sigmoid derivative of output o2 (the numbers below use out_o2)",
    )
    n(
        r"* 0.772928465(1 - 0.772928465) * 0.55 = -0.02095403013",
        "-0.02095403013",
        V["dEo2_douth2"],
        "-(0.99-0.772928465)*0.772928465*(1-0.772928465)*0.55",
        expect="holds",
    )
    r376 = n(
        r"= 0.0623243528 - 0.02095403013 = 0.041370322",
        "0.041370322",
        V["dE_douth2"],
        "0.0623243528-0.02095403013",
        expect="wrong",
        kind="rounding",
        label="douth2",
        note="0.0623243528 - 0.02095403013 = 0.04137032267, i.e. 0.041370323 (truncated)",
    ).line
    n(
        r"= 0.596884378(1 - 0.596884378) = 0.2406134173",
        "0.2406134173",
        V["douth2_dneth2"],
        "0.596884378*(1-0.596884378)",
        expect="holds",
    )
    n(r"\frac{\partial net_{h2}}{\partial w_{12}^{1}} = i_1 = 0.05", "0.05", "0.05", expect="holds")
    s(
        r"\frac{\partial net_{h2}}{\partial w_{11}^{1}} = 0.041370322",
        False,
        value=V["dE_dw3"],
        expect="wrong",
        kind="other",
        note="the chain on the left ends in dnet_h2/dw_{11}^1 (= 0), as above",
    )
    n(
        r"= 0.041370322 * 0.2406134173 * 0.05 = 0.0004977127",
        "0.0004977127",
        V["dE_dw3"],
        "K['douth2']*0.2406134173*0.05",
        expect="holds",
        note="the numbers are those of dE/dw_{12}^1",
    )
    n(
        r"\delta_{h2} = 0.041370322 * 0.2406134173 = 0.00995425455",
        "0.00995425455",
        V["delta_h2"],
        "K['douth2']*0.2406134173",
        expect="wrong",
        kind="rounding",
        label="dh2",
        cause=r376,
        note="eleven digits from a nine-digit input: 0.041370322 x 0.2406134173 = 0.009954254 57..., not ...55",
    )
    na(r"w_{12}^{1+} = w_{12}^{1} - \eta \frac{\partial E_{total}}{\partial w_{12}^{1}} $", "the update rule")
    n(
        r"w_{12}^{1+} = 0.25 - 0.5 * 0.0004977127 = 0.2497511436",
        "0.2497511436",
        NEW["w3"],
        "0.25-0.5*0.0004977127",
        expect="holds",
    )
    s(
        r"\frac{\partial E_{total}}{\partial w_{22}^{1}} = \delta_{h2} \frac{\partial net_{h1}}{\partial w_{22}^{1}} $",
        False,
        value=V["dE_dw4"],
        expect="wrong",
        kind="other",
        note="net_h1 does not depend on w_{22}^1 (net_h2 is meant)",
    )
    s(
        r"\frac{\partial E_{total}}{\partial w_{22}^{1}} = \delta_{h2} i_2 $",
        True,
        value=V["dE_dw4"],
        expect="holds",
    )
    n(
        r"= 0.00995425455 * 0.10 = 0.000995425455",
        "0.000995425455",
        V["dE_dw4"],
        "0.00995425455*0.10",
        expect="wrong",
        kind="rounding",
        cause=r376,
        label="g4",
        exact={"0.00995425455"},
    )
    na(r"w_{22}^{1+} = w_{22}^{1} - \eta \frac{\partial E_{total}}{\partial w_{22}^{1}} $", "the update rule")
    n(
        r"w_{21}^{1+} = 0.30 - 0.5 * 0.000995425455 = 0.2995022873",
        "0.2995022873",
        NEW["w2"],
        "0.30-0.5*K['g4']",
        expect="wrong",
        kind="other",
        note="labelled w_{21}^{1+} (which is 0.19956143); the number is w_{22}^{1+}",
    )
    return d


if __name__ == "__main__":
    build().finish(sys.argv)
