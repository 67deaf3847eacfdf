"""Oracle for mazur-repro-vortune.md: a transcription of Matt Mazur's 2-2-2 example.

True values come from _mazur.py (mpmath, 50 digits).  Rows of an align are
claims about the quantity on the left of their block.
"""

import sys

from _lib import Doc, sig  # noqa: F401
from _mazur import EXACT, NEW, V


def build() -> Doc:
    d = Doc(
        "mazur-repro-vortune.md",
        "https://github.com/vortune/actual-number-backpropagation/blob/master/A_Step_by_Step_Backpropagation_Example.md",
        exact=EXACT,
    )
    n = d.num
    d.na(r"net_{h1}  &=  w_1 \cdot i_1 + w_2 \cdot i_2 + b_1 \cdot 1", "definition")
    n(r"&= 0.15 * 0.05 + 0.2 * 0.1 + 0.35 * 1", None, V["net_h1"], "0.15*0.05+0.2*0.1+0.35*1", expect="holds")
    n(r"&= 0.3775", "0.3775", V["net_h1"], expect="holds")
    d.na(r"out_{h1} &= \frac{1}{1+e^{-net_{h1}}}", "definition of the logistic output")
    n(r"&= \frac{1}{1+e^{-0.3775}}", None, V["out_h1"], "sig(0.3775)", exact={"0.3775"}, expect="holds")
    n(r"&= 0.593269992", "0.593269992", V["out_h1"], expect="holds", occurrence=1)
    n(r"out_{h2} = 0.596884378", "0.596884378", V["out_h2"], expect="holds")
    d.na(r"net_{o1} &= w_5 \cdot out_{h1} + w_6 \cdot out_{h2} + b_2 \cdot 1", "definition", occurrence=1)
    n(
        r"&= 0.4 * 0.593269992 + 0.45 * 0.596884378 + 0.6 * 1",
        None,
        V["net_o1"],
        "0.4*0.593269992+0.45*0.596884378+0.6*1",
        expect="holds",
    )
    n(r"&= 1.105905967 \\ \\", "1.105905967", V["net_o1"], expect="holds")
    d.na(r"out_{o1} &= \frac{1}{1+e^{-net_{o1}}} \\ \\", "definition", occurrence=1)
    n(
        r"&= \frac{1}{1+e^{-1.1059059067}}",
        None,
        V["out_o1"],
        "sig(1.1059059067)",
        expect="wrong",
        kind="arithmetic-slip",
        note="the transcription writes 1.1059059067 for net_o1 = 1.105905967 (a digit inserted); sigma of it is "
        "0.751365058, not out_o1",
    )
    n(r"&= 0.75136507", "0.75136507", V["out_o1"], expect="holds", note="true 0.7513650696", occurrence=1)
    n(r"out_{o2} = 0.772928465", "0.772928465", V["out_o2"], expect="holds")
    d.na(
        r"E_{total} = \sum \frac{1}{2}\|target - output\|^2",
        "definition of the loss (written with norm bars)",
    )
    d.na(r"E_{o1} &= \frac{1}{2}\|target_{o1}-out_{o1}\|^2", "definition")
    n(r"&=\frac{1}{2}\|0.01-0.75136507\|^2", None, V["E_o1"], "(0.01-0.75136507)**2/2", expect="holds")
    n(r"&= 0.274811083", "0.274811083", V["E_o1"], expect="holds", occurrence=1)
    n(r"E_{o2} = 0.023560026", "0.023560026", V["E_o2"], expect="holds")
    d.na(r"E_{total} &= E_{o1} + E_{o2} \\ \\", "definition")
    n(r"&= 0.274811083 + 0.023560026", None, V["E_total"], "0.274811083+0.023560026", expect="holds")
    n(r"&= 0.298371109", "0.298371109", V["E_total"], "0.274811083+0.023560026", expect="holds")
    d.sym(
        r"\frac{\partial E_{total}}{\partial w_5} =",
        True,
        value=V["dE_dw5"],
        expect="holds",
        occurrence=1,
        note="chain rule dE/dout_o1 * dout_o1/dnet_o1 * dnet_o1/dw5 (rows below)",
    )
    d.na(r"E_{total} &= \frac{1}{2}\|target_{o1}-out_{o1}\|^2", "definition")
    d.sym(
        r"\frac {\partial E_{o1}}{\partial out_{o1}} &=",
        True,
        value=V["dE_dout_o1"],
        expect="holds",
        note="the row goes on: 2 * 1/2 |t - out|^(2-1) + 0; with absolute values it equals |t - out| = out - t here, "
        "since out_o1 > t_o1",
    )
    n(
        r"&= \|target_{o1}-out_{o1}\| \\ \\",
        None,
        V["dE_dout_o1"],
        "0.75136507-0.01",
        expect="holds",
        note="|t - out| equals the derivative out - t at this point",
    )
    n(r"&= \|0.01-0.75136507\| \\ \\", None, V["dE_dout_o1"], "abs(0.01-0.75136507)", expect="holds")
    n(r"&= 0.74136507", "0.74136507", V["dE_dout_o1"], expect="holds", occurrence=1)
    d.na(r"out_{o1} &= \frac {1}{1+e^{-net_{o1}}}", "definition")
    d.sym(r"&= out_{o1}(1-out_{o1}) \\ \\", True, value=V["dout_dnet_o1"], expect="holds")
    n(r"&= 0.75136507(1-0.75136507)", None, V["dout_dnet_o1"], "0.75136507*(1-0.75136507)", expect="holds")
    n(r"&= 0.186815602", "0.186815602", V["dout_dnet_o1"], expect="holds")
    d.na(
        r"net_{o1} &= w_5 \cdot out_{h1} + w_6 \cdot out_{h2} + b_2 \cdot 1 \\ \\", "definition", occurrence=2
    )
    d.sym(
        r"\frac {\partial net_{o1}}{\partial w_5} &=",
        True,
        value=V["out_h1"],
        expect="holds",
        note="1 * out_h1 * w5^(1-1) + 0 + 0 = out_h1",
    )
    d.sym(r"&= out_{h1} \\ \\", True, value=V["out_h1"], expect="holds")
    n(r"&= 0.593269992", "0.593269992", V["out_h1"], expect="holds", occurrence=2)
    first = d.sym(
        r"\frac {\partial E_{total}}{\partial w5} &=",
        False,
        value=V["dE_dw5"],
        expect="wrong",
        kind="other",
        note="the rows give dE/dout_h1 * dout_h1/dnet_h1 * dnet_h1/dw_5 (the chain for w1, pasted here); "
        "net_h1 does not depend on w5, so that product is 0, not dE/dw5 = 0.08217",
    ).line
    n(
        r"&= 0.74136507 * 0.186815602 * 0.593269992",
        None,
        V["dE_dw5"],
        "0.74136507*0.186815602*0.593269992",
        expect="holds",
        note="the numbers are the right chain for w5 again",
    )
    n(r"&= 0.082167041", "0.082167041", V["dE_dw5"], expect="holds")
    d.sym(
        r"-(target_{o1}-out_{o1}) \cdot out_{o1}(1-out_{o1}) \cdot out_{h1}",
        True,
        value=V["dE_dw5"],
        expect="holds",
        note="delta rule (in a blockquote)",
    )
    d.sym(
        r"> \delta_{o1} &= \frac{\partial E_{total}}{\partial out_{o1}} \cdot",
        True,
        value=V["delta_o1"],
        expect="holds",
        note="defines delta_o1 = dE/dnet_o1",
    )
    d.sym(r"> &= \frac{\partial E_{total}}{\partial net_{o1}}", True, value=V["delta_o1"], expect="holds")
    d.sym(
        r"> &= -(target_{o1}-out_{o1}) \cdot out_{o1}(1-out_{o1})", True, value=V["delta_o1"], expect="holds"
    )
    d.sym(
        r"\frac{\partial E_{total}}{\partial w_5} = \delta_{o1} \cdot out_{h1}",
        True,
        value=V["dE_dw5"],
        expect="holds",
    )
    d.na(
        r"\frac{\partial E_{total}}{\partial w_5} = -\delta_{o1} \cdot out_{h1}",
        "stated for sources that define delta with the opposite sign; under this document's delta it would not hold",
    )
    d.na(r"w_5^+ &= w_5 - \eta \frac{\partial E_{total}}{\partial w_5}", "the update rule")
    n(r"&= 0.4 - 0.5 * 0.082167041", None, NEW["w5"], "0.4-0.5*0.082167041", expect="holds")
    n(r"&= 0.35891648", "0.35891648", NEW["w5"], expect="holds")
    n(r"w_6^{+} &= 0.408666186", "0.408666186", NEW["w6"], expect="holds")
    n(r"w_7^{+} &= 0.511301270", "0.511301270", NEW["w7"], expect="holds")
    n(r"w_8^{+} &= 0.561370121", "0.561370121", NEW["w8"], expect="holds")
    d.sym(
        r"\frac{\partial E_{total}}{\partial w_1} = \frac{\partial E_{total}}{\partial out_{h1}} \cdot",
        True,
        value=V["dE_dw1"],
        expect="holds",
    )
    d.sym(
        r"\frac{\partial E_{total}}{\partial out_{h1}} = ",
        True,
        value=V["dE_douth1"],
        expect="holds",
        note="sum over the two output paths",
    )
    d.sym(r"\frac{\partial E_{o1}}{\partial out_{h1}} =", True, value=V["dEo1_douth1"], expect="holds")
    d.sym(r"\frac{\partial E_{o1}}{\partial net_{o1}} &= ", True, value=V["delta_o1"], expect="holds")
    n(
        r"&= 0.74136507 * 0.186815602",
        None,
        V["delta_o1"],
        "0.74136507*0.186815602",
        expect="holds",
        occurrence=2,
    )
    n(r"&= 0.138498562", "0.138498562", V["delta_o1"], expect="holds", occurrence=1)
    d.na(r"net_{o1} = w_5 \cdot out_{h1} + w_6 \cdot out_{h2} + b_2 \cdot 1", "definition (repeated)")
    n(r"\frac{\partial net_{o1}}{\partial out_{h1}} = w_5 = 0.40", "0.40", "0.4", expect="holds")
    d.sym(r"\frac{\partial E_{o1}}{\partial out_{h1}} &=", True, value=V["dEo1_douth1"], expect="holds")
    n(r"&= 0.138498562 * 0.40", None, V["dEo1_douth1"], "0.138498562*0.40", expect="holds")
    n(r"&= 0.055399425", "0.055399425", V["dEo1_douth1"], expect="holds", occurrence=1)
    n(
        r"\frac {\partial E_{o2}}{\partial out_{h1}} = -0.01904919",
        "-0.01904919",
        V["dEo2_douth1"],
        expect="wrong",
        kind="arithmetic-slip",
        note="Mazur's value is -0.019049119; the transcription drops a digit (it is used "
        "correctly two lines below)",
    )
    d.sym(r"\frac {\partial E_{total}}{\partial out_{h1}} &=", True, value=V["dE_douth1"], expect="holds")
    n(r"&= 0.055399425 + -0.019049119", None, V["dE_douth1"], "0.055399425+-0.019049119", expect="holds")
    n(r"&= 0.036350306", "0.036350306", V["dE_douth1"], expect="holds", occurrence=1)
    d.na(r"out_{h1} = \frac {1}{1+e^{-net_{h1}}}", "definition")
    d.sym(
        r"\frac {\partial out_{h1}}{\partial net_{h1}} &= out_{h1}(1-out_{h1})",
        True,
        value=V["douth1_dneth1"],
        expect="holds",
    )
    n(r"&= 0.59326999(1- 0.59326999)", None, V["douth1_dneth1"], "0.59326999*(1-0.59326999)", expect="holds")
    n(r"&= 0.241300709", "0.241300709", V["douth1_dneth1"], expect="holds")
    d.na(r"net_{h1} = w_1 \cdot i_1 + w_2 \cdot i_2 + b_1 \cdot 1", "definition")
    d.na(
        r"\frac {\partial net_{h1}}{\partial w_1} &= i \\",
        "the symbol i is not defined (the author means i_1)",
    )
    n(r"&= 0.05", "0.05", "0.05", expect="holds", occurrence=3)
    d.sym(
        r"\frac {\partial E_{total}}{\partial w_1} &=", True, value=V["dE_dw1"], expect="holds", occurrence=1
    )
    n(
        r"&= 0.036350306 * 0.241300709 * 0.05",
        None,
        V["dE_dw1"],
        "0.036350306*0.241300709*0.05",
        expect="holds",
    )
    n(r"&= 0.000438568", "0.000438568", V["dE_dw1"], expect="holds")
    d.sym(
        r">\frac {\partial E_{total}}{\partial w_1} &=",
        True,
        value=V["dE_dw1"],
        expect="holds",
        note="sum over outputs of delta_o w_ho, in a blockquote",
    )
    d.sym(r">&= \biggl(\sum_o \delta_o \cdot w_{ho}\biggr) \cdot", True, value=V["dE_dw1"], expect="holds")
    d.sym(r">&= \delta_{h1}i_1", True, value=V["dE_dw1"], expect="holds")
    d.na(r"w_1^{+} &= w_1 - \eta \cdot \frac {\partial E_{total}}{\partial w_1}", "the update rule")
    n(r"&= 0.15 - 0.5 * 0.000438568", None, NEW["w1"], "0.15-0.5*0.000438568", expect="holds")
    n(r"&= 0.149780716", "0.149780716", NEW["w1"], expect="holds")
    n(r"w_2^{+} = 0.19956143", "0.19956143", NEW["w2"], expect="holds")
    n(r"w_3^{+} = 0.24975114", "0.24975114", NEW["w3"], expect="holds")
    n(r"w_4^{+} = 0.29950229", "0.29950229", NEW["w4"], expect="holds")
    del first
    return d


if __name__ == "__main__":
    build().finish(sys.argv)
