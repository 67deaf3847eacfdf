"""A quantity stated only by its value, defined as its sibling is, for its own unit.

A document defines ``E_{o1} = \\frac{1}{2}(target_{o1} - out_{o1})^2``, then says
"repeating this process for o2" and gives only ``E_{o2} = 0.023560026``.  A careful
reader takes ``E_{o2}``'s definition from its sibling ``E_{o1}`` (the same base name,
an index of a layer and a unit: see :func:`.siblings.is_unit`), with the unit's names
renamed (``o1`` -> ``o2``, as :func:`.units.for_unit` renames a shorthand's).  The
reading is adopted only when

* every renamed name is a quantity of the network (``target_{o2}``, ``out_{o2}``);
* every sibling that is defined gives the same reading;
* the renamed formula, evaluated at the document's point, lies within half a unit of
  the stated value's last digit (:meth:`.rounding.Rounding.half`).

Otherwise the quantity stays stated only by its value.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Mapping

from mpmath import mp
from sympy import Expr, Float, Symbol

from ..core.derivation import DPS
from ..core.network import Definition, Network
from ..errors import SymbackpropError
from .rounding import Rounding
from .siblings import is_unit
from .units import for_unit

__all__ = ["adopted", "with_definitions"]


def adopted(
    network: Network, stated: Mapping[Symbol, tuple[Expr, int]], policy: str = "round"
) -> dict[Symbol, Expr]:
    """``{E_{o2}: (target_{o2} - out_{o2})^2 / 2}`` for each quantity stated only by its value
    (``stated``: ``symbol -> (value, decimals shown)``) whose siblings' definition, renamed to
    its unit, is read as its own (see the module's docstring)."""
    definition = network.definition
    by_name = {s.name: s for s in network.symbols}
    rounding = Rounding(policy)
    out: dict[Symbol, Expr] = {}
    for s, (value, shown) in stated.items():
        base, _, index = s.name.partition("_")
        if s in definition or not is_unit(index):
            continue
        siblings = [k for k in definition if _sibling(k, base, index)]
        readings = {for_unit(definition[k], k.name.partition("_")[2], index, by_name) for k in siblings}
        if len(readings) != 1 or None in readings:
            continue
        reading = readings.pop()
        if s in _upstream(reading, definition):
            continue  # (its own definition may not read itself)
        computed = _at_point(reading, definition, network.values)
        half = rounding.half(shown)
        if computed is not None and abs(mp.mpf(computed - Float(value, DPS))) <= half:
            out[s] = reading
    return out


def with_definitions(network: Network, more: Mapping[Symbol, Expr]) -> Network | None:
    """The network with ``more`` defined (each was a leaf with a stated value), or ``None`` when
    it is no valid network so."""
    definitions = tuple(network.definitions) + tuple(Definition(s, e) for s, e in more.items())
    leaves = lambda xs: tuple(x for x in xs if x not in more)  # noqa: E731
    with contextlib.suppress(SymbackpropError):
        return dataclasses.replace(
            network,
            definitions=definitions,
            inputs=leaves(network.inputs),
            targets=leaves(network.targets),
            parameters=leaves(network.parameters),
            values={k: v for k, v in network.values.items() if k not in more},
        )
    return None


def _sibling(k: Symbol, base: str, index: str) -> bool:
    """``E_{o1}`` for ``E_{o2}``: the same base, an index of the same layer, another unit."""
    b, _, i = k.name.partition("_")
    return b == base and i != index and is_unit(i) and i.rstrip("0123456789") == index.rstrip("0123456789")


def _upstream(expr: Expr, definition: Mapping[Symbol, Expr]) -> set[Symbol]:
    """Every symbol ``expr`` is computed from, through the definitions."""
    seen: set[Symbol] = set()
    stack = list(expr.free_symbols)
    while stack:
        n = stack.pop()
        if n not in seen:
            seen.add(n)
            stack.extend(getattr(definition.get(n), "free_symbols", ()))
    return seen


def _at_point(expr: Expr, definition: Mapping[Symbol, Expr], values: Mapping[Symbol, Expr]) -> Expr | None:
    """``expr`` evaluated at the point through the definitions, or ``None`` when a value is missing."""
    for _ in range(len(definition) + 1):
        defined = {s: definition[s] for s in expr.free_symbols if s in definition}
        if not defined:
            break
        expr = expr.xreplace(defined)
    computed = expr.xreplace(dict(values)).evalf(DPS)
    return computed if computed.is_number and computed.is_real else None
