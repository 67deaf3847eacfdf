"""The truth a document is judged against, from the core derivation.

Every number comes from :func:`symbackprop.core.derivation.derive` and its
:class:`~symbackprop.core.derivation.Evaluation`: values, local derivatives
and adjoints at the document's point and at two random points (for symbolic
claims).  Nothing here runs a backward pass of its own:

* a derivative that is not an edge nor an adjoint (``∂a_2/∂w_1``) is the
  adjoint of ``w_1`` in the same network with ``a_2`` as its loss;
* "what the document's own numbers give" (to tell a consequence of an
  earlier wrong number from a new error) is the same derivation evaluated
  with the document's claims pinned (:meth:`Derivation.at` with ``pinned``).

Quantities are named by the keys the core uses: ``("value", s)``,
``("local", of, wrt)``, ``("adjoint", s)`` and ``("update", p)``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import warnings
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath.libmp as mlib
import sympy
from sympy import Expr, Float, Rational, Symbol

from ..core.derivation import DPS, Derivation, Evaluation, Partial, derive
from ..errors import SymbackpropError, SymbackpropWarning
from ..notation.latex.parsed import AtPoint
from .mpvalue import Fallback, as_value, evaluate
from .names import Names
from .random_evaluations import random_points
from .report import Formula
from .textbook import tidy

__all__ = ["DPS_PREC", "Claim", "Key", "Oracle", "Unknown", "close", "number"]

#: A quantity of the network, as the core derivation names it.
Key = tuple

#: Relative difference below which two values are the same.
SAME = Rational(1, 10**9)

#: How deep a correction expands adjoints the document has not stated.
RECURRENCE_DEPTH = 3

#: The largest written-out loss (in SymPy operations) a derivative is taken of with no point.
WRITTEN_OUT_OPS = 400

#: Most evaluations whose names' values :meth:`Oracle.value` keeps converted (see ``_leaves``).
KNOWN_EVALUATIONS = 64

#: Most updates :meth:`Oracle.true_value` keeps computed.
KNOWN_UPDATES = 4096

#: No written numbers.
_NO_NUMBERS: Mapping[Symbol, Any] = {}


class Unknown(Exception):
    """A value cannot be computed: the side is not checked."""


@dataclass(frozen=True)
class Claim:
    """A number the document stated for a quantity, and the line of the error it inherits."""

    value: Float
    root: int | None


def number(expr: Expr) -> Float | None:
    """``expr`` as a finite real number to :data:`DPS` digits, or ``None``."""
    try:
        v = expr.evalf(DPS) if not expr.is_Float else expr
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not v.is_Number or v.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo) or not v.is_real:
        return None
    return Float(v, DPS)


def _as_float(value: Any) -> Float:
    """A value of :mod:`.mpvalue` as :func:`number` makes it (an exact one through :func:`number`)."""
    if isinstance(value, Fraction):  # what Rational(p, q).evalf(DPS) gives: its 4 guard bits, rounded
        exact = mlib.from_rational(value.numerator, value.denominator, DPS_PREC + 4)
        return Float._new(exact, DPS_PREC)
    return Float._new(mlib.mpf_pos(value._mpf_, DPS_PREC, mlib.round_nearest), DPS_PREC)


#: The bits of :data:`DPS` digits (what ``Float(x, DPS)`` rounds to).
DPS_PREC = mlib.libmpf.dps_to_prec(DPS)


def _update(value: Expr, lr: Expr, gradient: Expr) -> Expr:
    """``value - lr * gradient`` in SymPy's arithmetic (computed once per parameter and evaluation)."""
    return value - lr * gradient


def close(a: Expr, b: Expr) -> bool:
    """Equal up to :data:`SAME` (relative, or absolute near zero)."""
    x, y = _close_mpf(a), _close_mpf(b)
    if x is not None and y is not None and not {x, y} & _SPECIAL:  # without SymPy's arithmetic
        ax, ay = mlib.mpf_abs(x), mlib.mpf_abs(y)
        scale = ax if mlib.mpf_gt(ax, ay) else ay
        bound = mlib.mpf_mul(_SAME._mpf_, scale if mlib.mpf_gt(scale, mlib.fone) else mlib.fone)
        return bool(mlib.mpf_le(mlib.mpf_abs(mlib.mpf_sub(x, y)), bound))
    return bool(abs(a - b) <= _SAME * max(1, abs(a), abs(b)))


def _close_mpf(a: Expr) -> tuple | None:
    """A Float's own mpf, a Rational's to :data:`_CLOSE_PREC` bits, else ``None``."""
    if isinstance(a, Float):
        return a._mpf_
    if isinstance(a, Rational):
        return mlib.from_rational(int(a.p), int(a.q), _CLOSE_PREC, mlib.round_nearest)
    return None


#: Infinities and nan, left to SymPy's comparison.
_SPECIAL = {mlib.finf, mlib.fninf, mlib.fnan}

#: Bits an exact number is compared with in :func:`close` (far beyond :data:`DPS` digits).
_CLOSE_PREC = 256

#: :data:`SAME` as a Float, made once (``close`` runs several times per side).
_SAME = Float(SAME, DPS)


class Oracle:
    """Values of a network's quantities at the document's point and at random points.

    Attributes:
        derivation: The core derivation (evaluated at the document's point, if it has one).
        network: Its network.
        point: The evaluation at the document's point, or ``None``.
        randoms: Evaluations at random points (the document's data, random parameters).
        aliases: The document's shorthands (``\\delta_2``) and what they stand for.
    """

    def __init__(
        self, derivation: Derivation, names: Names, aliases: Mapping[Symbol, Expr], seed: int
    ) -> None:
        self.derivation = derivation
        self.network = net = derivation.network
        # built once: the network's `symbols` and `definition` are rebuilt on every access
        self.symbols = frozenset(net.symbols)
        self.definition = net.definition
        self.leaves = net.inputs + net.targets + net.parameters
        self.names = names
        self.aliases = dict(aliases)
        self.point: Evaluation | None = derivation.evaluation
        self.randoms = random_points(self.network, self.point is not None, self._evaluate, seed)
        self.latex_names: dict[Symbol, str] = {**names.latex, **self.network.latex_names}
        self.latex_names.setdefault(names.eta, r"\eta")
        self._by_loss: dict[Symbol, Derivation] = {}
        self._constants: dict[Key, Expr | None] = {}
        self._totals: dict[tuple[Symbol, int], Evaluation] = {}
        self._pinned: tuple[frozenset, Evaluation] | None = None
        self._rates: dict[Any, Float] = {}
        self._bars: dict[tuple[int, tuple], tuple[Evaluation, Evaluation | None]] = {}
        self.exact_values: list[Expr] = []
        if self.point is not None:
            self.exact_values = list(self.point.values.values())
            if self.point.learning_rate is not None:
                self.exact_values.append(Float(self.point.learning_rate, DPS))

    def _evaluate(self, pt: Mapping[Symbol, Expr]) -> Evaluation | None:
        try:
            return self.derivation.at(pt).evaluation
        except SymbackpropError:
            return None

    def lr(self, ev: Evaluation) -> Expr | None:
        """The learning rate, to :data:`DPS` digits."""
        rate = ev.learning_rate
        if rate is None:
            return None
        if rate not in self._rates:  # made once: it is read for every update and every η on a side
            self._rates[rate] = Float(rate, DPS)
        return self._rates[rate]

    # ------------------------------------------------------------ quantities

    def key_of(self, expr: Expr) -> Key | None:
        """The quantity a side names: a symbol's value, an adjoint or a local derivative."""
        if isinstance(expr, Symbol) and expr in self.symbols:
            return ("value", expr)
        if isinstance(expr, Partial):
            if expr.of == self.network.loss:
                return ("adjoint", expr.wrt)
            if self._edge(expr.of, expr.wrt):
                return ("local", expr.of, expr.wrt)
        return None

    def _edge(self, of: Symbol, wrt: Symbol) -> bool:
        try:
            self.derivation.local(of, wrt)
        except KeyError:
            return False
        return True

    def true_value(self, key: Key, ev: Evaluation) -> Float:
        """The value of a quantity in an evaluation."""
        kind = key[0]
        if kind == "value":
            return ev.values[key[1]]
        if kind == "local":
            return ev.local[(key[1], key[2])]
        if kind == "adjoint":
            return ev.adjoints[key[1]]
        if kind == "update":
            known = self._updates.get((key[1], id(ev)))
            if known is not None and known[0] is ev:  # (asked again once the chain is judged)
                return known[1]
            lr = self.lr(ev)
            if lr is None:
                msg = "no learning rate is known"
                raise Unknown(msg)
            if len(self._updates) >= KNOWN_UPDATES:
                self._updates.clear()
            value = _update(ev.values[key[1]], lr, ev.adjoints[key[1]])
            self._updates[(key[1], id(ev))] = (ev, value)
            return value
        raise Unknown("unknown quantity")

    @functools.cached_property
    def _updates(self) -> dict[tuple[Symbol, int], tuple[Evaluation, Expr]]:
        """Updates computed, by parameter and evaluation (by id, kept alive with it)."""
        return {}

    def constant(self, key: Key) -> Expr | None:
        """A derivative's exact value when it is the same at every point (``∂(x + y)/∂x = 1``), else
        ``None``: it needs no point.  Computed symbolically (every node written out in the leaves,
        the one differentiated by kept), never from sample points."""
        if key in self._constants:
            return self._constants[key]
        value: Expr | None = None
        if key[0] == "local":
            value = self.derivation.local(key[1], key[2]).raw
        elif key[0] == "adjoint" and self.network.loss is not None:
            loss = self._written_out(self.network.loss, keep=key[1])
            # a loss that does not use the node at all: a definition between them was not read
            value = None if loss is None or key[1] not in loss.free_symbols else sympy.diff(loss, key[1])
        if value is not None and (value.free_symbols or not value.is_number or not value.is_finite):
            value = None
        self._constants[key] = value
        return value

    def _written_out(self, node: Symbol, keep: Symbol) -> Expr | None:
        """``node`` in the network's leaves and ``keep`` (``None`` when too large to write out)."""
        if node == keep:
            return node
        expr: Expr = self.definition.get(node, node)
        for _ in range(len(self.definition) + 1):
            inner = {s: self.definition[s] for s in expr.free_symbols if s in self.definition and s != keep}
            if not inner:
                return expr
            expr = expr.xreplace(inner)
            if sympy.count_ops(expr) > WRITTEN_OUT_OPS:
                return None
        return None

    def expected(self, key: Key | None, known: Collection[Symbol] = ()) -> Formula | None:
        """The right expression for a quantity, in textbook form, in the document's names.

        An adjoint is written as a person would: ``Σ_c ∂L/∂c · ∂c/∂s``, stopping at the
        nodes in ``known`` (whose ∂L/∂node the document has stated) and naming them
        with the document's shorthand (``δ_{o1} w_5 + δ_{o2} w_7``); with nothing
        known, as one factored expression in node names.
        """
        if key is None:
            return None
        d, net = self.derivation, self.network
        try:
            if key[0] == "adjoint" and set(known) & set(net.symbols):
                return Formula(self._recurrence(key[1], set(known)), names=self.latex_names, in_order=True)
            if key[0] == "adjoint":
                return self._formula(tidy(d.general_form(key[1])))
            if key[0] == "local":
                return self._formula(tidy(d.local(key[1], key[2]).general))
            if key[0] == "value" and key[1] in self.definition:
                return self._formula(self.definition[key[1]])
            if key[0] == "update":
                p = key[1]
                return self._formula(p - self.names.eta * Partial(net.loss, p))
        except SymbackpropError:
            return None
        return None

    def _recurrence(self, s: Symbol, known: set[Symbol], depth: int = 0) -> Expr:
        """∂L/∂s as the sum over its children, down to the known adjoints, in written order."""
        d, loss = self.derivation, self.network.loss
        if s == loss:
            return sympy.S.One
        shorthand = {m.wrt: a for a, m in self.aliases.items() if isinstance(m, Partial) and m.of == loss}
        terms = []
        for f in d.step(s).factors:
            if f.of == loss:
                head: Expr = sympy.S.One
            elif f.of in known or depth > RECURRENCE_DEPTH:
                head = shorthand.get(f.of, Partial(loss, f.of))
            else:
                head = self._recurrence(f.of, known, depth + 1)
            factors = [x for x in (head, f.general) if x != 1]
            terms.append(
                sympy.Mul(*factors, evaluate=False) if len(factors) > 1 else (factors or [sympy.S.One])[0]
            )
        if not terms:
            return sympy.S.Zero  # a node the loss does not depend on
        return sympy.Add(*terms, evaluate=False) if len(terms) > 1 else terms[0]

    def _formula(self, form: Expr | tuple[Expr, Expr]) -> Formula:
        if isinstance(form, tuple):
            return Formula(form[0], form[1], names=self.latex_names)
        return Formula(form, names=self.latex_names)

    # -------------------------------------------------------- sides as values

    def partial(self, p: Partial, ev: Evaluation) -> Expr | None:
        """∂of/∂wrt in an evaluation: an adjoint, an edge, or a total derivative."""
        of, wrt = p.of, p.wrt
        if of == self.network.loss and wrt in ev.adjoints:
            return ev.adjoints[wrt]
        if (of, wrt) in ev.local:
            return ev.local[(of, wrt)]
        if of not in self.symbols or wrt not in self.symbols:
            return None
        return self._total(of, wrt, ev)

    def bar_evaluation(self, bar: AtPoint, ev: Evaluation) -> Evaluation | None:
        """``ev`` with the variables of an evaluation bar (``\\right|_{w=3}``) set, or ``None`` when
        one is not an input, target or parameter of the network, or is not set to a number."""
        if not bar.point or any(s not in self.leaves or not v.is_Number for s, v in bar.point):
            return None
        if all(ev.values.get(s) == v for s, v in bar.point):
            return ev
        key = (id(ev), bar.point)
        known = self._bars.get(key)
        if known is None or known[0] is not ev:
            pt = {s: ev.values[s] for s in self.leaves if s in ev.values}
            pt.update(bar.point)
            known = self._bars[key] = (ev, self._evaluate(pt))
        return known[1]

    def at_bar(self, bar: AtPoint, ev: Evaluation) -> Float | None:
        """A derivative written with an evaluation bar: its value at :meth:`bar_evaluation` of ``ev``
        (``None`` where that has none)."""
        there = self.bar_evaluation(bar, ev)
        with contextlib.suppress(Unknown):
            return None if there is None else self.value(bar.derivative, there, {})
        return None

    def at_the_bar(self, bar: AtPoint, ev: Evaluation | None) -> tuple[Evaluation | None, list, str | None]:
        """Where a chain about ``bar`` is judged: the point and random points with the bar's variables
        set, and why not (``ev`` itself then) when they cannot be."""
        there = self.bar_evaluation(bar, ev) if ev is not None else None
        randoms = [e for r in self.randoms if (e := self.bar_evaluation(bar, r)) is not None]
        if there is not None or ev is None:
            return there, randoms, None
        sets = ", ".join(s.name for s, _ in bar.point)
        return ev, randoms, f"the evaluation bar sets {sets}: not an input or parameter of the network"

    def _total(self, of: Symbol, wrt: Symbol, ev: Evaluation) -> Expr:
        """d(of)/d(wrt) through the graph: the adjoint of ``wrt`` when ``of`` is the loss."""
        net = self.network
        if of not in self.definition:
            return Float(1 if of == wrt else 0, DPS)
        key = (of, id(ev))
        if key not in self._totals:
            if of not in self._by_loss:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", SymbackpropWarning)
                    rerooted = dataclasses.replace(net, loss=of)
                self._by_loss[of] = derive(rerooted, evaluate_point=False)
            evaluation = self._by_loss[of].at({s: ev.values[s] for s in self.leaves}).evaluation
            assert evaluation is not None  # every leaf has a value
            self._totals[key] = evaluation
        return self._totals[key].adjoints[wrt]

    def resolve(self, expr: Expr, ev: Evaluation, numbers: Mapping[Symbol, Any] | None = None) -> Expr:
        """``expr`` with aliases, partials and symbols replaced (number placeholders kept)."""
        expr = self._unaliased(expr)
        reps: dict[Any, Any] = {}
        for p in expr.atoms(Partial):
            v = self.partial(p, ev)
            if v is None:
                msg = f"d{p.of.name}/d{p.wrt.name} is not part of the network"
                raise Unknown(msg)
            reps[p] = v
        for bar in expr.atoms(AtPoint):
            v = self.at_bar(bar, ev)
            if v is None:
                raise Unknown("the evaluation bar sets what is not an input or parameter of the network")
            reps[bar] = v
        numbers = numbers or {}
        for s in sorted(expr.free_symbols, key=lambda s: s.name):  # the first missing name, stably
            if s in numbers:
                continue
            if s in ev.values:
                reps[s] = ev.values[s]
            elif s == self.names.eta and self.lr(ev) is not None:
                reps[s] = self.lr(ev)
            else:
                msg = f"no value for {s.name!r}"
                raise Unknown(msg)
        return expr.xreplace(reps)

    def _unaliased(self, expr: Expr) -> Expr:
        """``expr`` with the document's shorthands written out (up to 8 deep); ``expr`` itself if
        it uses none."""
        for _ in range(8):
            if not any(s in self.aliases for s in expr.free_symbols):
                break
            expr = expr.xreplace(self.aliases)
        return expr

    def value(self, expr: Expr, ev: Evaluation, numbers: Mapping[Symbol, Any]) -> Float:
        """A side's value, with its written numbers as written.

        Walked with mpmath (:mod:`.mpvalue`); a side it has no rule for takes SymPy's route.
        """
        leaf = self._leaves(ev, numbers)
        with contextlib.suppress(Fallback):
            return _as_float(evaluate(expr, leaf))
        with contextlib.suppress(Fallback):  # a shorthand (out = s_1 + s_2): written out, then walked
            full = self._unaliased(expr)
            if full is not expr:
                return _as_float(evaluate(full, leaf))
        e = self.resolve(expr, ev, numbers).xreplace({s: n.value for s, n in numbers.items()})
        v = number(e)
        if v is None:
            msg = "the value is not a finite real number here"
            raise Unknown(msg)
        return v

    @functools.cached_property
    def _known(self) -> dict[int, tuple[Evaluation, dict[Expr, Any]]]:
        """Per evaluation (by id, kept alive with it): its names' values for :func:`.mpvalue.evaluate`."""
        return {}

    def _leaves(self, ev: Evaluation, numbers: Mapping[Symbol, Any]) -> Callable[[Expr], Any]:
        """:meth:`_leaf` for :func:`.mpvalue.evaluate`, with the values of the names and derivatives
        at ``ev`` converted once per evaluation (a side's numbers are its own: looked up each time)."""
        known = self._known.get(id(ev))
        if known is None or known[0] is not ev:
            if len(self._known) >= KNOWN_EVALUATIONS:
                self._known.clear()
            known = self._known[id(ev)] = (ev, {})
        values = known[1]

        def leaf(x: Expr) -> Any:
            if x in numbers and not isinstance(x, Partial):
                return numbers[x].value
            v = values.get(x)
            if v is None:
                v = self._leaf(x, ev, _NO_NUMBERS)
                converted = as_value(v)
                if converted is not None:
                    values[x] = v = converted
            return v

        return leaf

    def _leaf(self, leaf: Expr, ev: Evaluation, numbers: Mapping[Symbol, Any]) -> Expr | None:
        """A name's or derivative's value for :meth:`value`, as :meth:`resolve` gives it (``None``
        for a shorthand, or anything :meth:`resolve` would refuse or rewrite)."""
        if isinstance(leaf, Partial):
            return self.partial(leaf, ev)
        if isinstance(leaf, AtPoint):
            return self.at_bar(leaf, ev)
        if leaf in numbers:
            return numbers[leaf].value
        if leaf in self.aliases:
            return None
        if leaf in ev.values:
            return ev.values[leaf]
        return self.lr(ev) if leaf == self.names.eta else None

    def slack(self, expr: Expr, ev: Evaluation, numbers: Mapping[Symbol, Any]) -> Float:
        """First-order error bound from the rounded numbers the side uses."""
        e = self.resolve(expr, ev, numbers)
        vals = {s: n.value for s, n in numbers.items()}
        total = Float(0, DPS)
        for s, n in numbers.items():
            if n.decimals == 0 or self.is_exact(n.value):
                continue
            d = number(sympy.diff(e, s).xreplace(vals))
            if d is None:
                continue
            total += abs(d) * Float(Rational(1, 2) / 10**n.decimals, DPS)
        return total

    def is_exact(self, value: Rational) -> bool:
        """Whether a written number is one of the point's own numbers (so it carries no rounding)."""
        fv = Float(value, DPS)
        return any(abs(fv - v) <= Float("1e-25") * max(1, abs(v)) for v in self.exact_values)

    # -------------------------------------------------- the document's numbers

    def following(self, key: Key, claims: Mapping[Key, Claim]) -> Float:
        """A quantity computed from the document's own claims (see :meth:`roots`).

        Raises:
            Unknown: The claims give no finite value here.
        """
        if key in claims:
            return claims[key].value
        return self.true_value(key, self._evaluation_of(claims))

    def _evaluation_of(self, claims: Mapping[Key, Claim]) -> Evaluation:
        """The derivation at the document's point with every claim pinned (cached per claims)."""
        assert self.point is not None
        state = frozenset(claims.items())
        if self._pinned is None or self._pinned[0] != state:
            net = self.network
            point = {s: self.point.values[s] for s in net.inputs + net.targets + net.parameters}
            try:
                ev = self.derivation.at(point, pinned={k: c.value for k, c in claims.items()}).evaluation
            except SymbackpropError as e:
                raise Unknown(e.message) from None
            assert ev is not None
            self._pinned = (state, ev)
        return self._pinned[1]

    def roots(self, key: Key, claims: Mapping[Key, Claim]) -> set[int]:
        """Lines of the wrong claims that :meth:`following` computes ``key`` from."""
        roots: set[int] = set()
        seen: set[Key] = set()
        stack = [key]
        while stack:
            k = stack.pop()
            if k in seen:
                continue
            seen.add(k)
            if k in claims:
                if claims[k].root is not None:
                    roots.add(claims[k].root)  # type: ignore[arg-type]
                continue
            stack.extend(self._sources(k))
        return roots

    def _sources(self, key: Key) -> Iterator[Key]:
        """The quantities whose numbers a quantity is computed from (one step back)."""
        d, net = self.derivation, self.network
        kind = key[0]
        if kind == "value" and key[1] in self.definition:
            yield from (("value", p) for p in self.definition[key[1]].free_symbols)
        elif kind == "local":
            symbols = self.symbols
            yield from (("value", p) for p in d.local(key[1], key[2]).general.free_symbols if p in symbols)
        elif kind == "adjoint" and key[1] != net.loss:
            for f in d.step(key[1]).factors:
                yield ("adjoint", f.of)
                yield ("local", f.of, f.wrt)
        elif kind == "update":
            yield ("value", key[1])
            yield ("adjoint", key[1])
