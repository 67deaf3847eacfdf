"""What every scanner of one fragment shares: the lookups it was given, and what it has read so far."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sympy import Expr, Symbol

from ...errors import InputError
from .parsed import Number

__all__ = ["Gradient", "Resolver", "ScanContext", "matrix_notation", "remembered"]

#: Name key -> Symbol, or ``None`` for a name that is not known.
Resolver = Callable[[str], "Symbol | None"]

#: ``(of, wrt) -> Expr``: the value of a written derivative of one name by another.
Gradient = Callable[[Symbol, Symbol], Expr]


@dataclass(frozen=True)
class ScanContext:
    """Lookups (``resolve``, ``functions``, ``gradient``, ``known``) and what was read (the rest).

    Attributes:
        resolve: Name key -> Symbol (see :data:`Resolver`).
        functions: Function name -> FunctionInfo.
        gradient: Derivatives written in the text, or ``None`` to refuse them.
        known: Name keys that the document or spec defines (multi-letter names,
            nodes, and the members of indexed families that ``\\sum_j`` ranges over).
        numbers: Every written number's placeholder symbol -> the number as written.
        names: Every name key read, in order.
        gradients: The derivatives of names read so far (a derivative of an
            expression that holds one is a second derivative).
        terms: How many terms each sum was written out to (their total is bounded).
    """

    resolve: Resolver
    functions: Mapping[str, Any]
    gradient: Gradient | None
    known: frozenset[str]
    numbers: dict[Symbol, Number]
    names: list[str]
    gradients: list[Expr] = field(default_factory=list)
    terms: list[int] = field(default_factory=list)


def matrix_notation(what: str) -> InputError:
    """The error for vector and matrix notation: the line is "not checked: matrix notation: ..."."""
    return InputError(f"matrix notation: {what} (vectors and matrices)")


def remembered(resolve: Resolver, version: Callable[[], int]) -> Resolver:
    """``resolve``, asked once per key while ``version()`` stays the same.

    For a resolver that changes its answers only when it records a new name, and then
    ``version()`` changes (the size of its table): the memory starts again then, keeping
    the answer just given (asked again, the resolver would give it again).
    """
    seen: dict[str, Symbol | None] = {}
    now = [version()]

    def remembering(key: str) -> Symbol | None:
        if version() != now[0]:
            seen.clear()
            now[0] = version()
        elif key in seen:
            return seen[key]
        found = resolve(key)
        if version() != now[0]:
            seen.clear()
            now[0] = version()
        seen[key] = found
        return found

    return remembering
