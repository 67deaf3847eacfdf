"""Decimal literals read exactly, with their size bounded from the text before any number is built."""

from __future__ import annotations

import re

from sympy import Expr, Integer, Rational

from ..errors import SpecError
from .limits import MAX_NUMBER_BITS

__all__ = ["check_real", "exact_decimal"]

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


def check_real(expr: Expr, where: str) -> None:
    """Refuse a constant part that is not a real number: ``sqrt(-1.0)`` is i, ``1/0`` is ``zoo``."""
    import sympy

    bad = {
        sympy.I: "an imaginary number (the square root of a negative constant)",
        sympy.zoo: "complex infinity (division by zero)",
        sympy.nan: "not a number (such as 0/0)",
        sympy.oo: "infinity",
    }
    atoms = expr.atoms(sympy.Number, sympy.NumberSymbol, sympy.core.numbers.ImaginaryUnit)
    for atom, what in bad.items():
        if atom in atoms or -atom in atoms:
            raise SpecError(f"a constant in it is {what}, not a real number", where=where or None)
