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
