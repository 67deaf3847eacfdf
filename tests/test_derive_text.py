"""``symbackprop derive``'s text output: textbook symbols, clean numbers, the point it uses."""

from __future__ import annotations

import re

import pytest
from conftest import EXAMPLES

from symbackprop.cli import main
from symbackprop.notation.spec import load_spec
from symbackprop.output.walkthrough import walkthrough_context


def _derive(capsys, *args: str) -> str:
    assert main(["derive", *args]) == 0
    return capsys.readouterr().out


def test_textbook_symbols_and_no_repeated_value(capsys):
    out = _derive(capsys, str(EXAMPLES / "tiny.toml"))
    assert "∂a_1/∂z_1  = 1[z_1 > 0] = 1" in out and "step(" not in out
    assert "∂a_2/∂z_2  = a_2·(1 - a_2) ≈ 0.246134" in out  # σ(1/4)(1 − σ(1/4)) = 0.2461340827...
    assert not re.search(r"= (\S+) = \1$", out, re.M)  # no "= 1 = 1"


def test_inputs_and_targets_only_on_request(capsys):
    plain = _derive(capsys, str(EXAMPLES / "tiny.toml"))
    assert "∂L/∂y" not in plain and "∂z_1/∂x" not in plain
    full = _derive(capsys, str(EXAMPLES / "tiny.toml"), "--inputs")
    assert re.search(r"^  ∂L/∂y\s+= y - a_2 ≈ -0.562177$", full, re.M) and "∂z_1/∂x    = w_1 = 0.5" in full
    assert re.search(r"∂L/∂x\s+≈ 0\.034593$", full, re.M)  # ∂L/∂z_1 · w_1 = 0.0691854 · 0.5


def test_negative_numbers_are_parenthesised_where_substituted(capsys):
    out = _derive(capsys, str(EXAMPLES / "xor.toml"))
    # −0.2 − 2·(−0.019821) would be −0.160358: the gradient gets the digit that reproduces −0.160357
    assert "b_2   <- -0.2 - 2 · (-0.0198214) ≈ -0.160357" in out


def test_a_dataset_is_not_ignored(capsys):
    out = _derive(capsys, str(EXAMPLES / "xor.toml"))
    assert "point: the spec's values, which are example 1 of the 4 in [dataset]" in out
    assert "over the dataset (mean of 4 examples" in out
    assert re.search(r"∂L/∂w_11\s+≈ 0\.000938$", out, re.M)  # the mean, as the walkthrough shows it


def test_digits_mean_decimals_as_in_the_walkthrough(capsys):
    out = _derive(capsys, str(EXAMPLES / "two_layer.toml"), "--digits", "4")
    context = walkthrough_context(load_spec(EXAMPLES / "two_layer.toml"), digits=4)
    for row in context["forward"]:
        marker = "=" if row["value"]["exact"] else "≈"
        assert re.search(
            rf"^  {re.escape(row['name'])}\s+{marker} {re.escape(row['value']['text'])}$", out, re.M
        )


@pytest.mark.parametrize("digits", ["-1", "16"], ids=["negative", "too-many"])
def test_digits_out_of_range_is_an_input_error(digits, capsys):
    assert main(["derive", str(EXAMPLES / "tiny.toml"), "--digits", digits]) == 2
    err = capsys.readouterr().err
    assert "--digits" in err and "from 0 to 15" in err


def test_every_rounded_number_is_marked(capsys):
    out = _derive(capsys, str(EXAMPLES / "two_layer.toml"))
    for line in out.splitlines():
        m = re.search(r"([=≈]) (-?\d+\.\d{7,})$", line)
        assert m is None, line  # nothing longer than the digits asked for
    assert re.search(r"^  E_total\s+≈ 0\.298371$", out, re.M)  # Mazur's 0.298371109


def test_derive_shows_the_optimisers_first_step_not_a_gradient_descent_one(tmp_path, capsys):
    # L = (2w - 1)^2 at w = 1: g = 4; Adam's first step (m̂ = g, v̂ = g²) is g / (|g| + 1e-8),
    # so w <- 1 - 0.1 · 4 / (4 + 1e-8) = 0.90000000025 (by hand)
    spec = tmp_path / "adam.toml"
    spec.write_text(
        '[inputs]\nx = 2\n[targets]\ny = 1\n[parameters]\nw = 1\n[network]\nL = "(x*w - y)**2"\n'
        '[training]\nlearning_rate = 0.1\noptimizer = "adam"\n',
        encoding="utf-8",
    )
    assert main(["derive", str(spec), "--digits", "12"]) == 0
    out = capsys.readouterr().out
    assert "gradient-descent" not in out
    assert "first adam step (learning rate 0.1" in out and "w  <- ≈ 0.900000000250" in out
