"""The Sphinx directive's matrix view: a matrix-form walkthrough context as docutils nodes.

:class:`MatrixSections` lays out :func:`symbackprop.output.matrix_context.matrix_walkthrough_context`'s
data, section by section, as the directive's builder (:mod:`symbackprop.integrations.sphinx`)
lays out the scalar view's; the builder mixes it in and supplies ``block`` (display
math, rows aligned at ``&``), ``heading``, ``para`` (text with ``$math$``) and ``table``.
Nothing is computed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from docutils import nodes

from ..output.bmatrix import shape_latex
from ..output.layer_graph import layer_graph_svg
from ..output.tables import Column, Math, Table, Text

__all__ = ["BATCH_NOTE", "MatrixSections"]

#: What a mean over a batch does to every δ (the templates say the same).
BATCH_NOTE = (
    "The batch holds {m} examples, one per column, and the loss is a mean over {n} numbers: every "
    "$\\delta$ below carries the mean's factor ${factor}$. So a weight gradient $\\delta A^{{\\top}}$ is "
    "${factor} \\Delta A^{{\\top}}$, with $\\Delta$ the per-example deltas side by side: the mean of the "
    "per-example gradients; a bias gradient sums $\\delta$ over the batch."
)


class MatrixSections:
    """The sections of a matrix-form walkthrough; ``c`` is the context."""

    c: dict[str, Any]

    if TYPE_CHECKING:  # supplied by the directive's builder, which mixes this class in

        def block(self, lines: Sequence[str]) -> nodes.math_block: ...

        def heading(self, text: str) -> nodes.rubric: ...

        def para(self, text: str) -> nodes.paragraph: ...

        def table(self, table: Any) -> nodes.table: ...

    def section_setup(self) -> list[nodes.Node]:
        s = self.c["setup"]
        frozen = f" (frozen, not updated: ${', '.join(s['frozen'])}$)" if s["frozen"] else ""
        out = [
            self.heading("Setup"),
            self.para(
                "Vectors are columns; $A B$ is the matrix product, $A^{\\top}$ the transpose, $\\odot$ and "
                f"$A^{{\\odot 2}}$ are elementwise, as are functions. Layout: {self.c['layout']}."
            ),
            self.para(f"The inputs, targets and parameters{frozen}, each with its shape:"),
            self.block(s["lines"]),
        ]
        if s["learning_rate"]:
            out.append(self.para(f"Learning rate: $\\eta = {s['learning_rate']['latex']}$."))
        out.append(self.para(f"The network, in order, with the shapes (the loss is ${s['loss']['latex']}$):"))
        out.append(self.block([d.replace(" && ", " \\qquad ") for d in s["definitions"]]))
        return out

    def section_graph(self) -> list[nodes.Node]:
        """The graph of layers as inline SVG for HTML, as the scalar view draws its graph; a table of
        who computes from whom, with shapes, for other builders."""
        from sphinx import addnodes

        graph = self.c["graph"]
        boxes = {b["id"]: b for b in graph["nodes"] + graph["sides"]}
        parents: dict[str, list[str]] = {}
        for e in graph["edges"]:
            parents.setdefault(e["target"], []).append(boxes[e["source"]]["latex"])
        rows = tuple(
            (
                Math(n["latex"], n["name"]),
                Text("loss" if n["role"] == "loss" else "node"),
                Math(r"\mathbb{R}^{%s}" % shape_latex(n["shape"])),
                Math(", ".join(parents[n["id"]])),
            )
            for n in graph["nodes"]
            if n["id"] in parents
        )
        columns = tuple(Column(k, k) for k in ("node", "kind", "shape", "computed from"))
        picture = addnodes.only(expr="html")
        picture += nodes.raw("", layer_graph_svg(graph, f"The network: {self.c['title']}"), format="html")
        fallback = addnodes.only(expr="not html")
        fallback += self.table(Table(columns, rows))
        return [
            self.heading("The network"),
            self.para(
                "One box per quantity, with its shape; parameters and targets feed the box below them."
            ),
            picture,
            fallback,
        ]

    def section_dataset(self) -> list[nodes.Node]:
        return []  # a batch is the matrix view's dataset

    def section_forward(self) -> list[nodes.Node]:
        if not self.c["forward"]:
            return []
        return [self.heading("Forward pass"), self.block([r for rows in self.c["forward"] for r in rows])]

    def section_loss(self) -> list[nodes.Node]:
        return [self.heading("Loss"), self.block(self.c["loss"])]

    def section_backward(self) -> list[nodes.Node]:
        loss = self.c["setup"]["loss"]["latex"]
        out = [
            self.heading("Backward pass"),
            self.para(
                f"From the loss back, layer by layer, with $\\delta_{{z}} = \\partial {loss} / \\partial z$ "
                "for each node $z$ that multiplies a matrix; a gradient has its parameter's shape."
            ),
        ]
        if self.c["batch"]:
            out.append(self.para(BATCH_NOTE.format(**self.c["batch"])))
        for layer in self.c["layers"]:
            title = f"Layer {layer['number']}" + (f": ${layer['latex']}$" if layer["latex"] else "")
            out += [self.heading(title), self.block([r for step in layer["steps"] for r in step["rows"]])]
        return out

    def section_gradients(self) -> list[nodes.Node]:
        return [self.heading("Gradients"), self.block([r for g in self.c["gradients"] for r in g["rows"]])]

    def section_update(self) -> list[nodes.Node]:
        u = self.c["update"]
        if not u:
            return []
        out = [
            self.heading("Gradient-descent update"),
            self.para(
                f"With learning rate $\\eta = {u['learning_rate']['latex']}$, "
                "each parameter moves against its gradient:"
            ),
            self.block([r for rows in u["rows"] for r in rows]),
        ]
        if u["frozen"]:
            out.append(self.para(f"Frozen, not updated: ${', '.join(u['frozen'])}$."))
        return out

    def section_check(self) -> list[nodes.Node]:
        c = self.c["check"]
        if not c:
            return []
        return [
            self.heading("Gradient check"),
            self.para(
                f"Every element of every gradient against central finite differences ({c['points']} "
                f"point(s), seed {c['seed']})."
            ),
            self.table(c["table"]),
        ]
