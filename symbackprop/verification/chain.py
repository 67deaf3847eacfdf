"""Judging one relation chain, side by side, against the oracle.

``∂L/∂w_2 = ∂L/∂a_2 · a_1 = 0.246 · 0.5 ≈ 0.123``: the first side names a
quantity; each further side is either

* **symbolic** (``∂L/∂a_2 · a_1``): it must equal the quantity at the
  document's point *and* at random points -- a formula right at one point
  only is a coincidence;
* **numeric** (``0.246 · 0.5``, ``0.123``): its written numbers stand for
  intervals (:mod:`.rounding`); the arithmetic as written holds when
  consecutive numeric sides meet, and the quantity's true value must lie in
  the interval of the last numeric side of a run, widened by its own last digit;
* an **inequality** (``<``, ``≥``, ``≠``), checked at the point.

Pure arithmetic (``0.4 \\cdot 0.711 - 0.6 \\cdot 0.786 = -0.188``) needs no
network and no point: it is always checked.  A wrong number that the
document's own earlier wrong claims explain is reported as a consequence of
the first of them (``cause``), not as a new error.  A line holds only when at
least one of its claims was checked; one whose claims could all not be
checked is "not checked", with the reason.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sympy
from sympy import Expr, Float, Rational, Symbol

from ..core.derivation import DPS, Evaluation, Partial
from .oracle import Claim, Key, Oracle, Unknown, close
from .mistakes import recognise, rounding
from .report import MISTAKES, Arithmetic, Expected, Finding, Kind, Mistake, Number, Part, Status
from .rounding import Interval, NoInterval, Rounding, contains, hull, middle, overlap, point
from .statements import Statement, bare, decimals, is_number

__all__ = ["Chain", "Memory", "Rules", "Subject", "arithmetic_slip"]

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
    """

    key: Key | None
    kind: Kind
    start: int = 1
    scale: Expr = sympy.S.One
    note: str | None = None
    arithmetic_only: bool = False


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
        no_point: Why there is no point to evaluate names at (which values are missing).
    """

    rounding: Rounding
    claims: dict[Key, Claim] = field(default_factory=dict)
    flagged_defs: dict[Symbol, int] = field(default_factory=dict)
    numbers: dict[Rational, int | None] = field(default_factory=dict)
    last_iv: Interval | None = None
    no_point: str = "the document gives no point"

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
    POINT_ONLY = "point-only"
    FORMULA = "formula"
    DISAGREES = "disagrees"
    ARITHMETIC = "arithmetic"
    VALUE = "value"


@dataclass(frozen=True)
class _Wrong:
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


def arithmetic_slip(st: Statement, k: int, prev: Float, side: Any) -> tuple[Part, ...]:
    """``arithmetic: <side k-1> is <its value>, not <side k>``."""
    return ("arithmetic: ", st.sides[k - 1], " is ", distinct(prev, side), ", not ", st.sides[k])


def distinct(value: Float, side: Any) -> Number:
    """``value`` with as many decimals as the side shows, or more when that would read the same."""
    d = max(decimals(side), 3)
    written = Float(side.exact(), DPS) if bare(side) else None
    while written is not None and d < max(decimals(side), 3) + 6 and round(value, d) == round(written, d):
        d += 1
    return Number(value, max(d, 1))


def _shown(value: Float, digits: int) -> Number:
    return Number(value, max(digits, 3))


def why(e: Exception) -> str:
    """The reason an :class:`Unknown` (or a missing value) gives."""
    if isinstance(e, KeyError):
        return f"{e.args[0]} has no value in this network" if e.args else "no value in this network"
    return str(e.args[0]) if e.args else type(e).__name__


class Chain:
    """The walk along one relation chain; :meth:`judge` gives its finding.

    Args:
        oracle: The truth, or ``None`` when the document defines no network.
        ev: The evaluation the chain is judged at (the document's point, or an updated one).
    """

    def __init__(
        self,
        oracle: Oracle | None,
        ev: Evaluation | None,
        rules: Rules,
        memory: Memory,
        st: Statement,
        subject: Subject,
        base: dict[str, Any],
    ) -> None:
        self.o, self.ev, self.rules, self.memory = oracle, ev, rules, memory
        self.st, self.subject, self.base = st, subject, base
        self.key, self.kind = subject.key, subject.kind
        self.ref = st.parsed[0]
        self.digits = max((n.decimals for p in st.parsed for n in p.numbers.values()), default=3)
        self.ref_true: Float | None = None
        self.problems: list[_Wrong] = []
        self.notes: list[str] = []
        self.arithmetic: Arithmetic | None = None
        self.prev_iv: Interval | None = None
        self.last_value: Float | None = None
        self.last_root: int | None = None
        self.wrong_root: int | None = None
        self.checked = 0
        if subject.note:
            self.notes.append(subject.note)

    def judge(self) -> Finding:
        """Judge every side after the first, remember the claim, and say what was found."""
        if self.ev is None and self.o is not None:
            self.notes.append(self.memory.no_point)
        if self.ev is not None and self.o is not None and self.key is not None:
            try:
                self.ref_true = self.subject.scale * self.o.true_value(self.key, self.ev)
            except (Unknown, KeyError) as e:
                self.notes.append(why(e))
        elif self.key is None and not is_number(self.ref) and not self.subject.arithmetic_only:
            self._ref_checkable()  # ∂a_2/∂w_1, or an expression of the network's quantities
        self.prev_iv = self.memory.last_iv  # a continuation row goes on from the row before
        if is_number(self.ref) and self.subject.start == 1:
            try:  # pure arithmetic: the first side starts the run
                self.prev_iv = self._interval(self.ref)
            except Unknown as e:
                self.notes.append(why(e))
        for i in range(self.subject.start, len(self.st.parsed)):
            self.side(i)
        self.memory.last_iv = None if self.problems else self.prev_iv  # an error stays on its row
        if self.key is not None and self.last_value is not None:
            root = self.last_root if self.problems else None
            self.memory.claims[self.key] = Claim(self.last_value, root)
        if self.problems:
            return self.wrong()
        return self.holds() if self.checked else self.unchecked()

    # ------------------------------------------------------------ one side

    def side(self, i: int) -> None:
        side, op = self.st.parsed[i], self.st.ops[i - 1]
        if op not in EQUALITIES:
            self.prev_iv = None
            wrong = self.inequality(self.st.parsed[i - 1], side, op)
            if wrong is not None:
                self.problems.append(wrong)
            return
        numeric = any(n.decimals > 0 for n in side.numbers.values()) or is_number(side)
        try:
            found = self.numeric(i, side) if numeric else self.symbolic(i, side)
        except Unknown as e:
            self.notes.append(f"{self.st.sides[i]}: not checked ({why(e)})")
            self.prev_iv = None
            found = False
        if found and self.problems and self.wrong_root is None:
            self.wrong_root = self.problems[-1].cause or self.st.line

    def inequality(self, a: Any, b: Any, op: str) -> _Wrong | None:
        try:
            x = self._value(a)
            y = self._value(b)
        except Unknown as e:
            self.notes.append(f"{op}: not checked ({why(e)})")
            return None
        self.checked += 1
        holds = {"<": x < y, ">": x > y, "≤": x <= y, "≥": x >= y, "≠": not close(x, y)}.get(op, True)
        if holds:
            return None
        text = (op, " does not hold (", Number(x, 4), " vs ", Number(y, 4), ")")
        return _Wrong(Problem.INEQUALITY, text)

    def _value(self, side: Any) -> Float:
        """A side's value: its numbers as written, names at the chain's point."""
        if is_number(side):
            return middle(self._interval(side))
        if self.o is None or self.ev is None:
            raise Unknown(self.memory.no_point)
        return self.o.value(side.expr, self.ev, side.numbers)

    # ------------------------------------------------------ symbolic sides

    def symbolic(self, i: int, side: Any) -> bool:
        """Judge a formula; always ``False`` (a wrong formula does not start a carried error)."""
        self.prev_iv = None
        if self.o is None:
            raise Unknown("no network to check it against")
        if self.key is None and self.ref_true is None and not self._ref_checkable():
            raise Unknown("it names no quantity of the network")
        verdict, where = self.compare(side)
        self.checked += 1
        key, text = self.key, self.st.sides[i]
        if verdict is Verdict.HOLDS:
            return False
        if verdict is Verdict.POINT_ONLY and (key is None or key[0] == "value"):
            self.notes.append("holds at this point only (not in general)")
        elif verdict is Verdict.POINT_ONLY:  # a derivative formula that is right by coincidence
            parts = (text, " holds at this point only, not in general")
            expected = self._expected(None)
            shows = self._shows_formula(side, where)
            self.problems.append(_Wrong(Problem.POINT_ONLY, parts, expected, side=i, shows=shows, at=where))
        elif verdict is Verdict.RESTATES:
            line = self.rules.doc_defs[self.ref.expr][1]
            self.notes.append(f"restates the document's definition at line {line}, flagged there")
        else:
            self.wrong_formula(i, side)
        return False

    def _ref_checkable(self) -> bool:
        """Whether the first side can be evaluated (an expression of the network's quantities)."""
        if self.ev is None or self.o is None:
            return False
        try:
            self.ref_true = self.o.value(self.ref.expr, self.ev, self.ref.numbers)
        except Unknown:
            return False
        return True

    def _expected(self, value: Float | None) -> Expected | None:
        assert self.o is not None
        formula = self._formula()
        number = None if value is None else _shown(value, self.digits)
        return Expected(formula, number) if formula is not None or number is not None else None

    def wrong_formula(self, i: int, side: Any) -> None:
        assert self.o is not None
        value = self.ref_true
        expected = self._expected(value)
        defining = self.kind is Kind.DEFINITION and self.rules.spec_mode
        text = self.st.sides[i]
        if defining:
            what: tuple[Part, ...] = ("the definition disagrees with the spec",)
            self.problems.append(_Wrong(Problem.DISAGREES, what, expected, None, value, i))
        else:
            shows = self._shows_formula(side, self.ev)
            self.problems.append(_Wrong(Problem.FORMULA, (text,), expected, None, value, i, shows, self.ev))
        if self.ev is not None and self.last_value is None:
            try:
                self.last_value = self.o.value(side.expr, self.ev, side.numbers)
                self.last_root = self.st.line
            except Unknown:
                pass
        if defining and isinstance(self.ref.expr, Symbol):
            self.memory.flagged_defs[self.ref.expr] = self.st.line

    def _shows_formula(self, side: Any, ev: Evaluation | None) -> Callable[[Expr], bool] | None:
        """Whether a value is what a formula gives at ``ev``."""
        if ev is None or self.o is None:
            return None
        try:
            v = self.o.value(side.expr, ev, side.numbers)
        except Unknown:
            return None
        return lambda x: close(x, v)

    def compare(self, side: Any) -> tuple[Verdict, Evaluation | None]:
        """A formula against the quantity, at the point and at the random points (and where it fails)."""
        o, ev = self.o, self.ev
        assert o is not None
        if ev is not None and self.ref_true is None:
            raise Unknown(self.notes[0] if self.notes else "the quantity has no value here")
        if ev is not None:
            v = o.value(side.expr, ev, side.numbers)
            if not close(v, self.ref_true):
                return self.restates(v), ev
        agree = 0
        for r in () if _pointwise(side) and ev is not None else o.randoms:
            try:
                a = o.value(side.expr, r, side.numbers)
                b = self.ref_at(r)
            except (Unknown, KeyError):
                continue
            if not close(a, b):
                return (Verdict.POINT_ONLY if ev is not None else Verdict.WRONG), r
            agree += 1
        if ev is None and agree == 0:
            raise Unknown(f"{self.memory.no_point}, and no random point could be evaluated")
        return Verdict.HOLDS, None

    def ref_at(self, ev: Evaluation) -> Float:
        """The quantity's value in another evaluation."""
        assert self.o is not None
        if self.key is not None:
            return self.subject.scale * self.o.true_value(self.key, ev)
        return self.o.value(self.ref.expr, ev, self.ref.numbers)

    def restates(self, v: Float) -> Verdict:
        """A wrong value that restates the document's own definition, already flagged."""
        key, defs = self.key, self.rules.doc_defs
        if not (key and key[0] == "value" and key[1] in self.memory.flagged_defs and key[1] in defs):
            return Verdict.WRONG
        assert self.ev is not None and self.o is not None
        try:
            dv = self.o.value(defs[key[1]][0], self.ev, {})
        except Unknown:
            return Verdict.WRONG
        return Verdict.RESTATES if close(v, dv) else Verdict.WRONG

    # ------------------------------------------------------- numeric sides

    def _interval(self, side: Any) -> Interval:
        """A side's interval: its written numbers as intervals, names at the chain's point."""
        expr = side.expr
        if not is_number(side):
            if self.o is None or self.ev is None:
                raise Unknown(self.memory.no_point)
            expr = self.o.resolve(expr, self.ev, side.numbers)
        try:
            return self.memory.rounding.interval(expr, side.numbers, result=bare(side))
        except NoInterval as e:
            raise Unknown(f"not a finite real number ({e})") from None

    def _last_of_run(self, i: int) -> bool:
        """Whether side ``i`` ends its run of numeric sides (the truth is judged there)."""
        if i + 1 >= len(self.st.parsed) or self.st.ops[i] not in EQUALITIES:
            return True
        nxt = self.st.parsed[i + 1]
        return not (any(n.decimals > 0 for n in nxt.numbers.values()) or is_number(nxt))

    def numeric(self, i: int, side: Any) -> bool:
        """Judge a number; ``True`` when it is wrong (and the error may be carried on)."""
        rounding = self.memory.rounding
        own = self._interval(side)
        is_bare, d = bare(side), decimals(side)
        eff, computed = own, None
        if self.prev_iv is not None:
            self.checked += 1
            prev = self.prev_iv
            meets = contains(rounding.widen(prev, d), _written(side)) if is_bare else overlap(own, prev)
            if meets:
                self.arithmetic = self.arithmetic or Arithmetic.HOLDS
                if is_bare and rounding.policy.carry:  # the truth may be anywhere the arithmetic allows
                    eff, computed = rounding.widen(prev, d), prev
            else:
                self.arithmetic = Arithmetic.WRONG
                slip = arithmetic_slip(self.st, i, middle(prev), side)
                self.problems.append(_Wrong(Problem.ARITHMETIC, slip, value=middle(prev), side=i))
        self.prev_iv = eff
        self.last_value, self.last_root = middle(eff) if not is_bare else Float(_written(side), DPS), None
        if self.ref_true is None or not self._last_of_run(i):
            self._remember(side, None, computed)
            return False
        self.checked += 1
        if contains(eff, self.ref_true):
            self._remember(side, None, computed if computed is not None else point(self.ref_true))
            return False
        cause = self.consequence(side, eff)
        if cause is None and self.wrong_root is not None:
            cause = self.wrong_root if self.wrong_root != self.st.line else None
            if self.problems and self.arithmetic is not Arithmetic.WRONG:
                self.last_root = self.st.line
                self._remember(side, self.st.line, computed)
                return False  # the same error carried along the chain
        self.last_root = cause if cause is not None else self.st.line
        self._remember(side, self.last_root, computed)
        shows = _inside(eff)
        self.problems.append(
            _Wrong(Problem.VALUE, (self.st.sides[i],), None, cause, self.ref_true, i, shows, self.ev)
        )
        return True

    def _remember(self, side: Any, root: int | None, computed: Interval | None) -> None:
        """Remember a shown result: the error it carries, and the interval it stands for later.

        A result carries the hull of what it was computed from (or its true
        value, when it holds) and the number as written: a later line may
        compute with either.
        """
        if not bare(side):
            return
        written = _written(side)
        self.memory.numbers[abs(written)] = root
        if computed is not None:
            self.memory.rounding.carry(written, hull(computed, written))

    def consequence(self, side: Any, eff: Interval) -> int | None:
        """The line of an earlier wrong claim that explains the wrong value, if any.

        Numbers written on the side that an earlier wrong line showed explain it
        when its arithmetic holds; otherwise the document's own value is computed
        from its earlier claims (only when an earlier wrong claim feeds it).
        """
        carried = [self.memory.numbers.get(abs(n.value)) for n in side.numbers.values() if n.decimals > 0]
        roots = [r for r in carried if r is not None]
        if roots and not bare(side) and self.arithmetic is not Arithmetic.WRONG:
            return min(roots)
        o, claims = self.o, self.memory.claims
        if o is None or o.point is None:
            return min(roots) if roots else None
        try:
            if self.key is not None:
                key_roots = o.roots(self.key, claims)
                dv = self.subject.scale * o.following(self.key, claims) if key_roots else None
            else:
                ref = self.st.parsed[self.subject.start - 1]
                keys = self.side_keys(ref)
                key_roots = set().union(*(o.roots(k, claims) for k in keys.values()))
                dv = self.following_side(ref, keys) if key_roots else None
        except (Unknown, KeyError):
            return min(roots) if roots else None
        if dv is not None and contains(eff, dv):
            return min(key_roots)
        return min(roots) if roots and self.arithmetic is not Arithmetic.WRONG else None

    def side_keys(self, side: Any) -> dict[Any, Key]:
        """The quantities a side uses: its partials and the network's symbols."""
        assert self.ev is not None and self.o is not None
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
        assert self.ev is not None and self.o is not None
        reps = {atom: self.o.following(k, self.memory.claims) for atom, k in keys.items()}
        return self.o.value(side.expr.xreplace(reps), self.ev, side.numbers)

    # ------------------------------------------------------------ verdict

    def holds(self) -> Finding:
        kind = self.kind
        words = {Kind.UPDATE: "update holds", Kind.VALUE: "value holds"}
        msg = words.get(kind, "holds")
        if kind is Kind.DEFINITION and self.rules.spec_mode:
            msg = "definition agrees with the spec"
        if self.arithmetic is Arithmetic.HOLDS:
            msg += "; arithmetic as written holds"
        if self.notes:
            msg += "; " + "; ".join(dict.fromkeys(self.notes))
        return Finding(
            status=Status.OK,
            explanation=(msg,),
            kind=kind,
            arithmetic=self.arithmetic,
            checked=self.checked,
            **self.base,
        )

    def unchecked(self) -> Finding:
        """No claim of the chain could be checked: say why."""
        reasons = "; ".join(dict.fromkeys(self.notes)) or "nothing on it could be checked"
        return Finding(
            status=Status.NOT_CHECKED, explanation=(f"not checked: {reasons}",), kind=self.kind, **self.base
        )

    def wrong(self) -> Finding:
        first = self.problems[0]
        expected, value = first.expected, first.value
        if first.problem is Problem.ARITHMETIC:
            value = self.ref_true  # the slip's own right result is in the message
        elif expected is None and value is not None and self.o is not None:
            expected = Expected(self._formula(), self._number(value, first))
        expected = self._consistent(expected, first)
        mistake = self._mistake(first)
        parts = self._explain(first, expected, mistake)
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
            checked=self.checked,
            mistake=mistake,
            **self.base,
        )

    def _formula(self) -> Any:
        assert self.o is not None
        formula = self.o.expected(self.key, self._known())
        scale = self.subject.scale
        if formula is None or scale == 1:
            return formula
        return dataclasses.replace(formula, expr=sympy.Mul(scale, formula.expr, evaluate=False))

    def _known(self) -> set[Symbol]:
        """Nodes whose ∂L/∂node the document has already stated or uses here (corrections stop there)."""
        known = {k[1] for k in self.memory.claims if k[0] == "adjoint"}
        if self.o is not None:
            loss = self.o.network.loss
            for p in self.st.parsed:
                known |= {d.wrt for d in p.expr.atoms(Partial) if d.of == loss}
            known |= {m.wrt for m in self.o.aliases.values() if isinstance(m, Partial) and m.of == loss}
        if self.key is not None and self.key[0] == "adjoint":
            known.discard(self.key[1])
        return known

    def _number(self, value: Float, first: _Wrong) -> Number:
        """The right value, with enough digits to differ from what the side shows."""
        side = self.st.parsed[first.side] if first.side else None
        if side is not None and bare(side):
            return distinct(value, side)
        return _shown(value, self.digits)

    def _consistent(self, expected: Expected | None, first: _Wrong) -> Expected | None:
        """No correction that reads like the line itself: a right number is not offered as the fix."""
        if expected is None or expected.number is None or first.problem is Problem.VALUE:
            return expected
        shown = round(expected.number.value, expected.number.digits)
        for p in self.st.parsed:
            if bare(p) and round(Float(p.exact(), DPS), expected.number.digits) == shown:
                return Expected(expected.formula, None) if expected.formula is not None else None
        return expected

    def _mistake(self, first: _Wrong) -> Mistake | None:
        """The classic mistake the wrong side reproduces, if any."""
        if first.cause is not None:
            return None
        side = self.st.parsed[first.side] if first.side else None
        if first.problem is Problem.ARITHMETIC:
            slip = side is not None and bare(side) and first.value is not None
            if slip and rounding(first.value, _written(side), decimals(side)):
                return Mistake.ROUNDING
            return Mistake.ARITHMETIC_SLIP
        if first.problem is Problem.VALUE and side is not None and bare(side) and first.value is not None:
            if rounding(first.value, _written(side), decimals(side)):
                return Mistake.ROUNDING
        if first.shows is None or first.at is None or self.o is None:
            return None
        try:
            shows, scale = first.shows, self.subject.scale
            return recognise(self.o, first.at, self.key, lambda v: shows(scale * v))
        except (Unknown, KeyError):
            return None

    def _explain(self, first: _Wrong, expected: Expected | None, mistake: Mistake | None) -> tuple[Part, ...]:
        lhs = self.st.sides[0]
        if first.cause is not None:
            assert first.value is not None
            line = f" follows from the error at line {first.cause}; the right value is "
            return (*first.text, line, _shown(first.value, self.digits))
        if first.problem in (Problem.ARITHMETIC, Problem.INEQUALITY):
            return first.text
        if first.problem is Problem.DISAGREES:
            return (*first.text, ": the spec has ", lhs, " = ", *(() if expected is None else (expected,)))
        named = f" ({MISTAKES[mistake]})" if mistake is not None else ""
        verb = "" if first.problem is Problem.POINT_ONLY else " is wrong"
        if expected is not None:
            return (*first.text, verb, named, ": expected ", lhs, " = ", expected)
        return (*first.text, verb or " is wrong", named)


def _pointwise(side: Any) -> bool:
    """A formula that multiplies a derivative by a written number (``∂L/∂a_1 \\cdot 1``): the number is a
    value at this point (ReLU′ = 1 here), so the side is a claim at this point only."""
    numbers = set(side.numbers)
    for m in side.expr.atoms(sympy.Mul):
        if m.atoms(Partial) and any(f in numbers for f in m.args):
            return True
    return False


def _inside(iv: Interval) -> Callable[[Expr], bool]:
    return lambda x: contains(iv, x)


def _written(side: Any) -> Rational:
    """The number a bare side shows, with its sign."""
    return Rational(side.exact())
