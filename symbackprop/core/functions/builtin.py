"""SymPy's own functions that a network may call: their registry entries.

SymPy differentiates and prints these itself; the entries add what SymPy does
not know: the spec and LaTeX names, and the kinks of ``abs``, ``max`` and ``min``.
"""

from __future__ import annotations

import sympy
from sympy import Expr

from .registry import FunctionInfo, Kink, register

__all__: list[str] = []


def _tanh(z: Expr) -> Expr:
    """``tanh(z)``; symbolic arguments skip SymPy's eval, whose sign queries walk the subtree."""
    return sympy.tanh(z, evaluate=not z.free_symbols)


class Abs(sympy.Abs):
    """|z| of a network's value, whose derivative is sign(z) times the inner derivative.

    A network's values are real (one that is not is refused where it is computed).  SymPy's own
    ``Abs`` differentiates an argument it cannot prove real (``log(…)``, ``sqrt(…)``) through its
    real and imaginary parts, each differentiated again: nested k deep, 2^k derivatives (issue 17).
    For an argument SymPy knows to be real the two agree: sign(conjugate(z)) is sign(z).
    """

    def _eval_derivative(self, x: Expr) -> Expr:
        z = self.args[0]
        return sympy.Derivative(z, x, evaluate=True) * sympy.sign(z)


def _at_zero(z: Expr) -> tuple[Expr, ...]:
    return (z,)


def _at_tie(*args: Expr) -> tuple[Expr, ...]:
    """``max(a, b)`` and ``min(a, b)`` kink where a = b (more arguments are not tracked)."""
    return (args[0] - args[1],) if len(args) == 2 else ()


register(FunctionInfo("tanh", _tanh, 1, "hyperbolic tangent", cls=sympy.tanh, latex_aliases=("tanh",)))
register(FunctionInfo("exp", sympy.exp, 1, "exponential", latex_aliases=("exp",)))
register(FunctionInfo("log", sympy.log, 1, "natural logarithm", latex_aliases=("log", "ln")))
register(FunctionInfo("sqrt", sympy.sqrt, 1, "square root", latex_aliases=("sqrt",)))
register(
    FunctionInfo(
        "abs",
        Abs,
        1,
        "absolute value",
        cls=sympy.Abs,
        latex_aliases=("abs",),
        kink=Kink(_at_zero, "|z|'(0) = {}"),
    )
)
register(
    FunctionInfo(
        "max",
        sympy.Max,
        "many",
        "maximum",
        latex_aliases=("max",),
        kink=Kink(_at_tie, "SymPy's convention for max/min: d max(a, b)/da = {} at a = b", zeroed=2),
    )
)
register(
    FunctionInfo(
        "min",
        sympy.Min,
        "many",
        "minimum",
        latex_aliases=("min",),
        kink=Kink(_at_tie, "SymPy's convention for max/min: d min(a, b)/da = {} at a = b", zeroed=2),
    )
)
