"""The network's picture as inline SVG, from the layout's coordinates.

The Sphinx extension shows this picture in HTML (a table stands in for other
builders).  It draws the same boxes and routes as the TikZ picture, from the
``graph`` entry of the walkthrough context (:func:`symbackprop.output.graph.graph_context`):
no layout happens here.  Labels are the symbols' LaTeX turned into SVG text:
italic letters, upright ``\\mathrm`` names, Greek letters, accents, and
sub- and superscripts as shifted smaller runs; a label with anything else
falls back to the symbol's name.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from .latex_text import unicode_of
from .widths import tokens

__all__ = ["graph_svg", "svg_label_runs"]

#: Pixels per cm (96 dpi), and the margin around the picture in pixels.
_PX = 37.8
_MARGIN = 6.0
_FILL = {
    "input": "#eef0fc",
    "target": "#fdf0e0",
    "parameter": "#f0f0f0",
    "node": "#ffffff",
    "loss": "#ffffff",
}
_UPRIGHT = {r"\mathrm", r"\text", r"\operatorname", r"\textrm", r"\mathbf"}
_ACCENT = {r"\hat": "\u0302", r"\bar": "\u0304", r"\tilde": "\u0303", r"\vec": "\u20d7", r"\dot": "\u0307"}

_ARROW = (
    '<defs><marker id="sbp-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
    'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>'
)
_PATH = '<path d="%s" fill="none" stroke="#555" stroke-width="1" marker-end="url(#sbp-arrow)"/>'

Run = tuple[str, bool, int]  # text, italic, script level (-1 sub, +1 super)


class _Unsupported(ValueError):
    pass


def _runs(toks: list[str], italic: bool, level: int) -> list[Run]:
    out: list[Run] = []
    i = 0

    def argument() -> list[str]:
        nonlocal i
        if i < len(toks) and toks[i] == "{":
            depth, start = 0, i
            while i < len(toks):
                depth += (toks[i] == "{") - (toks[i] == "}")
                i += 1
                if depth == 0:
                    return toks[start + 1 : i - 1]
            raise _Unsupported("unbalanced braces")
        if i >= len(toks):
            raise _Unsupported("missing argument")
        i += 1
        return [toks[i - 1]]

    while i < len(toks):
        t = toks[i]
        i += 1
        if t in ("{", "}") or t.isspace():
            if t.isspace():
                out.append((" ", False, level))
            continue
        if t in ("_", "^"):
            out += _runs(argument(), italic, level + (-1 if t == "_" else 1))
        elif t in _UPRIGHT:
            out += _runs(argument(), False, level)
        elif t in _ACCENT:
            inner = _runs(argument(), italic, level)
            out += [(text + _ACCENT[t], it, lv) for text, it, lv in inner]
        elif t.startswith("\\") and t in unicode_of:
            out.append((unicode_of[t], italic and t[1].islower(), level))
        elif t.startswith("\\"):
            raise _Unsupported(t)
        else:
            out.append((t, italic and t.isalpha(), level))
    return out


def svg_label_runs(latex: str, fallback: str) -> list[Run]:
    """A label's runs of text ``(text, italic, level)``; ``fallback`` as one upright run if unsupported."""
    try:
        runs = _runs(tokens(latex), True, 0)
    except _Unsupported:
        return [(fallback, False, 0)]
    merged: list[Run] = []
    for run in runs:
        if merged and merged[-1][1:] == run[1:]:
            merged[-1] = (merged[-1][0] + run[0], run[1], run[2])
        else:
            merged.append(run)
    return merged


def _label(node: Mapping[str, Any], x: float, y: float) -> str:
    size = 12.0 if node.get("small", node["role"] == "parameter") else 14.5  # a small box's label is small
    spans, shift = [], 0.0
    for text, italic, level in svg_label_runs(node["latex"], node["name"]):
        target = -0.35 * size * level if level else 0.0
        run_size = size * (0.72 if level else 1.0)
        style = ' font-style="italic"' if italic else ""
        spans.append('<tspan dy="%.1f" font-size="%.1f"%s>%s</tspan>'
                     % (target - shift, run_size, style, html.escape(text)))  # fmt: skip
        shift = target
    return '<text x="%.1f" y="%.1f" text-anchor="middle" dominant-baseline="central">%s</text>' % (
        x, y, "".join(spans))  # fmt: skip


def graph_svg(graph: Mapping[str, Any], title: str = "The network") -> str:
    """An ``<svg>`` element drawing ``graph`` (the context's layout), sized to fit its container."""
    scale = _PX * graph["scale"]
    width, height = graph["width"] * scale + 2 * _MARGIN, graph["height"] * scale + 2 * _MARGIN

    def at(p: Mapping[str, float]) -> str:
        return "%.1f %.1f" % (p["x"] * scale + _MARGIN, (graph["height"] - p["y"]) * scale + _MARGIN)

    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="symbackprop-graph" role="img" width="%.0f" '
        'height="%.0f" viewBox="0 0 %.1f %.1f" style="max-width:100%%;height:auto" '
        "font-family=\"'Latin Modern Roman', 'Computer Modern', serif\">" % (width, height, width, height),
        "<title>%s</title>" % html.escape(title),
        _ARROW,
    ]
    for e in graph["edges"]:
        d = ["M " + at(e["start"])]
        for s in e["segments"]:
            d.append(
                "C %s, %s, %s" % (at(s["c1"]), at(s["c2"]), at(s["to"])) if s["curve"] else "L " + at(s["to"])
            )
        parts.append(_PATH % " ".join(d))
    for n in graph["nodes"]:
        w, h = n["width"] * scale, n["height"] * scale
        cx, cy = (float(v) for v in at(n).split())
        radius = 0.15 * scale if n["role"] in ("node", "loss") else 2.0 if n["role"] == "parameter" else 0.0
        rect = '<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="%.1f" fill="%s" stroke="#222"/>'
        parts.append(rect % (cx - w / 2, cy - h / 2, w, h, radius, _FILL[n["role"]]))
        if n["role"] == "loss":
            parts.append(
                rect % (cx - w / 2 + 2.5, cy - h / 2 + 2.5, w - 5, h - 5, max(radius - 2.5, 0), "none")
            )
        parts.append(_label(n, cx, cy))
    parts.append("</svg>")
    return "\n".join(parts)
