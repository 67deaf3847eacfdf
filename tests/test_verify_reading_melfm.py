"""verify's reading rules met in the melfm notes and the stats.stackexchange question (issue 13).

Each rule has its own minimal document; the expected verdicts are worked out by
hand from the document's own definitions, never taken from verify.
"""

from __future__ import annotations

import mpmath as mp
import pytest

from symbackprop.verification import Status, verify

POINT = "With `x = 0.5`, `w = 0.8`, `y = 1` and `eta = 0.5`.\n\n"


def run(text: str):
    return verify("doc.md", text=text, format="md")


def at(report, line: int):
    found = [f for f in report.findings if f.line == line]
    assert found, f"no finding at line {line}"
    return found[0]


def test_a_question_mark_asks_for_a_value_and_defines_nothing():
    # `w = ?` (an exercise left to the reader) is not an unreadable definition of w: what uses w
    # is still checked. z = 0.4, a = σ(0.4) = 0.598688..., so a ≈ 0.5987 holds.
    text = POINT + "We repeat this to get $w = ?$.\n\n$$z = w x$$\n\n$$a = \\sigma(z) \\approx 0.5987$$\n"
    report = run(text)
    assert at(report, 3).status is Status.NOT_CHECKED
    found = at(report, 7)
    assert found.status is Status.OK and found.checked, found.explanation


ORPHAN = (
    POINT
    + "$$z = w x$$\n\n$$a = \\sigma(z)$$\n\n$$L = \\frac{1}{2}(a - y)^2$$\n\n"
    + "$$u = w x + 1$$\n\n"
    + "$$\\frac{\\partial L}{\\partial w} = \\frac{\\partial L}{\\partial a} "
    + "\\frac{\\partial a}{\\partial u} \\frac{\\partial u}{\\partial w}$$\n"
)


def test_a_chain_through_a_name_the_loss_never_uses_is_not_checked():
    # u is defined but feeds nothing: in the read network ∂a/∂u = 0, and the chain would be "wrong"
    # only because the document's names and its definitions were never joined.
    found = at(run(ORPHAN), 11)
    assert found.status is Status.NOT_CHECKED, found.explanation
    assert "does not depend on u (defined at line 9)" in " ".join(map(str, found.explanation))


def test_a_chain_through_a_name_the_loss_uses_is_still_judged():
    # the same chain through z: ∂L/∂a · ∂a/∂z · ∂z/∂w is ∂L/∂w, so it holds.
    text = ORPHAN.replace("\\partial u}", "\\partial z}").replace("{\\partial u}", "{\\partial z}")
    found = at(run(text), 11)
    assert found.status is Status.OK and found.checked, found.explanation


STATED = """The weights are in a figure we do not have.

$$z = w x + b$$

$$a = \\sigma(z)$$

$$z = 0.2 + 0.1 = 0.3$$

$$a = \\sigma(z) = {shown}$$
"""


@pytest.mark.parametrize(
    ("shown", "status"), [("0.5744", Status.OK), ("0.5844", Status.WRONG)], ids=["right", "slip"]
)
def test_with_no_point_a_value_line_is_checked_at_the_values_the_document_stated(shown, status):
    # w, x, b have no values, so a cannot be judged against the network; the author's own step
    # σ(z) at the z = 0.3 stated above still can: σ(0.3) = 0.574442516..., so 0.5744 holds.
    assert mp.nstr(1 / (1 + mp.exp(-mp.mpf("0.3"))), 4) == "0.5744"
    found = at(run(STATED.replace("{shown}", shown)), 9)
    assert found.status is status and found.checked, found.explanation
    assert "z = 0.3 (line 7)" in " ".join(map(str, found.explanation))


def test_a_stated_value_is_not_used_for_the_name_it_defines():
    # a = \sigma(a) (circular) is not "checked" by putting a's own earlier value in its place
    text = STATED.replace("{shown}", "0.5744") + "\n$$a = \\sigma(a) + 0 = 0.6398$$\n"
    found = at(run(text), 11)
    assert not (found.status is Status.OK and found.checked), found.explanation


TWICE = (
    POINT
    + "$$z = w x$$\n\n$$a = \\sigma(z)$$\n\n$$L = \\frac{1}{2}(a - y)^2$$\n\n"
    + "In the backward pass we write $net$ and $out$.\n\n"
    + "$$net = {net}$$\n\n$$out = \\frac{1}{1 + e^{-net}}$$\n\n"
    + "$$\\frac{\\partial L}{\\partial w} = {chain}$$\n"
)
CHAIN = (
    "\\frac{\\partial L}{\\partial out} \\frac{\\partial out}{\\partial net} "
    "\\frac{\\partial net}{\\partial w}"
)


@pytest.mark.parametrize(
    ("net", "chain", "status"),
    [
        ("w x", CHAIN, Status.OK),
        ("x w", CHAIN, Status.OK),
        ("w x", CHAIN.removesuffix(" \\frac{\\partial net}{\\partial w}"), Status.WRONG),
        ("w x + 1", CHAIN, Status.NOT_CHECKED),
    ],
    ids=["same-definition", "same-function", "wrong-chain-still-found", "another-node"],
)
def test_a_node_defined_again_under_another_name_is_that_node(net, chain, status):
    # net = w x restates z = w x, so out = 1/(1 + e^{-net}) is a = σ(z): the backward pass's chain
    # ∂L/∂out · ∂out/∂net · ∂net/∂w is ∂L/∂w (by hand: (a - y) a (1 - a) x) and holds; without the
    # factor x it is wrong (x = 0.5 ≠ 1). net = w x + 1 is another quantity, which L never uses.
    text = TWICE.replace("{net}", net).replace("{chain}", chain)
    found = at(run(text), 15)
    assert found.status is status, found.explanation
    assert status is Status.NOT_CHECKED or found.checked


MISNAMED = """$$a_1 = 0.6225$$

$$a_2 = 0.7311$$

$$z = w_1 a_1 + w_2 {second}$$

$$z = 0.4 \\cdot 0.6225 + 0.5 \\cdot {number} = {result}$$
"""


@pytest.mark.parametrize(
    ("second", "number", "result", "status"),
    [
        ("a_1", "0.7311", "0.61455", Status.WRONG),
        ("a_2", "0.7311", "0.61455", Status.OK),
        ("a_1", "0.7", "0.599", Status.OK),
    ],
    ids=["a_2-written-a_1", "as-defined", "no-name-has-that-value"],
)
def test_a_definition_whose_own_numbers_put_another_names_value_in_its_place(second, number, result, status):
    # z = w_1 a_1 + w_2 a_1, then 0.4 * 0.6225 + 0.5 * 0.7311: the second a_1 is given 0.7311, which
    # is a_2 (stated above), while a_1 is 0.6225: the definition names a_1 where a_2 is meant.
    # 0.4 * 0.6225 + 0.5 * 0.7311 = 0.61455 and 0.4 * 0.6225 + 0.5 * 0.7 = 0.599 by hand.
    text = MISNAMED.replace("{second}", second).replace("{number}", number).replace("{result}", result)
    found = at(run(text), 5)
    assert found.status is status, found.explanation
    if status is Status.WRONG:
        assert "the value of a_2 (line 3)" in found.explanation[0]


D = "\\frac{{\\partial {0}}}{{\\partial {1}}}"


@pytest.mark.parametrize(
    ("chain", "status"),
    [
        (f"{D.format('E', 'z')} = {D.format('E', 'z')} \\times {D.format('a', 'z')}", Status.WRONG),
        (f"{D.format('E', 'h')} = {D.format('E_1', 'h')} + {D.format('E_2', 'g')}", Status.WRONG),
        (f"{D.format('E', 'h')} = {D.format('E_1', 'h')} + {D.format('E_2', 'h')}", None),
        (f"{D.format('E', 'w')} = {D.format('E', 'a')} {D.format('a', 'w')}", None),
    ],
    ids=["circular", "a-term-about-another-quantity", "sum-over-paths", "chain-rule"],
)
def test_a_chain_of_derivatives_wrong_by_its_shape(chain, status):
    # ∂E/∂z = ∂E/∂z · ∂a/∂z would need ∂a/∂z = 1; ∂E/∂h = ∂E_1/∂h + ∂E_2/∂g sums a derivative
    # with respect to g into one with respect to h. The last two are the sum and chain rules.
    found = at(run(f"$${chain}$$\n"), 1)
    if status is None:
        assert found.status is not Status.WRONG, found.explanation
    else:
        assert found.status is status, found.explanation


FACTORS = (
    f"$${D.format('E', 'a')} = 0.5$$\n\n$${D.format('a', 'z')} = 0.25$$\n\n$${D.format('z', 'h')} = 0.4$$\n\n"
    f"{{stated}}\n\n"
    f"$${D.format('E', 'h')} = {D.format('E', 'z')} {D.format('z', 'h')} = {{numbers}}$$\n"
)
STATED_DELTA = f"$${D.format('E', 'z')} = 0.125$$"


@pytest.mark.parametrize(
    ("stated", "numbers", "wrong"),
    [
        ("", "0.5 \\times 0.25 = 0.125", True),
        (STATED_DELTA, "0.5 \\times 0.25 = 0.125", False),
        (STATED_DELTA, "0.125 \\times 0.4 = 0.05", False),
        ("", "0.3 \\times 0.25 = 0.075", False),
    ],
    ids=["leaves-out-a-stated-factor", "two-left-out", "the-stated-factors", "a-number-never-stated"],
)
def test_a_product_of_derivatives_in_numbers_that_leaves_out_a_stated_factor(stated, numbers, wrong):
    # ∂E/∂h = ∂E/∂z · ∂z/∂h, with ∂z/∂h = 0.4 stated: 0.5 × 0.25 are ∂E/∂a and ∂a/∂z (that is ∂E/∂z,
    # 0.125), so ∂z/∂h is left out. With ∂E/∂z = 0.125 stated too, both factors are left out and the
    # numbers may be ∂E/∂z computed: no verdict. 0.125 × 0.4 = 0.05 holds; 0.3 is no stated quantity.
    found = at(run(FACTORS.replace("{stated}", stated).replace("{numbers}", numbers)), 9)
    assert (found.status is Status.WRONG) is wrong, found.explanation
    if wrong:
        assert "leaves out ∂z/∂h, which is 0.4 (line 5)" in found.explanation[0]


def test_a_derivative_with_respect_to_a_name_the_loss_never_uses_is_not_called_zero():
    # (no point: judged by its shape) a = σ(z) does not depend on u in the read network, but u feeds
    # nothing the loss uses:
    # the document may mean z by it, so "∂a/∂u is 0, not 0.24" would be a guess.
    text = ORPHAN.removeprefix(POINT).split("$$\\frac")[0] + f"$${D.format('a', 'u')} = 0.24$$\n"
    found = at(run(text), 9)
    assert found.status is not Status.WRONG, found.explanation
