"""Losses: each class, then its registry entry right below it.

Losses print as their formula, not as a name (the printer's
``_print_squared_error`` and siblings), so their entries have no ``latex_name``.
"""

from __future__ import annotations

import sympy
from sympy import Add, Expr, Integer, Rational

from ...errors import GraphError
from .activations import softmax
from .base import LibraryFunction
from .registry import FunctionInfo, register

__all__ = [
    "binary_cross_entropy",
    "cross_entropy",
    "half_squared_error",
    "mean_squared_error",
    "softmax_cross_entropy",
    "squared_error",
]


class squared_error(LibraryFunction):  # noqa: N801 - SymPy convention: functions are lower case
    """(a − y)², with ∂/∂a = 2(a − y)."""

    nargs = 2

    @classmethod
    def elementary(cls, a: Expr, y: Expr) -> Expr:
        return (a - y) ** 2

    def fdiff(self, argindex: int = 1) -> Expr:
        a, y = self.args
        sign = 1 if argindex == 1 else -1
        return sympy.Mul(2 * sign, a - y, evaluate=False)


register(FunctionInfo("squared_error", squared_error, 2, "(a - y)^2"))


class half_squared_error(LibraryFunction):  # noqa: N801
    """½(a − y)², with ∂/∂a = a − y."""

    nargs = 2

    @classmethod
    def elementary(cls, a: Expr, y: Expr) -> Expr:
        return (a - y) ** 2 / 2

    def fdiff(self, argindex: int = 1) -> Expr:
        a, y = self.args
        return a - y if argindex == 1 else y - a


register(FunctionInfo("half_squared_error", half_squared_error, 2, "(a - y)^2 / 2"))


def _pairs(name: str, what: str, args: tuple[Expr, ...]) -> None:
    """Refuse a call that is not ``name(x_1..x_n, y_1..y_n)``."""
    if len(args) == 0 or len(args) % 2:
        msg = f"{name} takes {what} then targets: an even number of arguments"
        raise GraphError(msg)


class mean_squared_error(LibraryFunction):  # noqa: N801
    """(1/n) Σ (a_i − y_i)², called as ``mean_squared_error(a_1..a_n, y_1..y_n)``."""

    @classmethod
    def eval(cls, *args: Expr) -> Expr | None:
        _pairs("mean_squared_error", "predictions", args)
        return super().eval(*args)

    @classmethod
    def elementary(cls, *args: Expr) -> Expr:
        n = len(args) // 2
        return Add(*[(a - y) ** 2 for a, y in zip(args[:n], args[n:])]) / n

    def fdiff(self, argindex: int = 1) -> Expr:
        n = len(self.args) // 2
        i = (argindex - 1) % n
        a, y = self.args[i], self.args[n + i]
        sign = 1 if argindex <= n else -1
        return sympy.Mul(Rational(2 * sign, n), a - y, evaluate=False)


register(
    FunctionInfo(
        "mean_squared_error",
        mean_squared_error,
        "even",
        "mean of (a_i - y_i)^2",
        spec_names=("mean_squared_error", "mse"),
    )
)


class binary_cross_entropy(LibraryFunction):  # noqa: N801
    """−[y log a + (1 − y) log(1 − a)], with ∂/∂a = (a − y) / (a(1 − a))."""

    nargs = 2

    @classmethod
    def elementary(cls, a: Expr, y: Expr) -> Expr:
        return -(y * sympy.log(a) + (1 - y) * sympy.log(1 - a))

    def fdiff(self, argindex: int = 1) -> Expr:
        a, y = self.args
        if argindex == 1:
            return (a - y) / (a * (1 - a))
        return sympy.log(1 - a) - sympy.log(a)


register(
    FunctionInfo(
        "binary_cross_entropy",
        binary_cross_entropy,
        2,
        "-[y log a + (1-y) log(1-a)]",
        spec_names=("binary_cross_entropy", "bce"),
    )
)


class cross_entropy(LibraryFunction):  # noqa: N801
    """Categorical cross-entropy −Σ y_i log p_i, as ``cross_entropy(p_1..p_n, y_1..y_n)``."""

    @classmethod
    def eval(cls, *args: Expr) -> Expr | None:
        _pairs("cross_entropy", "probabilities", args)
        return super().eval(*args)

    @classmethod
    def elementary(cls, *args: Expr) -> Expr:
        n = len(args) // 2
        return -Add(*[y * sympy.log(p) for p, y in zip(args[:n], args[n:])])

    def fdiff(self, argindex: int = 1) -> Expr:
        n = len(self.args) // 2
        i = (argindex - 1) % n
        p, y = self.args[i], self.args[n + i]
        return -y / p if argindex <= n else -sympy.log(p)


register(FunctionInfo("cross_entropy", cross_entropy, "even", "-sum y_i log p_i"))


class softmax_cross_entropy(LibraryFunction):  # noqa: N801
    """Cross-entropy of softmax(z) against y, fused: ``softmax_cross_entropy(z.., y..)``.

    ∂/∂z_i = s_i Σ_j y_j − y_i, which is the textbook s_i − y_i for one-hot y.
    """

    @classmethod
    def eval(cls, *args: Expr) -> Expr | None:
        _pairs("softmax_cross_entropy", "logits", args)
        return super().eval(*args)

    @classmethod
    def elementary(cls, *args: Expr) -> Expr:
        n = len(args) // 2
        zs, ys = args[:n], args[n:]
        return -Add(*[y * sympy.log(softmax.elementary(Integer(i + 1), *zs)) for i, y in enumerate(ys)])

    def fdiff(self, argindex: int = 1) -> Expr:
        n = len(self.args) // 2
        zs, ys = self.args[:n], self.args[n:]
        i = (argindex - 1) % n
        if argindex <= n:
            return softmax(Integer(i + 1), *zs) * Add(*ys) - ys[i]
        return -sympy.log(softmax(Integer(i + 1), *zs))


register(
    FunctionInfo(
        "softmax_cross_entropy",
        softmax_cross_entropy,
        "even",
        "cross-entropy of softmax(z)",
        latex_name=r"\operatorname{CE}",
    )
)
