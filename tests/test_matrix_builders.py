"""``dense`` and ``mlp`` build matrix layers by default; their scalar view is the same network, expanded.

Expected gradients come from sympy.diff of the scalar view's inlined loss, never from the
matrix derivation under test.
"""

from __future__ import annotations

import numpy
import pytest
import sympy

from symbackprop import dense, mlp
from symbackprop.core.builders import Dense
from symbackprop.core.functions import sigmoid, to_elementary
from symbackprop.core.matrix import MatrixNetwork
from symbackprop.core.matrix_builders import MatrixDense, matrix_mlp
from symbackprop.core.matrix_derivation import derive_matrix
from symbackprop.core.network import Network
from symbackprop.core.tensors import MatProduct
from symbackprop.errors import GraphError


def _sym(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)


def test_mlp_builds_one_matrix_per_layer_by_default():
    net = mlp([3, 4, 2], seed=1)
    assert isinstance(net, MatrixNetwork)
    shapes = {s.name: net.shapes[s] for s in net.parameters}
    assert shapes == {"W_1": (4, 3), "b_1": (4, 1), "W_2": (2, 4), "b_2": (2, 1)}
    assert net.definition[_sym("z_1")] == MatProduct(_sym("W_1"), _sym("x")) + _sym("b_1")
    scalar = net.scalar()
    assert isinstance(scalar, Network) and len(scalar.parameters) == 3 * 4 + 4 + 4 * 2 + 2
    assert isinstance(mlp([3, 4, 2], view="scalar"), Network)  # the scalar view on request
    assert isinstance(dense(_sym("x"), 4, layer=1, size=3), MatrixDense)
    assert isinstance(dense([_sym("x_1")], 4, layer=1, view="scalar"), Dense)


@pytest.mark.parametrize(
    ("sizes", "options"),
    [([2, 3, 2], {}), ([2, 2, 1], {"activation": sympy.tanh, "bias": "shared", "batch": 2})],
    ids=["sigmoid-unit-bias", "tanh-shared-bias-batch"],
)
def test_matrix_mlp_gradients_agree_with_sympy_diff_of_its_scalar_view(sizes, options):
    net = mlp(sizes, view="matrix", seed=3, **options)
    scalar = net.scalar()
    loss = to_elementary(scalar.inlined())
    point = {s: sympy.Rational(v) for s, v in scalar.values.items()}
    gradients = derive_matrix(net).gradients
    for p in net.parameters:
        expected = [
            [float(sympy.diff(loss, e).xreplace(point).evalf(30)) for e in row] for row in net.elements(p)
        ]
        numpy.testing.assert_allclose(gradients[p], expected, rtol=1e-10, atol=1e-15)


def test_dense_in_the_matrix_view_builds_the_layers_of_matrix_mlp():
    x, y, L = _sym("x"), _sym("y"), _sym("L")
    first = dense(x, 4, layer=1, view="matrix", size=3)
    assert isinstance(first, MatrixDense)
    second = dense(first.outputs[0], 2, layer=2, view="matrix", size=4, activation=sigmoid)
    definitions = [*first.definitions, *second.definitions]
    reference = matrix_mlp([3, 4, 2], seed=None)
    assert definitions == list(reference.definitions[:-1])
    assert {**first.shapes, **second.shapes} == {p: reference.shapes[p] for p in reference.parameters}
    built = MatrixNetwork(
        (*definitions, *reference.definitions[-1:]),
        inputs=(x,),
        targets=(y,),
        parameters=(*first.parameters, *second.parameters),
        shapes={x: (3, 1), y: (2, 1), **first.shapes, **second.shapes},
        loss=L,
    )
    assert built.shapes[_sym("a_2")] == (2, 1)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: mlp([2, 2], view="tensor"), "view must be 'scalar' or 'matrix'"),
        (lambda: dense(_sym("x"), 2, layer=1, view="matrix"), "takes one input quantity and its rows"),
        (lambda: dense([_sym("x")], 2, layer=1, view="matrix", size=1), "takes one input quantity"),
        (lambda: dense(_sym("x"), 0, layer=1, view="matrix", size=2), "at least one unit"),
    ],
    ids=["unknown-view", "no-size", "a-list-of-inputs", "no-units"],
)
def test_bad_matrix_builder_calls_say_what_is_wrong(call, message):
    with pytest.raises(GraphError, match=message):
        call()
