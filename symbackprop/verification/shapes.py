"""Shape annotations checked: ``(2 \\times 1) = (2 \\times 2)^{\\top} (2 \\times 1) \\odot (2 \\times 1)``.

A matrix-form derivation annotates a step with the shapes of its terms, as
courses do (issue 15).  Such a line is no claim about values: read as numbers,
``(2 \\times 1)`` would be 2, and the line a false alarm.  It is a claim about
shapes, and is checked as one, with nothing else needed (no network, no point):

* ``(m \\times n)`` is a shape; a number is a scalar;
* writing two terms side by side is the matrix product (``(m × k)(k × n)`` is
  ``(m × n)``; a scalar scales);
* ``^{\\top}`` (``^T``, ``^\\intercal``) transposes; ``^{\\odot 2}`` is elementwise;
* ``+``, ``-``, ``\\odot``, ``\\circ``, ``/`` and ``\\frac`` are elementwise, with
  broadcasting (a dimension of 1 stretches, as in NumPy);
* ``\\operatorname{sum}``, ``mean`` and a loss (``CE``, ``MSE``) give ``(1 × 1)``,
  ``rowsum`` a column, and other functions (``softmax``, ``\\sigma``) keep the shape.

A leading ``\\text{shapes: }`` is the annotation's label.  The line holds when every
side has the shape of the first, and is wrong when a side's terms do not fit
together or give another shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .report import Finding, Kind, Status
from .statements import Statement

__all__ = ["is_shape_annotation", "shape_finding"]

#: A shape label at the start of the first side: ``\\text{shapes: }``.
_LABEL = re.compile(r"\s*\\(?:text|textrm|mathrm)\{\s*shapes?\s*:?\s*\}\s*:?\s*")
#: A shape: ``(2 \\times 1)``.
_SHAPE = r"\(\s*(\d{1,6})\s*\\times\s*(\d{1,6})\s*\)"
_TOKEN = re.compile(
    _SHAPE + r"|(\d+(?:\.\d+)?)|\^\s*(?:\{\s*\\(?:top|intercal)\s*\}|\\(?:top|intercal)|\{\s*T\s*\}|T)"
    r"|\^\s*\{\s*\\odot\s*\d+\s*\}|\\operatorname\{(\w+)\}|\\(sigma|tanh|exp|log)(?![A-Za-z])"
    r"|\\frac|\\left|\\right|\\odot|\\circ|\\cdot|[-+/(){},]|\s+"
)
#: Functions of a whole matrix to one number; to one column; the others act elementwise.
_TO_ONE = frozenset({"sum", "mean", "CE", "MSE", "BCE", "cross_entropy", "mse"})
_TO_COLUMN = frozenset({"rowsum"})

Shape = tuple[int, int] | None  # None: a scalar


class ShapeError(ValueError):
    """The terms of a side do not fit together, or the side is not read as shapes."""


@dataclass
class _Reader:
    """A recursive-descent reading of one side, token by token."""

    toks: list[tuple[str, tuple[str | None, ...]]]
    i: int = 0

    def peek(self) -> str:
        return self.toks[self.i][0] if self.i < len(self.toks) else ""

    def take(self, expected: str | None = None) -> tuple[str, tuple[str | None, ...]]:
        if self.i >= len(self.toks) or (expected is not None and self.toks[self.i][0] != expected):
            raise ShapeError(f"expected {expected or 'a term'}")
        self.i += 1
        return self.toks[self.i - 1]

    def sum(self) -> Shape:
        shape = self.product()
        while self.peek() in ("+", "-"):
            self.take()
            shape = _broadcast(shape, self.product(), "+")
        return shape

    def product(self) -> Shape:
        shape = self.factor()
        while self.peek() not in ("", "+", "-", ")", "}", ",", "right"):
            if self.peek() in (r"\odot", r"\circ", "/"):
                op = self.take()[0]
                shape = _broadcast(shape, self.factor(), op)
            else:
                if self.peek() == r"\cdot":
                    self.take()
                shape = _matmul(shape, self.factor())
        return shape

    def factor(self) -> Shape:
        if self.peek() == "-":
            self.take()
            return self.factor()
        shape = self.atom()
        while self.peek() in ("T", "odot-power"):
            if self.take()[0] == "T":
                shape = None if shape is None else (shape[1], shape[0])
        return shape

    def atom(self) -> Shape:
        kind, groups = self.take()
        if kind == "shape":
            return int(groups[0] or 0), int(groups[1] or 0)
        if kind == "number":
            return None
        if kind in ("(", "left"):
            if kind == "left":
                self.take("(")
            shape = self.sum()
            if self.peek() == "right":
                self.take()
            self.take(")")
            return shape
        if kind == r"\frac":
            num = self.group()
            return _broadcast(num, self.group(), "/")
        if kind == "function":
            return self.function(groups[0] or "")
        raise ShapeError(f"{kind} is not a shape")

    def group(self) -> Shape:
        self.take("{")
        shape = self.sum()
        self.take("}")
        return shape

    def function(self, name: str) -> Shape:
        left = self.peek() == "left"
        if left:
            self.take()
        self.take("(")
        args = [self.sum()]
        while self.peek() == ",":
            self.take()
            args.append(self.sum())
        if self.peek() == "right":
            self.take()
        self.take(")")
        if name in _TO_ONE:
            return (1, 1)
        if name in _TO_COLUMN:
            return None if args[0] is None else (args[0][0], 1)
        return args[0]


def _tokens(text: str) -> list[tuple[str, tuple[str | None, ...]]]:
    out: list[tuple[str, tuple[str | None, ...]]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ShapeError(f"cannot read {text[pos : pos + 12]!r} as shapes")
        pos = m.end()
        tok = m.group(0)
        if tok.isspace():
            continue
        if m.group(1):
            out.append(("shape", (m.group(1), m.group(2))))
        elif m.group(3):
            out.append(("number", ()))
        elif m.group(4) or m.group(5):
            out.append(("function", (m.group(4) or m.group(5),)))
        elif tok.startswith("^"):
            out.append(("odot-power" if "odot" in tok else "T", ()))
        elif tok in (r"\left", r"\right"):
            out.append((tok[1:], ()))
        else:
            out.append((tok, ()))
    return out


def _show(shape: Shape) -> str:
    return "a scalar" if shape is None else f"({shape[0]} × {shape[1]})"


def _matmul(a: Shape, b: Shape) -> Shape:
    if a is None or b is None:
        return b if a is None else a
    if a[1] != b[0]:
        msg = f"{_show(a)} times {_show(b)}: the inner sizes differ"
        raise ShapeError(msg)
    return a[0], b[1]


def _broadcast(a: Shape, b: Shape, op: str) -> Shape:
    if a is None or b is None:
        return b if a is None else a
    dims = []
    for x, y in zip(a, b):
        if x != y and 1 not in (x, y):
            msg = f"{_show(a)} {op} {_show(b)}: the shapes do not match"
            raise ShapeError(msg)
        dims.append(max(x, y))
    return dims[0], dims[1]


def shape_of(text: str) -> Shape:
    """The shape a side written in shapes has.

    Raises:
        ShapeError: Its terms do not fit together, or it is not written in shapes.
    """
    reader = _Reader(_tokens(text))
    shape = reader.sum()
    if reader.i != len(reader.toks):
        raise ShapeError(f"cannot read {reader.peek()} as shapes")
    return shape


def is_shape_annotation(st: Statement) -> bool:
    """Whether a chain is a shape annotation: its first side a shape (``(2 \\times 1) = …``)."""
    if len(st.sides) < 2 or any(op != "=" for op in st.ops):
        return False
    return re.fullmatch(r"\s*" + _SHAPE + r"\s*", _LABEL.sub("", st.sides[0], count=1)) is not None


def shape_finding(st: Statement) -> Finding | None:
    """The finding on a shape annotation (see the module's text), or ``None`` if ``st`` is not one."""
    if not is_shape_annotation(st):
        return None
    base: dict[str, Any] = {
        "line": st.line,
        "source": st.source,
        "block_end": st.block_end,
        "subject": st.sides[0].strip(),
    }
    first = shape_of(_LABEL.sub("", st.sides[0], count=1))
    for k, side in enumerate(st.sides[1:], start=1):
        try:
            shape = shape_of(side)
        except ShapeError as e:
            return _wrong(st, k, str(e), base)
        if shape is not None and shape != first:
            return _wrong(st, k, f"{side.strip()} is {_show(shape)}, not {_show(first)}", base)
    return Finding(status=Status.OK, explanation=("shapes agree",), kind=Kind.CLAIM, checked=1, **base)


def _wrong(st: Statement, k: int, why: str, base: dict[str, Any]) -> Finding:
    lines = st.lines
    line = lines[k] if k < len(lines) else st.line
    return Finding(
        status=Status.WRONG,
        explanation=(f"shapes: {why}",),
        kind=Kind.CLAIM,
        checked=1,
        **{**base, "line": line},
    )
