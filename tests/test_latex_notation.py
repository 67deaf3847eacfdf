"""The notation people use, read inside one equation (issue 13, section 2).

Every expected expression below is written by hand (or, for high derivatives,
computed by mpmath's numerical differentiation), never taken from the reader.
"""

from __future__ import annotations

import re
import signal
from pathlib import Path

import mpmath
import pytest
import sympy as sp
import tomllib
from conftest import ROOT

from symbackprop.cli import main
from symbackprop.core.derivation import Partial
from symbackprop.core.functions import relu, sigmoid, softmax
from symbackprop.errors import InputError, SymbackpropError
from symbackprop.notation.latex import AtPoint, parse_math, split_relations
from symbackprop.verification import verify


def S(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


x, y, z, w, L, a, b = (S(n) for n in ("x", "y", "z", "w", "L", "a", "b"))
w_1, w_2, x_1, x_2, w_11, w_12 = (S(n) for n in ("w_1", "w_2", "x_1", "x_2", "w_11", "w_12"))

#: What a document defines: the families that ``\sum_j`` ranges over.
KNOWN = frozenset(
    {"w_1", "w_2", "x_1", "x_2", "w_11", "w_12", "w_21", "w_22", "delta_o1", "delta_o2", "w_o1", "w_o2"}
    | {"v_1", "v_3", "u_1", "u_2", "u_11", "u_12", "w^(2)_11", "delta", "x"}
)


def read(latex: str, known: frozenset[str] = KNOWN) -> sp.Expr:
    """``latex`` read with every name a fresh real symbol and derivatives as ``Partial``."""
    return parse_math(latex, S, gradient=Partial, known=known).exact()


def same(got: sp.Expr, expected: sp.Expr) -> bool:
    return sp.simplify(got - expected) == 0 if got.free_symbols else got == expected


def refused(latex: str, match: str, known: frozenset[str] = KNOWN) -> None:
    with pytest.raises(InputError, match=match):
        read(latex, known)


# ------------------------------------------------------------------------ sums

SUMS = [
    (r"\sum_{j=1}^{2} w_j x_j", w_1 * x_1 + w_2 * x_2, "limits"),
    (r"\sum\limits_{j=1}^{2} w_j x_j", w_1 * x_1 + w_2 * x_2, "limits-below"),
    (r"\sum_j w_j x_j", w_1 * x_1 + w_2 * x_2, "family-the-document-defines"),
    (r"\sum_{j} w_j x_j + b", w_1 * x_1 + w_2 * x_2 + b, "summand-stops-at-plus"),
    (r"\left(\sum_j w_j x_j\right) b", (w_1 * x_1 + w_2 * x_2) * b, "summand-stops-at-bracket"),
    (r"\sum_{k} w_{1k} x_k", w_11 * x_1 + w_12 * x_2, "two-indices-one-fixed"),
    (r"\sum_{i=1}^{2}\sum_{k=1}^{2} w_{ik}", w_11 + w_12 + S("w_21") + S("w_22"), "double-sum"),
    (r"\sum_o \delta_o w_o", S("delta_o1") * S("w_o1") + S("delta_o2") * S("w_o2"), "index-o1-o2"),
    (r"\sum_{j=1}^{3} j", sp.Integer(6), "index-as-a-value"),
    ("∑_{j=1}^{2} x_j", x_1 + x_2, "unicode-sum-sign"),
]


@pytest.mark.parametrize(("latex", "expected"), [c[:2] for c in SUMS], ids=[c[2] for c in SUMS])
def test_sums_are_written_out(latex, expected):
    assert same(read(latex), expected)


UNREAD_SUMS = [
    (r"\sum_{k} w_{jk} x_k", "range of the sum over k", "free-index-j"),
    (r"\sum_j v_j", "range of the sum over j", "family-with-a-gap"),
    (r"\sum_j u_j", "range of the sum over j", "family-mixed-with-u_11"),
    (r"\sum_{i=1}^N x_i", "upper limit is not a number", "symbolic-upper-limit"),
    (r"\sum_i \sum_j u_{ij}", "range of the sum over i", "nested-without-limits"),
    (r"\sum x", "matrix notation", "no-index"),
    (r"\sum_{i=1}^{65} x", "at most 64", "too-many-terms"),
    (r"\sum_{i=1}^{64}\sum_{j=1}^{64} x", "not written out to more than", "nested-sums-multiply"),
]


@pytest.mark.parametrize(("latex", "why"), [c[:2] for c in UNREAD_SUMS], ids=[c[2] for c in UNREAD_SUMS])
def test_a_sum_whose_range_is_not_sure_is_not_read(latex, why):
    refused(latex, why)


# ----------------------------------------------------------------- derivatives

E = (y - w * x) ** 2 / 2
DERIVATIVES = [
    (r"\frac{d}{dw} L", Partial(L, w), "d-operator"),
    (r"\frac{\partial}{\partial w} L", Partial(L, w), "partial-operator"),
    (r"\frac{\mathrm{d}a}{\mathrm{d}z}", Partial(a, z), "mathrm-d"),
    (r"\frac{\text{d}a}{\text{d}z}", Partial(a, z), "text-d"),
    (r"\frac{\operatorname{d} a}{\operatorname{d} z}", Partial(a, z), "operatorname-d"),
    (r"\frac{\mathrm{d}}{\mathrm{d}w} L", Partial(L, w), "mathrm-d-operator"),
    (r"\nabla_w L", Partial(L, w), "nabla"),
    (r"\nabla_{w_1} L", Partial(L, w_1), "nabla-braced"),
    ("dL/dw", Partial(L, w), "plain-text-ratio"),
    ("∂L/∂w₁", Partial(L, w_1), "unicode"),
    (r"\frac{dL}{da2}", Partial(L, S("a_2")), "glued-digits"),
    (r"\frac{\partial E}{\partial w_{11}^{2}}", Partial(S("E"), S("w^(2)_11")), "superscript-is-a-layer"),
    (r"\sigma'(z)", sigmoid(z) * (1 - sigmoid(z)), "prime"),
    (r"\operatorname{ReLU}'(z)", sp.Heaviside(z, 0), "relu-prime"),
    (r"\frac{d}{dz} \sigma(z)", sigmoid(z) * (1 - sigmoid(z)), "operator-on-a-function"),
    (r"\frac{d\sigma(z)}{dz}", sigmoid(z) * (1 - sigmoid(z)), "function-in-the-numerator"),
    (r"\frac{d}{dx} x^2 + 1", 2 * x + 1, "operator-reaches-over-the-term-only"),
    (
        r"\frac{\partial}{\partial w}\left(\frac{1}{2}(y - w x)^2\right)",
        -x * (y - w * x) + (y - w * x) * Partial(y, w) - w * (y - w * x) * Partial(x, w),
        "chain-rule-over-the-names",
    ),
    (
        r"\frac{\partial}{\partial w}\left(\frac{1}{2}(y - w x)^2\right) \cdot b",
        (-x * (y - w * x) + (y - w * x) * Partial(y, w) - w * (y - w * x) * Partial(x, w)) * b,
        "operator-on-a-bracket-only",
    ),
    (r"\left.\frac{d}{dx} x^2 \right|_{x=3}", sp.Integer(6), "bar-on-a-closed-form"),
    (r"\frac{d}{dx} x^3 \bigg|_{x=2}", sp.Integer(12), "bigg-bar"),
]


@pytest.mark.parametrize(("latex", "expected"), [c[:2] for c in DERIVATIVES], ids=[c[2] for c in DERIVATIVES])
def test_derivative_spellings(latex, expected):
    got = read(latex)
    if expected.atoms(sp.Heaviside):
        assert got == relu(z).diff(z)  # the registry's ReLU' (a step with its convention)
    else:
        assert same(got, expected)


def test_the_evaluation_bar_records_the_point():
    got = read(r"\left.\frac{\partial L}{\partial w}\right|_{w=5}")
    assert isinstance(got, AtPoint)
    assert got.derivative == Partial(L, w)
    assert got.point == ((w, sp.Integer(5)),)
    assert got.free_symbols == set()  # nothing evaluates it at the document's point by mistake


UNREAD_DERIVATIVES = [
    (r"\frac{d^2 y}{dx^2}", "second derivative", "second-derivative"),
    (
        r"\frac{\partial}{\partial w}\left(\frac{\partial L}{\partial w}\right)",
        "derivative of a derivative",
        "nested",
    ),
    (r"\frac{\partial L}{\partial (x + y)}", "variable", "by-an-expression"),
    (r"\frac{d}{dw}", "nothing to differentiate", "operator-alone"),
    (r"\nabla L", "matrix notation", "gradient-vector"),
    (r"\nabla_{\mathbf{W}} L", "matrix notation", "by-a-matrix"),
    (r"\frac{dL}{d\partial w}", "variable", "mixed"),
    (r"\frac{\partial y}{\partial x}\bigg|_{x}", "point", "bar-without-a-value"),
]


@pytest.mark.parametrize(
    ("latex", "why"), [c[:2] for c in UNREAD_DERIVATIVES], ids=[c[2] for c in UNREAD_DERIVATIVES]
)
def test_a_derivative_that_is_not_sure_is_not_read(latex, why):
    refused(latex, why)


# ------------------------------------------------------------------------ norms

t_o1, o_o1 = S("t_o1"), S("o_o1")

SCALAR_NORMS = [
    (r"\frac{1}{2}\|t_{o1} - o_{o1}\|^2", (t_o1 - o_o1) ** 2 / 2, "components"),
    (r"\lVert t_{o1} - o_{o1} \rVert^{2}", (t_o1 - o_o1) ** 2, "lvert-rvert"),
    (r"\frac{1}{2}\|0.01-0.75\|^2", sp.Rational(74, 100) ** 2 / 2, "numbers"),
]


@pytest.mark.parametrize(
    ("latex", "expected"), [c[:2] for c in SCALAR_NORMS], ids=[c[2] for c in SCALAR_NORMS]
)
def test_the_squared_norm_of_one_component_is_its_square(latex, expected):
    assert same(read(latex), expected)


UNREAD_NORMS = [
    (r"\|t - o\|^2", "bare-names-may-be-vectors"),
    (r"\|t_{o1} - o_{o1}\|", "not-squared"),
    (r"\|t_{o1} - o_{o1}\|^3", "another-power"),
    (r"\|\mathbf{y}_1\|^2", "bold"),
    (r"\|t_{o1}", "unclosed"),
]


@pytest.mark.parametrize("latex", [c[0] for c in UNREAD_NORMS], ids=[c[1] for c in UNREAD_NORMS])
def test_any_other_norm_is_matrix_notation(latex):
    refused(latex, "matrix notation")


def test_derivatives_are_refused_where_none_is_allowed():
    with pytest.raises(InputError, match="not allowed"):
        parse_math(r"\frac{d}{dw} L", S)


def _alarm(signum, frame):
    raise TimeoutError


def test_thirty_primes_are_read_quickly():
    """Each prime used to double the work (13 primes took 16 s)."""
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(20)
    try:
        got = read(r"\sigma" + "'" * 30 + "(z)")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    mpmath.mp.dps = 60
    truth = mpmath.diff(lambda t: 1 / (1 + mpmath.exp(-t)), mpmath.mpf("0.3"), 30)
    value = got.subs(z, sp.Rational(3, 10)).evalf(40)
    assert abs(value - sp.Float(str(truth), 40)) <= abs(value) * sp.Float("1e-25")


def test_too_many_primes_are_refused_before_any_work():
    refused(r"\sigma" + "'" * 5000 + "(z)", "primes")


# ------------------------------------------------------------ markup and space

MARKUP = [
    (r"\boxed{0.25}", sp.Rational(1, 4), "boxed"),
    (r"x = \boxed{-0.5}", None, "boxed-in-a-relation"),
    (r"\text{Error}", S("Error"), "text-word-is-a-name"),
    (r"0.5 \text{ (rounded)}", sp.Rational(1, 2), "trailing-remark-dropped"),
    (r"\left( a + b \right) \left[ x \right]", (a + b) * x, "left-right"),
    (r"a\,b\;x\:y\!z\ w \quad L", a * b * x * y * z * w * L, "spacing"),
    (r"a + b \tag{3}", a + b, "tag"),
    (r"a + b \tag*{(3)}", a + b, "tag-star"),
    (r"x \hspace{1em} y", x * y, "hspace"),
    (r"d\_output", S("d_output"), "escaped-underscore"),
    (r"learning\_rate", S("learning_rate"), "escaped-underscore-word"),
    (r"\displaystyle \frac{a}{b}", a / b, "displaystyle"),
    (r"\mathbf{x}", x, "bold-scalar-the-document-names"),
    (r"\boldsymbol{\delta}", S("delta"), "boldsymbol-scalar"),
    (r"\mathbf{6.0}", sp.Integer(6), "bold-number"),
    (r"\lvert a - b \rvert", sp.Abs(a - b), "absolute-value"),
    (r"a + b \\", a + b, "trailing-line-break"),
    (r"\left(a \\ + b\right)", a + b, "line-break-inside-brackets"),
]


@pytest.mark.parametrize(("latex", "expected"), [c[:2] for c in MARKUP], ids=[c[2] for c in MARKUP])
def test_markup_and_spacing(latex, expected):
    if expected is None:
        ((sides, _),) = split_relations(latex)
        assert read(sides[1]) == sp.Rational(-1, 2)
    else:
        assert same(read(latex), expected)


@pytest.mark.parametrize(
    "latex", [r"x \text{ since } y", r"\text{where}", r"\text{and } x"], ids=["since", "where", "and"]
)
def test_prose_in_math_is_never_a_name(latex):
    refused(latex, "prose")


# ---------------------------------------------------------------------- Unicode

UNICODE = [
    ("x₁w₁ + x₂w₂", x_1 * w_1 + x_2 * w_2, "subscripts"),
    ("σ(z)", sigmoid(z), "sigma"),
    ("0.3·0.5", sp.Rational(3, 20), "middle-dot"),
    ("0.3×−0.0376", sp.Rational(-1128, 100000), "times-and-minus-sign"),
    ("a − b", a - b, "minus-sign"),
    ("w²", w**2, "superscript-two"),
    ("x⁻¹", 1 / x, "superscript-minus-one"),
    ("ŷ", S("y_hat"), "y-hat-combining"),
    ("ŷ₁", S("y_hat_1"), "y-hat-with-subscript"),
    ("η·δ", S("eta") * S("delta"), "greek-letters"),
    ("Δw₁₁", S("Delta_w_11"), "delta-w"),
    ("σ′(z)", sigmoid(z) * (1 - sigmoid(z)), "prime-character"),
]


@pytest.mark.parametrize(("latex", "expected"), [c[:2] for c in UNICODE], ids=[c[2] for c in UNICODE])
def test_unicode(latex, expected):
    assert same(read(latex), expected)


LINE_BREAKS = [
    (r"x &= a + b \\ &= c", [(["x &", "a + b  &", "c"], ["=", "="])], "row-goes-on-with-a-relation"),
    (r"x &= a \\ &+ b", [(["x &", "a  &+ b"], ["="])], "row-goes-on-with-an-operator"),
    (r"x &= a + \\ b", [(["x &", "a +  b"], ["="])], "row-ends-with-an-operator"),
    (r"x = 1 \\ y = 2", [(["x", "1"], ["="]), (["y", "2"], ["="])], "rows-are-two-statements"),
    (r"x = 1 \\[1em] y = 2", [(["x", "1"], ["="]), (["y", "2"], ["="])], "row-with-a-space-after"),
]


@pytest.mark.parametrize(("latex", "expected"), [c[:2] for c in LINE_BREAKS], ids=[c[2] for c in LINE_BREAKS])
def test_line_breaks(latex, expected):
    assert split_relations(latex) == expected


def test_unicode_relations_split():
    assert split_relations("y ≈ 0.5 ≤ 1") == [(["y", "0.5", "1"], ["≈", "≤"])]
    assert split_relations("a >= b") == [(["a", "b"], ["≥"])]
    assert split_relations("=> 0.5−0.67=−0.17") == [(["0.5−0.67", "−0.17"], ["="])]


# ------------------------------------------------------------------------ names

NAMES = [
    ("E_{total}", "E_total", "word-subscript"),
    ("out_{h1}", "out_h1", "out-h1"),
    ("net_{o1}", "net_o1", "net-o1"),
    (r"d\_output", "d_output", "escaped-underscore"),
    (r"\Delta w", "Delta_w", "delta-w-one-name"),
    (r"\Delta w_{2,3}", "Delta_w_23", "delta-w-subscript"),
    (r"\hat{y}", "y_hat", "hat"),
    (r"\hat{y_1}", "y_hat_1", "hat-over-subscript"),
    (r"\hat{y1}", "y_hat_1", "hat-over-glued-digit"),
    ("w5", "w_5", "glued-digit"),
    ("y'", "y_prime", "primed-name"),
    ("w^{+}", "w^+", "plus-update"),
    ("w^{(new)}", "w^+", "new-in-parentheses"),
    (r"w^{\text{new}}", "w^+", "text-new"),
    (r"w_{\text{new}}", "w^+", "subscript-new"),
    ("w(new)", "w^+", "parenthesised-new-after-the-name"),
    (r"w_{\text{old}}", "w", "subscript-old"),
    ("w_{11}^{2+}", "w^(2)_11^+", "layer-and-update"),
    ("w_{11}^{2}", "w^(2)_11", "layer-the-document-names"),
    (r"\delta_{a^{(2)}_{1}}", "delta_a^(2)_1", "delta-of-a-layered-name"),
    (r"\delta_{z_{1}^{(2)}}", "delta_z^(2)_1", "delta-of-a-layered-name-layer-last"),
]


@pytest.mark.parametrize(("latex", "key"), [c[:2] for c in NAMES], ids=[c[2] for c in NAMES])
def test_names(latex, key):
    p = parse_math(latex, S, gradient=Partial, known=KNOWN)
    assert p.names == (key,)
    assert p.expr == S(key)


def test_names_in_products():
    assert same(read("a2(1 - a2)"), S("a_2") * (1 - S("a_2")))
    assert same(read("y'(1 - y')"), S("y_prime") * (1 - S("y_prime")))
    assert same(read("0.5x1"), S("x_1") / 2)
    assert same(read("w_{12}^{2}", known=frozenset()), w_12**2)  # no layer 2 named: a square


# ------------------------------------------------------------- lists and tuples


def test_a_wide_space_separates_two_equations():
    latex = (
        r"f = x y \hspace{0.5in} \rightarrow \hspace{0.5in} \frac{\partial f}{\partial x} = y"
        r" \hspace{2em} g = 1"
    )
    assert split_relations(latex) == [
        (["f", "x y"], ["="]),
        ([r"\frac{\partial f}{\partial x}", "y"], ["="]),
        (["g", "1"], ["="]),
    ]


def test_two_givens_separated_by_a_comma_are_two_relations():
    assert split_relations("x = 4, y = -3") == [(["x", "4"], ["="]), (["y", "-3"], ["="])]


def test_a_function_of_two_arguments():
    f = sp.Function("f", real=True)
    assert read("f(x, y)") == f(x, y)
    assert read("F(0.5, w)") == sp.Function("F", real=True)(sp.Rational(1, 2), w)


@pytest.mark.parametrize(
    ("latex", "why"),
    [
        ("f(x)", "unknown function"),
        ("L(3)", "unknown function"),
        ("a(0.5)", "unknown function"),
        ("f'(x)", "neither"),
        ("y'(0)", "neither"),
    ],
    ids=["f-of-x", "L-of-3", "a-of-a-number", "f-prime", "y-prime-of-0"],
)
def test_a_value_or_a_product_is_not_read(latex, why):
    refused(latex, why)


# -------------------------------------------------------- vectors and matrices

MATRIX = [
    r"\mathbf{W}^\top \delta",
    "W^T x",
    r"W^{\intercal}",
    r"W^{\top}",
    r"a \odot b",
    r"a \circ b",
    r"\begin{bmatrix} 1 \\ 2 \end{bmatrix}",
    r"\begin{pmatrix} 0.5 & 1 \end{pmatrix}",
    r"\boldsymbol{\delta}^{(2)}",
    r"\mathbf{z}",
    r"\vec{x}",
    r"\|x\|",
    "[0.5, -1.2]",
    "(0.5, -1.2)",
    r"\mathbf{1}",
    "Wᵀx",
]


@pytest.mark.parametrize("latex", MATRIX, ids=range(len(MATRIX)))
def test_vectors_and_matrices_are_matrix_notation(latex):
    refused(latex, "^matrix notation", known=frozenset({"x", "delta"}))


def test_a_name_T_of_the_document_is_a_power():
    assert read("x^T", known=frozenset({"T"})) == x ** S("T")


# ------------------------------------------------------------------ end to end

DOC = r"""Inputs $x_1 = 1.0$, $x_2 = 2.0$, weights $w_1 = 0.5$, $w_2 = -0.25$, target $y = 1.0$.

$$z = \sum_j w_j x_j = 0$$

$$a = \sigma(z) = 0.5$$

$$L = \frac{1}{2}(a - y)^2 = 0.125$$

$$\frac{d}{dw_2} L = (a - y) \cdot 0.25 \cdot x_2 = -0.25$$

$$∂L/∂w₁ = −0.125$$

$$\mathbf{W}^\top \boldsymbol{\delta} = 0.5$$
"""


def test_verify_reads_these_spellings():
    """``\\frac{d}{dw} L`` was read as L/w, and this correct line was called wrong."""
    findings = {f.line: f for f in verify("doc.md", text=DOC).findings}
    assert findings[9].status.value == "ok"
    assert findings[11].status.value == "ok"
    assert findings[13].status.value == "not checked"
    assert "matrix notation" in " ".join(map(str, findings[13].explanation))
    wrong = verify("doc.md", text=DOC.replace("x_2 = -0.25", "x_2 = -0.20")).findings
    assert [f.line for f in wrong if f.status.value == "wrong"] == [9]


# --------------------------------------------------------------------- corpus

CORPUS = ROOT / "tests" / "corpus" / "verify"

#: Math delimiters inside a claim's text: kramdown ``\\(``, ``\(``, ``\[`` (not ``\\[1em]``), ``$$``, ``$``.
_DELIMITERS = re.compile(r"\\\\\(|\\\\\)|(?<!\\)\\\(|(?<!\\)\\\)|(?<!\\)\\\[|(?<!\\)\\\]|\$\$|\$")


def math_pieces(text: str) -> list[str]:
    """The math in a claim's text: between delimiters, or the table cells, or the whole text."""
    text = re.sub(r"^\s*>\s?", "", text)  # a blockquote's marker
    parts = _DELIMITERS.split(text)
    if len(parts) == 1:
        parts = text.split("|") if re.match(r"\s*\|", text) else [text]
    pieces = []
    for p in parts:
        if not re.sub(r"\\quad|\\\\(\[[^\]]*\])?|[|&,\s]", "", p):
            continue  # only separators between pieces
        if len(parts) > 1 and re.fullmatch(r"[A-Za-z ]+", p.strip()):
            continue  # prose between pieces ("Using", "Approximating")
        pieces.append(p)
    return pieces


def read_claim(text: str) -> str | None:
    """Why a claim's text cannot be read, or ``None`` when every side of it is read."""
    try:
        for piece in math_pieces(text):
            for sides, _ in split_relations(piece):
                for side in sides:
                    if side.replace("&", "").strip():
                        read(side, known=frozenset())
    except SymbackpropError as e:
        return str(e)
    return None


def corpus_claims() -> list[tuple[str, str]]:
    claims = []
    for path in sorted((CORPUS / "expected").glob("*.toml")):
        if path.stem.endswith("-planted"):
            continue
        for c in tomllib.loads(path.read_text(encoding="utf-8"))["claims"]:
            if c["verdict"] in ("holds", "wrong") and not c.get("matrix"):
                claims.append((path.stem, c["text"]))
    return claims


def test_the_corpus_claims_are_read():
    """At least 90% of the corpus's checkable claims read without a "cannot read" (names all unknown)."""
    claims = corpus_claims()
    unread = [(slug, text, why) for slug, text in claims if (why := read_claim(text)) is not None]
    fraction = 1 - len(unread) / len(claims)
    print(f"\ncorpus: {len(claims) - len(unread)} of {len(claims)} claims read ({fraction:.1%})")
    assert fraction >= 0.9, "\n".join(f"{s}: {t!r}: {w}" for s, t, w in unread)


def test_corpus_reading_never_misreads_the_classic_traps():
    """Claims whose misreading would become a verdict are read as meant, or not at all."""
    assert read_claim("$L(3) = 1$") is not None  # L(3) is a function's value, not 3L
    assert read("\\frac{dL}{da2}", known=frozenset()) == Partial(L, S("a_2"))  # not L/a_2 nor 2a
    assert same(read("a2 \\cdot (1 - a2)", known=frozenset()), S("a_2") * (1 - S("a_2")))


def test_corpus_is_where_the_tests_think_it_is():
    assert Path(CORPUS / "README.md").is_file()


def test_a_step_written_with_delta_w_is_not_a_node_of_the_network():
    """``\\Delta w`` is one name now; its definition with the learning rate used to abort verify."""
    doc = DOC + "\n$$\\Delta w_1 = \\eta \\, \\delta \\, x_1$$\n"
    findings = verify("doc.md", text=doc).findings
    assert [f.line for f in findings if f.status.value == "wrong"] == []


def test_the_printers_spellings_read_back():
    """What the walkthrough writes is read as it was meant."""
    z1, z2, z3 = S("z_1"), S("z_2"), S("z_3")
    assert read(r"\operatorname{softmax}_{1}\left(z_{1}, z_{2}, z_{3}\right)") == softmax(1, z1, z2, z3)
    assert read(r"\delta_{\hat{y}}") == S("delta_y_hat")
    refused(r"\operatorname{swish}\left(z\right)", "unknown function 'swish'")  # never swish * z


@pytest.mark.parametrize("fmt", ["md", "tex"])
@pytest.mark.parametrize("options", [[], ["--derivative", "d"], ["--delta"]], ids=["partial", "d", "delta"])
def test_own_walkthroughs_have_nothing_wrong(tmp_path, capsys, fmt, options):
    """``--derivative d`` writes ``\\frac{\\mathrm{d}L}{\\mathrm{d}w}``: it was misread, and called wrong."""
    out = tmp_path / f"walkthrough.{fmt}"
    assert main(["walkthrough", str(ROOT / "examples" / "two_layer.toml"), "-o", str(out), *options]) == 0
    findings = verify(out).findings
    assert findings
    assert [f.source for f in findings if f.status.value == "wrong"] == []


def test_an_unclosed_parenthesis_after_a_name_is_an_input_error_not_an_assertion():
    """atheris found it (kept in tests/fuzz/corpus/latex): an unclosed parenthesis after a name
    reached an ``assert`` in the scanner instead of a one-line input error."""
    atheris = pytest.importorskip("atheris")
    from symbackprop.errors import SymbackpropError
    from symbackprop.notation.latex import parse_latex_expression

    data = (ROOT / "tests/fuzz/corpus/latex/regression-unbalanced-left-after-name").read_bytes()
    text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(2048)
    try:
        parse_latex_expression(text, {}, None)
    except SymbackpropError as e:
        assert "\n" not in str(e)
