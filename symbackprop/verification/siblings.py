"""What a quantity stated only by its value may be computed from, read from its sibling.

``E_{o1} = \\frac{1}{2}(target_{o1} - out_{o1})^2`` is defined, then "repeating this
process for o2" gives only ``E_{o2} = 0.0236``, which the document later
differentiates (``\\partial E_{o2} / \\partial out_{h1}``).  ``E_{o2}`` is a leaf of
the network read, with its value, but truly a node computed elsewhere: a
derivative through it with respect to something it may be computed from cannot
be checked.  What it may be computed from is what its sibling ``E_{o1}`` (the
same name, another unit of the same layer) is computed from, less the sibling's own
branch: the nodes that carry the sibling's index (``out_{o1}``, ``net_{o1}``,
``target_{o1}``) and the weights (``w``, ``W``, ``\\theta``) on their edges, since a
weight belongs to one edge.  With no sibling, it may be computed from anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from sympy import Symbol

from ..core.network import Network

__all__ = ["WEIGHT_NAMES", "computed_from", "frontiers", "is_unit", "upstream"]

#: Names of weights: each belongs to one edge (a bias may be shared by a layer).
WEIGHT_NAMES = re.compile(r"(?:w|W|theta|\\theta)(?:\^.*|_.*|\d.*)?\Z")


def computed_from(network: Network, valued: Iterable[Symbol]) -> dict[Symbol, frozenset[Symbol]]:
    """For each quantity stated only by its value, the network's symbols it may be computed from."""
    everything = frozenset(network.symbols)
    out: dict[Symbol, frozenset[Symbol]] = {}
    for r in valued:
        parts = _branches(network, r)
        out[r] = frozenset().union(*(below - branch - weights for below, branch, weights, _ in parts))
        out[r] = out[r] if parts else everything
    return out


def frontiers(network: Network, valued: Iterable[Symbol]) -> dict[Symbol, frozenset[Symbol]]:
    """For each quantity stated only by its value that has a sibling, what it reads directly from
    outside its own branch (as its sibling's branch does: ``out_{h1}``, ``out_{h2}``, ``b_2``)."""
    return {
        r: frozenset().union(*(reads for *_, reads in parts))
        for r in valued
        if (parts := _branches(network, r))
    }


def _branches(network: Network, r: Symbol) -> list[tuple[set[Symbol], set[Symbol], set[Symbol], set[Symbol]]]:
    """For each sibling of ``r``: what it is computed from, its own branch, the weights on the
    branch's edges, and what the branch reads from outside itself."""
    definition = network.definition
    out = []
    for k in (k for k in definition if _siblings(r.name, k.name)):
        below = upstream(k, definition)
        index = k.name.partition("_")[2]
        branch = {s for s in below | {k} if s.name.partition("_")[2] == index}
        edges = [definition[b] for b in branch if b in definition]
        weights = {s for e in edges for s in e.free_symbols if WEIGHT_NAMES.match(s.name)}
        reads = {s for e in edges for s in e.free_symbols} - branch - weights
        out.append((below, branch, weights, reads))
    return out


#: An index that names its layer and its unit (``o1``, ``h2``); a bare number (``E_1``, ``o_1``,
#: ``h_1``) does not tell a unit's own branch from the layer below, so it has no siblings.
_UNIT = re.compile(r"[A-Za-z]+\d+")


def is_unit(index: str) -> bool:
    """Whether an index names a layer and a unit (``o1``, ``h2``)."""
    return _UNIT.fullmatch(index) is not None


def _siblings(a: str, b: str) -> bool:
    """``E_o2`` and ``E_o1``: the same base, indices of a layer and a unit, differing in the unit."""
    base_a, _, index_a = a.partition("_")
    base_b, _, index_b = b.partition("_")
    if a == b or base_a != base_b or not _UNIT.fullmatch(index_a) or not _UNIT.fullmatch(index_b):
        return False
    return re.sub(r"\d+", "#", index_a) == re.sub(r"\d+", "#", index_b)


def upstream(node: Symbol, definition: Mapping[Symbol, object]) -> set[Symbol]:
    """Every symbol ``node`` is computed from, through the definitions."""
    seen: set[Symbol] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        expr = definition.get(n)
        for s in getattr(expr, "free_symbols", ()):
            if s not in seen:
                seen.add(s)
                stack.append(s)
    return seen
