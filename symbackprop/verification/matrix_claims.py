"""Judging matrix-form claims against a matrix network, element by element.

When ``verify`` is given a matrix spec, every relation chain is first offered
here.  Its sides are read by :mod:`symbackprop.notation.latex.matrices`; the
first side (``\\boldsymbol\\delta_1``, ``\\frac{\\partial L}{\\partial W_2}``,
``\\mathbf z_1``, ``W_2^{+}``) names the quantity, whose truth is the matrix
derivation's value at the spec's point (:func:`~symbackprop.core.matrix_derivation.derive_matrix`).
Every other side is given a value from the network's matrices (NumPy, never
``eval``) and compared with it: a side written in numbers (a ``bmatrix`` or a
number) entry by entry, each number standing for ± half a unit of its last
digit (a whole unit under the ``round`` and ``loose`` policies, which accept a
value carried from rounded numbers); a side written in symbols exactly (to
1e-9).  A written entry computed from matrices the page showed before (a
walkthrough rounded by hand) holds, under those policies, when it lies in the
interval propagated from their shown entries, widened by its own last digit
(:mod:`.matrix_carried`).  ``δ_k`` (``\\delta_{z_k}``, ``\\delta^{(k)}``) is ∂L/∂z_k,
as courses write it.

Shape annotations are worked out by :mod:`.matrix_shapes`, and ``δ_z = ∂L/∂z`` of a
generic ``z`` is read as the notation it is.  A side that cannot be read for sure,
or that mixes written numbers with operations, is left out; a chain with nothing
compared is "not checked".  A wrong side is recognised, when it can be, as one of
the classic matrix-form mistakes (:mod:`.matrix_mistakes`).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import sympy
from sympy import Symbol

from ..core.matrix import MatrixNetwork
from ..core.matrix_derivation import MatrixDerivation, derive_matrix
from ..errors import SymbackpropError
from ..notation.latex.matrices import MatrixUnread, Node, read_matrix_side
from .matrix_carried import ShownMatrices, exact_number
from .matrix_mistakes import Target, recognise
from .matrix_operations import OPERATIONS, PAIRS, VECTOR_FUNCTIONS
from .matrix_shapes import is_shape_note, shape_note
from .report import MISTAKES, Expected, Finding, Formula, Kind, Status
from .statements import Statement

__all__ = ["MatrixJudge"]

EXACT = 1e-9


class MatrixJudge:
    """Judges the chains of a document against one matrix network at its point.

    Args:
        network: The matrix network (from a matrix spec, or the document's own: :mod:`.matrix_infer`).
        policy: The digits policy (``round``, ``strict`` or ``loose``).
        own: For the document's own network, ``(line, name) -> "given" | "definition"``: the
            statements that state it (a given is not a claim; a definition's own side is not).
    """

    def __init__(
        self, network: MatrixNetwork, policy: str = "round", own: Mapping[tuple[int, str], str] | None = None
    ) -> None:
        self.network = network
        self.own = dict(own or {})
        self.derivation: MatrixDerivation = derive_matrix(network).at()
        ev = self.derivation.evaluation
        assert ev is not None
        self.evaluation = ev
        self.units = 0.5 if policy == "strict" else 1.0
        self.by_name = {s.name: s for s in network.symbols}
        self.last: tuple[Target | None, Any] | None = None  # the subject of the chain before
        givens = [exact_number(v) for v in _given_values(network)]
        self.shown = ShownMatrices(policy, givens)
        self.routes: list[Any] = []  # interval values of the chain's sides so far
        self.written: tuple[Node, Any] | None = None  # the chain's last written side, and what it carries

    # ------------------------------------------------------------ names

    def symbol(self, key: str) -> Symbol:
        """The network's symbol for a written name; ``δ_k`` is ∂L/∂z_k's subject ``z_k``."""
        if key in self.by_name:
            return self.by_name[key]
        raise MatrixUnread(f"{key} is not a quantity of the network")

    def delta(self, key: str) -> Symbol:
        """``delta_2`` -> ``z_2``; ``delta_z_2`` -> ``z_2``."""
        rest = key[len("delta_") :]
        for candidate in (rest, f"z_{rest}"):
            if candidate in self.by_name and candidate != self.network.loss.name:
                return self.by_name[candidate]
        raise MatrixUnread(f"δ of {rest!r}: no such node")

    def target(self, node: Node) -> Target | None:
        """What a first side names: ``("value" | "adjoint" | "update", symbol)``, or ``None``."""
        if node.op == "grad":
            return ("adjoint", self.symbol(node.args[0]))
        if node.op != "name":
            return None
        key, updated = node.args
        if key.startswith("delta_"):
            return ("adjoint", self.delta(key))
        return ("update" if updated else "value", self.symbol(key))

    def _update(self, target: Target | None, second: str) -> Target | None:
        """``W_2 = W_2 - \\eta …`` (or ``\\leftarrow``) is an update of ``W_2``, as in the scalar judge."""
        if target is None or target[0] != "value" or target[1] not in self.network.parameters:
            return target
        try:
            uses = target[1].name in _names(read_matrix_side(second))
        except MatrixUnread:
            return target
        return ("update", target[1]) if uses else target

    def truth(self, target: Target) -> Any:
        kind, sym = target
        ev = self.evaluation
        table: Mapping[Symbol, Any] = {"value": ev.values, "adjoint": ev.adjoints, "update": ev.updates}[kind]
        if sym not in table:
            raise MatrixUnread(f"no {kind} of {sym.name} at the network's point")
        return table[sym]

    # ------------------------------------------------------------ values

    def value(self, node: Node, shown: bool = False) -> Any:
        """A node's value from the network's matrices (2-D float arrays); with ``shown``, as intervals
        (object arrays) from what the page showed before (:mod:`.matrix_carried`)."""
        import numpy

        op = node.op
        if op in ("num", "lit", "name", "grad", "eta"):
            return self.leaf(node, shown)
        if op == "call":
            name, primes, arg = node.args
            return self.call(name, primes, arg, shown)
        if op == "pair" and not shown:  # CE(p, y): each column against each column
            return PAIRS[node.args[0]](self.value(node.args[1]), self.value(node.args[2]))
        if op == "pair":
            raise MatrixUnread(f"{node.args[0]} of shown numbers")
        if op == "reduce":
            inner = self.value(node.args[1], shown)
            total = inner.sum(axis=1, keepdims=True) if node.args[0] == "rowsum" else inner.sum(keepdims=True)
            return total.reshape(-1, 1) / (inner.size if node.args[0] == "mean" else 1)
        if op == "in":
            return self.value(node.args[0], shown)
        args = [self.value(a, shown) for a in node.args]
        return OPERATIONS[op](*args) if not shown else numpy.asarray(OPERATIONS[op](*args), dtype=object)

    def leaf(self, node: Node, shown: bool) -> Any:
        """A number, a written matrix, a quantity or η: exact, or as the intervals the page showed."""
        import numpy

        op = node.op
        if op in ("name", "grad"):
            target = self.target(node)
            assert target is not None
            truth = self.truth(target)
            return self.shown.of(target, truth) if shown else numpy.asarray(truth, dtype=float)
        if op == "eta":
            if self.evaluation.learning_rate is None:
                raise MatrixUnread("the network has no learning rate")
            rate = self.evaluation.learning_rate
            return self.shown.of(None, rate) if shown else numpy.full((1, 1), rate)
        if op == "num":
            return self.shown.number(node.args[0]) if shown else numpy.full((1, 1), float(node.args[0]))
        if shown:
            return self.shown.literal(node.args)
        return numpy.array([[float(x) for x in row] for row in node.args])

    def call(self, name: str, primes: int, arg: Node, shown: bool = False) -> Any:
        """A library function (or its derivative) applied elementwise, or softmax of each column."""
        from ..core.functions import FUNCTIONS
        from ..core.matrix_values import Evaluator

        if name in VECTOR_FUNCTIONS and not primes and not shown:
            return VECTOR_FUNCTIONS[name](self.value(arg))
        t = sympy.Dummy("t")
        info = FUNCTIONS.get(name)
        if info is None or not info.accepts(1):
            raise MatrixUnread(f"{name} is not a function applied elementwise")
        try:
            expr = info.func(t)
            for _ in range(primes):
                expr = sympy.diff(expr, t)
            if shown:
                return self.shown.apply(expr, t, self.value(arg, shown))
            return Evaluator({t: self.value(arg)})(expr)
        except (SymbackpropError, TypeError, ValueError) as e:
            raise MatrixUnread(f"{name}: {e}") from None

    # ------------------------------------------------------------ judging

    def judge(self, st: Statement, continued: bool = False) -> Finding | None:
        """The finding on one chain, or ``None`` when its first side is not matrix-form quantity.

        ``continued``: the chain goes on from the one before (``&\\approx …`` on a row of its
        own), and is about the same quantity.
        """
        if len(st.sides) < 2 or any(op not in ("=", "≈") for op in st.ops):
            return None
        if is_shape_note(st.sides[0]):  # (2 \times 1) = (2 \times 2) (2 \times 1)
            return shape_note(st)
        if _delta_notation(st, self.by_name):
            said = ("a definition of notation: δ_z is ∂L/∂z, as verify reads it",)
            return Finding(status=Status.OK, explanation=said, kind=Kind.DEFINITION, **_base(st))
        subject = self.last if continued else self.subject(st)
        self.last = subject
        if subject is None:
            return None
        target, truth = subject
        base = _base(st)
        checked, unread = 0, []
        sides = _later_sides(st)
        if not continued:
            self.routes, self.written = [], None
            with contextlib.suppress(MatrixUnread):  # the value shown for it before, restated
                self.routes.append(self.shown.of(target, truth))
            own = self._own(st, target, sides)
            if isinstance(own, Finding):
                return own
            sides = own
        for side, line in sides:
            try:
                verdict = self.side(side, truth, target)
            except MatrixUnread as e:
                unread.append(f"{side.strip()[:40]}: {e}")
                continue
            if verdict is not None:  # reported on the row of its wrong side (``&= …`` in ``align``)
                return Finding(**{**base, "line": line}, **verdict, checked=checked + 1)
            checked += 1
        if checked == 0:
            why = f"not checked: matrix notation: {'; '.join(unread) or 'nothing to compare'}"
            return Finding(status=Status.NOT_CHECKED, explanation=(why,), **base)
        if self.written is not None:
            self.shown.remember(target, *self.written)
        kind = Kind.UPDATE if target is not None and target[0] == "update" else Kind.CLAIM
        return Finding(status=Status.OK, explanation=("holds",), kind=kind, checked=checked, **base)

    def _own(self, st: Statement, target: Target | None, sides: list[tuple[str, int]]) -> Any:
        """For the document's own network: a given's or a bare definition's finding, else the sides to
        judge (a definition's own side is no claim: ``z_1 = W_1 x + b_1 = …``)."""
        key = _own_key(st, target)
        own = self.own.get((st.line, key)) if key is not None else None
        if own is not None and (own == "given" or len(sides) == 1):
            kind = Kind.VALUE if own == "given" else Kind.DEFINITION
            return Finding(status=Status.OK, explanation=(own,), kind=kind, **_base(st))
        if own is None:
            return sides
        return [s for s in sides if s[0] != st.sides[1]] or sides

    def subject(self, st: Statement) -> tuple[Target | None, Any] | None:
        """What the chain is about, and its true value; ``None`` when the first side is no quantity
        of the network (arithmetic, or not read)."""
        try:
            first = read_matrix_side(st.sides[0])
            if not _names(first):
                return None
            target = self._update(self.target(first), st.sides[1])
            return target, (self.truth(target) if target is not None else self.value(first))
        except MatrixUnread:
            return None

    def side(self, text: str, truth: Any, target: Target | None) -> dict[str, Any] | None:
        """``None`` when the side agrees with the truth, else the wrong finding's fields."""
        node = read_matrix_side(text)
        if node.op == "in":  # x \in \mathbb{R}^{2 \times 1}: the shape is a claim too
            node, shape = node.args
            if tuple(truth.shape) != shape:
                size = "×".join(str(n) for n in truth.shape)
                return {
                    "status": Status.WRONG,
                    "explanation": (f"{text.strip()} is wrong: the shape is {size}",),
                }
        written = _written(node)
        if written is None:
            route = self._route(node)
            if _has_numbers(node):
                return self._arithmetic(text, node, route, truth)
        value = self.value(node)
        tolerance = EXACT if written is None else _tolerance(written, self.units, value.shape)
        if _agrees(value, truth, tolerance):
            if written is not None:
                self.written = (node, None)
            return None
        carried = self.shown.holds(node, written, self.routes) if written and self.shown.carries else None
        if carried is not None:  # computed from the numbers the page showed before
            self.written = (node, carried)
            return None
        mistake = None
        if target is not None:
            mistake = recognise(self.derivation, target, lambda v: _agrees(value, v, tolerance))
        why: list[Any] = [f"{text.strip()} is wrong"]
        if mistake is not None:
            why.append(f" ({MISTAKES[mistake]})")
        right = Formula(_matrix(truth))
        why += [": expected ", right]
        one = float(truth.flat[0]) if truth.size == 1 else None
        return {
            "status": Status.WRONG,
            "explanation": tuple(why),
            "correction": Expected(formula=right),
            "mistake": mistake,
            "value": one,
        }

    def _route(self, node: Node) -> Any | None:
        """A side in symbols or in arithmetic on written numbers: its value from what the page showed
        (intervals), which a written side after it may have been computed from; ``None`` if none."""
        try:
            route = self.value(node, shown=True)
        except (MatrixUnread, ArithmeticError, TypeError, ValueError):
            return None
        self.routes.append(route)
        return route

    def _arithmetic(self, text: str, node: Node, route: Any | None, truth: Any) -> dict[str, Any] | None:
        """A side of arithmetic on written numbers (``(\\begin{bmatrix} 0.5547 … \\end{bmatrix} - Y) / 4``):
        ``None`` when the truth lies in the interval it stands for, its numbers as the page showed
        them (a whole unit of their last digit at most, as a shown result is accepted), else wrong."""
        if route is None:
            raise MatrixUnread("arithmetic on written numbers, not in intervals")
        if self.shown.encloses(route, truth):
            return None
        with self.shown.loosely(), contextlib.suppress(MatrixUnread, ArithmeticError, TypeError, ValueError):
            if self.shown.encloses(self.value(node, shown=True), truth):
                return None
        right = Formula(_matrix(truth))
        one = float(truth.flat[0]) if truth.size == 1 else None
        why = (f"{text.strip()} is wrong: as written it is not ", right)
        return {
            "status": Status.WRONG,
            "explanation": why,
            "correction": Expected(formula=right),
            "value": one,
        }


def _given_values(network: MatrixNetwork) -> list[Any]:
    """Every entry of the spec's given values, and its learning rate."""
    import numpy

    out = [v for value in network.values.values() for v in numpy.asarray(value, dtype=object).flat]
    return [*out, *([network.learning_rate] if network.learning_rate is not None else [])]


#: ``\\delta_{z}`` and ``\\partial L / \\partial z`` (or as a ``\\frac``) of a generic ``z``.
_DELTA = re.compile(r"\\delta_\{?([A-Za-z])\}?")
_PARTIAL = re.compile(
    r"\\partial\s*L\s*/\s*\\partial\s*\{?([A-Za-z])\}?|\\frac\{\\partial\s*L\}\{\\partial\s*([A-Za-z])\}"
)


def _delta_notation(st: Statement, names: Mapping[str, Any]) -> bool:
    """``\\delta_{z} = \\partial L / \\partial z`` for a ``z`` that is no quantity of the network: the
    convention by which verify reads ``δ_k`` itself."""
    if len(st.sides) != 2:
        return False
    delta, partial = _DELTA.fullmatch(st.sides[0].strip()), _PARTIAL.fullmatch(st.sides[1].strip())
    if delta is None or partial is None:
        return False
    return delta.group(1) == (partial.group(1) or partial.group(2)) and delta.group(1) not in names


def _own_key(st: Statement, target: Target | None) -> str | None:
    """The name a chain's first side states, as the document's own network keys it (``eta`` for η)."""
    if target is not None:
        return target[1].name if target[0] == "value" else None
    return "eta" if st.sides[0].strip() == r"\eta" else None


def _later_sides(st: Statement) -> list[tuple[str, int]]:
    """Every side after the first, with its line; the middle sides the scalar reader left out
    (``sum(…)``) first."""
    rows = st.lines if len(st.lines) == len(st.sides) else [st.line] * len(st.sides)
    return [*((u, st.line) for u, _ in st.unread), *zip(st.sides[1:], rows[1:])]


def _base(st: Statement) -> dict[str, Any]:
    return {"line": st.line, "source": st.source, "block_end": st.block_end, "subject": st.sides[0].strip()}


def _written(node: Node) -> list[int] | None:
    """Each entry's decimals, for a side written in numbers only (a number or a matrix of numbers
    or its transpose), row by row; ``None`` for any other side."""
    texts: list[str]
    if node.op == "T":  # (0.05, 0.10)^T: a transpose of written numbers is exact
        inner = _written(node.args[0])
        return None if inner is None else _transposed(inner, node.args[0])
    if node.op == "num":
        texts = [node.args[0]]
    elif node.op == "neg" and node.args[0].op == "num":
        texts = [node.args[0].args[0]]
    elif node.op == "lit":
        texts = [x for row in node.args for x in row]
    else:
        return None
    return [-int(Decimal(x).as_tuple().exponent) for x in texts]  # type: ignore[operator]


def _transposed(decimals: list[int], lit: Node) -> list[int]:
    if lit.op != "lit":
        return decimals
    rows, cols = len(lit.args), len(lit.args[0])
    return [decimals[i * cols + j] for j in range(cols) for i in range(rows)]


def _names(node: Node) -> set[str]:
    """The names a side uses: ``{"W_2", "delta_2", "W_1^+"}``; ``∂L/∂x`` and η count too."""
    if node.op == "name":
        return {node.args[0] + ("^+" if node.args[1] else "")}
    if node.op in ("grad", "eta"):
        return {f"{node.op}:{node.args[0] if node.args else ''}"}
    return set().union(*[_names(a) for a in node.args if isinstance(a, Node)])


def _has_numbers(node: Node) -> bool:
    """Whether a side uses a written matrix or a decimal number (not an exact ``1`` or ``2``)."""
    if node.op == "lit" or (node.op == "num" and "." in node.args[0]):
        return True
    return any(isinstance(a, Node) and _has_numbers(a) for a in node.args)


def _tolerance(decimals: list[int], units: float, shape: tuple[int, ...]) -> Any:
    """Each written entry's tolerance: ``units`` of its last digit."""
    import numpy

    return (units * 10.0 ** -numpy.array(decimals, dtype=float)).reshape(shape)


def _agrees(value: Any, truth: Any, tolerance: Any) -> bool:
    import numpy

    value = numpy.asarray(value, dtype=float)
    truth = numpy.asarray(truth, dtype=float)
    if value.shape != truth.shape:
        return False
    slack = tolerance * (1 + 1e-9) + EXACT * numpy.abs(truth)
    return bool((numpy.abs(value - truth) <= slack).all())


def _matrix(array: Any) -> Any:
    """The truth as a SymPy matrix of 6-significant-digit floats (a number if 1×1)."""
    if array.size == 1:
        return sympy.Float(float(array.flat[0]), 6)
    return sympy.Matrix([[sympy.Float(float(v), 6) for v in row] for row in array])
