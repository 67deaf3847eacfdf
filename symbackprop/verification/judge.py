"""Judging statements against the oracle, one at a time, in document order.

:class:`Judge` decides what a statement is about (a definition, a stated
value, an update, a derivative, a shorthand) and hands the relation chain to
:class:`~symbackprop.verification.chain.Chain`, which judges each side.  With
no network to check against, the arithmetic as written is still checked.

The judge keeps the document's own numbers as it goes (:class:`Claim`), so
that a later wrong number that follows from an earlier wrong one is reported
as its consequence.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sympy
from sympy import Expr, Float, Symbol
from sympy.core.function import AppliedUndef

from ..core.derivation import DPS, Partial
from ..errors import SymbackpropError
from .chain import Chain, Memory, Rules, Subject, plain
from .claims import written_out
from .infer import Role
from .names import Names
from .opaque import holds_whatever
from .oracle import Oracle, Unknown
from .report import MISTAKES, Expected, Finding, Formula, Kind, Mistake, Status
from .rounding import DIGITS_POLICIES, Rounding
from .stated import StatedValues
from .statements import Statement, bare, is_name, is_number
from .timeline import Timeline
from .zero_factors import ZeroFactors
from .zeros import zero_contradicted

__all__ = ["DIGITS_POLICIES", "Judge"]


class Judge:
    """Judges each statement of one document, in order, and remembers its claims.

    Args:
        oracle: The truth, or ``None`` when there is no network.
        names: The document's names.
        spec_mode: Whether the network comes from a spec (else from the document).
        roles: Statement index -> role in the document's own network.
        policy: A key of :data:`DIGITS_POLICIES`.
        doc_defs: The document's own definitions, ``name -> (expression, line)``.
        failed: Names that cannot be judged -> the line and name of the unreadable definition
            they depend on.
        givens: Values the document states (exact wherever they are written).
        later: Values the document states again later (see :class:`~.timeline.Timeline`).
        text: The document's text.
        repairs: Statement index -> the right definition, where the document's numbers contradict it.
        approximate: Values the document states with ``≈``: they stand for their rounding, never exact.
    """

    def __init__(
        self,
        oracle: Oracle | None,
        names: Names,
        spec_mode: bool,
        roles: Mapping[int, Role],
        policy: str,
        doc_defs: Mapping[Symbol, tuple[Expr, int]],
        failed: Mapping[Symbol, tuple[int, Symbol]],
        givens: Iterable[Expr] = (),
        later: Sequence[tuple[int, Symbol, Expr]] = (),
        text: str = "",
        repairs: Mapping[int, Expr] | None = None,
        approximate: Iterable[Expr] = (),
    ) -> None:
        self.oracle = oracle
        self.names = names
        self.spec_mode = spec_mode
        self.roles = roles
        self.rules = Rules(spec_mode, doc_defs)
        self.failed = failed
        exact = list(givens) + (list(oracle.exact_values) if oracle is not None else [])
        self.memory = Memory(Rounding(policy, exact, approximate))
        self.seen: set[Symbol] = set()
        net = oracle.network if oracle is not None else None
        # sets, built once: `in net.symbols` rebuilds a tuple and compares SymPy objects one by one
        self.parameters = frozenset(net.parameters if net is not None else ())
        self.symbols = frozenset(net.symbols if net is not None else ())
        self.timeline = Timeline(oracle, later, text) if oracle is not None else None
        self.repairs = dict(repairs or {})
        self.previous: Statement | None = None
        #: Unreadable statements -> their longest run of readable sides in numbers (see runner).
        self.runs: dict[int, Statement] = {}
        self._below: dict[Symbol, set[Symbol]] = {}
        self._zeros: ZeroFactors | None = None
        #: Quantities stated only by their values -> what they may be computed from (see runner).
        self.computed_from: Mapping[Symbol, frozenset[Symbol]] = {}
        #: The same quantities -> what they read directly (see :func:`.siblings.frontiers`).
        self.frontiers: Mapping[Symbol, frozenset[Symbol]] = {}
        self.stated = StatedValues()
        #: Quantities stated only by their values, yet differentiated (see runner).
        self.valued: frozenset[Symbol] = frozenset()
        #: Statements wrong as written, whatever the network -> why: a chain of derivatives by its
        #: shape (:mod:`.chain_shapes`), a definition its own numbers contradict by name (:mod:`.misnamed`).
        self.as_written: dict[int, str] = {}

    # ------------------------------------------------------- one statement

    def judge(self, index: int, st: Statement, continued: bool = False) -> Finding:
        """The finding for statement number ``index`` (``continued``: it continues the row before)."""
        no_point = self.oracle is not None and not self.oracle.point  # only then is it judged again
        saved = (self.memory.snapshot(), self.memory.last_exact) if no_point else None
        found = self._with_unread(st, self._judge(index, st, continued))
        found = self._at_stated_values(st, found, saved, continued)
        self.stated.remember(st)
        if found.status is Status.WRONG or st.error:
            return found
        zero = self._zero_product(st)
        return found if zero is None else zero

    def _at_stated_values(
        self, st: Statement, found: Finding, before: tuple[Any, Any] | None, continued: bool
    ) -> Finding:
        """With no complete point, a chain's numbers are still the arithmetic its author did: its
        formula at the values the document stated for its names (see :mod:`.stated`), judged from the
        memory ``before`` the chain was first judged. It replaces a finding that checked nothing, and
        any finding when that arithmetic is wrong."""
        if found.status is Status.WRONG or self.oracle is None or self.oracle.point or before is None:
            return found
        at = self.stated.substituted(st)
        if at is None:
            return found
        after = self.memory.snapshot(), self.memory.last_exact
        self.memory.restore(before[0])
        self.memory.last_exact = before[1]
        if not continued:  # as when it was first judged (a chain of three sides is no restatement)
            self.memory.last_iv = self.memory.last_exact = None
        again = self._arithmetic_only(at[0], f"not checked: {at[1]}; {self.memory.no_point}", _base(st))
        if again.checked and (not found.checked or again.status is Status.WRONG):
            return again
        self.memory.restore(after[0])
        self.memory.last_exact = after[1]
        if not again.checked:
            return found
        also = f"; the arithmetic {at[1]} holds"
        return dataclasses.replace(found, explanation=(*found.explanation, also), checked=found.checked + 1)

    @staticmethod
    def _with_unread(st: Statement, found: Finding) -> Finding:
        """The sides left out of the chain (``F(0.21)`` in ``y_3 = F(0.21) = 0.56``), named in the
        note; a chain that then checks nothing (a value "given" past an unread side) is not checked."""
        if not st.unread or st.error:
            return found
        unread = "; ".join(f"{side.strip()}: not checked ({why})" for side, why in st.unread)
        if found.status is Status.OK and not found.checked:
            return dataclasses.replace(
                found, status=Status.NOT_CHECKED, explanation=(f"not checked: {unread}",)
            )
        return dataclasses.replace(found, explanation=(*found.explanation, f"; {unread}"))

    def _judge(self, index: int, st: Statement, continued: bool) -> Finding:
        if not continued and not self._restated(st):
            self.memory.last_iv = self.memory.last_exact = None
        self.previous = st
        self._remember_formula(st)
        base = _base(st)
        unread = self._unread(index, st, base)
        if unread is not None:
            return unread
        first, role = st.parsed[0], self.roles.get(index)
        if index in self.repairs:
            return self._repaired(st, self.repairs[index], base)
        given = self._given(st, role)
        if given is not None:
            kind = Kind.UPDATE if given == "the update rule" else Kind.VALUE
            if len(st.parsed) == 2 and is_number(st.parsed[1]):
                self.memory.values[first.expr.name] = st.parsed[1].exact()
            return Finding(status=Status.OK, explanation=(given,), kind=kind, **base)
        o = self.oracle
        if o is None:
            if len(st.parsed) == 2 and self._formula_defined(st):
                return Finding(status=Status.OK, explanation=("definition",), kind=Kind.DEFINITION, **base)
            kind = Kind.ARITHMETIC if is_number(first) else Kind.CLAIM
            bare_subject = Subject(None, kind, truth=self._own_value(first.expr))
            return Chain(None, None, self.rules, self.memory, st, bare_subject, base).judge()
        subject = self.subject(st, role)
        if subject is not None and subject.key is not None and subject.key[0] in ("adjoint", "update"):
            why = self._loss_unread(subject.key[1])
            if why is not None:
                return self._arithmetic_only(st, why, base)
        if subject is None:
            why = "abbreviation" if role is Role.ALIAS else "definition"
            return Finding(status=Status.OK, explanation=(why,), kind=Kind.DEFINITION, **base)
        if is_name(first):
            self.seen.add(first.expr)
        return self._unless_off_the_loss(st, subject, base)

    def _unless_off_the_loss(self, st: Statement, subject: Subject, base: dict[str, Any]) -> Finding:
        """The chain judged at its point; a wrong one through a quantity the loss never uses is only
        checked for its arithmetic (:meth:`_off_the_loss`, which reads nothing judging changes)."""
        off = self._off_the_loss(st, subject)
        saved = self.memory.snapshot() if off is not None else ()  # copied only when it may be used
        found = self._at_its_point(st, subject, base)
        if off is None or found.status is not Status.WRONG:
            return found
        self.memory.restore(saved)
        return self._arithmetic_only(st, off, base)

    def _loss_unread(self, p: Symbol) -> str | None:
        """Why ∂L/∂p cannot be judged: the loss comes from an unreadable definition, or the network
        read from the document makes it independent of the parameter p (0 = 0 would check nothing)."""
        assert self.oracle is not None
        loss = self.oracle.network.loss
        if loss in self.failed and not self._valued_only(loss, p):
            (line, root) = self.failed[loss]
            why = self._unread_root(line, root)
            return f"not checked: the loss {loss.name} is computed from {root.name}, {why}"
        if p in self.parameters and p not in self._under(loss):
            return (
                f"not checked: in the network read from the document, {loss.name} does not depend on "
                f"{p.name} (a definition between them was not read)"
            )
        return None

    def _off_the_loss(self, st: Statement, subject: Subject) -> str | None:
        """Why a chain for the loss's derivative that came out wrong cannot be judged after all: a
        factor names a quantity the document defines, yet the loss of the network read from the
        document does not depend on it (``∂E/∂y_1`` where ``y_1 = w_5 out_{h1} + …`` feeds nothing).
        The document then names one quantity two ways that its definitions never join, and calling
        the chain wrong would be a guess."""
        key = subject.key
        if self.spec_mode or self.oracle is None or key is None or key[0] not in ("adjoint", "update"):
            return None
        loss, defs = self.oracle.network.loss, self.rules.doc_defs
        sides, under = [p.atoms_of(Partial) for p in st.parsed], self._under(loss)
        if all(n == loss or n not in defs or n in under for ds in sides for d in ds for n in (d.of, d.wrt)):
            return None  # the usual case, found without sorting: the order (by text) picks the message
        off = (n for ds in sides for d in sorted(ds, key=str) for n in (d.of, d.wrt) if n != loss)
        n = next(n for n in off if n in defs and n not in under)
        return (
            f"not checked: in the network read from the document, {loss.name} does not "
            f"depend on {n.name} (defined at line {defs[n][1]}); the document "
            "may name one quantity two ways"
        )

    def _zero_product(self, st: Statement) -> Finding | None:
        """A product with a factor ``∂a/∂b`` where ``a`` does not depend on ``b`` at all is 0; a
        nonzero number on the same chain contradicts it (``∂E/∂w_5 = ∂E/∂out_{h1} ·
        ∂out_{h1}/∂net_{h1} · ∂net_{h1}/∂w_5 = 0.0821…``: net_h1 does not depend on w_5)."""
        return self.zero_continued(st, st)

    def zero_continued(self, st: Statement, row: Statement) -> Finding | None:
        """:meth:`_zero_product` across rows (see :func:`.zeros.zero_contradicted`)."""
        if self.oracle is None:
            return None
        if self._zeros is None:  # (made at first use: the runner sets what blocks which names first)
            net, defs = self.oracle.network, self.rules.doc_defs
            self._zeros = ZeroFactors(net, self.spec_mode, defs, self.symbols, self.failed, self._under)
        return zero_contradicted(st, row, self.memory.rounding, self._zeros)

    def _under(self, node: Symbol) -> set[Symbol]:
        """Every symbol ``node`` is computed from, through the network's definitions."""
        if node in self._below:
            return self._below[node]
        definition = self.oracle.network.definition if self.oracle is not None else {}
        seen: set[Symbol] = set()
        stack = [node]
        while stack:
            n = stack.pop()
            for s in definition[n].free_symbols if n in definition else ():
                if s not in seen:
                    seen.add(s)
                    stack.append(s)
        self._below[node] = seen  # once per node: a long document asks again and again
        return seen

    def _unread(self, index: int, st: Statement, base: dict[str, Any]) -> Finding | None:
        """The finding on a statement that cannot be judged as a whole (unreadable, undefined, or
        using an unreadable definition, or contradicted by its own numbers), or ``None``."""
        if index in self.as_written:
            return Finding(status=Status.WRONG, explanation=(self.as_written[index],), checked=1, **base)
        if st.error:
            why = f"not checked: {st.error}"
            if index in self.runs:  # its sides in numbers only are still arithmetic
                return self._arithmetic_only(self.runs[index], why, base)
            return Finding(status=Status.NOT_CHECKED, explanation=(why,), **base)
        undefined = _undefined(st)
        if undefined is not None:
            what = f"{undefined} is undefined: it is not a number"
            return Finding(status=Status.WRONG, explanation=(what,), checked=1, **base)
        blocked = self._blocked(st)
        if blocked and self._holds_whatever(st):
            why = "holds whatever the quantities stated only by their values are computed from"
            return Finding(status=Status.OK, explanation=(why,), checked=1, **base)
        return self._arithmetic_only(st, blocked, base) if blocked else None

    def _holds_whatever(self, st: Statement) -> bool:
        """A chain of formulas blocked only by quantities stated by their values, that holds whatever
        those are computed from (see :mod:`.opaque`)."""
        if self.oracle is None or not self.frontiers:
            return False
        used: set[Symbol] = set()
        for p in st.parsed:
            used |= p.expr.free_symbols | {s for d in p.expr.atoms(Partial) for s in (d.of, d.wrt)}
        roots = {self.failed[s][1] for s in used if s in self.failed}
        roots |= {self.failed[r][1] for s in used for r in self._under(s) if r in self.failed}
        if not all(self._valued_only(s) for s in used) or not roots <= set(self.frontiers):
            return False
        return holds_whatever(self.oracle, st, self.frontiers)

    def _remember_formula(self, st: Statement) -> None:
        """``f = (5 - 2w)^2``: the latest formula of plain names a name is defined by."""
        name = _defined_name(st)
        if name is None:
            return
        side, first = st.parsed[1], st.parsed[0].expr
        if plain(side) and name not in {s.name for s in side.free()}:
            self.memory.formulas[name] = side.exact()
            self.memory.params[name] = tuple(first.args) if isinstance(first, AppliedUndef) else ()
        elif not is_number(side):  # a value (f(x, y) = -12) keeps the formula; a new formula does not
            self.memory.formulas.pop(name, None)

    def _own_value(self, subject: Expr) -> Expr | None:
        """With no network, what the document's own formulas and values give for ``f(x, y)``,
        ``∂f/∂x`` or ``f`` (``f(x, y) = x y`` with ``x = 4``, ``y = -3``: -12), or ``None``."""
        m = self.memory
        if isinstance(subject, AppliedUndef) and subject.func.__name__ in m.formulas:
            name = subject.func.__name__
            if len(m.params.get(name, ())) != len(subject.args):
                return None
            f = m.formulas[name].xreplace(dict(zip(m.params[name], subject.args)))
        elif isinstance(subject, Partial) and subject.of.name in m.formulas:
            f = sympy.diff(written_out(m.formulas[subject.of.name], m.formulas), subject.wrt)
        elif isinstance(subject, Symbol) and subject.name in m.formulas:
            f = m.formulas[subject.name]
        else:
            return None
        f = written_out(f, m.formulas)
        if f is None or any(s.name not in m.values for s in f.free_symbols):
            return None
        value = f.xreplace({s: m.values[s.name] for s in f.free_symbols}).evalf(DPS)
        return value if value.is_real and value.is_finite else None

    def _formula_defined(self, st: Statement) -> bool:
        """``L(w_1, w_2) = (3 - 2w_1 - w_2)^2`` with no network: a definition, given."""
        name = _defined_name(st)
        return name is not None and self.memory.formulas.get(name) is not None and plain(st.parsed[1])

    def _restated(self, st: Statement) -> bool:
        """``\\hat{y} \\approx 0.0831`` right after ``\\hat{y} = \\frac{1}{1 + e^{2.40001426}}``: the
        same name's result, in the next equation, goes on from where that one ended."""
        before = self.previous
        if before is None or before.error or st.error or len(st.parsed) != 2 or not bare(st.parsed[1]):
            return False
        first = st.parsed[0]
        return is_name(first) and is_name(before.parsed[0]) and before.parsed[0].expr == first.expr

    def _arithmetic_only(self, st: Statement, why: str, base: dict[str, Any]) -> Finding:
        """A statement whose quantity cannot be judged: its arithmetic as written still is, when it
        writes some (pure arithmetic needs no network); otherwise it is not checked, saying ``why``."""
        kind = Kind.ARITHMETIC if is_number(st.parsed[0]) else Kind.CLAIM
        note = "only the arithmetic is checked: " + why.removeprefix("not checked: ")
        subject = Subject(None, kind, note=note, arithmetic_only=True)
        found = Chain(None, None, self.rules, self.memory, st, subject, base).judge()
        if found.checked:
            return found
        return Finding(status=Status.NOT_CHECKED, explanation=(why,), **base)

    def _at_its_point(self, st: Statement, subject: Subject, base: dict[str, Any]) -> Finding:
        """Judge a chain at the point in force (a forward value after an update: maybe the updated one)."""
        o, timeline = self.oracle, self.timeline
        assert o is not None and timeline is not None
        backward = st.parsed[0].atoms_of(Partial) or (subject.key is not None and subject.key[0] != "value")
        timeline.before(st.line, forward=not backward)
        if timeline.moved:  # the document's earlier numbers belong to the earlier point
            self.memory.claims.clear()
            timeline.moved = False
        retry = subject.key is not None and subject.key[0] == "value" and bool(timeline.pending)
        saved = self.memory.snapshot() if retry else ()  # copied only for a chain that may be judged again
        found = Chain(o, timeline.ev, self.rules, self.memory, st, subject, base).judge()
        key = subject.key
        if key is not None and key[0] == "update" and timeline.ev is not None:
            with contextlib.suppress(Unknown, KeyError):
                timeline.update(key[1], o.true_value(key, timeline.ev))
        alt = timeline.alternative() if key is not None and key[0] == "value" else None
        if found.status is Status.WRONG and alt is not None:
            after = self.memory.snapshot()
            self.memory.restore(saved)
            again = Chain(o, alt, self.rules, self.memory, st, subject, base).judge()
            if again.status is Status.OK:
                timeline.commit()
                return again
            self.memory.restore(after)
        return found

    def _repaired(self, st: Statement, right: Expr, base: dict[str, Any]) -> Finding:
        """A definition its own numbers contradict: the logistic function with the minus dropped."""
        latex = dict(self.names.latex)
        if self.oracle is not None:
            latex.update(self.oracle.latex_names)
        expected = Expected(Formula(right, names=latex))
        why = (st.sides[1], f" is wrong ({MISTAKES[Mistake.WRONG_SIGN]}): the document's own numbers use ")
        parts = (*why, st.sides[0], " = ", expected)
        return Finding(
            status=Status.WRONG,
            explanation=parts,
            correction=expected,
            kind=Kind.DEFINITION,
            mistake=Mistake.WRONG_SIGN,
            checked=1,
            **base,
        )

    def _given(self, st: Statement, role: Role | None) -> str | None:
        """Why a statement only gives something (a value, data, the rule), or ``None``."""
        first, parsed = st.parsed[0], st.parsed
        if not is_name(first):
            return None
        n = first.expr
        value = len(parsed) == 2 and is_number(parsed[1])
        if role is Role.VALUE and not self.spec_mode and _stated(parsed):
            return "given value"
        if n == self.names.eta and value:
            return "learning rate"
        net = None if self.oracle is None else self.oracle.network
        if value and not self.spec_mode and net is not None and n in net.inputs + net.targets:
            return "given value (data)"
        rule = len(parsed) == 2 and n in parsed[1].expr.free_symbols and (net is None or n not in net.symbols)
        if rule and any(p.wrt == n for p in parsed[1].expr.atoms(Partial)):
            return "the update rule"
        return None

    def _blocked(self, st: Statement) -> str | None:
        """Why a statement cannot be checked: it uses a name whose definition was unreadable."""
        if not self.failed:  # (nothing is: no need to look)
            return None
        used: set[Symbol] = set()
        for p in st.parsed:
            used |= {s for s in p.free() if not self._valued_only(s)}
            for d in p.atoms_of(Partial):
                if not self._valued_only(d.of, d.wrt) or not self._valued_only(d.wrt):
                    used |= {d.of, d.wrt}
        blocked = sorted(
            ((self.failed[s], s.name) for s in used if s in self.failed),
            key=lambda b: (b[0][0], b[0][1].name, b[1]),  # by line and name: SymPy symbols do not order
        )
        if not blocked:
            return None
        (line, root), name = blocked[0]
        if root.name == name:
            return f"not checked: it uses {name}, {self._unread_root(line, root)}"
        return f"not checked: it uses {name}, computed from {root.name}, {self._unread_root(line, root)}"

    def _unread_root(self, line: int, root: Symbol) -> str:
        """What is missing about a quantity that blocks a statement: its definition is unreadable, or
        the document states only its value (``E_{o2} = 0.0236``) and never what it is computed from."""
        if root in self.valued:
            return f"which the document states only by its value (line {line}), not what it is computed from"
        return f"whose definition at line {line} could not be read"

    def _valued_only(self, node: Symbol, wrt: Symbol | None = None) -> bool:
        """Whether ``node`` (or ∂node/∂wrt) can be judged although it is computed from quantities the
        document states only by their values (:attr:`computed_from`): their values are known, and
        ``wrt`` is none of the things they may be computed from."""
        if node not in self.failed:
            return True
        under = self._under(node) | {node}
        roots = {r for r in under if r in self.failed and self.failed[r][1] == r}
        if not roots or any(r not in self.computed_from for r in roots):
            return False
        return wrt is None or (wrt in self.symbols and all(wrt not in self.computed_from[r] for r in roots))

    def subject(self, st: Statement, role: Role | None) -> Subject | None:
        """What the chain is about; ``None`` for a definition or shorthand that states nothing more."""
        o = self.oracle
        assert o is not None
        first, parsed = st.parsed[0], st.parsed
        if not is_name(first):
            kind = Kind.ARITHMETIC if is_number(first) else Kind.CLAIM
            return Subject(o.key_of(first.expr), kind)
        n = first.expr
        update = self._update(n, parsed)
        if update is not None:
            return update
        if n in self.symbols:
            kind = self._kind_of_name(n, parsed[1], role)
            if kind is Kind.DEFINITION and not self.spec_mode:  # side 1 is the definition itself
                return None if len(parsed) == 2 else Subject(("value", n), kind, start=2)
            return Subject(("value", n), kind)
        if n in o.aliases:
            return self._shorthand(n, role, len(parsed))
        return Subject(None, Kind.CLAIM)

    def _update(self, n: Symbol, parsed: list[Any]) -> Subject | None:
        """``w^+ = …``, ``w = w - η …`` or ``w = 0.5 - 0.1 \\cdot 0.069``: an update of a parameter."""
        o = self.oracle
        assert o is not None
        if n in self.names.updated:
            return Subject(("update", self.names.updated[n]), Kind.UPDATE)
        if n not in self.parameters:
            return None
        if n in parsed[1].expr.free_symbols:
            return Subject(("update", n), Kind.UPDATE)
        if not self._numeric_update(n, parsed[1:]):
            return None
        foreign = self._foreign_gradient(n, parsed[1:])
        if foreign is not None:  # e.g. a mean over a dataset: only the arithmetic is this document's
            return Subject(None, Kind.UPDATE, note=foreign, arithmetic_only=True)
        return Subject(("update", n), Kind.UPDATE)

    def _shorthand(self, n: Symbol, role: Role | None, sides: int) -> Subject | None:
        """A shorthand (``\\delta = -\\partial L/\\partial z``), judged with the document's own sign."""
        o = self.oracle
        assert o is not None
        scale, meaning = o.aliases[n].as_coeff_Mul()
        key = o.key_of(meaning) if scale.is_Rational and scale != 0 else o.key_of(o.aliases[n])
        if key is None or not scale.is_Rational:
            scale = sympy.S.One
        if role is Role.ALIAS:
            return None if sides == 2 else Subject(key, Kind.DEFINITION, start=2, scale=scale)
        return Subject(key, Kind.CLAIM, scale=scale)

    def _numeric_update(self, p: Symbol, sides: list[Any]) -> bool:
        """``w_2 = -1.0 - 1.0 \\times 0.1455``: an update written in numbers, from the parameter's value."""
        o = self.oracle
        if o is None or o.point is None or p not in o.point.values:
            return False
        value = abs(o.point.values[p])
        for side in sides:
            if is_number(side) and not bare(side) and len(side.numbers) >= 2:
                return any(abs(Float(n.value, 30) - value) < Float("1e-20") for n in side.numbers.values())
        return False

    def _foreign_gradient(self, p: Symbol, sides: list[Any]) -> str | None:
        """Why a numeric update is not judged against this point's gradient, or ``None``."""
        o = self.oracle
        assert o is not None and o.point is not None
        ev = o.point
        lr = o.lr(ev)
        value = abs(ev.values[p])
        side = next(x for x in sides if is_number(x) and not bare(x) and len(x.numbers) >= 2)
        used = [n for n in side.numbers.values() if abs(Float(n.value, 30) - value) > Float("1e-20")]
        used = [n for n in used if lr is None or abs(Float(n.value, 30) - lr) > Float("1e-20")]
        grads = [abs(ev.adjoints[p])]
        claimed = self.memory.claims.get(("adjoint", p))
        if claimed is not None:
            grads.append(abs(claimed.value))
        for n in used:
            unit = Float(1, 30) / 10 ** max(n.decimals, 0)
            if any(abs(Float(n.value, 30) - g) <= unit for g in grads):
                return None
        if not used:
            return None
        return f"the gradient it uses is not this point's ∂L/∂{p.name}; only its arithmetic is checked"

    def _kind_of_name(self, n: Symbol, rhs: Any, role: Role | None) -> Kind:
        net = self.oracle.network  # type: ignore[union-attr]
        if role is Role.DEFINITION or (self.spec_mode and n in net.definition and n not in self.seen):
            return Kind.DEFINITION
        if role is Role.VALUE or (n not in net.definition and is_number(rhs)):
            return Kind.VALUE
        return Kind.CLAIM


def _defined_name(st: Statement) -> str | None:
    """The name a statement defines (``f = …`` or ``f(w) = …``), or ``None``."""
    if st.error or len(st.parsed) < 2:
        return None
    first = st.parsed[0].expr
    if isinstance(first, AppliedUndef) and all(isinstance(a, Symbol) for a in first.args):
        return str(first.func.__name__)
    return first.name if is_name(st.parsed[0]) else None


def _stated(parsed: Sequence[Any]) -> bool:
    """Whether every side after the first is a bare number (a value stated, not arithmetic to check)."""
    return all(is_number(p) and bare(p) for p in parsed[1:])


def _undefined(st: Statement) -> str | None:
    """The first side written in numbers that has no value at all (``0/0``, ``1/0``), or ``None``."""
    for text, side in zip(st.sides, st.parsed):
        if not is_number(side) or side.expr.is_Symbol:
            continue
        with contextlib.suppress(SymbackpropError, TypeError, ValueError):
            value = side.exact()
            if value.is_number and (value.has(sympy.nan, sympy.zoo) or value.is_finite is False):
                return text
    return None


def _base(st: Statement) -> dict[str, Any]:
    return {"line": st.line, "source": st.source, "block_end": st.block_end, "subject": st.sides[0].strip()}
