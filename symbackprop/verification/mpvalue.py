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
from sympy import Expr

__all__ = ["MP", "Fallback", "evaluate", "template"]

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
    """``x`` as an mpf of :data:`MP`."""
    if isinstance(x, Fraction):
        return MP.mpf(x.numerator) / x.denominator
    return x


def _finite(x: Any) -> Any:
    """``x`` when it is a finite real mpf, else :class:`Fallback` (complex, infinite, nan)."""
    if not isinstance(x, MP.mpf) or not MP.isfinite(x):
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
    if isinstance(expr, sympy.Rational):
        return Fraction(int(expr.p), int(expr.q))
    if isinstance(expr, sympy.Float):
        return _finite(MP.make_mpf(expr._mpf_))
    if expr.is_Atom:
        return _constant(expr, leaf)
    if not isinstance(expr, _KNOWN) and not _is_library(expr):
        raise Fallback(type(expr).__name__)
    args = [evaluate(a, leaf) for a in expr.args]
    if isinstance(expr, sympy.Add):
        return _fold(args, lambda a, b: a + b)
    if isinstance(expr, sympy.Mul):
        return _fold(args, lambda a, b: a * b)
    if isinstance(expr, sympy.Pow):
        return _power(*args)
    return _function(expr, args)


def _constant(expr: Expr, leaf: Callable[[Expr], Any]) -> Value:
    """A number constant (π, e), or a leaf: a name or a derivative."""
    if expr is sympy.E:
        return +MP.e
    if expr is sympy.pi:
        return +MP.pi
    value = leaf(expr)
    if isinstance(value, (Fraction, MP.mpf)):
        return value
    if not isinstance(value, (sympy.Rational, sympy.Float)):
        raise Fallback(f"no value for {expr}")
    return evaluate(value, leaf)


def _fold(args: list[Value], op: Callable[[Value, Value], Value]) -> Value:
    """Exact while every operand is exact, in mpmath from the first inexact one on."""
    out = args[0]
    for a in args[1:]:
        out = op(out, a) if isinstance(out, Fraction) and isinstance(a, Fraction) else op(_mp(out), _mp(a))
    return out if isinstance(out, Fraction) else _finite(out)


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
