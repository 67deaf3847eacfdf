"""Decimal literals read exactly, with their size bounded from the text before any number is built."""

from __future__ import annotations

import re

from sympy import Expr, Integer, Rational

from .limits import MAX_NUMBER_BITS

__all__ = ["exact_decimal"]

#: A decimal literal: digits, an optional fraction, an optional exponent.
_DECIMAL = re.compile(r"(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\Z")


def exact_decimal(literal: str) -> Expr | None:
    """``literal`` as an exact Rational, or None when numerator or denominator would pass the limit.

    The size is bounded from the text, before any power of ten is built: ``0E9000000`` is 0 at
    once, and ``1e-5000`` (a 5,000-digit denominator) is refused instead of computed.
    """
    m = _DECIMAL.match(literal)
    if m is None:
        return None
    whole, fraction, exponent = m.group(1), m.group(2) or "", m.group(3) or "0"
    digits = (whole + fraction).lstrip("0")
    if not digits:
        return Integer(0)
    if len(exponent.lstrip("+-")) > 7:
        return None
    shift = int(exponent) - len(fraction)  # value = int(digits) * 10**shift
    if (len(digits) + abs(shift)) * 3.33 > MAX_NUMBER_BITS:  # 10**k has 3.32·k bits
        return None
    mantissa = Integer(int(whole + fraction))
    return mantissa * Integer(10) ** shift if shift >= 0 else Rational(mantissa, Integer(10) ** -shift)
