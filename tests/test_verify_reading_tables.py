"""verify reads tables of values: a column headed by a name gives each row its point (issue 13).

Expected values are hand computations: L(w) = w^2 - 4w + 5, so L(1.2) = 1.44 - 4.8 + 5 = 1.64,
L'(w) = 2w - 4, L'(0) = -4, L'(1.2) = -1.6, L(1.68) = 2.8224 - 6.72 + 5 = 1.1024.
"""

from __future__ import annotations

import pytest

from symbackprop.verification import Status, verify
from symbackprop.verification.documents import read_document
from symbackprop.verification.values_at import derivative_at

LOSS = "$$\nL(w)=w^2-4w+5\n$$\n\n"


def statuses(text: str, fmt: str = "md") -> dict[int, set[Status]]:
    out: dict[int, set[Status]] = {}
    for f in verify(f"doc.{fmt}", text=text, format=fmt).findings:
        out.setdefault(f.line, set()).add(f.status)
    return out


MARKDOWN = LOSS + (
    "| Step | $w$ | $L(w)$ | $dL/dw$ |\n"  # line 5
    "|---|---:|---:|---:|\n"
    "| 0 | 0.000 | 5.000 | -4.000 |\n"  # line 7: all right (L'(0) = -4: no 0/0 from w^n/w)
    "| 1 | 1.200 | 1.640 | -1.600 |\n"  # line 8: all right
    "| 2 | 1.680 | 1.302 | -0.640 |\n"  # line 9: L(1.68) = 1.1024, not 1.302
    "| 3 | 1.872 | 1.016 | -0.556 |\n"  # line 10: L'(1.872) = -0.256, not -0.556
)


@pytest.mark.parametrize(
    ("line", "status"),
    [(7, {Status.OK}), (8, {Status.OK}), (9, {Status.OK, Status.WRONG}), (10, {Status.OK, Status.WRONG})],
    ids=["L-and-slope-at-zero", "both-right", "wrong-value", "wrong-slope"],
)
def test_a_markdown_table_of_values_is_judged_row_by_row(line, status):
    assert statuses(MARKDOWN)[line] == status


TABULAR = (
    "\\documentclass{article}\n\\begin{document}\n"
    "$$L(w)=w^2-4w+5$$\n"  # line 3
    "\\begin{tabular}{cccc}\n\\toprule\n"
    "Step & $w$ & $L(w)$ & $\\dfrac{dL}{dw}$ \\\\\n"  # line 6
    "\\midrule\n"
    "0 & $0.000$ & $5.000$ & $-4.000$ \\\\[0.8em]\n"  # line 8
    "1 & $1.200$ & $1.940$ & $-1.600$ \\\\\n"  # line 9: L(1.2) = 1.64
    "\\bottomrule\n\\end{tabular}\n\\end{document}\n"
)


@pytest.mark.parametrize(
    ("line", "status"), [(8, {Status.OK}), (9, {Status.OK, Status.WRONG})], ids=["right", "wrong-value"]
)
def test_a_latex_tabular_of_values_is_judged_row_by_row(line, status):
    assert statuses(TABULAR, "tex")[line] == status


@pytest.mark.parametrize(
    "table",
    [
        "| Sample | Error | Loss |\n|---|---|---|\n| 1 | 0.2 | 0.05 |\n",
        "| $w$ | $b$ |\n|---|---|\n| 1.0 | 2.0 |\n",
        "| $w$ | note |\n|---|---|\n| 1.0 | 7 |\n",
    ],
    ids=["headers-in-words", "names-only", "no-math-header-besides-the-name"],
)
def test_a_table_without_an_expression_of_a_named_column_claims_nothing(table):
    assert [f.text for f in read_document(LOSS + table, "md").fragments if f.line > 6] == []


def test_an_index_column_is_no_point_but_numbers_its_columns_quantity():
    # j is no point (no claim at j = 2); the cell is the header's quantity with the index put in
    table = "| $j$ | $\\frac{\\partial L}{\\partial b_{j}}$ |\n|---|---|\n| 2 | -0.0142 |\n"
    claims = [f.text for f in read_document(LOSS + table, "md").fragments if f.line > 6]
    assert claims == [r"\frac{\partial L}{\partial b_{2}} = -0.0142"]


def test_a_claim_of_a_table_is_a_fragment_on_its_row():
    texts = {(f.line, f.text) for f in read_document(MARKDOWN, "md").fragments}
    assert (8, "L(1.200) = 1.640") in texts
    assert (8, "\\left. dL/dw \\right|_{w=1.200} = -1.600") in texts


FUNCTIONS = {"L": ["w"], "=L": ["w^2-4w+5"], "f": ["x", "y"], "=f": ["x y"]}
SLOPE = "\\left.\\frac{d}{dw}\\left(w^2-4w+5\\right)\\right|_{w=1.2}"


@pytest.mark.parametrize(
    ("side", "expected"),
    [
        ("L'(1.2)", SLOPE),
        ("\\left.\\frac{dL}{dw}\\right|_{w=1.2}", SLOPE),
        ("\\dfrac{dL}{dw}\\Big|_{w=1.2}", SLOPE),
        ("\\left. dL/dw \\right|_{w=1.2}", SLOPE),
        ("\\frac{\\mathrm{d}L}{\\mathrm{d}w}\\bigg|_{w=1.2}", SLOPE),
        ("\\left.\\frac{dL}{dx}\\right|_{x=1.2}", None),  # not L's argument
        ("\\left.\\frac{dL}{dw}\\right|_{x=1.2}", None),  # the bar sets another variable
        ("f'(1.2)", None),  # two arguments
        ("g'(1.2)", None),  # not defined
        ("L(1.2)", None),  # a value, not a slope
    ],
    ids=[
        "prime",
        "bar",
        "dfrac-Big",
        "slash",
        "mathrm-d",
        "other-variable",
        "other-point",
        "two-args",
        "undefined",
        "value",
    ],
)
def test_the_slope_of_a_defined_function_at_a_number_is_its_bodys_derivative(side, expected):
    assert derivative_at(side, FUNCTIONS, "=") == expected


@pytest.mark.parametrize(
    ("claim", "status"),
    [
        ("L'(0) = -4", Status.OK),
        ("L'(1.2) = -1.9", Status.WRONG),
        ("\\frac{dL}{dw}\\Big|_{w=2} = 0", Status.OK),
    ],
    ids=["at-zero", "wrong", "bar"],
)
def test_a_slope_at_a_number_is_judged(claim, status):
    found = statuses(LOSS + f"$${claim}$$\n")
    assert found[5] == {status}


SQUARES = (
    "| Sample | Error | Squared error |\n"  # line 1
    "|---|---:|---:|\n"
    "| 1 | 0.2 | 0.04 |\n"  # line 3: 0.2^2 = 0.04
    "| 2 | -0.3 | 0.06 |\n"  # line 4: (-0.3)^2 = 0.09, not 0.06
)


@pytest.mark.parametrize(
    ("line", "status"), [(3, {Status.OK}), (4, {Status.WRONG})], ids=["right-square", "wrong-square"]
)
def test_a_column_headed_as_the_square_of_another_holds_its_square(line, status):
    assert statuses(SQUARES)[line] == status


@pytest.mark.parametrize(
    "header",
    ["Squared error", "error squared", "Error²", "**Squared error**"],
    ids=["prefix", "suffix", "sup", "bold"],
)
def test_the_square_of_a_column_is_read_in_any_common_wording(header):
    table = f"| Error | {header} |\n|---|---|\n| 0.5 | 0.25 |\n"
    assert [f.text for f in read_document(table, "md").fragments] == ["(0.5)^2 = 0.25"]


EXPRESSION = (
    "| $x$ | $3x + 1$ | $x^2$ |\n"  # line 1
    "|---|---|---|\n"
    "| 2 | 7 | 4 |\n"  # line 3: right
    "| 0.5 | 2.5 | 0.36 |\n"  # line 4: 0.5^2 = 0.25, not 0.36
)


def test_a_column_headed_by_an_expression_holds_its_value_at_the_row():
    texts = [(f.line, f.text) for f in read_document(EXPRESSION, "md").fragments if "=" in f.text]
    assert texts == [(3, "3(2) + 1 = 7"), (3, "(2)^2 = 4"), (4, "3(0.5) + 1 = 2.5"), (4, "(0.5)^2 = 0.36")]
    assert statuses(EXPRESSION)[4] == {Status.OK, Status.WRONG}


PRIMES = LOSS + (
    "| $z$ | $\\sigma'(z)$ | $w$ | $L'(w)$ |\n"  # line 5
    "|---|---|---|---|\n"
    "| 0 | 0.25 | 0 | -4 |\n"  # line 7: sigma'(0) = 1/4, L'(0) = -4
    "| 2 | 0.3 | 1 | -3 |\n"  # line 8: sigma'(2) = 0.105, L'(1) = -2
)


def test_a_primed_function_under_a_named_column_is_its_derivative_at_the_rows_number():
    texts = [(f.line, f.text) for f in read_document(PRIMES, "md").fragments if "=" in f.text and f.line > 6]
    assert texts == [
        (7, "\\sigma'(0) = 0.25"),
        (7, "L'(0) = -4"),
        (8, "\\sigma'(2) = 0.3"),
        (8, "L'(1) = -3"),
    ]
    assert statuses(PRIMES)[7] == {Status.OK} and statuses(PRIMES)[8] == {Status.WRONG}
