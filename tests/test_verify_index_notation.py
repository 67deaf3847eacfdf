"""verify reads index notation (issue 15, section 4) against a matrix or a scalar network:
``\\delta_j = \\sum_k w_{kj}\\delta_k \\sigma'(z_j)``, ``\\partial L/\\partial w_{jk} = \\delta_j a_k``
and ``\\mathbf{x}^{(i)}``.

Every expected value is computed here by sympy.diff of the inlined scalar loss (for a δ:
∂L/∂w_{jk} divided by the input the weight multiplies), never by the code under test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy as sp

from symbackprop import verify
from symbackprop.verification.report import Mistake, Status

ROOT = Path(__file__).resolve().parent.parent
MATRIX = ROOT / "examples" / "two_layer_matrix.toml"
BATCH = ROOT / "examples" / "batch_matrix.toml"

# ------------------------------------------------------------------ Mazur's 2-2-2 network, inlined

_X = [sp.Rational(5, 100), sp.Rational(10, 100)]
_Y = [sp.Rational(1, 100), sp.Rational(99, 100)]
_W1 = sp.Matrix(2, 2, sp.symbols("u0:4"))
_W2 = sp.Matrix(2, 2, sp.symbols("v0:4"))
_AT = {
    **dict(zip(_W1, [sp.Rational(s) for s in ("0.15", "0.20", "0.25", "0.30")])),
    **dict(zip(_W2, [sp.Rational(s) for s in ("0.40", "0.45", "0.50", "0.55")])),
}


def _sig(t):
    return 1 / (1 + sp.exp(-t))


_A1 = [_sig(sum(_W1[j, k] * _X[k] for k in range(2)) + sp.Rational(35, 100)) for j in range(2)]
_A2 = [_sig(sum(_W2[j, k] * _A1[k] for k in range(2)) + sp.Rational(60, 100)) for j in range(2)]
_LOSS = sum((_A2[j] - _Y[j]) ** 2 for j in range(2)) / 2


def _grad(w):
    return float(sp.diff(_LOSS, w).subs(_AT).evalf(30))


A1 = [float(a.subs(_AT).evalf(30)) for a in _A1]
GW1 = [[_grad(_W1[j, k]) for k in range(2)] for j in range(2)]
GW2 = [[_grad(_W2[j, k]) for k in range(2)] for j in range(2)]
DELTA1 = [GW1[j][0] / float(_X[0]) for j in range(2)]  # ∂L/∂w_{j1} = δ_j x_1
DELTA2 = [GW2[j][0] / A1[0] for j in range(2)]


def test_the_independent_truth_is_mazurs():
    """Mazur's published ∂E/∂w5 = 0.082167041, ∂E/∂w1 = 0.000438568, δ_o1 = 0.138498562."""
    assert GW2[0][0] == pytest.approx(0.082167041, abs=1e-9)
    assert GW1[0][0] == pytest.approx(0.000438568, abs=1e-9)
    assert DELTA2[0] == pytest.approx(0.138498562, abs=1e-9)


# ------------------------------------------------------------------ a correct document

CORRECT = [
    (r"z_j = \sum_k w_{jk} a_k + b_j", 4),  # every layer: j in layer 1 (a_k is the input) and layer 2
    (r"\delta_j = (a_j - y_j)\sigma'(z_j)", 2),  # y binds j to the output layer
    (r"\delta_j = \sum_k w_{kj}\delta_k \sigma'(z_j)", 2),  # j in layer 1, k in layer 2
    (r"\frac{\partial L}{\partial w_{jk}} = \delta_j a_k", 8),  # both weight matrices
    (r"\delta^{(l)}_j = \sum_{k=1}^{n} w^{(l+1)}_{kj} \delta^{(l+1)}_k f'(z^{(l)}_j)", 2),
    (r"\delta_j = \sigma'(z_j) \sum_k w_{kj} \delta_k", 2),
    (r"\delta_j = a_j (1 - a_j) \sum_{k=1}^{2} w_{kj} \delta_k", 2),
]


@pytest.mark.parametrize(("line", "values"), CORRECT, ids=[f"correct-{i}" for i in range(len(CORRECT))])
def test_a_correct_index_formula_holds_for_every_index_value(line, values):
    (f,) = verify("one.md", spec=MATRIX, text=f"$${line}$$\n").findings
    assert f.status is Status.OK and f.checked == values, f.message
    assert f"{values} values compared" in f.message


def test_a_correct_document_verifies_with_nothing_unchecked():
    text = "\n\n".join(f"$${line}$$" for line, _ in CORRECT) + "\n"
    report = verify("doc.md", spec=MATRIX, text=text)
    assert [f.verdict for f in report.findings] == ["holds"] * len(CORRECT), report.table()


def test_a_document_that_writes_every_weight_from_j_to_k_is_read_in_its_convention():
    """Every weight line holds read w_{jk} = W[k, j], none read W[j, k]: the document's convention, said."""
    lines = [
        r"z_k = \sum_j w_{jk} a_j + b_k",
        r"\delta_j = \sum_k w_{jk}\delta_k \sigma'(z_j)",
        r"\frac{\partial L}{\partial w_{jk}} = a_j \delta_k",
    ]
    report = verify("doc.md", spec=MATRIX, text="\n\n".join(f"$${line}$$" for line in lines) + "\n")
    assert [f.verdict for f in report.findings] == ["holds"] * 3, report.table()
    assert all("weight from j to k" in f.message for f in report.findings)


def test_one_transposed_line_in_a_correct_document_is_caught_at_its_line():
    """A broken copy of the correct document: the row/column convention of the other lines stands."""
    right = r"\delta_j = \sum_k w_{kj}\delta_k \sigma'(z_j)"
    text = "\n\n".join(f"$${line}$$" for line, _ in CORRECT) + "\n"
    assert right in text
    report = verify("doc.md", spec=MATRIX, text=text.replace(right, right.replace("w_{kj}", "w_{jk}")))
    wrongs = [f for f in report.findings if f.status is Status.WRONG]
    assert [(f.line, f.mistake) for f in wrongs] == [(5, Mistake.MISSING_TRANSPOSE)], report.table()
    assert wrongs[0].value == pytest.approx(DELTA1[0], rel=1e-9)


# ------------------------------------------------------------------ broken copies

BROKEN = [
    # (the line, the mistake named, where it fails (0-based j), the right value there)
    (r"\delta_j = \sum_k w_{jk}\delta_k \sigma'(z_j)", Mistake.MISSING_TRANSPOSE, DELTA1[0]),
    (r"\delta_j = \sum_k w_{kj}\delta_k", Mistake.DROPPED_ACTIVATION_DERIVATIVE, DELTA1[0]),
    (r"\delta_j = a_j - y_j", Mistake.DROPPED_ACTIVATION_DERIVATIVE, DELTA2[0]),
    (r"\delta_j = (y_j - a_j)\sigma'(z_j)", Mistake.WRONG_SIGN, DELTA2[0]),
]


@pytest.mark.parametrize(
    ("line", "mistake", "right"),
    BROKEN,
    ids=["missing-transpose", "missing-sigma-prime", "output-no-sigma", "sign"],
)
def test_a_wrong_index_formula_names_the_index_the_value_and_the_mistake(line, mistake, right):
    (f,) = verify("one.md", spec=MATRIX, text=f"$${line}$$\n").findings
    assert f.status is Status.WRONG, f.message
    assert f.mistake is mistake
    assert "j = 1" in f.message
    assert f.value == pytest.approx(right, rel=1e-9)


def test_a_wrong_order_of_the_outer_product_is_named():
    """∂L/∂w_{jk} = δ_k a_j reads as a δᵀ for δ aᵀ: the right value is ∂L/∂w at the index reported."""
    (f,) = verify(
        "one.md", spec=MATRIX, text="$$\\frac{\\partial L}{\\partial w_{jk}} = \\delta_k a_j$$\n"
    ).findings
    assert f.status is Status.WRONG and f.mistake is Mistake.WRONG_ORDER, f.message
    grads = {1: GW1, 2: GW2}[int(f.message.split("j in layer ")[1][0])]  # the weight's layer is j's
    j, k = (int(f.message.split(f"{c} = ")[1][0]) - 1 for c in "jk")
    assert f.value == pytest.approx(grads[j][k], rel=1e-9)


# ------------------------------------------------------------------ x^(i): the examples of a batch

_XB = [[0, 0, 1, 1], [0, 1, 0, 1]]
_W1B = [[0.5, -0.4], [0.3, 0.8], [-0.6, 0.2]]
_B1B = [0.1, -0.1, 0.0]


#: Two examples whose inputs are no 0 or 1, so that a power x_k^i would differ from the column.
TWO_EXAMPLES = """
[inputs]
X = [[0.5, 2.0], [1.5, 3.0]]
[targets]
Y = [[0.2, 0.7]]
[parameters]
W_1 = [[0.5, -0.4], [0.3, 0.8]]
b_1 = [0.1, -0.1]
W_2 = [[0.7, -0.5]]
b_2 = 0.1
[network]
Z_1 = "W_1 @ X + b_1"
A_1 = "tanh(Z_1)"
Z_2 = "W_2 @ A_1 + b_2"
A_2 = "sigmoid(Z_2)"
L   = "mean(binary_cross_entropy(A_2, Y))"
"""


@pytest.mark.parametrize(
    ("line", "verdict"),
    [
        (r"z^{(i)}_j = \sum_k w_{jk} x^{(i)}_k + b_j", "holds"),
        (r"z^{(i)}_j = \sum_k w_{jk} x_k^{2} + b_j", None),
    ],
    ids=["example-column", "a-power-is-no-example"],
)
def test_the_example_superscript_is_a_column_never_a_power(tmp_path, line, verdict):
    """2 units × 2 examples: z^{(i)}_j = Σ_k w_jk X[k, i] + b_j; ``x_k^{2}`` is a power (no example)."""
    spec = tmp_path / "two.toml"
    spec.write_text(TWO_EXAMPLES)
    (f,) = verify("one.md", spec=spec, text=f"$${line}$$\n").findings
    if verdict == "holds":
        assert f.status is Status.OK and f.checked == 4, f.message
    else:
        assert f.status is Status.NOT_CHECKED, f.message


def test_a_wrong_example_column_is_caught_with_the_right_value(tmp_path):
    """x^{(i)}_k used with w_{jk} transposed: at i = 1, j = 1 the right z is 0.5·0.5 − 0.4·1.5 + 0.1."""
    spec = tmp_path / "two.toml"
    spec.write_text(TWO_EXAMPLES)
    (f,) = verify("one.md", spec=spec, text="$$z^{(i)}_j = \\sum_k w_{kj} x^{(i)}_k + b_j$$\n").findings
    assert f.status is Status.WRONG and f.mistake is Mistake.MISSING_TRANSPOSE, f.message
    assert "i = 1, j = 1" in f.message and f.value == pytest.approx(0.5 * 0.5 - 0.4 * 1.5 + 0.1, abs=1e-12)


def test_a_transposed_weight_of_a_non_square_matrix_is_a_missing_transpose():
    line = r"z^{(i)}_j = \sum_k w_{kj} x^{(i)}_k + b_j"
    (f,) = verify("one.md", spec=BATCH, text=f"$${line}$$\n").findings
    assert f.status is Status.WRONG and f.mistake is Mistake.MISSING_TRANSPOSE, f.message
    i, j = (int(f.message.split(f"{c} = ")[1][0]) - 1 for c in "ij")
    right = sum(_W1B[j][k] * _XB[k][i] for k in range(2)) + _B1B[j]
    assert f.value == pytest.approx(right, abs=1e-12)


def test_a_per_unit_bias_gradient_sums_over_the_examples():
    line = r"\partial L / \partial b_j = \sum_i \delta^{(i)}_j"
    (f,) = verify("one.md", spec=BATCH, text=f"$${line}$$\n").findings
    assert f.status is Status.OK and f.checked == 3, f.message  # b_2 is shared: layer 2 is not bound


def test_a_sum_over_the_examples_gives_the_batch_gradient():
    """Under ``mean``, ∂L/∂z^{(i)} already carries 1/m: ∂L/∂w_jk = Σ_i δ^{(i)}_j a^{(i)}_k."""
    line = r"\frac{\partial L}{\partial w_{jk}} = \sum_i \delta^{(i)}_j a^{(i)}_k"
    (f,) = verify("one.md", spec=BATCH, text=f"$${line}$$\n").findings
    assert f.status is Status.OK and f.checked == 3 * 2 + 1 * 3, f.message


# ------------------------------------------------------------------ a scalar network

SCALAR = """
[inputs]
x_1 = 0.05
x_2 = 0.10
[targets]
y_5 = 0.01
y_6 = 0.99
[parameters]
w_31 = 0.15
w_32 = 0.20
w_41 = 0.25
w_42 = 0.30
w_53 = 0.40
w_54 = 0.45
w_63 = 0.50
w_64 = 0.55
[network]
z_3 = "w_31 * x_1 + w_32 * x_2 + 0.35"
a_3 = "sigmoid(z_3)"
z_4 = "w_41 * x_1 + w_42 * x_2 + 0.35"
a_4 = "sigmoid(z_4)"
z_5 = "w_53 * a_3 + w_54 * a_4 + 0.60"
a_5 = "sigmoid(z_5)"
z_6 = "w_63 * a_3 + w_64 * a_4 + 0.60"
a_6 = "sigmoid(z_6)"
L = "half_squared_error(a_5, y_5) + half_squared_error(a_6, y_6)"
"""


@pytest.fixture(scope="module")
def scalar_spec(tmp_path_factory):
    path = tmp_path_factory.mktemp("spec") / "units.toml"
    path.write_text(SCALAR)
    return path


@pytest.mark.parametrize(
    ("line", "values"),
    [
        (r"\delta_j = \sum_k w_{kj}\delta_k \sigma'(z_j)", 2),  # j = 3, 4; k = 5, 6
        (
            r"\frac{\partial L}{\partial w_{kj}} = \delta_k a_j",
            4,
        ),  # k = 5, 6; j = 3, 4 (a_1, a_2: no such names)
        (r"\delta_k = (a_k - y_k)\sigma'(z_k)", 2),
    ],
    ids=["hidden-delta", "gradient", "output-delta"],
)
def test_index_names_bind_to_a_scalar_family(scalar_spec, line, values):
    (f,) = verify("one.md", spec=scalar_spec, text=f"$${line}$$\n").findings
    assert f.status is Status.OK and f.checked == values, f.message


#: Units 3, 4 are Mazur's h1, h2 and units 5, 6 his o1, o2: the right values at the first index that fails.
SCALAR_BROKEN = [
    (r"\delta_k = a_k - y_k", Mistake.DROPPED_ACTIVATION_DERIVATIVE, "k = 5", DELTA2[0]),
    (r"\delta_j = \sum_k w_{jk}\delta_k \sigma'(z_j)", Mistake.MISSING_TRANSPOSE, "j = 5", DELTA2[0]),
    (r"\frac{\partial L}{\partial w_{kj}} = \delta_j a_k", Mistake.WRONG_ORDER, "j = 3, k = 5", GW2[0][0]),
    (r"\delta_k = (y_k - a_k)\sigma'(z_k)", Mistake.WRONG_SIGN, "k = 5", DELTA2[0]),
]


@pytest.mark.parametrize(
    ("line", "mistake", "where", "right"),
    SCALAR_BROKEN,
    ids=["missing-sigma-prime", "missing-transpose", "wrong-order", "sign"],
)
def test_a_wrong_line_over_a_scalar_family_is_named(scalar_spec, line, mistake, where, right):
    (f,) = verify("one.md", spec=scalar_spec, text=f"$${line}$$\n").findings
    assert f.status is Status.WRONG and f.mistake is mistake, f.message
    assert f"wrong at {where}" in f.message and f.value == pytest.approx(right, rel=1e-9)


# ------------------------------------------------------------------ what cannot be bound stays unchecked


@pytest.mark.parametrize(
    ("spec", "line"),
    [
        (MATRIX, r"\delta_j = \sum_{k=1}^{3} w_{kj}\delta_k \sigma'(z_j)"),  # 3 units: no layer has them
        (BATCH, r"\delta_j = \sum_k w_{kj}\delta_k \sigma'(z_j)"),  # a batch: which example?
        (MATRIX, r"\delta_j = \sum_k v_{kj}\delta_k \sigma'(z_j)"),  # v: no such weights
        (MATRIX, r"\partial L / \partial b_j = \delta_j"),  # b_1 is one bias shared by the layer
    ],
    ids=["sum-limit", "batch-without-example", "unknown-name", "shared-bias"],
)
def test_what_cannot_be_bound_for_sure_is_not_checked(spec, line):
    (f,) = verify("one.md", spec=spec, text=f"$${line}$$\n").findings
    assert f.status is Status.NOT_CHECKED and "index notation" in f.message, f.message


# ------------------------------------------------------------------ bounded work


def test_a_line_over_too_many_index_values_is_not_checked_rather_than_slow():
    """Layer 1's 300 × 200 weights (120,000 terms with both sides) are over the bound; layer 2's 400 not."""
    import time

    from symbackprop import mlp
    from symbackprop.verification.index_notation import MAX_WORK, IndexJudge
    from symbackprop.verification.matrix_claims import MatrixJudge
    from symbackprop.verification.statements import Statement

    assert 2 * 300 * 200 > MAX_WORK >= 2 * 200 * 2
    judge = IndexJudge(MatrixJudge(mlp([300, 200, 2], view="matrix")))
    lines = {
        r"\frac{\partial L}{\partial w_{jk}} = \delta_j x_k": Status.NOT_CHECKED,
        r"\frac{\partial L}{\partial w_{jk}} = \delta_j a_k": Status.OK,
    }
    for text, status in lines.items():
        start = time.perf_counter()
        sides = text.split(" = ")
        f = judge.judge(Statement(line=1, block_end=1, source=text, sides=sides, ops=["="]))
        assert time.perf_counter() - start < 2.0
        assert f is not None and f.status is status, f.message
    assert f.checked == 200 * 2 and "not compared where j in layer 1" in f.message


def test_deep_nesting_is_refused_by_the_reader():
    from symbackprop.notation.latex.indexed import IndexUnread, read_index_side

    with pytest.raises(IndexUnread, match="nested too deeply"):
        read_index_side("(" * 600 + "a_j" + ")" * 600)


# ------------------------------------------------------------------ x^(i) in matrix form


def _xor_delta1():
    """∂L/∂Z_1 of the XOR batch by hand (numpy): L = mean BCE, so ∂L/∂Z_2 = (A_2 − Y)/4."""
    import numpy as np

    x = np.array(_XB, dtype=float)
    w1, b1 = np.array(_W1B), np.array(_B1B).reshape(-1, 1)
    w2 = np.array([[0.7, -0.5, 0.4]])
    a1 = np.tanh(w1 @ x + b1)
    a2 = 1 / (1 + np.exp(-(w2 @ a1 + 0.1)))
    d2 = (a2 - np.array([[0, 1, 1, 0]])) / 4
    return (w2.T @ d2) * (1 - a1**2)


@pytest.mark.parametrize(
    ("line", "verdict"),
    [
        (r"\mathbf{z}_1^{(i)} = \mathbf{W}_1 \mathbf{x}^{(i)} + \mathbf{b}_1", "holds"),
        (r"\mathbf{a}_1^{(i)} = \tanh(\mathbf{z}_1^{(i)})", "holds"),
        (
            r"\boldsymbol\delta_1^{(i)} = (\mathbf{W}_2^\top \boldsymbol\delta_2^{(i)})"
            r" \odot (1 - \mathbf{a}_1^{(i)} \odot \mathbf{a}_1^{(i)})",
            "holds",
        ),
        (r"\boldsymbol\delta_1^{(i)} = \mathbf{W}_2^\top \boldsymbol\delta_2^{(i)}", "wrong"),
    ],
    ids=["forward", "activation", "delta", "delta-without-tanh-prime"],
)
def test_a_vector_of_one_example_is_a_column_of_the_batch(line, verdict):
    """x^{(i)} is column i of X (a lower-case name for its upper-case batch), for each of 4 examples."""
    (f,) = verify("one.md", spec=BATCH, text=f"$${line}$$\n").findings
    assert f.verdict == verdict, f.message
    if verdict == "holds":
        assert "i = 1…4" in f.message and f.checked == 4
    else:
        assert f.message.startswith("at i = 1:")
        right = [float(e) for e in f.correction.formula.expr]
        assert right == pytest.approx(list(_xor_delta1()[:, 0]), rel=1e-5)


def test_without_a_spec_the_documents_own_family_is_bound_and_a_missing_sigma_prime_named():
    """The document defines z_1 = w_11 x_1 + w_12 x_2, a_1 = σ(z_1), L = ½(a_1 − y_1)² (sympy.diff)."""
    w11, w12 = sp.symbols("w11 w12")
    loss = (_sig(w11 * sp.Rational(1, 2) + w12) - 1) ** 2 / 2
    right = float(sp.diff(loss, w11).subs({w11: sp.Rational(1, 10), w12: sp.Rational(2, 10)}).evalf(30))
    text = (
        "Inputs $x_1 = 0.5$, $x_2 = 1.0$, target $y_1 = 1$, weights $w_{11} = 0.1$, $w_{12} = 0.2$.\n\n"
        "$$z_1 = w_{11} x_1 + w_{12} x_2$$\n\n$$a_1 = \\sigma(z_1)$$\n\n$$L = \\frac{1}{2}(a_1 - y_1)^2$$\n\n"
        "$$\\frac{\\partial L}{\\partial w_{jk}} = (a_j - y_j)\\sigma'(z_j) x_k$$\n\n"
        "$$\\frac{\\partial L}{\\partial w_{jk}} = (a_j - y_j) x_k$$\n"
    )
    *_, good, bad = verify("doc.md", text=text).findings
    assert good.verdict == "holds" and good.checked == 2, good.message
    assert bad.status is Status.WRONG and bad.mistake is Mistake.DROPPED_ACTIVATION_DERIVATIVE, bad.message
    assert "j = 1, k = 1" in bad.message and bad.value == pytest.approx(right, rel=1e-9)
