"""The operations of matrix-form sides, on NumPy arrays (floats, or mpmath intervals as objects).

One table, :data:`OPERATIONS`, by the node kinds of :mod:`symbackprop.notation.latex.matrices`:
the judge of matrix claims evaluates sides with it (:mod:`.matrix_claims`), and shape
annotations are worked out with it (:mod:`.matrix_shapes`).  A juxtaposition is a scalar
multiple or a matrix product (two matrices of one shape that cannot be multiplied as matrices
are multiplied elementwise, ``Y \\log A``); ``+``, ``-`` and ``⊙`` need one shape, or a row or
column broadcast along the other (a batch's bias); a quotient is by a number or elementwise.
"""

from __future__ import annotations

from typing import Any

from ..notation.latex.matrices import MatrixUnread

__all__ = ["OPERATIONS", "PAIRS", "VECTOR_FUNCTIONS"]


def _shapes(a: Any, b: Any, what: str) -> None:
    """Equal shapes, a number, or a row or column broadcast along the other (a batch's bias)."""
    if any(m != n and 1 not in (m, n) for m, n in zip(a.shape, b.shape)):
        raise MatrixUnread(f"cannot {what} shapes {a.shape} and {b.shape}")


def _elementwise(f: Any, what: str) -> Any:
    def apply(a: Any, b: Any) -> Any:
        _shapes(a, b, what)
        return f(a, b)

    return apply


def _quotient(a: Any, b: Any) -> Any:
    """A division by a number (``… / 2``, ``\\frac{1}{2}``), or elementwise (``\\frac{y}{p}``)."""
    if b.size != 1 and a.shape != b.shape:
        raise MatrixUnread(f"cannot divide shapes {a.shape} and {b.shape}")
    return a / b


def _product(a: Any, b: Any) -> Any:
    """Juxtaposition: a scalar times a matrix, or a matrix product; two matrices of one shape that
    cannot be multiplied as matrices are multiplied elementwise (``Y \\log A``)."""
    if a.size == 1 or b.size == 1:
        return a * b
    if a.shape[1] != b.shape[0]:
        if a.shape == b.shape:
            return a * b
        raise MatrixUnread(f"cannot multiply shapes {a.shape} and {b.shape}")
    return a @ b


def _softmax(v: Any) -> Any:
    """Softmax of each column (a vector, or a batch's examples)."""
    import numpy

    e = numpy.exp(v - v.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


#: Functions of a whole vector (not elementwise), by their library name.
VECTOR_FUNCTIONS = {"softmax": _softmax}


def _cross_entropy(p: Any, y: Any) -> Any:
    """−Σ y log p of each column: a row, one number per column."""
    import numpy

    if p.shape != y.shape:
        raise MatrixUnread(f"cross_entropy of shapes {p.shape} and {y.shape}")
    with numpy.errstate(divide="ignore", invalid="ignore"):
        terms = numpy.where(y == 0, 0.0, y * numpy.log(p))
    return -terms.sum(axis=0, keepdims=True)


#: Functions of two vectors, column by column (``pair`` nodes of the reader).
PAIRS = {"cross_entropy": _cross_entropy}

OPERATIONS = {
    "T": lambda a: a.T,
    "neg": lambda a: -a,
    "add": _elementwise(lambda a, b: a + b, "add"),
    "sub": _elementwise(lambda a, b: a - b, "subtract"),
    "had": _elementwise(lambda a, b: a * b, "multiply elementwise"),
    "div": _quotient,
    "mul": _product,
    "norm2": lambda a: (a * a).sum(keepdims=True).reshape(1, 1),
}
