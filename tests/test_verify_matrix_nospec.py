"""verify reads a matrix-form derivation without a spec (issues 13 and 15 §4): the network is
inferred from the document's own givens (``bmatrix``/``pmatrix``) and definitions.

Every document here is written by hand; its numbers come from NumPy with the textbook
formulas written out in this file (σ(Wx + b), δ = (a − y) ⊙ σ′, ∂L/∂W = δ aᵀ, p − y), and one
gradient from sympy.diff of the inlined scalar loss, never from the code under test.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import sympy
from conftest import EXAMPLES

from symbackprop.cli import main
from symbackprop.verification import Status, verify
from symbackprop.verification.documents import read_document
from symbackprop.verification.matrix_infer import read_matrix_document
from symbackprop.verification.sections import rows

X = np.array([[0.05], [0.10]])
Y = np.array([[0.01], [0.99]])
W1 = np.array([[0.15, 0.20], [0.25, 0.30]])
B1 = np.array([[0.35], [0.35]])
W2 = np.array([[0.40, 0.45], [0.50, 0.55]])
B2 = np.array([[0.60], [0.60]])
ETA = 0.5


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _m(a, k=4):
    """A bmatrix of ``a`` with ``k`` decimals."""
    return (
        r"\begin{bmatrix} "
        + r" \\ ".join(" & ".join(f"{v:.{k}f}" for v in row) for row in a)
        + r" \end{bmatrix}"
    )


def _two_layer() -> dict[str, np.ndarray]:
    """The 2-2-2 network's forward and backward pass, by the textbook formulas."""
    z1 = W1 @ X + B1
    a1 = _sigmoid(z1)
    z2 = W2 @ a1 + B2
    a2 = _sigmoid(z2)
    d2 = (a2 - Y) * a2 * (1 - a2)
    d1 = (W2.T @ d2) * a1 * (1 - a1)
    return {"z1": z1, "a1": a1, "z2": z2, "a2": a2, "d2": d2, "d1": d1, "gW2": d2 @ a1.T, "gW1": d1 @ X.T}


def _two_layer_doc(v: dict[str, np.ndarray], **slip: np.ndarray) -> str:
    v = {**v, **slip}
    return "\n".join(
        [
            "# A 2-2-2 network in matrix form",
            "",
            "$$x = " + _m(X, 2) + r", \qquad y = " + _m(Y, 2) + "$$",
            "",
            "$$W_1 = " + _m(W1, 2) + r", \qquad b_1 = " + _m(B1, 2) + "$$",
            "",
            "$$W_2 = " + _m(W2, 2) + r", \qquad b_2 = " + _m(B2, 2) + "$$",
            "",
            r"The learning rate is $\eta = 0.5$.",
            "",
            "$$z_1 = W_1 x + b_1$$",
            "",
            r"$$a_1 = \sigma(z_1)$$",
            "",
            "$$z_2 = W_2 a_1 + b_2$$",
            "",
            r"$$a_2 = \sigma(z_2)$$",
            "",
            r"$$L = \frac{1}{2} \lVert a_2 - y \rVert^2$$",
            "",
            "Forward:",
            "",
            r"$$a_1 = \sigma(z_1) \approx " + _m(v["a1"]) + "$$",
            "",
            r"$$a_2 = \sigma(z_2) \approx " + _m(v["a2"]) + "$$",
            "",
            "Backward:",
            "",
            r"$$\delta_2 = (a_2 - y) \odot a_2 \odot (1 - a_2) = ("
            + _m(v["a2"])
            + " - "
            + _m(Y, 2)
            + r") \odot "
            + _m(v["a2"])
            + r" \odot (1 - "
            + _m(v["a2"])
            + r") \approx "
            + _m(v["d2"])
            + "$$",
            "",
            r"$$\frac{\partial L}{\partial W_2} = \delta_2 a_1^\top \approx " + _m(v["gW2"], 5) + "$$",
            "",
            r"$$\delta_1 = (W_2^\top \delta_2) \odot a_1 \odot (1 - a_1) \approx " + _m(v["d1"], 5) + "$$",
            "",
            r"$$\frac{\partial L}{\partial W_1} = \delta_1 x^\top \approx " + _m(v["gW1"], 6) + "$$",
            "",
            r"$$W_2^{+} = W_2 - \eta \frac{\partial L}{\partial W_2} \approx "
            + _m(W2 - ETA * v["gW2"], 5)
            + "$$",
            "",
        ]
    )


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _bad(report):
    return [
        f"{f.line}: {f.status.name} {f.message[:120]}" for f in report.findings if f.status is not Status.OK
    ]


def test_the_sympy_gradient_agrees_with_the_textbook_formulas():
    """The expected numbers' route is itself checked: ∂L/∂W_1[0][1] by sympy.diff of the inlined loss."""
    w = sympy.Matrix(2, 2, sympy.symbols("w0:4"))
    sig = lambda t: 1 / (1 + sympy.exp(-t))  # noqa: E731
    a1 = (w * sympy.Matrix(X) + sympy.Matrix(B1)).applyfunc(sig)
    a2 = (sympy.Matrix(W2) * a1 + sympy.Matrix(B2)).applyfunc(sig)
    loss = sum((a2[i] - Y[i, 0]) ** 2 for i in range(2)) / 2
    exact = sympy.diff(loss, w[0, 1]).subs(dict(zip(w, W1.flat)))
    assert float(exact) == pytest.approx(_two_layer()["gW1"][0, 1], rel=1e-12)


def test_a_correct_matrix_derivation_verifies_without_a_spec():
    text = _two_layer_doc(_two_layer())
    report = verify("two.md", text=text)
    assert _bad(report) == []
    assert report.network_from == "document"
    kinds = {f.line: f.message for f in report.findings}
    assert kinds[_line(text, r"\eta = 0.5")] == "given"
    assert kinds[_line(text, "z_1 = W_1 x + b_1")] == "definition"
    assert sum(f.checked for f in report.findings) >= 8


@pytest.mark.parametrize(
    ("what", "needle"),
    [
        ("gW2", r"\frac{\partial L}{\partial W_2}"),
        ("d1", r"\delta_1 ="),
        ("a2", r"a_2 = \sigma(z_2) \approx"),
    ],
    ids=["gradient", "delta", "forward"],
)
def test_a_slip_of_13_percent_in_one_entry_is_caught_at_its_line(what, needle):
    v = _two_layer()
    slipped = v[what].copy()
    slipped[0, 0] *= 1.13
    text = _two_layer_doc(v, **{what: slipped})
    report = verify("two.md", text=text)
    wrong = [f.line for f in report.findings if f.status is Status.WRONG]
    assert wrong and wrong[0] == _line(text, needle)


def test_arithmetic_on_written_numbers_is_checked():
    """``(a_2 − y) ⊙ …`` written in the shown numbers: a slip in one written operand is caught on it,
    though the result written after it is right."""
    v = _two_layer()
    text = _two_layer_doc(v)
    shown = _m(v["a2"])
    bad_a2 = v["a2"].copy()
    bad_a2[1, 0] -= 0.05
    line = next(t for t in text.splitlines() if t.startswith(r"$$\delta_2"))
    slipped = text.replace(line, line.replace("(" + shown + " - ", "(" + _m(bad_a2) + " - ", 1))
    assert slipped != text
    report = verify("two.md", text=slipped)
    wrong = [f for f in report.findings if f.status is Status.WRONG]
    assert [f.line for f in wrong] == [_line(slipped, r"$$\delta_2")]
    assert "as written" in wrong[0].message


def test_a_missing_transpose_is_named():
    v = _two_layer()
    wrong_d1 = (W2 @ v["d2"]) * v["a1"] * (1 - v["a1"])  # W_2 δ_2 instead of W_2ᵀ δ_2
    text = _two_layer_doc(v).replace(r"(W_2^\top \delta_2)", r"(W_2 \delta_2)")
    text = text.replace(_m(v["d1"], 5), _m(wrong_d1, 5))
    report = verify("two.md", text=text)
    found = next(f for f in report.findings if f.status is Status.WRONG)
    assert found.line == _line(text, r"\delta_1 =")
    assert found.mistake is not None and "transpose" in found.message


@pytest.mark.parametrize(
    ("mistake", "needle"),
    [("dropped-activation-derivative", r"\delta_1 ="), ("wrong-order", r"\frac{\partial L}{\partial W_2}")],
    ids=["missing-sigma-prime", "a-delta-transposed"],
)
def test_the_other_classic_matrix_mistakes_are_named(mistake, needle):
    v = _two_layer()
    # a_1 δ_2ᵀ for δ_2 a_1ᵀ (the gradient transposed), or δ_1 = W_2ᵀ δ_2 without ⊙ σ′(z_1)
    slip = {"gW2": v["a1"] @ v["d2"].T} if mistake == "wrong-order" else {"d1": W2.T @ v["d2"]}
    text = _two_layer_doc(v, **slip)
    report = verify("two.md", text=text)
    found = next(f for f in report.findings if f.status is Status.WRONG)
    assert found.line == _line(text, needle)
    assert found.mistake is not None and found.mistake.value == mistake


def _network_of(text: str):
    doc = read_document(text, "md")
    return read_matrix_document(rows(doc)[0], doc.text)


def test_the_inferred_network_has_the_documents_roles_and_loss():
    read = _network_of(_two_layer_doc(_two_layer()))
    net = read.network
    assert net is not None
    assert [s.name for s in net.inputs] == ["x"]
    assert [s.name for s in net.targets] == ["y"]
    assert [s.name for s in net.parameters] == ["W_1", "b_1", "W_2", "b_2"]
    assert net.loss.name == "L"
    assert net.learning_rate == sympy.Rational(1, 2)
    assert net.shapes[net.loss] == (1, 1)


def test_a_scalar_document_is_not_read_as_a_matrix_one():
    text = "$$x = 0.5, \\qquad w = 2$$\n\n$$z = w x$$\n\n$$z = 1$$\n"
    assert _network_of(text) is None
    assert verify("s.md", text=text).network_from == "document"


def test_a_network_that_cannot_be_built_says_why():
    text = _two_layer_doc(_two_layer()).replace("z_2 = W_2 a_1 + b_2$$", "z_2 = W_2 a_1 + c$$")
    read = _network_of(text)
    assert read is not None and read.network is None and "c" in (read.why or "")
    report = verify("two.md", text=text)
    unread = [f for f in report.findings if f.status is Status.NOT_CHECKED and "matrix notation" in f.message]
    assert unread and all("matrix network cannot be read" in f.message for f in unread)
    assert not [f for f in report.findings if f.status is Status.WRONG]


def _softmax_doc(z_shown: np.ndarray, p: np.ndarray, grad: np.ndarray, loss: float) -> str:
    x = np.array([[1.0], [-0.5]])
    w = np.array([[0.2, -0.3], [0.4, 0.1], [-0.5, 0.6]])
    return "\n".join(
        [
            r"$$x = \begin{pmatrix} 1 \\ -0.5 \end{pmatrix}, "
            + r"\qquad y = \begin{pmatrix} 0 \\ 1 \\ 0 \end{pmatrix}, "
            + r"\qquad W = "
            + _m(w, 1).replace("bmatrix", "pmatrix")
            + "$$",
            "",
            "$$z = W x$$",
            "",
            r"$$p = \operatorname{softmax}(z)$$",
            "",
            r"$$L = \operatorname{CE}(p, y)$$",
            "",
            r"$$z = W x = " + _m(z_shown, 2) + "$$",
            "",
            r"$$p = \operatorname{softmax}(z) \approx " + _m(p) + "$$",
            "",
            rf"$$L = \operatorname{{CE}}(p, y) \approx {loss:.4f}$$",
            "",
            r"$$\frac{\partial L}{\partial z} = p - y \approx " + _m(grad) + "$$",
            "",
            r"$$\frac{\partial L}{\partial W} = \frac{\partial L}{\partial z} x^\top \approx "
            + _m(grad @ x.T)
            + "$$",
            "",
        ]
    )


def test_softmax_and_cross_entropy_in_pmatrix():
    x = np.array([[1.0], [-0.5]])
    w = np.array([[0.2, -0.3], [0.4, 0.1], [-0.5, 0.6]])
    y = np.array([[0.0], [1.0], [0.0]])
    z = w @ x
    p = np.exp(z) / np.exp(z).sum()
    loss = float(-np.log(p[1, 0]))
    report = verify("s.md", text=_softmax_doc(z, p, p - y, loss))
    assert _bad(report) == []
    slipped = verify("s.md", text=_softmax_doc(z, p, (p - y) * 1.13, loss))
    assert [f.status for f in slipped.findings].count(Status.WRONG) >= 1


def test_a_batch_with_a_bias_column_and_an_elementwise_cross_entropy():
    """One example per column, b_1 a column added to every example, Y log(A) elementwise, a mean."""
    xb = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 1.0]])
    yb = np.array([[1.0, 1.0, 0.0]])
    w = np.array([[0.5, -0.4]])
    b = np.array([[0.1]])
    a = _sigmoid(w @ xb + b)
    loss = float(np.mean(-(yb * np.log(a) + (1 - yb) * np.log(1 - a))))
    delta = (a - yb) / 3
    text = "\n".join(
        [
            "$$X = "
            + _m(xb, 0)
            + r", \qquad Y = "
            + _m(yb, 0)
            + r", \qquad W = "
            + _m(w, 1)
            + ", \\qquad b = 0.1$$",
            "",
            "$$Z = W X + b$$",
            "",
            r"$$A = \sigma(Z)$$",
            "",
            r"$$L = \operatorname{mean}(-[Y \log(A) + (1 - Y) \log(1 - A)])$$",
            "",
            r"$$A = \sigma(Z) \approx " + _m(a) + "$$",
            "",
            rf"$$L \approx {loss:.4f}$$",
            "",
            r"$$\delta_Z = \frac{\partial L}{\partial Z} = (A - Y) / 3 = ("
            + _m(a)
            + " - "
            + _m(yb, 0)
            + r") / 3 \approx "
            + _m(delta)
            + "$$",
            "",
            r"$$\frac{\partial L}{\partial W} = \delta_Z X^\top \approx " + _m(delta @ xb.T) + "$$",
            "",
        ]
    )
    report = verify("b.md", text=text)
    assert _bad(report) == []
    assert report.network_from == "document"


@pytest.mark.parametrize(
    ("definitions", "why"),
    [
        (r"$$z = W x$$" + "\n\n" + r"$$L = \operatorname{sum}(\log(z - 5))$$", "no value at its point"),
        (r"$$z = 2 x$$", "must be a scalar"),
        (r"$$z = W \odot x$$" + "\n\n" + r"$$L = \operatorname{sum}(z)$$", "cannot multiply"),
        ("", "defines no quantity"),
    ],
    ids=["log-of-negative", "vector-loss", "shapes", "no-definition"],
)
def test_a_matrix_document_whose_network_cannot_be_used_is_not_checked_with_the_reason(definitions, why):
    text = r"$$x = \begin{bmatrix} 1 \\ 2 \end{bmatrix}, \qquad W = \begin{bmatrix} 1 & 1 \end{bmatrix}$$"
    report = verify("w.md", text=text + "\n\n" + definitions + "\n")
    assert not [f for f in report.findings if f.status is Status.WRONG]
    assert any(why in f.message for f in report.findings if f.status is Status.NOT_CHECKED)


MAZUR = Path(__file__).parent / "fixtures" / "verify" / "matrix_mazur.md"
MAZUR_GIVENS = (
    r"$$\mathbf W_1 = \begin{bmatrix} 0.15 & 0.2 \\ 0.25 & 0.3 \end{bmatrix}, \quad b_1 = 0.35, \quad "
    r"\mathbf W_2 = \begin{bmatrix} 0.4 & 0.45 \\ 0.5 & 0.55 \end{bmatrix}, \quad b_2 = 0.6$$"
)


def test_mazurs_matrix_derivation_verifies_without_a_spec_once_it_states_its_weights():
    """The fixture (written for --spec) states x and y as transposed rows and its loss in prose before
    a_2 is defined; with its weights stated too, every line holds."""
    text = MAZUR.read_text()
    bare = verify(MAZUR)
    assert not [f for f in bare.findings if f.status is Status.WRONG]
    assert any("W_1 is neither given nor defined" in f.message for f in bare.findings)
    report = verify("mazur.md", text=text.replace("## Forward pass", MAZUR_GIVENS + "\n\n## Forward pass"))
    assert _bad(report) == []
    assert sum(f.message == "holds" for f in report.findings) >= 12


@pytest.mark.parametrize(
    ("stem", "fmt"), [("batch_matrix", "md"), ("softmax_matrix", "tex")], ids=["batch-md", "softmax-tex"]
)
def test_our_hand_rounded_matrix_walkthroughs_verify_without_their_spec(tmp_path, stem, fmt):
    """--rounding hand carries every shown matrix on (tests/test_verify_corpus.py runs the other modes)."""
    out = tmp_path / f"w.{fmt}"
    spec = str(EXAMPLES / f"{stem}.toml")
    assert main(["walkthrough", spec, "--format", fmt, "-o", str(out), "--rounding", "hand"]) == 0
    report = verify(out)
    assert _bad(report) == []
    assert report.network_from == "document"


def test_a_document_of_two_problems_is_not_read_as_one_matrix_network():
    """The same names given other values later: a second problem; the document is read as before."""
    one = _two_layer_doc(_two_layer())
    two = one.replace(r"$$x = \begin{bmatrix} 0.05", r"$$x = \begin{bmatrix} 0.07", 1)
    read = _network_of(one + "\n## Problem 2\n\n" + two)
    assert read is not None and read.network is None and "x is given two values" in (read.why or "")


def test_a_slip_on_the_line_that_defines_a_quantity_is_caught():
    """``z_1 = W_1 x + b_1 = […]`` defines z_1 and states its value: the value is still a claim
    (Mazur's z_1 = (0.3775, 0.3925), moved by 13% in its first entry)."""
    text = MAZUR.read_text().replace("## Forward pass", MAZUR_GIVENS + "\n\n## Forward pass")
    slipped = text.replace("0.3775", "0.4266")
    wrong = [f.line for f in verify("m.md", text=slipped).findings if f.status is Status.WRONG]
    assert wrong == [_line(slipped, r"$$\mathbf z_1 = \mathbf W_1 \mathbf x + b_1")]


@pytest.mark.parametrize("spec", [None, EXAMPLES / "two_layer_matrix.toml"], ids=["own", "spec"])
def test_deeply_nested_matrix_sides_are_not_checked_never_a_traceback(spec):
    deep = 600
    text = (
        r"$$W = \begin{bmatrix} 1 & 2 \end{bmatrix}$$" + "\n\n$$z = " + "(" * deep + "W" + ")" * deep + "$$\n"
    )
    report = verify("h.md", text=text, spec=spec)
    assert not [f for f in report.findings if f.status is Status.WRONG]


def test_a_document_network_too_large_to_check_without_a_spec_says_so():
    """A chain of 150 layers of 2 units (300 entries): not derived without a spec (bounded work)."""
    lines = [r"$$W = \begin{bmatrix} 0.5 & 0.1 \\ 0.2 & 0.4 \end{bmatrix}, \quad z_0 = (1, 2)^\top$$"]
    lines += [rf"$$z_{{{k}}} = \sigma(W z_{{{k - 1}}})$$" for k in range(1, 150)]
    lines += [r"$$L = \operatorname{sum}(z_{149})$$"]
    read = _network_of("\n\n".join(lines))
    assert read is not None and read.network is None and "more than 256" in (read.why or "")
