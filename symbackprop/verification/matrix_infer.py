"""A matrix-form document's own network: read from its definitions and written matrices, no spec.

Courses write a matrix-form derivation with its setup first: the values in
``bmatrix``/``pmatrix`` (``W_1 = \\begin{bmatrix} 0.15 & 0.2 \\\\ … \\end{bmatrix}``,
``b_2 = 0.6``, ``\\eta = 0.5``), then the definitions (``z_1 = W_1 x + b_1``,
``a_1 = \\sigma(z_1)``, ``L = \\operatorname{mean}(…)``).  This module reads them into the same
:class:`~symbackprop.core.matrix.MatrixNetwork` a matrix spec gives (see
:mod:`symbackprop.notation.matrix_spec`), so that :mod:`.matrix_claims` judges the rest of the
document against it, as ``verify --spec`` does:

* a **given** is a name whose first statement sets it to written numbers (a matrix, a column
  or a number), and that no statement defines;
* a **definition** is a name's first statement whose second side is written in names (and
  integers), read by :mod:`.matrix_terms`; a later one restates it;
* the **roles**: a given whose gradient or update the document writes (``∂L/∂W_1``,
  ``W_1^{+}``, ``W_1 = W_1 - η …``), or named as weights and biases are (``W``, ``b``, ``θ``),
  is a parameter; ``y``, ``Y``, ``t`` and the second argument of a cross-entropy are targets;
  the other givens are inputs;
* the **loss** is ``L`` (or ``E``, ``J``, ``C``) if defined, else the last definition.

It is read only when a given is a written matrix or vector (the document is in matrix form);
when the network cannot be built, the reason is kept and the document is read as before.
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sympy import Expr, Rational, Symbol

from ..core.matrix import MatrixNetwork
from ..core.network import Definition
from ..errors import SymbackpropError, SymbackpropWarning
from ..notation.latex.matrices import MatrixUnread, Node, read_matrix_side
from .matrix_terms import Terms
from .report import Status, VerifyReport
from .statements import Statement

if TYPE_CHECKING:
    from ..core.network import Network
    from .documents import Document
    from .matrix_claims import MatrixJudge

__all__ = ["MAX_OWN_ENTRIES", "MatrixDocument", "document_matrix", "read_matrix_document", "with_reason"]

#: A document with a written matrix: only such documents are read here.
_MATRIX = re.compile(r"\\begin\s*\{[bp]matrix\}")

#: The most entries of defined quantities a document's own network may have (a spec has no limit).
MAX_OWN_ENTRIES = 256

#: Names of a loss, in order of preference.
_LOSSES = ("L", "E", "J", "C")

#: What a side that writes a gradient contains.
_DIFFERENTIALS = (r"\partial", r"\nabla", r"\frac{d", r"{\mathrm{d}", r"{\text{d}", r"{\operatorname{d}")

#: Base letters of targets, and of parameters (weights, biases).
_TARGETS = frozenset({"y", "Y", "t", "T"})
_PARAMETERS = frozenset({"W", "w", "b", "B", "theta"})


@dataclass
class MatrixDocument:
    """What a matrix-form document says of its network.

    Attributes:
        network: The network, or ``None`` when it cannot be built (``why`` says why).
        why: The reason the network cannot be built, or ``None``.
        own: ``(line, name) -> "given" | "definition"``: the statements that state the network.
    """

    network: MatrixNetwork | None = None
    why: str | None = None
    own: dict[tuple[int, str], str] = field(default_factory=dict)


def is_matrix_text(text: str) -> bool:
    """Whether a document writes a matrix (``bmatrix`` or ``pmatrix``)."""
    return _MATRIX.search(text) is not None


def _side(text: str) -> Node | None:
    try:
        node = read_matrix_side(text)
    except MatrixUnread:
        return None
    return node.args[0] if node.op == "in" else node


def _numbers(node: Node) -> Any | None:
    """A side written in numbers (a number, a signed number, a matrix): rows of number texts."""
    if node.op == "num":
        return ((node.args[0],),)
    if node.op == "neg" and node.args[0].op == "num":
        return (("-" + node.args[0].args[0],),)
    if node.op == "lit":
        return node.args
    if node.op == "T" and node.args[0].op == "lit":  # (0.05, 0.10)^\top: a column
        return tuple(zip(*node.args[0].args))
    return None


def _symbolic(node: Node) -> bool:
    """Whether a side is written in names (and integers) only: a definition, not a value."""
    if node.op == "lit" or (node.op == "num" and not node.args[0].isdigit()):
        return False
    if node.op in ("grad", "eta"):
        return False
    return all(_symbolic(a) for a in node.args if isinstance(a, Node))


def _used(node: Node, op: str) -> Iterable[Node]:
    if node.op == op:
        yield node
    for a in node.args:
        if isinstance(a, Node):
            yield from _used(a, op)


@dataclass
class _Reading:
    """The statements' givens, definitions and hints of roles, in the document's order."""

    values: dict[str, Any] = field(default_factory=dict)
    definitions: dict[str, Node] = field(default_factory=dict)
    rate: Expr | None = None
    updated: set[str] = field(default_factory=set)
    targets: set[str] = field(default_factory=set)
    own: dict[tuple[int, str], str] = field(default_factory=dict)
    several: str | None = None  # why the document holds more than one network

    def add(self, st: Statement) -> None:
        """Read one statement: a given, η, a definition, an update, or nothing of these."""
        first, second = _side(st.sides[0]), _side(st.sides[1])
        if first is None or second is None:
            return
        numbers = _numbers(second)
        if first.op == "eta" and numbers is not None and self.rate is None and len(st.sides) == 2:
            self.rate = Rational(numbers[0][0])
            self.own[st.line, "eta"] = "given"
        if first.op == "name":
            self._named(st, first.args, second, numbers)

    def _named(self, st: Statement, first: tuple[str, bool], second: Node, numbers: Any | None) -> None:
        key, updated = first
        if updated or (key in self.values and key in _names(second)):
            self.updated.add(key)
        if updated or key.startswith("delta_") or key in self.definitions:
            return
        if key in self.values and not self._redefined(st, key, second):
            self._again(st, key, numbers)
            return
        if numbers is not None and len(st.sides) == 2:
            self.values[key] = [[float(x) for x in row] for row in numbers]
            self.own[st.line, key] = "given"
        elif _symbolic(second):
            self.definitions[key] = second
            self.own[st.line, key] = "definition"
            self.targets |= {p.args[2].args[0] for p in _used(second, "pair") if p.args[2].op == "name"}

    def _again(self, st: Statement, key: str, numbers: Any | None) -> None:
        """A given stated again: with other numbers, it is a line of another problem."""
        if numbers is None or len(st.sides) != 2 or self.several is not None:
            return
        if [[float(x) for x in row] for row in numbers] != self.values[key]:
            self.several = f"{key} is given two values (lines of two problems)"

    def _redefined(self, st: Statement, key: str, second: Node) -> bool:
        """A value written before its definition: the definition stands (the value is a claim)."""
        if len(st.sides) != 2 or not _symbolic(second) or key in _names(second):
            return False
        del self.values[key]
        self.own = {k: v for k, v in self.own.items() if k[1] != key}
        return True

    def roles(self, gradients: set[str]) -> tuple[list[str], list[str], list[str]]:
        """The givens as inputs, targets and parameters."""
        givens = [k for k in self.values if k not in self.definitions]
        targets = [k for k in givens if k in self.targets or k.split("_")[0] in _TARGETS]
        parameters = [
            k
            for k in givens
            if k not in targets and (k in gradients | self.updated or k.split("_")[0] in _PARAMETERS)
        ]
        inputs = [k for k in givens if k not in targets and k not in parameters]
        return inputs, targets, parameters


def _names(node: Node) -> set[str]:
    return {n.args[0] for n in _used(node, "name")}


def _gradients(statements: list[Statement]) -> set[str]:
    """The names whose gradient a side writes (``∂L/∂W_1``, ``\\nabla_{W_1} L``)."""
    out: set[str] = set()
    for st in statements:
        for side in st.sides:
            if any(mark in side for mark in _DIFFERENTIALS):
                node = _side(side)
                out |= {g.args[0] for g in _used(node, "grad")} if node is not None else set()
    return out


def read_matrix_document(
    statements: list[Statement], text: str, continues: Iterable[int] = ()
) -> MatrixDocument | None:
    """The network a matrix-form document states, or ``None`` when it is not in matrix form.

    Args:
        statements: The document's statements (sides unparsed are enough).
        text: The document's text.
        continues: The statements that continue the row before (``&= …``): they state no given.
    """
    again = set(continues)
    if not is_matrix_text(text):
        return None
    reading = _Reading()
    for i, st in enumerate(statements):
        if len(st.sides) >= 2 and st.ops[0] == "=" and i not in again:
            reading.add(st)
    if not any(len(v) * len(v[0]) > 1 for v in reading.values.values()):
        return None  # no written vector or matrix among the givens
    if reading.several is not None:  # its problems are read one by one, as before
        return MatrixDocument(None, reading.several, reading.own)
    try:
        with warnings.catch_warnings():  # a parameter the loss does not use: the document's own matter
            warnings.simplefilter("ignore", SymbackpropWarning)
            network = _network(reading, _gradients(statements))
    except (MatrixUnread, SymbackpropError, ArithmeticError, ValueError, TypeError, RecursionError) as e:
        return MatrixDocument(None, str(e).rstrip("."), reading.own)
    entries = sum(network.shapes[s][0] * network.shapes[s][1] for s in network.nodes)
    if entries > MAX_OWN_ENTRIES:  # its scalar view is derived too: bounded work on any document
        why = f"its quantities have {entries} entries, more than {MAX_OWN_ENTRIES} to check without a spec"
        return MatrixDocument(None, why, reading.own)
    return MatrixDocument(network, None, reading.own)


def _in_order(definitions: dict[str, Node], known: set[str]) -> list[str]:
    """The defined names, each after the names its definition uses (a loss is often stated first, in
    prose); a name that waits on something never defined comes last, where it is reported."""
    out: list[str] = []
    pending = dict(definitions)
    while pending:
        ready = [k for k, node in pending.items() if _names(node) <= known]
        if not ready:  # the one that waits on a name nobody defines first: its error is the cause
            ready = sorted(pending, key=lambda k: bool(_names(pending[k]) & set(pending)))
        for k in ready:
            out.append(k)
            known.add(k)
            del pending[k]
    return out


def _network(reading: _Reading, gradients: set[str]) -> MatrixNetwork:
    """The network of what was read.

    Raises:
        MatrixUnread, GraphError: It cannot be built (a name never given nor defined, shapes that
            do not fit, no definition).
    """
    import numpy

    if not reading.definitions:
        raise MatrixUnread("the document defines no quantity from its vectors and matrices")
    inputs, targets, parameters = reading.roles(gradients)
    symbols = {k: Symbol(k, real=True) for k in [*reading.values, *reading.definitions]}
    terms = Terms(symbols, {symbols[k]: numpy.array(v).shape for k, v in reading.values.items()})
    definitions = []
    for key in _in_order(reading.definitions, set(reading.values)):
        expr = terms.expr(reading.definitions[key])
        terms.define(symbols[key], expr)
        definitions.append(Definition(symbols[key], expr))
    loss = next((k for k in _LOSSES if k in reading.definitions), None)
    return MatrixNetwork(
        tuple(definitions),
        inputs=tuple(symbols[k] for k in inputs),
        targets=tuple(symbols[k] for k in targets),
        parameters=tuple(symbols[k] for k in parameters),
        values={symbols[k]: v for k, v in reading.values.items()},
        loss=symbols[loss] if loss is not None else None,  # type: ignore[arg-type]
        learning_rate=reading.rate,
    )


def document_matrix(doc: Document, policy: str) -> tuple[Network, MatrixJudge] | str | None:
    """For a matrix-form document without a spec: its network's scalar view and the judge of its
    matrix-form claims, as a matrix spec gives them; the reason when its network cannot be read;
    ``None`` for a document that is not in matrix form."""
    if not is_matrix_text(doc.text):
        return None
    from .matrix_claims import MatrixJudge
    from .sections import rows

    statements, continues = rows(doc)
    read = read_matrix_document(statements, doc.text, continues)
    if read is None:
        return None
    if read.network is None:
        return read.why
    try:
        return read.network.scalar(), MatrixJudge(read.network, policy, read.own)
    except (SymbackpropError, ArithmeticError, ValueError, TypeError, RecursionError) as e:  # e.g. log(-1)
        return f"its network has no value at its point ({str(e).rstrip('.')})"


def with_reason(report: VerifyReport, why: str) -> VerifyReport:
    """The report with each "not checked: matrix notation" finding saying why the document's own
    matrix network could not be read."""
    note = f"; the document's matrix network cannot be read: {why}"
    out = [
        dataclasses.replace(f, explanation=(*f.explanation, note))
        if f.status is Status.NOT_CHECKED and "matrix notation" in f.message
        else f
        for f in report.findings
    ]
    return dataclasses.replace(report, findings=tuple(out))
