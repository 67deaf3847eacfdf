"""Exercise 3.1 of the course (x = 2, w = 0.5, b = -0.5, y = 1, L = (yhat - y)^2), shared by two documents."""

import mpmath as mp
from _lib import sig


def add_ex31(d, prefix=""):
    m = mp.mpf
    z1, z = m("0.5") * 2, m("0.5") * 2 - m("0.5")
    yh = sig(z)
    e = yh - 1
    dz = 2 * e * yh * (1 - yh)
    n = d.num
    n(r"$z_1 = wx = 0.5 \times 2$ | $1.0$", "1.0", z1, "0.5*2", expect="holds")
    n(r"$z = z_1 + b = 1.0 - 0.5$ | $0.5$", "0.5", z, "1.0-0.5", expect="holds")
    n(r"\frac{1}{1+e^{-0.5}}$ | $\approx 0.6225$", "0.6225", yh, "sig(0.5)", expect="holds", label="yh")
    n(r"0.6225 - 1$ | $\approx -0.3775$", "-0.3775", e, "K['yh']-1", expect="holds", label="e")
    n(r"(-0.3775)^2$ | $\approx 0.1425$", "0.1425", e**2, "K['e']**2", expect="holds")
    n(
        r"2e = 2 \times (-0.3775)$ | $\approx -0.7550$",
        "-0.7550",
        2 * e,
        "2*K['e']",
        expect="holds",
        label="dLdy",
    )
    n(
        r"\dfrac{\partial L}{\partial e} \cdot 1$ | $\approx -0.7550$",
        "-0.7550",
        2 * e,
        "K['dLdy']",
        expect="holds",
    )
    n(
        r"-0.7550 \times 0.6225 \times 0.3775$ | $\approx -0.1774$",
        "-0.1774",
        dz,
        "K['dLdy']*K['yh']*(1-K['yh'])",
        expect="holds",
        label="dz",
    )
    n(
        r"\cdot x = -0.1774 \times 2$ | $\approx -0.3549$",
        "-0.3549",
        dz * 2,
        "K['dz']*2",
        expect="holds",
        note="-0.1774 x 2 = -0.3548; -0.3549 is inside the interval -0.1774 carries (true -0.35483)",
    )
    n(
        r"\dfrac{\partial L}{\partial z} \cdot 1$ | $\approx -0.1774$",
        "-0.1774",
        dz,
        "K['dz']",
        expect="holds",
    )
    return dz
