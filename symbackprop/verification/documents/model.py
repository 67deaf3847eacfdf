"""What reading a document gives: its math as equations with lines, values from code, prose.

Readers (one module per format) produce a :class:`Reading`; :func:`.read_document`
turns it into a :class:`Document`.  Every position is a 1-based line of the file
as saved; a notebook's equations also name their cell.  Helpers here are shared
by the readers and are linear in the text (a line index answers "which line is
offset k on" by bisection, never by counting from the start).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = [
    "CodeValue",
    "Document",
    "Fragment",
    "Lines",
    "Reading",
    "Row",
    "blank_spans",
    "code_value",
]

#: ``name = number`` in inline code: `` `x = 1.0` ``.
_CODE_VALUE = re.compile(r"\s*([A-Za-z\\][A-Za-z0-9_{}\\^()]*)\s*=\s*(-?(?:\d+(?:\.\d*)?|\.\d+))\s*\Z")


@dataclass(frozen=True)
class Row:
    """Where one piece of an equation starts: an ``align`` row, a continued line.

    Attributes:
        offset: Index in :attr:`Fragment.text` where the piece starts.
        line: The 1-based line of the file where it is written.
        cell_line: In a notebook, the 1-based line within its cell.
    """

    offset: int
    line: int
    cell_line: int | None = None


@dataclass(frozen=True)
class Fragment:
    """One equation: a relation chain as written, possibly over several rows.

    ``net &= w_1 x_1 + b \\\\ &= 0.3775`` is one fragment, ``net = w_1 x_1 + b = 0.3775``,
    with a row at each line.

    Attributes:
        text: The LaTeX of the equation (alignment ``&`` and labels removed, rows joined by a space).
        line: The 1-based line where it starts.
        display: Whether it came from display math.
        block_end: The 1-based line where its math block ends (annotations go after it).
        rows: Where each piece starts (the first at offset 0, on :attr:`line`).
        cell: For a notebook, the 0-based index of the cell it is in.
        cell_line: For a notebook, the 1-based line within that cell.
        error: Why the equation cannot be read as written (a macro that does not expand), or ``None``.
    """

    text: str
    line: int
    display: bool
    block_end: int
    rows: tuple[Row, ...] = ()
    cell: int | None = None
    cell_line: int | None = None
    error: str | None = None

    def line_at(self, offset: int) -> int:
        """The line where the character at ``offset`` of :attr:`text` is written."""
        line = self.line
        for row in self.rows:
            if row.offset > offset:
                break
            line = row.line
        return line

    def pieces(self) -> list[tuple[str, int]]:
        """Each row's text with its line (the whole text on one line when there are no rows)."""
        rows = self.rows or (Row(0, self.line),)
        ends = [r.offset for r in rows[1:]] + [len(self.text)]
        return [(self.text[r.offset : end].strip(), r.line) for r, end in zip(rows, ends)]


@dataclass(frozen=True)
class CodeValue:
    """``name = number`` from inline code."""

    name: str
    number: str
    line: int


@dataclass
class Reading:
    """What a reader found, before the document is assembled.

    Attributes:
        fragments: The equations, in any order (the document sorts them).
        code_values: ``name = number`` in inline code.
        prose: The text outside math and code blocks, with the file's line breaks (for values in words).
    """

    fragments: list[Fragment] = field(default_factory=list)
    code_values: list[CodeValue] = field(default_factory=list)
    prose: str = ""


@dataclass(frozen=True)
class Document:
    """The math of a document, in order.

    Attributes:
        text: The document as read.
        format: Its format (a key of :data:`symbackprop.verification.documents.READERS`).
        fragments: Every equation, in the order of their lines.
        code_values: ``name = number`` in inline code.
        learning_rate: ``(number, line)`` from "learning rate ... 0.1" in prose, or ``None``.
        prose: The text outside math, line for line (math and code blanked).
    """

    text: str
    format: str
    fragments: tuple[Fragment, ...]
    code_values: tuple[CodeValue, ...]
    learning_rate: tuple[str, int] | None
    prose: str = field(default="", repr=False)


class Lines:
    """Line numbers of offsets in one text, by bisection over the line starts."""

    def __init__(self, text: str, first: int = 1) -> None:
        self.first = first
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        """The 1-based line (counted from ``first``) of the character at ``offset``."""
        return self.first + bisect.bisect_right(self.starts, offset) - 1


def code_value(code: str, line: int) -> CodeValue | None:
    """The value stated by inline code such as ``x = 1.0``, if it states one."""
    m = _CODE_VALUE.match(code)
    return CodeValue(m.group(1), m.group(2), line) if m else None


def blank_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with each ``[start, end)`` span replaced by spaces, line breaks kept (offsets stay valid)."""
    out: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        start = max(start, pos)
        if end <= start:
            continue
        out.append(text[pos:start])
        piece = text[start:end]
        out.append(re.sub(r"[^\n]", " ", piece) if "\n" in piece else " " * len(piece))
        pos = end
    out.append(text[pos:])
    return "".join(out)
