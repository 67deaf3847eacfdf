"""SymPy code printers for the generated programs: NumPy float64 and mpmath.

Both the scalar reference program (:mod:`.reference`) and the vectorised one
(:mod:`.codegen`) print SymPy trees of our own through these classes.  They
differ from SymPy's printers only where the programs need it: ``max``/``min``
and the Heaviside step broadcast, and ``1/x`` is a division.
"""

from __future__ import annotations

from sympy import Expr
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.pycode import MpmathPrinter

__all__ = ["MpmathCode", "NumPyCode"]


class NumPyCode(NumPyPrinter):
    """NumPy code whose max/min broadcast like the rest of the program."""

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
