"""A side's value with mpmath, without building 30-digit SymPy numbers.

:meth:`.oracle.Oracle.value` substituted 30-digit Floats into a side and let
SymPy rebuild it: every Mul and Add flattened again, assumptions asked, a
fifth of verify's time on a long document.  :func:`evaluate` walks the side's
tree once instead, with mpmath at 40 digits (more than the 30 the verdicts
read).  Exact numbers stay exact (Fractions) until they meet an inexact one,
as in SymPy, so written arithmetic such as ``0.1 + 0.2 - 0.3`` is still
exactly zero and ``<`` between exact sides is decided exactly.

Whatever has no rule here (a complex or infinite intermediate, a division by
zero, a Piecewise, a function of the document's own, a name with no value)
raises :class:`Fallback`: the caller then takes SymPy's route, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import sympy
from mpmath.ctx_mp import MPContext
from mpmath.libmp import finf, fnan, fninf
from sympy import Expr

__all__ = ["MP", "Fallback", "as_value", "evaluate", "template"]

#: The context values are computed in (its own precision, so that nothing global changes).
MP = MPContext()
MP.dps = 40

#: A value: exact (a Fraction) or an mpf of :data:`MP`.
Value = Any

#: The largest exact integer power computed (a larger one is left to SymPy).
EXACT_POWER = 256


class Fallback(Exception):
    """The expression has a part that this walk does not evaluate: use SymPy."""


def _mp(x: Value) -> Any:
    """``x`` as an mpf of :data:`MP` (an integer made once: ``-1`` in every difference)."""
    if type(x) is Fraction:
        key = (x.numerator, x.denominator)
        known = _EXACT.get(key)
        if known is None:  # (dividing by 1 changes nothing: an integer is already rounded)
            if len(_EXACT) >= CONSTANTS:
                _EXACT.clear()
            known = _EXACT[key] = MP.mpf(key[0]) / key[1] if key[1] != 1 else MP.mpf(key[0])
        return known
    return x


#: Most integers and fractions kept made (see :func:`_mp` and :func:`_rational`).
CONSTANTS = 4096

#: Exact numbers as mpf, by numerator and denominator (a weight is read at every evaluation).
_EXACT: dict[tuple[int, int], Any] = {}


#: The class of :data:`MP`'s numbers, and the mpf values that are not finite.
_MPF = MP.mpf
_SPECIAL = frozenset({finf, fninf, fnan})


def _finite(x: Any) -> Any:
    """``x`` when it is a finite real mpf, else :class:`Fallback` (complex, infinite, nan)."""
    if type(x) is not _MPF or x._mpf_ in _SPECIAL:
        raise Fallback("not a finite real number")
    return x


def _positive(f: Callable[[Any], Any]) -> Callable[[Value], Value]:
    """A function defined for positive arguments only (``log``)."""

    def g(x: Value) -> Value:
        if x <= 0:
            raise Fallback("outside the domain")
        return _finite(f(_mp(x)))

    return g


def _real(f: Callable[[Any], Any]) -> Callable[[Value], Value]:
    return lambda x: _finite(f(_mp(x)))


def _exp(x: Value) -> Value:
    return Fraction(1) if x == 0 and isinstance(x, Fraction) else _finite(MP.exp(_mp(x)))


#: Functions of one argument, by SymPy class.
_UNARY: dict[type, Callable[[Value], Value]] = {
    sympy.exp: _exp,
    sympy.log: _positive(MP.log),
    sympy.tanh: _real(MP.tanh),
    sympy.sinh: _real(MP.sinh),
    sympy.cosh: _real(MP.cosh),
    sympy.sin: _real(MP.sin),
    sympy.cos: _real(MP.cos),
    sympy.atan: _real(MP.atan),
    sympy.erf: _real(MP.erf),
    sympy.Abs: abs,
}


#: The operations evaluated here (besides library functions).
_KNOWN = (sympy.Add, sympy.Mul, sympy.Pow, sympy.Max, sympy.Min, sympy.Heaviside, *_UNARY)


def evaluate(expr: Expr, leaf: Callable[[Expr], Any]) -> Value:
    """``expr``'s value; ``leaf`` gives each name's (or derivative's) value: a SymPy number, a
    value of this module, or ``None``.

    Raises:
        Fallback: A part of ``expr`` has no rule here, or a leaf has no value.
    """
    rule = _RULES.get(type(expr))
    if rule is None:
        rule = _RULES[type(expr)] = _rule(type(expr))
    return rule(expr, leaf)


def _rule(cls: type) -> Callable[[Any, Callable[[Expr], Any]], Value]:
    """How an expression of class ``cls`` is evaluated (found once per class: the walk dispatches on
    its node's class, instead of asking ``isinstance`` of each node again and again)."""
    if issubclass(cls, sympy.Rational):
        return _rational
    if issubclass(cls, sympy.Float):
        return _float
    if getattr(cls, "is_Atom", False):
        return _constant
    if not issubclass(cls, _KNOWN) and not callable(getattr(cls, "elementary", None)):
        return _unknown
    if issubclass(cls, sympy.Add):
        return _add
    if issubclass(cls, sympy.Mul):
        return _mul
    if issubclass(cls, sympy.Pow):
        return lambda expr, leaf: _power(*[evaluate(a, leaf) for a in expr.args])
    return lambda expr, leaf: _function(expr, [evaluate(a, leaf) for a in expr.args])


#: :func:`_rule` by class, found once.
_RULES: dict[type, Callable[[Any, Callable[[Expr], Any]], Value]] = {}


def _rational(expr: Any, leaf: Callable[[Expr], Any]) -> Value:
    key = (expr.p, expr.q)
    known = _FRACTIONS.get(key)
    if known is None:
        if len(_FRACTIONS) >= CONSTANTS:
            _FRACTIONS.clear()
        known = _FRACTIONS[key] = Fraction(int(expr.p), int(expr.q))
    return known


#: SymPy's Rationals as Fractions, by numerator and denominator.
_FRACTIONS: dict[tuple[int, int], Fraction] = {}


def _float(expr: Any, leaf: Callable[[Expr], Any]) -> Value:
    return _finite(MP.make_mpf(expr._mpf_))


def _unknown(expr: Any, leaf: Callable[[Expr], Any]) -> Value:
    raise Fallback(type(expr).__name__)


def _constant(expr: Expr, leaf: Callable[[Expr], Any]) -> Value:
    """A number constant (π, e), or a leaf: a name or a derivative."""
    if expr is sympy.E:
        return +MP.e
    if expr is sympy.pi:
        return +MP.pi
    value = leaf(expr)
    if type(value) is Fraction or type(value) is _MPF:
        return value
    if not isinstance(value, (sympy.Rational, sympy.Float)):
        raise Fallback(f"no value for {expr}")
    return evaluate(value, leaf)


def as_value(value: Any) -> Value | None:
    """A SymPy number as a value of this module (what :func:`evaluate` makes of it), or ``None`` when
    it is none (not a Rational nor a Float, not finite)."""
    if not isinstance(value, (sympy.Rational, sympy.Float)):
        return None
    try:
        return evaluate(value, _no_leaf)
    except Fallback:
        return None


def _no_leaf(expr: Expr) -> None:
    return None


def _add(expr: Any, leaf: Callable[[Expr], Any]) -> Value:
    """A sum: exact while every term is exact, in mpmath from the first inexact one on."""
    args = expr.args
    out = evaluate(args[0], leaf)
    for arg in args[1:]:
        a = evaluate(arg, leaf)
        out = out + a if type(out) is Fraction and type(a) is Fraction else _mp(out) + _mp(a)
    return out if type(out) is Fraction else _finite(out)


def _mul(expr: Any, leaf: Callable[[Expr], Any]) -> Value:
    """A product, as :func:`_add` sums."""
    args = expr.args
    out = evaluate(args[0], leaf)
    for arg in args[1:]:
        a = evaluate(arg, leaf)
        out = out * a if type(out) is Fraction and type(a) is Fraction else _mp(out) * _mp(a)
    return out if type(out) is Fraction else _finite(out)


def _power(base: Value, exp: Value) -> Value:
    if isinstance(exp, Fraction) and exp.denominator == 1:
        n = exp.numerator
        if base == 0 and n < 0:
            raise Fallback("division by zero")
        if isinstance(base, Fraction):
            if abs(n) > EXACT_POWER:
                raise Fallback("a large exact power")
            return base**n
        return _finite(base**n)
    if base < 0:
        raise Fallback("a power of a negative number")
    if base == 0:
        if exp > 0:
            return Fraction(0)
        raise Fallback("division by zero")
    return _finite(_mp(base) ** _mp(exp))


def _function(expr: Expr, args: list[Value]) -> Value:
    if _is_library(expr):
        form, dummies = template(expr)
        bound = {d: v for d, v in zip(dummies, args) if d is not None}
        return evaluate(form, bound.get)
    f = _UNARY.get(type(expr))
    if f is not None and len(args) == 1:
        return f(args[0])
    if isinstance(expr, (sympy.Max, sympy.Min)):
        pick = max if isinstance(expr, sympy.Max) else min
        return pick(args, key=_mp)
    if isinstance(expr, sympy.Heaviside):
        z = args[0]
        if z != 0:
            return Fraction(1 if z > 0 else 0)
        return args[1] if len(args) > 1 else Fraction(1, 2)
    raise Fallback(type(expr).__name__)


def _is_library(expr: Expr) -> bool:
    return callable(getattr(type(expr), "elementary", None))


#: Library functions in elementary form, with dummies for their non-number arguments.
_TEMPLATES: dict[tuple, tuple[Expr, tuple[sympy.Dummy | None, ...]]] = {}

#: Most templates kept (one per function and per number arguments, ``\sigma(0.9)``).
TEMPLATES = 1024


def template(expr: Expr) -> tuple[Expr, tuple[sympy.Dummy | None, ...]]:
    """A library function's elementary form (``σ(z)``: ``1/(1 + e^{-d})``), built once per function
    and per number arguments, with a dummy for each other argument (``None`` for a number one)."""
    key = (type(expr), *(a if a.is_Number else None for a in expr.args))
    if key not in _TEMPLATES:
        if len(_TEMPLATES) >= TEMPLATES:
            _TEMPLATES.clear()
        dummies = tuple(None if a.is_Number else sympy.Dummy(f"a{k}") for k, a in enumerate(expr.args))
        args = [a if d is None else d for a, d in zip(expr.args, dummies)]
        _TEMPLATES[key] = (type(expr).elementary(*args), dummies)
    return _TEMPLATES[key]
