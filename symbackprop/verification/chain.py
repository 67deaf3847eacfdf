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

from collections.abc import Callable, Mapping
from typing import Any

import sympy
from sympy import Expr, Float, Rational, Symbol

from ..core.derivation import DPS, Evaluation, Partial
from ..errors import SymbackpropError
from ..notation.latex.parsed import AtPoint
from . import wording
from .carried import follows_shown
from .claims import (
    EQUALITIES,
    Memory,
    Problem,
    Rules,
    Subject,
    Verdict,
    Wrong,
    arithmetic_slip,
    dps_float,
    inside,
    pointwise,
    scaled,
    shown_number,
    why,
    written,
    written_out,
)
from .oracle import Claim, Key, Oracle, Unknown, close
from .report import Arithmetic, Expected, Finding, Kind, Number, Part
from .rounding import (
    PRECISE_DIGITS,
    Interval,
    NoInterval,
    contains,
    fresh_point,
    hi,
    hull,
    lo,
    middle,
    overlap,
)
from .statements import Statement, bare, decimals, is_number

__all__ = ["Chain", "plain"]

#: Points at which two formulas of a chain are compared when there is no network.
IDENTITY_POINTS = 3


#: A result with this many times less rounding than its operands' is taken as computed from them
#: as written (see :meth:`Chain._as_written`).
PRECISE = 100


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
        self.problems: list[Wrong] = []
        self.notes: list[str] = []
        self.arithmetic: Arithmetic | None = None
        self.prev_iv: Interval | None = None
        self.prev_exact: Float | None = None  # the value of the side before, its numbers as written
        self.last_value: Float | None = None
        self.last_root: int | None = None
        self.wrong_root: int | None = None
        self.checked = 0
        self.randoms: list[Evaluation] = oracle.randoms if oracle is not None else []
        if oracle is not None and isinstance(self.ref.expr, AtPoint):  # every side at the bar's point
            self.ev, self.randoms, bad = oracle.at_the_bar(self.ref.expr, ev)
            self.notes.extend([bad] if bad else [])
        if subject.note:
            self.notes.append(subject.note)

    def judge(self) -> Finding:
        """Judge every side after the first, remember the claim, and say what was found."""
        self._truth()
        self.prev_iv = self.memory.last_iv  # a continuation row goes on from the row before
        self.memory.joined = None
        self.prev_exact = self.memory.last_exact
        if is_number(self.ref) and self.subject.start == 1:
            try:  # pure arithmetic: the first side starts the run
                self.prev_iv = self._interval(self.ref)
                self.prev_exact = self._exact(self.ref)
            except Unknown as e:
                self.notes.append(why(e))
        for i in range(self.subject.start, len(self.st.parsed)):
            self.side(i)
        self.memory.last_iv = None if self.problems else self.prev_iv  # an error stays on its row
        self.memory.last_exact = None if self.problems or self.prev_iv is None else self.prev_exact
        if self.key is not None and self.last_value is not None:
            root = self.last_root if self.problems else None
            self.memory.claims[self.key] = Claim(self.last_value, root)
        if self.problems:
            return wording.wrong(self)
        return wording.holds(self) if self.checked else wording.unchecked(self)

    def _truth(self) -> None:
        """The true value of what the chain is about, when there is one."""
        if self.ev is None and self.o is not None:
            if self._constant():
                return
            self.notes.append(self.memory.no_point)
        if self.ev is not None and self.o is not None and self.key is not None:
            try:
                self.ref_true = scaled(self.subject.scale, self.o.true_value(self.key, self.ev))
            except (Unknown, KeyError) as e:
                self.notes.append(why(e))
        elif self.subject.truth is not None:  # no network: from the document's own formulas and values
            self.ref_true = Float(self.subject.truth, DPS)
        elif self.key is None and not is_number(self.ref) and not self.subject.arithmetic_only:
            self._ref_checkable()  # ∂a_2/∂w_1, or an expression of the network's quantities

    def _constant(self) -> bool:
        """With no point, a derivative that is the same everywhere (``∂(x + y)/∂x = 1``) has its
        true value all the same."""
        assert self.o is not None
        if self.key is None or self.key[0] not in ("local", "adjoint"):
            return False
        try:
            value = self.o.constant(self.key)
        except (KeyError, SymbackpropError):
            return False
        if value is None:
            return False
        self.ref_true = Float(self.subject.scale * value, DPS)
        return True

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
        # only the arithmetic is judged: a side that cannot be (a formula, the subject's note says why)
        # is skipped, and the numbers on either side of it, claimed equal all the same, are compared
        skip = self.subject.arithmetic_only and self.o is None
        if not numeric and skip:
            return
        before = self.prev_iv, self.prev_exact
        try:
            found = self.numeric(i, side) if numeric else self.symbolic(i, side)
        except Unknown as e:
            self.notes.append(f"{self.st.sides[i]}: not checked ({why(e)})")
            self.prev_iv, self.prev_exact = before if skip else (None, self.prev_exact)
            found = False
        if found and self.problems and self.wrong_root is None:
            self.wrong_root = self.problems[-1].cause or self.st.line

    def inequality(self, a: Any, b: Any, op: str) -> Wrong | None:
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
        return Wrong(Problem.INEQUALITY, text)

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
            self._identity(i, side)
            return False
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
            self.problems.append(Wrong(Problem.POINT_ONLY, parts, expected, side=i, shows=shows, at=where))
        elif verdict is Verdict.RESTATES:
            line = self.rules.doc_defs[self.ref.expr][1]
            self.notes.append(f"restates the document's definition at line {line}, flagged there")
        else:
            self.wrong_formula(i, side)
        return False

    def _identity(self, i: int, side: Any) -> None:
        """With no network, a formula equals the formula before it (``2(5-2w)(-2) = -4(5-2w)``)
        as an identity in its names: both are compared at :data:`IDENTITY_POINTS`."""
        before = self.st.parsed[i - 1] if i >= 1 else None
        if before is None or isinstance(before.expr, Symbol) or not plain(side):  # a name: defined here
            raise Unknown("no network to check it against")
        a = self._formula_of(before)
        a, b = written_out(a, self.memory.formulas), written_out(side.exact(), self.memory.formulas)
        if a is None or b is None:
            raise Unknown("no network to check it against")
        names = sorted(a.free_symbols | b.free_symbols, key=lambda s: s.name)
        agree = 0
        for k in range(IDENTITY_POINTS):
            at = {s: Rational(13 + 7 * j + 5 * k, 10 + k) for j, s in enumerate(names)}
            x, y = (Float(e.xreplace(at).evalf(DPS), DPS) for e in (a, b))
            if not (x.is_real and y.is_real and x.is_finite and y.is_finite):
                continue
            if not close(x, y):
                text = (self.st.sides[i], " is not ", self.st.sides[i - 1], " (they differ at ")
                where = ", ".join(f"{s.name} = {v}" for s, v in at.items())
                self.checked += 1
                self.problems.append(Wrong(Problem.IDENTITY, (*text, where, ")"), side=i))
                return
            agree += 1
        if not agree:
            raise Unknown("no point to compare the two formulas at")
        self.checked += 1

    def _formula_of(self, side: Any) -> Expr | None:
        """A side as a formula of plain names: itself, or the derivative of a name the document
        has just defined by such a formula (``df/dw`` after ``f = (5 - 2w)^2``), else ``None``."""
        if plain(side):
            return side.exact()
        p = side.expr
        if not isinstance(p, Partial) or p.of.name not in self.memory.formulas:
            return None
        f = written_out(self.memory.formulas[p.of.name], self.memory.formulas)
        return None if f is None else sympy.diff(f, p.wrt)

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
        formula = wording.formula(self)
        number = None if value is None else shown_number(value, self.digits)
        return Expected(formula, number) if formula is not None or number is not None else None

    def wrong_formula(self, i: int, side: Any) -> None:
        assert self.o is not None
        value = self.ref_true
        expected = self._expected(value)
        defining = self.kind is Kind.DEFINITION and self.rules.spec_mode
        text = self.st.sides[i]
        if defining:
            what: tuple[Part, ...] = ("the definition disagrees with the spec",)
            self.problems.append(Wrong(Problem.DISAGREES, what, expected, None, value, i))
        else:
            shows = self._shows_formula(side, self.ev)
            self.problems.append(Wrong(Problem.FORMULA, (text,), expected, None, value, i, shows, self.ev))
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
        for r in () if pointwise(side) and ev is not None else self.randoms:
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
            return scaled(self.subject.scale, self.o.true_value(self.key, ev))
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

    def _arithmetic(self, i: int, side: Any, own: Interval) -> tuple[Interval, Interval | None]:
        """Judge side ``i`` as the result of the one before: the interval the truth is judged in,
        and the interval it carries (or ``None``: its own rounding)."""
        rounding, prev, d = self.memory.rounding, self.prev_iv, decimals(side)
        assert prev is not None
        self.checked += 1
        is_bare = bare(side)
        meets = contains(rounding.widen(prev, d), written(side)) if is_bare else overlap(own, prev)
        tight = self._with_short_operands_exact(i, d) if meets and is_bare else None
        if tight is not None and not contains(rounding.widen(tight, d), written(side)):
            meets = False  # computed with its short operands as exact, and not what they give
        if meets:
            self.arithmetic = self.arithmetic or Arithmetic.HOLDS
            if is_bare and rounding.policy.carry:  # the truth may be anywhere the arithmetic allows
                if self.ref_true is None and self._as_written(side, prev):
                    return rounding.widen(prev, d), None  # no truth to say otherwise: its own rounding
                return rounding.widen(prev, d), prev if tight is None else tight
            return own, None
        self.arithmetic = Arithmetic.WRONG
        if self._wrong_before(i, own, prev):
            before = (self.st.sides[i - 1],)
            self.problems.append(
                Wrong(Problem.VALUE, before, None, None, self.ref_true, i - 1, inside(prev), self.ev)
            )
        else:
            slip = arithmetic_slip(self.st, i, middle(prev), side)
            self.problems.append(Wrong(Problem.ARITHMETIC, slip, value=middle(prev), side=i))
        return own, None

    def _with_short_operands_exact(self, i: int, d: int) -> Interval | None:
        """The side before with its short operands exact, when a result shown with ``d`` decimals has
        far more digits than they (``0.40 - 0.5 * 0.0821671041 = 0.35891648``: 0.40 is a weight, and
        0.3589164480 is what it gives; see :data:`~.rounding.PRECISE_DIGITS`); else ``None``."""
        before = self.st.parsed[i - 1] if i >= 1 else None
        if before is None or bare(before) or not is_number(before):
            return None
        upto = d - PRECISE_DIGITS
        if not any(0 < n.decimals <= upto for n in before.numbers.values()):
            return None
        try:
            return self.memory.rounding.interval(before.expr, before.numbers, exact_upto=upto)
        except NoInterval:
            return None

    def _as_written(self, side: Any, prev: Interval) -> bool:
        """Whether a result shows far more digits than its operands' rounding allows, and is what
        they give as written (``-2.53 + 0.0299865 + 0.09999924 = -2.40001426``): its author computed
        with them as exact numbers, so it stands for its own rounding, not for their intervals."""
        if self.prev_exact is None:
            return False
        half = self.memory.rounding.half(decimals(side))
        if half * PRECISE > (hi(prev) - lo(prev)) / 2:
            return False
        return bool(abs(self.prev_exact - Float(written(side), DPS)) <= Float(half, DPS))

    def _shown_value(self, side: Any) -> Float:
        """A bare side's number as a Float: the one :meth:`_exact` just made for it, when it did."""
        return self.prev_exact if self.prev_exact is not None else dps_float(written(side))

    def _exact(self, side: Any) -> Float | None:
        """A numeric side's value with its numbers as written, or ``None``."""
        try:
            value = dps_float(side.exact())
        except (TypeError, ValueError, SymbackpropError):
            return None
        return value if value.is_finite else None

    def _wrong_before(self, i: int, own: Interval, prev: Interval) -> bool:
        """Whether side ``i - 1`` is what is wrong, not the result after it: the result is the truth
        rounded, the expression before it (on this line) is not the quantity at all
        (``out = \\sigma(1.1059059067) = 0.75136507`` with a digit inserted in the exponent)."""
        if self.ref_true is None or i - 1 < self.subject.start or not bare(self.st.parsed[i]):
            return False
        before = self.st.parsed[i - 1]
        if bare(before) or not is_number(before):
            return False
        return contains(own, self.ref_true) and not contains(prev, self.ref_true)

    def _last_of_run(self, i: int) -> bool:
        """Whether side ``i`` ends its run of numeric sides (the truth is judged there)."""
        if i + 1 >= len(self.st.parsed) or self.st.ops[i] not in EQUALITIES:
            return True
        nxt = self.st.parsed[i + 1]
        return not (any(n.decimals > 0 for n in nxt.numbers.values()) or is_number(nxt))

    def numeric(self, i: int, side: Any) -> bool:
        """Judge a number; ``True`` when it is wrong (and the error may be carried on)."""
        own = self._interval(side)
        is_bare = bare(side)
        eff, computed = own, None
        if self.prev_iv is not None:
            joined = self.prev_iv is self.memory.last_iv  # the result of the row before's arithmetic
            eff, computed = self._arithmetic(i, side, own)
            if joined:
                self.memory.joined = self.arithmetic
        self.prev_iv = eff
        self.prev_exact = None if not is_number(side) else self._exact(side)
        self.last_value, self.last_root = middle(eff) if not is_bare else self._shown_value(side), None
        if self.ref_true is None or not self._last_of_run(i):
            self._remember(side, None, computed)
            return False
        self.checked += 1
        if contains(eff, self.ref_true):
            if computed is None or contains(own, self.ref_true):  # the truth, rounded: it stands for that
                computed = fresh_point(self.ref_true)
            self._remember(side, None, computed)
            return False
        if not self.problems and follows_shown(
            self.o, self.ev, self.key, self.subject.scale, self.memory.claims, self.memory.rounding, eff
        ):
            self.notes.append("computed from the rounded values shown before")
            self._remember(side, None, None)
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
        shows = inside(eff)
        self.problems.append(
            Wrong(Problem.VALUE, (self.st.sides[i],), None, cause, self.ref_true, i, shows, self.ev)
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
        shown = written(side)
        self.memory.numbers[abs(shown)] = root
        if computed is not None:
            self.memory.rounding.carry(shown, hull(computed, shown))

    def consequence(self, side: Any, eff: Interval) -> int | None:
        """The line of an earlier wrong claim that explains the wrong value, if any.

        Numbers written on the side that an earlier wrong line showed explain it
        when its arithmetic holds; otherwise the document's own value is computed
        from its earlier claims (only when an earlier wrong claim feeds it).
        """
        carried = [self.memory.numbers.get(abs(n.value)) for n in side.numbers.values() if n.decimals > 0]
        roots = [r for r in carried if r is not None]
        holds = self.arithmetic is not Arithmetic.WRONG
        if roots and not bare(side) and holds:
            return min(roots)
        fallback = min(roots) if roots and holds else None
        if self.o is None or self.o.point is None:
            return min(roots) if roots else None
        try:
            key_roots, dv = self._following()
        except (Unknown, KeyError):
            return min(roots) if roots else None
        if dv is not None and contains(eff, dv):
            return min(key_roots)
        return fallback

    def _following(self) -> tuple[set[int], Float | None]:
        """The lines of the earlier wrong claims the quantity follows from, and its value from them."""
        o, claims = self.o, self.memory.claims
        assert o is not None
        if self.key is not None:
            key_roots = o.roots(self.key, claims)
            return key_roots, (self.subject.scale * o.following(self.key, claims) if key_roots else None)
        ref = self.st.parsed[self.subject.start - 1]
        keys = self.side_keys(ref)
        key_roots = set().union(*(o.roots(k, claims) for k in keys.values()))
        return key_roots, (self.following_side(ref, keys) if key_roots else None)

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


def plain(side: Any) -> bool:
    """A formula of plain names and exact numbers only: no derivative, function or rounded number."""
    if not side.free() - set(side.numbers) or any(n.decimals > 0 for n in side.numbers.values()):
        return False
    return not side.atoms_of(Partial, sympy.Function)  # (walked last: the other checks are cheaper)
