"""The one number formatter: every expected string below is written by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sympy

from symbackprop.output.numbers import (
    fixed,
    hand_quantizer,
    plain,
    relation,
    scientific,
    shown,
    significant,
)

SHOWN = [
    # value, digits, text, latex, exact
    (sympy.Rational(4931, 10_000), 3, "0.4931", "0.4931", True),  # N + 1 decimals: shown as is
    (sympy.Rational(1, 4), 4, "0.25", "0.25", True),
    (sympy.Rational(-1, 8), 2, "-0.125", "-0.125", True),
    (sympy.Integer(3), 4, "3", "3", True),
    (sympy.Float("0.06920415", 30), 4, "0.0692", "0.0692", False),
    (Decimal("0.15799999"), 4, "0.1580", "0.1580", False),  # a rounded value keeps its trailing zero
    (Decimal("0.00043861"), 4, "0.0004386", "0.0004386", False),  # at least two significant digits
    (Decimal("-0.0692135"), 4, "-0.0692", "-0.0692", False),
    (Decimal("3e-13"), 4, "3.000e-13", r"3.000 \times 10^{-13}", True),  # tiny: scientific
    (Decimal("1234567890123456"), 4, "1.235e+15", r"1.235 \times 10^{15}", False),  # huge: scientific
    (-0.0, 4, "0", "0", True),  # negative zero is zero
    (0.1, 4, "0.1", "0.1", True),  # a float is read as it prints, not as its binary value
    (float("inf"), 4, "inf", r"\text{inf}", False),
    (float("-inf"), 4, "-inf", r"\text{-inf}", False),
    (float("nan"), 4, "NaN", r"\text{NaN}", False),
]


@pytest.mark.parametrize(
    ("value", "digits", "text", "latex", "exact"), SHOWN, ids=[f"{c[0]}@{c[1]}" for c in SHOWN]
)
def test_shown(value, digits, text, latex, exact) -> None:
    s = shown(value, digits)
    assert (s.text, s.latex, s.exact) == (text, latex, exact)


HALF_EVEN = [
    # ties in the last shown digit go to the even neighbour
    (Decimal("1.25e13"), 2, "1.2e+13"),
    (Decimal("1.35e13"), 2, "1.4e+13"),
    (Decimal("-1.25e13"), 2, "-1.2e+13"),
]


@pytest.mark.parametrize(("value", "digits", "text"), HALF_EVEN, ids=[str(c[0]) for c in HALF_EVEN])
def test_shown_rounds_half_to_even(value, digits, text) -> None:
    assert shown(value, digits).text == text


@pytest.mark.parametrize(
    ("value", "digits", "text", "rel", "marked"),
    [
        (sympy.Rational(1, 4), 4, "0.25", "=", "0.25"),
        (sympy.Rational(1, 3), 4, "0.3333", r"\approx", "≈ 0.3333"),
    ],
    ids=["exact", "rounded"],
)
def test_approximately_equal_marks_a_rounded_number(value, digits, text, rel, marked) -> None:
    s = shown(value, digits)
    assert (s.text, s.rel, s.marked) == (text, rel, marked)
    assert relation(s.exact) == rel


def test_hand_quantizer_carries_on_with_the_shown_number() -> None:
    quantize = hand_quantizer(3)
    value, rounded = quantize(sympy.Float("0.56243", 30))  # 5 decimals > 3 + 1: rounded
    assert rounded and value == sympy.Float("0.562", 30)
    value, rounded = quantize(sympy.Rational(1, 4))
    assert not rounded and value == sympy.Float("0.25", 30)


FLOATS = [
    ("significant 6", significant(0.0692041522491349, 6), "0.0692042"),
    ("significant drops zeros", significant(0.5, 6), "0.5"),
    ("significant tiny", significant(1e-7, 6), "1e-07"),
    ("significant half-even", significant(0.125, 2), "0.12"),  # 0.125 is exact in binary: a true tie
    ("significant half-even up", significant(0.375, 2), "0.38"),
    ("significant -0", significant(-0.0, 6), "0"),
    ("scientific 2", scientific(0.000123456, 2), "1.23e-04"),
    ("scientific 1", scientific(0.34, 1), "3.4e-01"),
    ("scientific -0", scientific(-0.0, 1), "0.0e+00"),
    ("plain", plain(1e-6), "1e-06"),
    ("plain half", plain(0.5), "0.5"),
    ("plain integer", plain(100.0), "100"),
    ("fixed", fixed(2.6, 2), "2.60"),
    ("fixed negative", fixed(-1.3, 2), "-1.30"),
    ("fixed -0", fixed(-0.0, 2), "0.00"),
]


@pytest.mark.parametrize(("name", "text", "expected"), FLOATS, ids=[c[0] for c in FLOATS])
def test_float_policies(name, text, expected) -> None:
    assert text == expected


def test_not_a_number_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="not a number"):
        shown("twelve")
    with pytest.raises(TypeError, match="not a number"):
        shown(object())
