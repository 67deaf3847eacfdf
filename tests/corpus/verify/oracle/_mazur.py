"""Matt Mazur's 2-2-2 network (https://mattmazur.com/2015/03/17/a-step-by-step-backpropagation-example/),
computed with mpmath: every quantity any reproduction of the post shows."""

import mpmath as mp
from _lib import sig

m = mp.mpf
i1, i2, t1, t2, eta = m("0.05"), m("0.10"), m("0.01"), m("0.99"), m("0.5")
w1, w2, w3, w4, b1 = m("0.15"), m("0.20"), m("0.25"), m("0.30"), m("0.35")
w5, w6, w7, w8, b2 = m("0.40"), m("0.45"), m("0.50"), m("0.55"), m("0.60")


def forward(w1=w1, w2=w2, w3=w3, w4=w4, w5=w5, w6=w6, w7=w7, w8=w8, b1=b1, b2=b2):
    v = {}
    v["net_h1"] = w1 * i1 + w2 * i2 + b1
    v["net_h2"] = w3 * i1 + w4 * i2 + b1
    v["out_h1"], v["out_h2"] = sig(v["net_h1"]), sig(v["net_h2"])
    v["net_o1"] = w5 * v["out_h1"] + w6 * v["out_h2"] + b2
    v["net_o2"] = w7 * v["out_h1"] + w8 * v["out_h2"] + b2
    v["out_o1"], v["out_o2"] = sig(v["net_o1"]), sig(v["net_o2"])
    v["E_o1"] = (t1 - v["out_o1"]) ** 2 / 2
    v["E_o2"] = (t2 - v["out_o2"]) ** 2 / 2
    v["E_total"] = v["E_o1"] + v["E_o2"]
    return v


V = forward()
V["dE_dout_o1"] = V["out_o1"] - t1
V["dE_dout_o2"] = V["out_o2"] - t2
V["dout_dnet_o1"] = V["out_o1"] * (1 - V["out_o1"])
V["dout_dnet_o2"] = V["out_o2"] * (1 - V["out_o2"])
V["delta_o1"] = V["dE_dout_o1"] * V["dout_dnet_o1"]
V["delta_o2"] = V["dE_dout_o2"] * V["dout_dnet_o2"]
V["dE_dw5"] = V["delta_o1"] * V["out_h1"]
V["dE_dw6"] = V["delta_o1"] * V["out_h2"]
V["dE_dw7"] = V["delta_o2"] * V["out_h1"]
V["dE_dw8"] = V["delta_o2"] * V["out_h2"]
V["dEo1_douth1"] = V["delta_o1"] * w5
V["dEo2_douth1"] = V["delta_o2"] * w7
V["dEo1_douth2"] = V["delta_o1"] * w6
V["dEo2_douth2"] = V["delta_o2"] * w8
V["dE_douth1"] = V["dEo1_douth1"] + V["dEo2_douth1"]
V["dE_douth2"] = V["dEo1_douth2"] + V["dEo2_douth2"]
V["douth1_dneth1"] = V["out_h1"] * (1 - V["out_h1"])
V["douth2_dneth2"] = V["out_h2"] * (1 - V["out_h2"])
V["delta_h1"] = V["dE_douth1"] * V["douth1_dneth1"]
V["delta_h2"] = V["dE_douth2"] * V["douth2_dneth2"]
V["dE_dw1"], V["dE_dw2"] = V["delta_h1"] * i1, V["delta_h1"] * i2
V["dE_dw3"], V["dE_dw4"] = V["delta_h2"] * i1, V["delta_h2"] * i2
V["dE_db1"] = V["delta_h1"] + V["delta_h2"]
V["dE_db2"] = V["delta_o1"] + V["delta_o2"]
NEW = {
    k: w - eta * V["dE_d" + k]
    for k, w in (
        ("w1", w1),
        ("w2", w2),
        ("w3", w3),
        ("w4", w4),
        ("w5", w5),
        ("w6", w6),
        ("w7", w7),
        ("w8", w8),
    )
}
NEW["b1"] = b1 - eta * V["dE_db1"]
NEW["b2"] = b2 - eta * V["dE_db2"]
AFTER = forward(
    **{k: NEW[k] for k in ("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8")}
)  # biases kept, as in the post
EXACT = {
    "0.05",
    "0.1",
    "0.10",
    "0.15",
    "0.2",
    "0.20",
    "0.25",
    "0.3",
    "0.30",
    "0.35",
    "0.4",
    "0.40",
    "0.45",
    "0.5",
    "0.50",
    "0.55",
    "0.6",
    "0.60",
    "0.01",
    "0.99",
    "1",
}
