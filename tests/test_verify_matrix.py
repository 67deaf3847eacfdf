"""verify reads matrix-form derivations (issue 15, section 4) against a matrix spec.

Expected values are computed here with mpmath from the spec's numbers, and checked against
Matt Mazur's published values ("A Step by Step Backpropagation Example", 2015): never taken
from the code under test.
"""

from __future__ import annotations

from pathlib import Path

import mpmath as mp
import pytest

from symbackprop import verify
from symbackprop.cli import main
from symbackprop.verification.report import Mistake, Status

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "examples" / "two_layer_matrix.toml"
DOC = ROOT / "tests" / "fixtures" / "verify" / "matrix_mazur.md"

# ------------------------------------------------------------------ the truth, by hand

X = [mp.mpf("0.05"), mp.mpf("0.10")]
Y = [mp.mpf("0.01"), mp.mpf("0.99")]
W1 = [[mp.mpf("0.15"), mp.mpf("0.20")], [mp.mpf("0.25"), mp.mpf("0.30")]]
W2 = [[mp.mpf("0.40"), mp.mpf("0.45")], [mp.mpf("0.50"), mp.mpf("0.55")]]


def _sig(v):
    return 1 / (1 + mp.exp(-v))


def _mv(m, v):
    return [sum(m[i][k] * v[k] for k in range(2)) for i in range(2)]


def _t(m):
    return [[m[j][i] for j in range(2)] for i in range(2)]


A1 = [_sig(z + mp.mpf("0.35")) for z in _mv(W1, X)]
A2 = [_sig(z + mp.mpf("0.60")) for z in _mv(W2, A1)]
D2 = [(A2[i] - Y[i]) * A2[i] * (1 - A2[i]) for i in range(2)]
S1 = [a * (1 - a) for a in A1]  # σ′(z_1)
D1 = [w * s for w, s in zip(_mv(_t(W2), D2), S1)]
GW2 = [[D2[i] * A1[j] for j in range(2)] for i in range(2)]
GW1 = [[D1[i] * X[j] for j in range(2)] for i in range(2)]


def test_the_hand_truth_is_mazurs():
    """Mazur's published numbers: out_o1, δ_o1, δ_o2, ∂E/∂w5, ∂E/∂w7, ∂E/∂w1, ∂E/∂w4."""
    published = [
        (A2[0], "0.75136507"),
        (D2[0], "0.138498562"),
        (D2[1], "-0.0380982366"),
        (GW2[0][0], "0.082167041"),
        (GW2[1][0], "-0.0226025"),
        (GW1[0][0], "0.000438568"),
        (GW1[1][1], "0.000995425"),
    ]
    for value, text in published:  # within a unit of the last digit (Mazur carried rounded values)
        assert abs(value - mp.mpf(text)) <= mp.mpf(10) ** -(len(text.split(".")[1]))


# ------------------------------------------------------------------ the correct document


def test_the_correct_matrix_derivation_verifies_with_nothing_wrong_or_unchecked():
    report = verify(DOC, spec=SPEC)
    counts = {s: sum(f.status is s for f in report.findings) for s in Status}
    assert counts[Status.WRONG] == 0 and counts[Status.NOT_CHECKED] == 0, report.table()
    assert counts[Status.OK] == 16 and all(f.checked > 0 for f in report.findings)
    assert report.claims_checked >= 24 and report.ok


def test_the_cli_verifies_the_matrix_derivation(capsys):
    assert main(["verify", str(DOC), "--spec", str(SPEC)]) == 0
    assert "16 hold, 0 wrong, 0 not checked" in capsys.readouterr().out


# ------------------------------------------------------------------ broken copies

GOOD_D1 = (
    r"\boldsymbol\delta_1 = (\mathbf W_2^\top \boldsymbol\delta_2) \odot \sigma'(\mathbf z_1)"
    r" = \begin{bmatrix} 0.008771 \\ 0.009954 \end{bmatrix}"
)
GOOD_W2 = (
    r"\frac{\partial L}{\partial \mathbf W_2} = \boldsymbol\delta_2 \mathbf a_1^\top"
    r" = \begin{bmatrix} 0.0822 & 0.0827 \\ -0.0226 & -0.0227 \end{bmatrix}"
)


def _col(v, digits):
    return r"\begin{bmatrix} %s \\ %s \end{bmatrix}" % tuple(mp.nstr(e, digits, min_fixed=-10) for e in v)


NO_T = [w * s for w, s in zip(_mv(W2, D2), S1)]  # (W_2 δ_2) ⊙ σ′(z_1)
NO_SIGMA = _mv(_t(W2), D2)  # W_2ᵀ δ_2
INNER = A1[0] * D2[0] + A1[1] * D2[1]  # a_1ᵀ δ_2, a number

BROKEN = [
    (
        GOOD_D1,
        r"\boldsymbol\delta_1 = (\mathbf W_2 \boldsymbol\delta_2) \odot \sigma'(\mathbf z_1) = "
        + _col(NO_T, 3),
        Mistake.MISSING_TRANSPOSE,
        D1,
    ),
    (
        GOOD_D1,
        r"\boldsymbol\delta_1 = (\mathbf W_2^\top \boldsymbol\delta_2) \odot \sigma'(\mathbf z_1) = "
        + _col(NO_T, 3),
        Mistake.MISSING_TRANSPOSE,
        D1,
    ),
    (
        GOOD_D1,
        r"\boldsymbol\delta_1 = \mathbf W_2^\top \boldsymbol\delta_2 = " + _col(NO_SIGMA, 3),
        Mistake.DROPPED_ACTIVATION_DERIVATIVE,
        D1,
    ),
    (
        GOOD_D1,
        r"\boldsymbol\delta_1 = (\mathbf W_2^\top \boldsymbol\delta_2) \odot \sigma'(\mathbf z_1) = "
        + _col(NO_SIGMA, 3),
        Mistake.DROPPED_ACTIVATION_DERIVATIVE,
        D1,
    ),
    (
        GOOD_W2,
        r"\frac{\partial L}{\partial \mathbf W_2} = \mathbf a_1^\top \boldsymbol\delta_2 = "
        + mp.nstr(INNER, 3),
        Mistake.WRONG_ORDER,
        GW2,
    ),
    (
        GOOD_W2,
        r"\frac{\partial L}{\partial \mathbf W_2} = \mathbf a_1 \boldsymbol\delta_2^\top",
        Mistake.WRONG_ORDER,
        GW2,
    ),
]


@pytest.mark.parametrize(
    ("right", "wrong", "mistake", "truth"),
    BROKEN,
    ids=[
        "missing-transpose",
        "missing-transpose-numbers-only",
        "missing-sigma-prime",
        "missing-sigma-prime-numbers-only",
        "order-inner-product",
        "order-outer-product-reversed",
    ],
)
def test_a_broken_copy_is_caught_at_its_line_with_the_right_value_and_the_mistake_named(
    right, wrong, mistake, truth
):
    text = DOC.read_text()
    assert right in text
    line = text[: text.index(right)].count("\n") + 1
    report = verify("broken.md", spec=SPEC, text=text.replace(right, wrong))
    wrongs = [f for f in report.findings if f.status is Status.WRONG]
    assert [f.line for f in wrongs] == [line], report.table()
    (f,) = wrongs
    assert f.mistake is mistake
    expected = f.correction.formula.expr
    flat = [e for row in truth for e in row] if isinstance(truth[0], list) else list(truth)
    assert [float(e) for e in expected] == pytest.approx([float(e) for e in flat], rel=1e-5)


# ------------------------------------------------------------------ notation read

NOTATION = [
    r"\frac{\partial L}{\partial \mathbf a_1} = \mathbf{W}_2^\top \boldsymbol{\delta}_2",
    r"\frac{\partial L}{\partial a_1} = W_2^T \delta_2",
    r"\frac{\partial L}{\partial a_1} = W_2^{\intercal} \delta_{z_2}",
    r"\delta^{(1)} = (W^{(2)})^{T} \delta^{(2)} \circ a^{(1)} \circ (1 - a^{(1)})",
    r"\nabla_{\mathbf W} L = \boldsymbol\delta_2 \mathbf a_1^\top".replace("{\\mathbf W}", "{\\mathbf W_2}"),
    r"\frac{\partial L}{\partial a_1} = \begin{pmatrix} 0.0364 \\ 0.0414 \end{pmatrix}",
    r"\mathbf x = (0.05, 0.10)^\top",
    r"\frac{\partial L}{\partial b_2} = 0.1004",
]


@pytest.mark.parametrize(
    "line",
    NOTATION,
    ids=[
        "mathbf-top",
        "T",
        "intercal-delta-z",
        "layer-superscripts-circ",
        "nabla",
        "pmatrix",
        "tuple",
        "bias",
    ],
)
def test_matrix_notation_is_read_and_holds(line):
    (f,) = verify("one.md", spec=SPEC, text=f"$${line}$$\n").findings
    assert f.verdict == "holds", f.message


@pytest.mark.parametrize(
    "line",
    [
        r"\boldsymbol\delta_1 = \mathbf W_2^\top \boldsymbol\delta_2 \odot g'(\mathbf z_1)",
        r"\mathbf a_2 = \mathbf z_2^2",
    ],
    ids=["unknown-function", "a-power"],
)
def test_what_cannot_be_read_for_sure_is_not_checked(line):
    (f,) = verify("one.md", spec=SPEC, text=f"$${line}$$\n").findings
    assert f.status is Status.NOT_CHECKED and "matrix notation" in f.message


#: W_2ᵀ, then Mazur's published δ_2 = (0.1385, −0.0381) and σ′(z_1) = (0.2413, 0.2406), 4 decimals.
_W2T = r"\begin{bmatrix} 0.4 & 0.5 \\ 0.45 & 0.55 \end{bmatrix}"


@pytest.mark.parametrize(
    ("line", "verdict"),
    [
        (
            rf"\boldsymbol\delta_1 = \left({_W2T} \begin{{bmatrix}} 0.1385 \\ -0.0381 \end{{bmatrix}}\right)"
            r" \odot \begin{bmatrix} 0.2413 \\ 0.2406 \end{bmatrix}",
            Status.OK,
        ),
        # δ_1 (0.0088, 0.0100) where δ_2 belongs: 0.4·0.0088 + 0.5·0.0100 = 0.00852, not 0.008771
        (rf"\boldsymbol\delta_1 = {_W2T} \begin{{bmatrix}} 0.0088 \\ 0.0100 \end{{bmatrix}}", Status.WRONG),
    ],
    ids=["holds", "wrong-numbers"],
)
def test_arithmetic_on_written_matrices_is_checked_in_intervals(line, verdict):
    (f,) = verify("one.md", spec=SPEC, text=f"$${line}$$\n").findings
    assert f.status is verdict, f.message


@pytest.mark.parametrize("example", ["two_layer_matrix", "softmax_matrix", "batch_matrix"])
def test_the_matrix_walkthroughs_verify_with_nothing_wrong(tmp_path, example):
    """The project's own matrix-form walkthroughs: their matrix claims hold; shape notes
    (``(2 \\times 1) = (2 \\times 2) (2 \\times 1)``) are checked by the shape rules;
    cross-entropy of two vectors is not checked, never an error."""
    spec = ROOT / "examples" / f"{example}.toml"
    assert main(["walkthrough", str(spec), "-o", str(tmp_path / "w.md")]) == 0
    report = verify(tmp_path / "w.md", spec=spec)
    counts = {s: sum(f.status is s for f in report.findings) for s in Status}
    assert counts[Status.WRONG] == 0, report.table()
    assert counts[Status.OK] >= 30


@pytest.mark.parametrize(
    ("line", "wrong"),
    [
        (r"\mathbf z_1 = \mathbf W_1 \mathbf x + b_1 \in \mathbb{R}^{2 \times 1}", False),
        (r"\mathbf z_1 = \mathbf W_1 \mathbf x + b_1 \in \mathbb{R}^{1 \times 2}", True),
        (r"W_1 \leftarrow W_1 - \eta \nabla_{W_1} L", False),
        (r"L = \operatorname{sum}\left((\mathbf a_2 - \mathbf y)^{\odot 2}\right) / 2 = 0.2984", False),
        (r"L = \operatorname{sum}\left((\mathbf a_2 - \mathbf y)^{\odot 2}\right) = 0.2984", True),
    ],
    ids=["shape-right", "shape-wrong", "update-arrow", "sum-odot-square", "sum-without-half"],
)
def test_shapes_updates_and_reductions(line, wrong):
    (f,) = verify("one.md", spec=SPEC, text=f"$${line}$$\n").findings
    assert f.verdict == ("wrong" if wrong else "holds"), f.message


ALIGN = r"""\documentclass{article}
\usepackage{amsmath}
\begin{document}
\begin{align*}
\boldsymbol\delta_1 &= (W_2^{\intercal} \boldsymbol\delta_2) \circ \sigma'(\mathbf z_1) \\
  &= \begin{pmatrix} %s \end{pmatrix}
\end{align*}
\end{document}
"""


@pytest.mark.parametrize(
    ("entries", "wrong_line"),
    [(_col(D1, 3)[16:-14], None), (_col(NO_SIGMA, 3)[16:-14], 6)],
    ids=["right", "missing-sigma-prime"],
)
def test_a_latex_align_derivation_is_judged_row_by_row(entries, wrong_line):
    report = verify("d.tex", spec=SPEC, text=ALIGN % entries)
    wrongs = [f for f in report.findings if f.status is Status.WRONG]
    assert [f.line for f in wrongs] == ([wrong_line] if wrong_line else []), report.table()
    assert all(f.mistake is Mistake.DROPPED_ACTIVATION_DERIVATIVE for f in wrongs)
    assert report.claims_checked >= 2
