"""Judging one relation chain, side by side, against the oracle.

``∂L/∂w_2 = ∂L/∂a_2 · a_1 = 0.246 · 0.5 ≈ 0.123``: the first side names a
quantity; each further side is either

* **symbolic** (``∂L/∂a_2 · a_1``): it must equal the quantity at the
  document's point *and* at random points -- a formula right at one point
  only is a coincidence;
* **numeric** (``0.246 · 0.5``, ``0.123``): it must equal the quantity within
  the rounding of the numbers shown (a number with k decimals holds within
  half a unit of its last digit, plus the slack propagated from rounded
  numbers it uses), and consecutive numeric sides must agree as written;
* an **inequality** (``<``, ``≥``, ``≠``), checked at the point.

A wrong number that the document's own earlier wrong claims explain is
reported as a consequence of the first of them (``cause``), not as a new error.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sympy import Expr, Float, Rational, Symbol

from ..core.derivation import DPS, Evaluation, Partial
from .oracle import Claim, Key, Oracle, Unknown, close
from .report import Arithmetic, Expected, Finding, Formula, Kind, Number, Part, Status
from .statements import Statement, bare, decimals, is_number

__all__ = ["NOISE", "Chain", "Memory", "Rules", "Subject", "arithmetic_slip"]

#: Smallest difference that is not arithmetic noise.
NOISE = Float("1e-20")

#: Relative difference between a value and the document's own value that still "follows" from it.
FOLLOWS = Float("1e-12")

#: Relations whose sides are judged as equal.
EQUALITIES = ("=", "≈")


@dataclass(frozen=True)
class Subject:
    """What a relation chain is about.

    Attributes:
        key: The quantity its first side names, if any (see :mod:`.oracle`).
        kind: What the chain states.
        start: The first side judged against the quantity (2 when side 1 is a shorthand's meaning).
    """

    key: Key | None
    kind: Kind
    start: int = 1


@dataclass(frozen=True)
class Rules:
    """How numbers are judged, and against what.

    Attributes:
        units: Units of the last shown digit a bare number may be off by.
        inherit: Whether slack from earlier rounded numbers is added.
        spec_mode: Whether the network comes from a spec.
        doc_defs: The document's own definitions, ``name -> (expression, line)``.
    """

    units: Rational
    inherit: bool
    spec_mode: bool
    doc_defs: Mapping[Symbol, tuple[Expr, int]]


@dataclass
class Memory:
    """What judging remembers from one statement to the next.

    Attributes:
        claims: The document's own number for each quantity it stated.
        flagged_defs: Definitions found to disagree with the spec -> their line.
    """

    claims: dict[Key, Claim] = field(default_factory=dict)
    flagged_defs: dict[Symbol, int] = field(default_factory=dict)


class Verdict(enum.Enum):
    """A symbolic side compared with the quantity."""

    HOLDS = "holds"
    POINT_ONLY = "point-only"
    RESTATES = "restates"
    WRONG = "wrong"


class Problem(enum.Enum):
    """What is wrong with a side."""

    INEQUALITY = "inequality"
    POINT_ONLY = "point-only"
    FORMULA = "formula"
    DISAGREES = "disagrees"
    ARITHMETIC = "arithmetic"
    VALUE = "value"


@dataclass(frozen=True)
class _Wrong:
    problem: Problem
    text: tuple[Part, ...]
    expected: Expected | None = None
    cause: int | None = None
    value: Float | None = None


def arithmetic_slip(st: Statement, k: int, prev: Float, side: Any) -> tuple[Part, ...]:
    """``arithmetic: <side k-1> is <its value>, not <side k>``."""
    return (
        "arithmetic: ",
        st.sides[k - 1],
        " is ",
        Number(prev, max(decimals(side), 4)),
        ", not ",
        st.sides[k],
    )


def _shown(value: Float, digits: int) -> Number:
    return Number(value, max(digits, 3))


def _expected(formula: Formula | None, number: Number | None) -> Expected | None:
    return Expected(formula, number) if formula is not None or number is not None else None


def why(e: Exception) -> str:
    """The reason an :class:`Unknown` (or a missing value) gives."""
    if isinstance(e, KeyError):
        return f"{e.args[0]} has no value in this network" if e.args else "no value in this network"
    return str(e.args[0]) if e.args else type(e).__name__


class Chain:
    """The walk along one relation chain; :meth:`judge` gives its finding."""

    def __init__(
        self,
        oracle: Oracle,
        rules: Rules,
        memory: Memory,
        st: Statement,
        subject: Subject,
        base: dict[str, Any],
    ) -> None:
        self.o, self.rules, self.memory = oracle, rules, memory
        self.st, self.subject, self.base = st, subject, base
        self.key, self.kind = subject.key, subject.kind
        self.ev: Evaluation | None = oracle.point
        self.ref = st.parsed[0]
        self.digits = max((n.decimals for p in st.parsed for n in p.numbers.values()), default=3)
        self.ref_true: Float | None = None
        self.problems: list[_Wrong] = []
        self.notes: list[str] = []
        self.arithmetic: Arithmetic | None = None
        self.prev_num: Float | None = None
        self.prev_slack = Float(0, DPS)
        self.last_value: Float | None = None
        self.last_root: int | None = None
        self.wrong_root: int | None = None
        self.any_checked = False

    def judge(self) -> Finding:
        """Judge every side after the first, remember the claim, and say what was found."""
        try:
            self.ref_true = self.ref_value(self.ev) if self.ev is not None else None
        except (Unknown, KeyError) as e:
            return Finding(status=Status.NOT_CHECKED, explanation=(f"not checked: {why(e)}",), **self.base)
        for i in range(self.subject.start, len(self.st.parsed)):
            self.side(i)
        if self.key is not None and self.last_value is not None:
            root = self.last_root if self.problems else None
            self.memory.claims[self.key] = Claim(self.last_value, root)
        return self.wrong() if self.problems else self.holds()

    def ref_value(self, ev: Evaluation) -> Float:
        """The quantity's true value (or the first side's, when it names no quantity)."""
        if self.key is not None:
            return self.o.true_value(self.key, ev)
        return self.o.value(self.ref.expr, ev, self.ref.numbers)

    # ------------------------------------------------------------ one side

    def side(self, i: int) -> None:
        side, op = self.st.parsed[i], self.st.ops[i - 1]
        if op not in EQUALITIES:
            wrong = self.inequality(self.st.parsed[i - 1], side, op)
            if wrong is not None:
                self.problems.append(wrong)
            return
        numeric = any(n.decimals > 0 for n in side.numbers.values()) or is_number(side)
        try:
            found = self.numeric(i, side) if numeric else self.symbolic(i, side)
        except Unknown as e:
            self.notes.append(f"{self.st.sides[i]}: not checked ({why(e)})")
            found = True
        if found and self.problems and self.wrong_root is None:
            self.wrong_root = self.problems[-1].cause or self.st.line

    def inequality(self, a: Any, b: Any, op: str) -> _Wrong | None:
        if self.ev is None:
            return None
        try:
            x = self.o.value(a.expr, self.ev, a.numbers)
            y = self.o.value(b.expr, self.ev, b.numbers)
        except Unknown:
            return None
        holds = {"<": x < y, ">": x > y, "≤": x <= y, "≥": x >= y, "≠": not close(x, y)}.get(op, True)
        if holds:
            return None
        text = (op, " does not hold (", Number(x, 4), " vs ", Number(y, 4), ")")
        return _Wrong(Problem.INEQUALITY, text)

    # ------------------------------------------------------ symbolic sides

    def symbolic(self, i: int, side: Any) -> bool:
        """Judge a formula; always ``False`` (a wrong formula does not start a carried error)."""
        self.any_checked = True
        verdict = self.compare(side)
        key, text = self.key, self.st.sides[i]
        if verdict is Verdict.HOLDS:
            return False
        if verdict is Verdict.POINT_ONLY and (key is None or key[0] == "value"):
            self.notes.append("holds at this point only (not in general)")
        elif verdict is Verdict.POINT_ONLY:  # a derivative formula that is right by coincidence
            parts = (text, " holds at this point only, not in general")
            self.problems.append(_Wrong(Problem.POINT_ONLY, parts, _expected(self.o.expected(key), None)))
        elif verdict is Verdict.RESTATES:
            line = self.rules.doc_defs[self.ref.expr][1]
            self.notes.append(f"restates the document's definition at line {line}, flagged there")
        else:
            self.wrong_formula(text, side)
        return False

    def wrong_formula(self, text: str, side: Any) -> None:
        value = self.ref_true
        shown = None if value is None else _shown(value, self.digits)
        expected = _expected(self.o.expected(self.key), shown)
        defining = self.kind is Kind.DEFINITION and self.rules.spec_mode
        if defining:
            self.problems.append(
                _Wrong(Problem.DISAGREES, ("the definition disagrees with the spec",), expected, None, value)
            )
        else:
            self.problems.append(_Wrong(Problem.FORMULA, (text, " is wrong"), expected, None, value))
        if self.ev is not None and self.last_value is None:
            try:
                self.last_value = self.o.value(side.expr, self.ev, side.numbers)
                self.last_root = self.st.line
            except Unknown:
                pass
        if defining and isinstance(self.ref.expr, Symbol):
            self.memory.flagged_defs[self.ref.expr] = self.st.line

    def compare(self, side: Any) -> Verdict:
        """A formula against the quantity, at the point and at the random points."""
        o, ev = self.o, self.ev
        if ev is not None:
            v = o.value(side.expr, ev, side.numbers)
            if not close(v, self.ref_true):
                return self.restates(v)
        agree = 0
        for r in o.randoms:
            try:
                a = o.value(side.expr, r, side.numbers)
                b = self.ref_value(r)
            except (Unknown, KeyError):
                continue
            if not close(a, b):
                return Verdict.POINT_ONLY if ev is not None else Verdict.WRONG
            agree += 1
        if ev is None and agree == 0:
            raise Unknown("the document gives no point and no random point could be evaluated")
        return Verdict.HOLDS

    def restates(self, v: Float) -> Verdict:
        """A wrong value that restates the document's own definition, already flagged."""
        key, defs = self.key, self.rules.doc_defs
        if not (key and key[0] == "value" and key[1] in self.memory.flagged_defs and key[1] in defs):
            return Verdict.WRONG
        assert self.ev is not None
        try:
            dv = self.o.value(defs[key[1]][0], self.ev, {})
        except Unknown:
            return Verdict.WRONG
        return Verdict.RESTATES if close(v, dv) else Verdict.WRONG

    # ------------------------------------------------------- numeric sides

    def numeric(self, i: int, side: Any) -> bool:
        """Judge a number; ``True`` when it is wrong (and the error may be carried on)."""
        if self.ev is None:
            self.notes.append(f"{self.st.sides[i]}: not checked (the document gives no complete point)")
            return False
        self.any_checked = True
        v, tol = self.measure(i, side)
        self.last_value, self.last_root = v, None
        if self.ref_true is None or abs(v - self.ref_true) <= tol:
            return False
        cause = self.consequence(v, tol)
        if cause is None and self.wrong_root is not None:
            cause = self.wrong_root if self.wrong_root != self.st.line else None
            if self.problems and self.arithmetic is not Arithmetic.WRONG:
                self.last_root = self.st.line
                return False  # the same error carried along the chain
        self.last_root = cause if cause is not None else self.st.line
        self.problems.append(_Wrong(Problem.VALUE, (self.st.sides[i],), None, cause, self.ref_true))
        return True

    def measure(self, i: int, side: Any) -> tuple[Float, Float]:
        """A numeric side's value and tolerance; checks the arithmetic against the previous side."""
        assert self.ev is not None
        o, rules, is_bare = self.o, self.rules, bare(side)
        v = o.value(side.expr, self.ev, side.numbers)
        zero = Float(0, DPS)
        sl = o.slack(side.expr, self.ev, side.numbers) if rules.inherit and not is_bare else zero
        own = Float(rules.units / 10 ** max(decimals(side), 0), DPS) if is_bare else zero
        tol = own + sl + (self.prev_slack if is_bare and rules.inherit else 0) + NOISE
        if self.prev_num is not None and is_number(side):
            if abs(v - self.prev_num) <= (own if is_bare else NOISE) + NOISE:
                self.arithmetic = self.arithmetic or Arithmetic.HOLDS
            else:
                self.arithmetic = Arithmetic.WRONG
                slip = arithmetic_slip(self.st, i, self.prev_num, side)
                self.problems.append(_Wrong(Problem.ARITHMETIC, slip))
        self.prev_num = v if is_number(side) else None
        self.prev_slack = sl if not is_bare else tol
        return v, tol

    def consequence(self, v: Float, tol: Float) -> int | None:
        """The line of an earlier wrong claim that explains the wrong value ``v``, if any.

        The document's own value is only computed when an earlier wrong claim feeds it.
        """
        o, claims = self.o, self.memory.claims
        try:
            if self.key is not None:
                roots = o.roots(self.key, claims)
                dv = o.following(self.key, claims) if roots else None
            else:
                side = self.st.parsed[self.subject.start - 1]
                keys = self.side_keys(side)
                roots = set().union(*(o.roots(k, claims) for k in keys.values()))
                dv = self.following_side(side, keys) if roots else None
        except (Unknown, KeyError):
            return None
        if dv is not None and abs(v - dv) <= tol + abs(dv) * FOLLOWS:
            return min(roots)
        return None

    def side_keys(self, side: Any) -> dict[Any, Key]:
        """The quantities a side uses: its partials and the network's symbols."""
        assert self.ev is not None
        keys: dict[Any, Key] = {}
        for p in side.expr.atoms(Partial):
            k = self.o.key_of(p)
            if k is None:
                raise Unknown("not a quantity of the network")
            keys[p] = k
        for s in side.expr.free_symbols:
            if s not in side.numbers and s in self.ev.values:
                keys[s] = ("value", s)
        return keys

    def following_side(self, side: Any, keys: Mapping[Any, Key]) -> Float:
        """A side evaluated with the document's own earlier values for partials and nodes."""
        assert self.ev is not None
        reps = {atom: self.o.following(k, self.memory.claims) for atom, k in keys.items()}
        return self.o.value(side.expr.xreplace(reps), self.ev, side.numbers)

    # ------------------------------------------------------------ verdict

    def holds(self) -> Finding:
        kind = self.kind
        words = {Kind.DEFINITION: "definition", Kind.VALUE: "value", Kind.UPDATE: "update holds"}
        msg = words.get(kind, "holds")
        if kind is Kind.DEFINITION and self.rules.spec_mode:
            msg = "definition agrees with the spec"
        if self.arithmetic is Arithmetic.HOLDS:
            msg += "; arithmetic as written holds"
        if self.notes:
            msg = "; ".join(self.notes) if msg == "holds" else msg + "; " + "; ".join(self.notes)
        if not self.any_checked and self.subject.start >= len(self.st.parsed):
            msg = "definition" if kind is Kind.DEFINITION else msg
        return Finding(
            status=Status.OK, explanation=(msg,), kind=kind, arithmetic=self.arithmetic, **self.base
        )

    def wrong(self) -> Finding:
        first = self.problems[0]
        expected, value = first.expected, first.value
        if expected is None and value is not None:
            expected = Expected(self.o.expected(self.key), _shown(value, self.digits))
        lhs = self.st.sides[0]
        parts: tuple[Part, ...]
        if first.cause is not None:
            assert value is not None
            line = f" follows from the error at line {first.cause}; the right value is "
            parts = (*first.text, line, _shown(value, self.digits))
        elif first.problem is Problem.ARITHMETIC:
            parts = first.text
        elif expected is not None:
            says = ": the spec has " if first.problem is Problem.DISAGREES else ": expected "
            parts = (*first.text, says, lhs, " = ", expected)
        else:
            parts = (*first.text, " is wrong")
        if self.arithmetic is Arithmetic.HOLDS:
            parts = (*parts, "; arithmetic as written holds")
        return Finding(
            status=Status.WRONG,
            explanation=parts,
            correction=expected,
            kind=self.kind,
            arithmetic=self.arithmetic,
            cause=first.cause,
            value=None if value is None else float(value),
            **self.base,
        )
