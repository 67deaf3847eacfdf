"""verify recovers a function the document gives only by its derivative and its values (issue 13).

Expected values are hand computations.  With dL/dw = 2w - 6 and L(3) = 1:
L(w) = w^2 - 6w + 10, so L(0) = 10, L(1) = 1 - 6 + 10 = 5, L(1.2) = 1.44 - 7.2 + 10 = 4.24,
dL/dw at 1.2 = 2.4 - 6 = -3.6.  With dy/dx = 3x^2 + 1 and y(0) = 2: y = x^3 + x + 2, y(1) = 4,
y(2) = 8 + 2 + 2 = 12.  With dy/dx = e^{x} and y(0) = 1: y = e^x, y(1) = e = 2.71828…, y(2) = e^2 = 7.389…
"""

from __future__ import annotations

import time

import pytest
from sympy import E, Rational, Symbol, exp

from symbackprop.verification import Status, verify
from symbackprop.verification.antiderivative import constant_of, integrated

w = Symbol("w")


def statuses(text: str, fmt: str = "md") -> dict[int, set[Status]]:
    out: dict[int, set[Status]] = {}
    for f in verify(f"doc.{fmt}", text=text, format=fmt).findings:
        out.setdefault(f.line, set()).add(f.status)
    return out


def messages(text: str, line: int) -> str:
    return " ".join(f.message for f in verify("doc.md", text=text, format="md").findings if f.line == line)


SLOPE = "The slope is $\\frac{dL}{dw} = 2w - 6$, with $L(3) = 1$.\n\n"  # line 1


@pytest.mark.parametrize(
    ("rows", "line", "status"),
    [
        ("$L(0) = 10$\n\n$L(1.2) = 4.24$\n", 5, Status.OK),
        ("$L(0) = 10$\n\n$L(1.2) = 4.84$\n", 5, Status.WRONG),
        ("$L(0) = 10$\n\n$L(1) = 6$\n", 5, Status.WRONG),
        ("$L(0) = 10$\n\n$L(1) = 5$\n", 5, Status.OK),
        ("$L(0) = 10$\n\n$L(1) = 5$\n", 3, Status.OK),
        ("$L(0) = 10$\n\n$L(1) = 5$\n", 1, Status.OK),  # L(3) = 1 agrees with L(0) = 10
        ("$L(0) = 10$\n\n$\\left.\\frac{dL}{dw}\\right|_{w=1.2} = -3.6$\n", 5, Status.OK),
        ("$L(0) = 10$\n\n$\\left.\\frac{dL}{dw}\\right|_{w=1.2} = -3$\n", 5, Status.WRONG),
    ],
    ids=[
        "right-value",
        "slipped-value",
        "wrong-integer",
        "right-integer",
        "agreeing-value",
        "the-value-that-fixes-it",
        "right-slope",
        "wrong-slope",
    ],
)
def test_a_function_given_by_its_derivative_and_a_value_is_recovered(rows, line, status):
    assert status in statuses(SLOPE + rows)[line]


def test_a_table_of_values_is_judged_against_the_recovered_function():
    doc = SLOPE + (
        "| Step | $w$ | $L(w)$ | $dL/dw$ |\n"  # line 3
        "|---|---:|---:|---:|\n"
        "| 0 | 0.000 | 10.000 | -6.000 |\n"  # line 5: right
        "| 1 | 1.200 | 4.840 | -3.600 |\n"  # line 6: L(1.2) = 4.24
    )
    got = statuses(doc)
    assert got[5] == {Status.OK}
    assert Status.WRONG in got[6]


def test_two_values_that_disagree_leave_both_not_checked_and_say_so():
    doc = SLOPE + "$L(0) = 12$\n"  # L(3) = 1 gives C = 10, L(0) = 12 gives 12: which is wrong is unknown
    got = statuses(doc)
    assert got[1] - {Status.OK} == {Status.NOT_CHECKED} and got[3] == {Status.NOT_CHECKED}
    assert "disagree" in messages(doc, 3)


def test_rounded_values_fix_the_constant_within_their_last_digit():
    # dy/dx = 3x^2 + 1, y(0.5) = 2.625 exactly (0.125 + 0.5 + 2), shown as 2.63; y(1) = 4; y(2) = 12
    doc = "$\\frac{dy}{dx} = 3x^2 + 1$\n\n$y(0.5) = 2.63$\n\n$y(1) = 4$\n\n$y(2) = 12$\n\n$y(2) = 13$\n"
    got = statuses(doc)
    assert got[3] == {Status.OK} and got[5] == {Status.OK} and got[7] == {Status.OK}
    assert Status.WRONG in got[9]


def test_an_exponential_slope_is_integrated():
    doc = "$\\frac{dy}{dx} = e^{x}$\n\n$y(0) = 1$\n\n$y(2) = 7.389$\n\n$y(1) = 2.718$\n\n$y(1) = 3.1$\n"
    got = statuses(doc)
    assert got[5] == {Status.OK} and got[7] == {Status.OK}
    assert Status.WRONG in got[9]


def test_a_function_the_document_defines_is_never_replaced():
    # L(w) = w^2 - 6w + 11 is the document's own; dL/dw = 2w - 6 (right) and L(3) = 1 (wrong: 2)
    doc = "$L(w) = w^2 - 6w + 11$\n\n" + SLOPE.replace("The slope", "Then the slope")
    assert Status.WRONG in statuses(doc)[3]


def test_the_function_is_known_only_in_its_section():
    doc = "# One\n\n" + SLOPE + "$L(0) = 10$\n\n# Two\n\n$L(1) = 7$\n"  # line 9: another L, unknown
    got = statuses(doc)
    assert got[5] == {Status.OK} and got[9] == {Status.NOT_CHECKED}


def test_a_partial_derivative_is_no_premise():
    doc = "$\\frac{\\partial L}{\\partial w} = 2w - 6$, $L(3) = 1$\n\n$L(0) = 10$\n\n$L(1) = 6$\n"
    assert Status.WRONG not in statuses(doc).get(5, set())


@pytest.mark.parametrize(
    ("f", "expected"),
    [(2 * w - 6, w**2 - 6 * w), (3 * exp(2 * w), 3 * exp(2 * w) / 2), (Rational(1, 2), w / 2)],
    ids=["polynomial", "exponential", "constant"],
)
def test_integrated(f, expected):
    assert (integrated(f, w) - expected).expand() == 0


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([(Rational(-9), Rational(1), 0), (Rational(0), Rational(10), 0)], Rational(10)),
        ([(Rational(-9), Rational(1), 0), (Rational(0), Rational(12), 0)], None),
        ([(Rational(-9), 1, 0), (Rational(0), 10, 0), (Rational(-5), 6, 0)], 10),
        ([(Rational(5, 8), Rational(263, 100), 2)], 2),  # C in [2.0, 2.01]: 2 is the shortest
        ([(E, Rational(2718, 1000), 3)], 0),  # e - 0.0005 <= 2.718 ... C in [-0.00078, 0.00022]
    ],
    ids=["agree", "tie", "majority", "rounded", "irrational"],
)
def test_constant_of(values, expected):
    assert constant_of(values) == expected


def test_a_new_derivative_of_the_same_function_starts_a_new_stretch():
    # L = w^2 + 1 (L(1) = 2), then L = 3w^2 (L(1) = 3): each value is judged against its own L
    doc = (
        "$\\frac{dL}{dw} = 2w$, with $L(0) = 1$\n\n$L(1) = 2$\n\n"
        "$\\frac{dL}{dw} = 6w$, with $L(0) = 0$\n\n$L(1) = 3$\n\n$L(2) = 4$\n"
    )
    got = statuses(doc)
    assert got[3] == {Status.OK} and got[7] == {Status.OK}
    assert Status.WRONG in got[9]  # 3 * 2^2 = 12


def test_bounded_work_on_many_derivatives():
    from symbackprop.verification.antiderivative import Antiderivatives
    from symbackprop.verification.documents import read_document

    text = "$\\frac{dL}{dw} = 2w - 6$, with $L(3) = 1$\n\n$L(0) = 10$\n\n" * 1500
    fragments = read_document(text, "md").fragments
    start = time.process_time()
    found = Antiderivatives(fragments, []).found
    assert len(found) == 1500 and time.process_time() - start < 3
