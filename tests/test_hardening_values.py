"""Issue 17 C5 and B2, each with its minimal input: values that are not real, values beyond a double.

C5: ``max`` of a value that is not real (log of 0, square root of a negative
number) is bad input: exit 2 and one line naming the key, never a traceback.
B2: a finite value beyond the range of a double (e¹⁰⁰⁰) is shown in scientific
notation by every command that shows it, never as inf; JSON writes ``null`` and
the number as text under ``"beyond_double"``.  Expected numbers come from
mpmath or from exact integers.
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction

import mpmath
import pytest
import sympy as sp

from symbackprop.cli import main
from symbackprop.commands.jsonout import BEYOND_DOUBLE_KEY, NON_FINITE_KEY, BeyondDouble, json_number

SPEC = """title = "t"
[inputs]
x = 1.0
[targets]
y = 0.0
[parameters]
w = {w}
[network]
{network}
"""


def _spec(tmp_path, network: str, w: float) -> str:
    path = tmp_path / "spec.toml"
    path.write_text(SPEC.format(network=network, w=w), encoding="utf-8")
    return str(path)


# ------------------------------------------------------------------ C5: max of values that are not real

NOT_REAL = {
    # log(1·0.5 − 0.5) = log(0): complex infinity
    "log-of-zero": ('L = "max(log(x*w - 0.5), y)"', 0.5, "log of a number <= 0"),
    # sqrt(1·(−0.5)): imaginary
    "sqrt-of-negative": ('L = "max(sqrt(x*w), y)"', -0.5, "square root of a negative number"),
}


@pytest.mark.parametrize("command", ["derive", "walkthrough"], ids=["derive", "walkthrough"])
@pytest.mark.parametrize(("network", "w", "reason"), NOT_REAL.values(), ids=NOT_REAL.keys())
def test_max_of_a_value_that_is_not_real_is_bad_input(tmp_path, capsys, command, network, w, reason):
    args = [command, _spec(tmp_path, network, w)]
    if command == "walkthrough":
        args += ["-o", str(tmp_path / "out.md")]
    assert main(args) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert "[network] L" in errors[0] and reason in errors[0] and "comparable" not in errors[0]


def test_max_of_a_value_that_is_not_real_as_a_subprocess(tmp_path):
    network, w, reason = NOT_REAL["log-of-zero"]
    out = subprocess.run(
        [sys.executable, "-m", "symbackprop", "derive", _spec(tmp_path, network, w)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr
    [line] = out.stderr.strip().splitlines()
    assert line.startswith("error: ") and "[network] L" in line and reason in line


# ------------------------------------------------------------------ B2: beyond a double, never inf

#: a = e^(1·500·2) = e^1000, finite, and past the largest double (about 1.8e308).
BIG = 'a = "exp(x*w*2)"\nL = "(a - y)**2"'


def _e1000(power: int = 1) -> Decimal:
    with mpmath.workdps(40):
        return Decimal(mpmath.nstr(mpmath.exp(1000 * power), 40))


def test_derive_text_shows_a_value_beyond_a_double_in_scientific_form(tmp_path, capsys):
    assert main(["derive", _spec(tmp_path, BIG, 500)]) == 0
    out, err = capsys.readouterr()
    assert "a  ≈ 1.97007e+434" in out  # e^1000 = 1.970071114…e434
    assert "L  ≈ 3.88118e+868" in out  # e^2000 = 3.881180194…e868
    assert "inf" not in out and err == ""


def test_derive_json_writes_a_value_beyond_a_double_as_text(tmp_path, capsys):
    assert main(["derive", "--json", _spec(tmp_path, BIG, 500)]) == 0
    report = json.loads(capsys.readouterr().out, parse_constant=lambda c: pytest.fail(c))
    assert report["values"]["a"] is None and NON_FINITE_KEY not in report
    beyond = report[BEYOND_DOUBLE_KEY]
    for pointer, power in (("/values/a", 1), ("/loss/value", 2)):
        assert abs(Decimal(beyond[pointer]) - _e1000(power)) <= Decimal("1e-28") * _e1000(power), pointer
    assert report["values"]["w"] == 500.0


def test_walkthrough_shows_a_value_beyond_a_double_in_scientific_form(tmp_path, capsys):
    out = tmp_path / "w.md"
    assert main(["walkthrough", _spec(tmp_path, BIG, 500), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert r"\approx 1.970 \times 10^{434}" in text  # a = e^1000
    assert "≈ 1.6e+869" in text  # ∂L/∂w = 2·e^2000·2·1 = 1.552…e869, in the gradient table's column


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (sp.Rational(1, 3), 1 / 3),
        (sp.Integer(0), 0.0),
        (Fraction(3, 4), 0.75),
        (float("inf"), float("inf")),  # a float that is not finite stays one: the non_finite path
        (sp.Integer(10) ** 400, BeyondDouble("1.00000000000000000000000000000e+400")),
        (sp.Rational(1, 10**400), BeyondDouble("1.00000000000000000000000000000e-400")),  # not 0.0
        (-(sp.Integer(10) ** 400), BeyondDouble("-1.00000000000000000000000000000e+400")),
    ],
    ids=["third", "zero", "fraction", "float-inf", "huge", "tiny", "huge-negative"],
)
def test_json_number(value, expected):
    got = json_number(value)
    assert type(got) is type(expected) and got == expected
