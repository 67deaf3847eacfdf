"""The vectorised program's plan: layers lowered to units over named arrays.

A *unit* is one whole-array step of the program.  Each layer
(:mod:`symbackprop.core.layers`) becomes one unit, checked against the
derivation it is compiled from:

``affine``
    an :class:`~symbackprop.core.layers.Affine` layer, ``Z = W @ U + b``, when
    the derivation's local derivatives are exactly those of the bilinear form;
``map``
    an :class:`~symbackprop.core.layers.Elementwise` layer: one array
    expression over gathered operands, with the derivation's local derivatives
    the same up to renaming in every lane (``∂a_j/∂z_j = a_j(1 − a_j)``);
``sum``
    a :class:`~symbackprop.core.layers.Reduction`: its terms as one array
    expression, summed.

Whatever a check rejects is compiled node by node as maps of one lane, so
every network compiles; layers only change speed.  Values live in 2-D arrays,
one row per node and one column per example: ``X`` (inputs), ``Y``
(targets), ``n0, n1, ...`` (one per unit), and the parameters as one vector
``theta``, laid out so that each weight matrix and bias column is a slice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sympy import Dummy, Expr, S, Symbol

from ..core.derivation import Derivation
from ..core.layers import Affine, Elementwise, Layer, Reduction, Variation, placeholder, template
from ..core.network import Network

__all__ = ["OUT", "AffineUnit", "Location", "MapUnit", "Plan", "Unit", "UnitKind", "build_plan"]

#: Stands for a unit's own value in its local derivatives (``σ′ = out·(1 − out)``).
OUT = Dummy("out", real=True)


class UnitKind(str, Enum):
    """What a unit computes."""

    AFFINE = "affine"
    MAP = "map"
    SUM = "sum"


@dataclass(frozen=True)
class Unit:
    """One vectorised step of the program (for inspection and ``describe()``)."""

    kind: str  # a UnitKind: "affine", "map" or "sum"
    nodes: tuple[str, ...]
    shape: tuple[int, int]  # affine: (rows, columns) of W; map/sum: (lanes, 1)

    def describe(self) -> str:
        first, last = self.nodes[0], self.nodes[-1]
        names = first if len(self.nodes) == 1 else f"{first} .. {last} ({len(self.nodes)} nodes)"
        if self.kind == UnitKind.AFFINE:
            return f"affine {self.shape[0]}x{self.shape[1]}: {names}"
        if self.kind == UnitKind.SUM:
            return f"sum of {self.shape[0]} terms: {names}"
        return f"map x{self.shape[0]}: {names}"


@dataclass(frozen=True)
class Location:
    """Where a value lives: row ``row`` of array ``array`` (``X``, ``Y``, ``theta`` or ``n<k>``)."""

    array: str
    row: int


@dataclass(frozen=True)
class AffineUnit:
    """``array = W @ U + b``: ``W[j, k]`` is ``entries[(j, k)]`` (a parameter or a number) or 0."""

    array: str
    nodes: tuple[Symbol, ...]
    columns: tuple[Symbol, ...]
    entries: Mapping[tuple[int, int], Expr]
    bias: tuple[Expr, ...]

    @property
    def rows(self) -> int:
        return len(self.nodes)

    def summary(self) -> Unit:
        return Unit(UnitKind.AFFINE, tuple(s.name for s in self.nodes), (len(self.nodes), len(self.columns)))


@dataclass(frozen=True)
class MapUnit:
    """One expression over lanes: ``forward`` over placeholders ``p0, p1, ...``.

    ``lanes[p]`` holds the symbol placeholder ``p`` stands for in each lane;
    ``edges`` the local derivatives, as ``(placeholder the derivative is
    with respect to, template)``, in which :data:`OUT` is the unit's own value.
    A sum unit (``summed``) adds its lanes into one row.
    """

    array: str
    nodes: tuple[Symbol, ...]
    forward: Expr
    edges: tuple[tuple[int, Expr], ...]
    lanes: tuple[tuple[Symbol, ...], ...]
    summed: bool = False

    @property
    def placeholders(self) -> tuple[Dummy, ...]:
        return tuple(placeholder(p) for p in range(len(self.lanes)))

    @property
    def width(self) -> int:
        """How many lanes the expression runs over."""
        return len(self.lanes[0]) if self.summed else len(self.nodes)

    @property
    def rows(self) -> int:
        return 1 if self.summed else len(self.nodes)

    def summary(self) -> Unit:
        kind = UnitKind.SUM if self.summed else UnitKind.MAP
        return Unit(kind, tuple(s.name for s in self.nodes), (self.width, 1))


PlannedUnit = AffineUnit | MapUnit


@dataclass(frozen=True)
class Plan:
    """A derivation as units, with where every value lives and how it varies."""

    derivation: Derivation
    units: tuple[PlannedUnit, ...]
    locations: Mapping[Symbol, Location]
    variation: Mapping[Symbol, Variation]
    parameters: tuple[Symbol, ...]  # in theta order

    @property
    def network(self) -> Network:
        return self.derivation.network

    @property
    def index(self) -> dict[Symbol, int]:
        """Parameter -> row of theta."""
        return {s: self.locations[s].row for s in self.parameters}


def build_plan(derivation: Derivation, layers: Iterable[Layer]) -> Plan:
    """Lower ``layers`` (in an order where operands come first) to units."""
    planner = _Planner(derivation)
    for layer in layers:
        planner.lower(layer)
    order = planner.lay_out_parameters()
    return Plan(derivation, tuple(planner.units), planner.loc, planner.variation, order)


_Key = tuple[Expr, tuple[tuple[int, Expr], ...], int]


def _bilinear(coefficients: Mapping[Symbol, Expr], bias: Expr) -> dict[Expr, Expr] | None:
    """The local derivatives of ``Σ c_u·u + bias``: ``u -> c_u``, ``c_u -> u``, ``bias -> 1``.

    None when a parameter appears twice (then its derivative is no single term).
    """
    want: dict[Expr, Expr] = dict(coefficients)
    for u, c in coefficients.items():
        if isinstance(c, Symbol):
            if c in want:
                return None
            want[c] = u
    if isinstance(bias, Symbol):
        if bias in want:
            return None
        want[bias] = S.One
    return {s: v for s, v in want.items() if v != 0}


class _Planner:
    def __init__(self, d: Derivation) -> None:
        net = d.network
        self.net = net
        self.definition = net.definition
        self.params = set(net.parameters)
        self.loc: dict[Symbol, Location] = {}
        self.variation: dict[Symbol, Variation] = {}
        for array, symbols, variation in (
            ("X", net.inputs, Variation.EXAMPLE),
            ("Y", net.targets, Variation.EXAMPLE),
            ("theta", net.parameters, Variation.SHARED),
        ):
            for i, s in enumerate(symbols):
                self.loc[s] = Location(array, i)
                self.variation[s] = variation
        self.edges: dict[Symbol, list[tuple[Symbol, Expr]]] = {}
        for e in d.edges:
            self.edges.setdefault(e.of, []).append((e.wrt, e.general))
        self.units: list[PlannedUnit] = []

    def lower(self, layer: Layer) -> None:
        if isinstance(layer, Affine):
            self.lower_affine(layer)
        elif isinstance(layer, Reduction):
            self.lower_reduction(layer)
        else:
            self.lower_elementwise(layer)

    def next_array(self) -> str:
        return f"n{len(self.units)}"

    # -- affine

    def lower_affine(self, layer: Affine) -> None:
        """Rows whose derivation is a bilinear form, as units by kind of bias; the rest as maps."""
        groups: dict[bool, list[int]] = {}
        rejected = []
        for j in range(len(layer.outputs)):
            if self.affine_row(layer, j):
                groups.setdefault(isinstance(layer.biases[j], Symbol), []).append(j)
            else:
                rejected.append(layer.outputs[j])
        for rows in groups.values():
            self.add_affine(layer, rows)
        self.add_nodes(rejected)

    def affine_row(self, layer: Affine, j: int) -> bool:
        """Whether row ``j`` is ``Σ c·u + b`` in per-example ``u`` with the derivation's edges."""
        coefficients = {u: w for u, w in zip(layer.inputs, layer.weights[j]) if w != 0}
        bias = layer.biases[j]
        if not coefficients or not (bias.is_Number or bias in self.params):
            return False
        for u, c in coefficients.items():
            if u in self.params or self.variation.get(u) != Variation.EXAMPLE:
                return False
            if not (c.is_Number or c in self.params):
                return False
        want = _bilinear(coefficients, bias)
        return want is not None and dict(self.edges.get(layer.outputs[j], [])) == want

    def add_affine(self, layer: Affine, rows: Sequence[int]) -> None:
        array = self.next_array()
        used = {layer.inputs[k] for j in rows for k, w in enumerate(layer.weights[j]) if w != 0}
        columns = sorted(used, key=lambda s: (self.loc[s].array, self.loc[s].row))
        col = {u: k for k, u in enumerate(columns)}
        entries = {}
        for i, j in enumerate(rows):
            for u, w in zip(layer.inputs, layer.weights[j]):
                if w != 0:
                    entries[(i, col[u])] = w
        nodes = tuple(layer.outputs[j] for j in rows)
        for i, node in enumerate(nodes):
            self.loc[node] = Location(array, i)
            self.variation[node] = Variation.EXAMPLE
        self.units.append(
            AffineUnit(array, nodes, tuple(columns), entries, tuple(layer.biases[j] for j in rows))
        )

    # -- map and sum

    def keyed(
        self, expr: Expr, own: Symbol, edges: Iterable[tuple[Symbol, Expr]]
    ) -> tuple[_Key, list[Symbol]]:
        """A key equal for expressions (and local derivatives) the same up to renaming, and the renaming."""
        forward, operands = template(expr, own)
        mapping: dict[Symbol, Expr] = {s: placeholder(i) for i, s in enumerate(operands)}
        order = {s: i for i, s in enumerate(operands)}
        mapping[own] = OUT
        tpl_edges = []
        for wrt, general in sorted(edges, key=lambda e: order[e[0]]):
            for s in sorted(general.free_symbols - set(mapping), key=lambda s: s.name):
                mapping[s] = placeholder(len(mapping) - 1)
            tpl_edges.append((order[wrt], general.xreplace(mapping)))
        lanes = [s for s in mapping if s != own]
        return (forward, tuple(tpl_edges), len(lanes)), lanes

    def lower_elementwise(self, layer: Elementwise) -> None:
        self.add_nodes(layer.outputs)

    def add_nodes(self, nodes: Sequence[Symbol]) -> None:
        """Nodes as map units: one per group whose definitions and local derivatives agree."""
        groups: dict[_Key, list[tuple[Symbol, list[Symbol]]]] = {}
        for node in nodes:
            key, lanes = self.keyed(self.definition[node], node, self.edges.get(node, []))
            groups.setdefault(key, []).append((node, lanes))
        for key, group in groups.items():
            self.add_map(key, [n for n, _ in group], [lanes for _, lanes in group])

    def lower_reduction(self, layer: Reduction) -> None:
        """A sum unit when every term's local derivatives agree; else one map."""
        node = layer.output
        terms = [layer.term.expr.xreplace(dict(zip(layer.term.variables, args))) for args in layer.inputs]
        owner: dict[Symbol, int] = {}
        for t, term in enumerate(terms):
            for s in term.free_symbols:
                if s in owner:
                    self.add_nodes([node])  # a symbol in two terms: its edge is not one term's
                    return
                owner[s] = t
        per_term: list[list[tuple[Symbol, Expr]]] = [[] for _ in terms]
        for wrt, general in self.edges.get(node, []):
            per_term[owner[wrt]].append((wrt, general))
        keyed = [self.keyed(term, node, edges) for term, edges in zip(terms, per_term)]
        if any(key != keyed[0][0] for key, _ in keyed):
            self.add_nodes([node])
            return
        # Terms in storage order, so that operands are slices rather than gathers.
        lanes = sorted(
            (lane for _, lane in keyed), key=lambda lane: [(self.loc[s].array, self.loc[s].row) for s in lane]
        )
        self.add_map(keyed[0][0], [node], lanes, summed=True)

    def add_map(
        self, key: _Key, nodes: Sequence[Symbol], lanes: Sequence[Sequence[Symbol]], *, summed: bool = False
    ) -> None:
        forward, edges, count = key
        array = self.next_array()
        unit = MapUnit(
            array,
            tuple(nodes),
            forward,
            edges,
            tuple(tuple(lane[p] for lane in lanes) for p in range(count)),
            summed,
        )
        variation = self.variation_of(forward, unit)
        for j, node in enumerate(nodes):
            self.loc[node] = Location(array, 0 if summed else j)
            self.variation[node] = variation
        self.units.append(unit)

    def variation_of(self, expr: Expr, unit: MapUnit) -> Variation:
        """The most varying operand that ``expr`` reads."""
        used = [p for p, ph in enumerate(unit.placeholders) if ph in expr.free_symbols]
        return max((self.variation[s] for p in used for s in unit.lanes[p]), default=Variation.CONSTANT)

    def lay_out_parameters(self) -> tuple[Symbol, ...]:
        """Order theta by first use: each affine unit's W row by row, then its biases.

        Then every weight matrix and bias column is a contiguous slice of theta
        (and of the gradient), which NumPy reads and writes fastest.
        """
        order: dict[Symbol, None] = {}
        for unit in self.units:
            if isinstance(unit, AffineUnit):
                used: list[Any] = [unit.entries[pos] for pos in sorted(unit.entries)] + list(unit.bias)
            else:
                used = [s for lane in unit.lanes for s in lane]
            for sym in used:
                if sym in self.params:
                    order.setdefault(sym)
        for sym in self.net.parameters:
            order.setdefault(sym)
        for i, sym in enumerate(order):
            self.loc[sym] = Location("theta", i)
        return tuple(order)
