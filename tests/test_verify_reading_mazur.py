"""verify's reading rules for real derivations (issue 13): each rule on its own minimal document.

Expected numbers are computed here with mpmath, never taken from the code under test.
"""

from __future__ import annotations

import mpmath as mp
import pytest

from symbackprop.verification import Status, verify

mp.mp.dps = 30


def run(text: str):
    return verify("doc.md", text=text, format="md")


def status(report, line: int) -> Status:
    found = [f for f in report.findings if f.line == line]
    assert found, f"no finding at line {line}"
    return found[0].status


def sig(t):
    return 1 / (1 + mp.exp(-mp.mpf(t)))


# ------------------------------------------- a norm of numbers is their absolute value


#: |0.01 - 0.75136507| = 0.74136507 (by hand); 0.84 is a 13% slip.
@pytest.mark.parametrize(
    ("shown", "expected"),
    [("0.74136507", Status.OK), ("0.84136507", Status.WRONG)],
    ids=["right", "slip"],
)
def test_a_norm_of_numbers_is_arithmetic(shown, expected):
    report = run(f"$$\\|0.01-0.75136507\\| = {shown}$$\n")
    assert status(report, 1) is expected


def test_a_bare_norm_of_names_stays_unread():
    report = run("$$d = \\|t_{1}-o_{1}\\|$$\n")
    assert all(f.status is not Status.WRONG for f in report.findings)


# ------------------------------------- the loss defined as Loss, differentiated as l

LOSS_SPELT = """With `x = 2`, `w = 0.3`, `y = 1`.

$$z = w x$$

$$\\hat{y} = \\sigma(z)$$

$$\\text{{Loss}} = (y - \\hat{{y}})^2$$

$$\\frac{{\\partial l}}{{\\partial \\hat{{y}}}} = {rhs}$$
"""


def _dl_dyhat() -> mp.mpf:
    return -2 * (1 - sig(mp.mpf("0.6")))


@pytest.mark.parametrize(
    ("rhs", "expected"),
    [
        ("-2(y - \\hat{y})", Status.OK),
        ("2(y - \\hat{y})", Status.WRONG),
        (mp.nstr(_dl_dyhat(), 6), Status.OK),
        (mp.nstr(_dl_dyhat() * mp.mpf("1.13"), 6), Status.WRONG),
    ],
    ids=["formula", "sign-flipped", "value", "value-slip"],
)
def test_a_loss_differentiated_under_a_short_name_is_the_loss(rhs, expected):
    text = LOSS_SPELT.replace("{{", "{").replace("}}", "}").replace("{rhs}", rhs)
    report = run(text)
    assert status(report, 9) is expected


def test_a_differentiated_name_not_named_like_a_loss_is_not_the_loss():
    text = LOSS_SPELT.replace("{{", "{").replace("}}", "}").replace("{rhs}", "-2(y - \\hat{y})")
    report = run(text.replace("\\partial l}", "\\partial q}"))
    assert status(report, 9) is Status.NOT_CHECKED


# --------------------------- a chain whose product is 0, contradicted on the row below

CHAIN = """With `x = 2`, `w_1 = 0.3`, `w_2 = 0.5`, `y = 1`.

$$h = w_1 x$$

$$o = w_2 h$$

$$E_1 = \\frac{1}{2}(o - y)^2$$

$$E_2 = 0.02$$

$$L = E_1 + E_2$$

$$\\frac{\\partial E_2}{\\partial h} = 0.1$$

$$
\\begin{align}
\\frac{\\partial L}{\\partial w_2} &=
\\frac{\\partial L}{\\partial FIRST} \\cdot \\frac{\\partial FIRST}{\\partial w_2} \\\\
&= -0.7 \\cdot 0.6
\\end{align}
$$
"""


@pytest.mark.parametrize(
    ("first", "expected"),
    [("h", True), ("o", False)],
    ids=["through-h-is-zero", "through-o"],
)
def test_a_zero_product_is_contradicted_by_the_next_rows_numbers(first, expected):
    """E_2 is stated by a value yet differentiated: the chain cannot be checked as a formula, but
    ∂h/∂w_2 is 0 (h does not depend on w_2), and the next row's numbers are not 0."""
    # by hand: h = 0.6, o = 0.3, dL/do = o - y = -0.7, do/dw_2 = h = 0.6
    report = run(CHAIN.replace("FIRST", first))
    assert (status(report, 17) is Status.WRONG) is expected
    assert status(report, 19) is not Status.WRONG  # the numbers row's own arithmetic holds
