"""Shape annotations, checked: ``(2 \\times 1) = (2 \\times 2)^{\\top} (2 \\times 1) \\odot (2 \\times 1)``.

Each ``(m \\times n)`` of a side stands for an m×n matrix; the side is worked out by the shape
rules of its operations (:data:`~.matrix_operations.OPERATIONS`: ``(m×k)(k×n)`` is m×n, ``⊙``
and ``+`` need one shape or a broadcast row or column, a transpose swaps, a reduction gives a
number or, ``rowsum``, a column, a function keeps the shape, ``CE`` gives one number per
column).  Every side must come to the first side's shape; a side whose shapes do not combine
is wrong.
"""

from __future__ import annotations

import re
from typing import Any

from ..notation.latex.matrices import MatrixUnread, Node, read_matrix_side
from .matrix_operations import OPERATIONS
from .report import Finding, Status
from .statements import Statement

__all__ = ["is_shape_note", "shape_finding"]

#: A shape written as a side: ``(2 \\times 1)``.
_SHAPE_NOTE = re.compile(r"\(\s*\d+\s*\\times\s*\d+\s*\)")

#: The label before a shape annotation: ``\\qquad \\text{shapes: }``.
_SHAPES_LABEL = re.compile(r"^\s*(?:\\q?quad\s*)?\\text\{\s*shapes?\s*:?\s*\}\s*")


def is_shape_note(first: str) -> bool:
    """Whether a chain's first side is a shape (after a ``\\text{shapes: }`` label)."""
    return _SHAPE_NOTE.fullmatch(_SHAPES_LABEL.sub("", first).strip()) is not None


def shape_finding(st: Statement, base: dict[str, Any]) -> Finding:
    """A shape annotation, ``(2 \\times 1) = (2 \\times 2)^{\\top} (2 \\times 1) \\odot (2 \\times 1)``: every
    side's shape worked out by the rules of its operations must be the first side's."""
    shapes = []
    for side in st.sides:
        try:
            shapes.append(_shape_of(_SHAPES_LABEL.sub("", side)))
        except _Mismatch as e:
            return Finding(status=Status.WRONG, explanation=(f"{side.strip()} is wrong: {e}",), **base)
        except MatrixUnread as e:
            why = f"not checked: a shape annotation: {e}"
            return Finding(status=Status.NOT_CHECKED, explanation=(why,), **base)
    for side, shape in zip(st.sides[1:], shapes[1:]):
        if shape != shapes[0]:
            size = "×".join(str(n) for n in shape)
            said = (f"{side.strip()} is wrong: its shape is {size}",)
            return Finding(status=Status.WRONG, explanation=said, **base)
    return Finding(status=Status.OK, explanation=("the shapes agree",), checked=len(shapes) - 1, **base)


def _shape_of(text: str) -> tuple[int, ...]:
    """The shape a side of shapes comes to: each ``(m \\times n)`` an m×n matrix, operated on."""
    import numpy

    env: dict[str, Any] = {}

    def placeholder(m: re.Match[str]) -> str:
        env[f"S_{len(env) + 1}"] = numpy.ones((int(m.group(1)), int(m.group(2))))
        return f" S_{{{len(env)}}} "

    spelled = re.sub(r"\(\s*(\d+)\s*\\times\s*(\d+)\s*\)", placeholder, text)
    return tuple(_shaped(read_matrix_side(spelled), env).shape)


def _shaped(node: Node, env: dict[str, Any]) -> Any:
    """A side of placeholders (ones of each shape) evaluated by the operations' shape rules."""
    import numpy

    op = node.op
    if op == "name":
        if node.args[0] not in env:
            raise MatrixUnread(f"{node.args[0]} in a shape annotation")
        return env[node.args[0]]
    if op == "num":
        return numpy.ones((1, 1))
    if op == "call":  # a function of a vector keeps its shape (elementwise, or softmax)
        return _shaped(node.args[2], env)
    if op == "pair":  # one number per column
        first, second = _shaped(node.args[1], env), _shaped(node.args[2], env)
        if first.shape != second.shape:
            raise _Mismatch(f"{node.args[0]} of shapes {first.shape} and {second.shape}")
        return first[:1]
    if op == "reduce":
        inner = _shaped(node.args[1], env)
        return inner.sum(axis=1, keepdims=True) if node.args[0] == "rowsum" else numpy.ones((1, 1))
    if op == "in" or not isinstance(node.args[0], Node):
        raise MatrixUnread(f"{op} in a shape annotation")
    args = [_shaped(a, env) for a in node.args]
    if op == "mul" and min(a.size for a in args) > 1 and args[0].shape[1] != args[1].shape[0]:
        raise _Mismatch(f"shapes {args[0].shape} and {args[1].shape} cannot be multiplied")
    try:
        return OPERATIONS[op](*args)
    except MatrixUnread as e:
        raise _Mismatch(str(e)) from None


class _Mismatch(ValueError):
    """Shapes that an operation of a shape annotation cannot combine."""
