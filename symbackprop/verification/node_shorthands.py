"""Shorthands subscripted by a quantity's own name: ``\\delta_{z_2}`` after ``\\delta_{z_1} = ∂L/∂z_1``.

A document that writes ``\\delta_{n}`` for ∂L/∂n defines it once, for one node, and
then uses it for the others, often stating their values only in a table or in prose.
When a shorthand's subscript is the whole name of a quantity of the network
(``\\delta_{z^{(2)}_{1}}``, subscript ``z^{(2)}_{1}``), and its meaning mentions that
quantity, the same shorthand subscripted by another quantity's name means the same
with that quantity in its place.  This is :mod:`.units`' rule (``\\delta_{h1}`` after
``\\delta_{o1}``, by a unit's index) for subscripts that name the quantity itself.

Every member of the family that the document defines must give the same reading;
otherwise the name stays unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping

from sympy import Expr, Symbol

from ..core.derivation import Partial

__all__ = ["node_members"]


def node_members(
    aliases: Mapping[Symbol, Expr],
    used: Iterable[Symbol],
    known: Collection[Symbol],
    lookup: Callable[[str], Symbol | None],
) -> dict[Symbol, Expr]:
    """``{δ_{z_2}: ∂L/∂z_2}`` for each name used but not defined, whose subscript names a quantity of
    ``known`` (through ``lookup``, the document's name keys), read from the members of its family
    that are defined with the quantity of their own subscript."""
    by_base: dict[str, list[tuple[Symbol, Expr]]] = {}
    for a, meaning in aliases.items():
        base, _, sub = a.name.partition("_")
        own = lookup(sub)
        if own is not None and own in known and _mentions(meaning, own):
            by_base.setdefault(base, []).append((own, meaning))
    out: dict[Symbol, Expr] = {}
    for s in used:
        base, _, sub = s.name.partition("_")
        target = lookup(sub) if base in by_base and s not in aliases and s not in known else None
        if target is None or target not in known:
            continue
        readings = {_renamed(meaning, old, target) for old, meaning in by_base[base]}
        if len(readings) == 1:
            out[s] = readings.pop()
    return out


def _mentions(meaning: Expr, s: Symbol) -> bool:
    """Whether ``s`` occurs in ``meaning``, as a symbol or in a derivative."""
    return s in meaning.free_symbols or any(s in (d.of, d.wrt) for d in meaning.atoms(Partial))


def _renamed(meaning: Expr, old: Symbol, new: Symbol) -> Expr:
    """``meaning`` with ``new`` in place of ``old``, in its derivatives too."""
    partials = {
        d: Partial(new if d.of == old else d.of, new if d.wrt == old else d.wrt)
        for d in meaning.atoms(Partial)
    }
    return meaning.xreplace({**partials, old: new})
