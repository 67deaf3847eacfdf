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
from .report import Finding, Kind, Status
from .statements import Statement

__all__ = ["is_shape_note", "shape_note"]

#: A shape written as a side: ``(2 \\times 1)``.
_SHAPE_NOTE = re.compile(r"\(\s*\d+\s*\\times\s*\d+\s*\)")

#: The label before a shape annotation: ``\\qquad \\text{shapes: }``.
_SHAPES_LABEL = re.compile(r"^\s*(?:\\q?quad\s*)?\\text\{\s*shapes?\s*:?\s*\}\s*")


def is_shape_note(first: str) -> bool:
    """Whether a chain's first side is a shape (after a ``\\text{shapes: }`` label)."""
    return _SHAPE_NOTE.fullmatch(_SHAPES_LABEL.sub("", first).strip()) is not None


def shape_note(st: Statement) -> Finding | None:
    """The finding on a shape annotation (``(2 \\times 1) = (2 \\times 2)^{\\top} (2 \\times 1) \\odot
    (2 \\times 1)``), with or without a spec, or ``None`` when ``st`` is not one: every side's shape,
    worked out by the rules of its operations, must be the first side's."""
    if len(st.sides) < 2 or any(op != "=" for op in st.ops) or not is_shape_note(st.sides[0]):
        return None
    base: dict[str, Any] = {
        "line": st.line,
        "source": st.source,
        "block_end": st.block_end,
        "subject": st.sides[0].strip(),
        "kind": Kind.CLAIM,
        "checked": 1,
    }
    shapes = []
    for k, side in enumerate(st.sides):
        try:
            shapes.append(_shape_of(_SHAPES_LABEL.sub("", side)))
        except _Mismatch as e:
            return _wrong(st, k, f"{side.strip()}: {e}", base)
        except MatrixUnread as e:
            why = f"not checked: a shape annotation: {e}"
            return Finding(status=Status.NOT_CHECKED, explanation=(why,), **{**base, "checked": 0})
    for k, shape in enumerate(shapes[1:], start=1):
        if shape != shapes[0]:
            return _wrong(st, k, f"{st.sides[k].strip()} is {_show(shape)}, not {_show(shapes[0])}", base)
    return Finding(status=Status.OK, explanation=("shapes agree",), **base)


def _show(shape: tuple[int, ...]) -> str:
    return "×".join(str(n) for n in shape)


def _wrong(st: Statement, k: int, why: str, base: dict[str, Any]) -> Finding:
    """Wrong, on the row of the side ``k`` (a chain may continue over rows)."""
    line = st.lines[k] if k < len(st.lines) else st.line
    return Finding(status=Status.WRONG, explanation=(f"shapes: {why}",), **{**base, "line": line})


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
