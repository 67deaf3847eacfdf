"""Rounding judged as a careful reader judges it: a shown number stands for an interval.

A number shown with k decimals stands for ``value ± ½·10⁻ᵏ``; the document's
givens (inputs, targets, weights, the learning rate) and integers are exact.
A side computed from shown numbers gets the interval propagated through its
arithmetic (mpmath's interval arithmetic), and a result holds when it lies in
that interval widened by its own last digit.  A result then *carries* that
interval: when a later line writes the same number, it stands for everything
the earlier line allowed, so ``−0.188`` from ``0.284 − 0.472`` holds and feeds
later lines with its honest uncertainty.

The three digits policies are data (:data:`DIGITS_POLICIES`):

* ``round`` (default): half a unit of the last digit, intervals carried;
* ``strict``: half a unit, nothing carried: every shown number must be its
  true value correctly rounded;
* ``loose``: a whole unit (truncation accepted), intervals carried.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sympy
from mpmath import mp
from mpmath.ctx_iv import MPIntervalContext
from mpmath.libmp import (
    MPZ,
    finf,
    fnan,
    fninf,
    fone,
    from_int,
    mpf_abs,
    mpf_add,
    mpf_div,
    mpf_gt,
    mpf_le,
    mpf_lt,
    mpf_mul,
    mpf_mul_int,
    mpf_pos,
    mpf_sub,
    normalize,
    round_nearest,
)
from sympy import Expr, Float, Rational, Symbol

__all__ = [
    "DIGITS_POLICIES",
    "IV",
    "PRECISE_DIGITS",
    "Interval",
    "NoInterval",
    "Policy",
    "Rounding",
    "contains",
    "fresh_point",
    "hull",
    "middle",
    "overlap",
    "point",
]

#: The interval context (its own precision, so that nothing global changes).
IV = MPIntervalContext()
IV.dps = 40

#: An mpmath interval.
Interval = Any

#: Operands with at most this many significant digits are read as exact (weights, inputs, rates).
SHORT = 1

#: A result shown with this many more decimals than an operand was computed with that operand as
#: exact: nobody gets ``0.35891648`` from a ``0.40`` that stands for anything in [0.395, 0.405].
PRECISE_DIGITS = 3

#: Widening that absorbs arithmetic noise in exact values (digits at the 30th place).
NOISE = mp.mpf("1e-25")
_NOISE = NOISE._mpf_


@dataclass(frozen=True)
class Policy:
    """How shown numbers are judged.

    Attributes:
        units: Units of the last shown digit a shown number stands within.
        carry: Whether a shown result carries the interval it was computed in.
    """

    units: Rational
    carry: bool


#: The ``--digits-policy`` choices.
DIGITS_POLICIES: dict[str, Policy] = {
    "round": Policy(Rational(1, 2), True),
    "strict": Policy(Rational(1, 2), False),
    "loose": Policy(Rational(1), True),
}


class NoInterval(Exception):
    """An expression that interval arithmetic cannot evaluate (a first-order bound is used)."""


def _precise(f: Any) -> Any:
    """Run ``f`` with mpmath at 40 digits (its default of 15 would blur exact values)."""

    @functools.wraps(f)
    def g(*args: Any, **kwargs: Any) -> Any:
        before = mp.prec
        if before == IV.prec:  # already there (called from one of these)
            return f(*args, **kwargs)
        mp.prec = IV.prec  # what mp.workdps(IV.dps) does, without building a context manager
        try:
            return f(*args, **kwargs)
        finally:
            mp.prec = before

    return g


def point(x: Any) -> Interval:
    """A number as an interval of width zero (made once per number: intervals are immutable)."""
    known = _POINTS.get(x)
    if known is None:
        if len(_POINTS) >= POINTS:
            _POINTS.clear()
        if isinstance(x, Float) and x._prec <= IV.prec:  # its own digits: what _point gives, made directly
            known = _POINTS[x] = IV.make_mpf((x._mpf_, x._mpf_))
        else:
            known = _POINTS[x] = _point(x)
    return known


def fresh_point(x: Any) -> Interval:
    """:func:`point`, made afresh for a Float (not kept: for a value seen once, such as a true value)."""
    if isinstance(x, Float) and x._prec <= IV.prec:
        return IV.make_mpf((x._mpf_, x._mpf_))
    return point(x)


@_precise
def _point(x: Any) -> Interval:
    if isinstance(x, Rational):
        return IV.mpf(int(x.p)) / int(x.q)
    return IV.mpf(mp.mpf(sympy.Float(x, 40)._mpf_))


#: Numbers as intervals, by number (SymPy tells ``Float(0.5)`` from ``Rational(1, 2)``), at most
#: :data:`POINTS` of them.
_POINTS: dict[Any, Interval] = {}
POINTS = 1 << 16


def lo(x: Interval) -> Any:
    """The lower end of an interval, as an mpf."""
    return mp.make_mpf(x._mpi_[0])


def hi(x: Interval) -> Any:
    """The upper end of an interval, as an mpf."""
    return mp.make_mpf(x._mpi_[1])


# The operations below work on mpmath's raw numbers (``(sign, man, exp, bc)`` tuples) at the
# interval context's precision, rounding to nearest: exactly what ``mp`` does at that precision
# (see :func:`_precise`), without making a number object for each step or setting ``mp.prec``.

#: The precision (bits) and rounding of the raw operations.
_PREC, _RND = IV.prec, round_nearest


def _ends(a: tuple, b: tuple) -> Interval:
    """``IV.mpf([a, b])`` of two raw numbers (taken as they are, as mpmath takes mpf ends)."""
    if a == fnan or b == fnan:
        a, b = fninf, finf
    assert mpf_le(a, b), "endpoints must be properly ordered"
    return IV.make_mpf((a, b))


def _raw(value: Expr) -> tuple:
    """:func:`_mpf` of a value, as a raw number."""
    if isinstance(value, Rational):
        return mpf_div(mpf_pos(from_int(int(value.p)), _PREC, _RND), from_int(int(value.q)), _PREC, _RND)
    if isinstance(value, Float) and value._prec <= _PREC:
        return value._mpf_
    v = Float(value, 40)._mpf_
    return v if v in (finf, fninf, fnan) else normalize(v[0], MPZ(v[1]), v[2], v[3], _PREC, _RND)


#: The ends that are no finite number.
_INFINITE = (finf, fninf, fnan)


def _noise(v: tuple) -> tuple:
    """``NOISE * max(1, abs(v))``, raw."""
    a = mpf_abs(v, _PREC, _RND)
    return mpf_mul(_NOISE, a, _PREC, _RND) if mpf_gt(a, fone) else mpf_mul_int(_NOISE, 1, _PREC, _RND)


def _max(a: Interval, b: Interval) -> Interval:
    return IV.mpf([max(lo(a), lo(b)), max(hi(a), hi(b))])


def _min(a: Interval, b: Interval) -> Interval:
    return IV.mpf([min(lo(a), lo(b)), min(hi(a), hi(b))])


def _abs(a: Interval) -> Interval:
    if lo(a) >= 0:
        return a
    if hi(a) <= 0:
        return -a
    return IV.mpf([0, max(-lo(a), hi(a))])


def _step(a: Interval, at_zero: Interval | None = None) -> Interval:
    if lo(a) > 0:
        return IV.mpf(1)
    if hi(a) < 0:
        return IV.mpf(0)
    ends = [0 if lo(a) < 0 else None, 1 if hi(a) > 0 else None]
    if lo(a) == 0 or hi(a) == 0:  # the value at zero itself
        ends.append(int(hi(at_zero)) if at_zero is not None else 0)
    found = [e for e in ends if e is not None]
    return IV.mpf([min(found), max(found)])


def _monotone(f: Any) -> Any:
    """An increasing function of one interval, evaluated at its ends (widened outwards)."""

    def g(a: Interval) -> Interval:
        with mp.workdps(IV.dps):
            low, high = f(lo(a)), f(hi(a))
            return IV.mpf([low - abs(low) * NOISE - NOISE, high + abs(high) * NOISE + NOISE])

    return g


#: Functions of intervals, by SymPy class name.
_FUNCTIONS: dict[str, Any] = {
    "exp": lambda a: IV.exp(a),
    "log": lambda a: IV.log(a),
    "Abs": _abs,
    "Heaviside": _step,
    "tanh": _monotone(lambda x: mp.tanh(mp.mpf(x))),
    "atan": _monotone(lambda x: mp.atan(mp.mpf(x))),
    "erf": _monotone(lambda x: mp.erf(mp.mpf(x))),
}


def evaluate(expr: Expr, env: Mapping[Symbol, Interval]) -> Interval:
    """``expr`` as an interval, with ``env`` for its symbols.

    Raises:
        NoInterval: A part of it has no interval rule here.
    """
    if expr in env:
        return env[expr]
    if expr.is_Number:
        if not expr.is_finite or not expr.is_real:
            raise NoInterval(str(expr))
        return point(expr)
    if expr is sympy.E:
        return IV.e
    if expr is sympy.pi:
        return IV.pi
    args = expr.args
    if isinstance(expr, sympy.Add):
        total = evaluate(args[0], env)
        for a in args[1:]:
            total = total + evaluate(a, env)
        return total
    if isinstance(expr, sympy.Mul):
        prod = evaluate(args[0], env)
        for a in args[1:]:
            prod = prod * evaluate(a, env)
        return prod
    if isinstance(expr, sympy.Pow):
        return _power(expr, env)
    return _function(expr, env)


def _power(expr: Expr, env: Mapping[Symbol, Interval]) -> Interval:
    base, exp = expr.args
    b = evaluate(base, env)
    e = exp if exp.is_Number else evaluate(exp, env)
    n = _integer(e)
    if n is not None:
        if n < 0:
            if lo(b) <= 0 <= hi(b):
                raise NoInterval("division by an interval around zero")
            return 1 / (b ** (-n))
        return b**n
    if lo(b) > 0 or (lo(b) >= 0 and exp.is_Rational):
        return IV.exp((e if not exp.is_Number else point(exp)) * IV.log(b)) if lo(b) > 0 else b ** point(exp)
    raise NoInterval("a power of a number that may be negative")


def _integer(e: Any) -> int | None:
    """An exponent that is exactly an integer (written ``2`` or ``^{2}``), else ``None``."""
    if isinstance(e, Expr):
        return int(e) if e.is_Integer else None
    if lo(e) == hi(e) and lo(e) == int(lo(e)):
        return int(lo(e))
    return None


def _function(expr: Expr, env: Mapping[Symbol, Interval]) -> Interval:
    elementary = getattr(type(expr), "elementary", None)
    if elementary is not None:  # a library function: sigmoid, ReLU, ...
        return evaluate(elementary(*expr.args), env)
    name = type(expr).__name__
    if name in ("Max", "Min"):
        values = [evaluate(a, env) for a in expr.args]
        out = values[0]
        for v in values[1:]:
            out = _max(out, v) if name == "Max" else _min(out, v)
        return out
    if name in _FUNCTIONS and expr.args:
        return _FUNCTIONS[name](*[evaluate(a, env) for a in expr.args])
    raise NoInterval(name)


@_precise
def _first_order(expr: Expr, numbers: Mapping[Symbol, Interval]) -> Interval:
    """A first-order enclosure: the value at the middle ± Σ |∂/∂n| · radius(n)."""
    mids = {s: Rational(str(mp.nstr((lo(v) + hi(v)) / 2, 35))) for s, v in numbers.items()}
    centre = expr.xreplace(mids).evalf(40)
    if not centre.is_real or not centre.is_finite:
        raise NoInterval("not a finite real number")
    radius = mp.mpf(0)
    for s, v in numbers.items():
        d = sympy.diff(expr, s).xreplace(mids).evalf(40)
        if not d.is_real or not d.is_finite:
            raise NoInterval("no derivative here")
        radius += abs(mp.mpf(Float(d, 40)._mpf_)) * (hi(v) - lo(v)) / 2
    c = mp.mpf(Float(centre, 40)._mpf_)
    return IV.mpf([c - 2 * radius - NOISE, c + 2 * radius + NOISE])


class Rounding:
    """Intervals for the numbers a document shows, and what its results carry.

    Args:
        policy: A key of :data:`DIGITS_POLICIES`.
        exact: The document's givens (their values are exact wherever they are written).
        approximate: Values the document states as approximate (``≈``): never exact.
    """

    def __init__(self, policy: str, exact: Iterable[Expr] = (), approximate: Iterable[Expr] = ()) -> None:
        self.policy = DIGITS_POLICIES[policy]
        self.approximate: set[Rational] = {_rational(v) for v in approximate if _finite(v)}
        self.exact: set[Rational] = {_rational(v) for v in exact if _finite(v)} - self.approximate
        self.carried: dict[Rational, Interval] = {}
        self._own: dict[tuple[Rational, int], Interval] = {}
        self._widths: dict[int, tuple] = {}  # decimals -> half a unit of the last digit, and noise (raw)

    def add_exact(self, values: Iterable[Expr]) -> None:
        """More givens (values stated later, an updated point)."""
        self.exact |= {_rational(v) for v in values if _finite(v)} - self.approximate

    @_precise
    def half(self, decimals: int) -> Any:
        """What a number shown with ``decimals`` decimals may be off by."""
        if decimals <= 0:
            return mp.mpf(0)
        return mp.mpf(self.policy.units.p) / self.policy.units.q / mp.mpf(10) ** decimals

    def shown(self, number: Any, result: bool = False, exact_upto: int = 0) -> Interval:
        """The interval a written number (a :class:`~symbackprop.notation.latex.Number`) stands for.

        An operand of arithmetic is exact when it is an integer, one of the
        document's givens, or short (at most :data:`SHORT` significant digits)
        and never shown as a result: ``0.4 \\cdot 0.711`` multiplies a weight by
        a rounded activation.  Any other number stands for its rounding, widened
        to the interval it carries when an earlier line computed it from rounded
        numbers (a careful reader allows both).
        """
        v = number.value
        if number.decimals <= 0:
            return point(v)
        size = v if isinstance(v, Rational) and v.p >= 0 else abs(v)  # (the same number: not made again)
        carried = self.carried.get(size) if self.policy.carry else None
        exact = not result and (
            size in self.exact or _digits(number) <= SHORT or number.decimals <= exact_upto
        )
        if exact and carried is None:
            return point(v)
        own = point(v) if exact else self._rounded(v, number.decimals)
        if carried is None:
            return own
        negative = v.p < 0 if isinstance(v, Rational) else not v >= 0
        if negative:  # it only widens: the number still stands for its rounding
            carried = -carried
        return _join(own, carried)

    def _rounded(self, v: Rational, decimals: int) -> Interval:
        """``v ± units·10⁻ᵈ``, made once per number and decimals."""
        key = (v, decimals)
        known = self._own.get(key)
        if known is None:
            width = _WIDTHS.get((self.policy.units, decimals))
            if width is None:  # the same for every number shown with these decimals
                width = _WIDTHS[(self.policy.units, decimals)] = _width(self.policy.units, decimals)
            known = self._own[key] = point(v) + width
        return known

    def interval(
        self, expr: Expr, numbers: Mapping[Symbol, Any], result: bool = False, exact_upto: int = 0
    ) -> Interval:
        """A side as an interval: its written numbers as intervals, everything else exact.

        ``result``: the side is one number, a result (see :meth:`shown`).
        ``exact_upto``: operands with at most this many decimals are exact (see :data:`PRECISE_DIGITS`).

        Raises:
            NoInterval: The side is not a finite real number here.
        """
        if len(numbers) == 1 and expr in numbers:  # one number as written: nothing to compute
            out = self.shown(numbers[expr], result, exact_upto)
        else:
            out = self._computed(expr, numbers, result, exact_upto)
        if out._mpi_[0] in _INFINITE or out._mpi_[1] in _INFINITE:
            raise NoInterval("not a finite number")
        return out

    @_precise
    def _computed(self, expr: Expr, numbers: Mapping[Symbol, Any], result: bool, exact_upto: int) -> Interval:
        """:meth:`interval` of a side with arithmetic (at 40 digits)."""
        env = {s: self.shown(n, result, exact_upto) for s, n in numbers.items()}
        try:
            return evaluate(expr, env)
        except (NoInterval, ZeroDivisionError, ValueError, TypeError):
            try:
                return _first_order(expr, env)
            except (ZeroDivisionError, ValueError, TypeError):  # e.g. a derivative at a point, unevaluated
                raise NoInterval("not a number here") from None

    def widen(self, iv: Interval, decimals: int) -> Interval:
        """``iv`` widened by the last-digit rounding of a number with ``decimals`` decimals."""
        h = self._widths.get(decimals)
        if h is None:
            h = self._widths[decimals] = mpf_add(self.half(decimals)._mpf_, _NOISE, _PREC, _RND)
        a, b = iv._mpi_
        return _ends(mpf_sub(a, h, _PREC, _RND), mpf_add(b, h, _PREC, _RND))

    def carry(self, value: Rational, iv: Interval) -> None:
        """A shown result stands for ``iv`` wherever it is written later (kept by its absolute value)."""
        sign = _sign(value)
        if not self.policy.carry or sign == 0:
            return
        if sign < 0:
            value, iv = -value, -iv
        old = self.carried.get(value)
        self.carried[value] = iv if old is None else _join(old, iv)


def contains(iv: Interval, value: Expr) -> bool:
    """Whether an exact or 30-digit ``value`` lies in ``iv`` (up to arithmetic noise)."""
    v = _raw(value)
    a, b = iv._mpi_
    noise = _noise(v)
    return mpf_le(mpf_sub(a, noise, _PREC, _RND), v) and mpf_le(v, mpf_add(b, noise, _PREC, _RND))


def overlap(a: Interval, b: Interval) -> bool:
    """Whether two intervals meet."""
    (a0, a1), (b0, b1) = a._mpi_, b._mpi_
    return mpf_le(a0, mpf_add(b1, _NOISE, _PREC, _RND)) and mpf_le(b0, mpf_add(a1, _NOISE, _PREC, _RND))


def hull(iv: Interval, value: Expr) -> Interval:
    """The smallest interval holding ``iv`` and ``value``."""
    v = _raw(value)
    a, b = iv._mpi_
    return _ends(v if mpf_lt(v, a) else a, v if mpf_gt(v, b) else b)


def _join(a: Interval, b: Interval) -> Interval:
    """The smallest interval holding two intervals."""
    (a0, a1), (b0, b1) = a._mpi_, b._mpi_
    return _ends(b0 if mpf_lt(b0, a0) else a0, b1 if mpf_gt(b1, a1) else a1)


@_precise
def middle(iv: Interval) -> Float:
    """The middle of an interval, as a 30-digit SymPy Float."""
    return Float(mp.nstr((lo(iv) + hi(iv)) / 2, 35), 30)


@_precise
def _width(units: Rational, decimals: int) -> Interval:
    """``±units·10⁻ᵈ`` (at 40 digits: its ends are negated as mpf numbers, wherever it is asked from)."""
    h = IV.mpf(units.p) / units.q / IV.mpf(10) ** decimals
    return IV.mpf([-hi(h), hi(h)])


#: ``±units·10⁻ᵈ`` by (units, decimals): made once.
_WIDTHS: dict[tuple[Any, int], Interval] = {}


def _digits(number: Any) -> int:
    """Significant digits of a written number (``0.069``: 2, ``1.0``: 2)."""
    v = number.value
    if isinstance(v, Rational):  # the same, in integers
        scaled = abs(int(v.p)) * 10**number.decimals // int(v.q) if number.decimals >= 0 else None
        if scaled is not None:
            return len(str(scaled)) if v.p else 1
    scaled = abs(v) * 10**number.decimals
    return len(str(int(scaled))) if scaled else 1


def _sign(v: Expr) -> int:
    """-1, 0 or 1: the sign of a number (of a Rational from its numerator)."""
    if not isinstance(v, Rational):
        return -1 if v < 0 else (0 if v == 0 else 1)
    return (v.p > 0) - (v.p < 0)


def _mpf(value: Expr) -> Any:
    if isinstance(value, Rational):
        return mp.mpf(int(value.p)) / int(value.q)
    if isinstance(value, Float) and value._prec <= IV.prec:  # the same number, without a new Float
        return mp.make_mpf(value._mpf_)
    return mp.mpf(Float(value, 40)._mpf_)


def _finite(v: Expr) -> bool:
    """A given that is a finite real number, written as one (``r = 0/0`` gives none, and a value
    written as a formula, ``\\frac{1}{1 + e^{2.4}}``, is no exact number)."""
    if not (bool(getattr(v, "is_Number", False)) and bool(v.is_finite) and bool(v.is_real)):
        return False
    mpf = getattr(v, "_mpf_", None)  # a Float: as an exact fraction only within 2^(±4000)
    return mpf is None or not mpf[1] or abs(mpf[2] + mpf[3]) <= _EXACT_BITS


#: A written number whose binary exponent is beyond this is not made an exact fraction
#: (8.29e-53616602221555739999533126579 would need a denominator of 5·10^28 digits).
_EXACT_BITS = 4000


def _rational(v: Expr) -> Rational:
    if isinstance(v, Rational):
        return abs(v)
    return abs(Rational(str(Float(v, 30)).rstrip("0").rstrip(".") or "0"))
