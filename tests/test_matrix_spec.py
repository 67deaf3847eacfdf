"""Matrix specs: vectors and matrices in the spec format, shapes checked as it is read, and the CLI.

Expected values come from the spec text itself (what was written), hand computation,
or sympy.diff of the inlined scalar loss, never from the derivation under test.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy
import pytest
import sympy
from conftest import EXAMPLES

from symbackprop.cli import main
from symbackprop.core.functions import to_elementary
from symbackprop.core.matrix import MatrixNetwork
from symbackprop.core.network import Network
from symbackprop.core.tensors import MatProduct, Transposed
from symbackprop.errors import SpecError, SymbackpropError
from symbackprop.notation.expressions import parse_expression
from symbackprop.notation.spec import load_spec, loads_spec, read_spec, reads_spec

MAZUR = (EXAMPLES / "two_layer_matrix.toml").read_text(encoding="utf-8")


def _spec(body: str) -> str:
    return textwrap.dedent(body).lstrip()


def _mazur(old: str, new: str) -> str:
    assert old in MAZUR, old
    return MAZUR.replace(old, new)


# ------------------------------------------------------------ reading


def test_the_issue_spec_reads_into_shapes_and_values_as_written():
    net = read_spec(EXAMPLES / "two_layer_matrix.toml")
    assert isinstance(net, MatrixNetwork)
    shapes = {s.name: net.shapes[s] for s in net.symbols}
    assert shapes == {
        "x": (2, 1), "y": (2, 1), "W_1": (2, 2), "b_1": (1, 1), "W_2": (2, 2), "b_2": (1, 1),
        "z_1": (2, 1), "a_1": (2, 1), "z_2": (2, 1), "a_2": (2, 1), "L": (1, 1),
    }  # fmt: skip
    values = {s.name: v.tolist() for s, v in net.values.items()}
    assert values["x"] == [[0.05], [0.10]]  # a vector is a column
    assert values["W_1"] == [[0.15, 0.20], [0.25, 0.30]]  # a matrix is a list of rows
    assert values["b_1"] == [[0.35]]
    assert [f.name for f in net.frozen] == ["b_1", "b_2"]
    assert net.learning_rate == sympy.Rational(1, 2)


def test_load_spec_gives_the_scalar_view_with_exact_values_and_element_names():
    net = load_spec(EXAMPLES / "two_layer_matrix.toml")
    assert isinstance(net, Network)
    names = [p.name for p in net.parameters]
    assert names == ["W_1_1_1", "W_1_1_2", "W_1_2_1", "W_1_2_2", "b_1", "W_2_1_1", "W_2_1_2", "W_2_2_1",
                     "W_2_2_2", "b_2"]  # fmt: skip
    assert net.values[net.symbol("W_1_2_1")] == sympy.Rational(1, 4)  # 0.25 exactly, as written
    assert net.values[net.symbol("x_2")] == sympy.Rational(1, 10)
    w21, w22, x1, x2, b1 = (net.symbol(n) for n in ("W_1_2_1", "W_1_2_2", "x_1", "x_2", "b_1"))
    assert net.definition[net.symbol("z_1_2")] == w21 * x1 + w22 * x2 + b1
    assert [f.name for f in net.frozen] == ["b_1", "b_2"]
    assert net.latex_names[net.symbol("W_1_1_2")] == "W_{1,12}"
    assert net.latex_names[net.symbol("x_2")] == "x_{2}"


def test_a_scalar_spec_reads_as_before():
    assert isinstance(read_spec(EXAMPLES / "two_layer.toml"), Network)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("W @ x", MatProduct(sympy.Symbol("W", real=True), sympy.Symbol("x", real=True))),
        ("x.T", Transposed(sympy.Symbol("x", real=True))),
        ("transpose(x)", Transposed(sympy.Symbol("x", real=True))),
        ("x.T.T", sympy.Symbol("x", real=True)),
    ],
    ids=["matmul", "dot-T", "transpose", "double-transpose"],
)
def test_matrix_syntax_is_read_only_in_matrix_specs(text, expected):
    from symbackprop.notation.matrix_spec import MATRIX_FUNCTIONS

    symbols = {n: sympy.Symbol(n, real=True) for n in ("W", "x")}
    assert parse_expression(text, symbols, MATRIX_FUNCTIONS, matrix=True) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("W @ x", "'@' is not allowed; write products with *"),
        ("x.T", "attribute access ('.') is not allowed"),
    ],
    ids=["matmul", "dot-T"],
)
def test_matrix_syntax_stays_refused_in_scalar_specs(text, message):
    with pytest.raises(SpecError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_expression(text, {n: sympy.Symbol(n, real=True) for n in ("W", "x")})


def test_other_attributes_are_refused_in_matrix_specs():
    with pytest.raises(SpecError, match="attribute access"):
        parse_expression("x.shape", {"x": sympy.Symbol("x", real=True)}, matrix=True)


# ------------------------------------------------------------ mistakes, one line each

MISTAKES = [
    (
        "matmul-shapes",
        _mazur("W_2 = [[0.40, 0.45], [0.50, 0.55]]", "W_2 = [[0.40, 0.45, 0.1], [0.50, 0.55, 0.2]]"),
        "m.toml:14: [network] z_2: cannot multiply (2×3) @ (2×1)",
    ),
    (
        "star-is-elementwise",
        _mazur('z_1 = "W_1 @ x + b_1"', 'z_1 = "W_1 * x + b_1"'),
        "m.toml:12: [network] z_1: cannot multiply (2×2) * (2×1) elementwise; for a matrix product write @",
    ),
    (
        "add-shapes",
        _mazur('a_2 = "sigmoid(z_2)"', 'a_2 = "sigmoid(z_2) + x.T"'),
        "m.toml:15: [network] a_2: cannot add (1×2) and (2×1)",
    ),
    (
        "function-shapes",
        _mazur('a_2 = "sigmoid(z_2)"', 'a_2 = "half_squared_error(z_2, W_1)"'),
        "m.toml:15: [network] a_2: half_squared_error(): arguments of shapes (2×1) and (2×2) do not fit",
    ),
    (
        "loss-not-scalar",
        _mazur('L   = "sum((a_2 - y)**2) / 2"', 'L   = "(a_2 - y)**2 / 2"'),
        "m.toml:16: [network] L: the loss 'L' must be a scalar (1×1), got (2×1); reduce it with sum(...)",
    ),
    (
        "ragged",
        _mazur("[[0.15, 0.20], [0.25, 0.30]]", "[[0.15, 0.20], [0.25]]"),
        "m.toml:7: [parameters] W_1: the rows",
    ),
    ("empty", _mazur("x = [0.05, 0.10]", "x = []"), "m.toml:3: [inputs] x: an empty array is not a vector"),
    ("bool", _mazur("x = [0.05, 0.10]", "x = [true, 0.10]"), "[inputs] x: expected a number, got true"),
    ("string", _mazur("x = [0.05, 0.10]", 'x = ["a", 0.10]'), "[inputs] x: expected a number in the array"),
    ("mixed", _mazur("x = [0.05, 0.10]", "x = [0.05, [0.10]]"), "[inputs] x: mixed numbers and rows"),
    (
        "three-deep",
        _mazur("x = [0.05, 0.10]", "x = [[[0.05]]]"),
        "[inputs] x: expected a number, got an array",
    ),
    (
        "reserved-name",
        _mazur("b_2 = 0.60", "b_2 = 0.60\nsum = 1.0"),
        "[parameters] sum: 'sum' is the name of",
    ),
    (
        "dataset",
        MAZUR + "[dataset]\nexamples = [{x = 1}]\n",
        "[dataset]: a matrix spec writes a batch as an input matrix with one example per column",
    ),
    (
        "target-not-a-distribution",
        _mazur('L   = "sum((a_2 - y)**2) / 2"', 'L   = "cross_entropy(softmax(z_2), y)"').replace(
            "y = [0.01, 0.99]", "y = [0.01, 0.98]"
        ),
        "m.toml:5: [targets] y: the columns of 'y' must sum to 1 (cross-entropy targets are distributions)",
    ),
    (
        "cross-entropy-of-a-node",
        _mazur('L   = "sum((a_2 - y)**2) / 2"', 'L   = "sum(cross_entropy(a_2, a_1))"'),
        "[network] L: cross_entropy(): the second argument must be a declared target, not a_1",
    ),
    (
        "unknown-name",
        _mazur('z_1 = "W_1 @ x + b_1"', 'z_1 = "W_1 @ xx + b_1"'),
        "m.toml:12: [network] z_1: unknown name 'xx' (did you mean 'x'?)",
    ),
]


@pytest.mark.parametrize(("text", "message"), [m[1:] for m in MISTAKES], ids=[m[0] for m in MISTAKES])
def test_a_mistake_is_one_line_naming_file_line_key_and_both_shapes(text, message):
    with pytest.raises(SymbackpropError) as err:
        reads_spec(text, file="m.toml")
    assert message in str(err.value)
    assert "\n" not in str(err.value)
    with pytest.raises(SymbackpropError) as again:  # the scalar view reports the same mistake
        loads_spec(text, file="m.toml")
    assert str(again.value) == str(err.value)


def test_an_element_name_that_clashes_with_a_quantity_is_refused_in_the_scalar_view():
    text = _mazur("b_1 = 0.35", "b_1 = 0.35\nx_1 = 0.0").replace("/ 2", "/ 2 + x_1")
    assert isinstance(reads_spec(text), MatrixNetwork)  # the matrix view needs no element names
    with pytest.raises(SpecError) as err:
        loads_spec(text, file="m.toml")
    expected = "m.toml: the scalar view has two 'x_1': element 1 of 'x' and the quantity 'x_1'; rename one"
    assert str(err.value) == expected


def test_a_custom_function_applies_elementwise():
    text = _mazur('a_1 = "sigmoid(z_1)"', 'a_1 = "swish(z_1)"') + _spec(
        """
        [functions.swish]
        args = ["u"]
        expr = "u * sigmoid(u)"
        """
    )
    net = reads_spec(text)
    assert net.shapes[net.symbol("a_1")] == (2, 1)


# ------------------------------------------------------------ the command line


def _json(capsys, *argv: str) -> dict:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_derive_json_gives_every_quantity_in_its_shape(capsys):
    report = _json(capsys, "derive", str(EXAMPLES / "two_layer_matrix.toml"), "--json")
    assert report["view"] == "matrix"
    assert report["values"]["x"] == [0.05, 0.1]
    assert report["values"]["W_1"] == [[0.15, 0.2], [0.25, 0.3]]
    assert isinstance(report["gradients"]["b_1"], float)
    assert numpy.array(report["gradients"]["W_1"]).shape == (2, 2)
    assert report["shapes"]["W_2"] == [2, 2]
    # Mazur (2015): after one step at learning rate 0.5, w_5 = 0.35891648 and w_1 = 0.149780716
    assert report["update"]["W_2"][0][0] == pytest.approx(0.35891648, abs=5e-9)
    assert report["update"]["W_1"][0][0] == pytest.approx(0.149780716, abs=5e-10)
    assert report["frozen"] == ["b_1", "b_2"]
    steps = {s["symbol"]: s for s in report["steps"]}
    assert steps["W_1"]["textbook"] == "dL/dz_1 @ x.T"
    assert steps["b_1"]["textbook"] == "sum(dL/dz_1)"


def test_derive_json_b1_is_the_sum_of_delta_1_by_hand(capsys):
    report = _json(capsys, "derive", str(EXAMPLES / "two_layer_matrix.toml"), "--json")
    delta = report["adjoints"]["z_1"]
    assert report["gradients"]["b_1"] == pytest.approx(sum(delta), rel=1e-15)
    x = report["values"]["x"]
    numpy.testing.assert_allclose(
        report["gradients"]["W_1"], [[d * xi for xi in x] for d in delta], rtol=1e-15
    )


def test_derive_view_scalar_is_the_scalar_derivation(capsys):
    report = _json(capsys, "derive", str(EXAMPLES / "two_layer_matrix.toml"), "--json", "--view", "scalar")
    assert "W_1_1_2" in report["gradients"] and "view" not in report
    loss = to_elementary(load_spec(EXAMPLES / "two_layer_matrix.toml").inlined())
    net = load_spec(EXAMPLES / "two_layer_matrix.toml")
    expected = sympy.diff(loss, net.symbol("W_1_1_2")).evalf(30, subs=dict(net.values))
    assert report["gradients"]["W_1_1_2"] == pytest.approx(float(expected), rel=1e-14)


def test_derive_set_changes_one_element_in_the_matrix_view(capsys):
    report = _json(
        capsys, "derive", str(EXAMPLES / "two_layer_matrix.toml"), "--json", "--set", "W_1_2_1=0.3"
    )
    assert report["values"]["W_1"] == [[0.15, 0.2], [0.3, 0.3]]
    assert report["values"]["z_1"][1] == pytest.approx(0.3 * 0.05 + 0.3 * 0.10 + 0.35, rel=1e-15)


def test_derive_view_matrix_of_a_scalar_spec_is_a_one_line_error(capsys):
    assert main(["derive", str(EXAMPLES / "two_layer.toml"), "--view", "matrix"]) == 2
    assert "--view matrix needs a matrix spec" in capsys.readouterr().err


def test_derive_text_shows_shapes_and_textbook_forms(capsys):
    assert main(["derive", str(EXAMPLES / "softmax_matrix.toml")]) == 0
    out = capsys.readouterr().out
    assert "W_1 (3×2)" in out
    assert "= p - y" in out
    assert "frozen" not in out


@pytest.mark.parametrize("name", ["two_layer_matrix", "softmax_matrix", "batch_matrix"])
def test_gradcheck_and_walkthrough_work_on_matrix_specs(name, capsys):
    spec = str(EXAMPLES / f"{name}.toml")
    assert main(["gradcheck", spec]) == 0
    assert main(["walkthrough", spec, "--format", "md", "--no-check", "--view", "scalar"]) == 0
    assert "z_{1,1}" in capsys.readouterr().out or name == "batch_matrix"
    assert main(["walkthrough", spec, "--format", "md", "--no-check"]) == 0  # the matrix view, by default
    out = capsys.readouterr().out
    assert r"\begin{bmatrix}" in out and r"\in \mathbb{R}^{" in out and "z_{1,1}" not in out


def test_train_json_gives_the_final_matrices_in_their_shapes(capsys):
    report = _json(
        capsys, "train", str(EXAMPLES / "two_layer_matrix.toml"), "--steps", "1", "--json", "--quiet"
    )
    assert report["parameters"]["W_2"][0][0] == pytest.approx(0.35891648, abs=5e-9)  # Mazur (2015)
    assert report["parameters"]["W_1"][0][0] == pytest.approx(0.149780716, abs=5e-10)
    assert report["parameters"]["b_1"] == 0.35  # frozen
    assert numpy.array(report["initial"]["W_2"]).shape == (2, 2)


def test_derive_json_as_subprocess():
    out = subprocess.run(
        [sys.executable, "-m", "symbackprop", "derive", str(EXAMPLES / "batch_matrix.toml"), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert numpy.array(report["values"]["X"]).shape == (2, 4)
    assert isinstance(report["gradients"]["b_2"], float)
    assert len(report["gradients"]["b_1"]) == 3
