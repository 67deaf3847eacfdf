"""``mlp`` and ``dense`` build matrix layers by default, and the scalar network with ``view="scalar"``.

The default's gradients (the layer-level derivation) and its scalar view's are compared with
``sympy.diff`` of the inlined loss of the network that ``view="scalar"`` builds on its own (the
scalar builder, weight by weight), renamed to the matrix names by hand: ``w{l}_{j}_{k}`` is entry
``(j, k)`` of ``W_l``.  Code written for the old default gets a one-line error naming ``view='scalar'``.
"""

from __future__ import annotations

import pytest
import sympy
from conftest import ROOT

import symbackprop
from symbackprop import (
    MatrixDerivation,
    MatrixNetwork,
    Network,
    check,
    dense,
    derive,
    mlp,
    render,
    train,
    walkthrough_context,
)
from symbackprop.core.functions import relu, to_elementary
from symbackprop.errors import GraphError

CASES = {
    "2-2-2 sigmoid": ([2, 2, 2], {}),
    "2-3-1 tanh shared bias": ([2, 3, 1], {"activation": sympy.tanh, "bias": "shared"}),
    "3-2-2 relu linear-out mse": (
        [3, 2, 2],
        {"activation": relu, "output_activation": None, "loss": "mean_squared_error"},
    ),
    "2-2-2 no bias squared error": ([2, 2, 2], {"bias": None, "loss": "squared_error"}),
}


def _sym(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)


def _scalar_name(name: str) -> str:
    """The matrix scalar view's name of a scalar builder's symbol: w1_2_1 -> W_1_2_1, b2 -> b_2."""
    stem, rest = name[0], name[1:]
    if stem in "wb" and rest[:1].isdigit():
        return ("W" if stem == "w" else "b") + "_" + rest
    return name  # x_1, y_2, L


def _entries(net: MatrixNetwork, p: sympy.Symbol) -> list[tuple[int, int, str]]:
    """``(i, j, name)`` of each entry of ``p``, named as the scalar builder names it."""
    rows, cols = net.shapes[p]
    layer = p.name.split("_")[1]
    if p.name.startswith("W_"):
        return [(i, j, f"w{layer}_{i + 1}_{j + 1}") for i in range(rows) for j in range(cols)]
    if rows == 1:
        return [(0, 0, f"b{layer}")]
    return [(i, 0, f"b{layer}_{i + 1}") for i in range(rows)]


@pytest.mark.parametrize(("sizes", "options"), CASES.values(), ids=CASES.keys())
def test_the_default_and_its_scalar_view_agree_with_sympy_diff_of_the_scalar_builder(sizes, options):
    net = mlp(sizes, seed=5, **options)
    assert isinstance(net, MatrixNetwork)
    explicit = mlp(sizes, seed=None, view="scalar", **options)
    loss = to_elementary(explicit.inlined())
    point = {}  # the default's point, on the scalar builder's names
    for q in net.inputs + net.targets:  # one column: x_1, x_2, ...
        for i, v in enumerate(net.values[q][:, 0]):
            point[f"{q.name}_{i + 1}"] = sympy.Rational(repr(float(v)))
    for p in net.parameters:
        for i, j, name in _entries(net, p):
            point[name] = sympy.Rational(repr(float(net.values[p][i, j])))
    at = {s: point[s.name] for s in loss.free_symbols}
    layered = derive(net)
    scalar = derive(net.scalar())
    assert isinstance(layered, MatrixDerivation)
    assert {s.name for s in net.scalar().parameters} == {_scalar_name(s.name) for s in explicit.parameters}
    by_name = {s.name: g for s, g in scalar.gradients.items()}
    for p in net.parameters:
        for i, j, name in _entries(net, p):
            expected = float(sympy.diff(loss, _sym(name)).xreplace(at).evalf(30))
            assert float(layered.gradients[p][i, j]) == pytest.approx(expected, rel=1e-10, abs=1e-15)
            assert float(by_name[_scalar_name(name)]) == pytest.approx(expected, rel=1e-10, abs=1e-15)
    assert float(scalar.evaluation.values[net.scalar().loss]) == pytest.approx(
        float(loss.xreplace(at).evalf(30)), rel=1e-12
    )


def test_the_default_mlp_goes_through_the_public_api():
    net = mlp([2, 2, 2], bias="shared", learning_rate=0.5)
    mazur = net.with_values(
        {
            "x": [[0.05], [0.10]],
            "y": [[0.01], [0.99]],
            "W_1": [[0.15, 0.20], [0.25, 0.30]],
            "b_1": 0.35,
            "W_2": [[0.40, 0.45], [0.50, 0.55]],
            "b_2": 0.60,
        }
    )
    stepped = train(mazur, 1).parameters  # Mazur's published one-step update: w5, w1
    assert float(stepped["W_2_1_1"]) == pytest.approx(0.35891648, abs=5e-9)
    assert float(stepped["W_1_1_1"]) == pytest.approx(0.149780716, abs=5e-10)
    assert check(net).ok
    md, scalar = render(net, "md"), render(net, "md", view="scalar")
    assert "matrix form" in md and r"\begin{bmatrix}" in md and "W^{(1)}_{12}" not in md
    assert "W^{(1)}_{12}" in scalar and "bmatrix" not in scalar
    assert all(hasattr(symbackprop, name) for name in symbackprop.__all__)


@pytest.mark.parametrize(
    "call",
    [
        lambda: mlp([2, 2, 2]).layers,
        lambda: mlp([2, 2, 2]).inlined(),
        lambda: mlp([2, 2, 2]).symbol("w1_1_1"),
        lambda: symbackprop.vectorize(mlp([2, 2, 2])),
        lambda: dense([_sym("x_1"), _sym("x_2")], 2, layer=1),
        lambda: dense(_sym("x"), 2, layer=1, size=2).layers,
    ],
    ids=["layers", "inlined", "scalar-weight-name", "vectorize", "dense-of-a-list", "dense-layers"],
)
def test_scalar_only_uses_of_the_default_name_view_scalar(call):
    with pytest.raises((AttributeError, GraphError)) as caught:
        call()
    message = str(caught.value)
    assert "view='scalar'" in message and "\n" not in message


def test_the_scalar_view_on_request_is_the_scalar_network():
    net = mlp([2, 3, 1], seed=1, view="scalar")
    assert isinstance(net, Network) and net.parameters[0].name == "w1_1_1"
    assert net.layers and len(net.parameters) == 2 * 3 + 3 + 3 + 1


def test_derive_takes_any_matrix_network_and_names_what_it_cannot():
    spec = symbackprop.read_spec(ROOT / "examples" / "two_layer_matrix.toml")
    d = derive(spec)
    assert isinstance(d, MatrixDerivation)
    w5 = float(d.gradients[spec.symbol("W_2")][0, 0])  # Mazur's published ∂E/∂w5
    assert w5 == pytest.approx(0.082167041, abs=5e-10)
    with pytest.raises(symbackprop.InputError, match="takes a Network or a MatrixNetwork, not dict"):
        derive({})


def test_walkthrough_context_of_the_default_is_the_matrix_view_and_scalar_on_request():
    net = mlp([2, 2, 2])
    assert walkthrough_context(net)["view"] == "matrix"
    scalar = walkthrough_context(net, view="scalar")
    assert "view" not in scalar and "W^{(1)}_{12}" in str(scalar["setup"])
