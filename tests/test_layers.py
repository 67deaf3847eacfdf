"""Layers as data: what the builders declare, what find_layers finds, and what the compiler makes of them.

Oracles: the layer records are written out by hand (or renamed from another
network's by hand), and gradients come from sympy.diff of the inlined loss,
evaluated in mpmath at 30 digits -- a route that shares nothing with the
layers, the plan or the generated code.
"""

from __future__ import annotations

import dataclasses
import warnings

import mpmath
import numpy
import pytest
import sympy as sp
from conftest import EXAMPLES

from symbackprop import GraphError, Network, load_spec, relu, sigmoid, vectorize
from symbackprop.core.builders import dense, mlp
from symbackprop.core.functions import half_squared_error, mean_squared_error, to_elementary
from symbackprop.core.layers import Affine, Elementwise, Reduction, find_layers, placeholder

p0, p1 = placeholder(0), placeholder(1)
SIGMOID = sp.Lambda(p0, sigmoid(p0))
HALF_SE = sp.Lambda((p0, p1), half_squared_error(p0, p1))


def _symbols(names: str) -> list[sp.Symbol]:
    return list(sp.symbols(names, real=True, seq=True))


def _plain(net: Network) -> Network:
    """The same definitions, with no layers declared."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Network(
            net.definitions, inputs=net.inputs, targets=net.targets, parameters=net.parameters, loss=net.loss
        )


# ------------------------------------------------------------ declared


@pytest.mark.parametrize(
    "bias,want_biases",
    [("unit", "b1_1 b1_2 b1_3"), ("shared", "b1 b1 b1"), (None, None)],
    ids=["unit-bias", "shared-bias", "no-bias"],
)
def test_dense_declares_an_affine_layer_then_its_activation(bias, want_biases):
    x1, x2 = _symbols("x_1 x_2")
    built = dense([x1, x2], 3, layer=1, bias=bias, view="scalar")
    defs, params, outputs, _names = built  # still the 4-tuple it always was
    assert len(params) == 6 + (3 if bias == "unit" else 1 if bias else 0)
    assert [d.symbol.name for d in defs][:2] == ["z1_1", "a1_1"]
    affine, act = built.layers
    z = _symbols("z1_1 z1_2 z1_3")
    w = [_symbols(f"w1_{j}_1 w1_{j}_2") for j in (1, 2, 3)]
    biases = tuple(_symbols(want_biases)) if want_biases else (0, 0, 0)
    assert affine == Affine(tuple(z), (x1, x2), tuple(map(tuple, w)), biases)
    assert affine.shape == (3, 2)
    assert act == Elementwise(tuple(outputs), SIGMOID, tuple((s,) for s in z))
    assert [s.name for s in outputs] == ["a1_1", "a1_2", "a1_3"]


def test_dense_without_activation_declares_only_the_affine_layer():
    x1 = _symbols("x_1")[0]
    (affine,) = dense([x1], 2, layer=4, activation=None, view="scalar").layers
    assert [s.name for s in affine.outputs] == ["z4_1", "z4_2"] and affine.shape == (2, 1)


def test_dense_over_expressions_declares_nothing():
    x1 = _symbols("x_1")[0]
    assert dense([x1**2], 2, layer=1, view="scalar").layers == ()


@pytest.mark.parametrize(
    "kwargs,want",
    [
        ({}, [("Affine", 4, 3), ("Elementwise", 4), ("Affine", 2, 4), ("Elementwise", 2), ("Reduction", 2)]),
        (
            {"activation": None, "output_activation": None},
            [("Affine", 4, 3), ("Affine", 2, 4), ("Reduction", 2)],
        ),
        (
            {"loss": "mean_squared_error"},
            [("Affine", 4, 3), ("Elementwise", 4), ("Affine", 2, 4), ("Elementwise", 2), ("Elementwise", 1)],
        ),
    ],
    ids=["sigmoid-half-se", "linear", "mse-loss"],
)
def test_mlp_declares_its_layers(kwargs, want):
    net = mlp([3, 4, 2], seed=None, view="scalar", **kwargs)
    got = []
    for layer in net.layers:
        if isinstance(layer, Affine):
            got.append(("Affine", *layer.shape))
        else:
            got.append(
                (
                    type(layer).__name__,
                    len(layer.inputs) if isinstance(layer, Reduction) else len(layer.outputs),
                )
            )
    assert got == want
    assert net.layers[-1].outputs == (net.loss,)


def test_mlp_loss_layers_spelled_out():
    net = mlp([2, 2], seed=None, activation=None, output_activation=None, view="scalar")
    a, y = net.layers[0].outputs, net.targets
    assert net.layers[-1] == Reduction(net.loss, HALF_SE, tuple(zip(a, y)))
    mse = mlp([2, 2], seed=None, output_activation=None, loss="mean_squared_error", view="scalar")
    q = [placeholder(i) for i in range(4)]
    assert mse.layers[-1] == Elementwise(
        (mse.loss,), sp.Lambda(tuple(q), mean_squared_error(*q)), ((*mse.layers[0].outputs, *mse.targets),)
    )


# ------------------------------------------------------------ found


# Mazur's 2-2-2 network is mlp([2, 2, 2], bias="shared") under other names.
_MAZUR_NAMES = {
    "x_1": "i_1", "x_2": "i_2", "y_1": "target_o1", "y_2": "target_o2",
    "w1_1_1": "w_1", "w1_1_2": "w_2", "w1_2_1": "w_3", "w1_2_2": "w_4",
    "w2_1_1": "w_5", "w2_1_2": "w_6", "w2_2_1": "w_7", "w2_2_2": "w_8", "b1": "b_1", "b2": "b_2",
    "z1_1": "net_h1", "z1_2": "net_h2", "a1_1": "out_h1", "a1_2": "out_h2",
    "z2_1": "net_o1", "z2_2": "net_o2", "a2_1": "out_o1", "a2_2": "out_o2", "L": "E_total",
}  # fmt: skip


def _renamed(layer, mapping):
    def rename(value):
        if isinstance(value, tuple):
            return tuple(rename(v) for v in value)
        if isinstance(value, sp.Lambda):
            return value  # over placeholders: nothing to rename
        return value.xreplace(mapping)

    return dataclasses.replace(
        layer, **{f.name: rename(getattr(layer, f.name)) for f in dataclasses.fields(layer)}
    )


def test_find_layers_finds_in_mazurs_hand_written_network_what_mlp_declares():
    mazur = load_spec(EXAMPLES / "two_layer.toml")
    assert mazur.layers == ()
    built = mlp([2, 2, 2], bias="shared", seed=None, view="scalar")
    mapping = {s: sp.Symbol(_MAZUR_NAMES[s.name], real=True) for s in built.symbols}
    assert find_layers(mazur) == tuple(_renamed(layer, mapping) for layer in built.layers)


@pytest.mark.parametrize(
    "sizes,kwargs",
    [
        ([3, 4, 2], {}),
        ([2, 3, 3, 1], {"activation": sp.tanh, "bias": None}),
        ([1, 2], {"activation": relu, "output_activation": None, "loss": "squared_error"}),
        ([4, 1], {"loss": "mean_squared_error", "bias": "shared"}),
        ([12, 10, 3], {"activation": None}),
    ],
    ids=["3-4-2", "tanh-no-bias", "relu-linear-se", "mse-shared", "wide-linear"],
)
def test_find_layers_on_the_bare_definitions_equals_the_declaration(sizes, kwargs):
    net = mlp(sizes, seed=None, view="scalar", **kwargs)
    assert find_layers(net) == net.layers
    assert find_layers(_plain(net)) == net.layers


def test_a_graph_without_layer_structure_is_one_single_node_layer_per_node():
    x, y, w = _symbols("x y w")
    h1, h2, L = _symbols("h_1 h_2 L")
    net = Network(
        [(h1, sp.sin(w * x)), (h2, h1 * sp.exp(h1) + w), (L, (h2 - y) ** 2)],
        inputs=[x],
        targets=[y],
        parameters=[w],
    )
    layers = find_layers(net)
    assert all(isinstance(layer, Elementwise) for layer in layers)
    assert [layer.outputs for layer in layers] == [(h1,), (h2,), (L,)]
    assert layers[0].inputs == ((w, x),) and layers[0].function(w, x) == sp.sin(w * x)
    assert vectorize(net).describe().splitlines() == ["map x1: h_1", "map x1: h_2", "map x1: L"]


# ------------------------------------------------------------ declarations are checked

x1, x2, y1, w1, w2, b, z1, z2, L = _symbols("x_1 x_2 y_1 w_1 w_2 b z_1 z_2 L")
_DEFS = [(z1, w1 * x1 + b), (z2, w2 * x2), (L, half_squared_error(z1 + z2, y1))]
_LOSS = Elementwise(
    (L,), sp.Lambda((p0, p1, placeholder(2)), half_squared_error(p0 + p1, placeholder(2))), ((z1, z2, y1),)
)


@pytest.mark.parametrize(
    "layers,message",
    [
        (
            (Affine((z1, z2), (x1, x2), ((w2, 0), (0, w2)), (b, 0)), _LOSS),
            r"layer 1 says z_1 = b \+ w_2\*x_1",
        ),
        (
            (Affine((z1,), (x1,), ((w1,),), (b,)), Affine((z1,), (x1,), ((w1,),), (b,))),
            r"'z_1' is in two layers",
        ),
        ((_LOSS, Affine((z1,), (x1,), ((w1,),), (b,))), r"layer 1 uses 'z_1' \(in 'L'\) before the layer"),
    ],
    ids=["disagrees", "overlap", "out-of-order"],
)
def test_declared_layers_that_disagree_with_the_definitions_are_refused(layers, message):
    with pytest.raises(GraphError, match=message):
        Network(_DEFS, inputs=[x1, x2], targets=[y1], parameters=[w1, w2, b], layers=layers)


@pytest.mark.parametrize(
    "weight,bias,ok",
    [(2 * w1, 0, True), (w1, b, False), (w1, b + 1, True), (w2, b + 1, False)],
    ids=["expression-weight", "missing-number", "number-and-parameter-bias", "wrong-weight"],
)
def test_an_affine_declaration_is_checked_term_by_term(weight, bias, ok):
    # z_1 := 2 w_1 x_1 (first case) or w_1 x_1 + b + 1 (the others).
    expr = 2 * w1 * x1 if weight == 2 * w1 else w1 * x1 + b + 1
    layers = (Affine((z1,), (x1,), ((weight,),), (bias,)), Elementwise((L,), HALF_SE, ((z1, y1),)))

    def build() -> Network:
        defs = [(z1, expr), (L, half_squared_error(z1, y1))]
        return Network(defs, inputs=[x1], targets=[y1], parameters=[w1, w2, b], layers=layers)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if ok:
            assert build().layers == layers
        else:
            with pytest.raises(GraphError, match="layer 1 says z_1 = "):
                build()


def test_a_layer_may_not_read_its_own_outputs():
    a1, a2, M = _symbols("a_1 a_2 M")
    with pytest.raises(GraphError, match=r"layer 1 uses 'a_1' \(in 'a_2'\) before the layer that defines it"):
        Network(
            [(a1, sigmoid(x1)), (a2, sigmoid(a1)), (M, (a2 - y1) ** 2)],
            inputs=[x1],
            targets=[y1],
            layers=(
                Elementwise((a1, a2), SIGMOID, ((x1,), (a1,))),
                Elementwise((M,), sp.Lambda((p0, p1), (p0 - p1) ** 2), ((a2, y1),)),
            ),
        )


def test_the_loss_must_be_a_layer_of_its_own():
    a, c, M = _symbols("a c M")
    with pytest.raises(GraphError, match=r"the loss 'M' must be a layer of its own"):
        Network(
            [(a, sigmoid(x1)), (M, sigmoid(c))],
            inputs=[x1, c],
            layers=(Elementwise((a, M), SIGMOID, ((x1,), (c,))),),
        )


def test_declared_layers_survive_with_values_and_compile_like_found_ones():
    net = mlp([3, 4, 2], seed=1, view="scalar")
    moved = net.with_values({net.parameters[0]: 0.5})
    assert moved.layers == net.layers
    assert vectorize(net).source == vectorize(_plain(net)).source


# ------------------------------------------------------------ compiled, against sympy.diff


def _sympy_gradient(net: Network, point: dict[str, float]) -> dict[str, float]:
    loss = to_elementary(net.inlined())
    args = list(net.inputs) + list(net.targets) + list(net.parameters)
    f = sp.lambdify(args, [sp.diff(loss, p) for p in net.parameters], modules="mpmath")
    with mpmath.workdps(30):
        values = f(*[mpmath.mpf(point[s.name]) for s in args])
    return {p.name: float(v) for p, v in zip(net.parameters, values)}


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"bias": "shared", "activation": sp.tanh}, {"bias": None, "loss": "mean_squared_error"}],
    ids=["sigmoid", "tanh-shared-bias", "no-bias-mse"],
)
def test_the_vectorised_gradient_of_an_mlp_equals_sympy_diff_of_the_inlined_loss(kwargs):
    net = mlp([3, 4, 2], seed=None, view="scalar", **kwargs)
    rng = numpy.random.default_rng(7)
    point = {s.name: float(rng.uniform(-1, 1)) for s in net.parameters}
    point.update({s.name: float(rng.uniform(0, 1)) for s in net.inputs + net.targets})
    program = vectorize(net)
    assert program.describe().splitlines()[0] == "affine 4x3: z1_1 .. z1_4 (4 nodes)"
    X, Y = program.data(point)
    _, grad = program.gradient(program.pack(point), X, Y)
    want = _sympy_gradient(net, point)
    got = program.unpack(grad)
    for name, g in want.items():
        assert got[name] == pytest.approx(g, rel=1e-12, abs=1e-14), name


def test_a_layer_the_derivation_does_not_confirm_is_compiled_node_by_node():
    # h := x_1 makes the derivation write dz/dw as h, not x_1: z is no longer a bilinear
    # form of its operands, so the affine layer find_layers reports is compiled as a map.
    x, y, w, c, h, z, M = _symbols("x_1 y_1 w c h z M")
    net = Network(
        [(h, x), (z, w * x + c), (M, half_squared_error(z, y))], inputs=[x], targets=[y], parameters=[w, c]
    )
    assert isinstance(find_layers(net)[0], Affine)
    program = vectorize(net)
    assert "map x1: z" in program.describe().splitlines()
    point = {"x_1": 0.3, "y_1": 0.9, "w": -0.7, "c": 0.2}
    X, Y = program.data(point)
    _, grad = program.gradient(program.pack(point), X, Y)
    want = _sympy_gradient(net, point)
    assert program.unpack(grad) == pytest.approx(want, rel=1e-12)
