"""Function applications once their arguments are read: ``\\sigma(z)``, ``\\sigma''(z)``, ``f(x, y)``.

:func:`call` looks a function up in the table the reader was given and applies
it, differentiated once per prime; :func:`unknown_call` reads a function the
document does not define, which is only sure with two or more arguments
(``f(x)`` may be a product ``f \\cdot x``; ``f(x, y)`` cannot be).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sympy
from sympy import Expr, Symbol

from ...errors import InputError

__all__ = ["call", "unknown_call"]


def call(functions: Mapping[str, Any], fname: str, args: list[Expr], nprimes: int, shown: str) -> Expr:
    """``fname(*args)``, differentiated ``nprimes`` times (one argument only).

    Each derivative is expanded before the next is taken, so that ``\\sigma'''''(z)``
    stays a polynomial in ``\\sigma(z)`` instead of doubling in size with every prime.
    """
    info = functions.get(fname)
    if info is None:
        msg = f"unknown function {shown!r}"
        raise InputError(msg)
    if not info.accepts(len(args)):
        msg = f"{shown} takes {info.describe_arity()}, got {len(args)}"
        raise InputError(msg)
    if nprimes == 0:
        return info.func(*args)
    if len(args) != 1:
        msg = f"{shown}' is only read for functions of one argument"
        raise InputError(msg)
    z = Symbol("_z", real=True)
    expr = info.func(z)
    for n in range(nprimes):
        expr = sympy.diff(expr, z)
        if n + 1 < nprimes:
            expr = sympy.expand(expr)
    return expr.xreplace({z: args[0]})


def unknown_call(name: str, args: list[Expr]) -> Expr:
    """``f(x, y)``: an applied function the document does not define (two or more arguments).

    Raises:
        InputError: One argument: ``f(x)`` is read neither as a product nor as a function.
    """
    if len(args) < 2:
        msg = f"unknown function {name!r}: {name}(...) may be a function's value or a product; it is not read"
        raise InputError(msg)
    return sympy.Function(name, real=True)(*args)
