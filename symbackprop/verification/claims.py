"""What judging a relation chain works with: its subject, its rules, what it remembers, its problems.

:class:`Subject` says what a chain is about, :class:`Rules` against what it is
judged, :class:`Memory` what judging remembers from one statement to the next
(the document's own numbers, and the intervals its results carry), and
:class:`Wrong` one wrong side with the right answer and how to recognise the
classic mistake it makes.  :mod:`.chain` walks a chain with them and
:mod:`.wording` says what was found.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import mpmath.libmp as mlib
import sympy
from mpmath import mp
from sympy import Expr, Float, Rational, Symbol

from ..core.derivation import DPS, Evaluation, Partial
from .oracle import DPS_PREC, Claim, Key
from .report import Arithmetic, Expected, Kind, Mistake, Number, Part
from .rounding import Interval, Rounding, contains
from .statements import Statement, bare, decimals, is_number

__all__ = [
    "EQUALITIES",
    "Memory",
    "Problem",
    "Rules",
    "Subject",
    "Verdict",
    "Wrong",
    "arithmetic_slip",
    "distinct",
    "dps_float",
    "inside",
    "pointwise",
    "same_rounded",
    "scaled",
    "shown_number",
    "why",
    "written",
    "written_out",
]

#: Relations whose sides are judged as equal.
EQUALITIES = ("=", "≈")


@dataclass(frozen=True)
class Subject:
    """What a relation chain is about.

    Attributes:
        key: The quantity its first side names, if any (see :mod:`.oracle`).
        kind: What the chain states.
        start: The first side judged (2 when side 1 is the document's own definition).
        scale: The chain is about ``scale`` times the quantity (``\\delta = -\\partial L/\\partial z``).
        note: Why only part of the chain is judged, for the finding's message.
        arithmetic_only: Only the arithmetic as written is judged (no truth for the first side).
        truth: Its value from the document's own formulas and values, when there is no network.
    """

    key: Key | None
    kind: Kind
    start: int = 1
    scale: Expr = sympy.S.One
    note: str | None = None
    arithmetic_only: bool = False
    truth: Expr | None = None


@dataclass(frozen=True)
class Rules:
    """Against what a chain is judged.

    Attributes:
        spec_mode: Whether the network comes from a spec.
        doc_defs: The document's own definitions, ``name -> (expression, line)``.
    """

    spec_mode: bool
    doc_defs: Mapping[Symbol, tuple[Expr, int]]


@dataclass
class Memory:
    """What judging remembers from one statement to the next.

    Attributes:
        claims: The document's own number for each quantity it stated.
        flagged_defs: Definitions found to disagree with the spec -> their line.
        numbers: Each result the document showed -> the line of the error it carries, or ``None``.
        rounding: The intervals shown numbers stand for, and those results carry.
        last_iv: The interval the last chain ended with (a continuation row starts from it).
        last_exact: Its value with the numbers as written.
        formulas: The latest formula of plain names each name was defined by (``f = 3w^2 + 2w - 1``).
        params: The parameters of those defined as functions (``f(x, y) = x y``: ``x, y``).
        values: The latest value given for each name (``x = 4``), when there is no network.
        no_point: Why there is no point to evaluate names at (which values are missing).
        joined: How the last chain's first result judged the arithmetic of the row before it (a
            continuation row ``= 0.2988`` after ``= 0.2748 + 0.0240``), or ``None`` when it did not.
    """

    rounding: Rounding
    claims: dict[Key, Claim] = field(default_factory=dict)
    flagged_defs: dict[Symbol, int] = field(default_factory=dict)
    numbers: dict[Rational, int | None] = field(default_factory=dict)
    last_iv: Interval | None = None
    last_exact: Float | None = None
    formulas: dict[str, Expr] = field(default_factory=dict)
    params: dict[str, tuple[Symbol, ...]] = field(default_factory=dict)
    values: dict[str, Expr] = field(default_factory=dict)
    no_point: str = "the document gives no point"
    joined: Arithmetic | None = None

    def snapshot(self) -> tuple[Any, ...]:
        """What judging one chain may change (to judge it again elsewhere)."""
        carried = dict(self.rounding.carried)
        return dict(self.claims), dict(self.flagged_defs), dict(self.numbers), self.last_iv, carried

    def restore(self, saved: tuple[Any, ...]) -> None:
        claims, flagged, numbers, self.last_iv, carried = saved
        self.claims, self.flagged_defs, self.numbers = dict(claims), dict(flagged), dict(numbers)
        self.rounding.carried = dict(carried)


class Verdict(enum.Enum):
    """A symbolic side compared with the quantity."""

    HOLDS = "holds"
    POINT_ONLY = "point-only"
    RESTATES = "restates"
    WRONG = "wrong"


class Problem(enum.Enum):
    """What is wrong with a side."""

    INEQUALITY = "inequality"
    IDENTITY = "identity"
    POINT_ONLY = "point-only"
    FORMULA = "formula"
    DISAGREES = "disagrees"
    ARITHMETIC = "arithmetic"
    VALUE = "value"


@dataclass(frozen=True)
class Wrong:
    """One wrong side: what is wrong, the right answer, and how to recognise the mistake.

    ``shows`` tells whether a value is what the side shows (within its rounding),
    at the evaluation ``at``: the classic mistakes are re-judged with it.
    """

    problem: Problem
    text: tuple[Part, ...]
    expected: Expected | None = None
    cause: int | None = None
    value: Float | None = None
    side: int = 0
    shows: Callable[[Expr], bool] | None = None
    at: Evaluation | None = None
    mistake: Mistake | None = None


#: How deep a definition's own names are written out before it is used.
FORMULA_DEPTH = 8


def written_out(f: Expr | None, formulas: Mapping[str, Expr]) -> Expr | None:
    """``f`` with the names the document defined by formulas written out (``None``: too deep)."""
    for _ in range(FORMULA_DEPTH):
        if f is None:
            return None
        inner = {s: formulas[s.name] for s in f.free_symbols if s.name in formulas}
        if not inner:
            return f
        f = f.xreplace(inner)
    return None


def arithmetic_slip(st: Statement, k: int, prev: Float, side: Any) -> tuple[Part, ...]:
    """``arithmetic: <side k-1> is <its value>, not <side k>`` (or, when side k goes on from the
    equation before, ``arithmetic: the equation before gives <its value>, not <side k>``).  When
    only the arithmetic is judged, the side it goes on from is the last side in numbers before it
    (a formula between them is skipped)."""
    j = next((j for j in range(k - 1, -1, -1) if is_number(st.parsed[j])), None)
    before: tuple[Part, ...] = (st.sides[j], " is ") if j is not None else ("the equation before gives ",)
    return ("arithmetic: ", *before, distinct(prev, side), ", not ", st.sides[k])


def distinct(value: Float, side: Any) -> Number:
    """``value`` with as many decimals as the side shows, or more when that would read the same."""
    d = max(decimals(side), 3)
    written = Float(side.exact(), DPS) if bare(side) else None
    while written is not None and d < max(decimals(side), 3) + 6 and same_rounded(value, written, d):
        d += 1
    return Number(value, max(d, 1))


def same_rounded(a: Expr, b: Expr, d: int) -> bool:
    """Whether two values read the same with ``d`` decimals (mpmath: fast for any magnitude, even
    ``e^{e^{e^{e^2}}}``, where SymPy's ``round`` would build its millions of digits)."""
    with mp.workdps(40):
        scale = mp.mpf(10) ** d
        return bool(mp.nint(_mpf(a) * scale) == mp.nint(_mpf(b) * scale))


def _mpf(x: Expr) -> Any:
    return mp.mpf(Float(x, 40)._mpf_)


def shown_number(value: Float, digits: int) -> Number:
    """A right value, shown with at least three decimals."""
    return Number(value, max(digits, 3))


def why(e: Exception) -> str:
    """The reason an :class:`Unknown` (or a missing value) gives."""
    if isinstance(e, KeyError):
        return f"{e.args[0]} has no value in this network" if e.args else "no value in this network"
    return str(e.args[0]) if e.args else type(e).__name__


def pointwise(side: Any) -> bool:
    """A formula that multiplies a derivative by a written number (``∂L/∂a_1 \\cdot 1``): the number is a
    value at this point (ReLU′ = 1 here), so the side is a claim at this point only."""
    if not side.numbers or not side.atoms_of(Partial):  # (most formulas: nothing to walk)
        return False
    numbers = set(side.numbers)
    return any(m.atoms(Partial) and any(f in numbers for f in m.args) for m in side.atoms_of(sympy.Mul))


def inside(iv: Interval) -> Callable[[Expr], bool]:
    """Whether a value lies in ``iv``."""
    return lambda x: contains(iv, x)


def written(side: Any) -> Rational:
    """The number a bare side shows, with its sign (remembered on the side: asked several times)."""
    known = side.__dict__.get("_written")
    if known is None:
        known = side.__dict__["_written"] = Rational(side.exact())
    return known


def scaled(scale: Expr, value: Expr) -> Expr:
    """``scale * value``, without SymPy's multiplication when ``scale`` is one (a quantity judged as
    itself, nearly every chain); a zero Float is still multiplied, as SymPy makes it the Integer 0."""
    if scale is sympy.S.One and (not isinstance(value, Float) or value):
        return value
    return scale * value


def dps_float(value: Expr) -> Float:
    """``Float(value, DPS)``; a fraction's made as SymPy makes it (its nearest binary number at
    :data:`DPS` digits), without the constructor's dispatch (once per shown number)."""
    if isinstance(value, Rational) and not isinstance(value, sympy.Integer):
        return Float._new(
            mlib.from_rational(int(value.p), int(value.q), DPS_PREC, mlib.round_nearest), DPS_PREC, False
        )
    return Float(value, DPS)
