"""What the LaTeX reader gives back: a parsed side, and the numbers as they were written."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import sympy
from sympy import Expr, Rational, Symbol

from ...errors import InputError
from ..limits import MAX_NUMBER_BITS

__all__ = ["Number", "Parsed"]


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
        floats = {s: sympy.Float(n.value, 15) for s, n in self.numbers.items()}
        for p in self.expr.atoms(sympy.Pow):
            base, exp = p.base.xreplace(floats), p.exp.xreplace(floats)
            if not (base.is_Number and exp.is_Number) or base.is_zero or abs(base) == 1:  # Float(0) != 0
                continue
            if abs(float(exp)) * self._bits(p.base, base) > MAX_NUMBER_BITS:
                msg = f"a power of numbers is too large to compute exactly (over {MAX_NUMBER_BITS} bits)"
                raise InputError(msg)
        return self.expr.xreplace({s: n.value for s, n in self.numbers.items()})

    def _bits(self, written: Expr, value: Expr) -> float:
        """The size of a power's base, in bits."""
        if written in self.numbers:  # a written number: exact numerator and denominator
            r = self.numbers[written].value
            return max(abs(r.p), abs(r.q)).bit_length()
        return max(abs(float(sympy.log(abs(value), 2))), 1.0)
