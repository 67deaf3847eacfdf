"""gradcheck and train of a matrix network on its own array program (issue 15).

Expected gradients come from sympy.diff of the inlined scalar loss at the
spec's exact decimals (an independent route); the scalar view's check and
training are the reference for everything else (rows, points, verdicts,
losses, parameters), since the matrix program must give what they give.
"""

from __future__ import annotations

import json

import pytest
import sympy
from conftest import EXAMPLES
from hypothesis import Phase, given, settings
from test_matrix import ACTIVATIONS, layered_networks

from symbackprop.core.functions import to_elementary
from symbackprop.core.matrix import MatrixNetwork
from symbackprop.core.matrix_derivation import derive_matrix
from symbackprop.errors import InputError, SpecError
from symbackprop.notation.spec import load_spec, read_spec, reads_spec
from symbackprop.numeric import check, train

MATRIX_EXAMPLES = sorted(p.name for p in EXAMPLES.glob("*_matrix.toml"))


def exact_gradients(net: MatrixNetwork) -> dict[str, float]:
    """∂L/∂e for every parameter entry e: sympy.diff of the inlined scalar loss, at the spec's exact
    decimals (rationals: 0.1 is 1/10), evaluated to 30 digits."""
    scalar = net.scalar()
    loss = to_elementary(scalar.inlined())
    point = dict(scalar.values)
    return {e.name: float(sympy.diff(loss, e).xreplace(point).evalf(30)) for e in scalar.parameters}


def assert_same_report(matrix, scalar, tolerance: float = 1e-12) -> None:
    """The matrix program's check report is the scalar view's: rows, points and verdicts; the symbolic
    gradients to ``tolerance``, the finite differences to their own error."""
    assert len(matrix.rows) == len(scalar.rows)
    assert matrix.points == scalar.points
    for r, s in zip(matrix.rows, scalar.rows):
        assert (r.name, r.latex, r.point, r.ok, r.finite) == (s.name, s.latex, s.point, s.ok, s.finite)
        assert r.verdict == s.verdict or (r.ok and s.ok)
        assert r.symbolic == pytest.approx(s.symbolic, rel=tolerance, abs=tolerance)
        assert r.numeric == pytest.approx(s.numeric, rel=1e-6, abs=1e-9)


def assert_oracle(net: MatrixNetwork, report) -> None:
    oracle = exact_gradients(net)
    rows = {r.name: r.symbolic for r in report.rows if r.point == 0}
    assert set(oracle) <= set(rows)
    for name, expected in oracle.items():
        assert rows[name] == pytest.approx(expected, rel=1e-12, abs=1e-12), name


IDS = [n.removesuffix(".toml") for n in MATRIX_EXAMPLES]


@pytest.mark.parametrize("name", MATRIX_EXAMPLES, ids=IDS)
def test_a_matrix_examples_check_gives_the_scalar_views_report(name):
    net = read_spec(EXAMPLES / name)
    assert isinstance(net, MatrixNetwork)
    report = check(net, points=2, seed=3, inputs=True)
    assert report.ok
    assert_same_report(report, check(net.scalar(), points=2, seed=3, inputs=True))


#: sympy.diff of a softmax or a batch's inlined loss takes seconds: those run with the long tests.
SLOW_ORACLE = {"softmax_matrix.toml", "batch_matrix.toml"}


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=[pytest.mark.long] if n in SLOW_ORACLE else []) for n in MATRIX_EXAMPLES],
    ids=IDS,
)
def test_a_matrix_examples_check_gives_the_exact_gradients(name):
    net = read_spec(EXAMPLES / name)
    assert_oracle(net, check(net))


@pytest.mark.parametrize("name", MATRIX_EXAMPLES, ids=IDS)
def test_the_fast_check_of_a_matrix_example_follows_the_scalar_views_directions(name):
    net = read_spec(EXAMPLES / name)
    assert_same_report(
        check(net, fast=True, points=1, seed=7), check(net.scalar(), fast=True, points=1, seed=7)
    )


def small_networks():
    """Drawn MLPs of up to three layers of width 1 or 2, ReLU included (its kinks are checked too)."""
    return layered_networks(width=2, depth=3, activations=(*ACTIVATIONS, "relu"), learning_rate=0.1)


@settings(max_examples=6, deadline=None, phases=(Phase.explicit, Phase.generate))  # no slow shrinking
@given(small_networks())
def test_a_drawn_layered_network_checks_and_trains_as_its_scalar_view(net):
    report = check(net, points=1, inputs=True)
    assert_oracle(net, report)
    assert_same_report(report, check(net.scalar(), points=1, inputs=True))
    # momentum, not Adam: Adam divides a gradient that is 0 up to rounding (a shared bias under softmax)
    # by its own size, so that the rounding of either program decides the step
    assert_same_training(train(net, 3, optimizer="momentum"), train(net.scalar(), 3, optimizer="momentum"))


def test_a_kink_met_at_the_spec_point_is_reported_as_the_scalar_view_reports_it():
    # z_1's first entry is 0.1 + 0.2 - 0.3: 5.6e-17 in float64, exactly 0 in the spec's decimals
    text = """
    [inputs]
    x = [1.0, 1.0]
    [targets]
    y = [0.5]
    [parameters]
    W_1 = [[0.1, 0.2], [0.3, -0.1]]
    b_1 = [-0.3, 0.05]
    W_2 = [[0.7, -0.4]]
    [network]
    z_1 = "W_1 @ x + b_1"
    a_1 = "relu(z_1)"
    z_2 = "W_2 @ a_1"
    L = "sum((z_2 - y)**2) / 2"
    """
    net = reads_spec(text)
    report = check(net)
    kinks = [r for r in report.rows if r.ok is None]
    assert kinks and all("a_1_1 is at a kink" in r.verdict for r in kinks)
    assert {r.name for r in kinks} == {"W_1_1_1", "W_1_1_2", "b_1_1"}
    assert all(r.symbolic == 0 for r in kinks)  # ReLU'(0) = 0, decided exactly, not at 5.6e-17
    oracle = exact_gradients(net)
    for r in report.rows:
        if r.ok:
            assert r.symbolic == pytest.approx(oracle[r.name], rel=1e-12, abs=1e-12), r.name
    assert_same_report(report, check(net.scalar()))


def test_a_value_that_is_not_finite_at_the_spec_point_stops_the_check_as_for_the_scalar_view():
    text = '[inputs]\nx = [1.0, 2.0]\n[parameters]\nW = [[0.5, -1.0]]\n[network]\nz = "W @ x"\n'
    net = reads_spec(text + 'L = "sum(log(z))"\n')  # log of W @ x = -1.5
    errors = []
    for source in (net, net.scalar()):
        with pytest.raises(InputError) as caught:
            check(source)
        errors.append(str(caught.value))
    assert errors[0] == errors[1] and "log of a number <= 0" in errors[0]


def test_a_derivation_is_checked_and_trained_as_it_is():
    net = read_spec(EXAMPLES / "two_layer_matrix.toml")
    d = derive_matrix(net, evaluate_point=False)
    assert_same_report(check(d), check(net.scalar()))
    assert_same_training(train(d, 4), train(net.scalar(), 4))


# ------------------------------------------------------------ training


def assert_same_training(matrix, scalar, tolerance: float = 1e-12) -> None:
    assert list(matrix.parameters) == list(scalar.parameters)
    assert matrix.initial == scalar.initial
    assert (matrix.frozen, matrix.reduction, matrix.diverged_at) == (scalar.frozen, scalar.reduction, None)
    assert matrix.losses == pytest.approx(scalar.losses, rel=tolerance, abs=tolerance)
    for name, value in matrix.parameters.items():
        assert value == pytest.approx(scalar.parameters[name], rel=tolerance, abs=tolerance), name


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("name", MATRIX_EXAMPLES, ids=IDS)
def test_training_a_matrix_example_updates_its_matrices_as_the_scalar_view(name, optimizer):
    net = read_spec(EXAMPLES / name)
    kwargs = {"learning_rate": 0.2, "optimizer": optimizer}
    assert_same_training(train(net, 25, **kwargs), train(net.scalar(), 25, **kwargs))


#: Mazur's 2-2-2 network: the scalar example's names of the matrix example's entries.
MAZUR = {
    "W_1_1_1": "w_1", "W_1_1_2": "w_2", "W_1_2_1": "w_3", "W_1_2_2": "w_4",
    "W_2_1_1": "w_5", "W_2_1_2": "w_6", "W_2_2_1": "w_7", "W_2_2_2": "w_8", "b_1": "b_1", "b_2": "b_2",
}  # fmt: skip

ADAM = 'optimizer = "adam"\nbeta1 = 0.8\nbeta2 = 0.99\nepsilon = 1e-7\n'


@pytest.mark.parametrize(
    "settings",
    [ADAM, 'optimizer = "momentum"\nmomentum = 0.7\n', 'optimizer = "sgd"\n'],
    ids=["adam", "momentum", "sgd"],
)
def test_a_matrix_spec_reads_the_optimizer_keys_and_trains_as_the_scalar_spec(settings, tmp_path):
    matrix_spec = tmp_path / "matrix.toml"
    matrix_spec.write_text((EXAMPLES / "two_layer_matrix.toml").read_text() + settings)
    scalar_spec = tmp_path / "scalar.toml"
    scalar_spec.write_text((EXAMPLES / "two_layer.toml").read_text() + settings)
    matrix, scalar = read_spec(matrix_spec), load_spec(scalar_spec)
    assert isinstance(matrix, MatrixNetwork)
    assert matrix.optimizer == scalar.optimizer == matrix.scalar().optimizer
    ours, theirs = train(matrix, 30), train(scalar, 30)
    assert ours.optimizer == theirs.optimizer
    assert ours.losses == pytest.approx(theirs.losses, rel=1e-12, abs=1e-12)
    for name, value in ours.parameters.items():
        assert value == pytest.approx(theirs.parameters[MAZUR[name]], rel=1e-12, abs=1e-12), name


@pytest.mark.parametrize(
    ("extra", "key", "words"),
    [
        ('optimizer = "adagrad"\n', "optimizer", "unknown optimizer 'adagrad'"),
        ('optimizer = "adam"\nbeta1 = 1.5\n', "beta1", "beta1"),
        ('optimizer = "sgd"\nmomentum = 0.9\n', "momentum", "not a hyper-parameter"),
        ("betta1 = 0.9\n", "betta1", "unknown key"),
    ],
    ids=["unknown-optimizer", "out-of-range", "wrong-optimizer", "typo"],
)
def test_bad_optimizer_keys_in_a_matrix_spec_are_the_scalar_specs_errors(extra, key, words):
    text = (EXAMPLES / "two_layer_matrix.toml").read_text() + extra
    with pytest.raises(SpecError) as caught:
        reads_spec(text, file="m.toml")
    message = str(caught.value)
    assert message.startswith("m.toml:") and f"[training] {key}" in message and words in message
    assert "\n" not in message
    scalar = (EXAMPLES / "two_layer.toml").read_text() + extra
    with pytest.raises(SpecError) as same:
        reads_spec(scalar, file="m.toml")
    assert str(same.value).split(": ", 2)[-1] == message.split(": ", 2)[-1]


# ------------------------------------------------------------ the command line


def test_gradcheck_and_train_commands_run_a_matrix_spec_on_its_arrays(tmp_path, capsys):
    from symbackprop.cli import main

    spec = tmp_path / "adam_matrix.toml"
    spec.write_text((EXAMPLES / "two_layer_matrix.toml").read_text() + ADAM)
    assert main(["train", str(spec), "--steps", "3", "--json", "--quiet"]) == 0
    data = json.loads(capsys.readouterr().out)
    expected = train(load_spec(spec), 3)  # the scalar view, read by the scalar reader
    assert data["optimizer"] == {"name": "adam", "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-7}
    assert data["parameters"]["W_2"][0][1] == pytest.approx(expected.parameters["W_2_1_2"], rel=1e-12)
    assert data["parameters"]["b_1"] == 0.35
    assert main(["gradcheck", str(spec), "--set", "W_1_2_1=0.9", "--json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)["rows"]}
    moved = check(_moved(spec))  # the scalar view with --set applied
    assert rows["W_1_2_1"]["symbolic"] == pytest.approx(
        next(r.symbolic for r in moved.rows if r.name == "W_1_2_1"), rel=1e-12
    )


def _moved(spec):
    from symbackprop.commands.options import apply_set

    return apply_set(load_spec(spec), ["W_1_2_1=0.9"])
