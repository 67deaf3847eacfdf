"""gradcheck's fast mode: directional derivatives v·g against central differences along v.

Oracles: sympy.diff of the inlined loss for g; the directions rebuilt from the documented
generator (``numpy.random.default_rng([seed, point])``, scaled by ``max(1, |θ_i|)``); a test
double that breaks one gradient on purpose.
"""

from __future__ import annotations

import json

import numpy
import pytest
import sympy
from conftest import EXAMPLES

from symbackprop.cli import main
from symbackprop.commands import gradcheck as command
from symbackprop.core.builders import mlp
from symbackprop.core.functions import to_elementary
from symbackprop.errors import InputError
from symbackprop.notation.spec import load_spec
from symbackprop.numeric import check
from symbackprop.numeric import gradcheck as numeric_gradcheck
from symbackprop.numeric.runtime import VectorizedNetwork
from symbackprop.numeric.vectorization import vectorize

GOOD = sorted(p.name for p in EXAMPLES.glob("*.toml") if p.name != "swish_wrong.toml")


@pytest.mark.parametrize("name", GOOD)
def test_fast_mode_passes_correct_gradients(name) -> None:
    report = check(load_spec(EXAMPLES / name), fast=True, points=2, seed=5, directions=2)
    assert report.ok, report.format()
    assert report.fast and report.directions == 2
    assert [(r.point, r.name) for r in report.rows] == [(k, f"v{j}") for k in range(3) for j in (1, 2)]


def test_fast_mode_catches_a_wrong_registered_derivative() -> None:
    report = check(load_spec(EXAMPLES / "swish_wrong.toml"), fast=True)
    assert not report.ok and report.failures


def _break_one_gradient(monkeypatch, index: int, by: float) -> None:
    """A test double: the compiled gradient, with one entry moved by ``by``."""
    original = VectorizedNetwork.gradient

    def wrong(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        grad = result[1].copy()
        grad[index] += by
        return (result[0], grad, *result[2:])

    monkeypatch.setattr(VectorizedNetwork, "gradient", wrong)


def test_fast_mode_catches_one_wrong_gradient_and_the_full_check_names_it(monkeypatch) -> None:
    net = mlp([3, 4, 2], seed=1, view="scalar")
    assert check(net, fast=True).ok
    _break_one_gradient(monkeypatch, 7, 1e-3)
    fast = check(net, fast=True, directions=3)
    assert len(fast.failures) == 3  # every direction sees it (normal directions: no cancellation)
    full = check(net)
    wrong = vectorize(net).parameters[7]  # gradient() works in theta order
    assert [r.name for r in full.failures] == [wrong]


def test_directional_values_are_v_dot_the_sympy_gradient() -> None:
    net = load_spec(EXAMPLES / "two_layer.toml")
    report = check(net, fast=True, directions=4, seed=11)
    point = report.points[0]
    loss = to_elementary(net.inlined())
    subs = {net.symbol(k): sympy.Float(v, 30) for k, v in point.items()}
    g = numpy.array([float(sympy.diff(loss, p).evalf(30, subs=subs)) for p in net.parameters])
    scale = numpy.array([max(1.0, abs(point[p.name])) for p in net.parameters])
    V = numpy.random.default_rng([11, 0]).standard_normal((4, len(g))) * scale
    for row, want in zip(report.rows, V @ g):
        assert row.symbolic == pytest.approx(want, rel=1e-10)
        assert row.numeric == pytest.approx(want, rel=1e-6)


def test_fast_mode_is_reproducible_and_seeded() -> None:
    net = load_spec(EXAMPLES / "mlp_231.toml")
    a, b = check(net, fast=True, seed=2), check(net, fast=True, seed=2)
    c = check(net, fast=True, seed=3)
    assert [r.symbolic for r in a.rows] == [r.symbolic for r in b.rows]
    assert [r.symbolic for r in a.rows] != [r.symbolic for r in c.rows]


def test_fast_mode_costs_two_forward_passes_per_direction(monkeypatch) -> None:
    """Linear in P: one forward call of 2K columns per point, never the 2P perturbed points."""
    calls: list[int] = []
    original = VectorizedNetwork.forward

    def counted(self, theta, X=None, Y=None):
        calls.append(numpy.shape(theta)[-1] if numpy.ndim(theta) == 2 else 1)
        return original(self, theta, X, Y)

    def refuse(*args, **kwargs):
        raise AssertionError("fast mode must not run the 2P perturbed points")

    monkeypatch.setattr(VectorizedNetwork, "forward", counted)
    monkeypatch.setattr(VectorizedNetwork, "perturbed", refuse)
    net = mlp([8, 16, 4], seed=0, view="scalar")  # 212 parameters
    check(net, fast=True, directions=3, points=1)
    assert sorted(c for c in calls if c > 1) == [6, 6]


def test_fast_mode_reports_kinks_not_mismatches() -> None:
    net = load_spec(EXAMPLES / "tiny.toml")
    net = net.with_values({net.symbol("w_1"): 0})  # z_1 = x w_1 = 0: ReLU's kink
    report = check(net, fast=True)
    assert all(r.ok is None and "kink" in r.verdict for r in report.rows)
    assert report.ok


@pytest.mark.parametrize("directions", [0, -1, 1001], ids=["zero", "negative", "too many"])
def test_directions_out_of_range_are_refused(directions) -> None:
    with pytest.raises(InputError, match="directions"):
        check(load_spec(EXAMPLES / "tiny.toml"), fast=True, directions=directions)


def test_cli_fast_mode(capsys) -> None:
    assert main(["gradcheck", "--fast", "--directions", "2", str(EXAMPLES / "two_layer.toml")]) == 0
    out = capsys.readouterr().out
    assert "2 random direction(s)" in out and "ok: every direction agrees" in out
    assert main(["gradcheck", "--fast", str(EXAMPLES / "swish_wrong.toml")]) == 1
    assert "run gradcheck without --fast" in capsys.readouterr().out
    assert main(["gradcheck", "--fast", "--directions", "0", str(EXAMPLES / "tiny.toml")]) == 2
    capsys.readouterr()
    assert main(["gradcheck", "--fast", "--json", str(EXAMPLES / "tiny.toml")]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["mode"] == "fast" and report["directions"] == command.DEFAULT_DIRECTIONS


def test_the_cli_default_is_the_library_default() -> None:
    assert command.DEFAULT_DIRECTIONS == numeric_gradcheck.DEFAULT_DIRECTIONS


def test_directions_without_fast_is_refused(capsys) -> None:
    assert main(["gradcheck", "--directions", "2", str(EXAMPLES / "tiny.toml")]) == 2
    assert "--directions: only with --fast" in capsys.readouterr().err
