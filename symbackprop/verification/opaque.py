"""Chain-rule identities past a quantity stated only by its value, whatever it is computed from.

``E_{total} = E_{o1} + E_{o2}`` with ``E_{o2} = 0.0236`` stated only by its value:
``\\partial E_{total} / \\partial out_{h1}`` has no known value, yet
``\\frac{\\partial E_{total}}{\\partial out_{h1}} = \\frac{\\partial E_{o1}}{\\partial out_{h1}}
+ \\frac{\\partial E_{o2}}{\\partial out_{h1}}`` holds whatever ``E_{o2}`` is.  Each such
quantity R is taken as an unknown function of its *frontier* (what its sibling's
branch reads from outside: ``out_{h1}``, ``out_{h2}``, ``b_2``, see :mod:`.siblings`),
so that

    ∂X/∂w = ∂X/∂w (R held) + Σ_R ∂X/∂R · Σ_f V_{R,f} · ∂f/∂w

with V the unknown derivatives.  A chain whose formula sides all agree for random
V, at the document's point and at random points, holds; anything else is left as
it was (this never calls a line wrong).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

from sympy import Expr, Float, Rational, Symbol

from ..core.derivation import DPS, Evaluation, Partial
from ..errors import SymbackpropError
from .oracle import Oracle, Unknown, close
from .siblings import upstream
from .statements import Statement, is_number

__all__ = ["holds_whatever"]

#: How many draws of the unknown derivatives each point is compared at.
DRAWS = 2


def holds_whatever(
    oracle: Oracle, st: Statement, frontiers: Mapping[Symbol, frozenset[Symbol]], seed: int = 5
) -> bool:
    """Whether every side of ``st`` (formulas only, no numbers) equals the first whatever the
    quantities in ``frontiers`` (stated only by value -> what they are computed from) are."""
    if len(st.parsed) < 2 or st.error or any(is_number(p) or p.numbers for p in st.parsed):
        return False
    if any(op not in ("=", "≈") for op in st.ops):
        return False
    evaluations = [e for e in (oracle.point, *oracle.randoms) if e is not None]
    rng = random.Random(seed)
    try:
        for ev in evaluations:
            for _ in range(DRAWS):
                unknown = {
                    (r, f): Float(Rational(rng.randint(-90, 90), 37), DPS)
                    for r in frontiers
                    for f in frontiers[r]
                }
                at = _At(oracle, ev, frontiers, unknown)
                values = [at.value(p.expr) for p in st.parsed]
                if not all(close(values[0], v) for v in values[1:]):
                    return False
    except (Unknown, SymbackpropError, KeyError):
        return False
    return bool(evaluations)


@dataclass(frozen=True)
class _At:
    """One evaluation, with one draw of the unknown derivatives ``(R, f) -> ∂R/∂f``."""

    oracle: Oracle
    ev: Evaluation
    frontiers: Mapping[Symbol, frozenset[Symbol]]
    unknown: Mapping[tuple[Symbol, Symbol], Expr]

    def value(self, expr: Expr) -> Float:
        for _ in range(8):  # the document's shorthands first (δ_{o1} -> ∂E/∂net_{o1})
            if not any(s in self.oracle.aliases for s in expr.free_symbols):
                break
            expr = expr.xreplace(self.oracle.aliases)
        reps = {p: self.partial(p) for p in expr.atoms(Partial)}
        return self.oracle.value(expr.xreplace(reps), self.ev, {})

    def partial(self, p: Partial) -> Expr:
        """∂of/∂wrt with each valued-only quantity under ``of`` an unknown function of its frontier."""
        total = self._known(p.of, p.wrt)
        under = upstream(p.of, self.oracle.definition) | {p.of}
        for r in (r for r in self.frontiers if r in under and r != p.wrt):
            through = self._known(p.of, r)
            for f in self.frontiers[r]:
                total += through * self.unknown[(r, f)] * self._known(f, p.wrt)
        return total

    def _known(self, of: Symbol, wrt: Symbol) -> Expr:
        """∂of/∂wrt in the network read (the valued-only quantities held)."""
        held = self.oracle.partial(Partial(of, wrt), self.ev)
        if held is None:
            raise Unknown(f"d{of.name}/d{wrt.name} is not part of the network")
        return held
