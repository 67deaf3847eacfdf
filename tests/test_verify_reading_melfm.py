"""verify's reading rules met in the melfm notes and the stats.stackexchange question (issue 13).

Each rule has its own minimal document; the expected verdicts are worked out by
hand from the document's own definitions, never taken from verify.
"""

from __future__ import annotations

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
    + "$$u = w x$$\n\n"
    + "$$\\frac{\\partial L}{\\partial w} = \\frac{\\partial L}{\\partial a} "
    + "\\frac{\\partial a}{\\partial u} \\frac{\\partial u}{\\partial w}$$\n"
)


def test_a_chain_through_a_name_the_loss_never_uses_is_not_checked():
    # u is defined like z but feeds nothing: the chain names z twice over (u and z), so in the read
    # network ∂a/∂u = 0 and the chain would be "wrong" only because the names were never joined.
    found = at(run(ORPHAN), 11)
    assert found.status is Status.NOT_CHECKED, found.explanation
    assert "does not depend on u (defined at line 9)" in " ".join(map(str, found.explanation))


def test_a_chain_through_a_name_the_loss_uses_is_still_judged():
    # the same chain through z: ∂L/∂a · ∂a/∂z · ∂z/∂w is ∂L/∂w, so it holds.
    text = ORPHAN.replace("\\partial u}", "\\partial z}").replace("{\\partial u}", "{\\partial z}")
    found = at(run(text), 11)
    assert found.status is Status.OK and found.checked, found.explanation
