"""The network's own functions, stated in the setup: ``\\operatorname{swish}(z) = z \\cdot \\sigma(z)``.

A walkthrough that uses a function of the spec's (``[functions.swish]``) or of the
program's (:func:`~symbackprop.core.functions.custom_function`) states what it is, as
a reader handed the page needs it: its definition, and for a function of one
argument the derivative the derivation used, as a line ``\\operatorname{swish}'(z) = …``.
Nothing is differentiated here: the derivative is the derivation's own local
derivative ∂a/∂z of a node ``a = swish(z)``, written in the function's parameter.
A function applied only to expressions (``swish(w x + b)``) has no such edge, and
only its definition is stated.
"""

from __future__ import annotations

from typing import Any

from sympy import Symbol

from ..core.derivation import Derivation
from ..core.functions import CustomFunction
from .source import MathPrinter

__all__ = ["function_rows"]


def function_rows(derivation: Derivation, printer: MathPrinter) -> list[dict[str, Any]]:
    """``[{name, lhs, rhs, derivative}]``: each user function's definition, in the order the network
    first uses it, then its derivative as the derivation used it (``derivative`` true on that row)."""
    net = derivation.network
    seen: dict[type, Any] = {}
    for d in net.definitions:
        for f in sorted(d.expr.atoms(CustomFunction), key=str):
            cls = type(f)
            if cls not in seen and cls.function_info is not None:
                seen[cls] = f
    rows: list[dict[str, Any]] = []
    for cls in seen:
        params = cls._params
        call = cls(*params)
        lhs, rhs = printer.symbolic(call), printer.symbolic(cls._expr)
        rows.append({"name": cls.__name__, "lhs": lhs, "rhs": rhs, "derivative": False})
        slope = _derivative(derivation, cls)
        if slope is not None:
            prime = lhs.replace(r"\left(", r"'\left(", 1)  # swish'(z): the prime after the name
            rows.append(
                {"name": cls.__name__, "lhs": prime, "rhs": printer.symbolic(slope), "derivative": True}
            )
    return rows


def _derivative(derivation: Derivation, cls: type[CustomFunction]) -> Any:
    """f'(t) from the edge ∂a/∂z of a node ``a = f(z)``, in the parameter t; ``None`` without one."""
    if len(cls._params) != 1:
        return None
    for d in derivation.network.definitions:
        arg = d.expr.args[0] if isinstance(d.expr, cls) else None
        if isinstance(arg, Symbol):
            return derivation.local(d.symbol, arg).raw.xreplace({arg: cls._params[0]})
    return None
