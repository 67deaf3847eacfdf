"""SymPy code printers for the generated programs: NumPy float64 and mpmath.

Both the scalar reference program (:mod:`.reference`) and the vectorised one
(:mod:`.codegen`) print SymPy trees of our own through these classes.  They
differ from SymPy's printers only where the programs need it: ``max``/``min``
and the Heaviside step broadcast, ``1/x`` is a division, and a number beyond
float64's exact integers is printed as the float it rounds to.
"""

from __future__ import annotations

import math

from sympy import Expr, Rational
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.pycode import MpmathPrinter

__all__ = ["MpmathCode", "NumPyCode"]


#: Integers up to this size are exact in float64 and print as themselves.
_EXACT = 2**53


def float_literal(value: Rational) -> str:
    """A rational number as the float64 literal it rounds to (``numpy.inf`` past the range).

    Python ints past int64 reach NumPy as objects (``numpy.log(10**300)`` fails)
    and ``p/q`` of big ints overflows, so the program never sees them.
    """
    p, q = int(value.p), int(value.q)
    try:
        f = p / q  # correctly rounded; underflows to 0.0
    except OverflowError:
        f = math.inf if p > 0 else -math.inf
    if math.isinf(f):
        return "numpy.inf" if f > 0 else "(-numpy.inf)"
    return repr(f)


class NumPyCode(NumPyPrinter):
    """NumPy code whose max/min broadcast like the rest of the program, with float64 numbers."""

    def _print_Integer(self, expr: Expr) -> str:
        return super()._print_Integer(expr) if abs(int(expr)) <= _EXACT else float_literal(expr)

    def _print_Rational(self, expr: Expr) -> str:
        if max(abs(int(expr.p)), int(expr.q)) <= _EXACT:
            return super()._print_Rational(expr)
        return float_literal(expr)

    def _print_Max(self, expr: Expr) -> str:
        out = self._print(expr.args[0])
        for a in expr.args[1:]:
            out = f"numpy.maximum({out}, {self._print(a)})"
        return out

    def _print_Min(self, expr: Expr) -> str:
        out = self._print(expr.args[0])
        for a in expr.args[1:]:
            out = f"numpy.minimum({out}, {self._print(a)})"
        return out

    def _print_Heaviside(self, expr: Expr) -> str:
        z = self._print(expr.args[0])
        h = self._print(expr.args[1]) if len(expr.args) > 1 else "0.5"
        return f"numpy.heaviside({z}, {h})"

    def _print_Pow(self, expr: Expr, rational: bool = False) -> str:
        # 1/x rather than x**(-1.0): NumPy's power is slower than a division on big arrays.
        if expr.exp == -1:
            return "1/(%s)" % self._print(expr.base)
        return super()._print_Pow(expr, rational=rational)


class MpmathCode(MpmathPrinter):
    """mpmath code, with max/min and the Heaviside step on mpf numbers."""

    def _print_Max(self, expr: Expr) -> str:
        return "max(%s)" % ", ".join(self._print(a) for a in expr.args)

    def _print_Min(self, expr: Expr) -> str:
        return "min(%s)" % ", ".join(self._print(a) for a in expr.args)

    def _print_Heaviside(self, expr: Expr) -> str:
        z = self._print(expr.args[0])
        h = self._print(expr.args[1]) if len(expr.args) > 1 else "mpmath.mpf(1)/2"
        return f"(mpmath.mpf(1) if {z} > 0 else (mpmath.mpf(0) if {z} < 0 else mpmath.mpf({h})))"
