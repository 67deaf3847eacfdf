"""Issue 17 regressions, each with its minimal input: B1 (JSON), B7 (options), B8 (titles), C2 (nesting)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import mpmath
import pytest
import sympy
from conftest import EXAMPLES

from symbackprop.cli import main
from symbackprop.commands.jsonout import BEYOND_DOUBLE_KEY, NON_FINITE_KEY, dumps_finite
from symbackprop.core.functions import REGISTRY
from symbackprop.core.functions.activations import leaky_relu, sigmoid
from symbackprop.errors import SizeLimitError
from symbackprop.output.formats import FORMATS, escape_latex, escape_markdown, one_line
from symbackprop.recursion import RECURSION_LIMIT, call_deep

SPEC = """\
title = "{title}"
[inputs]
x = {x}
[targets]
y = 1.0
[parameters]
w = {w}
[network]
{network}
[training]
learning_rate = {rate}
"""


def spec(
    tmp_path: Path, network: str, *, x: float = 2.0, w: float = 1.0, rate: float = 0.1, title: str = "t"
) -> str:
    path = tmp_path / "spec.toml"
    path.write_text(SPEC.format(title=title, x=x, w=w, network=network, rate=rate), encoding="utf-8")
    return str(path)


def strict_json(text: str) -> dict:
    """``json.loads`` that refuses ``Infinity``, ``-Infinity`` and ``NaN`` (not JSON, RFC 8259)."""

    def refuse(name: str) -> None:
        raise ValueError(f"not JSON: {name}")

    return json.loads(text, parse_constant=refuse)


# ------------------------------------------------------------------ B1: --json is valid JSON


def test_dumps_finite_nulls_non_finite_numbers_and_points_at_them() -> None:
    data = {"a": 1.5, "b": [0.0, math.inf], "c/d": {"e~f": -math.inf, "g": math.nan}, "h": "inf", "i": None}
    text, found = dumps_finite(data)
    back = strict_json(text)
    assert found == {"/b/1": "inf", "/c~1d/e~0f": "-inf", "/c~1d/g": "nan"}  # RFC 6901 escapes
    assert back[NON_FINITE_KEY] == found
    assert back["b"] == [0.0, None] and back["c/d"] == {"e~f": None, "g": None}
    assert back["a"] == 1.5 and back["h"] == "inf" and back["i"] is None


def test_dumps_finite_leaves_finite_data_as_it_was() -> None:
    data = {"x": [1, 2.5, {"y": -0.0}], "title": "∂L"}
    text, found = dumps_finite(data)
    assert found == {} and strict_json(text) == data and NON_FINITE_KEY not in text


# 10**400 and e**1000 are finite, exactly, but beyond the largest double (about 1.8e308).
OVERFLOWS = {
    "power": 'L = "(x*w - y)**2 * 10**400"',  # (2*1 - 1)**2 * 10**400 = 10**400
    "exp": 'L = "(x*w - y)**2 * exp(1000)"',  # e**1000
}


def _expected(name: str) -> Decimal:
    """The loss of each, independently: an exact integer, and e**1000 by mpmath at 40 digits."""
    if name == "power":
        return Decimal(10) ** 400
    with mpmath.workdps(40):
        return Decimal(mpmath.nstr(mpmath.exp(1000), 40))


@pytest.mark.parametrize(("name", "network"), OVERFLOWS.items(), ids=OVERFLOWS.keys())
def test_derive_json_of_a_finite_loss_beyond_a_double_is_valid_and_exits_0(tmp_path, capsys, name, network):
    # B2: e**1000 and 10**400 are finite; JSON writes null and the number as text, never inf
    assert sys.float_info.max < 10**400 and math.log(sys.float_info.max) < 1000  # independently: overflow
    assert main(["derive", "--json", spec(tmp_path, network)]) == 0
    report = strict_json(capsys.readouterr().out)
    assert report["loss"]["value"] is None and report["values"]["L"] is None
    assert NON_FINITE_KEY not in report
    text = report[BEYOND_DOUBLE_KEY]["/loss/value"]
    assert abs(Decimal(text) - _expected(name)) <= Decimal("1e-28") * _expected(name)
    assert report[BEYOND_DOUBLE_KEY]["/values/L"] == text
    assert report["values"]["x"] == 2.0  # the numbers a double holds are still numbers


def test_derive_text_of_a_finite_loss_beyond_a_double_is_scientific_and_exits_0(tmp_path, capsys) -> None:
    assert main(["derive", spec(tmp_path, OVERFLOWS["exp"])]) == 0
    out, err = capsys.readouterr()
    assert "L  ≈ 1.97007e+434" in out and "inf" not in out  # e**1000 = 1.970071114...e434
    assert err == ""


def test_derive_json_of_a_finite_spec_is_unchanged(capsys) -> None:
    assert main(["derive", "--json", str(EXAMPLES / "tiny.toml")]) == 0
    assert NON_FINITE_KEY not in strict_json(capsys.readouterr().out)


TRAIN = {
    # exp(1000 x w) at x w = 2: e**2000, over the largest double from step 0
    "overflow": ('L = "exp(1000*x*w)"', 0.1, "/loss/0/loss", "inf"),
    # (x w - y)**4 with x = 2, eta = 5: w -> w - 5*8*(2w - 1)**3 diverges, to inf and then nan
    "diverges": ('L = "(x*w - y)**4"', 5.0, "/final_loss", None),
}


@pytest.mark.parametrize(("network", "rate", "pointer", "kind"), TRAIN.values(), ids=TRAIN.keys())
def test_train_json_is_valid_and_exits_1_when_not_finite(
    tmp_path, capsys, network, rate, pointer, kind
) -> None:
    code = main(["train", "--steps", "6", "--quiet", "--json", spec(tmp_path, network, rate=rate)])
    report = strict_json(capsys.readouterr().out)
    assert code == 1
    assert pointer in report[NON_FINITE_KEY]
    assert kind is None or report[NON_FINITE_KEY][pointer] == kind


def test_gradcheck_json_is_valid_and_exits_1_when_not_finite(tmp_path, capsys) -> None:
    assert main(["gradcheck", "--json", spec(tmp_path, TRAIN["overflow"][0])]) == 1
    report = strict_json(capsys.readouterr().out)
    assert report[NON_FINITE_KEY]["/rows/0/symbolic"] == "inf"  # 1000 x e**2000, over the largest double
    assert report["rows"][0]["symbolic"] is None


def test_json_is_valid_as_a_subprocess_too(tmp_path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "symbackprop", "derive", "--json", spec(tmp_path, OVERFLOWS["power"])],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "Infinity" not in out.stdout and "NaN" not in out.stdout
    assert "/loss/value" in strict_json(out.stdout)[BEYOND_DOUBLE_KEY]


# ------------------------------------------------------------------ B7: options checked the same way


@pytest.mark.parametrize("command", ["derive", "walkthrough"], ids=["derive", "walkthrough"])
@pytest.mark.parametrize("value", ["-1", "16", "x", "1.5"], ids=["negative", "too-many", "word", "fraction"])
def test_digits_has_one_range_in_every_command(capsys, command, value) -> None:
    assert main([command, str(EXAMPLES / "tiny.toml"), "--digits", value]) == 2
    err = capsys.readouterr().err
    assert f"argument --digits: must be a whole number from 0 to 15, not '{value}'" in err


@pytest.mark.parametrize("command", ["derive", "walkthrough"], ids=["derive", "walkthrough"])
@pytest.mark.parametrize("value", ["0", "15"], ids=["low", "high"])
def test_digits_at_the_ends_of_the_range_work(capsys, command, value) -> None:
    assert (
        main(
            [
                command,
                str(EXAMPLES / "tiny.toml"),
                "--digits",
                value,
                *(["--no-check"] * (command != "derive")),
            ]
        )
        == 0
    )


@pytest.mark.parametrize("name", ["notes.pdf", "notes", "notes.html"], ids=["pdf", "no-suffix", "html"])
def test_walkthrough_refuses_an_output_suffix_no_format_claims(tmp_path, capsys, name) -> None:
    target = tmp_path / name
    assert main(["walkthrough", str(EXAMPLES / "tiny.toml"), "--no-check", "-o", str(target)]) == 2
    err = capsys.readouterr().err.strip()
    assert not target.exists()
    assert "\n" not in err and err.startswith(f"error: --output: cannot tell the format of '{target}'")
    for fmt in FORMATS.values():  # the suffixes come from the format registry
        assert all(suffix in err for suffix in fmt.suffixes)
    assert "--format" in err


def test_walkthrough_writes_any_name_with_format(tmp_path) -> None:
    target = tmp_path / "notes.pdf"
    assert (
        main(["walkthrough", str(EXAMPLES / "tiny.toml"), "--no-check", "--format", "md", "-o", str(target)])
        == 0
    )
    assert target.read_text(encoding="utf-8").startswith("# Tiny network")


# ------------------------------------------------------------------ B8: a title is one line

#: TOML escapes: a newline, a carriage return, a tab, an escape sequence (ESC [ 2 J), a form feed.
RAW_TITLE = r"Week\n# one\r\n\tnotes \u001b[2J and\fmore  "


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\nb", "a b"),
        ("a\r\n\r\nb", "a b"),
        ("\t a \x0b b \x0c", "a b"),
        ("a\x1b[31mb\x07", "a[31mb"),
        ("a\u2028b\u2029c\x85d", "a b c d"),
        ("plain", "plain"),
    ],
    ids=["newline", "crlf", "tab-vt-ff", "controls", "unicode-breaks", "plain"],
)
def test_one_line(text, expected) -> None:
    assert one_line(text) == expected


def test_escapes_give_one_line() -> None:
    assert escape_markdown("a\n# b") == r"a \# b"
    assert escape_latex("a\n\nb_c\r") == r"a b\_c"


@pytest.mark.parametrize(
    ("fmt", "heading"),
    [
        ("md", "# Week \\# one notes \\[2J and more\n"),
        ("tex", "\\section*{Week \\# one notes [2J and more}\n"),
    ],
    ids=["md", "tex"],
)
def test_walkthrough_title_is_one_line(tmp_path, capsys, fmt, heading) -> None:
    path = spec(tmp_path, 'L = "(x*w - y)**2"', title=RAW_TITLE)
    assert main(["walkthrough", path, "--no-check", "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert heading in out
    assert "\r" not in out and "\x1b" not in out and "\x0c" not in out and "\t" not in out


def test_derive_prints_the_title_on_one_line(tmp_path, capsys) -> None:
    assert main(["derive", spec(tmp_path, 'L = "(x*w - y)**2"', title=RAW_TITLE)]) == 0
    out = capsys.readouterr().out
    assert out.split("\n")[0] == "Week # one notes [2J and more"
    assert "\r" not in out and "\x1b" not in out


# ------------------------------------------------------------------ C2: nesting within the documented limit


def _nested(depth: int) -> str:
    inner = "x*w"
    for _ in range(depth):
        inner = f"sigmoid({inner})"
    return f'a = "{inner}"\nL = "half_squared_error(a, y)"'


@pytest.mark.slow
@pytest.mark.long
@pytest.mark.parametrize(
    "command",
    [["derive"], ["derive", "--json"], ["gradcheck"], ["walkthrough"], ["train", "--steps", "2", "--quiet"]],
    ids=["derive", "derive-json", "gradcheck", "walkthrough", "train"],
)
def test_99_nested_sigmoids_work_in_every_command(tmp_path, command) -> None:
    path = spec(tmp_path, _nested(99), x=0.7, w=0.5)  # 99 calls: inside the 100-level limit
    out = subprocess.run(
        [sys.executable, "-m", "symbackprop", *command, path], capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "Traceback" not in out.stderr and "internal error" not in out.stderr


def test_call_deep_allows_deep_recursion_and_restores_the_limit() -> None:
    def depth(n: int) -> int:  # each level also passes through C (sum, map), as SymPy's do
        return 0 if n == 0 else sum(map(depth, [n - 1])) + 1

    before = sys.getrecursionlimit()
    assert call_deep(depth, RECURSION_LIMIT - 500) == RECURSION_LIMIT - 500
    assert sys.getrecursionlimit() == before
    with pytest.raises(RecursionError):
        depth(before + 100)  # not outside call_deep


def test_call_deep_turns_exhausted_recursion_into_a_one_line_input_error() -> None:
    def forever(n: int) -> int:
        return forever(n + 1)

    with pytest.raises(SizeLimitError, match="nests too deeply") as caught:
        call_deep(forever, 0)
    assert caught.value.exit_code == 2 and "\n" not in str(caught.value)


def test_call_deep_passes_results_and_errors_through() -> None:
    assert call_deep(lambda a, b=1: a + b, 2, b=3) == 5
    assert call_deep(call_deep, int, "7") == 7  # nested: runs in place
    with pytest.raises(KeyError, match="k"):
        call_deep({}.__getitem__, "k")


# ------------------------------------------------------------------ B5: where a value is not finite

NOT_FINITE = {
    # (network, x): line 9 of SPEC holds the first [network] line, line 10 the second.
    "division-by-zero": ('a = "w/x"\nL = "(a - y)**2"', 0, "[network] a", 9, "division by zero"),
    "log-of-zero": ('L = "(log(x*w) - y)**2"', 0, "[network] L", 9, "log of a number <= 0"),
    "second-line": ('a = "x*w"\nL = "sqrt(a - 3)"', 1, "[network] L", 10, "square root of a negative number"),
}


@pytest.mark.parametrize(("network", "x", "key", "line", "why"), NOT_FINITE.values(), ids=NOT_FINITE.keys())
@pytest.mark.parametrize("command", ["derive", "walkthrough"])
def test_a_value_that_is_not_finite_names_file_line_and_key(
    tmp_path, capsys, command, network, x, key, line, why
) -> None:
    path = spec(tmp_path, network, x=x)
    assert main([command, path]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith(f"error: {path}:{line}: {key}: not a finite real number at this point"), err
    assert why in err and "zoo" not in err


def test_a_value_that_is_not_finite_is_located_by_the_cli_as_a_subprocess(tmp_path) -> None:
    path = spec(tmp_path, 'a = "w/x"\nL = "(a - y)**2"', x=0)
    run = subprocess.run(
        [sys.executable, "-m", "symbackprop", "derive", path], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 2
    assert (
        run.stderr
        == f"error: {path}:9: [network] a: not a finite real number at this point (division by zero)\n"
    )


# ------------------------------------------------ found by the grammar-driven property test

FOUND = {
    # a parameter the loss does not use: its step has no path (∂L/∂w_2 = 0), not an IndexError
    "unused-parameter": ('h = "x*w"\nL = "(h - y)**2 + 0*x"', {}),
    # exp(exp(...)) is finite and far beyond float and decimal's default range: shown, not an Overflow
    "beyond-decimal-range": (
        'h = "exp(exp(exp(exp(exp(x*w)))))"\nL = "abs(h - y)"',
        {"x": 185, "w": -5.44398e-7},
    ),
    "exp-of-1e16": ('h = "exp(3.678892956586407e+16*w)"\nL = "(h - y)**2"', {"x": 1, "w": 1}),
}


@pytest.mark.parametrize(("network", "point"), FOUND.values(), ids=FOUND.keys())
@pytest.mark.parametrize("rounding", ["exact", "hand"])
def test_walkthrough_of_found_inputs_succeeds(tmp_path, capsys, network, point, rounding) -> None:
    path = spec(tmp_path, network, **point)
    assert main(["walkthrough", path, "--no-check", "--rounding", rounding]) == 0, capsys.readouterr().err
    assert "inf" not in capsys.readouterr().out.replace("\\infty", "")


def test_hand_rounding_of_a_tiny_value_carries_it_without_a_giant_fraction(tmp_path, capsys) -> None:
    # sigmoid(-5840869161) ≈ e^-5840869161: as an exact fraction of its shown digits, 10^2.5e9
    path = spec(tmp_path, 'h = "sigmoid(min(-5840869161, 3427853))"\nL = "h + w*x"')
    assert main(["walkthrough", path, "--no-check", "--rounding", "hand", "--format", "tex"]) == 0
    assert r"\times 10^{-253" in capsys.readouterr().out


def test_an_exp_tower_is_refused_at_once_not_computed_forever(tmp_path, capsys) -> None:
    # exp applied 8 times to ~1 is e↑↑8: its exponent alone would not fit in memory
    path = spec(tmp_path, 'h = "exp(exp(exp(exp(exp(exp(exp(exp(x*w))))))))"\nL = "h"', x=1e-10, w=2.31e-10)
    for command in ("derive", "walkthrough", "gradcheck"):
        assert main([command, path]) == 2
        err = capsys.readouterr().err.strip().splitlines()[-1]
        assert err.startswith(f"error: {path}:9: [network] h: too large to compute at this point"), err


@pytest.mark.parametrize(
    ("network", "why"),
    [
        ('L = "max(w*sqrt(-1.0), y)"', "an imaginary number"),
        ('L = "(x*w - y)**2 + (-1)**0.5"', "an imaginary number"),
    ],
    ids=["sqrt-of-negative-constant", "half-power-of-minus-one"],
)
@pytest.mark.parametrize("command", ["derive", "walkthrough", "gradcheck"])
def test_a_constant_that_is_not_real_is_refused_when_the_spec_is_read(
    tmp_path, capsys, command, network, why
):
    path = spec(tmp_path, network)
    assert main([command, path]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith(f"error: {path}:9: [network] L: a constant in it is {why}"), err


def test_a_walkthrough_with_an_astronomically_small_value_is_shown_and_verified(tmp_path, capsys) -> None:
    # sigmoid(-1.2e29) ≈ e^(-1.2e29): shown in scientific notation, and verify does not turn the
    # shown 8.29e-53616602221555739999533126579 into an exact fraction (it hung)
    path = spec(tmp_path, 'h = "sigmoid(x*w)"\nL = "(h - y)**2"', x=1.2345678901234568e29, w=-1.0)
    out = tmp_path / "walk.md"
    assert main(["walkthrough", path, "--no-check", "-o", str(out)]) == 0
    assert "10^{-5.36e+28}" in out.read_text(encoding="utf-8")  # log10(e) * 1.2346e29 = 5.36e28
    assert main(["verify", str(out), "--spec", path]) in (0, 1)
    assert "internal error" not in capsys.readouterr().err


# ------------------------------------------------------------------ C2: nestings that were slow or crashed
# Found by the long property test (tests/test_property_commands.py) and reduced by hand.


def _sigmoids(depth: int, inner: str = "x*w") -> str:
    return "sigmoid(" * depth + inner + ")" * depth


def test_verify_of_11_nested_sigmoids_ends_in_seconds(tmp_path, capsys) -> None:
    # verify evaluated the chain rule's product through SymPy's evalf, which re-evaluated every
    # level of the nesting at rising precision: time exponential in the depth (11 levels: minutes)
    path = spec(tmp_path, f'h = "{_sigmoids(11)}"\nL = "h"', x=1.0, w=1.0)
    out = tmp_path / "walk.md"
    assert main(["walkthrough", path, "--no-check", "-o", str(out)]) == 0
    start = time.process_time()
    assert main(["verify", str(out), "--spec", path]) == 0
    assert time.process_time() - start < 15, "verify of 11 nested sigmoids should take seconds"
    assert "internal error" not in capsys.readouterr().err


def test_98_nested_sigmoids_evaluate_to_their_value_at_once() -> None:
    # the derivation's numbers go through the named-node program; SymPy's evalf of a library
    # function must be linear in the depth as well (verify and the printers call it)
    w = sympy.Rational("123456789012345678901234567890.5")
    expr = sympy.Integer(511) * w
    for _ in range(98):
        expr = sigmoid(expr)
    start = time.process_time()
    value = expr.evalf(30)
    assert time.process_time() - start < 5
    with mpmath.workdps(60):  # the oracle: the logistic function iterated in mpmath
        v = 511 * mpmath.mpf("123456789012345678901234567890.5")
        for _ in range(98):
            v = 1 / (1 + mpmath.exp(-v))
        assert abs(mpmath.mpf(str(value)) - v) < mpmath.mpf(10) ** -28


def test_gradcheck_of_leaky_relus_around_logs_agrees(tmp_path, capsys) -> None:
    # the compiler rewrote leaky_relu to a Piecewise whose condition held the inner leaky_relu's
    # Piecewise; SymPy folded it (simplify_logic), and NumPy then got a condition that was no array
    path = spec(tmp_path, 'h = "leaky_relu(log(leaky_relu(log(x*w))))"\nL = "half_squared_error(h, y)"')
    assert main(["gradcheck", path]) == 0
    assert "every gradient agrees" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("alpha", "z", "expected"),
    [
        (None, 3, 3),
        (None, -3, sympy.Rational(-3, 100)),
        (sympy.Rational(1, 2), -4, -2),
        (sympy.Integer(0), -4, 0),
        (sympy.Integer(1), -4, -4),
        (sympy.Integer(3), -4, -12),
        (sympy.Integer(3), 2, 2),
        (sympy.Integer(-1), -4, 4),
    ],
    ids=["default-pos", "default-neg", "half", "zero", "one", "steep-neg", "steep-pos", "negative-slope"],
)
def test_leaky_relu_elementary_is_z_above_0_and_alpha_z_below(alpha, z, expected) -> None:
    # expected values from the definition by hand: z for z > 0, alpha*z otherwise
    t = sympy.Symbol("t", real=True)
    args = (t,) if alpha is None else (t, alpha)
    definition = leaky_relu.elementary(*args)
    assert not definition.has(sympy.Piecewise) or (alpha is not None and alpha < 0)
    assert definition.subs(t, z) == expected


def test_abs_of_a_value_sympy_cannot_prove_real_differentiates_as_sign() -> None:
    # SymPy's Abs took sqrt(log(x)) apart into real and imaginary parts (arg, atan2, ...), twice per
    # level of a nesting; a network's values are real, so |z|' = sign(z) z' (by hand below)
    x = sympy.Symbol("x", real=True)
    z = sympy.sqrt(sympy.log(x))
    derivative = sympy.diff(REGISTRY["abs"].func(z), x)
    assert derivative == sympy.sign(z) / (2 * x * z)


def test_derive_of_nested_abs_around_roots_and_logs_ends_at_once(tmp_path, capsys) -> None:
    # reduced from a drawn spec of 90 mixed calls that derive did not finish in 180 s
    inner = "x*w"
    for _ in range(3):
        inner = f"leaky_relu(abs(sqrt(log(exp(tanh(sqrt(softplus(sqrt({inner})))))))))"
    path = spec(tmp_path, f'h = "{inner}"\nL = "h"')
    start = time.process_time()
    assert main(["derive", path]) == 0
    assert time.process_time() - start < 10
    assert "internal error" not in capsys.readouterr().err
