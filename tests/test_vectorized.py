"""The vectorised program (``vectorize``): layers found in the graph, gradients exact to float64.

Oracle: sympy.diff of the inlined loss, evaluated at 30 digits per example
and summed -- a route that shares nothing with the program's code generation
or with the derivation's chain rule.
"""

from __future__ import annotations

import mpmath
import numpy
import pytest
import sympy as sp
from conftest import EXAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symbackprop import vectorize
from symbackprop.core.builders import mlp
from symbackprop.core.functions import (
    half_squared_error,
    leaky_relu,
    relu,
    sigmoid,
    softplus,
    to_elementary,
)
from symbackprop.core.network import Network
from symbackprop.errors import InputError
from symbackprop.notation.spec import load_spec

EXAMPLE_NAMES = sorted(p.name for p in EXAMPLES.glob("*.toml") if p.name != "swish_wrong.toml")


def _oracle(net: Network, examples: list[dict[str, float]], theta: dict[str, float]):
    """Loss per example, gradient of their sum, and ∂L/∂x per example, by sympy.diff.

    The derivatives are SymPy's own, of the inlined loss; SymPy's lambdify
    evaluates them in mpmath at 30 digits.
    """
    loss = to_elementary(net.inlined())
    wrt = list(net.parameters) + list(net.inputs)
    args = list(net.inputs) + list(net.targets) + list(net.parameters)
    f = sp.lambdify(args, [loss] + [sp.diff(loss, s) for s in wrt], modules="mpmath")
    losses, grad, dx = [], dict.fromkeys(net.parameters, 0.0), []
    with mpmath.workdps(30):
        for example in examples:
            values = {**example, **theta}
            out = [float(v) for v in f(*[mpmath.mpf(values[s.name]) for s in args])]
            losses.append(out[0])
            for p, g in zip(net.parameters, out[1:]):
                grad[p] += g
            dx.append(out[1 + len(net.parameters) :])
    return numpy.array(losses), {p.name: g for p, g in grad.items()}, numpy.array(dx).T


def _random_case(net: Network, batch: int, seed: int):
    rng = numpy.random.default_rng(seed)
    theta = {p.name: float(rng.uniform(-1, 1)) for p in net.parameters}
    examples = [
        {s.name: float(rng.uniform(0.05, 0.95)) for s in net.inputs + net.targets} for _ in range(batch)
    ]
    return theta, examples


def _assert_matches_oracle(net: Network, batch: int = 3, seed: int = 0, rel: float = 1e-10) -> None:
    program = vectorize(net)
    theta, examples = _random_case(net, batch, seed)
    X, Y = program.data(examples)
    loss, grad, dX = program.gradient(
        program.pack(theta), X if X.size else None, Y if Y.size else None, inputs=True
    )
    if not (net.inputs or net.targets):
        examples = examples[:1]  # no data: one "example"
    want_loss, want_grad, want_dx = _oracle(net, examples, theta)
    scale = max(1.0, float(numpy.max(numpy.abs(want_loss))))
    assert loss == pytest.approx(want_loss, rel=rel, abs=rel * scale)
    got = program.unpack(grad)
    gscale = max([1.0] + [abs(g) for g in want_grad.values()])
    for name, g in want_grad.items():
        assert got[name] == pytest.approx(g, rel=rel, abs=rel * gscale), name
    if net.inputs:
        assert dX == pytest.approx(want_dx, rel=rel, abs=rel * gscale)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_example_matches_sympy_diff_over_a_batch(name):
    _assert_matches_oracle(load_spec(EXAMPLES / name), batch=4, seed=len(name))


def test_an_mlp_is_compiled_as_matrix_layers():
    program = vectorize(mlp([16, 32, 16], seed=0, view="scalar"))
    assert program.describe().splitlines() == [
        "affine 32x16: z1_1 .. z1_32 (32 nodes)",
        "map x32: a1_1 .. a1_32 (32 nodes)",
        "affine 16x32: z2_1 .. z2_16 (16 nodes)",
        "map x16: a2_1 .. a2_16 (16 nodes)",
        "sum of 16 terms: L",
    ]
    # The layout makes every weight matrix and bias column a slice: no gathers.
    gradient = program.source.split("def gradient")[1].split("def inputs")[0]
    assert "_k" not in gradient
    assert program.parameters[:3] == ("w1_1_1", "w1_1_2", "w1_1_3")
    assert program.parameters[512:514] == ("b1_1", "b1_2")


@st.composite
def random_mlp(draw):
    sizes = [draw(st.integers(1, 4)) for _ in range(draw(st.integers(2, 3)))]
    act = draw(st.sampled_from([sigmoid, sp.tanh, relu, softplus, leaky_relu, None]))
    out = draw(st.sampled_from([sigmoid, None]))
    loss = draw(st.sampled_from(["half_squared_error", "squared_error", "mean_squared_error"]))
    bias = draw(st.sampled_from(["unit", "shared", None]))
    return mlp(sizes, activation=act, output_activation=out, loss=loss, bias=bias, seed=None, view="scalar")


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_mlp(), st.integers(1, 4), st.integers(0, 2**16))
def test_random_mlps_match_sympy_diff(net, batch, seed):
    _assert_matches_oracle(net, batch=batch, seed=seed)


@pytest.mark.long
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_mlp(), st.integers(1, 4), st.integers(0, 2**16))
def test_many_random_mlps_match_sympy_diff(net, batch, seed):
    """The same, with more drawn networks (CI's long step; the default run keeps to 10)."""
    _assert_matches_oracle(net, batch=batch, seed=seed)


# Graphs that are not plain layers: each takes a different path through the compiler.
x1, x2, y, w1, w2, w3, b, c, h, z1, z2, a1, a2, L = sp.symbols(
    "x_1 x_2 y w_1 w_2 w_3 b c h z_1 z_2 a_1 a_2 L", real=True
)

IRREGULAR = {
    # w_1 is used by two layers, b by two units (a shared bias, like Mazur's).
    "shared weights": Network(
        [
            (z1, w1 * x1 + w2 * x2 + b),
            (z2, w2 * x1 + w1 * x2 + b),
            (a1, sigmoid(z1)),
            (a2, sigmoid(z2)),
            (h, w1 * a1 + w3 * a2),
            (L, half_squared_error(h, y)),
        ],
        inputs=[x1, x2],
        targets=[y],
        parameters=[w1, w2, w3, b],
    ),
    # z_2 reads an input and a hidden value; numbers as coefficients.
    "skip connection and numbers": Network(
        [
            (z1, w1 * x1 + 2 * x2 - 1),
            (a1, sp.tanh(z1)),
            (z2, w2 * a1 + w3 * x1 + x2 / 3),
            (L, (z2 - y) ** 2),
        ],
        inputs=[x1, x2],
        targets=[y],
        parameters=[w1, w2, w3],
    ),
    # c depends on parameters only; the loss adds a penalty that has no data in it.
    "parameter-only node and penalty": Network(
        [
            (c, w1 * w2),
            (z1, c * x1 + b),
            (a1, sigmoid(z1)),
            (L, half_squared_error(a1, y) + c**2 / 10 + b**2),
        ],
        inputs=[x1],
        targets=[y],
        parameters=[w1, w2, b],
    ),
    # Products of per-example values, a value used twice in one node, exp and log.
    "nonlinear mixing": Network(
        [
            (z1, w1 * x1 * x2 + sp.exp(w2 * x1)),
            (z2, sp.log(1 + z1**2) * z1 + w3),
            (L, (z2 - y) ** 2 / 2),
        ],
        inputs=[x1, x2],
        targets=[y],
        parameters=[w1, w2, w3],
    ),
    # The loss has no data at all: one "example".
    "no data": Network([(L, (w1 - 3) ** 2 + w1 * w2 + sp.cos(w2))], parameters=[w1, w2]),
}


@pytest.mark.parametrize("name", list(IRREGULAR))
def test_irregular_graphs_match_sympy_diff(name):
    _assert_matches_oracle(IRREGULAR[name], batch=3, seed=5)


def test_columns_mode_gives_each_column_its_own_parameters():
    net = IRREGULAR["shared weights"]
    program = vectorize(net)
    rng = numpy.random.default_rng(3)
    Theta = rng.uniform(-1, 1, (len(program.parameters), 6))
    X, Y = rng.uniform(0, 1, (2, 6)), rng.uniform(0, 1, (1, 6))
    together = program.forward(Theta, X, Y)
    for k in range(6):
        alone = program.forward(Theta[:, k], X[:, k], Y[:, k])
        for name in ("z_1", "a_2", "h", "L"):
            assert together[name][k] == pytest.approx(alone[name][0], rel=1e-14)


def test_the_gradient_is_a_new_array_unless_out_is_given():
    net = mlp([2, 3, 1], seed=1, view="scalar")
    program = vectorize(net)
    theta = program.pack(net.values)
    X, Y = program.data(net.values)
    _, first = program.gradient(theta, X, Y)
    _, second = program.gradient(theta * 2, X, Y)
    assert not numpy.array_equal(first, second)  # the first result was not overwritten
    out = numpy.empty(len(theta))
    _, g = program.gradient(theta, X, Y, out=out)
    assert g is out and numpy.array_equal(out, first)
    # Changing theta in place is seen by the next call (views, not copies).
    theta[0] += 0.5
    _, moved = program.gradient(theta, X, Y)
    assert moved[0] != first[0]


def test_bad_arguments_are_named():
    net = mlp([2, 2, 1], seed=0, view="scalar")
    program = vectorize(net)
    theta = program.pack(net.values)
    X, Y = program.data(net.values)
    with pytest.raises(InputError, match=r"theta has shape \(3,\)"):
        program.gradient(theta[:3], X, Y)
    with pytest.raises(InputError, match=r"X has shape \(3, 1\); expected \(2, batch\)"):
        program.gradient(theta, numpy.ones((3, 1)), Y)
    with pytest.raises(InputError, match="batch sizes disagree"):
        program.gradient(theta, numpy.ones((2, 4)), numpy.ones((1, 3)))
    with pytest.raises(InputError, match="out must be"):
        program.gradient(theta, X, Y, out=numpy.empty(2))
    with pytest.raises(InputError, match="no value for b2_1"):
        program.pack({p: 0.0 for p in program.parameters if p != "b2_1"})
    with pytest.raises(InputError, match="no X"):
        program.gradient(theta)


def test_a_wrong_user_derivative_is_compiled_as_written():
    # The program chains the derivation's local derivatives; it never differentiates.
    net = load_spec(EXAMPLES / "swish_wrong.toml")
    program = vectorize(net)
    theta = program.pack(net.values)
    X, Y = program.data(net.values)
    _, grad = program.gradient(theta, X, Y)
    _, want, _ = _oracle(net, [{s.name: float(net.values[s]) for s in net.inputs + net.targets}],
                         {p.name: float(net.values[p]) for p in net.parameters})  # fmt: skip
    assert any(abs(program.unpack(grad)[n] - g) > 1e-3 for n, g in want.items())


def test_a_big_batch_runs_in_blocks_and_sums_them_exactly():
    # 9,000 examples are three blocks for this network; the scalar program (one line per
    # node, broadcasting over the whole batch at once) is the reference.
    from symbackprop.numeric import compile_network

    net = mlp([3, 4, 2], activation=sp.tanh, seed=2, view="scalar")
    program = vectorize(net)
    assert program._cache["block"] < 9_000
    rng = numpy.random.default_rng(9)
    X, Y = rng.uniform(0, 1, (3, 9_000)), rng.uniform(0, 1, (2, 9_000))
    theta = program.pack(net.values)
    loss, grad, dX = program.gradient(theta, X, Y, inputs=True)
    feed = {**{f"x_{i + 1}": X[i] for i in range(3)}, **{f"y_{i + 1}": Y[i] for i in range(2)}}
    values, adjoints = compile_network(net).run({**feed, **program.unpack(theta)})
    assert loss == pytest.approx(values["L"], rel=1e-13)
    want = numpy.array([numpy.sum(adjoints[p]) for p in program.parameters])
    assert grad == pytest.approx(want, rel=1e-10)
    assert dX == pytest.approx(numpy.array([adjoints[f"x_{i + 1}"] for i in range(3)]), rel=1e-12)


def _loss_oracle(net: Network, example: dict[str, float], thetas: list[dict[str, float]]) -> list[float]:
    """The inlined loss (SymPy, evaluated in mpmath at 30 digits) at each parameter vector."""
    args = list(net.inputs) + list(net.targets) + list(net.parameters)
    f = sp.lambdify(args, to_elementary(net.inlined()), modules="mpmath")
    with mpmath.workdps(30):
        return [float(f(*[mpmath.mpf({**example, **t}[s.name]) for s in args])) for t in thetas]


PERTURBED = {"mlp 2-3-2": mlp([2, 3, 2], seed=1, view="scalar"), **IRREGULAR}
PERTURBED.update({name: load_spec(EXAMPLES / name) for name in ("tiny.toml", "softmax.toml", "xor.toml")})


@pytest.mark.parametrize("name", list(PERTURBED))
def test_perturbed_mode_moves_one_parameter_per_column(name):
    net = PERTURBED[name]
    program = vectorize(net)
    theta, examples = _random_case(net, 1, seed=2)
    P = len(program.parameters)
    rng = numpy.random.default_rng(4)
    index = numpy.concatenate([numpy.arange(P), rng.integers(0, P, 5)])  # every parameter, some twice
    delta = rng.uniform(-0.3, 0.3, len(index))
    X, Y = program.data(examples[0])
    data = (X if X.size else None, Y if Y.size else None)
    values = program.perturbed(program.pack(theta), index, delta, *data)
    moved = []
    for i, d in zip(index.tolist(), delta.tolist()):
        name_i = program.parameters[i]
        moved.append({**theta, name_i: theta[name_i] + d})
    want = _loss_oracle(net, examples[0], moved)
    assert values[net.loss.name] == pytest.approx(want, rel=1e-12, abs=1e-14)
    first = program.parameters[0]  # a parameter read by name moves in its own columns only
    assert values[first] == pytest.approx([m[first] for m in moved], rel=1e-15)


def test_perturbed_mode_refuses_bad_columns():
    program = vectorize(mlp([2, 2, 1], seed=0, view="scalar"))
    theta = numpy.zeros(len(program.parameters))
    with pytest.raises(InputError, match="rows of theta"):
        program.perturbed(theta, [len(theta)], [0.1], numpy.zeros(2), numpy.zeros(1))
    with pytest.raises(InputError, match="one length"):
        program.perturbed(theta, [0, 1], [0.1], numpy.zeros(2), numpy.zeros(1))


ONE_CLASS = """title = "softmax over one class"
[inputs]
x = [1.0, 2.0]
[targets]
y = [1.0]
[parameters]
W = [[0.2, 0.3]]
b = 0.1
[network]
z = "W @ x + b"
L = "softmax_cross_entropy(z, y)"
"""


def test_a_loss_that_simplifies_to_a_constant_is_compiled_with_one_value_per_example(tmp_path):
    """A softmax over one class is 1, so the loss -y log(1) is 0 and every gradient is 0 (sympy.diff of
    the inlined loss, below); its program used to broadcast a bare 0 and crash in matmul."""
    z, y = sp.symbols("z y")
    assert sp.simplify(sp.diff(-y * sp.log(sp.exp(z) / sp.exp(z)), z)) == 0
    spec = tmp_path / "one.toml"
    spec.write_text(ONE_CLASS)
    from symbackprop import check, read_spec

    net = read_spec(spec).scalar()
    program = vectorize(net)
    theta = program.pack(net.values)
    X, Y = program.data(net.values)
    X3, Y3 = numpy.repeat(X, 3, axis=-1), numpy.repeat(Y, 3, axis=-1)
    loss, grad = program.gradient(theta, X3, Y3)
    assert loss.shape == (3,) and not loss.any() and not grad.any()
    report = check(net)
    assert [row.ok for row in report.rows] == [True, True, True] and not any(r.symbolic for r in report.rows)
