"""Matrix operations: shapes, and one record of rules per operation.

A matrix network (:mod:`symbackprop.core.matrix`) writes its definitions as
SymPy expressions over one symbol per quantity (``W_1``, ``x``, ``z_1``).  Two
kinds of node appear in them:

* **Elementwise** nodes are SymPy's own ``Add``, ``Mul`` and ``Pow`` and the
  registry's functions (``sigmoid(z_1)``): they act lane by lane, so their
  algebra is scalar algebra and their derivative is the registry's textbook
  one, applied with ⊙.  Scalars broadcast; so does a column against a batch.
* **Structural** nodes are the classes below (:class:`MatProduct`,
  :class:`Transposed`, :class:`Total`, ...).  Each is declared once with a
  :class:`TensorRule` beside it (jax declares a primitive with its rules the
  same way): its shape, its NumPy value, its expansion into scalar elements
  (the scalar view), and its adjoints, written in textbook form
  (``MatProduct``: δ Bᵀ and Aᵀ δ).

Shapes are ``(rows, columns)``; a vector is a column ``(n, 1)``, a scalar is
``(1, 1)``, and a batch holds one example per column.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import sympy
from sympy import Add, Expr, Function, Integer, Symbol

from ..errors import GraphError
from .functions import cross_entropy, softmax, softmax_cross_entropy

__all__ = [
    "TENSOR_RULES",
    "Average",
    "ColumnCrossEntropy",
    "ColumnSoftmax",
    "ColumnSoftmaxCrossEntropy",
    "ColumnSums",
    "Grid",
    "MatProduct",
    "RowSums",
    "Shape",
    "ShapeError",
    "TensorOp",
    "TensorRule",
    "Total",
    "Transposed",
    "format_shape",
    "is_structural",
]

#: ``(rows, columns)``.
Shape = tuple[int, int]

#: A quantity written out element by element: rows of scalar SymPy expressions.
Grid = tuple[tuple[Expr, ...], ...]

SCALAR: Shape = (1, 1)


def format_shape(shape: Shape) -> str:
    """``(2×3)``: how messages and reports write a shape."""
    return f"({shape[0]}×{shape[1]})"


class ShapeError(GraphError):
    """Two shapes do not fit; ``node`` names the definition (``where`` holds it too)."""

    def __init__(self, message: str, *, node: str = "", **where: Any) -> None:
        self.node = node
        super().__init__(message, where=node or None, **where)


class Mismatch(Exception):
    """Internal: shapes do not fit; carries the message without the node."""


# ---------------------------------------------------------------- the operations


class TensorOp(Function):
    """Base of the structural operations: each has one :class:`TensorRule` in :data:`TENSOR_RULES`."""

    is_real = True
    precedence: ClassVar[int] = 70  # a function call; MatProduct overrides it

    def _sympystr(self, printer: Any) -> str:
        return TENSOR_RULES[type(self)].text(printer, self.args)


def _linear_eval(cls: type[TensorOp], a: Expr) -> Expr | None:
    """Sums are linear: a number factor comes out (``column_sums(-y/4)`` is ``-column_sums(y)/4``)."""
    coefficient, rest = a.as_coeff_Mul()
    if coefficient != 1 and rest != 1:
        return coefficient * cls(rest)
    return None


class MatProduct(TensorOp):
    """The matrix product ``A @ B``."""

    nargs = 2
    precedence = 50  # binds like *: parenthesised inside a product

    @classmethod
    def eval(cls, a: Expr, b: Expr) -> Expr | None:
        if a.is_zero or b.is_zero:
            return sympy.S.Zero
        return None


class Transposed(TensorOp):
    """The transpose ``A.T``."""

    nargs = 1

    @classmethod
    def eval(cls, a: Expr) -> Expr | None:
        if isinstance(a, Transposed):
            return a.args[0]
        if a.is_Number:
            return a
        return None


class Total(TensorOp):
    """``sum(A)``: the sum of every element, a scalar."""

    nargs = 1
    eval = classmethod(_linear_eval)


class Average(TensorOp):
    """``mean(A)``: the mean of every element, a scalar."""

    nargs = 1
    eval = classmethod(_linear_eval)


class RowSums(TensorOp):
    """``row_sums(A)``: each row summed, a column (over the examples of a batch)."""

    nargs = 1
    eval = classmethod(_linear_eval)


class ColumnSums(TensorOp):
    """``column_sums(A)``: each column summed, a row (within each example of a batch)."""

    nargs = 1
    eval = classmethod(_linear_eval)


class ColumnSoftmax(TensorOp):
    """``softmax(Z)``: the softmax of each column."""

    nargs = 1


class ColumnCrossEntropy(TensorOp):
    """``cross_entropy(P, Y)``: −Σ y log p for each column, a row (one number per example).

    ``Y``'s columns are distributions (they sum to 1); the network checks it.
    """

    nargs = 2


class ColumnSoftmaxCrossEntropy(TensorOp):
    """``softmax_cross_entropy(Z, Y)``: the cross-entropy of softmax(Z) against Y, per column."""

    nargs = 2


#: Operations whose second argument is a distribution (its columns sum to 1).
DISTRIBUTION_OPS: tuple[type[TensorOp], ...] = (ColumnCrossEntropy, ColumnSoftmaxCrossEntropy)


# ---------------------------------------------------------------- the rules


#: ``adjoint(node, G, argument shapes) -> one contribution per argument``, each in that argument's shape.
AdjointRule = Callable[[Expr, Expr, Sequence[Shape]], tuple[Expr, ...]]


@dataclass(frozen=True)
class TensorRule:
    """Everything the package knows about one structural operation.

    Attributes:
        name: The name a spec calls it by (``"@"`` for the operator).
        arity: How many arguments it takes.
        shape: Argument shapes -> the result's shape; raises :class:`Mismatch`.
        numeric: NumPy arrays -> the value.  An array is 2-D, or 3-D with a leading axis of
            copies (the perturbed points of a gradient check): rules act on the last two axes.
        expand: Argument grids -> the result's grid: the operation in scalar elements.
        adjoint: The textbook adjoints; see :data:`AdjointRule`.
        text: ``(printer, args) -> str``: how it prints, in spec syntax.
    """

    name: str
    arity: int
    shape: Callable[..., Shape]
    numeric: Callable[..., Any]
    expand: Callable[..., Grid]
    adjoint: AdjointRule
    text: Callable[[Any, tuple[Expr, ...]], str]


#: One rule per structural operation.
TENSOR_RULES: dict[type, TensorRule] = {}


def _call_text(name: str) -> Callable[[Any, tuple[Expr, ...]], str]:
    return lambda printer, args: f"{name}({', '.join(printer._print(a) for a in args)})"


def _columns(grid: Grid) -> list[list[Expr]]:
    return [[row[j] for row in grid] for j in range(len(grid[0]))]


def _equal_shapes(name: str) -> Callable[[Shape, Shape], Shape]:
    def shape(a: Shape, b: Shape) -> Shape:
        if a != b:
            raise Mismatch(
                f"{name}(): both arguments need one shape, got {format_shape(a)} and {format_shape(b)}"
            )
        return (1, a[1])

    return shape


def _product_shape(a: Shape, b: Shape) -> Shape:
    if a[1] != b[0]:
        raise Mismatch(f"cannot multiply {format_shape(a)} @ {format_shape(b)}")
    return (a[0], b[1])


def _product_text(printer: Any, args: tuple[Expr, ...]) -> str:
    left, right = (printer.parenthesize(a, 50, strict=False) for a in args)
    return f"{left} @ {right}"


def _transpose_text(printer: Any, args: tuple[Expr, ...]) -> str:
    inner = printer._print(args[0])
    simple = (isinstance(args[0], Symbol) or args[0].is_Function) and not isinstance(args[0], MatProduct)
    return f"{inner}.T" if simple or args[0].is_Atom else f"({inner}).T"


def _softmax_numeric(z: Any) -> Any:
    import numpy

    e = numpy.exp(z - z.max(axis=-2, keepdims=True))
    return e / e.sum(axis=-2, keepdims=True)


def _log_softmax(z: Any) -> Any:
    import numpy

    m = z.max(axis=-2, keepdims=True)
    return z - m - numpy.log(numpy.exp(z - m).sum(axis=-2, keepdims=True))


def _cross_entropy_numeric(p: Any, y: Any) -> Any:
    import numpy

    return -(y * numpy.log(p)).sum(axis=-2, keepdims=True)


TENSOR_RULES[MatProduct] = TensorRule(
    name="@",
    arity=2,
    shape=_product_shape,
    numeric=lambda a, b: a @ b,
    expand=lambda A, B: tuple(
        tuple(Add(*[A[i][k] * B[k][j] for k in range(len(B))]) for j in range(len(B[0])))
        for i in range(len(A))
    ),
    adjoint=lambda node, G, shapes: (
        MatProduct(G, Transposed(node.args[1])),
        MatProduct(Transposed(node.args[0]), G),
    ),
    text=_product_text,
)

TENSOR_RULES[Transposed] = TensorRule(
    name="transpose",
    arity=1,
    shape=lambda a: (a[1], a[0]),
    numeric=lambda a: a.swapaxes(-1, -2),
    expand=lambda A: tuple(tuple(col) for col in _columns(A)),
    adjoint=lambda node, G, shapes: (Transposed(G),),
    text=_transpose_text,
)

TENSOR_RULES[Total] = TensorRule(
    name="sum",
    arity=1,
    shape=lambda a: SCALAR,
    numeric=lambda a: a.sum(axis=(-2, -1), keepdims=True),
    expand=lambda A: ((Add(*[e for row in A for e in row]),),),
    adjoint=lambda node, G, shapes: (G,),  # G broadcasts: every element counts once
    text=_call_text("sum"),
)

TENSOR_RULES[Average] = TensorRule(
    name="mean",
    arity=1,
    shape=lambda a: SCALAR,
    numeric=lambda a: a.mean(axis=(-2, -1), keepdims=True),
    expand=lambda A: ((Add(*[e for row in A for e in row]) / (len(A) * len(A[0])),),),
    adjoint=lambda node, G, shapes: (G / (shapes[0][0] * shapes[0][1]),),
    text=_call_text("mean"),
)

TENSOR_RULES[RowSums] = TensorRule(
    name="row_sums",
    arity=1,
    shape=lambda a: (a[0], 1),
    numeric=lambda a: a.sum(axis=-1, keepdims=True),
    expand=lambda A: tuple((Add(*row),) for row in A),
    adjoint=lambda node, G, shapes: (G,),
    text=_call_text("row_sums"),
)

TENSOR_RULES[ColumnSums] = TensorRule(
    name="column_sums",
    arity=1,
    shape=lambda a: (1, a[1]),
    numeric=lambda a: a.sum(axis=-2, keepdims=True),
    expand=lambda A: (tuple(Add(*col) for col in _columns(A)),),
    adjoint=lambda node, G, shapes: (G,),
    text=_call_text("column_sums"),
)

TENSOR_RULES[ColumnSoftmax] = TensorRule(
    name="softmax",
    arity=1,
    shape=lambda a: a,
    numeric=_softmax_numeric,
    expand=lambda Z: tuple(
        tuple(softmax(Integer(i + 1), *col) for col in _columns(Z)) for i in range(len(Z))
    ),
    # S ⊙ (G − 1 Sᵀ G), column by column: the Jacobian diag(s) − s sᵀ applied to G
    adjoint=lambda node, G, shapes: (node * G - node * ColumnSums(node * G),),
    text=_call_text("softmax"),
)

TENSOR_RULES[ColumnCrossEntropy] = TensorRule(
    name="cross_entropy",
    arity=2,
    shape=_equal_shapes("cross_entropy"),
    numeric=_cross_entropy_numeric,
    expand=lambda P, Y: (tuple(cross_entropy(*p, *y) for p, y in zip(_columns(P), _columns(Y))),),
    adjoint=lambda node, G, shapes: (-G * node.args[1] / node.args[0], -G * sympy.log(node.args[0])),
    text=_call_text("cross_entropy"),
)

TENSOR_RULES[ColumnSoftmaxCrossEntropy] = TensorRule(
    name="softmax_cross_entropy",
    arity=2,
    shape=_equal_shapes("softmax_cross_entropy"),
    numeric=lambda z, y: -(y * _log_softmax(z)).sum(axis=-2, keepdims=True),
    expand=lambda Z, Y: (tuple(softmax_cross_entropy(*z, *y) for z, y in zip(_columns(Z), _columns(Y))),),
    # softmax(Z) ⊙ column_sums(Y) − Y, which is the textbook p − y when Y's columns sum to 1
    adjoint=lambda node, G, shapes: (
        G * (ColumnSoftmax(node.args[0]) * ColumnSums(node.args[1]) - node.args[1]),
        -G * sympy.log(ColumnSoftmax(node.args[0])),
    ),
    text=_call_text("softmax_cross_entropy"),
)


def is_structural(expr: Expr) -> bool:
    """Whether ``expr`` is one of the operations of :data:`TENSOR_RULES`."""
    return type(expr) in TENSOR_RULES


# ---------------------------------------------------------------- shapes


def broadcast(a: Shape, b: Shape, *, strict: bool = False, message: str = "cannot add {a} and {b}") -> Shape:
    """The shape of an elementwise operation on ``a`` and ``b``.

    A dimension of 1 stretches to the other's, when the result is one of the
    two shapes (a column and a row do not make a matrix).  ``strict`` (a
    spec's ``* / **`` and functions) lets only a scalar stretch, so that
    ``W * x`` with a matrix ``W`` is refused instead of read as a batch; ``+``
    and ``-`` also let a column or a row stretch, which is how a bias meets a
    batch.  ``message`` is the refusal, with ``{a}`` and ``{b}`` for the shapes.
    """
    if a == b:
        return a
    if a == SCALAR or b == SCALAR:
        return b if a == SCALAR else a
    fits = all(x == y or x == 1 or y == 1 for x, y in zip(a, b))
    result = (max(a[0], b[0]), max(a[1], b[1]))
    if fits and not strict and result in (a, b):
        return result
    raise Mismatch(message.format(a=format_shape(a), b=format_shape(b)))


#: How a refused elementwise operation is described, by SymPy class.
_ELEMENTWISE_MESSAGES: dict[type, str] = {
    sympy.Add: "cannot add {a} and {b}",
    sympy.Mul: "cannot multiply {a} * {b} elementwise; for a matrix product write @",
    sympy.Pow: "cannot raise {a} ** {b} elementwise",
}


def infer_shape(
    expr: Expr, shapes: Mapping[Any, Shape], memo: dict[Expr, Shape] | None = None, *, strict: bool = False
) -> Shape:
    """The shape of ``expr``, given the shapes of its symbols (and of any other atom in ``shapes``).

    Raises:
        Mismatch: Two shapes do not fit; the message names both.
    """
    memo = {} if memo is None else memo
    known = shapes.get(expr)
    if known is not None:
        return known
    if expr in memo:
        return memo[expr]
    if isinstance(expr, Symbol):
        raise Mismatch(f"{expr.name!r} has no shape")
    if not expr.args:
        return SCALAR
    arg_shapes = [infer_shape(a, shapes, memo, strict=strict) for a in expr.args]
    rule = TENSOR_RULES.get(type(expr))
    shape = rule.shape(*arg_shapes) if rule is not None else _elementwise_shape(expr, arg_shapes, strict)
    memo[expr] = shape
    return shape


def _elementwise_shape(expr: Expr, arg_shapes: Sequence[Shape], strict: bool) -> Shape:
    message = _ELEMENTWISE_MESSAGES.get(type(expr))
    if message is None:
        name = getattr(expr.func, "__name__", "function")
        message = f"{name}(): arguments of shapes {{a}} and {{b}} do not fit elementwise"
    shape = arg_shapes[0]
    for other in arg_shapes[1:]:
        shape = broadcast(shape, other, strict=strict and type(expr) is not sympy.Add, message=message)
    return shape


def unbroadcast(expr: Expr, expr_shape: Shape, logical: Shape, target: Shape) -> Expr:
    """An adjoint that stands for a ``logical``-shaped array, summed down to ``target``'s shape.

    Where ``target`` was stretched (a shared bias, a column against a batch), the
    adjoint sums over the stretched dimension; where ``expr`` itself is
    constant along it, the sum is a multiple.
    """
    (r, c), (er, ec), (tr, tc) = logical, expr_shape, target
    over_rows, over_columns = tr == 1 and r > 1, tc == 1 and c > 1
    scale = (r if over_rows and er == 1 else 1) * (c if over_columns and ec == 1 else 1)
    rows, columns = over_rows and er > 1, over_columns and ec > 1
    if target == SCALAR and (rows or columns):
        expr = Total(expr)  # a shared scalar: every element counts
    elif rows:
        expr = ColumnSums(expr)
    elif columns:
        expr = RowSums(expr)
    return scale * expr if scale != 1 else expr


# ---------------------------------------------------------------- the scalar view


def expand(expr: Expr, grids: Mapping[Any, Grid], memo: dict[Expr, Grid] | None = None) -> Grid:
    """``expr`` written out element by element: each structural operation by its rule's
    ``expand``, each elementwise one lane by lane (a stretched operand repeats).

    Args:
        expr: A matrix expression.
        grids: The grid of every symbol (and other atom, such as an adjoint) it uses.
    """
    memo = {} if memo is None else memo
    known = grids.get(expr)
    if known is not None:
        return known
    if expr in memo:
        return memo[expr]
    if isinstance(expr, Symbol):
        raise GraphError(f"{expr.name!r} has no elements")
    if not expr.args:
        return ((expr,),)
    args = [expand(a, grids, memo) for a in expr.args]
    rule = TENSOR_RULES.get(type(expr))
    if rule is not None:
        grid = rule.expand(*args)
    else:
        rows = max(len(g) for g in args)
        columns = max(len(g[0]) for g in args)
        grid = tuple(
            tuple(expr.func(*[_at(g, i, j) for g in args]) for j in range(columns)) for i in range(rows)
        )
    memo[expr] = grid
    return grid


def _at(grid: Grid, i: int, j: int) -> Expr:
    """Element ``(i, j)`` of ``grid``, stretched along a dimension of 1."""
    return grid[i if len(grid) > 1 else 0][j if len(grid[0]) > 1 else 0]
