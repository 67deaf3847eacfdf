"""Sphinx extension: walkthroughs rendered at build time, hand derivations checked.

Add ``"symbackprop.integrations.sphinx"`` to ``extensions`` in ``conf.py``.  Then::

    .. symbackprop:: ../examples/tiny.toml
       :sections: forward, backward, gradients
       :digits: 4

(or ```` ```{symbackprop} ```` in MyST) lays the walkthrough out as real
docutils math nodes and tables, so MathJax and the LaTeX builder both work.
The directive only lays out :func:`symbackprop.output.context.walkthrough_context`'s
plain data (its tables through :func:`docutils_table`): it never differentiates or evaluates.  With
``symbackprop_verify = True`` every page's math is checked by
:func:`symbackprop.verify`, and each wrong equation is a warning naming
the page and line (so ``sphinx-build -W`` fails).

Specs are read only from under the source directory (symlinks resolved); list more
files or folders in ``symbackprop_allowed_paths`` (relative to ``conf.py``'s folder).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeAlias, Union

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..errors import SymbackpropError
from ..output.formats import MARKDOWN, one_line
from ..output.tables import Cell as TableCell
from ..output.tables import Math, Number, Table
from ..recursion import call_deep
from .docpaths import allowed_roots, checked_path
from .sphinx_matrix import MatrixSections

__all__ = ["SymbackpropDirective", "docutils_table", "setup"]

logger = logging.getLogger(__name__)

Cell: TypeAlias = Union[str, nodes.Node, Sequence[nodes.Node]]  # noqa: UP007 (runtime alias on 3.10)


def _choice(values: tuple[str, ...]) -> Callable[[str], str]:
    def convert(argument: str) -> str:
        return directives.choice(argument, values)

    return convert


def _sections(argument: str) -> list[str]:
    return [s for s in re.split(r"[\s,]+", argument.strip()) if s]


# ------------------------------------------------------------------ node builders


def _math(latex: str) -> nodes.math:
    return nodes.math(latex, latex)


def _text_with_math(text: str) -> list[nodes.Node]:
    """Plain text where ``$...$`` spans become inline math nodes."""
    parts = re.split(r"\$([^$]+)\$", text)
    out: list[nodes.Node] = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(_math(part))
        elif part:
            out.append(nodes.Text(part))
    return out


def _para(text: str) -> nodes.paragraph:
    return nodes.paragraph("", "", *_text_with_math(text))


def _table(
    header: Sequence[str], rows: Iterable[Sequence[Cell]], widths: Sequence[int] | None = None
) -> nodes.table:
    table = nodes.table(classes=["symbackprop-table"])
    group = nodes.tgroup(cols=len(header))
    table += group
    for width in widths or [1] * len(header):
        group += nodes.colspec(colwidth=width)

    def row(cells: Sequence[Cell]) -> nodes.row:
        r = nodes.row()
        for cell in cells:
            if isinstance(cell, str):
                content: list[nodes.Node] = _text_with_math(cell)
            elif isinstance(cell, nodes.Node):
                content = [cell]
            else:
                content = list(cell)
            r += nodes.entry("", nodes.paragraph("", "", *content))
        return r

    group += nodes.thead("", row(header))
    body = nodes.tbody()
    for cells in rows:
        body += row(cells)
    group += body
    return table


def _cell_nodes(cell: TableCell) -> list[nodes.Node]:
    if isinstance(cell, Math):
        return [_math(cell.latex)] if cell.latex else []
    if isinstance(cell, Number):
        return [_math(r"\approx"), nodes.Text(" " + cell.text)] if cell.approx else [nodes.Text(cell.text)]
    return [nodes.Text(cell.text)]


def docutils_table(table: Table) -> nodes.table:
    """A :class:`~symbackprop.output.tables.Table` as a docutils table: math cells as math nodes."""
    rows = [[_cell_nodes(c) for c in row] for row in table.rows]
    return _table(list(table.labels), rows, [c.width for c in table.columns])


class _Builder:
    """Turn a walkthrough context into docutils nodes, section by section."""

    def __init__(self, context: dict[str, Any], docname: str) -> None:
        self.c = context
        self.docname = docname

    def block(self, lines: Sequence[str]) -> nodes.math_block:
        """Display math; several lines are aligned at ``&`` (Sphinx wraps them in ``split``)."""
        text = " \\\\\n".join(lines)
        return nodes.math_block(text, text, docname=self.docname, number=None, label=None, nowrap=False)

    def heading(self, text: str) -> nodes.rubric:
        return nodes.rubric("", "", *_text_with_math(text))

    def build(self, title: str | None) -> list[nodes.Node]:
        out: list[nodes.Node] = []
        if title and one_line(title):
            out.append(self.heading(one_line(title)))
        for name in self.c["sections"]:
            out.extend(getattr(self, f"section_{name}")())
        if self.c["rounding"] == "hand":
            note = (
                f"Numbers are rounded to {self.c['digits']} decimals at every step "
                "and carried on as shown, as by hand."
            )
        else:
            note = (
                f"Every number is rounded to {self.c['digits']} decimals from the exact value; "
                "$\\approx$ marks a rounded number."
            )
        out.append(nodes.paragraph("", "", nodes.emphasis("", "", *_text_with_math(note))))
        container = nodes.container("", *out, classes=["symbackprop-walkthrough"])
        return [container]

    def section_setup(self) -> list[nodes.Node]:
        s = self.c["setup"]
        rows = [
            [f"${r['latex']}$", r["role"] + (" (frozen)" if r["frozen"] else ""), r["value"]["text"]]
            for r in s["inputs"] + s["targets"] + s["parameters"]
        ]
        if s["learning_rate"]:
            rows.append([r"$\eta$", "learning rate", s["learning_rate"]["text"]])
        return [
            self.heading("Setup"),
            _table(["symbol", "role", "value"], rows),
            _para(f"The network, in order (the loss is ${s['loss']['latex']}$):"),
            self.block([f"{d['lhs']} &= {d['rhs']}" for d in s["definitions"]]),
        ]

    def section_graph(self) -> list[nodes.Node]:
        """The layout as an inline SVG picture for HTML; a table of who computes from whom elsewhere."""
        from sphinx import addnodes

        from ..output.svg import graph_svg

        graph = self.c["graph"]
        if not graph:
            s = self.c["setup"]
            count = sum(len(s[k]) for k in ("inputs", "targets", "parameters", "definitions"))
            return [
                self.heading("The network"),
                _para(f"The network has {count} symbols, more than the {self.c['graph_limit']} "
                      "a picture can show; it is not drawn."),
            ]  # fmt: skip
        by_id = {n["id"]: n for n in graph["nodes"]}
        parents: dict[str, list[str]] = {}
        for e in graph["edges"]:
            parents.setdefault(e["target"], []).append(by_id[e["source"]]["latex"])
        rows = [
            [
                f"${n['latex']}$",
                "loss" if n["role"] == "loss" else "node",
                ", ".join(f"${p}$" for p in parents[n["id"]]),
            ]
            for n in graph["nodes"]
            if n["id"] in parents
        ]
        picture = addnodes.only(expr="html")
        picture += nodes.raw("", graph_svg(graph, f"The network: {self.c['title']}"), format="html")
        fallback = addnodes.only(expr="not html")
        fallback += _table(["node", "kind", "computed from"], rows)
        return [self.heading("The network"), picture, fallback]

    def section_forward(self) -> list[nodes.Node]:
        lines = []
        for f in self.c["forward"]:
            middle = "" if f["trivial"] else f" = {f['substituted']}"
            lines.append(f"{f['lhs']} &= {f['rhs']}{middle} {f['value']['rel']} {f['value']['latex']}")
        return [
            self.heading("Forward pass"),
            _para("Each definition, then the numbers substituted, then the value."),
            self.block(lines),
        ]

    def section_loss(self) -> list[nodes.Node]:
        loss = self.c["loss"]
        value = f"{loss['value']['rel']} {loss['value']['latex']}"
        line = f"{loss['lhs']} = {loss['rhs']} = {loss['substituted']} {value}"
        return [self.heading("Loss"), self.block([line])]

    def section_backward(self) -> list[nodes.Node]:
        out: list[nodes.Node] = [
            self.heading("Backward pass"),
            _para(
                "From the loss back to the first layer. Each step writes the chain rule with its "
                "Leibniz factors, the same in terms of the network's values, then the numbers."
            ),
        ]
        compact = self.c.get("compact")
        if not compact:
            return out + [n for b in self.c["backward"] for n in self._step(b)]
        for g in compact["groups"]:
            out.append(nodes.paragraph("", "", nodes.strong("", "", *_text_with_math(f"Unit ${g['head']}$"))))
            out += [n for b in g["steps"] for n in self._step(b)]
            o = g["others"]
            if o:
                heads = ", ".join(f"${r['head']}$" for r in o["rows"])
                out.append(_para(f"The other units of this layer ({heads}) follow the same pattern:"))
                rows = [[r["index"], *((v["text"] if v["exact"] else "≈ " + v["text"]) for v in r["cells"])]
                        for r in o["rows"]]  # fmt: skip
                if not o["letter"]:  # no common index: each row names its unit, each cell its quantity
                    named = "${quantity} {rel} {latex}$"
                    rows = [[f"${r['head']}$", *(named.format(**v) for v in r["cells"])] for r in o["rows"]]
                first = f"${o['letter']}$" if o["letter"] else "unit"
                out.append(_table([first, *(f"${q}$" for q in o["quantities"])], rows))
        return out

    def _step(self, b: dict[str, Any]) -> list[nodes.Node]:
        """One backward step: its local derivatives, then its chain (one line for a brief step)."""
        value = f"{b['value']['rel']} {b['value']['latex']}"
        if b.get("brief"):
            return [self.block([f"{b['quantity']} = {b['general']} = {b['substituted']} {value}"])]
        out: list[nodes.Node] = [nodes.paragraph("", "", nodes.strong("", "", _math(b["quantity"])))]
        loss = self.c["setup"]["loss"]["latex"]
        for f in b["local"]:
            if f["of"] == loss:
                continue
            middle = "" if f["substituted"] == f["value"]["latex"] else f" = {f['substituted']}"
            out.append(
                self.block(
                    [f"{f['partial']} = {f['general']}{middle} {f['value']['rel']} {f['value']['latex']}"]
                )
            )
        if b["paths"] > 1:
            out.append(_para(f"It feeds {b['paths']} nodes, so the paths are summed:"))
        if b["leibniz"]:
            line = f"{b['quantity']} = {b['leibniz']} = {b['general']} = {b['factors']} {value}"
        else:
            line = f"{b['quantity']} = {b['general']} = {b['substituted']} {value}"
        out.append(self.block([line]))
        return out

    def section_gradients(self) -> list[nodes.Node]:
        return [self.heading("Gradients"), docutils_table(self.c["tables"]["gradients"])]

    def section_update(self) -> list[nodes.Node]:
        u = self.c["update"]
        if not u:
            return []
        loss = self.c["setup"]["loss"]["latex"]
        out: list[nodes.Node] = [
            self.heading("Gradient-descent update"),
            _para(
                f"With learning rate $\\eta = {u['learning_rate']['latex']}$, "
                "each parameter moves against its gradient, "
                f"$\\theta \\leftarrow \\theta - \\eta \\, \\partial {loss} / \\partial \\theta$:"
            ),
        ]
        if u["rows"]:
            out.append(
                self.block(
                    [
                        f"{r['latex']} &\\leftarrow {r['latex']} - \\eta \\, {r['quantity']} "
                        f"= {r['substituted']} {r['new']['rel']} {r['new']['latex']}"
                        for r in u["rows"]
                    ]
                )
            )
        for f in u["frozen"]:
            out.append(_para(f"${f['latex']}$ is frozen: it has a gradient but is not updated."))
        return out

    def section_dataset(self) -> list[nodes.Node]:
        d = self.c["dataset"]
        if not d:
            return []

        def cell(n: dict) -> str:
            return ("≈ " if not n["exact"] else "") + n["text"]

        head = ["", *[f"example {c['index']}" for c in d["columns"]], d["reduction"]]
        rows = [["given", *[f"${c['given']}$" for c in d["columns"]], ""]]
        rows.append(["$L$", *[cell(c["loss"]) for c in d["columns"]], cell(d["loss"])])
        for r in d["rows"]:
            rows.append([f"$\\partial L / \\partial {r['latex']}$", *[cell(v) for v in r["per_example"]],
                         cell(r["reduced"])])  # fmt: skip
        out: list[nodes.Node] = [
            self.heading("Over the dataset"),
            _para(
                f"The sections above follow example 1. The same derivation at each of the {d['count']} "
                f"examples, then the {d['reduction']} over the dataset."
            ),
            _table(head, rows),
        ]
        return out

    def section_check(self) -> list[nodes.Node]:
        c = self.c["check"]
        if not c:
            return []
        plural = "" if c["points"] == 1 else "s"
        return [
            self.heading("Gradient check"),
            _para(
                f"Every gradient against central finite differences ({c['points']} point{plural}, "
                f"seed {c['seed']}; a row agrees when the difference is at most {c['atol']} + "
                f"{c['rtol']} $\\times$ the largest numeric gradient)."
            ),
            docutils_table(self.c["tables"]["check"]),
        ]


class _MatrixBuilder(MatrixSections, _Builder):
    """The matrix view (:mod:`.sphinx_matrix`'s sections) in the scalar builder's frame."""

    para = staticmethod(_para)
    table = staticmethod(docutils_table)


# ------------------------------------------------------------------ the directive

_ALLOW = "symbackprop_allowed_paths in conf.py"


def _roots(srcdir: Any, config: Any) -> tuple[Path, ...]:
    """Where specs may be read from: the source directory and ``symbackprop_allowed_paths``."""
    return allowed_roots([srcdir, *config.symbackprop_allowed_paths])


def _absolute_allowed_paths(app: Any, config: Any) -> None:
    """``config-inited``: make ``symbackprop_allowed_paths`` absolute, from the folder of ``conf.py``."""
    config.symbackprop_allowed_paths = [str(Path(app.confdir, p)) for p in config.symbackprop_allowed_paths]


class SymbackpropDirective(SphinxDirective):
    """``.. symbackprop:: SPEC`` (or inline TOML as the body): a walkthrough."""

    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = {  # noqa: RUF012 (docutils reads a class attribute)
        "sections": _sections,
        "digits": directives.nonnegative_int,
        "rounding": _choice(("exact", "hand")),
        "derivative": _choice(("partial", "d")),
        "delta": directives.flag,
        "mul": _choice(("cdot", "times", "none")),
        "check": directives.flag,
        "points": directives.nonnegative_int,
        "seed": directives.nonnegative_int,
        "title": directives.unchanged,
        "no-title": directives.flag,
        "detail": _choice(("compact", "full")),
        "view": _choice(("matrix", "scalar")),
    }

    def run(self) -> list[nodes.Node]:
        try:
            network = self._network()
            context = call_deep(self._context, network)  # deep expressions need a deep stack
        except SymbackpropError as e:
            raise self.error(f"symbackprop: {e}") from None
        title = None if "no-title" in self.options else self.options.get("title", context["title"])
        builder = _MatrixBuilder if context.get("view") == "matrix" else _Builder
        return builder(context, self.env.docname).build(title)

    def _network(self) -> Any:
        from ..notation.spec import read_spec, reads_spec

        if self.arguments and self.content:
            raise self.error("symbackprop: give a spec file or an inline TOML body, not both")
        if self.arguments:
            rel, path = self.env.relfn2path(self.arguments[0], self.env.docname)
            roots = _roots(self.env.srcdir, self.config)
            real = checked_path(path, self.arguments[0], roots, option=_ALLOW)
            self.env.note_dependency(rel)
            if not real.is_file():
                raise self.error(f"symbackprop: spec file not found: {self.arguments[0]} (looked at {path})")
            return read_spec(real)
        if not self.content:
            raise self.error("symbackprop: give a spec file as the argument or inline TOML as the body")
        source, _ = self.get_source_info()
        # Pad with blank lines so that TOML line numbers are the page's line numbers.  MyST
        # counts the body's offset from the directive's line, docutils from the top.
        offset = self.content_offset
        if type(self.state).__module__.startswith("myst_parser"):
            offset += self.lineno
        return reads_spec("\n" * offset + "\n".join(self.content), file=source)

    def _context(self, network: Any) -> dict[str, Any]:
        from ..core.derivation import derive
        from ..output.printing import Notation
        from ..output.views import choose_view

        config = self.config
        rounding = self.options.get("rounding", config.symbackprop_rounding)
        view = choose_view(network, self.options.get("view"))
        network = view.prepare(network)  # the scalar view of a matrix spec, or the matrix network
        derivation = network if view.name == "matrix" else derive(network, evaluate_point=False)  # once
        check = None
        if "check" in self.options:
            from ..numeric import check as run_check

            check = run_check(
                derivation,  # a matrix network is checked on its array program, entry by entry
                points=self.options.get("points", 0),
                seed=self.options.get("seed", 0),
            )
        notation = Notation(
            derivative=self.options.get("derivative", "partial"),
            delta="delta" in self.options,
            mul=self.options.get("mul", "cdot"),
        )
        sections = self.options.get("sections")
        if sections is None and check is None:
            from ..output.context import SECTIONS

            sections = [s for s in SECTIONS if s != "check"]
        return view.context(
            derivation,
            digits=self.options.get("digits", config.symbackprop_digits),
            rounding=rounding,
            notation=notation,
            check=check,
            sections=sections,
            detail=self.options.get("detail", "compact"),
        )


# ------------------------------------------------------------------ page checking

_CODE_DIRECTIVES = ("code-block", "code", "sourcecode", "literalinclude", "highlight", "symbackprop")
_RST_DIRECTIVE = re.compile(r"^(?P<indent>\s*)\.\.\s+(?P<name>[\w-]+)::(?P<arg>.*)$")
_MYST_FENCE = re.compile(r"^\s*(`{3,}|~{3,})\{symbackprop\}\s*(?P<arg>\S*)")
_RST_SPEC = re.compile(r"^\s*\.\.\s+symbackprop::\s*(?P<arg>\S+)", re.M)


def page_spec(text: str) -> str | None:
    """The spec file named by the page's first ``symbackprop`` directive, if any."""
    for line in text.split("\n"):
        m = _RST_SPEC.match(line) or _MYST_FENCE.match(line)
        if m and m["arg"]:
            return m["arg"]
    return None


def _directive_body(lines: list[str], i: int, indent: int) -> tuple[int, list[int]]:
    """Where the directive at line ``i`` ends, and its content lines (no blank or ``:option:`` lines)."""
    j = i + 1
    body: list[int] = []
    while j < len(lines) and (not lines[j].strip() or len(lines[j]) - len(lines[j].lstrip()) > indent):
        if lines[j].strip() and not (not body and lines[j].strip().startswith(":")):
            body.append(j)
        j += 1
    return j, body


def _math_lines(out: list[str], lines: list[str], i: int, arg: str, body: list[int]) -> None:
    """Write a ``.. math::`` directive at line ``i`` into ``out`` as ``$$ ... $$``, line for line."""
    first = arg.strip()
    if not first and not body:
        return
    if first:
        out[i] = first
    for k in body:
        out[k] = lines[k].strip()
    top = i if first else body[0]
    bottom = body[-1] if body else i
    out[top] = "$$ " + out[top]
    out[bottom] = out[bottom] + " $$"


def rst_as_markdown(text: str) -> str:
    """reST math as Markdown math, line for line, so that findings keep their line numbers.

    ``.. math::`` bodies become ``$$ ... $$``, ``:math:`x``` becomes ``$x$``, and the bodies
    of code and ``symbackprop`` directives are blanked.
    """
    lines = text.split("\n")
    out = list(lines)
    i = 0
    while i < len(lines):
        m = _RST_DIRECTIVE.match(lines[i])
        if not m or (m["name"] != "math" and m["name"] not in _CODE_DIRECTIVES):
            i += 1
            continue
        j, body = _directive_body(lines, i, len(m["indent"]))
        out[i:j] = [""] * (j - i)
        if m["name"] == "math":
            _math_lines(out, lines, i, m["arg"], body)
        i = j
    return re.sub(r":math:`([^`]+)`", lambda mm: f"${mm[1]}$", "\n".join(out))


def myst_as_markdown(text: str) -> str:
    """MyST's ``{math}`` directive and role as plain Markdown math (line for line)."""
    text = re.sub(r"^(\s*(?:`{3,}|~{3,}))\{math\}", r"\1math", text, flags=re.M)
    return re.sub(r"\{math\}`([^`]+)`", lambda m: f"${m[1]}$", text)


def _verify_spec(app: Any, docname: str, text: str) -> Path | None:
    """The spec a page is checked against: the one its directive names, else ``symbackprop_verify_spec``."""
    roots = _roots(app.srcdir, app.config)
    named = page_spec(text)
    if named is not None:
        return checked_path(app.env.relfn2path(named, docname)[1], named, roots, option=_ALLOW)
    default = app.config.symbackprop_verify_spec
    if default:
        return checked_path(Path(app.confdir) / default, default, roots, option=_ALLOW)
    return None


def _verify_page(app: Any, docname: str, source: list[str]) -> None:
    """``source-read``: check the hand derivations on the page, one warning per wrong equation."""
    if not app.config.symbackprop_verify:
        return
    from ..verification import verify

    env = app.env
    path = Path(env.doc2path(docname))
    text = source[0]
    markdown = path.suffix.lower() in MARKDOWN.suffixes
    text = myst_as_markdown(text) if markdown else rst_as_markdown(text)
    try:
        report = verify(str(path), spec=_verify_spec(app, docname, source[0]), text=text, format="md")
    except SymbackpropError as e:
        logger.warning("symbackprop: %s", e.message, location=(docname, e.line), type="symbackprop")
        return
    for f in report.findings:
        if f.status == "wrong":
            logger.warning(
                "symbackprop: wrong equation: %s",
                f.message,
                location=(docname, f.line),
                type="symbackprop",
                subtype="verify",
            )


def setup(app: Any) -> dict[str, Any]:
    """Register the directive and the configuration values."""
    from .. import __version__

    app.add_directive("symbackprop", SymbackpropDirective)
    app.add_config_value("symbackprop_verify", False, "env", bool)
    app.add_config_value("symbackprop_verify_spec", None, "env")
    app.add_config_value("symbackprop_digits", 4, "env", int)
    app.add_config_value("symbackprop_rounding", "exact", "env", str)
    app.add_config_value("symbackprop_allowed_paths", [], "env", list)
    app.connect("config-inited", _absolute_allowed_paths)
    app.connect("source-read", _verify_page)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
