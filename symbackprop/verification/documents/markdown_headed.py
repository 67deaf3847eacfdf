"""A Markdown table read under its header row, as :mod:`.headed` reads a LaTeX one.

Text in a Markdown table is never math, so its numbers are read here, by their header:

* a column headed in words as the values of the row's label (``value``; not ``new value``,
  :func:`~.headed.label_value`) holds the value of the nearest cell to its left that is math
  without a relation: ``| $w_{1}$ | parameter | 0.15 |`` is ``w_{1} = 0.15``, ``| $\\partial L /
  \\partial w_{1}$ | ≈ 0.0022 |`` is ``\\partial L / \\partial w_{1} \\approx 0.0022``;
* a table indexed by its first column, as a walkthrough summarises the units of a layer::

    | $j$ | $\\frac{\\partial L}{\\partial a_{j}}$ | $\\frac{\\partial L}{\\partial w_{j1}}$ |
    |---|---|---|
    | 2 | ≈ -0.0653 | -0.01207 |

  The first header is a lone index letter in math (``$j$``); a header in math that uses the
  letter only in subscripts is the quantity of its column, and a number in text under it, in a
  row whose first cell is a whole number, is that quantity with the row's index put in:
  ``\\frac{\\partial L}{\\partial a_{2}} \\approx -0.0653``.

Cells in math are read where they stand, never here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .blocks import Block, relation_shape
from .headed import label_value, with_index

__all__ = ["index_blocks", "value_blocks"]

#: ``$j$``: a lone index letter in math, as a table's first header.
_INDEX = re.compile(r"\s*\$\s*([a-z])\s*\$\s*")
#: A header in math (``$\frac{∂L}{∂a_{j}}$``).
_MATH = re.compile(r"\s*\$([^$]+)\$\s*")
#: A number in text, rounded (``≈ -0.0653``) or not (``0``).
_VALUE = re.compile(r"\s*(≈\s*)?([-−]?(?:\d+(?:\.\d+)?|\.\d+))\s*")


def _subscript_only(header: str, index: str) -> bool:
    """Whether the index letter occurs in the header, and only in subscripts."""
    letter = re.compile(rf"(?<![A-Za-z\\]){index}(?![A-Za-z])")
    subscripts = [a or b for a, b in re.findall(r"_\{([^{}]*)\}|_([A-Za-z0-9])", header)]
    anywhere = len(letter.findall(header))
    return anywhere > 0 and anywhere == sum(len(letter.findall(s)) for s in subscripts)


def _claim(text: str, line: int) -> Block:
    """A claim as a display math block of its own, every offset on its row's line."""
    return Block(text, 0, len(text), lambda _offset: line, True, line)


def index_blocks(header: Sequence[str], rows: Sequence[tuple[Sequence[str], int]]) -> list[Block]:
    """The claims of an indexed table, one math block each, on its row's line (see the module's text)."""
    m = _INDEX.fullmatch(header[0]) if header else None
    if m is None:
        return []
    index = m.group(1)
    templates: dict[int, str] = {}
    for k, h in enumerate(header[1:], 1):
        math = _MATH.fullmatch(h)
        if math is not None and _subscript_only(math.group(1), index):
            templates[k] = math.group(1).strip()
    out: list[Block] = []
    for cells, line in rows:
        if not cells or not cells[0].strip().isdigit():
            continue
        for k, template in templates.items():
            value = _VALUE.fullmatch(cells[k]) if k < len(cells) else None
            if value is not None:
                rel = r"\approx" if value.group(1) else "="
                number = value.group(2).replace("−", "-")
                text = f"{with_index(template, index, cells[0].strip())} {rel} {number}"
                out.append(_claim(text, line))
    return out


def _label(cells: Sequence[str], start: int, end: int) -> str | None:
    """The label of a value in column ``end``: the nearest cell to its left that is math, when that math
    has no relation (a value beside a chain, ``$∂L/∂w = …$ | ≈ 0.07``, is the chain's, not read here)."""
    for j in range(end - 1, start - 1, -1):
        if "$" in cells[j]:
            math = _MATH.fullmatch(cells[j])
            alone = math is not None and not relation_shape(math.group(1)).has_relation
            return math.group(1).strip() if alone and math is not None else None
    return None


def value_blocks(header: Sequence[str], rows: Sequence[tuple[Sequence[str], int]]) -> list[Block]:
    """The claims of the columns headed as the values of the row's label (see the module's text)."""
    columns = [k for k, h in enumerate(header) if "$" not in h and h.strip() and label_value(h)]
    out: list[Block] = []
    for cells, line in rows:
        start = 0
        for k in columns:
            value = _VALUE.fullmatch(cells[k]) if k < len(cells) else None
            label = _label(cells, start, min(k, len(cells)))
            start = k + 1
            if value is not None and label is not None:
                rel = r"\approx" if value.group(1) else "="
                out.append(_claim(f"{label} {rel} {value.group(2).replace('−', '-')}", line))
    return out
