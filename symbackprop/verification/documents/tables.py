"""Tables of values: a column headed by a name gives each row its point, the other columns claims there.

A worked table of gradient descent reads, row by row, "at this ``w``, the loss is ...":

====  =========  ==========  ==========
Step  ``$w$``    ``$L(w)$``  ``$dL/dw$``
====  =========  ==========  ==========
0     0.000      5.000       -4.000
====  =========  ==========  ==========

A column whose header is a lone name in math (``$w$``) holds that name's value in each
row.  A column whose header is math that uses such a name (``$L(w)$``, ``$dL/dw$``)
holds the value of that expression at the row's point, so each of its number cells
is a claim: ``L(0.000) = 5.000`` for a function written with the name as its argument,
``\\left. \\frac{dL}{dw} \\right|_{w=0.000} = -4.000`` for a derivative (the evaluation bar
that the LaTeX reader reads), and the expression with the row's numbers in place of the
names otherwise (``$x^2$`` under ``$x$``: ``(0.5)^2 = 0.25``).  In words, a column headed
as the square of another (``Error``, ``Squared error``) holds its square.  Other headers
in words (``Step``, ``New $w$``) and cells that are not plain numbers (equations of
their own, read as math where they stand) are left alone.  The claims are math blocks
of one line each, the line of their row.

Everything here is linear in the size of the table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ...notation.latex.vocabulary import GREEK
from .blocks import Block

__all__ = ["point_blocks"]

#: Lower-case Greek letters that serve as names (``$\eta$``), from the LaTeX reader's vocabulary.
_GREEK = "|".join(sorted(g for g in GREEK if g.islower()))

#: A lone name: ``w``, ``x_1``, ``w_{12}``, ``\eta``.
_NAME = re.compile(rf"(?:[A-Za-z]|\\(?:{_GREEK}))(?:_(?:[A-Za-z0-9]|\{{[A-Za-z0-9]{{1,8}}\}}))?")

#: A cell that is math and nothing else: ``$L(w)$`` (bold or spaced around).
_MATH_CELL = re.compile(r"[\s*]*\$([^$]{1,200})\$[\s*]*")

#: A number cell: ``0.000``, ``-4.000``, ``$1.200$``, ``**1.5**``.
_NUMBER = re.compile(r"[\s*$]*([-−]?(?:\d+(?:\.\d*)?|\.\d+))[\s*$]*")

#: ``L(w)``: a one-letter function applied to the row's names.
_APPLIED = re.compile(r"\s*([A-Za-z])\s*\(([^()]{1,80})\)\s*")

#: A header that differentiates by a variable: ``\\frac{dL}{dw}``, ``dL/dw``, ``\\partial``
#: (``\\sigma'(z)`` is a function at the row's number, written out like any other expression).
_DERIVATIVE = re.compile(r"\\partial|\\nabla|\\[dt]?frac\s*\{\s*d|(?<![A-Za-z\\])d[A-Za-z]\s*/")

#: A number in double parentheses, once a name in ``f(w)`` is replaced: ``f((0.5))`` -> ``f(0.5)``.
_DOUBLED = re.compile(r"\(\((-?[0-9.]+)\)\)")

#: ``Squared error``, ``error squared``, ``error²``, ``error^2``.
_SQUARED = re.compile(r"squared\s+([a-z][a-z ]{0,30})|([a-z][a-z ]{0,30}?)\s*(?:squared|²|\^2)")

#: A command (not a variable) inside a header.
_COMMAND = re.compile(r"\\[A-Za-z]+")


def _math(cell: str) -> str | None:
    m = _MATH_CELL.fullmatch(cell)
    return m.group(1).strip() if m else None


def _number(cell: str) -> str | None:
    m = _NUMBER.fullmatch(cell)
    return m.group(1).replace("−", "-") if m else None


def _uses(header: str, name: str) -> bool:
    """Whether a header's math uses a name as a variable (``w`` in ``L(w)`` and in ``dL/dw``)."""
    if name.startswith("\\"):
        return re.search(re.escape(name) + r"(?![A-Za-z])", header) is not None
    plain = _COMMAND.sub(" ", header)
    return re.search(rf"(?<![A-Za-z])d?{re.escape(name)}(?![A-Za-z0-9_])", plain) is not None


def _index_only(header: str, name: str) -> bool:
    """Whether a name occurs in the header only as a subscript (``j`` in ``\\frac{∂L}{∂b_{j}}``): an
    index column, which numbers the header's quantity (the Markdown reader puts it in), no point."""
    anywhere = re.findall(rf"(?<![A-Za-z\\]){re.escape(name)}(?![A-Za-z0-9])", header)
    subscripts = re.findall(rf"_\{{\s*{re.escape(name)}\s*\}}|_{re.escape(name)}(?![A-Za-z0-9])", header)
    return bool(anywhere) and len(anywhere) == len(subscripts)


def _claim(header: str, point: dict[str, str], value: str) -> str | None:
    """The claim of one cell: the header's expression at the row's point equals the cell's number."""
    used = {n: v for n, v in point.items() if _uses(header, n) and not _index_only(header, n)}
    if not used:
        return None
    m = _APPLIED.fullmatch(header)
    if m is not None:
        args = [a.strip() for a in m.group(2).split(",")]
        if all(a in used for a in args):
            return f"{m.group(1)}({', '.join(used[a] for a in args)}) = {value}"
    if not _DERIVATIVE.search(header):  # an expression: the row's numbers in place of its names
        alone = {n: re.compile(rf"(?<![A-Za-z\\]){re.escape(n)}(?![A-Za-z0-9_])") for n in used}
        for n, pattern in alone.items():
            header = pattern.sub(f"({used[n]})", header)
        if any(p.search(header) for p in alone.values()):
            return None
        return _DOUBLED.sub(r"(\1)", header) + f" = {value}"
    at = ", ".join(f"{n}={v}" for n, v in used.items())
    return f"\\left. {header} \\right|_{{{at}}} = {value}"


def _squares(header: Sequence[str]) -> dict[int, int]:
    """Columns headed in words as the square of another (``Error``, ``Squared error``): column -> its base."""
    words = {h.strip(" *").lower(): k for k, h in enumerate(header)}
    out = {}
    for k, h in enumerate(header):
        m = _SQUARED.fullmatch(h.strip(" *").lower())
        base = (m.group(1) or m.group(2) or "").strip() if m else ""
        if words.get(base) not in (None, k):
            out[k] = words[base]
    return out


def point_blocks(header: Sequence[str], rows: Sequence[tuple[Sequence[str], int]]) -> list[Block]:
    """The claims of a table of values, one math block each.

    Args:
        header: The header row's cells, as written (``$w$``, ``$L(w)$``, ``Step``).
        rows: Each body row's cells, as written, with the line of the file it is on.

    Returns:
        For every number cell under a math header that uses a named column, the claim
        that the header at the row's point has that value, and for every number under a
        "squared" column, the claim that it is the square of its base column's number.
    """
    heads = [_math(h) for h in header]
    names = {k: h for k, h in enumerate(heads) if h is not None and _NAME.fullmatch(h)}
    squares = _squares(header)
    out = [b for cells, line in rows for b in _row(heads, names, cells, line)] if names else []
    for cells, line in rows if squares else ():
        for k, base in squares.items():
            x, y = (_number(cells[j]) if j < len(cells) else None for j in (base, k))
            if x is not None and y is not None:
                out.append(_block(f"({x})^2 = {y}", line))
    return out


def _row(heads: list[str | None], names: dict[int, str], cells: Sequence[str], line: int) -> list[Block]:
    """The claims of one row: each number under an expression of the named columns, at the row's point."""
    point = {names[k]: n for k in names if k < len(cells) and (n := _number(cells[k])) is not None}
    out: list[Block] = []
    for k, head in enumerate(heads[: len(cells)]):
        value = _number(cells[k]) if head is not None and k not in names else None
        text = _claim(head, point, value) if head is not None and value is not None else None
        if text is not None:
            out.append(_block(text, line))
    return out


def _block(text: str, line: int) -> Block:
    """A claim as a math block of its own, every offset on its row's line."""
    return Block(text, 0, len(text), _on(line), True, line)


def _on(line: int) -> Callable[[int], int]:
    return lambda _offset: line
