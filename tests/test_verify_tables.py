"""LaTeX tables read under their header, and ``\\mathrm{d}L / \\mathrm{d}w`` as a derivative (issue 13).

The walkthrough's compact LaTeX layout puts a gradient and its value in two cells
(``$\\partial L / \\partial w$ & $\\approx$ 0.0022``), a parameter's value under a
``value`` header, and a layer's other units in a table indexed by ``$j$``.  The
expected readings are written by hand; the verdicts are judged against values
computed here with sympy, never by the code under test.
"""

from __future__ import annotations

import pytest
import sympy as sp

from symbackprop.core.derivation import Partial
from symbackprop.notation.latex import parse_math
from symbackprop.verification import Status, verify
from symbackprop.verification.documents import read_document


def _texts(latex: str) -> list[str]:
    return [" ".join(f.text.split()) for f in read_document(latex, "tex").fragments]


def _table(*rows: str, spec: str = "lll") -> str:
    body = " \\\\\n".join(rows)
    return f"\\begin{{tabular}}{{{spec}}}\n\\hline\n{body} \\\\\n\\hline\n\\end{{tabular}}\n"


READINGS = [
    (
        _table(
            "gradient & value & gradient & value",
            r"$\partial L / \partial w_{1}$ & $\approx$ 0.0022 & "
            r"$\partial L / \partial b$ & $\approx$ -0.0142",
        ),
        [r"\partial L / \partial w_{1} \approx 0.0022", r"\partial L / \partial b \approx -0.0142"],
        "relation-in-math-number-in-text",
    ),
    (
        _table(
            "symbol & role & value & symbol & role & value",
            r"$x_{1}$ & input & 0.85 & $w_{2}$ & parameter & -0.54",
        ),
        ["x_{1} = 0.85", "w_{2} = -0.54"],
        "value-column-by-its-header",
    ),
    (
        _table(
            "parameter & value & gradient & new value",
            r"$w_{1}$ & 0.72 & $\approx$ 0.0022 & $\approx$ 0.7189",
        ),
        ["w_{1} = 0.72"],
        "words-that-are-not-the-value-are-not-read",
    ),
    (  # numbers in math for their minus sign: the header still says what each one is
        _table(
            "parameter & value & gradient & new value",
            r"$w_{1}$ & $-0.72$ & $\approx -0.0022$ & $\approx -0.7189$",
        ),
        ["w_{1} = -0.72"],
        "words-that-are-not-the-value-are-not-read-in-math",
    ),
    (
        _table(
            "parameter & symbolic & finite differences & relative error & verdict",
            r"$w_{7}$ & $-0.022603$ & $-0.022603$ & 3.0e-11 & ok",
        ),
        [],
        "check-table-in-math-is-not-the-parameter",
    ),
    (
        _table(
            "gradient & value & symbol & role & value",
            r"$\partial L / \partial b$ & $\approx -0.0142$ & $w_{2}$ & parameter & $-0.54$",
        ),
        [r"\partial L / \partial b \approx -0.0142", "w_{2} = -0.54"],
        "value-column-in-math",
    ),
    (
        _table(
            r"\rule[-2.2ex]{0pt}{5.5ex}$j$ & $\displaystyle \frac{\partial L}{\partial a_{j}}$ & "
            r"$\displaystyle \frac{\partial L}{\partial w_{j1}}$",
            r"2 & $\approx -0.0653$ & $-0.01207$",
        ),
        [
            r"\frac{\partial L}{\partial a_{2}} \approx -0.0653",
            r"\frac{\partial L}{\partial w_{21}} = -0.01207",
        ],
        "index-column-put-into-the-header",
    ),
    (
        _table(r"$z = 0.5 \times 2$ & $1.0$"),
        [r"z = 0.5 \times 2 = 1.0"],
        "no-header-cells-chain",
    ),
]


@pytest.mark.parametrize(("latex", "expected"), [r[:2] for r in READINGS], ids=[r[2] for r in READINGS])
def test_a_latex_table_is_read_under_its_header(latex: str, expected: list[str]):
    got = [t for t in _texts(latex) if any(r in t for r in ("=", r"\approx"))]
    assert got == expected


def test_a_table_value_is_judged(tmp_path):
    # dL/dw = (w x - y) x = (0.5*2 - 3)*2 = -4, by hand; a table row says -4 then (wrongly) -5
    doc = tmp_path / "t.tex"
    doc.write_text(
        "$x = 2$, $y = 3$, $w = 0.5$.\n"
        "\\begin{align*}\nL &= \\frac{1}{2}\\left(w x - y\\right)^{2}\n\\end{align*}\n"
        + _table("gradient & value", r"$\partial L / \partial w$ & $=$ -4")
        + _table("gradient & value", r"$\partial L / \partial w$ & $=$ -5")
    )
    w, x, y = sp.symbols("w x y")
    truth = sp.diff((w * x - y) ** 2 / 2, w).subs({w: sp.Rational(1, 2), x: 2, y: 3})
    assert truth == -4
    verdicts = {f.source.strip(): f.status for f in verify(doc).findings if "partial" in f.source}
    assert verdicts == {
        r"\partial L / \partial w = -4": Status.OK,
        r"\partial L / \partial w = -5": Status.WRONG,
    }


L, w, w_1 = (sp.Symbol(n, real=True) for n in ("L", "w", "w^(1)_11"))


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        (r"\mathrm{d}L / \mathrm{d}w", Partial(L, w)),
        (r"\text{d}L/\text{d}w", Partial(L, w)),
        (r"\mathrm{d}L / \mathrm{d}w^{(1)}_{11}", Partial(L, w_1)),
    ],
    ids=["mathrm", "text", "layered"],
)
def test_a_slash_derivative_with_upright_d_is_a_derivative_not_a_ratio(latex: str, expected: sp.Expr):
    got = parse_math(latex, lambda n: sp.Symbol(n, real=True), gradient=Partial, known=frozenset()).exact()
    assert got == expected


# ----------------------------------------------- values computed from rounded values shown before

#: w = 0.4, x = 1, y = 0: a = σ(0.4) = 0.598688…, so ∂L/∂a = a - y ≈ 0.5987 and ∂a/∂z = a(1 - a) ≈ 0.2403
#: (mpmath, by hand).  ∂L/∂z = a²(1 - a) = 0.143841… ≈ 0.1438 exactly; from the rounded values shown,
#: 0.5987 · 0.2403 = 0.14386761 ≈ 0.1439, as a reader redoing the step gets it.
HAND = (
    "Values `x = 1.0`, `y = 0.0`, `w = 0.4`.\n\n$$z = w x$$\n\n$$a = \\sigma(z)$$\n\n"
    "$$L = \\frac{1}{2}(a - y)^2$$\n\n"
    "$$\\frac{\\partial L}{\\partial a} = a - y \\approx 0.5987$$\n\n"
    "$$\\frac{\\partial a}{\\partial z} = a (1 - a) \\approx 0.2403$$\n\n"
    "| quantity | value |\n|---|---|\n| $\\frac{\\partial L}{\\partial z}$ | $\\approx VALUE$ |\n"
)


def test_the_hand_example_is_what_it_says():
    import mpmath

    a = 1 / (1 + mpmath.exp(-mpmath.mpf("0.4")))
    assert (round(float(a), 4), round(float(a * (1 - a)), 4)) == (0.5987, 0.2403)
    assert round(float(a * a * (1 - a)), 4) == 0.1438
    assert round(0.5987 * 0.2403, 4) == 0.1439


@pytest.mark.parametrize(
    ("value", "policy", "status"),
    [
        ("0.1438", "round", Status.OK),
        ("0.1439", "round", Status.OK),
        ("0.1626", "round", Status.WRONG),  # 13% off
        ("0.1439", "strict", Status.WRONG),  # strict: every number its true value, correctly rounded
    ],
    ids=["exact-rounded", "from-the-rounded-values-shown", "slip", "strict-policy"],
)
def test_a_value_computed_from_the_rounded_values_shown_holds(value: str, policy: str, status: Status):
    report = verify("hand.md", text=HAND.replace("VALUE", value), format="md", digits_policy=policy)
    last = report.findings[-1]
    assert ("partial z" in last.source, last.status) == (True, status), last.message


MD_INDEXED = (
    "| $j$ | $\\frac{\\partial L}{\\partial a_{j}}$ | $\\frac{\\partial L}{\\partial w_{j1}}$ | note |\n"
    "|---|---|---|---|\n"
    "| 2 | ≈ -0.0653 | -0.01207 | ≈ 1 |\n"
    "| x | ≈ 0.5 | 0.5 | |\n"
)


def test_a_markdown_table_indexed_by_its_first_column_is_read_with_the_index_put_in():
    # the header's quantity at the row's index; a row without a whole-number index and a column in words
    # are not read
    got = [t for t in _md_texts(MD_INDEXED) if "partial" in t and any(r in t for r in ("=", r"\approx"))]
    assert got == [
        r"\frac{\partial L}{\partial a_{2}} \approx -0.0653",
        r"\frac{\partial L}{\partial w_{21}} = -0.01207",
    ]


def test_a_slip_in_a_markdown_indexed_table_is_caught(tmp_path):
    # L = (w_1 x)^2 + (w_2 x)^2 / 2 ... by hand: dL/dw_j = w_j x^2 at x = 2: w_1 = 0.5 -> 2, w_2 = 0.25 -> 1
    w1, w2, x = sp.symbols("w_1 w_2 x")
    loss = (w1 * x) ** 2 / 2 + (w2 * x) ** 2 / 2
    point = {w1: sp.Rational(1, 2), w2: sp.Rational(1, 4), x: 2}
    assert [sp.diff(loss, w).subs(point) for w in (w1, w2)] == [2, 1]
    doc = tmp_path / "t.md"
    doc.write_text(
        "$x = 2$, $w_1 = 0.5$, $w_2 = 0.25$.\n\n$$\nL = \\frac{1}{2}\\left(w_1 x\\right)^{2} + "
        "\\frac{1}{2}\\left(w_2 x\\right)^{2}\n$$\n\n"
        "| $j$ | $\\frac{\\partial L}{\\partial w_{j}}$ |\n|---|---|\n| 1 | 2 |\n| 2 | 1.5 |\n",
        encoding="utf-8",
    )
    verdicts = {f.source.strip(): f.status for f in verify(doc).findings if "partial" in f.source}
    assert verdicts == {
        r"\frac{\partial L}{\partial w_{1}} = 2": Status.OK,
        r"\frac{\partial L}{\partial w_{2}} = 1.5": Status.WRONG,
    }


def _md_texts(markdown: str) -> list[str]:
    return [" ".join(f.text.split()) for f in read_document(markdown, "md").fragments]


MD_VALUES = (
    "| symbol | role | value | parameter | value | gradient | new value |\n"
    "|---|---|---|---|---|---|---|\n"
    "| $w_{1}$ | parameter | 0.15 | $b$ | -0.1 | ≈ 0.0022 | ≈ 0.7189 |\n"
    "| $\\partial L / \\partial w_{1}$ | rounded | ≈ 0.0022 | $z = 2$ | 3 | | |\n"
)


MD_CHAIN = (
    "| parameter | chain rule | value |\n|---|---|---|\n"
    "| $w_{1}$ | $\\frac{\\partial L}{\\partial w_{1}} = \\frac{\\partial L}{\\partial z} \\cdot x$ "
    "| ≈ 0.0692 |\n"
)


def test_a_markdown_value_beside_a_chain_is_not_the_parameters():
    got = [t for t in _md_texts(MD_CHAIN) if any(r in t for r in ("=", r"\approx"))]
    assert got == [r"\frac{\partial L}{\partial w_{1}} = \frac{\partial L}{\partial z} \cdot x"]


def test_a_markdown_value_column_holds_the_value_of_the_label_to_its_left():
    # a label is math without a relation; gradient and new value columns are other quantities
    got = [t for t in _md_texts(MD_VALUES) if any(r in t for r in ("=", r"\approx"))]
    assert got == ["w_{1} = 0.15", "b = -0.1", "z = 2", r"\partial L / \partial w_{1} \approx 0.0022"]
