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


# ------------------- a quantity stated only by its value, beside a sibling that is defined

SIBLING = """$$i_1 = 1$$

$$w_1 = 0.5$$

$$w_5 = 0.3$$

$$target_{o1} = 1$$

$$net_{h1} = w_1 i_1$$

$$out_{o1} = w_5 \\, net_{h1}$$

$$E_{o1} = \\frac{1}{2}(target_{o1} - out_{o1})^2$$

$$E_{o2} = 0.02$$

$$E_{total} = E_{o1} + E_{o2}$$

$$\\frac{\\partial E_{o2}}{\\partial net_{h1}} = 0.1$$

$$\\frac{\\partial E_{total}}{\\partial WRT} = RHS$$
"""


@pytest.mark.parametrize(
    ("wrt", "rhs", "expected"),
    [
        # by hand: net_h1 = 0.5, out_o1 = 0.15; dE/dw_5 = (out_o1 - target_o1) net_h1 = -0.425
        ("w_5", "(out_{o1} - target_{o1}) \\, net_{h1}", Status.OK),
        ("w_5", "(target_{o1} - out_{o1}) \\, net_{h1}", Status.WRONG),
        ("w_5", "-0.425", Status.OK),
        ("w_5", "-0.48", Status.WRONG),
        # E_o2 may be computed from net_h1 (as E_o1 is): its derivative through w_1 is unknown
        ("w_1", "(out_{o1} - target_{o1}) w_5 i_1", Status.NOT_CHECKED),
        ("w_1", "-0.3", Status.NOT_CHECKED),
    ],
    ids=["w5-formula", "w5-sign", "w5-value", "w5-slip", "w1-formula", "w1-value"],
)
def test_a_derivative_past_a_quantity_stated_by_value_is_checked_where_its_sibling_says(wrt, rhs, expected):
    report = run(SIBLING.replace("WRT", wrt).replace("RHS", rhs))
    assert status(report, 21) is expected


def test_without_a_sibling_of_a_layer_and_unit_nothing_past_it_is_checked():
    text = SIBLING.replace("WRT", "w_5").replace("RHS", "-0.425")
    for old, new in (("{o1}", "{1}"), ("{o2}", "{2}")):
        text = text.replace(old, new)
    assert status(run(text), 21) is Status.NOT_CHECKED


# ---------------------------------------------- another source's convention, not the document's

CONVENTION = """With `x = 2`, `w = 0.3`, `y = 1`.

$$z = w x$$

$$L = \\frac{1}{2}(z - y)^2$$

$$\\delta = \\frac{\\partial L}{\\partial z}$$

PROSE

$$\\frac{\\partial L}{\\partial w} = -\\delta x$$
"""


@pytest.mark.parametrize(
    ("prose", "expected"),
    [
        (
            "Some sources extract the negative sign from the delta, so it would be written as:",
            Status.NOT_CHECKED,
        ),
        ("Therefore:", Status.WRONG),
    ],
    ids=["other-sources", "the-documents-own"],
)
def test_a_line_presented_as_other_sources_convention_is_not_called_wrong(prose, expected):
    report = run(CONVENTION.replace("PROSE", prose))
    assert status(report, 11) is expected


# ------------------------------------------------- "the new weights" is not "with the new weights"


def test_computing_the_new_weights_does_not_move_to_the_updated_point():
    text = """With `x = 2`, `w = 0.3`, `v = 0.5`, `y = 1`, `eta = 0.5`.

$$z = w x$$

$$L = \\frac{1}{2}(z - y)^2$$

$$w^{+} = w - \\eta \\frac{\\partial L}{\\partial w} = 0.3 - 0.5 \\cdot (-0.8) = 0.7$$

We repeat this process to get the new weights. Then:

$$\\frac{\\partial L}{\\partial z} = -0.4$$
"""
    # by hand, at the document's point: z = 0.6, dL/dz = z - y = -0.4 (at w = 0.7 it would be 0.4)
    assert status(run(text), 11) is Status.OK


@pytest.mark.parametrize(
    ("wrt", "rhs", "expected"),
    [
        # E_total = E_o1 + E_o2: the sum over both paths holds whatever E_o2 is computed from
        (
            "net_{h1}",
            "\\frac{\\partial E_{o1}}{\\partial net_{h1}} + \\frac{\\partial E_{o2}}{\\partial net_{h1}}",
            Status.OK,
        ),
        # a missing path (E_o2 may depend on net_h1, as E_o1 does): not known to hold, never wrong
        ("net_{h1}", "\\frac{\\partial E_{o1}}{\\partial net_{h1}}", Status.NOT_CHECKED),
        # the chain rule through net_h1: w_1 reaches E_total only through it
        (
            "w_1",
            "\\frac{\\partial E_{total}}{\\partial net_{h1}}"
            " \\cdot \\frac{\\partial net_{h1}}{\\partial w_1}",
            Status.OK,
        ),
        ("w_1", "\\frac{\\partial E_{total}}{\\partial net_{h1}} \\cdot 2 i_1", Status.NOT_CHECKED),
    ],
    ids=["sum-over-paths", "a-path-missing", "chain-rule", "chain-rule-doubled"],
)
def test_a_chain_rule_identity_past_a_quantity_stated_by_value_holds_whatever_it_is(wrt, rhs, expected):
    report = run(SIBLING.replace("WRT", wrt).replace("RHS", rhs))
    assert status(report, 21) is expected


# ----------------------------------- a shorthand defined for one unit, used for another

MEMBER = """$$i_1 = 1$$

$$w_1 = 0.5$$

$$w_5 = 0.3$$

$$target_{o1} = 1$$

$$net_{h1} = w_1 i_1$$

$$out_{h1} = \\sigma(net_{h1})$$

$$net_{o1} = w_5 \\, out_{h1}$$

$$out_{o1} = \\sigma(net_{o1})$$

$$E = \\frac{1}{2}(target_{o1} - out_{o1})^2$$

$$\\delta_{o1} = \\frac{\\partial E}{\\partial net_{o1}}$$

$$\\frac{\\partial E}{\\partial w_1} = RHS$$
"""


@pytest.mark.parametrize(
    ("rhs", "expected"),
    [
        # delta_h1 = dE/dnet_h1, and net_h1 = w_1 i_1: dE/dw_1 = delta_h1 i_1 (i_1 = 1, w_1 = 0.5)
        ("\\delta_{h1} \\, i_1", Status.OK),
        ("\\delta_{h1} \\, w_1", Status.WRONG),
        # no net_{q1} in the document: delta_{q1} is not read
        ("\\delta_{q1} \\, i_1", Status.NOT_CHECKED),
    ],
    ids=["delta-h1", "delta-h1-wrong-factor", "no-such-unit"],
)
def test_a_shorthand_defined_for_one_unit_is_read_for_another(rhs, expected):
    report = run(MEMBER.replace("RHS", rhs))
    assert status(report, 21) is expected
