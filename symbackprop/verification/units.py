"""A shorthand defined for one unit, read for another: ``\\delta_{o1}``, then ``\\delta_{h1}``.

A document defines the node delta of one unit, ``\\delta_{o1} = \\frac{\\partial E}{\\partial
net_{o1}}``, and later writes ``\\delta_{h1}`` for another: the same shorthand, its
unit's names in place of ``o1``'s (``\\partial E / \\partial net_{h1}``).  Read so only
when the index names a layer and a unit (``o1``, ``h1``; see :mod:`.siblings`), every
renamed name is a quantity of the network, and every definition of the shorthand
agrees on the reading.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from sympy import Expr, Symbol

from ..core.derivation import Partial
from .siblings import is_unit

__all__ = ["for_unit", "members"]


def members(
    aliases: Mapping[Symbol, Expr], used: Iterable[Symbol], known: Collection[Symbol]
) -> dict[Symbol, Expr]:
    """``{\\delta_{h1}: ∂E/∂net_{h1}}`` for each name used but not defined, read from a member of
    its family that is defined (``\\delta_{o1}``)."""
    by_base: dict[str, list[tuple[str, Expr]]] = {}
    for a, meaning in aliases.items():
        base, _, index = a.name.partition("_")
        if is_unit(index):
            by_base.setdefault(base, []).append((index, meaning))
    by_name = {s.name: s for s in known}
    out: dict[Symbol, Expr] = {}
    for s in used:
        base, _, index = s.name.partition("_")
        if s in aliases or s in known or base not in by_base or not is_unit(index):
            continue
        readings = {for_unit(meaning, old, index, by_name) for old, meaning in by_base[base]}
        if len(readings) == 1 and None not in readings:
            out[s] = readings.pop()
    return out


def for_unit(meaning: Expr, old: str, new: str, by_name: Mapping[str, Symbol]) -> Expr | None:
    """``meaning`` with each name of unit ``old`` renamed to unit ``new``; ``None`` when a renamed
    name is no quantity of the network or nothing is renamed."""
    symbols = set(meaning.free_symbols)
    for d in meaning.atoms(Partial):
        symbols |= {d.of, d.wrt}
    renames: dict[Symbol, Symbol] = {}
    for s in symbols:
        base, _, index = s.name.partition("_")
        if index == old:
            target = by_name.get(f"{base}_{new}")
            if target is None:
                return None
            renames[s] = target
    if not renames:
        return None
    partials = {
        d: Partial(renames.get(d.of, d.of), renames.get(d.wrt, d.wrt)) for d in meaning.atoms(Partial)
    }
    return meaning.xreplace(partials).xreplace(renames)
