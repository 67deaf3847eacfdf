"""Issue 17 S1, H5, C1: LaTeX names without TeX's ^^ notation; literals bounded before they are built."""

from __future__ import annotations

import signal
import time

import pytest
import sympy

from symbackprop.cli import main

SPEC = """title = "t"
[inputs]
x = 1.0
[targets]
y = 0.0
[parameters]
w = 0.5
[network]
L = "{rhs}"
{extra}"""


def _spec(tmp_path, rhs: str, extra: str = "") -> str:
    path = tmp_path / "spec.toml"
    path.write_text(SPEC.format(rhs=rhs, extra=extra), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    "latex",
    ["^^5cinput{^^2ftmp^^2fsecret^^2etxt}", "w^^5c", "w^ ^5cinput", "x^^M"],
    ids=["input-file", "one-escape", "spaced", "control"],
)
def test_tex_character_notation_is_refused_in_latex_names(tmp_path, capsys, latex):
    extra = f'[latex]\nw = "{latex}"\n'
    assert main(["derive", _spec(tmp_path, "(x*w - y)**2", extra)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and "[latex] w" in err[0]


def test_tex_character_notation_is_refused_in_function_latex_names(tmp_path, capsys):
    extra = '[functions.swish]\nargs = ["z"]\nexpr = "z*sigmoid(z)"\nlatex = "^^5cinput{secret}"\n'
    assert main(["derive", _spec(tmp_path, "(swish(x*w) - y)**2", extra)]) == 2
    assert "latex" in capsys.readouterr().err


def test_an_ordinary_superscript_name_is_still_accepted(tmp_path, capsys):
    extra = '[latex]\nw = "w^{(1)}_{21}"\n'
    assert main(["derive", _spec(tmp_path, "(x*w - y)**2", extra)]) == 0


@pytest.fixture
def deadline():
    """Fail, instead of hanging, if a bounded parse takes longer than 20 s."""

    def expire(*_):
        raise TimeoutError("not bounded")

    old = signal.signal(signal.SIGALRM, expire)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("literal", ["0E9000000", "0.000e99999999999"], ids=["zero-huge-exp", "zero-longer"])
def test_a_zero_with_a_huge_exponent_is_zero_at_once(tmp_path, capsys, deadline, literal):
    start = time.process_time()
    assert main(["derive", _spec(tmp_path, f"(x*w - y)**2 + x*{literal}"), "--json"]) == 0
    assert time.process_time() - start < 10  # generous: the point is that it is not 12 s or forever


@pytest.mark.parametrize(
    "literal",
    ["1e-5000", "1e9000000", "1e99999999999999", "0." + "1" * 4000],
    ids=["tiny", "huge", "longer", "fine"],
)
def test_a_literal_past_the_limit_is_one_line_and_exit_2(tmp_path, capsys, deadline, literal):
    assert main(["derive", _spec(tmp_path, f"x*w*{literal} - y")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "[network] L" in err[0] and "number" in err[0]


def test_exact_literals_within_the_limit_are_exact():
    from symbackprop.notation.expressions import _exact_decimal

    assert _exact_decimal("0.1") == sympy.Rational(1, 10)
    assert _exact_decimal("2.5e3") == 2500
    assert _exact_decimal("12.5e-2") == sympy.Rational(1, 8)
    assert _exact_decimal("1e-300") == sympy.Rational(1, 10**300)
