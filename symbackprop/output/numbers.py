"""The one number formatter, and the hand-rounding quantizer built on it.

Every number a walkthrough shows goes through :func:`shown`.  The rule, with
``digits`` = N:

* a value with at most N + 1 decimals is shown exactly (``0.4931`` stays
  ``0.4931`` at N = 3, as a student's calculator would show 0.5 − 0.1·0.069);
* otherwise it is rounded half-even to N decimals, or to N significant digits
  when N decimals would leave fewer than two (``0.0004386``, not ``0.0004``);
* beyond 10¹² or below 10⁻¹² it is shown in scientific notation.

``exact`` says whether the shown text equals the value; renderers write ≈
where it does not.  :func:`hand_quantizer` applies the same rule to every
computed number, so that "hand" rounding carries on with the shown numbers.

Reports that show floats rather than exact values use the other policies here,
each named for what it does: :func:`significant` (``0.0692042``),
:func:`scientific` (``1.2e-10``), :func:`plain` (``1e-06``) and :func:`fixed`
(``2.60``).  Every number-to-text conversion of the package is one of these.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # SymPy is imported where it is used, so that walkthrough --help stays light
    from sympy import Expr

__all__ = ["Shown", "fixed", "hand_quantizer", "plain", "relation", "scientific", "shown", "significant"]

_PRECISION = 40

#: Differences below this (relative) are arithmetic noise of 30-digit numbers, not digits.
_NOISE = Decimal("1e-25")


@dataclass(frozen=True)
class Shown:
    """A number as displayed: plain text, LaTeX, and whether it is exact."""

    text: str
    latex: str
    exact: bool
    value: Decimal

    @property
    def rel(self) -> str:
        """``=`` or ``\\approx``: the LaTeX relation to write before the number."""
        return relation(self.exact)

    @property
    def marked(self) -> str:
        """The plain text, with ``≈ `` in front when it is rounded."""
        return self.text if self.exact else "≈ " + self.text


def _decimal(value: Any) -> Decimal:
    from sympy import Expr, Float

    if isinstance(value, Decimal):
        return value
    if isinstance(value, Float):
        return Decimal(str(value))  # str(Float) keeps every digit
    if isinstance(value, Expr):
        return Decimal(str(Float(value, _PRECISION)))
    if isinstance(value, (int, float, str)):
        return Decimal(repr(value) if isinstance(value, float) else str(value))
    msg = f"not a number: {value!r}"
    raise TypeError(msg)


def _plain(d: Decimal) -> str:
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text


def shown(value: Any, digits: int = 4) -> Shown:
    """How ``value`` is shown with ``digits`` decimals (see the module docstring)."""
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        try:
            d = _decimal(value)
        except (InvalidOperation, ValueError) as e:
            msg = f"not a number: {value!r}"
            raise TypeError(msg) from e
        if not d.is_finite():
            text = "NaN" if d.is_nan() else ("-inf" if d < 0 else "inf")
            return Shown(text, r"\text{%s}" % text, False, d)
        if d == 0:
            return Shown("0", "0", True, Decimal(0))
        magnitude = abs(d)
        if magnitude >= Decimal("1e12") or magnitude < Decimal("1e-12"):
            mantissa = f"{d:.{max(digits - 1, 1)}e}"
            m, e_part = mantissa.split("e")
            exp = int(e_part)
            rounded = Decimal(mantissa)
            return Shown(mantissa, r"%s \times 10^{%d}" % (m, exp), rounded == d, rounded)
        exact_places = Decimal(1).scaleb(-(digits + 1))
        short = d.quantize(exact_places, rounding=ROUND_HALF_EVEN)
        if abs(short - d) <= _NOISE * max(Decimal(1), magnitude):  # 30-digit arithmetic noise
            return Shown(_plain(short), _plain(short), True, short)
        rounded = d.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN)
        if abs(rounded) < Decimal(1).scaleb(1 - digits):  # fewer than two significant digits
            places = digits - 1 - d.adjusted()
            rounded = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
        text = format(rounded, "f")  # a rounded value keeps its trailing zeros: 0.1580
        return Shown(text, text, rounded == d, rounded)


def relation(exact: bool) -> str:
    """The LaTeX relation between a quantity and its shown value: ``=``, or ``\\approx`` when rounded."""
    return "=" if exact else r"\approx"


def _float(value: Any) -> float:
    number = float(value)
    return 0.0 if number == 0 else number  # -0.0 is shown as 0


def significant(value: Any, digits: int = 6) -> str:
    """A float to ``digits`` significant digits, trailing zeros dropped: ``0.0692042``, ``1e-07``."""
    return f"{_float(value):.{digits}g}"


def scientific(value: Any, digits: int = 2) -> str:
    """A float in scientific notation with ``digits`` decimals: ``1.23e-10``."""
    return f"{_float(value):.{digits}e}"


def plain(value: Any) -> str:
    """A float as short as Python's ``g`` format writes it: ``1e-06``, ``0.5``, ``100``."""
    return f"{_float(value):g}"


def fixed(value: Any, places: int = 2) -> str:
    """A float with exactly ``places`` decimals (coordinates of a drawing): ``2.60``."""
    return f"{_float(value):.{places}f}"


def hand_quantizer(digits: int):
    """A quantizer for :meth:`Derivation.at`: carry on with the numbers as shown."""

    from sympy import Float

    def quantize(value: Expr) -> tuple[Expr, bool]:
        s = shown(value, digits)
        if not s.value.is_finite():
            return value, False
        return Float(str(s.value), 30), not s.exact

    return quantize
