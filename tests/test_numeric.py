"""Compiled numerics, the finite-difference check and training.

Oracles: sympy.diff of the inlined loss, mpmath, and Matt Mazur's published
"A Step by Step Backpropagation Example" (2015) numbers.
"""

from __future__ import annotations

import json
import subprocess
import sys

import mpmath
import numpy
import pytest
import sympy
from conftest import EXAMPLES

from symbackprop.core.functions import to_elementary
from symbackprop.errors import InputError
from symbackprop.notation.spec import load_spec
from symbackprop.numeric import check, compile_network, train

GOOD = sorted(p.name for p in EXAMPLES.glob("*.toml") if p.name != "swish_wrong.toml")
#: The oracle below differentiates the fully inlined loss, which for the matrix examples' scalar views
#: (softmax over a hidden layer, a batch of four) takes minutes; tests/test_matrix.py checks those
#: examples against sympy.diff element by element instead.
SCALAR = [name for name in GOOD if not name.endswith("_matrix.toml")]


def _oracle(net, point):
    loss = to_elementary(net.inlined())
    subs = {net.symbol(k): sympy.Float(v, 40) for k, v in point.items()}
    return {p.name: sympy.diff(loss, p).evalf(40, subs=subs) for p in net.parameters}


@pytest.mark.parametrize("name", SCALAR)
def test_mpmath_backend_matches_sympy_diff_to_25_digits(name):
    net = load_spec(EXAMPLES / name)
    compiled = compile_network(net, backend="mpmath")
    point = {s.name: float(v) for s, v in net.values.items()}
    with mpmath.workdps(40):
        _, adjoints = compiled.run({k: mpmath.mpf(v) for k, v in point.items()})
        expected = _oracle(net, point)
        for p, g in expected.items():
            assert abs(adjoints[p] - mpmath.mpf(str(g))) <= mpmath.mpf("1e-25") * max(1, abs(g)), (name, p)


@pytest.mark.parametrize("name", SCALAR)
def test_numpy_backend_broadcasts_over_a_batch(name):
    net = load_spec(EXAMPLES / name)
    compiled = compile_network(net)
    rng = numpy.random.default_rng(7)
    batch = {s.name: rng.uniform(0.1, 0.9, size=5) for s in net.inputs + net.targets + net.parameters}
    values, adjoints = compiled.run(batch)
    assert numpy.shape(values[net.loss.name]) == (5,)
    for k in (0, 4):
        expected = _oracle(net, {n: v[k] for n, v in batch.items()})
        for p, g in expected.items():
            assert numpy.broadcast_to(adjoints[p], (5,))[k] == pytest.approx(float(g), rel=1e-10, abs=1e-13)


@pytest.mark.parametrize("name", GOOD)
def test_check_passes_for_correct_derivations_at_random_points(name):
    report = check(load_spec(EXAMPLES / name), points=5, seed=3)
    assert report.ok, report.format()
    assert len(report.points) == 6 and report.seed == 3
    assert all(r.ok is True for r in report.rows if r.point == 0)


def test_wrong_user_derivative_is_caught_and_named():
    report = check(load_spec(EXAMPLES / "swish_wrong.toml"), points=3, seed=1)
    assert not report.ok
    assert {r.name for r in report.failures} == {"w", "b"}
    # the numeric side is right: it matches sympy.diff of the *definition*
    net = load_spec(EXAMPLES / "swish.toml")
    expected = _oracle(net, {s.name: float(v) for s, v in net.values.items()})
    first = {r.name: r.numeric for r in report.rows if r.point == 0}
    for p, g in expected.items():
        assert first[p] == pytest.approx(float(g), rel=1e-8)


def test_kink_is_reported_not_compared():
    net = load_spec(EXAMPLES / "tiny.toml")
    net = net.with_values({net.symbol("w_1"): 0})
    rows = {r.name: r for r in check(net).rows}
    assert rows["w_1"].ok is None and "not differentiable here" in rows["w_1"].verdict
    assert "ReLU'(0) = 0" in rows["w_1"].verdict
    assert rows["w_2"].ok is True  # z_1 does not move with w_2: no kink for w_2


def test_tolerances_are_used():
    net = load_spec(EXAMPLES / "two_layer.toml")
    assert check(net).ok
    strict = check(net, rtol=0.0, atol=0.0)
    assert not strict.ok  # finite differences are never exact in float64
    with pytest.raises(InputError):
        check(net, eps=0.0)


def test_mazur_training_reproduces_the_published_errors():
    net = load_spec(EXAMPLES / "two_layer.toml")
    result = train(net, 10_000)
    assert result.losses[0] == pytest.approx(0.298371109, abs=1e-9)  # published, before training
    assert result.losses[1] == pytest.approx(
        0.291027924, abs=2e-7
    )  # published after one step (rounded by hand)
    assert result.final_loss == pytest.approx(0.0000351085, rel=5e-3)  # published after 10,000 steps
    assert result.parameters["b_1"] == 0.35 and result.parameters["b_2"] == 0.60  # frozen


def test_one_training_step_matches_sympy_mean_over_the_dataset():
    net = load_spec(EXAMPLES / "xor.toml")
    loss = to_elementary(net.inlined())
    eta = float(net.learning_rate)
    base = {s: float(v) for s, v in net.values.items() if s in net.parameters}
    grads = dict.fromkeys(net.parameters, 0.0)
    for example in net.dataset.examples:
        point = {**base, **{s: float(v) for s, v in example.items()}}
        for p in net.parameters:
            grads[p] += float(sympy.diff(loss, p).evalf(30, subs=point)) / len(net.dataset.examples)
    result = train(net, 1)
    for p in net.parameters:
        assert result.parameters[p.name] == pytest.approx(base[p] - eta * grads[p], rel=1e-12, abs=1e-15)


def test_train_cli_json_and_no_progress_when_piped():
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "symbackprop",
            "train",
            str(EXAMPLES / "two_layer.toml"),
            "--steps",
            "100",
            "--every",
            "50",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""  # stderr is not a terminal: no progress bar
    data = json.loads(out.stdout)
    assert [t["step"] for t in data["loss"]] == [0, 50, 100]
    assert data["loss"][0]["loss"] == pytest.approx(0.298371109, abs=1e-9)
    assert data["parameters"]["b_1"] == 0.35 and data["frozen"] == ["b_1", "b_2"]


def test_gradcheck_cli_exit_codes_as_subprocess():
    ok = subprocess.run(
        [sys.executable, "-m", "symbackprop", "gradcheck", str(EXAMPLES / "swish.toml"), "--points", "3"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "ok: every gradient agrees" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "symbackprop", "gradcheck", str(EXAMPLES / "swish_wrong.toml"), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 1
    report = json.loads(bad.stdout)
    assert report["ok"] is False
    assert sorted(r["name"] for r in report["rows"] if r["ok"] is False) == ["b", "w"]


def test_gradcheck_bad_input_exit_2(capsys):
    from symbackprop.cli import main

    assert main(["gradcheck", str(EXAMPLES / "tiny.toml"), "--eps", "0"]) == 2
    assert "eps must be a positive number" in capsys.readouterr().err
    assert main(["train", str(EXAMPLES / "quadratic.toml"), "--steps", "5", "--learning-rate", "-1"]) == 2
    assert "learning rate must be a positive number" in capsys.readouterr().err


def test_xor_trains_below_0_01_from_the_seeded_start():
    net = load_spec(EXAMPLES / "xor.toml")
    result = train(net, 5_000)
    assert result.losses[0] > 0.12  # starts near the 0.125 of always answering 0.5
    assert result.final_loss < 0.01
    compiled = compile_network(net)
    data = {
        s.name: numpy.array([float(e[s]) for e in net.dataset.examples]) for s in net.inputs + net.targets
    }
    values, _ = compiled.run({**data, **result.parameters})
    assert list(numpy.round(values["a_o"])) == [0, 1, 1, 0]  # it has learned XOR


@pytest.fixture
def no_deriving(monkeypatch):
    """Make any call of derive() fail: the derivation handed in must be used as it is."""
    from symbackprop.core import derivation

    def refuse(*args, **kwargs):
        raise AssertionError("derived again")

    monkeypatch.setattr(derivation, "build_edges", refuse)


def test_check_of_a_derivation_never_derives_again(request):
    from symbackprop import derive

    net = load_spec(EXAMPLES / "two_layer.toml")
    d = derive(net)
    want = check(net, points=2, seed=4).to_dict()
    request.getfixturevalue("no_deriving")
    assert check(d, points=2, seed=4).to_dict() == want


def test_train_of_a_derivation_never_derives_again(request):
    from symbackprop import derive

    net = load_spec(EXAMPLES / "xor.toml")
    d = derive(net, evaluate_point=False)
    want = train(net, 20).to_dict()
    request.getfixturevalue("no_deriving")
    assert train(d, 20).to_dict() == want


@pytest.mark.parametrize("enabled", [True, False], ids=["terminal", "piped"])
def test_the_training_progress_bar_is_tqdm_on_a_terminal_only(monkeypatch, enabled):
    import io

    from symbackprop.commands.train import _Progress

    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    progress = _Progress(200, enabled=enabled)
    for step in range(1, 201):
        progress(step, 1.0 / step)
    progress.close()
    if enabled:
        assert "100%" in err.getvalue() and "200/200" in err.getvalue() and "loss 0.005" in err.getvalue()
    else:
        assert err.getvalue() == ""


@pytest.mark.parametrize("fast", [False, True], ids=["full", "fast"])
def test_check_with_inputs_moves_the_inputs_too(fast):
    net = load_spec(EXAMPLES / "two_layer.toml")
    report = check(net, inputs=True, points=1, fast=fast)
    assert report.ok, report.format()
    if fast:
        return
    point = {s.name: float(v) for s, v in net.values.items()}
    loss = to_elementary(net.inlined())
    subs = {net.symbol(k): sympy.Float(v, 40) for k, v in point.items()}
    rows = {r.name: r for r in report.rows if r.point == 0}
    for x in net.inputs:
        want = float(sympy.diff(loss, x).evalf(40, subs=subs))
        assert rows[x.name].numeric == pytest.approx(want, rel=1e-7, abs=1e-12)
        assert rows[x.name].symbolic == pytest.approx(want, rel=1e-12, abs=1e-15)


def test_compile_network_prints_huge_numbers_as_floats():
    """Issue 17 C4 in the scalar program: ``log(10**300)`` and ``10**400`` reach NumPy as floats."""
    import math

    from symbackprop.notation.spec import loads_spec

    text = '[inputs]\nx = 1.0\n[targets]\ny = 0.5\n[parameters]\nw = 0.7\n[network]\nL = "{}"\n'
    values, _ = compile_network(loads_spec(text.format("(x*w - y)**2 * log(1e-300)"))).run(
        {"x": 1.0, "y": 0.5, "w": 0.7}
    )
    assert values["L"] == pytest.approx(0.2**2 * math.log(1e-300), rel=1e-12)
    values, _ = compile_network(loads_spec(text.format("(x*w - y)**2 * 10**400"))).run(
        {"x": 1.0, "y": 0.5, "w": 0.7}
    )
    assert values["L"] == math.inf
