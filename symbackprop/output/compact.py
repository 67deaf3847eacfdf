"""The compact backward pass: each layer's first unit worked in full, the units like it in a table.

:func:`compact_backward` reads the backward steps in the order a walkthrough
shows them, with the context row already built for each
(:mod:`symbackprop.output.context`), cuts them into units and groups the units
of a layer that have the same shape (:mod:`symbackprop.output.patterns`).  Each
group's first unit keeps its rows; a step of that unit shaped like an earlier
one is marked ``brief`` (its chain is written on one line, without its local
derivatives again).  The other units become one table row each: the index that
tells them apart, then the value of every step of the unit.  Nothing is
computed: the numbers are the derivation's, shown by
:func:`symbackprop.output.numbers.column`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sympy import Symbol

from ..core.backward import Partial, Step
from .numbers import column
from .patterns import Group, Key, group_units, index_names, same_shape, units_of
from .source import Source, number_data

__all__ = ["DETAILS", "compact_backward"]

#: Levels of detail of a walkthrough: the compact default, and every step in full.
DETAILS = ("compact", "full")


def _worked(unit_steps: Sequence[Step], rows: Mapping[Symbol, dict[str, Any]], shape: Any) -> list[dict]:
    """The rows of a unit worked in full; a step shaped like an earlier step of the unit is brief."""
    key, role = shape
    out = []
    for i, step in enumerate(unit_steps):
        brief = any(same_shape([earlier], [step], key, role) for earlier in unit_steps[:i])
        out.append({**rows[step.symbol], "brief": brief})
    return out


def _others(src: Source, group: Group) -> dict[str, Any] | None:
    """The table of a group's units after the first, or None when the names show no common index."""
    units = group.units
    width = len(units[0].steps)
    names = index_names([[src.sym(u.steps[k].symbol) for u in units] for k in range(width)])
    if names is None:
        return None
    headers, indices, letter = names
    first = units[0]
    quantities = []
    for k, header in enumerate(headers):
        quantity = src.printer.symbolic(Partial(src.net.loss, first.steps[k].symbol))
        name = src.sym(first.steps[k].symbol)
        if quantity.count(name) != 1:
            return None
        quantities.append(quantity.replace(name, header))
    cells = []
    for k in range(width):
        keys = [("adjoint", u.steps[k].symbol) for u in units[1:]]
        values = [src.ev.adjoints[u.steps[k].symbol] for u in units[1:]]
        shown = column(values, src.digits, src.flags(keys))
        cells.append([number_data(s, key in src.ev.approx) for s, key in zip(shown, keys)])
    rows = [
        {"index": indices[i], "head": src.sym(u.head), "cells": [cells[k][i - 1] for k in range(width)]}
        for i, u in enumerate(units[1:], 1)
    ]
    return {"letter": letter, "quantities": quantities, "rows": rows, "count": len(rows)}


def compact_backward(
    src: Source,
    order: Sequence[Step],
    rows: Mapping[Symbol, dict[str, Any]],
    *,
    key: Key,
    role: Callable[[Symbol], str],
    layer: Callable[[Symbol], int],
) -> dict[str, Any] | None:
    """The compact backward pass, or None when no layer has two units of the same shape.

    Args:
        src: The evaluated derivation and its number options.
        order: The backward steps as the walkthrough shows them (children before parents).
        rows: The context row of each step, by symbol.
        key: What a step looks like, for shape matching (see :func:`~.patterns.same_shape`).
        role: A symbol's role (input, target, parameter, node, loss): renamings keep it.
        layer: A symbol's layer (its distance from the loss).
    """
    groups = group_units(units_of(order, src.net.loss, layer), key, role)
    if all(len(g.units) == 1 for g in groups):
        return None
    out: list[dict[str, Any]] = []
    for group in groups:
        others = _others(src, group) if len(group.units) > 1 else None
        worked = group.units if len(group.units) > 1 and others is None else group.units[:1]
        for unit in worked:
            out.append({
                "head": src.sym(unit.head),
                "steps": _worked(unit.steps, rows, (key, role)),
                "others": others if unit is group.units[0] else None,
            })  # fmt: skip
    shown = sum(len(g["steps"]) + (g["others"]["count"] if g["others"] else 0) for g in out)
    return {"groups": out, "shown": shown}
