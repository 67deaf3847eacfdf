"""The one number formatter, and the hand-rounding quantizer built on it.

``--digits`` means decimals, in every command.  Every number a walkthrough (or
``derive``'s text) shows goes through :func:`shown`.  The rule, with
``digits`` = N:

* a value with at most N + 1 decimals is shown exactly (``0.4931`` stays
  ``0.4931`` at N = 3, as a student's calculator would show 0.5 − 0.1·0.069);
* otherwise it is rounded half-even to N decimals, or to N significant digits
  when N decimals would leave fewer than two (``0.0004386``, not ``0.0004``);
  a rounded value keeps its trailing zeros (``0.1580``);
* beyond 10¹² or below 10⁻¹² it is shown in scientific notation.

``exact`` says whether the shown text equals the value (decided exactly for a
Rational, up to 30-digit noise for a Float); renderers write ≈ where it does
not, in both rounding modes.  The other policies, each for one place:

* :func:`given`: a number the user gave (input, parameter, η), as written;
* :func:`column`: every number of one table column with one number of
  decimals (``digits``, or up to :data:`COLUMN_EXTRA` more so that the smallest
  rounded entry keeps two significant digits);
* :func:`carried`: a number hand rounding rounded and carried on, with its zeros;
* :func:`at_places`: a number with a fixed number of decimals.

:func:`hand_quantizer` applies :func:`shown`'s rule to every computed number,
so that "hand" rounding carries on with the shown numbers.  How substituted
numbers are chosen so that a line reproduces its result is
:mod:`symbackprop.output.substitution`.

Reports that show floats rather than exact values use the policies named for
what they do: :func:`significant` (``0.0692042``), :func:`scientific`
(``1.2e-10``), :func:`plain` (``1e-06``) and :func:`fixed` (``2.60``).  Every
number-to-text conversion of the package is one of these.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import MAX_EMAX, MIN_EMIN, ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext
from fractions import Fraction
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # SymPy is imported where it is used, so that walkthrough --help stays light
    from sympy import Expr

__all__ = [
    "COLUMN_EXTRA",
    "Shown",
    "at_places",
    "carried",
    "column",
    "fixed",
    "given",
    "hand_quantizer",
    "plain",
    "relation",
    "scientific",
    "shown",
    "significant",
]

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


def _split(value: Any) -> tuple[Decimal, Fraction | None]:
    """``value`` as a Decimal of :data:`_PRECISION` digits and, when it is known exactly, as a Fraction.

    Integers, Rationals, Fractions, Decimals and Python floats (read as they
    print: 0.1 is 1/10) are exact; a SymPy Float is a rounded transcendental
    value, known only to its digits.
    """
    if isinstance(value, bool):
        raise TypeError(value)
    if isinstance(value, (Decimal, int, Fraction)):
        d = value if isinstance(value, Decimal) else _fraction_decimal(Fraction(value))
        return d, (Fraction(value) if d.is_finite() else None)
    if isinstance(value, float):
        d = Decimal(repr(value))
        return d, (Fraction(repr(value)) if d.is_finite() else None)
    if isinstance(value, str):
        return Decimal(value), None
    from sympy import Expr, Float, Rational

    if isinstance(value, Rational):
        exact = Fraction(int(value.p), int(value.q))
        return _fraction_decimal(exact), exact
    if isinstance(value, Float):
        return Decimal(str(value)), None  # str(Float) keeps every digit
    if isinstance(value, Expr):
        return Decimal(str(Float(value, _PRECISION))), None
    if hasattr(value, "_mpf_"):  # an mpmath number
        return Decimal(str(Float(value, _PRECISION))), None
    msg = f"not a number: {value!r}"
    raise TypeError(msg)


def _fraction_decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def _plain(d: Decimal) -> str:
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text


def _equal(shown_value: Decimal, d: Decimal, exact: Fraction | None) -> bool:
    """Whether the shown decimal is the value: exactly for an exact value, up to 30-digit noise otherwise."""
    if exact is not None:
        return Fraction(shown_value) == exact
    return abs(shown_value - d) <= _NOISE * max(Decimal(1), abs(d))


def _special(d: Decimal) -> Shown:
    text = "NaN" if d.is_nan() else ("-inf" if d < 0 else "inf")
    return Shown(text, r"\text{%s}" % text, False, d)


def _scientific(d: Decimal, exact: Fraction | None, digits: int) -> Shown:
    mantissa = f"{d:.{max(digits - 1, 1)}e}"
    m, e_part = mantissa.split("e")
    rounded = Decimal(mantissa)
    return Shown(mantissa, r"%s \times 10^{%d}" % (m, int(e_part)), _equal(rounded, d, exact), rounded)


def _rounded(d: Decimal, exact: Fraction | None, places: int) -> Shown:
    """``d`` rounded half-even to ``places`` decimals; a rounded value keeps its trailing zeros."""
    rounded = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    equal = _equal(rounded, d, exact)
    text = _plain(rounded) if equal else format(rounded, "f")
    return Shown(text, text, equal, rounded)


def _big_or_tiny(magnitude: Decimal) -> bool:
    return magnitude >= Decimal("1e12") or magnitude < Decimal("1e-12")


def shown(value: Any, digits: int = 4) -> Shown:
    """How ``value`` is shown with ``digits`` decimals (see the module docstring)."""
    try:
        return _shown(value, digits)
    except TypeError as e:
        if "unhashable" not in str(e):
            raise
    return _shown.__wrapped__(value, digits)


@contextlib.contextmanager
def _context() -> Iterator[None]:
    """A decimal context of :data:`_PRECISION` digits whose exponents reach as far as decimal allows.

    Exact values far beyond float range (e¹⁰⁰⁰, exp(10¹⁶)) are finite numbers, shown in
    scientific notation like any other, never as ``inf``.
    """
    with localcontext() as ctx:
        ctx.prec, ctx.Emax, ctx.Emin = _PRECISION, MAX_EMAX, MIN_EMIN
        yield


def _astronomical(value: Any, digits: int) -> Shown:
    """A number whose exponent is beyond what a decimal holds (e^(-10^29)), in scientific notation.

    Its ``value`` is NaN: nothing computes with it further (a line is not reproduced from it).
    """
    import mpmath

    number = mpmath.mpf(value._mpf_)
    mantissa, _, exponent = mpmath.nstr(number, max(digits, 2)).partition("e")
    exponent = exponent.lstrip("+")
    if len(exponent) > 15:  # the exponent itself is astronomical: its order of magnitude, 10^{2.53e+702}
        sign = "-" if number < 0 else ""
        power = mpmath.nstr(mpmath.log10(abs(number)), 3)
        text = f"{sign}10^{{{power}}}"
        return Shown(text, text, False, Decimal("NaN"))
    return Shown(f"{mantissa}e{exponent}", r"%s \times 10^{%s}" % (mantissa, exponent), False, Decimal("NaN"))


@functools.lru_cache(maxsize=1 << 15)
def _shown(value: Any, digits: int) -> Shown:
    with _context():
        try:
            d, exact = _split(value)
        except (InvalidOperation, ValueError, TypeError) as e:
            if hasattr(value, "_mpf_"):
                return _astronomical(value, digits)
            msg = f"not a number: {value!r}"
            raise TypeError(msg) from e
        if not d.is_finite():
            return _special(d)
        if d == 0:
            return Shown("0", "0", True, Decimal(0))
        magnitude = abs(d)
        if _big_or_tiny(magnitude):
            return _scientific(d, exact, digits)
        short = _rounded(d, exact, digits + 1)
        if short.exact:  # at most N + 1 decimals: shown as is
            return short
        if magnitude < Decimal(1).scaleb(1 - digits):  # N decimals: fewer than two significant digits
            return _rounded(d, exact, digits - 1 - d.adjusted())
        return _rounded(d, exact, digits)


def at_places(value: Any, places: int) -> Shown:
    """``value`` with ``places`` decimals, as one column of a table shows it.

    An exact value with at most ``places`` decimals is shown as is (``0.25``,
    not ``0.2500``); a rounded one keeps its trailing zeros.  A value that
    would round to zero, or is beyond 10¹², is shown in scientific notation
    with two significant digits.
    """
    with _context():
        d, exact = _split(value)
        if not d.is_finite():
            return _special(d)
        if d == 0:
            return Shown("0", "0", True, Decimal(0))
        magnitude = abs(d)
        if magnitude >= Decimal("1e12") or magnitude < Decimal("0.5").scaleb(-places):
            return _scientific(d, exact, 2)
        return _rounded(d, exact, places)


#: A table column never shows more than this many decimals beyond ``digits``.
COLUMN_EXTRA = 2


def _places(d: Decimal, digits: int) -> int:
    """The decimals :func:`shown` rounds ``d`` to: ``digits``, or more to keep two significant digits."""
    return digits if abs(d) >= Decimal(1).scaleb(1 - digits) else digits - 1 - d.adjusted()


def carried(value: Any, digits: int = 4) -> Shown:
    """A number that hand rounding rounded and carried on, as it was shown: its trailing zeros
    kept (``0.5250``, not ``0.525``), and marked as rounded."""
    with _context():
        d, _ = _split(value)
        if not d.is_finite() or d == 0 or _big_or_tiny(abs(d)):
            return replace(shown(value, digits), exact=False)
        places = max(_places(d, digits), -d.normalize().as_tuple().exponent)  # type: ignore[operator]
        text = format(d.quantize(Decimal(1).scaleb(-places)), "f")
        return Shown(text, text, False, Decimal(text))


def column(values: Sequence[Any], digits: int = 4, rounded: Sequence[bool] | None = None) -> list[Shown]:
    """Every number of one table column, with one number of decimals.

    The column's decimals are ``digits``, or more (at most ``digits`` +
    :data:`COLUMN_EXTRA`) so that its smallest rounded entry keeps two
    significant digits.  Exact entries with no more decimals than that are
    shown as they are.

    With ``rounded`` (hand rounding: every value is one carried on), each
    value is shown as it was carried: :func:`carried` when it was rounded
    (``0.0700``), :func:`shown` otherwise (exactly, since it is short).
    """
    if rounded is not None:
        return [carried(v, digits) if r else shown(v, digits) for v, r in zip(values, rounded)]
    places = digits
    with _context():
        for v in values:
            try:
                d, exact = _split(v)
            except (InvalidOperation, ValueError, TypeError):  # beyond a decimal's exponents: as shown
                return [shown(v, digits) for v in values]
            # past 10^12 a column shows scientific notation, and quantizing would exceed the precision
            big = not d.is_finite() or abs(d) >= Decimal("1e12")
            if not big and d != 0 and not _equal(d.quantize(Decimal(1).scaleb(-places)), d, exact):
                places = max(places, 1 - d.adjusted())
    places = min(places, digits + COLUMN_EXTRA)
    return [at_places(v, places) for v in values]


@functools.lru_cache(maxsize=1 << 12)
def given(value: Any, digits: int = 4) -> Shown:
    """A number the user gave (an input, a parameter, η): shown as written when it is a short
    decimal (at most 12 decimals), else as :func:`shown` shows it."""
    with _context():
        d, exact = _split(value)
        if exact is not None and d.is_finite() and not _big_or_tiny(abs(d)) and d != 0:
            for places in range(digits + 2, 13):
                s = _rounded(d, exact, places)
                if s.exact:
                    return s
    return shown(value, digits)


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
