"""LaTeX documents: their structure read by pylatexenc's LatexWalker, never by running TeX.

Math is ``$...$``, ``$$...$$``, ``\\(...\\)``, ``\\[...\\]`` and the math environments
(``equation``, ``align``, ``gather``, ``multline``, ``eqnarray`` and their starred
forms, ``aligned`` ...), wherever they are: in boxes, lists, ``\\textbf{...}``.
Comments and verbatim environments never hold math.  A ``tabular`` is read row by
row, its cells joined into equations (:func:`~.blocks.join_cells`), so that
``$z = wx + b$ & $0.8 \\times 1.5 - 0.3$ & $0.9$`` is one chain.  Macros the document
defines (``\\newcommand`` in the preamble, or anywhere) are expanded in its math
(:mod:`.macros`).  ``\\texttt{x = 1.0}`` and ``\\verb|x = 1.0|`` state values.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pylatexenc.latexwalker import (
    LatexCharsNode,
    LatexCommentNode,
    LatexEnvironmentNode,
    LatexGroupNode,
    LatexMacroNode,
    LatexMathNode,
    LatexNode,
    LatexSpecialsNode,
    LatexWalker,
    get_default_latex_context_db,
)
from pylatexenc.macrospec import MacroSpec

from .blocks import LAYOUT, Block, Unit, assemble
from .headed import Cell, headed_rows
from .macros import collect
from .model import Lines, Reading, blank_spans, code_value
from .tables import point_blocks

__all__ = ["read_latex"]

#: Environments whose body is display math.
MATH_ENVIRONMENTS = LAYOUT
#: Environments read row by row, cell by cell.
TABLES = frozenset({"tabular", "tabular*", "tabularx", "tabulary", "longtable", "longtable*", "tblr"})
#: Environments whose text is never math.
VERBATIM = frozenset({"verbatim", "verbatim*", "Verbatim", "lstlisting", "minted", "comment", "alltt"})
#: Macros whose arguments are definitions, not the document's math.
DEFINITIONS = frozenset({"newcommand", "renewcommand", "providecommand", "def", "DeclareMathOperator"})
#: Macros that end a table row.
ROW_ENDS = frozenset({"\\", "tabularnewline", "cr"})

_BEGIN = re.compile(r"\\begin\s*\{[^{}]*\}")
#: Rules and spacing between table rows (``\midrule``, ``\cline{2-3}``, ``[0.8em]`` after ``\\``).
_RULES = re.compile(
    r"(?:\s|\\(?:toprule|midrule|bottomrule|hline|cline|cmidrule|addlinespace)(?![A-Za-z])"
    r"(?:\([^()\n]{0,20}\))?(?:\{[^{}\n]{0,20}\})?|\[[^\]\n]{0,20}\])+"
)
_CODE = re.compile(r"\\(?:texttt|verb)\s*(?:\{([^{}\n]*)\}|\|([^|\n]*)\|)")


class _Walk:
    """The nodes walked once: math blocks, table rows, and the spans that are not prose."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = Lines(text)
        self.comments: list[tuple[int, int]] = []
        self.hidden: list[tuple[int, int]] = []  # math and verbatim: not prose

    def math(self, n: LatexMathNode) -> Block:
        opening, closing = n.delimiters
        start, end = n.pos + len(opening), n.pos + n.len - len(closing)
        self.hidden.append((n.pos, n.pos + n.len))
        return Block(self.text, start, end, self.lines.line, n.displaytype == "display", self._end_line(n))

    def environment(self, n: LatexEnvironmentNode) -> Block:
        m = _BEGIN.match(self.text, n.pos)
        start = m.end() if m else n.pos
        args = n.nodeargd.argnlist if n.nodeargd is not None and n.nodeargd.argnlist else []
        for a in args:
            if a is not None:
                start = max(start, a.pos + a.len)
        end = self.text.rfind("\\end", start, n.pos + n.len)
        end = n.pos + n.len if end < 0 else end
        self.hidden.append((n.pos, n.pos + n.len))
        return Block(self.text, start, end, self.lines.line, True, self._end_line(n), n.environmentname)

    def _end_line(self, n: LatexNode) -> int:
        return self.lines.line(max(n.pos + n.len - 1, n.pos))

    def units(self, nodes: Iterable[LatexNode | None]) -> list[Unit]:
        """The math blocks and table rows among ``nodes`` and inside them, in order."""
        out: list[Unit] = []
        stack: list[Iterator[LatexNode | None]] = [iter(nodes)]
        while stack:
            n = next(stack[-1], _END)
            if n is _END:
                stack.pop()
                continue
            children = self._visit(n, out)
            if children:
                stack.append(iter(children))
        return out

    def _visit(self, n: LatexNode | None, out: list[Unit]) -> list[LatexNode | None]:
        """Add ``n``'s math to ``out``; the children still to walk."""
        visit = _VISIT.get(type(n))
        return [] if visit is None else visit(self, n, out)

    def _comment(self, n: LatexCommentNode, out: list[Unit]) -> list[LatexNode | None]:
        self.comments.append((n.pos, n.pos + n.len))
        return []

    def _math(self, n: LatexMathNode, out: list[Unit]) -> list[LatexNode | None]:
        out.append(self.math(n))
        return []

    def _environment(self, n: LatexEnvironmentNode, out: list[Unit]) -> list[LatexNode | None]:
        name = n.environmentname
        if name in MATH_ENVIRONMENTS:
            out.append(self.environment(n))
        elif name in TABLES:
            out.extend(self.table(n.nodelist))
        elif name in VERBATIM:
            self.hidden.append((n.pos, n.pos + n.len))
        else:
            return list(n.nodelist or [])
        return []

    def _group(self, n: LatexGroupNode, out: list[Unit]) -> list[LatexNode | None]:
        return list(n.nodelist or [])

    def _macro(self, n: LatexMacroNode, out: list[Unit]) -> list[LatexNode | None]:
        if n.macroname in DEFINITIONS or n.nodeargd is None:
            return []
        return [a for a in n.nodeargd.argnlist or [] if a is not None]

    def table(self, nodes: list[LatexNode] | None) -> list[Unit]:
        """The rows of a table, read under its header (:mod:`.headed`), and as a table of values
        (:mod:`.tables`: its cells as written), split into rows and cells once."""
        rows: list[list[Cell]] = []
        extras: list[list[Unit]] = []
        written: list[tuple[list[str], int]] = []
        for row in _split(nodes or []):
            cells, extra = self._row(row)
            if any(c.blocks or c.text for c in cells) or extra:
                rows.append(cells)
                extras.append(extra)
            written += self._cells(row)
        values = list(point_blocks(written[0][0], written[1:])) if written else []
        return headed_rows(rows, lambda k: extras[k]) + values

    def _cells(self, row: list[list[LatexNode]]) -> list[tuple[list[str], int]]:
        """A row's cells as written (rules and spacing before it dropped), and its line; none if empty."""
        spans = [(cell[0].pos, cell[-1].pos + cell[-1].len) if cell else (0, 0) for cell in row]
        if not row[0]:
            return []
        rule = _RULES.match(self.text, spans[0][0], spans[0][1])
        spans[0] = (rule.end() if rule else spans[0][0], spans[0][1])
        cells = [self.text[a:b].strip() for a, b in spans]
        if not any(cells):
            return []
        return [(cells, self.lines.line(spans[0][0]))]

    def _row(self, cells: list[list[LatexNode]]) -> tuple[list[Cell], list[Unit]]:
        """A table row: its cells (math blocks and text), and the nested rows and tables in them."""
        row: list[Cell] = []
        extra: list[Unit] = []
        for cell in cells:
            found = self.units(cell)
            text = "".join(n.chars for n in cell if isinstance(n, LatexCharsNode)).strip()
            first = next((n for n in cell if not (isinstance(n, LatexCharsNode) and n.chars.isspace())), None)
            line = self.lines.line(first.pos) if first is not None else 0
            row.append(Cell(tuple(u for u in found if isinstance(u, Block)), text, line))
            extra.extend(u for u in found if not isinstance(u, Block))
        return row, extra


def _split(nodes: list[LatexNode]) -> Iterator[list[list[LatexNode]]]:
    """A table's rows (at ``\\\\`` and the like), each a list of cells (at ``&``), each its nodes."""
    row: list[list[LatexNode]] = [[]]
    for n in [*nodes, None]:
        if isinstance(n, LatexSpecialsNode) and n.specials_chars == "&":
            row.append([])
        elif n is None or (isinstance(n, LatexMacroNode) and n.macroname in ROW_ENDS):
            yield row
            row = [[]]
        else:
            row[-1].append(n)


#: What to do with each kind of node (others hold no math: text, specials).
_VISIT: dict[type, Callable[[_Walk, Any, list[Unit]], list[LatexNode | None]]] = {
    LatexCommentNode: _Walk._comment,
    LatexMathNode: _Walk._math,
    LatexEnvironmentNode: _Walk._environment,
    LatexGroupNode: _Walk._group,
    LatexMacroNode: _Walk._macro,
}

#: Marks the end of a list of nodes.
_END: Any = object()


@functools.cache
def _context() -> Any:
    """pylatexenc's macros, and the layout macros whose arguments are not text (``\\rule``)."""
    db = get_default_latex_context_db().filter_context()
    db.add_context_category("layout", macros=[MacroSpec("rule", "[{{")], prepend=True)
    return db


def _nodes(text: str) -> list[LatexNode]:
    """Every top-level node; a stray closing brace does not end the document."""
    walker = LatexWalker(text, latex_context=_context(), tolerant_parsing=True)
    out: list[LatexNode] = []
    pos = 0
    while pos < len(text):
        try:
            nodes, start, length = walker.get_latex_nodes(pos=pos)
        except RecursionError:
            msg = "the LaTeX is nested too deeply to be read"
            raise ValueError(msg) from None
        out.extend(n for n in nodes if n is not None)
        pos = max(start + length, pos) + 1
    return out


def read_latex(text: str) -> Reading:
    """The equations, code values and prose of a LaTeX document."""
    walk = _Walk(text)
    units = walk.units(_nodes(text))
    visible = blank_spans(text, walk.comments)
    reading = Reading(prose=blank_spans(visible, walk.hidden))
    for m in _CODE.finditer(visible):
        value = code_value(m.group(1) or m.group(2) or "", walk.lines.line(m.start()))
        if value is not None:
            reading.code_values.append(value)
    reading.fragments = assemble(units, collect(visible))
    return reading
