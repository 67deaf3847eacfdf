"""Long relations broken across lines, at the points a careful author would choose.

A relation reaches a template as a list of sides, ``[lhs, "=", rhs, "=",
substituted, "\\approx", value]``, every side already printed as LaTeX.  The
``relation`` filter lays it out as the rows of an ``align*`` (or ``aligned``)
environment: if it fits the line, one row; otherwise a new row at a relation
(``&= ...``, aligned under the first one), then, inside a side that is still
too wide, before a top-level ``+`` or ``-`` (``&\\quad + ...``), then before a
top-level ``\\cdot`` or ``\\times`` (``&\\qquad \\cdot ...``).  Widths come from
:func:`symbackprop.output.widths.math_width`; nothing is differentiated or
evaluated, the printed strings are only cut.

The formats register these filters with their line width (:mod:`.formats`):
``relation`` (rows for an alignment), ``display`` (one line, or an ``aligned``
block when it must break) and ``widest`` (the widest left-hand side of a list,
so that every row of one alignment gets the same budget).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

from .widths import LATEX_EM_PT, math_width, tokens

__all__ = ["TEXT_WIDTH_PT", "break_relation", "line_filters", "split_top_level"]

#: The text width that the LaTeX walkthrough is broken for: 16 cm (the standalone document's).
TEXT_WIDTH_PT = 455.0

#: Estimated widths are multiplied by this before they are compared with the line (the estimate's error).
_SAFETY = 1.04

_OPEN = {"{", r"\left", r"\begin", "(", "["}
_CLOSE = {"}", r"\right", r"\end", ")", "]"}
_SUMS = ("+", "-")
_PRODUCTS = (r"\cdot", r"\times")
#: Tokens after which a ``-`` is a sign, not a subtraction.
_NOT_OPERAND = {"+", "-", r"\cdot", r"\times", "=", r"\approx", "(", "[", "{", ",", r"\left"}


def _depths(toks: Sequence[str]) -> list[int] | None:
    """The nesting depth before each token, or None when the brackets do not balance."""
    depth, out = 0, []
    skip_next = False
    for t in toks:
        out.append(depth)
        if skip_next:  # the delimiter after \left or \right
            skip_next = False
            continue
        if t in (r"\left", r"\right"):
            skip_next = True
        if t in _OPEN:
            depth += 1
        elif t in _CLOSE:
            depth -= 1
            if depth < 0:
                return None
    return out if depth == 0 else None


def split_top_level(latex: str, operators: Iterable[str]) -> list[str]:
    """``latex`` cut before each top-level binary ``operators`` (the operator starts the next piece).

    A leading sign is not an operator; nothing inside braces or brackets is cut.
    """
    ops = set(operators)
    toks = tokens(latex)
    depths = _depths(toks)
    if depths is None:
        return [latex]
    pieces: list[list[str]] = [[]]
    last: str | None = None
    for t, d in zip(toks, depths):
        if d == 0 and t in ops and last is not None and last not in _NOT_OPERAND:
            pieces.append([])
        pieces[-1].append(t)
        if not t.isspace():
            last = t
    return ["".join(p).strip() for p in pieces if "".join(p).strip()]


class _Packer:
    """Greedy packing of pieces into the right-hand column of an alignment."""

    def __init__(self, width: float) -> None:
        self.width = width
        self.rows: list[str] = []
        self.current = ""

    def fits(self, text: str) -> bool:
        return math_width(text) * _SAFETY <= self.width

    def add(self, piece: str, *, new_row: bool = False, indent: str = "") -> None:
        joined = f"{self.current} {piece}" if self.current else piece
        if self.current and not new_row and self.fits(joined):
            self.current = joined
            return
        if self.current:
            self.rows.append(self.current)
        self.current = f"{indent} {piece}".strip() if self.rows else piece

    def side(self, rel: str, side: str, *, new_row: bool) -> None:
        """A relation and its side: whole if it fits, else cut at sums, then at products."""
        whole = f"{rel} {side}"
        if self.fits(whole):
            self.add(whole, new_row=new_row)
            return
        for i, term in enumerate(split_top_level(side, _SUMS)):
            head = term if i else f"{rel} {term}"
            indent = r"\quad" if i else ""
            if self.fits(f"{indent} {head}"):
                self.add(head, new_row=not i, indent=indent)
                continue
            for j, factor in enumerate(split_top_level(term, _PRODUCTS)):
                start = f"{rel} {factor}" if not i and not j else factor
                self.add(start, new_row=not (i or j), indent=r"\qquad" if j else indent)

    def finish(self) -> list[str]:
        return [*self.rows, self.current] if self.current else self.rows


def break_relation(
    sides: Sequence[str],
    width_pt: float = TEXT_WIDTH_PT,
    *,
    lhs_width: float | None = None,
    each: bool = False,
) -> list[str]:
    """The rows of an alignment for ``sides`` (``[lhs, rel, side, rel, side, ...]``).

    Args:
        sides: The left-hand side, then relations and sides alternately.
        width_pt: The line width, in TeX points.
        lhs_width: The widest left-hand side of the alignment, in em (default: this one's).
        each: Start a row at every relation (a chain of equal forms); the last side, the value,
            always stays with the side before it.

    Returns:
        Rows; the first is ``lhs &rel ...``, the others ``  &rel ...`` or ``  &\\quad + ...``.
    """
    if len(sides) % 2 == 0:
        msg = f"a relation needs an odd number of sides and relations, got {len(sides)}"
        raise ValueError(msg)
    lhs = sides[0]
    if len(sides) == 1:
        return [lhs]
    left = max(lhs_width or 0.0, math_width(lhs))
    packer = _Packer(width_pt / LATEX_EM_PT - left * _SAFETY)
    pairs = list(zip(sides[1::2], sides[2::2]))
    if len(pairs) > 1:  # the value stays with the side it is the value of
        (rel, side), (last_rel, value) = pairs[-2:]
        pairs[-2:] = [(rel, f"{side} {last_rel} {value}")]
    for k, (rel, side) in enumerate(pairs):
        packer.side(rel, side, new_row=each and k > 0)
    rows = packer.finish()
    return [f"{lhs} &{rows[0]}", *[f"  &{r}" for r in rows[1:]]]


def _relation(
    sides: Sequence[str], lhs_width: float | None = None, each: bool = False, *, width: float
) -> str:
    return " \\\\\n".join(break_relation(sides, width, lhs_width=lhs_width, each=each))


def _display(sides: Sequence[str], each: bool = False, *, width: float) -> str:
    """One line if it fits; else an ``aligned`` block (a row per relation but the last with ``each``)."""
    rows = break_relation(sides, width)
    if len(rows) == 1:
        return rows[0].replace(" &", " ", 1)
    rows = break_relation(sides, width, each=each)
    return "\\begin{aligned}\n%s\n\\end{aligned}" % " \\\\\n".join(rows)


def _widest(items: Iterable[str]) -> float:
    return max((math_width(s) for s in items), default=0.0)


def line_filters(width_pt: float = TEXT_WIDTH_PT) -> dict[str, Any]:
    """The Jinja filters ``relation``, ``display`` and ``widest`` for a line of ``width_pt`` points."""
    return {
        "relation": partial(_relation, width=width_pt),
        "display": partial(_display, width=width_pt),
        "widest": _widest,
    }
