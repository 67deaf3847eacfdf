"""Optimisers (momentum, Adam) in ``train``, their spec keys, and a diverging run (issue 17 B4).

Expected numbers come from an independent route: the gradient of the loss written
out by hand and each update rule written out again here, in mpmath at 50 digits.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import mpmath
import pytest

from symbackprop.core.optimizers import OPTIMIZERS, choose_optimizer
from symbackprop.errors import SpecError
from symbackprop.notation.spec import loads_spec
from symbackprop.numeric import train

ROOT = Path(__file__).resolve().parent.parent

# L = mean over the examples of (w·x + b − y)²; two examples, so the mean matters.
LINE = """
[inputs]
x = 1.0
[targets]
y = 0.0
[parameters]
w = 0.5
b = -0.25
[network]
L = "(w*x + b - y)**2"
[dataset]
reduction = "mean"
examples = [{{ x = 1.0, y = 2.0 }}, {{ x = -0.5, y = 0.75 }}]
[training]
learning_rate = 0.1
{extra}
"""
EXAMPLES = [("1.0", "2.0"), ("-0.5", "0.75")]


def _gradient(w: mpmath.mpf, b: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf, mpmath.mpf]:
    """Loss and (∂L/∂w, ∂L/∂b) of the mean squared error, by hand: ∂/∂w (wx+b−y)² = 2(wx+b−y)·x."""
    loss = gw = gb = mpmath.mpf(0)
    for xs, ys in EXAMPLES:
        x, y = mpmath.mpf(xs), mpmath.mpf(ys)
        r = w * x + b - y
        loss += r * r / 2
        gw += 2 * r * x / 2
        gb += 2 * r / 2
    return loss, gw, gb


def _momentum_by_hand(steps: int, lr: str, mu: str) -> tuple[list, list]:
    w, b, vw, vb = mpmath.mpf("0.5"), mpmath.mpf("-0.25"), mpmath.mpf(0), mpmath.mpf(0)
    losses, params = [], []
    for _ in range(steps):
        loss, gw, gb = _gradient(w, b)
        losses.append(loss)
        vw, vb = mpmath.mpf(mu) * vw + gw, mpmath.mpf(mu) * vb + gb
        w, b = w - mpmath.mpf(lr) * vw, b - mpmath.mpf(lr) * vb
        params.append((w, b))
    losses.append(_gradient(w, b)[0])
    return losses, params


def _adam_by_hand(steps: int, lr: str, beta1: str, beta2: str, eps: str) -> tuple[list, list]:
    b1, b2, e, eta = (mpmath.mpf(v) for v in (beta1, beta2, eps, lr))
    theta = [mpmath.mpf("0.5"), mpmath.mpf("-0.25")]
    m, v = [mpmath.mpf(0)] * 2, [mpmath.mpf(0)] * 2
    losses, params = [], []
    for t in range(1, steps + 1):
        loss, *g = _gradient(*theta)
        losses.append(loss)
        m = [b1 * m[i] + (1 - b1) * g[i] for i in range(2)]
        v = [b2 * v[i] + (1 - b2) * g[i] ** 2 for i in range(2)]
        m_hat = [m[i] / (1 - b1**t) for i in range(2)]
        v_hat = [v[i] / (1 - b2**t) for i in range(2)]
        theta = [theta[i] - eta * m_hat[i] / (mpmath.sqrt(v_hat[i]) + e) for i in range(2)]
        params.append(tuple(theta))
    losses.append(_gradient(*theta)[0])
    return losses, params


def _check(result, losses, params) -> None:
    assert result.losses == pytest.approx([float(v) for v in losses], rel=1e-12, abs=1e-15)
    for row, (w, b) in zip(result.history[1:], params):
        assert row["w"] == pytest.approx(float(w), rel=1e-12)
        assert row["b"] == pytest.approx(float(b), rel=1e-12)


@pytest.mark.parametrize("mu", ["0.9", "0.5"], ids=["mu-0.9", "mu-0.5"])
def test_momentum_matches_three_steps_by_hand(mu):
    mpmath.mp.dps = 50
    net = loads_spec(LINE.format(extra=f'optimizer = "momentum"\nmomentum = {mu}'))
    result = train(net, 3, record=True)
    _check(result, *_momentum_by_hand(3, "0.1", mu))


@pytest.mark.parametrize(
    ("extra", "hyper"),
    [
        ("", ("0.9", "0.999", "1e-8")),
        ("beta1 = 0.8\nbeta2 = 0.99\nepsilon = 0.001", ("0.8", "0.99", "0.001")),
    ],
    ids=["defaults", "given"],
)
def test_adam_matches_three_steps_by_hand(extra, hyper):
    mpmath.mp.dps = 50
    net = loads_spec(LINE.format(extra=f'optimizer = "adam"\n{extra}'))
    result = train(net, 3, record=True)
    _check(result, *_adam_by_hand(3, "0.1", *hyper))


def test_adam_first_step_moves_each_parameter_by_about_the_learning_rate():
    """With bias correction, m̂₁/√v̂₁ = g/|g|: the first step is η·sign(g) (up to ε), whatever the gradient."""
    net = loads_spec(LINE.format(extra='optimizer = "adam"'))
    result = train(net, 1, record=True)
    _, gw, gb = _gradient(mpmath.mpf("0.5"), mpmath.mpf("-0.25"))
    assert result.parameters["w"] == pytest.approx(0.5 - 0.1 * float(mpmath.sign(gw)), abs=1e-8)
    assert result.parameters["b"] == pytest.approx(-0.25 - 0.1 * float(mpmath.sign(gb)), abs=1e-8)


def test_the_optimizer_argument_overrides_the_spec():
    mpmath.mp.dps = 50
    net = loads_spec(LINE.format(extra='optimizer = "adam"'))
    result = train(net, 2, record=True, optimizer="momentum")
    _check(result, *_momentum_by_hand(2, "0.1", "0.9"))
    assert result.optimizer.name == "momentum"


def test_sgd_is_the_default_and_matches_by_hand():
    mpmath.mp.dps = 50
    result = train(loads_spec(LINE.format(extra="")), 3, record=True)
    _check(result, *_momentum_by_hand(3, "0.1", "0"))  # heavy ball with μ = 0 is gradient descent
    assert result.optimizer.name == "sgd"


def test_the_command_line_names_every_registered_optimizer():
    from symbackprop.commands.train import OPTIMIZER_NAMES

    assert tuple(OPTIMIZERS) == OPTIMIZER_NAMES


def test_every_registered_optimizer_has_a_default_in_range():
    for info in OPTIMIZERS.values():
        chosen = choose_optimizer(info.name)
        assert [k for k, _ in chosen.settings] == [h.key for h in info.hyper]
        assert all(h.admits(float(h.default)) for h in info.hyper)


@pytest.mark.parametrize(
    ("extra", "key", "words"),
    [
        ('optimizer = "adamw"', "optimizer", "unknown optimizer 'adamw'"),
        ('optimizer = "adam"\nmomentum = 0.9', "momentum", "not a hyper-parameter of the 'adam'"),
        ("momentum = 0.9", "momentum", "not a hyper-parameter of the 'sgd'"),
        ('optimizer = "adam"\nbeta1 = 1.0', "beta1", "must be in [0, 1)"),
        ('optimizer = "adam"\nbeta2 = -0.1', "beta2", "must be in [0, 1)"),
        ('optimizer = "adam"\nepsilon = 0', "epsilon", "must be in (0, ∞)"),
        ('optimizer = "momentum"\nmomentum = "big"', "momentum", "expected a number"),
        ('optimiser = "adam"', "optimiser", "did you mean 'optimizer'"),
        ("optimizer = 3", "optimizer", "unknown optimizer"),
    ],
    ids=[
        "unknown",
        "other-optimizers-key",
        "sgd-has-none",
        "beta1-1",
        "beta2-neg",
        "eps-0",
        "text",
        "typo",
        "int",
    ],
)
def test_bad_optimizer_settings_are_one_line_errors_naming_file_line_and_key(extra, key, words):
    text = LINE.format(extra=extra)
    with pytest.raises(SpecError) as caught:
        loads_spec(text, file="net.toml")
    message = str(caught.value)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith(key))
    assert message.startswith(f"net.toml:{line}: [training] {key}: ")
    assert words in message
    assert "\n" not in message


def _run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "symbackprop", *args], capture_output=True, text=True, env=env, timeout=120
    )


DIVERGING = """
[inputs]
x = 1.0
[targets]
y = 0.0
[parameters]
w = 5.0
[network]
L = "(x*w - y)**2"
[training]
learning_rate = 5.0
"""


def test_a_diverging_train_stops_at_the_first_non_finite_loss_and_exits_1(tmp_path):
    """Issue 17 B4: it used to end with ``w 5 -> nan`` and exit 0."""
    spec = tmp_path / "diverge.toml"
    spec.write_text(DIVERGING)
    # by hand: w ← w − 5·2w = −9w, so L_k = (5·9^k)²; the first one past 1.8e308 is k = 161
    first = next(k for k in range(400) if mpmath.mpf(5 * 9**k) ** 2 > mpmath.mpf(2) ** 1024)
    text = _run("train", str(spec), "--steps", "1000")
    assert text.returncode == 1, text.stderr
    assert "nan" not in text.stdout.lower()
    assert f"after step {first};" in text.stderr
    assert "smaller learning rate" in text.stderr
    assert "Traceback" not in text.stderr
    js = _run("train", str(spec), "--steps", "1000", "--json")
    assert js.returncode == 1, js.stderr
    data = json.loads(js.stdout, parse_constant=lambda c: pytest.fail(f"not strict JSON: {c}"))
    assert data["diverged_at"] == first
    assert data["loss"][-1] == {"step": first, "loss": None}
    assert "smaller learning rate" in data["error"]
    assert "warning" not in js.stderr


def test_train_cli_optimizer_option_and_header():
    out = _run("train", str(ROOT / "examples" / "tiny.toml"), "--steps", "2", "--optimizer", "adam", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["optimizer"] == {"name": "adam", "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}
