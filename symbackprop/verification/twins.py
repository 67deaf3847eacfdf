"""One node defined twice under two names: ``net_{h1} = w_1 x_1 + w_3 x_2 + b_1`` besides
``z_1 = w_1 x_1 + w_3 x_2 + b_1``, and then ``out_{h1} = \\frac{1}{1 + e^{-net_{h1}}}`` besides
``a_{h1} = \\sigma(z_1)``.

A document that restates its forward pass in another notation (one in the
forward pass, another in the backward pass) names the same quantities twice.
A node whose definition is, as a function, the definition of another node
(once the names already found to be twins are joined) is another name for
that node, not a second node that nothing uses.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Mapping, Sequence

from sympy import Expr, Rational, Symbol

from ..core.derivation import Partial
from ..notation.latex.parsed import Parsed
from .statements import Statement

__all__ = ["join_names", "twin_nodes"]

#: Random points two definitions are compared at (as :meth:`~.infer._Reading.refines` does).
POINTS = 3


def twin_nodes(definitions: Mapping[Symbol, Expr], order: Sequence[Symbol]) -> dict[Symbol, Symbol]:
    """Each node defined again under another name -> the node defined first, joined until nothing
    more joins (``net_{h1}`` -> ``z_1`` makes ``out_{h1}`` -> ``a_{h1}``)."""
    joined: dict[Symbol, Symbol] = {}
    changed = True
    while changed:
        changed = False
        seen: dict[frozenset[Symbol], list[Symbol]] = {}
        for n in order:
            if n in joined:
                continue
            expr = definitions[n].xreplace(joined)
            same = seen.setdefault(frozenset(expr.free_symbols), [])
            first = next((m for m in same if _equal(definitions[m].xreplace(joined), expr)), None)
            if first is None or not expr.free_symbols:
                same.append(n)
                continue
            joined[n] = first
            changed = True
    return joined


def _equal(a: Expr, b: Expr) -> bool:
    """Whether two expressions in the same names are the same function of them."""
    if a == b:
        return True
    rng = random.Random(11)
    names = sorted(a.free_symbols, key=lambda s: s.name)
    for _ in range(POINTS):
        pt = {s: Rational(rng.randint(11, 97), 37) for s in names}
        x, y = a.xreplace(pt).evalf(30), b.xreplace(pt).evalf(30)
        if not (x.is_number and y.is_number) or abs(x - y) > 1e-20 * max(1, abs(x)):
            return False
    return True


def join_names(statements: Sequence[Statement], joined: Mapping[Symbol, Symbol]) -> None:
    """Every statement read with one name per node: each twin replaced by the node it names, inside
    derivatives too (``\\partial out_{h1}/\\partial net_{h1}`` is ``\\partial a_{h1}/\\partial z_1``)."""
    if not joined:
        return
    for st in statements:
        if st.error:
            continue
        st.parsed = [_joined(p, joined) for p in st.parsed]


def _joined(side: Parsed, joined: Mapping[Symbol, Symbol]) -> Parsed:
    expr = side.expr
    partials = {d: Partial(joined.get(d.of, d.of), joined.get(d.wrt, d.wrt)) for d in expr.atoms(Partial)}
    new = expr.xreplace(partials).xreplace(joined)
    return side if new == expr else dataclasses.replace(side, expr=new)
