"""The compact backward pass: each layer's first unit worked in full, the units like it in a table.

:func:`compact_backward` reads the backward steps in the order a walkthrough
shows them, with the context row already built for each
(:mod:`symbackprop.output.context`), cuts them into units and groups the units
of a layer that have the same shape (:mod:`symbackprop.output.patterns`).  Each
group's first unit keeps its rows; a step of that unit shaped like an earlier
one is marked ``brief`` (its chain is written on one line, without its local
derivatives again).  The other units become one table row each: the index that
tells them apart, then the value of every step of the unit; when the names show
no common index (w₅ and w₇), the row is labelled by the unit's name and each
cell names its own quantity (``∂E/∂w₇ ≈ -0.0226``).  Nothing is
computed: the numbers are the derivation's, shown by
:func:`symbackprop.output.numbers.column`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sympy import Symbol

from ..core.backward import Partial, Step
from .numbers import column
from .patterns import Group, Key, Unit, group_units, index_names, same_shape, units_of
from .source import Source, number_data
from .widths import math_width

__all__ = ["DETAILS", "compact_backward"]

#: Levels of detail of a walkthrough: the compact default, and every step in full.
DETAILS = ("compact", "full")

#: The width a table of named cells may take, in em of the normal size (the 16 cm line, set in
#: ``\small``), and each cell's padding.
_LINE_EM = 45.0
_PADDING_EM = 0.8


def _worked(unit_steps: Sequence[Step], rows: Mapping[Symbol, dict[str, Any]], shape: Any) -> list[dict]:
    """The rows of a unit worked in full; a step shaped like an earlier step of the unit is brief."""
    key, role = shape
    out = []
    for i, step in enumerate(unit_steps):
        brief = any(same_shape([earlier], [step], key, role) for earlier in unit_steps[:i])
        out.append({**rows[step.symbol], "brief": brief})
    return out


def _quantity(src: Source, step: Step) -> str:
    """∂L/∂ of a step's symbol, as LaTeX."""
    return src.printer.symbolic(Partial(src.net.loss, step.symbol))


def _cells(src: Source, units: Sequence[Unit], k: int) -> list[dict[str, Any]]:
    """The values of step ``k`` of each unit, as one column (one precision policy)."""
    keys = [("adjoint", u.steps[k].symbol) for u in units]
    values = [src.ev.adjoints[u.steps[k].symbol] for u in units]
    shown = column(values, src.digits, src.flags(keys))
    return [number_data(s, key in src.ev.approx) for s, key in zip(shown, keys)]


def _indexed(src: Source, units: Sequence[Unit]) -> tuple[str, list[str], list[str]] | None:
    """The index letter, the headers (∂L/∂ of each step, its name's varying part as the letter) and
    each unit's index; None when the names show no common index."""
    width = len(units[0].steps)
    names = index_names([[src.sym(u.steps[k].symbol) for u in units] for k in range(width)])
    if names is None:
        return None
    headers, indices, letter = names
    quantities = []
    for step, header in zip(units[0].steps, headers):
        quantity, name = _quantity(src, step), src.sym(step.symbol)
        if quantity.count(name) != 1:
            return None
        quantities.append(quantity.replace(name, header))
    return letter, quantities, indices


def _others(src: Source, group: Group) -> dict[str, Any]:
    """The table of a group's units after the first: a row per unit, a column per step of the pattern.

    When the names show a common index, the headers write it as a letter and each row gives its
    index (``letter``).  Otherwise ``letter`` is None: the headers are the first unit's quantities,
    each row is labelled by its unit's name and each cell names its own quantity (``∂E/∂w₇ ≈
    -0.0226`` under ``∂E/∂w₅``): a number beside another quantity's name would be misread.
    """
    first, units = group.units[0], group.units[1:]
    columns = [_cells(src, units, k) for k in range(len(first.steps))]
    indexed = _indexed(src, group.units)
    rows = []
    for i, unit in enumerate(units):
        cells = [column[i] for column in columns]
        if indexed is None:
            cells = [{**c, "quantity": _quantity(src, s)} for c, s in zip(cells, unit.steps)]
        index = indexed[2][i + 1] if indexed else None
        rows.append({"index": index, "head": src.sym(unit.head), "cells": cells})
    letter, quantities = indexed[:2] if indexed else (None, [_quantity(src, s) for s in first.steps])
    parts = [list(range(len(quantities)))] if indexed else _parts(quantities, rows)
    return {"letter": letter, "quantities": quantities, "rows": rows, "count": len(rows), "parts": parts}


def _cell_width(cell: Mapping[str, Any]) -> float:
    """A named cell's width in display style, in em, with its padding."""
    return math_width(f"{cell['quantity']} {cell['rel']} {cell['latex']}") + _PADDING_EM


def _parts(quantities: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> list[list[int]]:
    """The columns of a table of named cells, cut into runs that each fit the line (one run if it fits)."""
    label = max(math_width(r["head"], display=False) for r in rows) + _PADDING_EM
    widths = [max([math_width(q) + _PADDING_EM, *(_cell_width(r["cells"][k]) for r in rows)])
              for k, q in enumerate(quantities)]  # fmt: skip
    parts: list[list[int]] = [[]]
    used = label
    for k, width in enumerate(widths):
        if parts[-1] and used + width > _LINE_EM:
            parts.append([])
            used = label
        parts[-1].append(k)
        used += width
    return parts


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

    In hand rounding every unit is worked (its steps shaped like earlier ones of the unit on one
    line): each number is carried on as shown, so a table row would hide the roundings behind it.

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
    # hand rounding carries each number as shown: a table row would hide the roundings it went through
    tabled = src.rounding != "hand"
    out: list[dict[str, Any]] = [
        {
            "head": src.sym(unit.head),
            "steps": _worked(unit.steps, rows, (key, role)),
            "others": _others(src, group)
            if tabled and unit is group.units[0] and len(group.units) > 1
            else None,
        }
        for group in groups
        for unit in (group.units[:1] if tabled else group.units)
    ]
    shown = sum(len(g["steps"]) + (g["others"]["count"] if g["others"] else 0) for g in out)
    return {"groups": out, "shown": shown, "tabled": tabled}
