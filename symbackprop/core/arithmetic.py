"""Exact-or-30-digit arithmetic over SymPy trees: each tree compiled once to Python closures.

A value is a :class:`fractions.Fraction` while it is exact, and an mpmath
``mpf`` at the working precision (:data:`DPS` digits, plus guard digits) once
a transcendental function makes it inexact.  Sums, products, integer powers,
ReLU, steps, max, min and abs of exact values stay exact; ``exp(0)``,
``log(1)``, ``σ(0)``, ``tanh(0)`` and square roots of squares are exact too.
So ``0.1 + 0.4·0.5 + 0.3·(−1)`` is exactly 0, and a ReLU whose argument is
exactly 0 is at its kink, not a rounding error away from it.

:func:`compiled` turns an expression into a function of an environment
(symbol -> value; a :class:`~symbackprop.core.derivation.Partial` is looked up
by its ``(of, wrt)`` pair), cached by expression: a repeated local form is
compiled once.  No text is ever evaluated: the closures are built from the tree.
"""

from __future__ import annotations

import functools
import math
from collections import ChainMap
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import mpmath
import sympy
from mpmath.libmp import mpf_mul, mpf_sum
from sympy import Expr, Float, Rational
from sympy.core.relational import Relational
from sympy.logic.boolalg import BooleanAtom

from .functions import LibraryFunction, entry_for
from .functions.activations import leaky_relu, relu, sigmoid, softmax, softplus, step

__all__ = [
    "DPS",
    "NotReal",
    "Number",
    "add",
    "compiled",
    "exact_value",
    "from_sympy",
    "is_exact",
    "kinks_of",
    "mul",
    "mul2",
    "to_sympy",
]

#: Decimal digits carried by every inexact number.
DPS = 30

#: Extra digits carried inside a computation, so that its result is right to :data:`DPS` digits.
_GUARD = 8

_CTX = mpmath.MPContext()
_CTX.dps = DPS + _GUARD
_PREC_ROUNDING = tuple(_CTX._prec_rounding)
_make_mpf = _CTX.make_mpf

#: A value during evaluation: exact, or an mpf at the working precision.
Number = Any  # Fraction, or mpmath.mpf

#: ``env -> value``: a compiled expression.
Compiled = Callable[[Mapping[Any, Number]], Number]

_ZERO, _ONE, _HALF = Fraction(0), Fraction(1), Fraction(1, 2)


class NotReal(ArithmeticError):
    """A value is not a finite real number (log of 0, division by 0, square root of −1)."""


def is_exact(value: Number) -> bool:
    return type(value) is Fraction


def _mp(value: Number) -> Any:
    """``value`` as an mpf of the working context."""
    if type(value) is Fraction:
        return _mp_fraction(value.numerator, value.denominator)
    return value


@functools.lru_cache(maxsize=1 << 14)
def _mp_fraction(numerator: int, denominator: int) -> Any:
    """numerator/denominator rounded to the working precision; cached, as a point's few fractions recur."""
    return _CTX.mpf(numerator) / denominator


#: The largest binary exponent of a value computed: a decimal exponent of about 3.5·10^17, within
#: what a shown number (a ``decimal.Decimal``) can hold.
_MAX_BINARY_EXPONENT = 2**60


def _real(value: Any) -> Number:
    """``value``, refused unless it is a finite real number."""
    if type(value) is Fraction:
        return value
    # a finite mpf has a mantissa bit count >= 0; inf, -inf and nan carry negative ones
    if not isinstance(value, _CTX.mpf) or value._mpf_[3] < 0:
        raise NotReal(_reason(value))
    return value


def _reason(value: Any) -> str:
    """Why ``value`` (an mpf, a SymPy number) is not a finite real number, in words."""
    text = str(value)
    if text in ("zoo", "oo", "-oo", "+inf", "-inf", "inf"):
        return "infinite" if text != "zoo" else "complex infinity (division by zero)"
    if text == "nan":
        return "undefined (nan)"
    return f"not real: {text}"


def exact_value(value: Any) -> Fraction:
    """A given number as an exact fraction: a float as it prints (0.1 is 1/10), a Float as its digits."""
    if type(value) is Fraction:  # before any isinstance: Fraction's are slow, through its ABC
        return value
    if isinstance(value, Rational):
        return Fraction(int(value.p), int(value.q))
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise TypeError(value)
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(repr(value))
    if isinstance(value, Float):
        return Fraction(str(value))
    raise TypeError(value)


def from_sympy(value: Expr) -> Number:
    """A SymPy number as a value: Rationals stay exact, Floats carry their digits inexactly."""
    if isinstance(value, Rational):
        return Fraction(int(value.p), int(value.q))
    if isinstance(value, Float):
        return _CTX.make_mpf(value._mpf_)
    number = value.evalf(DPS + _GUARD)
    if not isinstance(number, Float):
        raise NotReal(_reason(value))
    return _CTX.make_mpf(number._mpf_)


def to_sympy(value: Number) -> Expr:
    """A value as a SymPy number: Integer or Rational when exact, a :data:`DPS`-digit Float otherwise."""
    if type(value) is Fraction:
        return Rational(value.numerator, value.denominator)
    return Float(value, DPS)


# ------------------------------------------------------------------ operations


def add(values: Sequence[Number]) -> Number:
    """The sum, exact when every term is; otherwise the exact sum of the terms, rounded once."""
    if all(type(v) is Fraction for v in values):
        return _exact_sum(values)
    return _real(_make_mpf(mpf_sum([_mp(v)._mpf_ for v in values], *_PREC_ROUNDING)))


def _exact_sum(values: Sequence[Fraction]) -> Fraction:
    """Σ values over one common denominator: one normalisation instead of one per term."""
    if len(values) < 3:
        return sum(values, _ZERO)
    common = math.lcm(*[v.denominator for v in values])
    return Fraction(sum(v.numerator * (common // v.denominator) for v in values), common)


def mul(values: Sequence[Number]) -> Number:
    """The product, exact when every factor is (or when one is exactly 0)."""
    if len(values) == 2:
        return mul2(values[0], values[1])
    if any(type(v) is Fraction and v == 0 for v in values):
        return _ZERO  # 0 times a finite number is exactly 0
    if all(type(v) is Fraction for v in values):
        out = _ONE
        for v in values:
            out *= v
        return out
    return _real(_CTX.fprod(_mp(v) for v in values))


def mul2(a: Number, b: Number) -> Number:
    """``mul([a, b])``, without building a list: the hot operation of a backward pass.

    Finite mpfs at the working precision multiply to a finite mpf, rounded once,
    exactly as :func:`mul` rounds them.
    """
    if type(a) is Fraction:
        if type(b) is Fraction:
            return a * b
        if not a:
            return _ZERO
        a = _mp_fraction(a.numerator, a.denominator)
    elif type(b) is Fraction:
        if not b:
            return _ZERO
        b = _mp_fraction(b.numerator, b.denominator)
    return _make_mpf(mpf_mul(a._mpf_, b._mpf_, *_PREC_ROUNDING))


def _root(value: Fraction, n: int) -> Fraction | None:
    """The exact n-th root of a non-negative fraction, or None when it is irrational."""
    p, p_exact = sympy.integer_nthroot(value.numerator, n)
    q, q_exact = sympy.integer_nthroot(value.denominator, n)
    return Fraction(int(p), int(q)) if p_exact and q_exact else None


def _pow(base: Number, exp: Number) -> Number:
    if type(exp) is Fraction and exp.denominator == 1:
        if base == 0 and exp < 0:
            raise NotReal("division by zero")
        return _real(base ** int(exp))
    if type(base) is Fraction and type(exp) is Fraction and base >= 0:
        root = _root(base, exp.denominator)
        if root is not None:
            return _pow(root, Fraction(exp.numerator))
    b = _mp(base)
    if b < 0:
        kind = "square root" if exp == Fraction(1, 2) else "non-integer power"
        raise NotReal(f"{kind} of a negative number")
    if b == 0 and exp < 0:
        raise NotReal("division by zero")
    if b != 0 and abs(_mp(exp)) * abs(_CTX.log(b)) > _MAX_EXP_ARGUMENT:
        raise NotReal("a power too large to compute")
    return _real(_CTX.power(b, _mp(exp)))


#: The largest argument of exp that is computed: e^(2^62) has 2^62/ln 10 ≈ 2·10^18 digits in its
#: exponent's worth of magnitude, which an mpmath number still holds; beyond it (an exp tower)
#: the exponent itself would not fit in memory, so the value is refused, never computed forever.
_MAX_EXP_ARGUMENT = 2**62


def _exp(z: Number) -> Number:
    if z == 0 and type(z) is Fraction:
        return _ONE
    if abs(z) > _MAX_EXP_ARGUMENT:  # e^(±4.6e18) is as far as a shown number's exponent reaches
        big = "large" if z > 0 else "small"
        raise NotReal(f"exp of a number beyond ±4.6e18: too {big} to compute")
    return _real(_CTX.exp(_mp(z)))


def _log(z: Number) -> Number:
    if type(z) is Fraction and z == 1:
        return _ZERO
    if z <= 0:
        raise NotReal("log of a number <= 0")
    return _real(_CTX.log(_mp(z)))


def _tanh(z: Number) -> Number:
    return _ZERO if type(z) is Fraction and z == 0 else _real(_CTX.tanh(_mp(z)))


def _sigmoid(z: Number) -> Number:
    if type(z) is Fraction and z == 0:
        return _HALF
    return _real(1 / (1 + _CTX.exp(-_mp(z))))


def _softplus(z: Number) -> Number:
    return _real(_CTX.log1p(_CTX.exp(_mp(z))))


def _compare(a: Number, b: Number) -> int:
    """−1, 0 or 1 as ``a`` is below, equal to or above ``b`` (exactly when both are exact)."""
    if type(a) is not type(b):
        a, b = _mp(a), _mp(b)
    return (a > b) - (a < b)


def _max(values: Sequence[Number]) -> Number:
    out = values[0]
    for v in values[1:]:
        out = v if _compare(v, out) > 0 else out
    return out


def _min(values: Sequence[Number]) -> Number:
    out = values[0]
    for v in values[1:]:
        out = v if _compare(v, out) < 0 else out
    return out


def _heaviside(z: Number, at_zero: Number = _HALF) -> Number:
    sign = _compare(z, _ZERO)
    return _ONE if sign > 0 else (_ZERO if sign < 0 else at_zero)


def _relu(z: Number, at_zero: Number = _ZERO) -> Number:
    return z if _compare(z, _ZERO) > 0 else _ZERO


def _leaky_relu(z: Number, alpha: Number = Fraction(1, 100)) -> Number:
    return z if _compare(z, _ZERO) > 0 else mul([alpha, z])


def _softmax(k: Number, *zs: Number) -> Number:
    if all(type(z) is Fraction for z in zs) and len(set(zs)) == 1:
        return Fraction(1, len(zs))
    top = _max(zs)
    exps = [_CTX.exp(_mp(z) - _mp(top)) for z in zs]
    return _real(exps[int(k) - 1] / _CTX.fsum(exps))


#: Functions computed directly, by class: ``values -> value``.
_RULES: dict[type, Callable[..., Number]] = {
    sympy.exp: _exp,
    sympy.log: _log,
    sympy.tanh: _tanh,
    sympy.Abs: lambda z: abs(z),
    sympy.Max: lambda *v: _max(v),
    sympy.Min: lambda *v: _min(v),
    sympy.Heaviside: _heaviside,
    sigmoid: _sigmoid,
    softplus: _softplus,
    relu: _relu,
    step: _heaviside,
    leaky_relu: _leaky_relu,
    softmax: _softmax,
}

_RELATIONS: dict[str, Callable[[int], bool]] = {
    ">": lambda c: c > 0,
    ">=": lambda c: c >= 0,
    "<": lambda c: c < 0,
    "<=": lambda c: c <= 0,
    "==": lambda c: c == 0,
    "!=": lambda c: c != 0,
}


# ------------------------------------------------------------------ compiling


@functools.lru_cache(maxsize=1 << 16)
def compiled(expr: Expr) -> Compiled:
    """``expr`` as a function of an environment; cached, so each distinct form is compiled once."""
    if expr.is_Symbol:
        return _lookup(expr)
    if isinstance(expr, Rational):
        return _constant(Fraction(int(expr.p), int(expr.q)))
    if isinstance(expr, Float):
        return _constant(exact_value(expr))
    if isinstance(expr, sympy.AtomicExpr) and hasattr(expr, "of") and hasattr(expr, "wrt"):
        return _lookup((expr.of, expr.wrt))  # a Partial: ∂of/∂wrt, looked up by its pair
    if isinstance(expr, BooleanAtom):
        return _constant(_ONE if expr else _ZERO)
    if expr.is_number and not expr.args:
        return _constant(from_sympy(expr))  # pi, E
    return _compound(expr)


def _lookup(key: Any) -> Compiled:
    def lookup(env: Mapping[Any, Number]) -> Number:
        return env[key]

    return lookup


def _constant(value: Number) -> Compiled:
    def constant(env: Mapping[Any, Number]) -> Number:
        return value

    return constant


def _compound(expr: Expr) -> Compiled:
    if isinstance(expr, sympy.Piecewise):
        return _piecewise(expr)
    args = [compiled(a) for a in expr.args]
    if isinstance(expr, sympy.Add):
        return lambda env: add([a(env) for a in args])
    if isinstance(expr, sympy.Mul):
        return _product(expr, args)
    if isinstance(expr, sympy.Pow):
        base, exp = args
        return lambda env: _pow(base(env), exp(env))
    if isinstance(expr, Relational):
        test, (lhs, rhs) = _RELATIONS[expr.rel_op], args
        return lambda env: _ONE if test(_compare(lhs(env), rhs(env))) else _ZERO
    rule = _rule(type(expr))
    if rule is not None:
        return lambda env: rule(*[a(env) for a in args])
    if isinstance(expr, LibraryFunction):
        return _elementary(expr)
    return _through_sympy(expr, args)


def _product(expr: Expr, args: list[Compiled]) -> Compiled:
    """A product; of two factors (``w*a``, the most common node) without a list, and of two
    symbols without a closure per factor."""
    if len(args) != 2:
        return lambda env: mul([a(env) for a in args])
    u, v = expr.args
    if u.is_Symbol and v.is_Symbol:
        return lambda env: mul2(env[u], env[v])
    first, second = args
    return lambda env: mul2(first(env), second(env))


def _rule(cls: type) -> Callable[..., Number] | None:
    for c in cls.__mro__:
        rule = _RULES.get(c)
        if rule is not None:
            return rule
    return None


def _piecewise(expr: Expr) -> Compiled:
    pieces = [(compiled(e), compiled(c)) for e, c in expr.args]

    def piecewise(env: Mapping[Any, Number]) -> Number:
        for value, condition in pieces:
            if condition(env) != 0:
                return value(env)
        raise NotReal("no piece of a Piecewise applies")

    return piecewise


def _elementary(expr: Expr) -> Compiled:
    """A library function without a rule (losses, custom functions): its elementary definition."""
    stand_ins = [a if a.is_Number else sympy.Dummy() for a in expr.args]
    body = compiled(type(expr).elementary(*stand_ins))
    pairs = [(s, compiled(a)) for s, a in zip(stand_ins, expr.args) if not s.is_Number]

    def elementary(env: Mapping[Any, Number]) -> Number:
        return body(ChainMap({s: a(env) for s, a in pairs}, env))  # type: ignore[arg-type]

    return elementary


def _through_sympy(expr: Expr, args: list[Compiled]) -> Compiled:
    """Any other SymPy function: applied to exact arguments by SymPy, then evaluated numerically."""
    func = expr.func
    if entry_for(func) is None and not isinstance(expr, sympy.Function):
        msg = f"cannot evaluate {type(expr).__name__}"
        raise NotReal(msg)

    def through_sympy(env: Mapping[Any, Number]) -> Number:
        value = func(*[to_sympy(a(env)) for a in args])
        return from_sympy(value)

    return through_sympy


@functools.lru_cache(maxsize=1 << 12)
def kinks_of(expr: Expr) -> tuple[tuple[Expr, str], ...]:
    """``(condition, convention)`` for every kink of ``expr``: where the condition is 0, the
    derivative rests on the convention (``"ReLU'(0) = 0"``), from the function registry."""
    out = []
    for node in sympy.preorder_traversal(expr):
        info = entry_for(type(node))
        if info is None or info.kink is None:
            continue
        conditions = info.kink.at(*node.args)
        if conditions:
            convention = info.convention(node.args)
            out += [(c, convention) for c in conditions]
    return tuple(out)
