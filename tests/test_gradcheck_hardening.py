"""Issue 17 regressions for gradcheck and the compiled numerics: C4 and C6 (huge and non-finite
numbers), B3 (one verdict for one point).  Each keeps its minimal input.

Expected numbers come from Python's own arithmetic (``fractions``, ``math``), not from the code
under test.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
import sympy

from symbackprop.cli import main
from symbackprop.numeric.printers import NumPyCode, float_literal

SPEC = """\
[inputs]
x = {x}
[targets]
y = 0.5
[parameters]
w = {w}
[network]
L = "{loss}"
"""


def spec(tmp_path: Path, loss: str, *, x: float = 1.0, w: float = 0.7) -> str:
    path = tmp_path / "spec.toml"
    path.write_text(SPEC.format(x=x, w=w, loss=loss), encoding="utf-8")
    return str(path)


def gradcheck_json(capsys, path: str, *options: str) -> tuple[int, dict]:
    code = main(["gradcheck", "--json", *options, path])
    return code, json.loads(capsys.readouterr().out)


# ------------------------------------------------------------------ numbers printed as float64


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (sympy.Integer(10) ** 400, "numpy.inf"),
        (-(sympy.Integer(10) ** 400), "(-numpy.inf)"),
        (sympy.Integer(10) ** 300, repr(1e300)),
        (sympy.Rational(10**400, 3), "numpy.inf"),
        (sympy.Rational(1, 10**400), "0.0"),
        (sympy.Rational(10**200, 3**300), repr(float(Fraction(10**200, 3**300)))),
    ],
    ids=["10**400", "-10**400", "10**300", "10**400/3", "1/10**400", "10**200/3**300"],
)
def test_big_numbers_print_as_the_float_they_round_to(value, expected) -> None:
    assert float_literal(value) == expected


def test_small_numbers_print_as_before() -> None:
    x = sympy.Symbol("x")
    assert NumPyCode().doprint(x**2 + sympy.Rational(1, 3) * x + 7) == "x**2 + (1/3)*x + 7"


# ------------------------------------------------------------------ C4, C6: no crash


def test_c4_huge_integer_factor_is_not_finite_not_a_crash(tmp_path, capsys) -> None:
    code, report = gradcheck_json(capsys, spec(tmp_path, "(x*w - y)**2 * 10**400"))
    assert code == 1
    row = report["rows"][0]
    assert row["finite"] is False and row["ok"] is None  # not compared: neither ok nor a mismatch
    assert report["ok"] is False


@pytest.mark.parametrize(
    ("loss", "gradient"),
    [
        # d/dw (xw - y)^2 log(1e-300) = 2 (xw - y) x log(1e-300), x = 1, w = 0.7, y = 0.5
        ("(x*w - y)**2 * log(1e-300)", 2 * 0.2 * math.log(1e-300)),
        # a huge rational: 10**200 / 3**300, correctly rounded by Fraction
        ("(x*w - y)**2 * 10**200 / 3**300", 2 * 0.2 * float(Fraction(10**200, 3**300))),
        ("-3e-3000", 0.0),  # C6: a constant loss
    ],
    ids=["log(1e-300)", "10**200/3**300", "constant -3e-3000"],
)
def test_c4_c6_finite_losses_are_checked(tmp_path, capsys, loss, gradient) -> None:
    code, report = gradcheck_json(capsys, spec(tmp_path, loss))
    assert code == 0
    row = report["rows"][0]
    assert row["ok"] is True and row["finite"] is True
    assert row["symbolic"] == pytest.approx(gradient, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize(
    "loss",
    ["(x*w - y)**2 * 10**400 / 3", "(x*w - y)**2 * 10**400"],
    ids=["10**400/3 (integer division too large)", "10**400"],
)
def test_c4_c6_overflowing_losses_are_reported_not_finite(tmp_path, capsys, loss) -> None:
    code = main(["gradcheck", spec(tmp_path, loss)])
    out = capsys.readouterr()
    assert code == 1
    assert "not checked: the gradients of w at point(s) 0" in out.out
    assert "disagree" not in out.out and "ok: every" not in out.out
    assert "Traceback" not in out.err and "internal error" not in out.err


@pytest.mark.parametrize("command", ["derive", "walkthrough", "gradcheck"])
def test_c4_exp_of_1e300_is_too_large_to_compute_in_every_command(tmp_path, capsys, command) -> None:
    # e^(10^300) has about 4.3e299 digits: finite, and beyond any number that can be held or shown
    assert main([command, spec(tmp_path, "(x*w - y)**2 + exp(1e300)")]) == 2
    err = capsys.readouterr().err
    assert "too large to compute at this point" in err and "internal error" not in err


def test_c4_as_a_subprocess_exits_1_without_a_traceback(tmp_path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "symbackprop", "gradcheck", spec(tmp_path, "(x*w - y)**2 * 10**400")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 1, out.stderr
    assert "Traceback" not in out.stderr and "not finite in double precision" in out.stdout


# ------------------------------------------------------------------ B3: one verdict for one point


@pytest.mark.parametrize(
    ("loss", "x", "w"),
    [("sqrt(x*w)", 0.0, 0.7), ("log(x*w - 0.5)", 1.0, 0.5)],
    ids=["sqrt(x*w) at x = 0", "log of 0"],
)
def test_b3_gradcheck_stops_where_derive_stops_with_the_same_message(tmp_path, capsys, loss, x, w) -> None:
    path = spec(tmp_path, loss, x=x, w=w)
    assert main(["derive", path]) == 2
    derive_error = capsys.readouterr().err.strip().splitlines()[-1]
    assert main(["gradcheck", path]) == 2
    out = capsys.readouterr()
    assert out.err.strip().splitlines()[-1] == derive_error
    assert "not a finite real number" in derive_error
    assert "ok" not in out.out and "disagree" not in out.out


def test_b3_random_points_outside_the_domain_are_not_checked_never_a_mismatch(tmp_path, capsys) -> None:
    # log(w): w is drawn in [-1, 1], so some points have no real loss
    code, report = gradcheck_json(capsys, spec(tmp_path, "log(w)*x"), "--points", "8")
    rows = report["rows"]
    negative = [r for r in rows if report["points"][r["point"]]["w"] <= 0]
    assert negative, "the seed must draw a negative w"
    assert all(r["finite"] is False and r["ok"] is None for r in negative)
    assert all(r["ok"] is True for r in rows if r not in negative)
    assert code == 1 and report["ok"] is False
