"""Typed operations of the vectorised program: what each line computes, as data.

:mod:`.lowering` builds the programs (forward, columns, perturbed, gradient,
inputs) out of these records; :mod:`.codegen` prints them as NumPy source,
one ``_print_<Class>`` method per record, as SymPy's printers do.  Array
expressions (:data:`Code`) nest; statements are the lines of a function.

Names are the program's own (``X``, ``theta``, ``n3``, ``t0``, ``o2_1``):
user text never appears in an operation.  The one SymPy tree an operation
holds (:class:`Formula`) is a template over placeholders, printed with the
operand names it maps them to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sympy import Expr

__all__ = [
    "AddAt",
    "AddTo",
    "All",
    "Assign",
    "BroadcastTo",
    "Code",
    "Constant",
    "Copy",
    "Einsum",
    "Fill",
    "Formula",
    "Function",
    "Lanes",
    "MatMul",
    "MatMulInto",
    "Name",
    "Nudged",
    "Ones",
    "Paren",
    "Plus",
    "Ravel",
    "RepeatColumns",
    "Reshaped",
    "Return",
    "RowSums",
    "Rows",
    "Selector",
    "Span",
    "Stack",
    "Statement",
    "SumInto",
    "SumLanes",
    "Times",
    "Total",
    "Transpose",
    "Unpack",
    "Zeros",
]

# ------------------------------------------------------------ selecting rows


@dataclass(frozen=True)
class Span:
    """A slice ``start:stop`` or ``start:stop:step``."""

    start: int
    stop: int
    step: int = 1


@dataclass(frozen=True)
class All:
    """``...``: every element (writing into a view in place)."""


@dataclass(frozen=True, eq=False)
class Constant:
    """A NumPy array (or index array) baked into the program under ``name``."""

    name: str
    value: Any


Selector = Span | Constant | All | int

# --------------------------------------------------------- array expressions


@dataclass(frozen=True)
class Name:
    """An array the program has bound: an input, a unit's values, a view, a temporary."""

    id: str


@dataclass(frozen=True)
class Rows:
    """``of[rows]``, or ``of[rows, None]`` (a column) when ``column``."""

    of: Code
    rows: Selector
    column: bool = False


@dataclass(frozen=True)
class Reshaped:
    """``of[start:stop].reshape(rows, width)``, then ``[:, columns]``: a matrix view of a vector."""

    of: Name
    start: int
    stop: int
    rows: int
    width: int
    columns: Span | None = None


@dataclass(frozen=True)
class Transpose:
    of: Code


@dataclass(frozen=True)
class MatMul:
    """``left @ right``."""

    left: Code
    right: Code


@dataclass(frozen=True)
class Einsum:
    """One weight matrix per column: ``Z[:, b] = W[:, :, b] @ U[:, b]`` (``U`` has ``width`` rows)."""

    weights: Code
    inputs: Code
    width: int


@dataclass(frozen=True)
class Plus:
    left: Code
    right: Code


@dataclass(frozen=True)
class Times:
    left: Code
    right: Code


@dataclass(frozen=True)
class Paren:
    of: Code


@dataclass(frozen=True)
class Stack:
    """Rows from several arrays, broadcast to one batch and stacked."""

    parts: tuple[Code, ...]


@dataclass(frozen=True)
class Copy:
    of: Code


@dataclass(frozen=True)
class RepeatColumns:
    """A constant ``(m, n, 1)`` matrix repeated for every column: ``(m, n, B)``."""

    of: Code


@dataclass(frozen=True)
class Formula:
    """A SymPy template, its placeholders (and temporaries) printed as ``names``."""

    expr: Expr
    names: tuple[tuple[Expr, str], ...]


@dataclass(frozen=True)
class Lanes:
    """``of`` as ``rows`` identical rows (the operands are the same in every lane)."""

    of: Code
    rows: int


@dataclass(frozen=True)
class SumLanes:
    """The sum over rows, kept as one row."""

    of: Code


@dataclass(frozen=True)
class RowSums:
    """The sum over the batch, one number per row."""

    of: Code


@dataclass(frozen=True)
class Total:
    of: Code


@dataclass(frozen=True)
class Ravel:
    of: Code


@dataclass(frozen=True)
class Ones:
    """One row of ones: the seed of the loss's adjoint."""


@dataclass(frozen=True)
class Zeros:
    rows: int


@dataclass(frozen=True)
class BroadcastTo:
    """``of`` broadcast to ``(rows, B)``, or to ``(B,)`` when ``rows`` is None."""

    of: Code
    rows: int | None


@dataclass(frozen=True)
class Nudged:
    """``of`` with each column's perturbation of one parameter added (the perturbed program).

    Column ``b`` moves parameter ``index[b]`` by ``delta[b]``.  ``table`` says,
    for each row of theta, which entries of ``of`` it feeds: ``of`` holds rows
    of theta (``inputs`` None), or an affine unit's ``W @ U + b`` (an entry
    ``(j, k)`` of W adds ``delta·U[k]`` to row j; a bias, ``k = -1``, adds ``delta``).
    """

    of: Code
    inputs: Code | None
    table: Constant


Code = (
    Name | Constant | Rows | Reshaped | Transpose | MatMul | Einsum | Plus | Times | Paren | Stack | Copy
    | RepeatColumns | Formula | Lanes | SumLanes | RowSums | Total | Ravel | Ones | Zeros | BroadcastTo
    | Nudged
)  # fmt: skip

# ---------------------------------------------------------------- statements


@dataclass(frozen=True)
class Assign:
    target: Code
    value: Code


@dataclass(frozen=True)
class AddTo:
    """``target += value``."""

    target: Code
    value: Code


@dataclass(frozen=True)
class Unpack:
    """``a, b, = source``: the views a program reads, made once per array."""

    names: tuple[Name, ...]
    source: Name


@dataclass(frozen=True)
class Return:
    values: tuple[Code, ...]
    trailing_comma: bool = False


@dataclass(frozen=True)
class Fill:
    """``target.fill(0.0)``."""

    target: Name


@dataclass(frozen=True)
class MatMulInto:
    """``numpy.matmul(left, right, out=out)``."""

    left: Code
    right: Code
    out: Code


@dataclass(frozen=True)
class SumInto:
    """The sum over the batch written into ``out``."""

    of: Code
    out: Code


@dataclass(frozen=True)
class AddAt:
    """``numpy.add.at(target, index, value)``: rows that repeat are added, not overwritten."""

    target: Code
    index: Constant
    value: Code


Statement = Assign | AddTo | Unpack | Return | Fill | MatMulInto | SumInto | AddAt


@dataclass(frozen=True)
class Function:
    """``def name(parameters):`` and its statements."""

    name: str
    parameters: tuple[str, ...]
    body: tuple[Statement, ...]
