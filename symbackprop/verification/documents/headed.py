"""A LaTeX table read under its header row, as a reader reads it.

LaTeX tables often put a value in text beside a relation in math, or under a
header that says what it is of the row:

* ``$\\partial L / \\partial w_{1}$ & $\\approx$ 0.0022``: the cell ``$\\approx$ 0.0022``
  is ``\\approx 0.0022`` (a relation in math, its number in text), the value of the
  label beside it;
* ``$x_{1}$ & input & 0.85`` under ``symbol & role & value``: a column headed
  ``value`` holds the value of the row's label, ``x_{1} = 0.85``;
* ``2 & $\\approx$ -0.0653`` under ``$j$ & $\\frac{\\partial L}{\\partial a_{j}}$``:
  a header in math that uses the index of the first column is the cell's subject,
  with the row's index put in: ``\\frac{\\partial L}{\\partial a_{2}} \\approx -0.0653``.

A number under a header in words that is not a value (``gradient``, ``new
value``, ``relative error``) is not read, whether it is set in text or in math
(``$\\approx -0.0381$``, for its minus sign): the header says it is not the
label's value.  Cells are given as :class:`Cell` records by the LaTeX reader.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .blocks import Block, Unit, relation_shape

__all__ = ["Cell", "headed_rows", "label_value", "with_index"]

#: A number as a table cell writes it in text.
_NUMBER = re.compile(r"[-−]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?")
#: A header in words over the values of the row's label (``value``, ``initial value``, ``old``).
_VALUE_WORDS = re.compile(r"\bvalues?\b|\binitial\b|\bold\b", re.I)
#: Words that make a value column hold another quantity than the label's current value.
_OTHER_WORDS = re.compile(r"\bnew\b|\bupdated?\b|\bafter\b|\bnext\b", re.I)
#: Words that make a column hold the label's value at one example of a dataset, or reduced over them
#: (``example 2``, ``mean``): the table's reader marks the other cases' columns, and they are judged
#: at their own example where the document gives its data (verification.case_columns).
_CASE_WORDS = re.compile(r"\b(?:examples?|cases?|samples?|mean|average|sum|total)\b", re.I)
#: An index as the first header of a table: ``$j$``, ``$k$``.
_INDEX = re.compile(r"[a-z]\Z")


@dataclass(frozen=True)
class Cell:
    """One cell of a LaTeX table row.

    Attributes:
        blocks: Its math blocks, in order.
        text: Its text outside math and commands, stripped.
        line: The file line where it starts.
    """

    blocks: tuple[Block, ...]
    text: str
    line: int


def _synthetic(text: str, line: int, display: bool = False) -> Block:
    """A block over ``text`` of its own, written on ``line``."""
    return Block(text, 0, len(text), lambda _offset: line, display, line)


def _math(b: Block) -> str:
    return b.text[b.start : b.end].strip()


def _is_header(row: list[Cell]) -> bool:
    """A first row of words or of math without a relation (``symbol & role & value``)."""
    if not any(c.text or c.blocks for c in row):
        return False
    numbers = any(_NUMBER.fullmatch(c.text) for c in row)
    relations = any(relation_shape(_math(b)).has_relation for c in row for b in c.blocks)
    return not numbers and not relations


def _lone_relation_text(math: str) -> bool:
    return relation_shape(math).starts_with_relation and len(math.split()) == 1


def _lone_relation(b: Block) -> bool:
    """A math block that is only a relation (``$\\approx$``): its number, if any, is in text."""
    return _lone_relation_text(_math(b))


def _value(cell: Cell) -> str | None:
    """A cell's value as LaTeX: ``0.85``, or ``\\approx 0.0022`` (a relation in math, a number in text)."""
    if not cell.text and len(cell.blocks) == 1:
        math = _math(cell.blocks[0])
        words = math.split(maxsplit=1)
        rest = words[1] if len(words) == 2 and _lone_relation_text(words[0]) else math
        return math if _NUMBER.fullmatch(rest.replace(" ", "")) else None
    if not _NUMBER.fullmatch(cell.text):
        return None
    number = cell.text.replace("−", "-")
    if not cell.blocks:
        return number
    if len(cell.blocks) == 1 and _lone_relation(cell.blocks[0]):
        return f"{_math(cell.blocks[0])} {number}"
    return None


def label_value(words: str) -> bool:
    """Whether a header in words heads the values of the row's label (``value``, not ``new value``)."""
    return bool(_VALUE_WORDS.search(words)) and not _OTHER_WORDS.search(words)


def with_index(template: str, index: str, value: str) -> str:
    """``template`` with the single-letter ``index`` replaced by ``value`` in its subscripts."""

    def put(m: re.Match[str]) -> str:
        return m.group(1) + re.sub(rf"(?<![A-Za-z\\]){index}(?![A-Za-z])", value, m.group(2)) + m.group(3)

    template = re.sub(rf"(_)(?!\{{){index}(?![A-Za-z])", lambda m: "_{" + value + "}", template)
    return re.sub(r"(_\{)([^{}]*)(\})", put, template)


class _Header:
    """What each column of a table holds, read from its header row."""

    def __init__(self, row: list[Cell]) -> None:
        first = _math(row[0].blocks[0]) if len(row[0].blocks) == 1 and not row[0].text else ""
        self.index = first if _INDEX.match(first) else None
        self.templates: dict[int, str] = {}
        self.words: dict[int, str] = {}
        for k, cell in enumerate(row):
            if cell.text:
                self.words[k] = cell.text
            elif self.index and k > 0 and len(cell.blocks) == 1:
                self.templates[k] = re.sub(
                    r"\\(?:displaystyle|textstyle)(?![A-Za-z])", "", _math(cell.blocks[0])
                )

    def cell(self, k: int, cell: Cell, row: list[Cell]) -> list[Block]:
        """The blocks to read for cell ``k`` of a body ``row``."""
        value = _value(cell)
        if k in self.templates and value is not None and _NUMBER.fullmatch(row[0].text):
            glue = "" if relation_shape(value).starts_with_relation else "= "
            subject = with_index(self.templates[k], self.index or "", row[0].text)
            return [_synthetic(f"{subject} {glue}{value}", cell.line, display=True)]
        if self.index and k == 0:
            return []
        words = self.words.get(k)
        of_label = words is None or label_value(words) or bool(_CASE_WORDS.search(words))
        if value is not None and not of_label:  # in text or in math, the header says what it is
            return []
        if value is not None and cell.text:
            return [_synthetic(value, cell.line)]
        return [b for b in cell.blocks if not _lone_relation(b)]


def _plain(row: list[Cell]) -> list[list[Block]]:
    """The cells of a row of a table without a header: each its value, or its math.

    A number in text before any math (``1 & $z = wx$``) numbers the row: it is not read.
    """
    out: list[list[Block]] = []
    for cell in row:
        value = _value(cell)
        read = value is not None and bool(cell.text) and any(out)
        out.append([_synthetic(value or "", cell.line)] if read else list(cell.blocks))
    return out


def headed_rows(rows: list[list[Cell]], extra: Callable[[int], list[Unit]]) -> list[Unit]:
    """A table's rows as row units, each cell read under its header (see the module's text).

    Args:
        rows: The rows, each a list of cells.
        extra: The nested tables and rows found in row ``k``'s cells, to follow it.
    """
    header = _Header(rows[0]) if rows and _is_header(rows[0]) else None
    out: list[Unit] = []
    for k, row in enumerate(rows):
        if header is None:
            cells = _plain(row)
        elif k == 0:
            cells = [list(c.blocks) for c in row]
        else:
            cells = [header.cell(j, c, row) for j, c in enumerate(row)]
        if any(cells):
            out.append(cells)
        out.extend(extra(k))
    return out
