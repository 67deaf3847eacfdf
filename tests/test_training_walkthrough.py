"""``walkthrough --steps K`` and the optimisers' worked first step (issue 16, "Training in a walkthrough").

The table must show what ``train`` computes; the worked step's numbers are checked
against the Adam and momentum rules written out again here in mpmath.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import mpmath
import pytest
from conftest import EXAMPLES

from symbackprop.cli import main
from symbackprop.notation.spec import loads_spec
from symbackprop.numeric import check
from symbackprop.output.walkthrough import render, walkthrough_context

#: The tiny network ([training] learning_rate = 0.1 ends it) with another title and training keys.
TINY = re.sub(
    r"(?m)^title = .*$", 'title = "Tiny network, trained with {title}"', (EXAMPLES / "tiny.toml").read_text()
)
TINY += "{extra}\n"
ADAM = TINY.format(title="Adam", extra='optimizer = "adam"')
MOMENTUM = TINY.format(title="momentum", extra='optimizer = "momentum"\nmomentum = 0.5')
XOR = EXAMPLES / "xor.toml"


def _tiny_gradient() -> mpmath.mpf:
    """∂L/∂w₁ = ∂L/∂w₂ of the tiny network at its point, by hand: (a₂ − y)·a₂(1 − a₂)·½."""
    a2 = 1 / (1 + mpmath.exp(-mpmath.mpf("0.25")))
    return a2 * a2 * (1 - a2) * mpmath.mpf("0.5")


def _agrees(text: str, value: mpmath.mpf) -> bool:
    """Whether ``text`` is ``value`` rounded to the decimals it shows."""
    shown = Decimal(text)
    half = Decimal(1).scaleb(shown.as_tuple().exponent) / 2
    return abs(Decimal(mpmath.nstr(value, 40)) - shown) <= half


def test_adam_first_step_is_worked_with_the_numbers_of_the_rule_by_hand():
    mpmath.mp.dps = 50
    g = _tiny_gradient()
    m = (1 - mpmath.mpf("0.9")) * g
    v = (1 - mpmath.mpf("0.999")) * g**2
    m_hat, v_hat = m / (1 - mpmath.mpf("0.9")), v / (1 - mpmath.mpf("0.999"))
    new = mpmath.mpf("0.5") - mpmath.mpf("0.1") * m_hat / (mpmath.sqrt(v_hat) + mpmath.mpf("1e-8"))
    training = walkthrough_context(loads_spec(ADAM))["training"]
    assert [w["name"] for w in training["worked"]] == ["w_1", "w_2"]
    for w in training["worked"]:
        values = [line["value"]["text"] for line in w["lines"]]
        assert [line["lhs"] for line in w["lines"]] == ["m_{1}", "v_{1}", r"\hat{m}_{1}", r"\hat{v}_{1}"]
        assert all(_agrees(t, e) for t, e in zip(values, (m, v, m_hat, v_hat))), values
        assert _agrees(w["move"]["new"]["text"], new)
        assert _agrees(w["gradient"]["text"], g)
        assert r"\frac{\hat{m}_{1}}{\sqrt{\hat{v}_{1}} + \epsilon}" in w["move"]["formula"]


def test_momentum_first_step_is_worked_by_hand():
    mpmath.mp.dps = 50
    g = _tiny_gradient()
    training = walkthrough_context(loads_spec(MOMENTUM))["training"]
    (line,) = training["worked"][0]["lines"]
    assert line["formula"] == r"\mu \cdot v_{0} + g_{1}"
    assert line["substituted"].startswith(r"0.5 \cdot 0 + ")
    assert _agrees(line["value"]["text"], g)  # v₁ = μ·0 + g
    assert _agrees(training["worked"][0]["move"]["new"]["text"], mpmath.mpf("0.5") - mpmath.mpf("0.1") * g)


def test_another_optimizer_replaces_the_gradient_descent_update():
    text = render(loads_spec(ADAM), "md")
    assert "## First step of Adam" in text
    assert "## Gradient-descent update" not in text
    assert "## Training" not in text  # no table without --steps


def test_gradient_descent_without_steps_adds_nothing():
    net = loads_spec(TINY.format(title="gradient descent", extra=""))
    assert walkthrough_context(net)["training"] is None


def _table(text: str) -> list[list[str]]:
    """The rows of the first training table of a Markdown walkthrough, cells without ≈."""
    part = text.split("## Training:", 1)[1].split("| step |", 1)[1].split("\n\n", 1)[0]
    rows = [line for line in part.splitlines() if re.match(r"\| \d+ \|", line)]
    return [[c.strip().removeprefix("≈ ") for c in row.strip("|").split("|")] for row in rows]


def _train_json(capsys, spec: str, steps: int, *extra: str) -> dict:
    assert main(["train", spec, "--steps", str(steps), "--json", "--every", "1", "--quiet", *extra]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("source", "names"),
    [("adam", ["w_1", "w_2"]), ("xor", ["w_11", "w_12", "w_21", "w_22", "b_1"])],
    ids=["adam-point", "sgd-dataset-mean"],
)
def test_the_steps_table_shows_what_train_computes(tmp_path, capsys, source, names):
    spec = str(XOR)
    if source == "adam":
        spec = str(tmp_path / "adam.toml")
        Path(spec).write_text(ADAM)
    steps = 3
    rows = _table(render(loads_spec(Path(spec).read_text()), "md", steps=steps))
    assert [int(r[0]) for r in rows] == list(range(steps + 1))
    losses = [p["loss"] for p in _train_json(capsys, spec, steps)["loss"]]
    for row, loss in zip(rows, losses):
        assert _agrees(row[1], mpmath.mpf(loss))
    for k in range(1, steps + 1):
        parameters = _train_json(capsys, spec, k)["parameters"]
        for name, cell in zip(names, rows[k][2:]):
            assert _agrees(cell, mpmath.mpf(parameters[name])), (k, name, cell)


@pytest.mark.parametrize(
    ("args", "words"),
    [(["--steps", "101"], "--steps must be between 0 and 100"), (["--steps", "-1"], "between 0 and 100")],
    ids=["too-many", "negative"],
)
def test_bad_steps_are_one_line_errors(tmp_path, capsys, args, words):
    spec = tmp_path / "adam.toml"
    spec.write_text(ADAM)
    assert main(["walkthrough", str(spec), *args]) == 2
    err = capsys.readouterr().err
    assert words in err
    assert err.count("\n") == 1


def test_steps_without_a_learning_rate_is_an_error(tmp_path, capsys):
    spec = tmp_path / "no_eta.toml"
    spec.write_text(TINY.format(title="nothing", extra="").replace("learning_rate = 0.1", ""))
    assert main(["walkthrough", str(spec), "--steps", "2"]) == 2
    assert "--steps needs a learning rate" in capsys.readouterr().err


def test_a_diverging_run_is_said_in_the_table():
    """L = w², η = 10¹⁰⁰: w₁ = 5 − 10¹⁰⁰·10 ≈ −10¹⁰¹, w₂ ≈ 2·10²⁰¹, so L₂ ≈ 4·10⁴⁰² overflows."""
    spec = '[parameters]\nw = 5.0\n[network]\nL = "w**2"\n[training]\nlearning_rate = 1e100\n'
    text = render(loads_spec(spec), "md", steps=5, sections=["update"])
    assert "The loss is not finite after step 2: training diverged there." in text
    assert [r[0] for r in _table(text)] == ["0", "1", "2"]
    assert _table(text)[2][1] == "inf"


@pytest.mark.parametrize("fmt", ["md", "tex"])
def test_adam_walkthrough_with_three_steps_matches_golden(fmt, golden):
    net = loads_spec(ADAM)
    golden(f"tiny_adam_steps3.{fmt}", render(net, fmt, check=check(net), steps=3))
