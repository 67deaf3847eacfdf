"""The result of verifying a document, as data: findings, statuses, kinds.

A :class:`Finding` holds what was found about one equation: its status and
kind (enums), the right value as a number, the right expression as a SymPy
expression, and an explanation whose numbers and formulas are kept as data
(:class:`Number`, :class:`Formula`, :class:`Expected`).  Nothing here prints
LaTeX or formats a number: :mod:`symbackprop.output.verify_report` does, and
registers itself here (:func:`register_view`), so that this module never
imports ``output``.  The convenience methods (:attr:`Finding.message`,
:meth:`VerifyReport.table`, ...) look the registered presentation up.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from sympy import Expr, Symbol

from ..core.display import Displayable

__all__ = [
    "MISTAKES",
    "Arithmetic",
    "Expected",
    "Finding",
    "Formula",
    "Kind",
    "Mistake",
    "Number",
    "Part",
    "Status",
    "VerifyReport",
    "register_view",
]


class _Word(str, enum.Enum):
    """An enum whose members are their own JSON word (``str(Status.OK) == "ok"``)."""

    def __str__(self) -> str:
        return str(self.value)


class Status(_Word):
    """The verdict on one equation."""

    OK = "ok"
    WRONG = "wrong"
    NOT_CHECKED = "not checked"


class Kind(_Word):
    """What an equation states."""

    DEFINITION = "definition"
    VALUE = "value"
    CLAIM = "claim"
    UPDATE = "update"
    ARITHMETIC = "arithmetic"


class Mistake(_Word):
    """A classic mistake that a wrong line's value is recognised as.

    :data:`MISTAKES` says each in words.
    """

    BCE_WITH_MSE_DERIVATIVE = "bce-with-mse-derivative"
    MISSING_SUM_OVER_PATHS = "missing-sum-over-paths"
    DROPPED_ACTIVATION_DERIVATIVE = "dropped-activation-derivative"
    WRONG_SIGN = "wrong-sign"
    WRONG_EDGE_WEIGHT = "wrong-edge-weight"
    USED_UPDATED_VALUE = "used-updated-value"
    ROUNDING = "rounding"
    ARITHMETIC_SLIP = "arithmetic-slip"
    MISSING_TRANSPOSE = "missing-transpose"
    WRONG_ORDER = "wrong-order"


#: Each mistake in words, as a correction names it.
MISTAKES: dict[Mistake, str] = {
    Mistake.BCE_WITH_MSE_DERIVATIVE: "the derivative of ½(a − y)² used for binary cross-entropy",
    Mistake.MISSING_SUM_OVER_PATHS: "a path is missing from the sum over paths",
    Mistake.DROPPED_ACTIVATION_DERIVATIVE: "the activation's derivative is left out",
    Mistake.WRONG_SIGN: "the sign is wrong",
    Mistake.WRONG_EDGE_WEIGHT: "a weight from another edge is used",
    Mistake.USED_UPDATED_VALUE: "a value from after the update is used before it",
    Mistake.ROUNDING: "the number is truncated or rounded wrongly",
    Mistake.ARITHMETIC_SLIP: "an arithmetic slip",
    Mistake.MISSING_TRANSPOSE: "a transpose is missing (W δ for Wᵀ δ)",
    Mistake.WRONG_ORDER: "the product is in the wrong order (aᵀ δ or a δᵀ for δ aᵀ)",
}


class Arithmetic(_Word):
    """Whether the arithmetic between numeric sides holds as written."""

    HOLDS = "holds"
    WRONG = "wrong"


@dataclass(frozen=True)
class Number:
    """A number to be shown with ``digits`` decimals (see :func:`symbackprop.output.numbers.shown`)."""

    value: Expr
    digits: int


@dataclass(frozen=True)
class Formula:
    """An expression to be printed, as ``\\frac{expr}{denominator}`` when a denominator is given.

    ``names`` holds the document's (and the spec's) spellings of symbols;
    ``in_order`` keeps the factors and terms in the order they were built
    (``δ_{o1} w_5 + δ_{o2} w_7``), as a textbook writes the chain rule.
    """

    expr: Expr
    denominator: Expr | None = None
    names: Mapping[Symbol, str] = field(default_factory=dict, compare=False, repr=False)
    in_order: bool = False


@dataclass(frozen=True)
class Expected:
    """The right answer: an expression, its value, or both (``formula ≈ number``)."""

    formula: Formula | None = None
    number: Number | None = None


#: One piece of an explanation: words (and the document's own text), or data to present.
Part: TypeAlias = str | Number | Formula | Expected


@dataclass(frozen=True)
class Finding:
    """The verdict on one equation (one relation chain) of the document.

    Attributes:
        line: 1-based source line.
        source: The equation as written.
        status: :class:`Status`.
        explanation: Why, as words and data; :attr:`message` is its text.
        correction: The right expression and/or value, when wrong.
        kind: :class:`Kind`.
        arithmetic: :class:`Arithmetic` for the arithmetic as written, or ``None``.
        cause: For a consequence, the line of the error it follows from.
        value: The right value as a float, when known.
        block_end: The line where the math block ends (for annotations).
        subject: The first side as written (what the equation is about).
        cell: In a notebook, the 0-based index of the cell the equation is in.
        cell_line: In a notebook, the 1-based line within that cell.
        checked: How many of its claims were checked (0 for a definition or a given value).
        mistake: The classic mistake the wrong value is recognised as, if any.
        row_of: On a further row of a chain (``&= …``), the line the chain starts at: the row shares
            its verdict, and is not counted again.
    """

    line: int
    source: str
    status: Status
    explanation: tuple[Part, ...]
    correction: Expected | None = None
    kind: Kind = Kind.CLAIM
    arithmetic: Arithmetic | None = None
    cause: int | None = None
    value: float | None = None
    block_end: int = 0
    subject: str = ""
    cell: int | None = None
    cell_line: int | None = None
    checked: int = 0
    mistake: Mistake | None = None
    row_of: int | None = None

    @property
    def verdict(self) -> str:
        """``holds`` (something was checked), ``given`` (a definition or a stated value), ``wrong`` or
        ``not checked``."""
        if self.status is Status.OK:
            return "holds" if self.checked else "given"
        return str(self.status)

    @property
    def message(self) -> str:
        """Why, in one line of text."""
        return str(_view("message")(self))

    @property
    def expected(self) -> str | None:
        """The correction in LaTeX, or ``None``."""
        text = _view("expected")(self)
        return None if text is None else str(text)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (statuses and kinds are :class:`str` enums)."""
        return dict(_view("finding_dict")(self))


@dataclass(frozen=True)
class VerifyReport(Displayable):
    """All findings of one document, in document order."""

    source: str
    findings: tuple[Finding, ...]
    network_from: str
    text: str = field(default="", repr=False)
    format: str = "md"
    strict: bool = False

    @property
    def ok(self) -> bool:
        """True when nothing is wrong ("not checked" is not wrong), and, when ``strict``, nothing is
        left not checked."""
        wrong = any(f.status is Status.WRONG for f in self.findings)
        return not wrong and (self.complete or not self.strict)

    @property
    def first_error(self) -> Finding | None:
        """The first wrong equation that is not a consequence of another."""
        return next((f for f in self.findings if f.status is Status.WRONG and f.cause is None), None)

    @property
    def complete(self) -> bool:
        """True when nothing is wrong and nothing was left unchecked (``--strict``)."""
        return not any(f.status is not Status.OK for f in self.findings)

    @property
    def equations(self) -> tuple[Finding, ...]:
        """One finding per equation (the further rows of a chain left out)."""
        return tuple(f for f in self.findings if f.row_of is None)

    def counts(self) -> dict[Status, int]:
        """How many equations have each status."""
        return {s: sum(1 for f in self.equations if f.status is s) for s in Status}

    def verdicts(self) -> dict[str, int]:
        """How many equations have each verdict: ``holds``, ``given``, ``wrong``, ``not checked``."""
        words = ("holds", "given", "wrong", "not checked")
        return {w: sum(1 for f in self.equations if f.verdict == w) for w in words}

    @property
    def claims_checked(self) -> int:
        """How many claims were checked, over all equations."""
        return sum(f.checked for f in self.equations)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: source, verdict, counts and every finding."""
        return dict(_view("report_dict")(self))

    def to_json(self) -> str:
        return str(_view("json")(self))

    def table(self) -> str:
        """A plain-text table: line, verdict, equation, and the correction."""
        return str(_view("table")(self))

    def annotate(self) -> str:
        """The document with a mark and a correction after each equation's block."""
        return str(_view("annotate")(self))


#: Presentations by name, filled by :mod:`symbackprop.output.verify_report`.
_VIEWS: dict[str, Callable[[Any], Any]] = {}


def register_view(name: str, view: Callable[[Any], Any]) -> None:
    """Register how a report or finding is presented (``"table"``, ``"message"``, ...).

    Output modules call this on import, so that data never imports its presentation.
    """
    _VIEWS[name] = view


def _view(name: str) -> Callable[[Any], Any]:
    try:
        return _VIEWS[name]
    except KeyError:
        msg = f"no {name!r} view is registered; import symbackprop.output.verify_report"
        raise LookupError(msg) from None
