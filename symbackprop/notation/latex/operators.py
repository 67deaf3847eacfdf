"""Derivatives as values: of a name, of an expression, by ``\\nabla_w``, and at a point ``\\big|_{w=5}``.

:mod:`.derivatives` reads what a written derivative differentiates and by
what; this module gives its value:

* of one name by another: the ``gradient`` the caller passed (``Partial(L, w)``);
* of an expression (``\\frac{d}{dz} \\sigma(z)``, ``\\frac{\\partial}{\\partial w}
  \\left(\\frac{1}{2}(y - w x)^2\\right)``): the chain rule over the names in it,
  ``∂E/∂w + Σ_s ∂E/∂s · gradient(s, w)``, so that a name that depends on ``w``
  through the network is not taken for a constant;
* at a point: a closed form is evaluated there; one that holds written
  derivatives becomes an :class:`~symbackprop.notation.latex.parsed.AtPoint`.

What cannot be read for sure (a derivative of a derivative, a gradient vector)
raises :class:`~symbackprop.errors.InputError`, so the line is not checked.
"""

from __future__ import annotations

from typing import Protocol

import sympy
from sympy import Expr, Symbol

from ...errors import InputError
from .context import ScanContext, matrix_notation
from .derivatives import lone_name, variable_key
from .parsed import AtPoint
from .relations import split_relations
from .tokens import group, skip_space, term_end, tokenize

__all__ = ["Reading", "at_point", "derivative_value", "nabla", "name_derivative", "operand"]

#: Size commands that may stand before an evaluation bar (``\\bigg|_{x=1}``).
_SIZES = frozenset(
    {r"\right", r"\big", r"\Big", r"\bigg", r"\Bigg", r"\bigr", r"\Bigr", r"\biggr", r"\Biggr", r"\middle"}
)

#: The bar itself.
_BARS = ("|", r"\vert", r"\rvert")


class Reading(Protocol):
    """What these readers need from the scanner."""

    context: ScanContext

    def hold(self, value: Expr) -> str: ...

    def read_inner(self, toks: list[str], depth: int) -> Expr: ...


def operand(toks: list[str], j: int, shown: str) -> tuple[list[str], int]:
    """What an operator written before it applies to: a bracket, or else the rest of the term.

    ``\\frac{\\partial}{\\partial a}\\left(\\tfrac{1}{2}(a - y)^2\\right) \\cdot b`` differentiates
    the bracket only; ``\\frac{d}{dz} \\sigma(z) w`` differentiates ``\\sigma(z) w`` (see :func:`term_end`).
    """
    k = skip_space(toks, j)
    if k < len(toks) and toks[k] in ("(", "[", "{", r"\left"):
        end = _bracket_end(toks, k)
        if end is not None:
            return toks[k:end], end
    end = term_end(toks, j)
    if skip_space(toks[:end], j) >= end:
        msg = f"{shown} has nothing to differentiate"
        raise InputError(msg)
    return toks[j:end], end


def _bracket_end(toks: list[str], k: int) -> int | None:
    """The index after the bracket that opens at ``k`` (``(``, ``[``, ``{`` or ``\\left``), or ``None``."""
    depth = 0
    for n in range(k, len(toks)):
        if toks[n] in ("(", "[", "{", r"\{"):
            depth += 1
        elif toks[n] in (")", "]", "}", r"\}"):
            depth -= 1
            if depth == 0:
                return n + 1
    return None


def derivative_value(scanner: Reading, of: list[str], wrt_key: str, depth: int) -> tuple[Expr, bool]:
    """The value of d(of)/d(wrt) -> (value, whether it is a closed form without written derivatives)."""
    key = lone_name(of)
    if key is not None:
        return name_derivative(scanner.context, key, wrt_key), False
    context = scanner.context
    _allowed(context, wrt_key)
    wrt = _symbol(context, wrt_key)
    before = len(context.gradients)
    expr = scanner.read_inner(of, depth)
    if len(context.gradients) > before or expr.atoms(AtPoint):
        raise InputError("a derivative of a derivative is not read")
    context.names.append(wrt_key)
    value = sympy.powsimp(sympy.diff(expr, wrt), combine="exp")  # n w^n / w -> n w^(n-1): finite at w = 0
    closed = True
    for s in sorted(expr.free_symbols - set(context.numbers) - {wrt}, key=lambda s: s.name):
        inner = sympy.diff(expr, s)
        if inner != 0:
            value += inner * _gradient(context, s, wrt)
            closed = False
    return value, closed


def name_derivative(context: ScanContext, of_key: str, wrt_key: str) -> Expr:
    """d(of)/d(wrt) for two names: the ``gradient`` the reader was given."""
    _allowed(context, f"d{of_key}/d{wrt_key}")
    a, b = context.resolve(of_key), context.resolve(wrt_key)
    if a is None or b is None:
        msg = f"unknown name {of_key if a is None else wrt_key!r} in a derivative"
        raise InputError(msg)
    context.names.extend((of_key, wrt_key))
    return _gradient(context, a, b)


def _allowed(context: ScanContext, shown: str) -> None:
    if context.gradient is None:
        msg = f"a derivative ({shown}) is not allowed here"
        raise InputError(msg)


def _symbol(context: ScanContext, key: str) -> Symbol:
    sym = context.resolve(key)
    if sym is None:
        msg = f"unknown name {key!r} in a derivative"
        raise InputError(msg)
    context.names.append(key)
    return sym


def _gradient(context: ScanContext, of: Symbol, wrt: Symbol) -> Expr:
    gradient = context.gradient
    if gradient is None:  # the callers check first; an input error all the same, never an assertion
        msg = f"a derivative (d{of.name}/d{wrt.name}) is not allowed here"
        raise InputError(msg)
    value = gradient(of, wrt)
    context.gradients.append(value)
    return value


def at_point(
    scanner: Reading, value: Expr, closed: bool, toks: list[str], j: int, depth: int
) -> tuple[Expr, int]:
    """An evaluation bar after a derivative (``\\right|_{w=5}``, ``\\bigg|_{x=1}``), if there is one.

    Returns:
        The derivative at the point (a closed form evaluated there, else an
        :class:`AtPoint`) and the index after the bar; ``value`` and ``j`` when no bar follows.
    """
    k = skip_space(toks, j)
    while k < len(toks) and toks[k] in _SIZES:
        k = skip_space(toks, k + 1)
    if k >= len(toks) or toks[k] not in _BARS:
        return value, j
    k = skip_space(toks, k + 1)
    if k >= len(toks) or toks[k] != "_":
        return value, j
    g, end = group(toks, k + 1)
    point = _point(scanner, g, depth)
    if closed:
        return value.xreplace(dict(point)), end
    exact = {s: n.value for s, n in scanner.context.numbers.items()}
    return AtPoint(value.xreplace(exact), tuple((s, v.xreplace(exact)) for s, v in point)), end


def _point(scanner: Reading, toks: list[str], depth: int) -> tuple[tuple[Symbol, Expr], ...]:
    """``w=5`` or ``x=1, y=2`` under an evaluation bar -> ((symbol, value), ...)."""
    point = []
    for sides, ops in split_relations("".join(toks)):
        key = lone_name(tokenize(sides[0])) if ops == ["="] else None
        if key is None:
            msg = f"cannot read the point of an evaluation bar: {''.join(toks).strip()!r}"
            raise InputError(msg)
        point.append((_symbol(scanner.context, key), scanner.read_inner(tokenize(sides[1]), depth)))
    if not point:
        raise InputError("an evaluation bar without a point")
    return tuple(point)


def nabla(scanner: Reading, toks: list[str], i: int, depth: int) -> tuple[Expr, bool, int]:
    """``\\nabla_w L`` at ``i`` -> (dL/dw, closed form?, index after it).

    Raises:
        InputError: ``\\nabla L`` without a variable (a gradient vector) or by a
            bold (vector) variable: matrix notation.
    """
    k = skip_space(toks, i + 1)
    if k >= len(toks) or toks[k] != "_":
        raise matrix_notation("\\nabla without a variable is a gradient vector")
    g, j = group(toks, k + 1)
    if any(t in (r"\mathbf", r"\boldsymbol", r"\vec", r"\bm") for t in g):
        raise matrix_notation("\\nabla by a vector or matrix")
    wrt = variable_key(g)
    of, j = operand(toks, j, r"\nabla")
    value, closed = derivative_value(scanner, of, wrt, depth)
    return value, closed, j
