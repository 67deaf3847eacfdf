r"""The matrix view's graph of layers: one row of named quantities, as plain data with coordinates.

A matrix-form network is a chain of layers, so its picture is one row, left to right: the inputs,
then each defined quantity in order, the loss last, each a box labelled with its symbol and shape
(``z_1 \in \mathbb{R}^{2 \times 1}``).  Parameters and targets are small boxes above the quantity
they feed first (``W_1``, ``b_1`` above ``z_1``; ``y`` above ``L``), pushed right where two groups
would touch.  Sizes come from :func:`symbackprop.output.widths.math_width`, as in the scalar view's
layered layout (:mod:`symbackprop.output.graph`); the row is scaled to fit
:data:`~symbackprop.output.graph.PAGE_WIDTH_CM`.  Mermaid (which lays out by itself) and TikZ (at
these coordinates) draw it in ``walkthrough_matrix.md.j2`` and ``walkthrough_matrix.tex.j2``;
:func:`layer_graph_svg` draws it as inline SVG (the Sphinx directive's HTML), with the scalar view's
:func:`~symbackprop.output.svg.graph_svg`, along the routes TikZ takes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from sympy import Symbol

from ..core.matrix import MatrixNetwork
from .bmatrix import shape_latex
from .graph import PAGE_WIDTH_CM
from .svg import graph_svg, svg_label_runs
from .widths import math_width

__all__ = ["layer_graph_context", "layer_graph_svg"]

_PT_CM = 2.54 / 72.27
#: Label font size (pt) and box height (cm): the row at the normal size, parameters and targets small.
_ROW = (10.95, 0.6)
_SIDE = (9.0, 0.45)
_PAD_CM = 0.14  # label to box side
_ROW_GAP, _SIDE_GAP, _RISE = 0.7, 0.2, 0.25  # between row boxes, side boxes, and a side box and the row
_SIDE_Y = _ROW[1] / 2 + _RISE + _SIDE[1] / 2  # the centre of a box above the row
_SCRIPTS = {
    1: dict(zip("0123456789()+-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾⁺⁻")),
    -1: dict(zip("0123456789()+-", "₀₁₂₃₄₅₆₇₈₉₍₎₊₋")),
}


def _plain(latex: str, name: str) -> str:
    """A symbol's LaTeX as plain text, scripts in Unicode (``z^{(1)}`` is ``z⁽¹⁾``, ``W_{1}`` is
    ``W₁``); its name when a script has no Unicode form."""
    out = []
    for text, _, level in svg_label_runs(latex, name):
        if level and not set(text) <= set(_SCRIPTS.get(level, {})):
            return name
        out.append("".join(_SCRIPTS[level][c] for c in text) if level else text)
    return "".join(out)


def _text(plain: str, shape: Sequence[int]) -> str:
    """The label as plain text, for Mermaid: ``z₁ ∈ ℝ²ˣ¹``."""
    rows, columns = ("".join(_SCRIPTS[1][c] for c in str(n)) for n in shape)
    return f"{plain} ∈ ℝ{rows}ˣ{columns}"


def _box(net: MatrixNetwork, s: Symbol, sym: Callable[[Symbol], str], role: str, ids: dict) -> dict[str, Any]:
    """A box for ``s``: its label (symbol and shape, in LaTeX and as text), role and size; placed later."""
    font, height = _SIDE if role in ("parameter", "target") else _ROW
    shape = net.shapes[s]
    label = r"%s \in \mathbb{R}^{%s}" % (sym(s), shape_latex(shape))
    width = math_width(label, display=False) * font * _PT_CM + 2 * _PAD_CM
    text = _text(_plain(sym(s), s.name), shape)
    return {"id": ids[s], "name": s.name, "latex": sym(s), "label": label, "text": text,
            "role": role, "shape": list(shape), "width": width, "height": height}  # fmt: skip


def layer_graph_context(net: MatrixNetwork, sym: Callable[[Symbol], str]) -> dict[str, Any]:
    """The row (``nodes``), the small boxes above it (``sides``, each with the ``feeds`` id of the
    row box it sits over), every edge ``{source, target, kind}`` (``row`` between neighbours,
    ``skip`` past them, ``side`` from above), in cm with y upwards, and the ``scale`` that fits the page.

    Args:
        net: The matrix network.
        sym: A quantity's symbol in LaTeX (the walkthrough's one printer).
    """
    ids = {s: f"n{i}" for i, s in enumerate(net.symbols)}
    row_symbols = [*net.inputs, *(s for s in net.nodes if s != net.loss), net.loss]
    row = [_box(net, s, sym, "loss" if s == net.loss else net.role(s), ids) for s in row_symbols]
    _spread(row, 0.0, _ROW_GAP, 0.0)
    edges = [(p, d.symbol) for d in net.definitions for p in net.graph.parents(d.symbol)]
    sides = _sides(net, sym, ids, edges, dict(zip(row_symbols, row)))
    boxes = row + sides
    shift = -min(b["x"] - b["width"] / 2 for b in boxes)
    for b in boxes:
        b.update(x=round(b["x"] + shift, 3), width=round(b["width"], 3))
    width = max(b["x"] + b["width"] / 2 for b in boxes)
    place = {s: i for i, s in enumerate(row_symbols)}
    return {
        "nodes": row,
        "sides": sides,
        "edges": [{"source": ids[p], "target": ids[c], "kind": _kind(place, p, c)} for p, c in edges],
        "width": round(width, 3),
        "scale": math.floor(min(1.0, PAGE_WIDTH_CM / width) * 1000) / 1000,  # rounded down: it fits
    }


def _sides(
    net: MatrixNetwork,
    sym: Callable[[Symbol], str],
    ids: dict,
    edges: Sequence[tuple[Symbol, Symbol]],
    row: dict[Symbol, dict[str, Any]],
) -> list[dict[str, Any]]:
    """Parameters and targets, in groups above the row box each feeds first, left to right."""
    first_fed: dict[Symbol, Symbol] = {}
    for p, child in edges:
        first_fed.setdefault(p, child)
    sides: list[dict[str, Any]] = []
    right = -math.inf
    for s, box in row.items():
        group = [
            _box(net, p, sym, net.role(p), ids) for p in net.targets + net.parameters if first_fed.get(p) == s
        ]
        width = sum(b["width"] for b in group) + _SIDE_GAP * (len(group) - 1)
        if group:  # centred over its box, or pushed right of the group before
            right = _spread(group, max(box["x"] - width / 2, right + _SIDE_GAP), _SIDE_GAP, _SIDE_Y)
            sides += [{**b, "feeds": box["id"]} for b in group]
    return sides


def _spread(boxes: Sequence[dict[str, Any]], left: float, gap: float, y: float) -> float:
    """Place ``boxes`` side by side from ``left``, ``gap`` apart, centred at height ``y``; their right end."""
    for b in boxes:
        b.update(x=left + b["width"] / 2, y=y)
        left += b["width"] + gap
    return left - gap


def _kind(place: dict[Symbol, int], source: Symbol, target: Symbol) -> str:
    if source not in place:
        return "side"
    return "row" if place[target] - place[source] == 1 else "skip"


# ------------------------------------------------------------------ SVG

#: TikZ's ``to[out=-25, in=-155]`` of a skip edge, and its control distance (looseness 1).
_SKIP_OUT, _SKIP_IN, _LOOSENESS = -25.0, -155.0, 0.3915


def _border(box: dict[str, Any], dx: float, dy: float) -> tuple[float, float]:
    """Where the ray from ``box``'s centre along ``(dx, dy)`` leaves the box."""
    t = min(box["width"] / 2 / abs(dx) if dx else math.inf, box["height"] / 2 / abs(dy) if dy else math.inf)
    return box["x"] + t * dx, box["y"] + t * dy


def _route(source: dict[str, Any], target: dict[str, Any], kind: str) -> list[tuple[float, float]]:
    """An edge's points: ``[start, end]`` for a line, ``[start, c1, c2, end]`` for a skip's curve."""
    if kind == "skip":
        out, into = math.radians(_SKIP_OUT), math.radians(_SKIP_IN)
        start = _border(source, math.cos(out), math.sin(out))
        end = _border(target, math.cos(into), math.sin(into))
        d = _LOOSENESS * math.dist(start, end)
        c1 = (start[0] + d * math.cos(out), start[1] + d * math.sin(out))
        c2 = (end[0] + d * math.cos(into), end[1] + d * math.sin(into))
        return [start, c1, c2, end]
    dx, dy = target["x"] - source["x"], target["y"] - source["y"]
    return [_border(source, dx, dy), _border(target, -dx, -dy)]


def svg_layout(graph: dict[str, Any]) -> dict[str, Any]:
    """The graph of layers in :func:`~symbackprop.output.svg.graph_svg`'s terms: every box (labelled
    with its symbol and shape, ``z_1 ∈ ℝ^{2×1}``), each edge as a ``start`` and ``segments``, y from 0
    up to ``height``, at scale 1 (the picture shrinks to its container, labels with it)."""
    boxes = graph["nodes"] + graph["sides"]
    by_id = {b["id"]: b for b in boxes}
    routes = [(e, _route(by_id[e["source"]], by_id[e["target"]], e["kind"])) for e in graph["edges"]]
    ys = [b["y"] + sign * b["height"] / 2 for b in boxes for sign in (-1, 1)]
    ys += [p[1] for _, points in routes for p in points]
    bottom, top = min(ys), max(ys)

    def point(p: tuple[float, float]) -> dict[str, float]:
        return {"x": round(p[0], 3), "y": round(p[1] - bottom, 3)}

    nodes = [
        {**b, "latex": r"%s \in \mathrm{ℝ}^{%s}" % (b["latex"], shape_latex(b["shape"])),
         "y": round(b["y"] - bottom, 3), "small": b["role"] in ("parameter", "target")}
        for b in boxes
    ]  # fmt: skip
    edges = []
    for e, points in routes:
        if len(points) == 4:
            segments = [
                {"curve": True, "c1": point(points[1]), "c2": point(points[2]), "to": point(points[3])}
            ]
        else:
            segments = [{"curve": False, "to": point(points[1])}]
        edges.append(
            {"source": e["source"], "target": e["target"], "start": point(points[0]), "segments": segments}
        )
    return {
        "nodes": nodes,
        "edges": edges,
        "width": graph["width"],
        "height": round(top - bottom, 3),
        "scale": 1.0,
    }


def layer_graph_svg(graph: dict[str, Any], title: str = "The network") -> str:
    """The graph of layers (:func:`layer_graph_context`'s) as an inline ``<svg>`` element."""
    return graph_svg(svg_layout(graph), title)
