"""The network as a picture: a layered layout, as data with coordinates.

:func:`graph_layout` places every drawn symbol (inputs, targets, parameters and
computed nodes) in columns, the way a textbook draws a network:

* **Columns.**  Inputs are the first column and the loss the last.  A computed
  node's column is its longest-path depth from the inputs.  A parameter or a
  target sits in the column just before the first node it feeds, so that it is
  drawn beside that node (a small box) and the target ``y`` comes in next to
  the output it is compared with.
* **Order.**  An edge that spans several columns passes through a reserved slot
  in each column between (a *dummy*), so that no edge crosses a box.  The order
  within each column is found by barycentre sweeps (Sugiyama's method), keeping
  the order with the fewest crossings.
* **Coordinates.**  Each box is as wide as its label (estimated by
  :func:`symbackprop.output.widths.math_width`); boxes in a column keep their
  order and a minimum gap, and are pulled towards their neighbours (an isotonic
  regression per column, swept back and forth).
* **Edges.**  An edge leaves its source's east side, runs through the column
  gaps (a curve with horizontal tangents, which stays inside the gap) and
  through its dummy slots, and enters its target's west side; the ports on a
  side are spread in the order of the other ends, so that edges do not cross
  at a box.  No edge can therefore pass through a box: tests/test_graph_layout.py
  checks it, and that boxes do not overlap, from the coordinates.

The picture is fitted into :data:`PAGE_WIDTH_CM` x :data:`PAGE_HEIGHT_CM`
(first by narrowing the column gaps, then by a scale the drawing applies).  Past
:data:`GRAPH_LIMIT` drawn symbols there is no picture.  Mermaid, TikZ and the
Sphinx SVG (:mod:`symbackprop.output.svg`) all draw this one layout.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sympy import Symbol

from ..core.network import Network
from .widths import math_width

__all__ = ["GRAPH_LIMIT", "PAGE_HEIGHT_CM", "PAGE_WIDTH_CM", "Box", "Edge", "Layout", "graph_context",
           "graph_layout"]  # fmt: skip

#: Most symbols drawn (inputs, targets, parameters and computed nodes); past it there is no picture.
GRAPH_LIMIT = 50
#: The picture's largest size, in cm: it fits a 16 cm text width with room to spare, and a page.
PAGE_WIDTH_CM = 15.0
PAGE_HEIGHT_CM = 20.0

_PT_CM = 2.54 / 72.27
#: Label font size (pt) and box height (cm) per role: parameters are small boxes.
_FONT = {"parameter": 9.0}
_HEIGHT = {"parameter": 0.55}
_DEFAULT_FONT, _DEFAULT_HEIGHT = 10.95, 0.75
_PAD_CM = 0.14  # label to box side
_GAPS = (0.3, 0.22, 0.16)  # between two boxes, a box and a dummy slot, two dummy slots
_COLUMN_GAP, _MIN_COLUMN_GAP = 1.7, 0.9
_PORT_SPREAD = 0.3  # ports use this fraction of a side's height, each way from its middle
_PORT_STEP = 0.085  # least distance between two ports of a side, in cm (a box grows to keep it)
_SWEEPS = 10


@dataclass(frozen=True)
class Box:
    """A drawn symbol: its centre ``(x, y)`` (y upwards), width and height, all in cm."""

    id: str
    name: str
    latex: str
    role: str  # input, target, parameter, node or loss
    column: int
    x: float
    y: float
    width: float
    height: float
    font_pt: float

    def contains(self, x: float, y: float, margin: float = 1e-6) -> bool:
        """Whether ``(x, y)`` is strictly inside the box (by more than ``margin``)."""
        return abs(x - self.x) < self.width / 2 - margin and abs(y - self.y) < self.height / 2 - margin


@dataclass(frozen=True)
class Edge:
    """An edge's route: ``points[0]`` on the source's east side, ``points[-1]`` on the target's west side.

    Consecutive points alternate: a horizontal run, then a crossing of a column gap, which the
    drawing makes a curve with horizontal tangents (:meth:`segments`).
    """

    source: str
    target: str
    points: tuple[tuple[float, float], ...]

    def segments(self) -> list[dict[str, Any]]:
        """The route as drawing steps: ``{curve: False, to}`` or ``{curve: True, c1, c2, to}``."""
        out: list[dict[str, Any]] = []
        for (x0, y0), (x1, y1) in zip(self.points, self.points[1:]):
            if abs(y1 - y0) < 1e-9:
                out.append({"curve": False, "to": {"x": x1, "y": y1}})
                continue
            mid = (x0 + x1) / 2
            out.append({"curve": True, "c1": {"x": mid, "y": y0}, "c2": {"x": mid, "y": y1},
                        "to": {"x": x1, "y": y1}})  # fmt: skip
        return out


@dataclass(frozen=True)
class Layout:
    """Boxes and edges in cm, the picture's size, and the scale the drawing applies to fit the page."""

    boxes: tuple[Box, ...]
    edges: tuple[Edge, ...]
    width: float
    height: float
    scale: float = 1.0
    columns: int = 0


# ------------------------------------------------------------------ columns


def _columns(net: Network) -> dict[Symbol, int]:
    """Inputs in column 0, computed nodes at their depth, the loss last, parameters and targets beside."""
    column: dict[Symbol, int] = dict.fromkeys(net.inputs, 0)
    placed_later = set(net.parameters) | set(net.targets)
    for d in net.definitions:
        parents = [column[p] for p in net.parents(d.symbol) if p not in placed_later]
        column[d.symbol] = 1 + max(parents, default=0)
    others = [column[n] for n in net.nodes if n != net.loss]
    column[net.loss] = max(column[net.loss], max(others, default=0) + 1)
    children: dict[Symbol, list[Symbol]] = {}
    for d in net.definitions:
        for p in net.parents(d.symbol):
            children.setdefault(p, []).append(d.symbol)
    for s in net.targets + net.parameters:
        column[s] = min((column[c] for c in children.get(s, [])), default=1) - 1
    return column


class _Graph:
    """The layered graph: real symbols and dummies (``("dummy", edge index, column)``), in column order."""

    def __init__(self, net: Network, column: Mapping[Symbol, int]) -> None:
        self.edges = [(p, d.symbol) for d in net.definitions for p in net.parents(d.symbol)]
        self.layers: list[list[Any]] = [[] for _ in range(max(column.values()) + 1)]
        first_child = {p: i for i, (p, _) in reversed(list(enumerate(self.edges)))}
        ordered = sorted(net.symbols, key=lambda s: (column[s], first_child.get(s, len(self.edges))))
        for s in ordered:
            self.layers[column[s]].append(s)
        self.column: dict[Any, int] = dict(column)
        self.chains: list[list[Any]] = []  # per edge: source, dummies..., target
        self.up: dict[Any, list[Any]] = {}
        self.down: dict[Any, list[Any]] = {}
        for i, (u, v) in enumerate(self.edges):
            chain = [u, *[("dummy", i, c) for c in range(column[u] + 1, column[v])], v]
            for c, dummy in zip(range(column[u] + 1, column[v]), chain[1:-1]):
                self.layers[c].append(dummy)
                self.column[dummy] = c
            for a, b in zip(chain, chain[1:]):
                self.down.setdefault(a, []).append(b)
                self.up.setdefault(b, []).append(a)
            self.chains.append(chain)

    def crossings(self) -> int:
        total = 0
        for left, right in zip(self.layers, self.layers[1:]):
            pos = {n: i for i, n in enumerate(right)}
            pairs = [(i, pos[b]) for i, a in enumerate(left) for b in self.down.get(a, [])]
            total += sum(1 for k, (a1, b1) in enumerate(pairs) for a2, b2 in pairs[k + 1 :]
                         if (a1 - a2) * (b1 - b2) < 0)  # fmt: skip
        return total

    def sweep(self, downwards: bool) -> None:
        """Reorder each column by the mean position of its neighbours in the column before it."""
        order = range(1, len(self.layers)) if downwards else range(len(self.layers) - 2, -1, -1)
        links = self.up if downwards else self.down
        for c in order:
            fixed = {n: i for i, n in enumerate(self.layers[c - 1 if downwards else c + 1])}
            layer = self.layers[c]

            def key(item: tuple[int, Any], fixed: dict[Any, int] = fixed) -> float:
                i, n = item
                near = [fixed[m] for m in links.get(n, []) if m in fixed]
                return sum(near) / len(near) if near else float(i)

            self.layers[c] = [n for _, n in sorted(enumerate(layer), key=key)]

    def minimise_crossings(self) -> None:
        best, best_layers = self.crossings(), [list(layer) for layer in self.layers]
        for k in range(_SWEEPS):
            self.sweep(downwards=k % 2 == 0)
            now = self.crossings()
            if now < best:
                best, best_layers = now, [list(layer) for layer in self.layers]
        self.layers = best_layers


# ------------------------------------------------------------------ coordinates


def _isotonic(desired: Sequence[float], gaps: Sequence[float]) -> list[float]:
    """Positions closest to ``desired`` (least squares) with ``pos[i+1] - pos[i] >= gaps[i]``."""
    offsets = [0.0]
    for g in gaps:
        offsets.append(offsets[-1] + g)
    blocks: list[list[float]] = []  # [mean, count]
    for d, o in zip(desired, offsets):
        blocks.append([d - o, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, n2 = blocks.pop()
            m1, n1 = blocks.pop()
            blocks.append([(m1 * n1 + m2 * n2) / (n1 + n2), n1 + n2])
    out: list[float] = []
    for mean, count in blocks:
        out.extend([mean] * int(count))
    return [u + o for u, o in zip(out, offsets)]


def _port_count(graph: _Graph, s: Symbol) -> int:
    return max(len(graph.up.get(s, [])), len(graph.down.get(s, [])))


def _size(latex: str, role: str, ports: int) -> tuple[float, float, float]:
    """``(width, height, font pt)`` of a box: its label's width plus padding, tall enough for its ports."""
    font = _FONT.get(role, _DEFAULT_FONT)
    height = max(_HEIGHT.get(role, _DEFAULT_HEIGHT), (ports - 1) * _PORT_STEP / (2 * _PORT_SPREAD))
    text = math_width(latex, display=False) * font * _PT_CM
    return max(height, text + 2 * _PAD_CM), height, font


def _vertical(graph: _Graph, heights: Mapping[Any, float]) -> dict[Any, float]:
    """Vertical centres (downwards), each column in its order, pulled towards the neighbours."""
    y: dict[Any, float] = {}
    gaps: list[list[float]] = []
    for layer in graph.layers:
        g = [
            heights[a] / 2 + heights[b] / 2 + _GAPS[_is_dummy(a) + _is_dummy(b)]
            for a, b in zip(layer, layer[1:])
        ]
        gaps.append(g)
        pos = _isotonic([0.0] * len(layer), g)
        shift = (pos[0] + pos[-1]) / 2 if pos else 0.0
        y.update({n: p - shift for n, p in zip(layer, pos)})
    columns = list(range(len(graph.layers)))
    for k in range(2 * _SWEEPS):
        for c in columns if k % 2 == 0 else columns[::-1]:
            layer = graph.layers[c]
            desired = []
            for n in layer:
                near = [y[m] for m in graph.up.get(n, []) + graph.down.get(n, [])]
                desired.append(sum(near) / len(near) if near else y[n])
            y.update(zip(layer, _isotonic(desired, gaps[c])))
    return y


def _is_dummy(n: Any) -> bool:
    return isinstance(n, tuple)


def _ports(graph: _Graph, y: Mapping[Any, float], heights: Mapping[Any, float]) -> dict[tuple, float]:
    """The y of each edge's port on each box side: ``(node, "in"|"out", edge index) -> y``."""
    ports: dict[tuple, float] = {}
    for side, index in (("out", 1), ("in", -2)):
        by_node: dict[Any, list[tuple[float, int]]] = {}
        for i, chain in enumerate(graph.chains):
            node = chain[0] if side == "out" else chain[-1]
            by_node.setdefault(node, []).append((y[chain[index]], i))
        for node, ends in by_node.items():
            ends.sort()
            spread = heights[node] * _PORT_SPREAD
            for k, (_, i) in enumerate(ends):
                t = 0.0 if len(ends) == 1 else -1 + 2 * k / (len(ends) - 1)
                ports[(node, side, i)] = y[node] + t * spread
    return ports


def graph_layout(net: Network, label: Callable[[Symbol], str]) -> Layout | None:
    """The layout of ``net`` with each symbol labelled ``label(symbol)`` (LaTeX), or None past the limit."""
    if len(net.symbols) > GRAPH_LIMIT:
        return None
    graph = _Graph(net, _columns(net))
    graph.minimise_crossings()
    role = {s: ("loss" if s == net.loss else net.role(s)) for s in net.symbols}
    sizes = {s: _size(label(s), role[s], _port_count(graph, s)) for s in net.symbols}
    heights = {n: 0.0 if _is_dummy(n) else sizes[n][1] for layer in graph.layers for n in layer}
    y, height = _upwards(_vertical(graph, heights), heights)
    widths = [max((sizes[n][0] for n in layer if not _is_dummy(n)), default=0.2) for layer in graph.layers]
    centres, width = _column_centres(widths)
    ids = {s: f"n{i}" for i, s in enumerate(net.symbols)}
    boxes = tuple(
        Box(ids[s], s.name, label(s), role[s], graph.column[s], centres[graph.column[s]], y[s], *sizes[s])
        for layer in graph.layers for s in layer if not _is_dummy(s)
    )  # fmt: skip
    edges = _routes(graph, y, heights, sizes, centres, widths, ids)
    scale = min(1.0, PAGE_WIDTH_CM / max(width, 1e-9), PAGE_HEIGHT_CM / max(height, 1e-9))
    return Layout(boxes, edges, width, height, scale, len(widths))


def _upwards(down: Mapping[Any, float], heights: Mapping[Any, float]) -> tuple[dict[Any, float], float]:
    """Centres measured upwards from 0 at the picture's bottom, and the picture's height."""
    top = min(v - heights[n] / 2 for n, v in down.items())
    bottom = max(v + heights[n] / 2 for n, v in down.items())
    return {n: bottom - v for n, v in down.items()}, bottom - top


def _column_centres(widths: Sequence[float]) -> tuple[list[float], float]:
    """Column centres, the gaps narrowed (down to a minimum) to fit the page width; and the total width."""
    n = len(widths)
    gap = _COLUMN_GAP
    if n > 1 and sum(widths) + gap * (n - 1) > PAGE_WIDTH_CM:
        gap = max(_MIN_COLUMN_GAP, (PAGE_WIDTH_CM - sum(widths)) / (n - 1))
    centres = [sum(widths[:i]) + gap * i + widths[i] / 2 for i in range(n)]
    return centres, sum(widths) + gap * (n - 1)


def _routes(graph: _Graph, y: Mapping[Any, float], heights: Mapping[Any, float],
            sizes: Mapping[Any, tuple[float, float, float]], centres: Sequence[float],
            widths: Sequence[float], ids: Mapping[Symbol, str]) -> tuple[Edge, ...]:  # fmt: skip
    ports = _ports(graph, y, heights)
    edges = []
    for i, chain in enumerate(graph.chains):
        u, v = chain[0], chain[-1]
        cu, cv = graph.column[u], graph.column[v]
        start = ports[(u, "out", i)]
        points = [(centres[cu] + sizes[u][0] / 2, start), (centres[cu] + widths[cu] / 2, start)]
        for dummy in chain[1:-1]:
            c = graph.column[dummy]
            points += [(centres[c] - widths[c] / 2, y[dummy]), (centres[c] + widths[c] / 2, y[dummy])]
        end = ports[(v, "in", i)]
        points += [(centres[cv] - widths[cv] / 2, end), (centres[cv] - sizes[v][0] / 2, end)]
        edges.append(Edge(ids[u], ids[v], tuple(_dedupe(points))))
    return tuple(edges)


def _dedupe(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    out = [points[0]]
    for p in points[1:]:
        if abs(p[0] - out[-1][0]) > 1e-9 or abs(p[1] - out[-1][1]) > 1e-9:
            out.append(p)
    return out


# ------------------------------------------------------------------ the context


def _point(x: float, y: float) -> dict[str, float]:
    return {"x": round(x, 3), "y": round(y, 3)}


def graph_context(net: Network, label: Callable[[Symbol], str]) -> dict[str, Any] | None:
    """The layout as plain data for the templates (see docs/template-context.md), or None past the limit."""
    layout = graph_layout(net, label)
    if layout is None:
        return None
    return {
        "nodes": [
            {"id": b.id, "name": b.name, "latex": b.latex, "role": b.role, "column": b.column,
             **_point(b.x, b.y), "width": round(b.width, 3), "height": round(b.height, 3)}
            for b in layout.boxes
        ],
        "edges": [
            {"source": e.source, "target": e.target, "start": _point(*e.points[0]),
             "segments": [{**s, **{k: _point(v["x"], v["y"]) for k, v in s.items() if k != "curve"}}
                          for s in e.segments()]}
            for e in layout.edges
        ],
        "width": round(layout.width, 3),
        "height": round(layout.height, 3),
        "scale": round(layout.scale, 3),
        "columns": layout.columns,
    }  # fmt: skip
