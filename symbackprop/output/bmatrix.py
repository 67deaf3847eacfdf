r"""Vectors and matrices as LaTeX ``bmatrix`` numbers, big ones elided, and relations packed into rows.

The matrix-form walkthrough (:mod:`symbackprop.output.matrix_context`) writes
every value as a ``bmatrix`` of numbers, each shown by the one number formatter
(:func:`symbackprop.output.numbers.shown`).  A matrix with more than
``max_shown`` rows or columns shows its first ``max_shown - 1`` and its last,
with ``\cdots``, ``\vdots`` and ``\ddots`` between, and its shape written under
it.  A scalar ``(1×1)`` is a plain number; an entry below 10⁻⁵ is written in
scientific notation (the same digits), so that a column of tiny numbers fits.

The values of the matrix view are float64 (:class:`~symbackprop.core.matrix_derivation.MatrixEvaluation`);
each is read at 15 significant digits, float64's own precision, so that
0.15·0.05 + 0.2·0.1 + 0.35 is shown as the exact 0.3775 it stands for rather
than as a rounded 0.37750000000000006.

:func:`pack` lays a relation (``lhs = side = side ≈ value``) out as the rows of
an alignment: sides are kept together on a row while the row fits the line
(widths estimated by :func:`symbackprop.output.widths.math_width`, each
``bmatrix`` by its widest entry per column), and a side too wide for a row of
its own is broken before its top-level ``+`` and ``-``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .breaking import TEXT_WIDTH_PT, split_top_level
from .numbers import carried, relation, shown
from .widths import LATEX_EM_PT, math_width

__all__ = [
    "MAX_SHOWN",
    "Matrix",
    "budget",
    "hand_rounder",
    "latex_width",
    "matrix_latex",
    "pack",
    "shape_latex",
]

#: Rows and columns shown of a vector or matrix before the middle is elided.
MAX_SHOWN = 4

#: The space between two columns of a ``bmatrix`` (2 × \arraycolsep = 10 pt) and its brackets, in em.
_COLUMN_GAP = 10 / LATEX_EM_PT
_BRACKETS = 1.0
#: The share of the line a row may fill: the estimate errs both ways by a few per cent.
_FILL = 0.96

_BMATRIX = re.compile(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}(_\{[^{}]*\})?", re.S)


@dataclass(frozen=True)
class Matrix:
    """A value as shown: its LaTeX, whether every shown entry is exact, and whether it was elided."""

    latex: str
    exact: bool
    elided: bool

    @property
    def rel(self) -> str:
        """``=`` or ``\\approx`` before it."""
        return relation(self.exact)


def shape_latex(shape: Sequence[int]) -> str:
    r"""``2 \times 1``."""
    return rf"{shape[0]} \times {shape[1]}"


def _indices(n: int, max_shown: int | None) -> list[int | None]:
    if max_shown is None or n <= max_shown:
        return list(range(n))
    return [*range(max_shown - 1), None, n - 1]


def _shown(value: Any, digits: int) -> Any:
    return shown(float(f"{float(value):.15g}"), digits)


#: Entries smaller than this are written ``8.994 \times 10^{-10}``: as decimals their zeros
#: would make a column wider than the page.
_TINY = Decimal("1e-5")


def _entry(value: Any, digits: int, carry: bool = False) -> tuple[str, bool]:
    s = carried(float(f"{float(value):.15g}"), digits) if carry else _shown(value, digits)
    d = s.value
    if d.is_finite() and 0 < abs(d) < _TINY and r"\times" not in s.latex:  # the same number, shorter
        mantissa = d.scaleb(-d.adjusted())
        return r"%s \times 10^{%d}" % (mantissa.normalize() if s.exact else mantissa, d.adjusted()), s.exact
    return s.latex, s.exact


def hand_rounder(digits: int) -> Callable[[Any], tuple[Any, bool]]:
    """A quantizer for :meth:`~symbackprop.core.matrix_derivation.MatrixDerivation.at`: every entry of
    an array as :func:`matrix_latex` shows it, and whether any entry changed (hand rounding)."""

    def quantize(array: Any) -> tuple[Any, bool]:
        import numpy

        entries = [[_shown(v, digits) for v in row] for row in array]
        rounded = numpy.array([[float(s.value) for s in row] for row in entries], dtype=float)
        return rounded, not all(s.exact for row in entries for s in row)

    return quantize


def matrix_latex(
    array: Any, digits: int = 4, max_shown: int | None = MAX_SHOWN, carry: bool = False
) -> Matrix:
    """A 2-D array as a ``bmatrix`` of shown numbers (a ``(1×1)`` array as one number).

    Args:
        array: The value (rows × columns).
        digits: Decimals, as :func:`~symbackprop.output.numbers.shown` takes them.
        max_shown: Rows and columns shown before eliding; ``None`` shows every entry.
        carry: The array is one hand rounding rounded and carried on: its entries are shown as
            :func:`~symbackprop.output.numbers.carried` (trailing zeros kept, ≈).
    """
    rows, columns = array.shape
    if (rows, columns) == (1, 1):
        text, exact = _entry(array[0, 0], digits, carry)
        return Matrix(text, exact, False)
    row_index, column_index = _indices(rows, max_shown), _indices(columns, max_shown)
    exact = True
    lines = []
    for i in row_index:
        cells = []
        for j in column_index:
            if i is None or j is None:
                cells.append(r"\ddots" if i is None and j is None else r"\vdots" if i is None else r"\cdots")
                continue
            text, ok = _entry(array[i, j], digits, carry)
            exact = exact and ok
            cells.append(text)
        lines.append(" & ".join(cells))
    elided = len(row_index) < rows or len(column_index) < columns
    body = r"\begin{bmatrix} %s \end{bmatrix}" % r" \\ ".join(lines)
    return Matrix(body + ("_{%s}" % shape_latex((rows, columns)) if elided else ""), exact, elided)


def _bmatrix_width(body: str) -> float:
    rows = [[math_width(c) for c in row.split("&")] for row in body.split(r"\\")]
    widths = [max(row[j] if j < len(row) else 0.0 for row in rows) for j in range(max(map(len, rows)))]
    return sum(widths) + _COLUMN_GAP * (len(widths) - 1) + _BRACKETS


def latex_width(latex: str) -> float:
    """The estimated width of ``latex`` in em, ``bmatrix`` environments included."""
    matrices = _BMATRIX.findall(latex)
    rest = _BMATRIX.sub(" ", latex)
    return math_width(rest) + sum(_bmatrix_width(body) + math_width("{}" + sub) for body, sub in matrices)


def budget(lhs_width: float = 0.0, width_pt: float = TEXT_WIDTH_PT) -> float:
    """The width in em a row's right-hand side may take after a left-hand side ``lhs_width`` em wide."""
    return _FILL * width_pt / LATEX_EM_PT - lhs_width - 1.0


def pack(sides: Sequence[str], lhs_width: float = 0.0, width_pt: float = TEXT_WIDTH_PT) -> list[str]:
    """The rows of an alignment for ``[lhs, rel, side, rel, side, ...]``.

    Sides share a row while it fits ``width_pt`` after the widest left-hand side
    (``lhs_width`` em, or this one's if wider); the first row is ``lhs &rel side``,
    the others ``&rel side``.
    """
    room = budget(max(lhs_width, latex_width(sides[0])), width_pt)
    rows: list[str] = []
    current, used = "", 0.0
    for rel, side in zip(sides[1::2], sides[2::2]):
        piece = f"{rel} {side}"
        width = latex_width(piece)
        if current and used + width > room:
            rows.append(current)
            current, used = "", 0.0
        if not current and width > room:
            parts = split_top_level(side, ("+", "-"))
            if len(parts) > 1:
                rows += [f"{rel} {parts[0]}", *(rf"\quad {p}" for p in parts[1:-1])]
                piece, width = rf"\quad {parts[-1]}", latex_width(parts[-1]) + 1.0
        current, used = (f"{current} {piece}" if current else piece), used + width
    rows.append(current)
    return [f"{sides[0]} &{rows[0]}", *(f"  &{r}" for r in rows[1:])]
