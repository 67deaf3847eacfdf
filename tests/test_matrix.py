"""The derivation at the level of layers, against independent routes.

Expected values come from sympy.diff of the inlined scalar loss (the scalar view,
written out), from NumPy by hand, or from Mazur's published numbers; never from the
matrix derivation under test.  Expanding every matrix step must give the scalar
derivation exactly (at 30 digits), on every matrix example and on drawn networks.
"""

from __future__ import annotations

import time

import numpy
import pytest
import sympy
from conftest import EXAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from symbackprop.core.derivation import DPS, Partial, derive
from symbackprop.core.functions import to_elementary
from symbackprop.core.matrix import MatrixNetwork, element_latex, element_name, nested
from symbackprop.core.matrix_builders import MATRIX_LOSSES, matrix_mlp
from symbackprop.core.matrix_derivation import derive_matrix
from symbackprop.core.tensors import (
    ColumnSoftmax,
    ColumnSums,
    MatProduct,
    RowSums,
    ShapeError,
    Total,
    Transposed,
    unbroadcast,
)
from symbackprop.notation.spec import load_spec, read_spec, reads_spec

MATRIX_EXAMPLES = sorted(p.name for p in EXAMPLES.glob("*_matrix.toml"))


def _sym(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)


def oracle_gradients(net: MatrixNetwork) -> dict[str, numpy.ndarray]:
    """sympy.diff of the inlined scalar loss, for every parameter element, gathered into shapes."""
    scalar = net.scalar()
    loss = to_elementary(scalar.inlined())
    point = {s: sympy.Float(v, DPS + 10) for s, v in scalar.values.items()}

    def derivative(e: sympy.Symbol) -> float:
        at_point_but_e = loss.xreplace({s: v for s, v in point.items() if s != e})  # smaller to differentiate
        return float(sympy.diff(at_point_but_e, e).xreplace({e: point[e]}).evalf(DPS))

    return {
        p.name: numpy.array([[derivative(e) for e in row] for row in net.elements(p)]) for p in net.parameters
    }


# ------------------------------------------------------------ Mazur's 2-2-2 network


MAZUR_NAMES = {"W_1": [["w_1", "w_2"], ["w_3", "w_4"]], "W_2": [["w_5", "w_6"], ["w_7", "w_8"]]}


def test_mazur_in_matrix_form_gives_the_scalar_examples_gradients_and_update():
    matrix = derive_matrix(read_spec(EXAMPLES / "two_layer_matrix.toml"))
    scalar = derive(load_spec(EXAMPLES / "two_layer.toml")).evaluation
    assert scalar is not None and matrix.evaluation is not None
    net = matrix.network
    for name, grid in MAZUR_NAMES.items():
        p = net.symbol(name)
        expected = [[float(scalar.adjoints[_sym(w)]) for w in row] for row in grid]
        numpy.testing.assert_allclose(matrix.evaluation.adjoints[p], expected, rtol=1e-13)
        updated = [[float(scalar.updates[_sym(w)]) for w in row] for row in grid]
        numpy.testing.assert_allclose(matrix.evaluation.updates[p], updated, rtol=1e-14)
    # Mazur (2015), "A Step by Step Backpropagation Example": w_5 = 0.35891648, w_1 = 0.149780716
    assert matrix.evaluation.updates[net.symbol("W_2")][0, 0] == pytest.approx(0.35891648, abs=5e-9)
    assert matrix.evaluation.updates[net.symbol("W_1")][0, 0] == pytest.approx(0.149780716, abs=5e-10)
    assert set(matrix.evaluation.updates) == {net.symbol("W_1"), net.symbol("W_2")}  # b_1, b_2 frozen


def test_the_scalar_view_of_mazur_is_the_scalar_example_to_30_digits():
    view = derive(load_spec(EXAMPLES / "two_layer_matrix.toml")).evaluation
    scalar = derive(load_spec(EXAMPLES / "two_layer.toml")).evaluation
    assert view is not None and scalar is not None
    pairs = {f"W_{k}_{i + 1}_{j + 1}": w for k in (1, 2) for i, row in enumerate(MAZUR_NAMES[f"W_{k}"])
             for j, w in enumerate(row)}  # fmt: skip
    for element, w in pairs.items():
        assert abs(view.adjoints[_sym(element)] - scalar.adjoints[_sym(w)]) < 1e-28


def test_mazur_textbook_forms_are_the_lecture_notes():
    d = derive_matrix(read_spec(EXAMPLES / "two_layer_matrix.toml"))
    x, y, W_2, z_1, a_1, z_2, a_2, L = (_sym(n) for n in ["x", "y", "W_2", "z_1", "a_1", "z_2", "a_2", "L"])
    assert d.textbook(_sym("W_1")) == MatProduct(Partial(L, z_1), Transposed(x))  # ∂L/∂W = δ aᵀ
    assert d.textbook(_sym("W_2")) == MatProduct(Partial(L, z_2), Transposed(a_1))
    # δ⁽¹⁾ = (W⁽²⁾ᵀ δ⁽²⁾) ⊙ σ′(z⁽¹⁾), with σ′ = σ ⊙ (1 − σ) in node names
    assert d.textbook(z_1) == a_1 * (1 - a_1) * MatProduct(Transposed(W_2), Partial(L, z_2))
    assert d.textbook(z_2) == a_2 * (1 - a_2) * (a_2 - y)
    assert d.textbook(_sym("b_1")) == Total(Partial(L, z_1))  # a shared bias sums δ
    assert d.recurrence(z_1) == Partial(L, a_1) * a_1 * (1 - a_1)


def test_mazur_leibniz_chain_runs_from_the_loss_down():
    d = derive_matrix(read_spec(EXAMPLES / "two_layer_matrix.toml"))
    names = ["L", "a_2", "z_2", "a_1", "z_1", "W_1"]
    chain = d.leibniz(_sym("W_1"))
    assert chain.args == tuple(Partial(_sym(a), _sym(b)) for a, b in zip(names, names[1:]))


def test_every_gradient_has_its_parameters_shape():
    for name in MATRIX_EXAMPLES:
        d = derive_matrix(read_spec(EXAMPLES / name))
        for p, g in d.gradients.items():
            assert g.shape == d.network.shapes[p], (name, p)


# ------------------------------------------------------------ softmax with cross-entropy


def test_softmax_classifier_dz_is_p_minus_y_and_agrees_with_sympy_diff():
    d = derive_matrix(read_spec(EXAMPLES / "softmax_matrix.toml"))
    p, y, z_2 = _sym("p"), _sym("y"), _sym("z_2")
    assert d.textbook(z_2) == p - y
    assert d.general_form(z_2) == p - y
    # by hand: the forward pass in NumPy, then sympy.diff of cross-entropy of softmax by each logit
    W_1 = numpy.array([[0.2, -0.3], [0.4, 0.1], [-0.5, 0.6]])
    W_2 = numpy.array([[0.3, -0.2, 0.5], [-0.4, 0.6, 0.1], [0.2, 0.1, -0.3]])
    z = W_2 @ numpy.tanh(W_1 @ [1.0, -0.5] + [0.0, 0.1, -0.1]) + [0.05, -0.05, 0.0]
    zs = sympy.symbols("u1:4", real=True)
    loss = -sympy.log(sympy.exp(zs[1]) / sum(sympy.exp(u) for u in zs))  # y = e_2
    expected = [float(sympy.diff(loss, u).evalf(DPS, subs=dict(zip(zs, z)))) for u in zs]
    assert d.evaluation is not None
    numpy.testing.assert_allclose(d.evaluation.adjoints[z_2][:, 0], expected, rtol=1e-13)
    for name, g in oracle_gradients(d.network).items():
        numpy.testing.assert_allclose(d.gradients[d.network.symbol(name)], g, rtol=1e-12, atol=1e-15)


def test_fused_softmax_cross_entropy_gives_softmax_minus_y():
    text = (EXAMPLES / "softmax_matrix.toml").read_text().replace('p   = "softmax(z_2)"\n', "")
    text = text.replace('L   = "cross_entropy(p, y)"', 'L   = "softmax_cross_entropy(z_2, y)"')
    d = derive_matrix(reads_spec(text))
    assert d.textbook(_sym("z_2")) == ColumnSoftmax(_sym("z_2")) - _sym("y")
    for name, g in oracle_gradients(d.network).items():
        numpy.testing.assert_allclose(d.gradients[d.network.symbol(name)], g, rtol=1e-12, atol=1e-15)


# ------------------------------------------------------------ a batch


def _example(j: int) -> str:
    """batch_matrix.toml with only example ``j`` (a column of X and of Y)."""
    X = [[0, 0, 1, 1], [0, 1, 0, 1]]
    Y = [0, 1, 1, 0]
    text = (EXAMPLES / "batch_matrix.toml").read_text()
    text = text.replace("X = [[0, 0, 1, 1], [0, 1, 0, 1]]", f"X = [{X[0][j]}, {X[1][j]}]")
    return text.replace("Y = [[0, 1, 1, 0]]", f"Y = [{Y[j]}]")


def test_batch_gradients_under_mean_are_the_mean_of_the_per_example_gradients():
    batch = derive_matrix(read_spec(EXAMPLES / "batch_matrix.toml"))
    per_example = [oracle_gradients(reads_spec(_example(j))) for j in range(4)]
    for p in batch.network.parameters:
        mean = sum(g[p.name] for g in per_example) / 4
        numpy.testing.assert_allclose(batch.gradients[p], mean, rtol=1e-12, atol=1e-16)
    L, Z_1, Z_2 = _sym("L"), _sym("Z_1"), _sym("Z_2")
    assert batch.textbook(_sym("b_1")) == RowSums(Partial(L, Z_1))  # a bias column sums over the batch
    assert batch.textbook(_sym("b_2")) == Total(Partial(L, Z_2))
    assert str(batch.textbook(Z_2)) == "(A_2 - Y)/4"  # divided by the batch size under mean
    assert batch.textbook(_sym("W_1")) == MatProduct(Partial(L, Z_1), Transposed(_sym("X")))  # Δ Xᵀ


# ------------------------------------------------------------ the scalar view is the same derivation


def _scalar_numbers(net: MatrixNetwork):
    ev = derive(net.scalar()).evaluation
    assert ev is not None
    known: dict = dict(ev.values)
    loss = net.elements(net.loss)[0][0]
    known.update({Partial(loss, s): v for s, v in ev.adjoints.items()})
    return ev, known


def check_expansion(net: MatrixNetwork, tolerance: float = 1e-24) -> None:
    """Every matrix step, written out, is the scalar derivation's step, at 30 digits."""
    d = derive_matrix(net)
    ev, known = _scalar_numbers(net)
    oracle = oracle_gradients(net)
    assert d.evaluation is not None
    for step in d.steps:
        q = step.symbol
        expanded = d.expanded(q)
        for i, row in enumerate(net.elements(q)):
            for j, e in enumerate(row):
                value = sympy.N(expanded[i][j].xreplace(known), DPS)
                assert abs(value - ev.adjoints[e]) <= tolerance * (1 + abs(ev.adjoints[e])), (q, e)
                assert d.evaluation.adjoints[q][i, j] == pytest.approx(
                    float(ev.adjoints[e]), rel=1e-11, abs=1e-14
                )
    scalar = net.scalar()
    point = {
        e: sympy.Float(ev.values[e], DPS + 10) for e in scalar.inputs + scalar.targets + scalar.parameters
    }
    for p in net.parameters:
        closed = d.expanded(p, "closed")
        for i, row in enumerate(net.elements(p)):
            for j, _ in enumerate(row):
                value = float(sympy.N(to_elementary(closed[i][j]).xreplace(point), DPS))
                assert value == pytest.approx(oracle[p.name][i, j], rel=1e-12, abs=1e-15), (p, i, j)


@pytest.mark.parametrize("name", MATRIX_EXAMPLES)
def test_expanding_every_matrix_step_gives_the_scalar_derivation(name):
    check_expansion(read_spec(EXAMPLES / name))


ACTIVATIONS = ["sigmoid", "tanh", "softplus", None]


@st.composite
def layered_networks(draw, width=3, depth=4, activations=tuple(ACTIVATIONS), **options):
    """A drawn MLP in matrix form: up to ``depth`` sizes of 1 to ``width``; ``options`` go to matrix_mlp."""
    sizes = draw(st.lists(st.integers(1, width), min_size=2, max_size=depth))
    loss = draw(st.sampled_from(sorted(MATRIX_LOSSES)))
    output = "sigmoid" if loss == "binary_cross_entropy" else draw(st.sampled_from(activations))
    return matrix_mlp(
        sizes,
        activation=draw(st.sampled_from(activations)),
        output_activation=output,
        loss=loss,
        bias=draw(st.sampled_from(["unit", "shared", None])),
        batch=draw(st.integers(1, 2)),
        seed=draw(st.integers(0, 10_000)),
        **options,
    )


@settings(max_examples=10, deadline=None)
@given(layered_networks())
def test_drawn_layered_networks_expand_to_the_scalar_derivation(net):
    check_expansion(net)


@pytest.mark.long
@settings(max_examples=60, deadline=None)
@given(layered_networks())
def test_many_drawn_layered_networks_expand_to_the_scalar_derivation(net):
    """The same, with more drawn networks (CI's long step; the default run keeps to 10)."""
    check_expansion(net)


# ------------------------------------------------------------ rules, shapes and numbers


A = _sym("A")


@pytest.mark.parametrize(
    ("expr_shape", "logical", "target", "expected"),
    [
        ((2, 1), (2, 1), (2, 1), A),
        ((2, 1), (2, 1), (1, 1), Total(A)),  # a shared bias
        ((2, 4), (2, 4), (2, 1), RowSums(A)),  # a bias column against a batch
        ((2, 4), (2, 4), (1, 4), ColumnSums(A)),
        ((2, 4), (2, 4), (1, 1), Total(A)),
        ((1, 1), (2, 4), (1, 1), 8 * A),  # constant over the stretched dimensions
        ((1, 4), (2, 4), (2, 1), RowSums(A)),  # the same in every row: no sum over rows
    ],
    ids=["same", "shared-bias", "batch-bias", "per-example", "scalar-of-batch", "constant", "row-to-column"],
)
def test_a_stretched_operand_sums_its_adjoint_over_the_stretch(expr_shape, logical, target, expected):
    assert unbroadcast(A, expr_shape, logical, target) == expected


def test_a_shape_mismatch_in_the_api_names_the_node_and_both_shapes():
    W, x, z, L = (_sym(n) for n in ["W", "x", "z", "L"])
    with pytest.raises(ShapeError) as err:
        MatrixNetwork([(z, MatProduct(W, x)), (L, Total(z))], inputs=(x,), parameters=(W,),
                      values={W: [[1, 2, 3], [4, 5, 6]], x: [1, 2]})  # fmt: skip
    assert str(err.value) == "z: cannot multiply (2×3) @ (2×1)"
    assert err.value.node == "z"


def test_evaluating_at_another_point_recomputes_every_matrix_by_hand():
    d = derive_matrix(read_spec(EXAMPLES / "two_layer_matrix.toml")).at({"x": [0.3, -0.2]})
    assert d.evaluation is not None
    z_1 = numpy.array([[0.15, 0.20], [0.25, 0.30]]) @ [[0.3], [-0.2]] + 0.35
    numpy.testing.assert_allclose(d.evaluation.values[_sym("z_1")], z_1, rtol=1e-15)


@pytest.mark.parametrize(
    ("array", "expected"),
    [([[0.5]], 0.5), ([[1.0], [2.0]], [1.0, 2.0]), ([[1.0, 2.0]], [[1.0, 2.0]])],
    ids=["scalar", "column", "row"],
)
def test_json_values_are_written_the_way_a_spec_writes_them(array, expected):
    assert nested(numpy.array(array)) == expected


@pytest.mark.parametrize(
    ("name", "latex", "shape", "index", "expected_name", "expected_latex"),
    [
        ("x", None, (2, 1), (1, 0), "x_2", "x_{2}"),
        ("W_1", None, (2, 2), (0, 1), "W_1_1_2", "W_{1,12}"),
        ("W_1", "W^{(1)}", (12, 12), (0, 11), "W_1_1_12", "W^{(1)}_{1,12}"),
        ("W_1", "W_{1}", (2, 2), (1, 0), "W_1_2_1", r"\left[W_{1}\right]_{21}"),
        ("b", None, (1, 1), (0, 0), "b", None),
    ],
    ids=["column", "matrix", "wide", "latex-subscript", "scalar"],
)
def test_element_naming_rule(name, latex, shape, index, expected_name, expected_latex):
    assert element_name(name, shape, *index) == expected_name
    assert element_latex(name, latex, shape, *index) == expected_latex


def test_a_784_128_10_mlp_is_derived_per_layer_not_per_weight():
    net = matrix_mlp([784, 128, 10], seed=0)
    start = time.process_time()
    d = derive_matrix(net)
    for step in d.steps:
        (
            d.leibniz(step.symbol),
            d.textbook(step.symbol),
            d.general_form(step.symbol),
            d.closed_form(step.symbol),
        )
    elapsed = time.process_time() - start
    assert d.gradients[net.symbol("W_1")].shape == (128, 784)
    assert elapsed < 5  # the benchmark (benchmarks/matrix.py) measures it; the target is 0.5 s
