"""A derivative written with an evaluation bar (``\\left.\\frac{\\partial L}{\\partial w}\\right|_{w=1}``)
is judged at the bar's point: the document's point with the bar's variables set, every side of its
chain there.  Expected values are ``sympy.diff`` of the inlined loss, evaluated in the test."""

from __future__ import annotations

import pytest
import sympy as sp

from symbackprop.verification import Status, verify

x, w, y = sp.symbols("x w y")
#: The document's network inlined: z = w x, L = (z - y)^2, at x = 2, w = 1/2, y = 1.
LOSS = (w * x - y) ** 2
POINT = {x: 2, w: sp.Rational(1, 2), y: 1}

HEAD = "Let $x = 2$, $w = 0.5$, $y = 1$.\n\n$$z = w x$$\n\n$$L = (z - y)^2$$\n\n"


def slope(**bar: float) -> sp.Expr:
    """∂L/∂w at the document's point with ``bar`` set (an independent route: sympy.diff)."""
    at = {**POINT, **{sp.Symbol(k): sp.nsimplify(v) for k, v in bar.items()}}
    return sp.diff(LOSS, w).subs(at)


def status(line: str) -> tuple[Status, str]:
    report = verify("bar.md", text=HEAD + line + "\n", format="md")
    (finding,) = [f for f in report.findings if f.line == 7]  # the line after HEAD
    return finding.status, finding.message


@pytest.mark.parametrize(
    ("bar", "values", "ok"),
    [
        ("w=1", {"w": 1}, True),
        ("x=1", {"x": 1}, True),
        ("w=1, x=1", {"w": 1, "x": 1}, True),
        ("w=0.5", {"w": 0.5}, True),  # the document's own point
        ("w=3", {"w": 3}, True),
        ("w=1", {"w": 1}, False),  # the value claimed is off by one
    ],
    ids=["parameter", "input", "two-variables", "the-documents-point", "far-away", "wrong-value"],
)
def test_a_barred_derivative_is_judged_at_the_bars_point(bar, values, ok):
    true = slope(**values)
    claimed = true if ok else true + 1
    got, message = status(f"$$\\left.\\frac{{\\partial L}}{{\\partial w}}\\right|_{{{bar}}} = {claimed}$$")
    assert got is (Status.OK if ok else Status.WRONG), message


def test_every_side_of_the_chain_is_at_the_bars_point():
    """The general formula in the middle is read at w = 1 too (2(wx − y)x = 4 there, 0 at w = 0.5)."""
    assert slope(w=1) == 4 and slope() == 0
    got, message = status("$$\\left.\\frac{\\partial L}{\\partial w}\\right|_{w=1} = 2(w x - y) x = 4$$")
    assert got is Status.OK, message
    got, message = status("$$\\left.\\frac{\\partial L}{\\partial w}\\right|_{w=1} = 2(w x - y) = 4$$")
    assert got is Status.WRONG, message  # the factor x dropped: 2 at w = 1, not 4
    assert "2(w x - y)" in message


def test_the_d_spelling_and_a_wrong_value_name_the_right_one():
    got, message = status("$$\\left.\\frac{dL}{dw}\\right|_{w=3} = 4$$")
    assert slope(w=3) == 20
    assert got is Status.WRONG and "20" in message, message


def test_a_bar_on_an_inner_node_is_not_checked_and_says_why():
    got, message = status("$$\\left.\\frac{\\partial L}{\\partial w}\\right|_{z=1} = 0$$")
    assert got is Status.NOT_CHECKED
    assert "evaluation bar sets z" in message
