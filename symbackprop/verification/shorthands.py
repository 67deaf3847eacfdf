"""A shorthand defined for one node and used for others: ``\\delta_{o1}`` defined, ``\\delta_{h2}`` used.

A worked example defines ``\\delta_{o1} = \\frac{\\partial E}{\\partial out_{o1}}
\\frac{\\partial out_{o1}}{\\partial net_{o1}}``, a chain of derivatives that
ends in ∂E/∂net_{o1}, the node with the shorthand's own index, and then writes
``\\delta_{h1}`` and ``\\delta_{h2}`` without defining them.  They stand for
the same derivative at the node of their own index: ∂E/∂net_{h1}, ∂E/∂net_{h2}.
Only a chain of derivatives is carried over this way (whatever the sign
convention, the document's factor is kept); a formula in values (``\\delta_{o1}
= out_{o1} - t_{o1}``) says nothing about other nodes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import sympy
from sympy import Expr, Symbol

from ..core.derivation import Partial
from .names import Names, squash
from .termwise import index_of

__all__ = ["by_subscript", "telescoped"]


def telescoped(expr: Expr) -> tuple[Expr, Partial] | None:
    """``c · ∂a/∂b · ∂b/∂c · …`` -> ``(c, ∂a/∂(last))``; ``None`` unless ``expr`` is such a chain."""
    scale, rest = expr.as_coeff_Mul()
    factors = list(sympy.Mul.make_args(rest))
    if not factors or not all(isinstance(f, Partial) for f in factors):
        return None
    by_of = {f.of: f for f in factors}
    heads = [f for f in factors if f.of not in {g.wrt for g in factors}]
    if len(by_of) != len(factors) or len(heads) != 1:
        return None
    d, seen = heads[0], 1
    while d.wrt in by_of:
        d, seen = by_of[d.wrt], seen + 1
    return (scale, Partial(heads[0].of, d.wrt)) if seen == len(factors) else None


def by_subscript(used: Iterable[Symbol], aliases: Mapping[Symbol, Expr], names: Names) -> dict[Symbol, Expr]:
    """Every used name not defined itself -> what it stands for, by a shorthand defined for another
    index (``\\delta_{h2}`` -> ∂E/∂net_{h2}, from ``\\delta_{o1}``: ∂E/∂net_{o1})."""
    patterns: dict[str, tuple[Expr, Symbol, Symbol]] = {}
    for n, meaning in aliases.items():
        chain = telescoped(meaning)
        base, index = n.name.partition("_")[0], index_of(n)
        if chain is None or not index or base in patterns:
            continue
        scale, d = chain
        if index_of(d.wrt) == index and squash(d.wrt.name).endswith(index):
            patterns[base] = (scale, d.of, d.wrt)
    out: dict[Symbol, Expr] = {}
    for n in used:
        base, index = n.name.partition("_")[0], index_of(n)
        if n in aliases or base not in patterns or not index:
            continue
        scale, of, node = patterns[base]
        stem = squash(node.name)[: -len(index_of(node))]
        target = names.lookup(stem + index)
        if target is not None and target != node and target != of:
            out[n] = scale * Partial(of, target)
    return out
