"""A matrix-form side read from a document (a :class:`~symbackprop.notation.latex.matrices.Node`)
as the expression a matrix spec would give: the operations of :mod:`symbackprop.core.tensors`.

``W_{1} X + b_{1}`` becomes ``MatProduct(W_1, X) + b_1``, ``\\sigma(z_1)`` the library's
``sigmoid(z_1)``, ``\\operatorname{softmax}(z)`` a softmax of each column,
``\\operatorname{CE}(p, y)`` a cross-entropy of each column, ``\\operatorname{mean}(…)`` and
``\\operatorname{sum}(…)`` reductions, ``\\lVert v \\rVert^2`` a sum of squares.  A juxtaposition
is read as :mod:`.matrix_operations` reads it: a scalar multiple, a matrix product, or (two
matrices of one shape that cannot be multiplied as matrices) elementwise, ``Y \\log A``.  The
tree is walked, never evaluated as text; anything else (a derivative, a written matrix, ``η``)
raises :class:`~symbackprop.notation.latex.matrices.MatrixUnread` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sympy import Expr, Integer, Rational, Symbol

from ..core.functions import FUNCTIONS
from ..core.tensors import (
    SCALAR,
    Average,
    ColumnCrossEntropy,
    ColumnSoftmax,
    MatProduct,
    Mismatch,
    RowSums,
    Shape,
    Total,
    Transposed,
    infer_shape,
)
from ..notation.latex.matrices import MatrixUnread, Node

__all__ = ["Terms"]

#: Reductions of the reader (``reduce`` nodes), by their written name.
_REDUCTIONS: dict[str, Callable[[Expr], Expr]] = {"sum": Total, "mean": Average, "rowsum": RowSums}

#: Functions of a whole vector, applied to each column (not elementwise).
_COLUMN_FUNCTIONS: dict[str, Callable[[Expr], Expr]] = {"softmax": ColumnSoftmax}

#: Functions of two vectors (``pair`` nodes), column by column.
_PAIRS: dict[str, Callable[[Expr, Expr], Expr]] = {"cross_entropy": ColumnCrossEntropy}


class Terms:
    """Turns read sides into tensor expressions over known quantities of known shapes.

    Args:
        symbols: The quantities by their read name (``W_1``).
        shapes: Each quantity's shape; grows as definitions are added (:meth:`define`).
    """

    def __init__(self, symbols: Mapping[str, Symbol], shapes: Mapping[Symbol, Shape]) -> None:
        self.symbols = symbols
        self.shapes: dict[Any, Shape] = dict(shapes)
        self.memo: dict[Expr, Shape] = {}

    def shape(self, expr: Expr) -> Shape:
        """The shape of ``expr`` (a mismatch is an unread side, not an error)."""
        try:
            return infer_shape(expr, self.shapes, self.memo, strict=True)
        except Mismatch as e:
            raise MatrixUnread(str(e)) from None

    def define(self, symbol: Symbol, expr: Expr) -> None:
        """``symbol`` is defined by ``expr``: its shape is known from now on."""
        self.shapes[symbol] = self.shape(expr)

    def expr(self, node: Node) -> Expr:
        """The tensor expression of a read side.

        Raises:
            MatrixUnread: The side uses something a definition cannot hold, or shapes that do not fit.
        """
        reader = _READERS.get(node.op)
        if reader is None:
            raise MatrixUnread(f"a definition cannot hold {node.op!r}")
        out = reader(self, node)
        self.shape(out)  # every part must fit
        return out

    def _name(self, node: Node) -> Expr:
        key, updated = node.args
        if updated or key not in self.symbols:
            raise MatrixUnread(f"{key} is neither given nor defined")
        return self.symbols[key]

    def _number(self, node: Node) -> Expr:
        text = node.args[0]
        return Integer(int(text)) if text.isdigit() else Rational(text)

    def _product(self, node: Node) -> Expr:
        """A juxtaposition: a scalar multiple, a matrix product, or elementwise (one shape)."""
        a, b = (self.expr(n) for n in node.args)
        sa, sb = self.shape(a), self.shape(b)
        if SCALAR in (sa, sb):
            return a * b
        if sa[1] == sb[0]:
            return MatProduct(a, b)
        if sa == sb:
            return a * b
        raise MatrixUnread(f"cannot multiply shapes {sa} and {sb}")

    def _call(self, node: Node) -> Expr:
        name, primes, arg = node.args
        if primes:
            raise MatrixUnread(f"a derivative {name}' in a definition")
        inner = self.expr(arg)
        if name in _COLUMN_FUNCTIONS:
            return _COLUMN_FUNCTIONS[name](inner)
        info = FUNCTIONS.get(name)
        if info is None or not info.accepts(1):
            raise MatrixUnread(f"{name} is not a function applied elementwise")
        return info.func(inner)  # type: ignore[no-any-return]

    def _reduce(self, node: Node) -> Expr:
        return _REDUCTIONS[node.args[0]](self.expr(node.args[1]))

    def _pair(self, node: Node) -> Expr:
        return _PAIRS[node.args[0]](self.expr(node.args[1]), self.expr(node.args[2]))


_READERS: dict[str, Callable[[Terms, Node], Expr]] = {
    "name": Terms._name,
    "num": Terms._number,
    "mul": Terms._product,
    "call": Terms._call,
    "reduce": Terms._reduce,
    "pair": Terms._pair,
    "in": lambda t, n: t.expr(n.args[0]),
    "neg": lambda t, n: -t.expr(n.args[0]),
    "add": lambda t, n: t.expr(n.args[0]) + t.expr(n.args[1]),
    "sub": lambda t, n: t.expr(n.args[0]) - t.expr(n.args[1]),
    "had": lambda t, n: t.expr(n.args[0]) * t.expr(n.args[1]),
    "div": lambda t, n: t.expr(n.args[0]) / t.expr(n.args[1]),
    "T": lambda t, n: Transposed(t.expr(n.args[0])),
    "norm2": lambda t, n: Total(t.expr(n.args[0]) ** 2),
}
