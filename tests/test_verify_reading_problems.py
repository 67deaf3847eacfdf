"""verify reads a problem that opens by recalling the values the one before computed as its next part.

An exercise sheet splits into problems at its headings; "Using the values from Question 2:
$y = 6$" continues Question 2 with its network.  Expected values by hand: y = w x = 2 * 3 = 6,
L = y^2 = 36, dL/dw = 2 y x = 36.
"""

from __future__ import annotations

import pytest

from symbackprop.verification import Status, verify

SHEET = """## Question 1

$$y = 3x + 1$$

## Question 2

Parameters: $w = 2$, $x = 3$.

$$y = w x = 6$$

$$L = y^2 = 36$$

## Question 3

Using the values from Question 2: {recall}.

$$\\frac{{\\partial L}}{{\\partial w}} = 2 y x = {value}$$
"""


def status_at(recall: str, value: str, line: int = 17) -> set[Status]:
    report = verify("sheet.md", text=SHEET.format(recall=recall, value=value), format="md")
    return {f.status for f in report.findings if f.line == line}


@pytest.mark.parametrize(
    ("value", "status"), [("36", Status.OK), ("30", Status.WRONG)], ids=["right-gradient", "wrong-gradient"]
)
def test_a_problem_that_recalls_a_computed_value_is_judged_with_the_network_before(value, status):
    assert status_at("$y = 6$, $x = 3$", value) == {status}


@pytest.mark.parametrize(
    "recall",
    ["$y = 7$, $x = 3$", "$x = 3$", "$y = 6$, $x = 4$"],
    ids=["another-value", "only-an-input", "a-contradicted-input"],
)
def test_a_problem_that_does_not_recall_a_computed_value_stays_a_problem_of_its_own(recall):
    assert status_at(recall, "36") == {Status.NOT_CHECKED}


@pytest.mark.parametrize(
    ("line", "second"),
    [
        ("Starting from $w=-2$, gradient descent moves toward $w=3$.", Status.NOT_CHECKED),
        ("Starting from $w=-2$, gradient descent keeps $w=-2$.", Status.OK),
    ],
    ids=["another-value", "the-same-value"],
)
def test_a_second_inline_value_of_a_name_on_one_line_is_no_claim(line, second):
    """ "From $w=-2$ toward $w=3$" names two values of w: the second is no claim that w is 3."""
    report = verify("doc.md", text="$$L(w) = (w-3)^2 + 1$$\n\n" + line + "\n", format="md")
    assert [f.status for f in report.findings if f.line == 3] == [Status.OK, second]
