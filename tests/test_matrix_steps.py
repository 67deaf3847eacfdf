"""The matrix view's table of training steps (``walkthrough --steps K`` on a matrix spec).

Each entry of each parameter is a column, labelled as the page writes the matrix
(``W_{1}[1, 2]``); the numbers are ``train``'s.  They are checked here against an
independent route: NumPy gradient descent on gradients from ``sympy.diff`` of the
loss inlined by hand (Mazur's 2-2-2 network), never the code under test.
"""

from __future__ import annotations

from decimal import Decimal

import numpy
import pytest
import sympy
from conftest import EXAMPLES

from symbackprop import check, render
from symbackprop.errors import InputError
from symbackprop.notation.spec import read_spec
from symbackprop.output.matrix_context import matrix_walkthrough_context

STEPS = 3
CASES = [f"two_layer_matrix_steps3.{fmt}" for fmt in ("md", "tex")]


@pytest.mark.parametrize("golden_name", CASES, ids=CASES)
def test_matrix_steps_table_matches_golden(golden_name, golden):
    net = read_spec(EXAMPLES / "two_layer_matrix.toml")
    fmt = golden_name.rsplit(".", 1)[1]
    golden(golden_name, render(net, fmt, steps=STEPS, check=check(net.scalar())))


def _mazur_by_hand(steps: int) -> list[dict[str, float]]:
    """Gradient descent on L = ½ Σ (σ(W₂ σ(W₁ x + b₁) + b₂) − y)², the biases frozen, η = ½."""
    w1 = sympy.Matrix(2, 2, sympy.symbols("w1_11 w1_12 w1_21 w1_22"))
    w2 = sympy.Matrix(2, 2, sympy.symbols("w2_11 w2_12 w2_21 w2_22"))
    x = sympy.Matrix([sympy.Rational(5, 100), sympy.Rational(10, 100)])
    y = sympy.Matrix([sympy.Rational(1, 100), sympy.Rational(99, 100)])

    def sigma(v):
        return v.applyfunc(lambda t: 1 / (1 + sympy.exp(-t)))

    a1 = sigma(w1 * x + sympy.Matrix([sympy.Rational(35, 100)] * 2))
    a2 = sigma(w2 * a1 + sympy.Matrix([sympy.Rational(60, 100)] * 2))
    loss = sum((a2[i] - y[i]) ** 2 for i in range(2)) / 2
    weights = [*w1, *w2]
    f = sympy.lambdify(weights, loss, "numpy")
    grads = [sympy.lambdify(weights, sympy.diff(loss, w), "numpy") for w in weights]
    theta = numpy.array([0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55])
    names = ["W_{1}[1, 1]", "W_{1}[1, 2]", "W_{1}[2, 1]", "W_{1}[2, 2]"]
    names += ["W_{2}[1, 1]", "W_{2}[1, 2]", "W_{2}[2, 1]", "W_{2}[2, 2]"]
    rows = []
    for _ in range(steps + 1):
        rows.append({"L": float(f(*theta)), **dict(zip(names, theta.tolist()))})
        theta = theta - 0.5 * numpy.array([g(*theta) for g in grads])
    return rows


def _close(text: str, value: float) -> bool:
    """A shown number stands for its value to half a unit of its last digit."""
    half = Decimal(5).scaleb(Decimal(text).as_tuple().exponent - 1)  # type: ignore[operator]
    return abs(Decimal(text) - Decimal(repr(value))) <= half


def test_matrix_steps_table_against_sympy_gradient_descent():
    net = read_spec(EXAMPLES / "two_layer_matrix.toml")
    table = matrix_walkthrough_context(net, digits=6, steps=STEPS)["training"]["table"]
    expected = _mazur_by_hand(STEPS)
    labels = set()
    for part in table["parts"]:
        for i, row in enumerate(part["rows"]):
            assert row["step"] == i
            assert _close(row["loss"]["text"], expected[i]["L"]), (i, row["loss"]["text"])
            for column, cell in zip(part["columns"], row["cells"]):
                labels.add(column["latex"])
                if column["frozen"]:
                    continue
                assert _close(cell["text"], expected[i][column["latex"]]), (i, column["latex"], cell["text"])
    assert labels == {*expected[0]} - {"L"} | {"b_{1}", "b_{2}"}
    # the published first step (Mazur): w5 = 0.35891648
    assert expected[1]["W_{2}[1, 1]"] == pytest.approx(0.35891648, abs=5e-9)


def test_matrix_steps_label_vectors_and_batches():
    """A column vector's entries are b_{1}[i]; a batch's loss is over the batch."""
    net = read_spec(EXAMPLES / "batch_matrix.toml")
    training = matrix_walkthrough_context(net, steps=1)["training"]
    latex = [c["latex"] for part in training["table"]["parts"] for c in part["columns"]]
    assert "b_{1}[3]" in latex and "W_{1}[3, 2]" in latex and "W_{2}[1, 3]" in latex
    assert training["over"] == "the batch"
    assert len(training["table"]["parts"][0]["rows"]) == 2


def test_matrix_view_without_steps_has_no_table():
    net = read_spec(EXAMPLES / "two_layer_matrix.toml")
    assert matrix_walkthrough_context(net)["training"] is None
    with pytest.raises(InputError, match="--steps must be between"):
        matrix_walkthrough_context(net, steps=-1)
