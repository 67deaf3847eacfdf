"""What the LaTeX reader gives back: a parsed side, and the numbers as they were written."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sympy
from sympy import Expr, Rational, Symbol
from sympy.utilities.iterables import iterable

from ...errors import InputError
from ..limits import MAX_NUMBER_BITS
from .replacing import replaced

__all__ = ["AtPoint", "Number", "Parsed"]


class AtPoint(sympy.AtomicExpr):
    """A derivative at a point, written with an evaluation bar: ``\\frac{dL}{dw}\\big|_{w=5}``.

    An atom, like :class:`~symbackprop.core.derivation.Partial`: it has no
    numeric value of its own (so a side holding it is not checked), and a later
    stage that can evaluate a derivative away from the document's point reads
    ``derivative`` and ``point``.  A derivative in closed form (``\\frac{d}{dx} x^2``)
    is evaluated at the point by the reader instead and never becomes one.
    """

    is_commutative = True
    is_real = True

    def __new__(cls, derivative: Expr, point: tuple[tuple[Symbol, Expr], ...]) -> AtPoint:
        obj = super().__new__(cls)
        obj._derivative = derivative
        obj._point = tuple(point)
        return obj

    @property
    def derivative(self) -> Expr:
        """The derivative, as the reader read it (with ``gradient`` values for written derivatives)."""
        return self._derivative

    @property
    def point(self) -> tuple[tuple[Symbol, Expr], ...]:
        """Each variable of the bar and the value it is set to."""
        return self._point

    def _hashable_content(self) -> tuple[Any, ...]:
        return (self._derivative, self._point)

    def __getnewargs__(self) -> tuple[Any, ...]:
        return (self._derivative, self._point)

    def _sympystr(self, printer: Any) -> str:
        at = ", ".join(f"{printer.doprint(s)}={printer.doprint(v)}" for s, v in self._point)
        return f"({printer.doprint(self._derivative)})|_({at})"


@dataclass(frozen=True)
class Number:
    """A number as written: its exact value and how many decimals it shows."""

    value: Rational
    decimals: int
    text: str


@dataclass(frozen=True)
class Parsed:
    """One parsed side: the expression and what its symbols stand for.

    ``expr`` uses the symbols that ``resolve`` returned for names,
    ``gradient(of, wrt)`` for derivatives, and one fresh symbol per number
    (see ``numbers``), so that callers can substitute exact values or
    propagate rounding.
    """

    expr: Expr
    numbers: Mapping[Symbol, Number] = field(default_factory=dict)
    names: tuple[str, ...] = ()

    def exact(self) -> Expr:
        """``expr`` with every number in place.

        Raises:
            InputError: A power of numbers would exceed :data:`~symbackprop.notation.limits.MAX_NUMBER_BITS`
                (``9^{9^{9}}`` is refused before it is computed).
        """
        done = self.__dict__.get("_exact")
        if done is not None:
            return done
        pows = _powers(self.expr)
        floats = {s: sympy.Float(n.value, 15) for s, n in self.numbers.items()} if pows else {}
        for p in pows:
            base, exp = p.base.xreplace(floats), p.exp.xreplace(floats)
            if not (base.is_Number and exp.is_Number) or base.is_zero or abs(base) == 1:  # Float(0) != 0
                continue
            if abs(float(exp)) * self._bits(p.base, base) > MAX_NUMBER_BITS:
                msg = f"a power of numbers is too large to compute exactly (over {MAX_NUMBER_BITS} bits)"
                raise InputError(msg)
        done = replaced(self.expr, {s: n.value for s, n in self.numbers.items()})
        object.__setattr__(self, "_exact", done)  # frozen: asked many times per side
        return done

    def atoms_of(self, *types: type) -> set[Any]:
        """``expr.atoms(*types)``, walked once per side and kind: a side is asked many times (the set
        is shared, so callers must not change it)."""
        found = self.__dict__.setdefault("_atoms", {})
        if types not in found:
            found[types] = self.expr.atoms(*types)
        return found[types]

    def free(self) -> set[Symbol]:
        """``expr.free_symbols``, found once per side (shared: callers must not change it)."""
        found = self.__dict__.setdefault("_atoms", {})
        if None not in found:
            found[None] = self.expr.free_symbols
        return found[None]

    def _bits(self, written: Expr, value: Expr) -> float:
        """The size of a power's base, in bits."""
        if written in self.numbers:  # a written number: exact numerator and denominator
            r = self.numbers[written].value
            return max(abs(r.p), abs(r.q)).bit_length()
        return max(abs(float(sympy.log(abs(value), 2))), 1.0)


def _powers(expr: Expr) -> set[sympy.Pow]:
    """``expr.atoms(sympy.Pow)``, by a plain walk (into arguments, and into the items of a
    container among them, as ``atoms`` walks) instead of a generator per node."""
    found: set[sympy.Pow] = set()
    stack: list[Any] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, sympy.Basic):
            if isinstance(node, sympy.Pow):
                found.add(node)
            stack.extend(node.args)
        elif iterable(node):
            stack.extend(node)
    return found
