"""Oracle for mahfuzar-training-a-neural-network.md.

One sigmoid neuron, z = x1 w1 + x2 w2 + x3 w3 + b, loss l = (y - yhat)^2, eta = 1e-5.
Sample 1: x = (3000, 6, 1), y = 0, w = (0.001, 0.01, -0.005), b = 0.1.
Sample 2: x = (2000, 3, 0), y = 1, starting from the weights after sample 1.
The second sample is judged at the truly updated point, so its lines inherit
the errors of the first sample (cause = the first wrong line).
"""

import sys

import mpmath as mp
from _lib import Doc, sig


def step(x, y, w, b, eta=mp.mpf("0.00001")):
    z = sum(a * c for a, c in zip(x, w)) + b
    yh = sig(z)
    dl_dy = -2 * (y - yh)
    dy_dz = yh * (1 - yh)
    dz = dl_dy * dy_dz
    g = [dz * a for a in x]
    return dict(
        z=z,
        yh=yh,
        loss=(y - yh) ** 2,
        dl_dy=dl_dy,
        dy_dz=dy_dz,
        dz=dz,
        g=g,
        gb=dz,
        w=[wi - eta * gi for wi, gi in zip(w, g)],
        b=b - eta * dz,
    )


def build() -> Doc:
    d = Doc(
        "mahfuzar-training-a-neural-network.md",
        "https://github.com/Mahfuzar148/Machine-Learning-and-Deep-learning/blob/main/Deep%20Learning/Training%20a%20neural%20network.md",
        exact={"3000", "6", "1", "0.001", "0.01", "0.005", "0.1", "0.00001", "2000", "3", "0"},
    )
    m = mp.mpf
    s1 = step([m(3000), m(6), m(1)], 0, [m("0.001"), m("0.01"), m("-0.005")], m("0.1"))
    d.na("z = x₁w₁ + x₂w₂ + x₃w₃ + b", "definition of the neuron's input (Unicode subscripts)", occurrence=1)
    d.num(
        r"z = (3000 \cdot 0.001) + (6 \cdot 0.01) + (1 \cdot -0.005) + 0.1",
        None,
        s1["z"],
        "(3000*0.001)+(6*0.01)+(1*-0.005)+0.1",
        expect="holds",
    )
    d.num(
        r"z = 3.0 + 0.06 - 0.005 + 0.1 = \boxed{3.155}",
        "3.155",
        s1["z"],
        "3.0+0.06-0.005+0.1",
        expect="holds",
        exact={"3.0", "0.06"},
    )
    d.num(
        r"\frac{1}{1 + e^{-3.155}} \approx \boxed{0.9591}",
        "0.9591",
        s1["yh"],
        "sig(3.155)",
        expect="holds",
        exact={"3.155"},
    )
    d.num(
        r"(0 - 0.9591)^2 = \boxed{0.91988}",
        "0.91988",
        s1["loss"],
        "(0-0.9591)**2",
        expect="holds",
        note="follows from the rounded 0.9591 (the rounding rule)",
    )
    d.num(r"-2(0 - 0.9591) = \boxed{1.9182}", "1.9182", s1["dl_dy"], "-2*(0-0.9591)", expect="holds")
    first = d.num(
        r"0.9591 \cdot (1 - 0.9591) = \boxed{0.03932}",
        "0.03932",
        s1["dy_dz"],
        "0.9591*(1-0.9591)",
        expect="wrong",
        kind="arithmetic-slip",
        note="0.9591 x 0.0409 = 0.03923: two digits swapped",
    ).line
    d.sym(
        r"\frac{\partial l}{\partial z} = \frac{\partial l}{\partial \hat{y}} \cdot \frac{\partial \hat{y}}{\partial z}",
        True,
        value=s1["dz"],
        expect="holds",
        note="chain rule",
    )
    d.num(
        r"= 1.9182 \cdot 0.03932 = \boxed{0.0755}",
        "0.0755",
        s1["dz"],
        "1.9182*0.03932",
        expect="wrong",
        kind="arithmetic-slip",
        note=f"1.9182 x 0.03932 = 0.07542, shown 0.0755 (and it inherits the slip of line {first})",
    )
    for var, k, lit, shown in (("w₁", 0, "3000", "226.5"), ("w₂", 1, "6", "0.453"), ("w₃", 2, "1", "0.0755")):
        needle = (
            r"\frac{\partial l}{\partial z} \cdot \frac{\partial z}{\partial w₁} = 0.0755 \cdot 3000 = \boxed{226.5}"
            if k == 0
            else rf"\frac{{\partial l}}{{\partial {var}}} = 0.0755 \cdot {lit} = \boxed{{{shown}}}"
        )
        d.num(
            needle,
            shown,
            s1["g"][k],
            f"0.0755*{lit}",
            expect="wrong",
            kind="arithmetic-slip",
            cause=first,
            note="arithmetic right; carries the slip of the sigma' line",
        )
    d.num(
        r"\frac{\partial l}{\partial b} = 0.0755 \cdot 1 = \boxed{0.0755}",
        "0.0755",
        s1["gb"],
        "0.0755*1",
        expect="wrong",
        kind="arithmetic-slip",
        cause=first,
        note="carries the slip of the sigma' line",
    )
    for name, old, glit, shown, k in (
        ("w₁", "0.001", "226.5", "-0.001265", 0),
        ("w₂", "0.01", "0.453", "0.0099955", 1),
        ("w₃", "-0.005", "0.0755", "-0.005000755", 2),
        ("b", "0.1", "0.0755", "0.09999924", None),
    ):
        true = s1["w"][k] if k is not None else s1["b"]
        d.num(
            rf"{name} = {old} - 0.00001 \cdot {glit} = \boxed{{{shown}}}",
            shown,
            true,
            f"{old}-0.00001*{glit}",
            expect="holds" if name in ("w₂", "b") else "wrong",
            kind="arithmetic-slip",
            cause=first,
            note="update arithmetic right; the gradient carries the slip (for w2 and b it vanishes in the shown digits)",
        )

    # ---- second sample, at the truly updated weights
    s2 = step([m(2000), m(3), m(0)], 1, s1["w"], s1["b"])
    d.na("z = x₁w₁ + x₂w₂ + x₃w₃ + b", "definition (repeated)", occurrence=2)
    d.num(
        r"z = (2000 \cdot -0.001265) + (3 \cdot 0.0099955) + (0 \cdot -0.005000755) + 0.09999924",
        None,
        s2["z"],
        "(2000*-0.001265)+(3*0.0099955)+(0*-0.005000755)+0.09999924",
        expect="wrong",
        kind="arithmetic-slip",
        cause=first,
        exact={"0.001265", "0.0099955", "0.005000755", "0.09999924"},
        note="uses the weights updated with the wrong gradient",
    )
    d.num(
        r"z = -2.53 + 0.0299865 + 0 + 0.09999924",
        None,
        s2["z"],
        "-2.53+0.0299865+0+0.09999924",
        expect="wrong",
        kind="arithmetic-slip",
        cause=first,
        exact={"2.53", "0.0299865", "0.09999924"},
    )
    d.num(
        r"z = \boxed{-2.40001426}",
        "-2.40001426",
        s2["z"],
        "-2.53+0.0299865+0+0.09999924",
        expect="wrong",
        kind="arithmetic-slip",
        cause=first,
        exact={"2.53", "0.0299865", "0.09999924"},
    )
    d.num(
        r"\frac{1}{1 + e^{2.40001426}}",
        None,
        s2["yh"],
        "1/(1+exp(2.40001426))",
        expect="wrong",
        kind="arithmetic-slip",
        cause=first,
        exact={"2.40001426"},
    )
    d.num(
        r"\hat{y} \approx \boxed{0.0831}",
        "0.0831",
        s2["yh"],
        "1/(1+exp(2.40001426))",
        expect="wrong",
        kind="rounding",
        exact={"2.40001426"},
        note="1/(1+e^2.40001426) = 0.083172, which rounds to 0.0832 (truncated); it also inherits the first sample's slip",
    )
    d.num(
        r"(y - \hat{y})^2 = (1 - 0.0831)^2",
        None,
        s2["loss"],
        "(1-0.0831)**2",
        expect="wrong",
        kind="arithmetic-slip",
        cause=first,
    )
    d.num(
        r"\text{Loss} \approx \boxed{0.8402}",
        "0.8402",
        s2["loss"],
        "(1-0.0831)**2",
        expect="wrong",
        kind="arithmetic-slip",
        note="0.9169^2 = 0.8407, shown 0.8402",
    )
    d.num(
        r"-2(y - \hat{y}) = -2(1 - 0.0831)",
        None,
        s2["dl_dy"],
        "-2*(1-0.0831)",
        expect="wrong",
        kind="arithmetic-slip",
        cause=first,
    )
    d.num(
        r"\approx \boxed{-1.8338}",
        "-1.8338",
        s2["dl_dy"],
        "-2*(1-0.0831)",
        expect="wrong",
        kind="arithmetic-slip",
        cause=first,
    )
    d.num(
        r"\hat{y}(1 - \hat{y}) = 0.0831 \cdot (1 - 0.0831)",
        None,
        s2["dy_dz"],
        "0.0831*(1-0.0831)",
        expect="wrong",
        kind="arithmetic-slip",
        cause=first,
    )
    d.num(
        r"\approx \boxed{0.0762}",
        "0.0762",
        s2["dy_dz"],
        "0.0831*(1-0.0831)",
        expect="wrong",
        kind="arithmetic-slip",
        cause=first,
    )
    d.num(
        r"\frac{\partial l}{\partial z} = (-1.8338) \cdot (0.0762)",
        None,
        s2["dz"],
        "(-1.8338)*(0.0762)",
        expect="wrong",
        kind="arithmetic-slip",
        cause=first,
    )
    d.num(
        r"\approx \boxed{-0.1396}",
        "-0.1396",
        s2["dz"],
        "(-1.8338)*(0.0762)",
        expect="wrong",
        kind="arithmetic-slip",
        cause=first,
    )
    for var, lit, shown, k in (("w₁", "2000", "-279.2", 0), ("w₂", "3", "-0.4188", 1), ("w₃", "0", "0", 2)):
        d.num(
            rf"\frac{{\partial l}}{{\partial {var}}} = -0.1396 \cdot {lit} = \boxed{{{shown}}}",
            shown,
            s2["g"][k],
            f"-0.1396*{lit}",
            expect="holds" if k == 2 else "wrong",
            kind="" if k == 2 else "arithmetic-slip",
            cause=None if k == 2 else first,
        )
    d.num(
        r"\frac{\partial l}{\partial b} = -0.1396 \cdot 1 = \boxed{-0.1396}",
        "-0.1396",
        s2["gb"],
        "-0.1396*1",
        expect="wrong",
        kind="arithmetic-slip",
        cause=first,
    )
    for name, old, glit, shown, k in (
        ("w₁", "-0.001265", "-279.2", "0.001527", 0),
        ("w₂", "0.0099955", "-0.4188", "0.009999688", 1),
        ("w₃", "-0.005000755", "0", "-0.005000755", 2),
        ("b", "0.09999924", "-0.1396", "0.100000636", None),
    ):
        true = s2["w"][k] if k is not None else s2["b"]
        d.num(
            rf"{name} = {old} - (0.00001 \cdot {glit}) = \boxed{{{shown}}}",
            shown,
            true,
            f"{old}-(0.00001*{glit})",
            expect="wrong",
            kind="arithmetic-slip",
            cause=first,
            exact={old.lstrip("-")},
        )
    return d


if __name__ == "__main__":
    build().finish(sys.argv)
