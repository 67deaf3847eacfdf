"""The document's own stated values, put in place of its names.

With no complete point (the document never gives some weight), a value line
such as ``a_{h2} = \\sigma(z2) = 0.5842`` cannot be judged against the network.
It can still be held to the arithmetic its author did: the formula at the
numbers the document itself stated for its inputs (``z2 = … = 0.34`` above it),
each as written, so that it stands for its rounding like any written number.
A name's latest stated value is the one in force.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sympy import Dummy, Expr, Symbol

from ..core.derivation import Partial
from ..notation.latex.parsed import AtPoint, Parsed
from .statements import Statement, bare, is_name, is_number

__all__ = ["StatedValues"]

#: Relations a value line may state its value across.
_EQUAL = frozenset({"=", "≈", "\\approx"})


@dataclasses.dataclass
class _Value:
    """A name's stated value: the side as written and its line."""

    side: Any
    line: int


class StatedValues:
    """The latest number the document stated for each name (``out_{y1} = … = 1.196``)."""

    def __init__(self) -> None:
        self._values: dict[Symbol, _Value] = {}

    def remember(self, st: Statement) -> None:
        """Keep the value a readable chain ``name = … = number`` states for its name."""
        if st.error or len(st.parsed) < 2 or not set(st.ops) <= _EQUAL or not is_name(st.parsed[0]):
            return
        if bare(st.parsed[-1]):
            self._values[st.parsed[0].expr] = _Value(st.parsed[-1], st.line)

    def substituted(self, st: Statement) -> tuple[Statement, str] | None:
        """``st`` with every name of its formula sides replaced by the number the document stated for
        it, and which values were used; ``None`` unless some formula side is then all numbers and a
        written number follows it to be checked against."""
        if st.error or not set(st.ops) <= _EQUAL or not is_name(st.parsed[0]):
            return None
        subject = st.parsed[0].expr
        parsed, used = list(st.parsed), {}
        for k in range(1, len(parsed) - 1):
            side = parsed[k]
            names = side.expr.free_symbols - set(side.numbers)
            if is_number(side) or side.expr.atoms(Partial, AtPoint) or subject in names:
                continue
            if not names <= set(self._values):
                return None
            parsed[k] = self._in_numbers(side, names)
            used.update({n: self._values[n] for n in names})
        if not used or not any(bare(p) for p in parsed[2:]):
            return None
        values = ", ".join(
            f"{n.name} = {v.side.numbers[next(iter(v.side.numbers))].text} (line {v.line})"
            for n, v in sorted(used.items(), key=lambda nv: nv[1].line)
        )
        return dataclasses.replace(st, parsed=parsed), f"at the document's own values {values}"

    def _in_numbers(self, side: Any, names: set[Symbol]) -> Parsed:
        """``side`` with each name replaced by its stated number (a fresh placeholder each)."""
        numbers = dict(side.numbers)
        reps: dict[Symbol, Expr] = {}
        for n in names:
            value = self._values[n].side
            ((placeholder, number),) = value.numbers.items()
            fresh = Dummy(f"stated_{n.name}")
            numbers[fresh] = number
            reps[n] = value.expr.xreplace({placeholder: fresh})
        return Parsed(side.expr.xreplace(reps), numbers, side.names)
