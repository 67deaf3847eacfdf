"""A derivation's numbers at a point, computed on the named-node program.

One node at a time, in topological order, each definition and each local
derivative compiled once (:mod:`.arithmetic`) and applied to the values of the
nodes it names: never by substituting numbers into SymPy trees.  Values stay
exact fractions while they can (``0.1`` is read as 1/10, and
``0.1 + 0.4·0.5 + 0.3·(−1)`` is exactly 0); a transcendental step (exp, log,
σ of a non-zero number, tanh, ...) makes them 30-digit floats.  In an
:class:`Evaluation` an exact number is a SymPy ``Rational`` and an inexact one
a ``Float``, so ``isinstance(v, Rational)`` says whether a value is exact.

A point where a kink's condition is exactly zero is recorded as a
:class:`KinkPoint` with the convention the derivative used there.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import MAX_EMAX, MIN_EMIN, Decimal, localcontext
from fractions import Fraction
from typing import Any, Protocol

import mpmath
from sympy import Expr, Float, Rational, Symbol

from ..errors import InputError
from .arithmetic import (
    DPS,
    NotReal,
    Number,
    add,
    compiled,
    exact_value,
    from_sympy,
    kinks_of,
    mul2,
    to_sympy,
)

__all__ = [
    "DPS",
    "DatasetEvaluation",
    "Evaluation",
    "KinkPoint",
    "Quantizer",
    "decimal_value_of",
    "evaluate",
    "evaluate_dataset",
    "value_of",
]

#: ``quantize(value) -> (shown_value, was_rounded)``; used for hand rounding.
Quantizer = Callable[[Expr], "tuple[Expr, bool]"]

#: Names a computed number: ("value", s), ("local", of, wrt), ("adjoint", s), ("update", s);
#: for a dataset's reduction ("loss",) and ("gradient", p).
Key = tuple


@dataclass(frozen=True)
class KinkPoint:
    """A point where a definition is not differentiable, and the convention used there.

    Attributes:
        node: The node whose definition has the kink, e.g. ``a_1``.
        condition: The expression that is exactly zero there, e.g. ``z_1``.
        convention: The derivative used there, as the function registry states
            it: ``"ReLU'(0) = 0"``.
    """

    node: Symbol
    condition: Expr
    convention: str


@dataclass(frozen=True)
class Evaluation:
    """Every number of a derivation at one point: exact Rationals, or :data:`DPS`-digit Floats.

    Attributes:
        values: Every symbol's value (inputs, targets, parameters, nodes).
        local: ``(of, wrt) -> ∂of/∂wrt``.
        adjoints: ``symbol -> ∂L/∂symbol`` for every symbol.
        updates: ``parameter -> parameter − η·∂L/∂parameter`` for parameters
            that are not frozen, when a learning rate is known.
        learning_rate: η, or ``None``.
        approx: Keys of numbers that were rounded by a quantizer (hand
            rounding); renderers use it to choose between = and ≈.
        kinks: ``(node, condition)`` pairs where a non-differentiable point is
            hit exactly, so the value rests on a convention.
        kink_points: The same, with the convention used (:class:`KinkPoint`).
    """

    values: Mapping[Symbol, Expr]
    local: Mapping[tuple[Symbol, Symbol], Expr]
    adjoints: Mapping[Symbol, Expr]
    updates: Mapping[Symbol, Expr] = field(default_factory=dict)
    learning_rate: Expr | None = None
    approx: frozenset = frozenset()
    kinks: tuple[tuple[Symbol, Expr], ...] = ()
    kink_points: tuple[KinkPoint, ...] = ()

    def gradient(self, symbol: Symbol) -> Expr:
        return self.adjoints[symbol]

    def as_floats(self) -> dict[str, dict[str, float]]:
        """Plain floats keyed by name, e.g. for JSON."""
        return {
            "values": {s.name: float(v) for s, v in self.values.items()},
            "adjoints": {s.name: float(v) for s, v in self.adjoints.items()},
            "updates": {s.name: float(v) for s, v in self.updates.items()},
        }


@dataclass(frozen=True)
class DatasetEvaluation:
    """A derivation over every example of a dataset, and the reduction.

    Attributes:
        examples: One :class:`Evaluation` per example.
        reduction: ``"mean"`` or ``"sum"``.
        loss: The reduced loss.
        gradients: ``parameter -> reduced ∂L/∂parameter``.
        updates: ``parameter -> θ − η·reduced gradient`` (not frozen), if η is known.
        approx: Keys (``("loss",)``, ``("gradient", p)``, ``("update", p)``) of
            reduced numbers that hand rounding rounded.
    """

    examples: tuple[Evaluation, ...]
    reduction: str
    loss: Expr
    gradients: Mapping[Symbol, Expr]
    updates: Mapping[Symbol, Expr]
    approx: frozenset = frozenset()


class _Derivation(Protocol):
    """What evaluation reads of a :class:`~symbackprop.core.derivation.Derivation`."""

    @property
    def network(self) -> Any: ...

    @property
    def edges(self) -> Sequence[Any]: ...

    @property
    def steps(self) -> Sequence[Any]: ...

    @property
    def loss(self) -> Symbol: ...


class _Rounder:
    """Applies the quantizer (if any) to computed numbers and remembers which it rounded."""

    def __init__(self, quantize: Quantizer | None, pinned: Mapping[Key, Expr] | None = None) -> None:
        self.quantize = quantize
        self.pinned = pinned or {}
        self.approx: set[Key] = set()
        #: Whether any number can change here; when not, the evaluation skips the calls.
        self.active = quantize is not None or bool(self.pinned)

    def __call__(self, key: Key, value: Number, rounds: bool = True) -> Number:
        if key in self.pinned:  # a number the caller fixes (a hand derivation's own, maybe wrong)
            return _number(self.pinned[key])
        if self.quantize is None or not rounds:
            return value
        shown, rounded = self.quantize(to_sympy(value))
        if rounded:
            self.approx.add(key)
        return _number(shown)


#: A shown (hand-rounded) Float whose binary exponent is beyond this is carried as an mpmath
#: number, not as an exact fraction: 1.2e-2500000000 as a fraction would need gigabytes.
_EXACT_EXPONENT_BITS = 1 << 14


def _number(value: Expr) -> Number:
    if isinstance(value, Float) and value._mpf_[1] and abs(value._mpf_[2]) > _EXACT_EXPONENT_BITS:
        return from_sympy(value)
    return exact_value(value) if isinstance(value, (Rational, Float)) else from_sympy(value)


def _given(value: Any, name: str) -> Fraction:
    """A value of the point, exactly (0.1 is 1/10; a Float is read as its digits)."""
    if isinstance(value, Rational):  # the usual case, first
        return Fraction(int(value.p), int(value.q))
    if isinstance(value, float) and not math.isfinite(value):
        msg = f"{name}: expected a finite number, got {value!r}"
        raise InputError(msg)
    if isinstance(value, Expr) and value.is_number and not isinstance(value, (Rational, Float)):
        with contextlib.suppress(NotReal):
            value = to_sympy(from_sympy(value))  # sqrt(2), pi: their 30-digit value
    try:
        return exact_value(value)
    except TypeError:
        msg = f"{name}: expected a number, got {value!r}"
        raise InputError(msg) from None


def _run(expr: Expr, env: Mapping[Any, Number], what: Any) -> Number:
    """``expr`` at ``env``; ``what`` names it in the error (see :func:`_describe`).

    A node that is not a finite real number is an input error located at its
    key, ``[network] name``, so that the command line can name the spec's line.
    """
    try:
        return compiled(expr)(env)
    except (NotReal, ZeroDivisionError, OverflowError, ValueError) as e:
        reason = f"not a finite real number at this point ({e or type(e).__name__})"
        if "to compute" in str(e):  # finite, but beyond any number that can be shown
            reason = f"too {'large' if 'large' in str(e) else 'small'} to compute at this point ({e})"
        if isinstance(what, Symbol):
            raise InputError(reason, where=f"[network] {what.name}") from None
        raise InputError(f"{_describe(what)} is {reason}") from None


def _describe(what: Any) -> str:
    """What a failed number is: a text as given, or an edge as d{of}/d{wrt}.

    Passing the object and naming it only on failure keeps string building out of the hot loop.
    """
    if isinstance(what, str):
        return what
    return f"d{what.of.name}/d{what.wrt.name}"


def _point(derivation: _Derivation, point: Mapping[Symbol, Any] | None) -> dict[Any, Number]:
    """Every leaf's value, exactly: ``point`` over the network's own; one look-up per leaf."""
    net = derivation.network
    defaults = net.values
    out: dict[Any, Number] = {}
    missing = []
    for s in net.inputs + net.targets + net.parameters:
        value = point.get(s, _MISSING) if point else _MISSING
        if value is _MISSING:
            value = defaults.get(s, _MISSING)
            if value is _MISSING:
                missing.append(s.name)
                continue
        out[s] = _given(value, s.name)
    if missing:
        raise InputError("no value given for " + ", ".join(repr(m) for m in missing))
    return out


#: Marks a leaf without a value.
_MISSING = object()


def evaluate(
    derivation: _Derivation,
    point: Mapping[Symbol, Any] | None = None,
    quantize: Quantizer | None = None,
    pinned: Mapping[Key, Expr] | None = None,
) -> Evaluation:
    """Compute every number of ``derivation`` at ``point`` (see :meth:`Derivation.at`).

    Numbers stay Fractions and mpfs throughout; each becomes a SymPy number
    only when it is read from the :class:`Evaluation` (see :class:`_Numbers`).
    """
    net = derivation.network
    q = _Rounder(quantize, pinned)
    env = _point(derivation, point)
    if q.active:
        env = {s: q(("value", s), v, rounds=False) for s, v in env.items()}
    kinks = _forward(net, env, q)
    local = _locals(derivation.edges, env, q)
    adjoints = _adjoints(derivation, local, q)
    updates: dict[Symbol, Number] = {}
    eta = None if net.learning_rate is None else exact_value(net.learning_rate)
    if eta is not None:
        for p in net.parameters:
            if p not in net.frozen:
                updates[p] = q(("update", p), _update(env[p], eta, adjoints[p]))
    return Evaluation(
        values=_Numbers(env),
        local=_Numbers(_EdgeValues(derivation.edges, local)),
        adjoints=_Numbers(adjoints),
        updates=_Numbers(updates),
        learning_rate=net.learning_rate,
        approx=frozenset(q.approx),
        kinks=tuple((k.node, k.condition) for k in kinks),
        kink_points=tuple(kinks),
    )


def _forward(net: Any, env: dict[Any, Number], q: _Rounder) -> list[KinkPoint]:
    """Every node's value into ``env``, in topological order; returns the kinks hit exactly."""
    kinks: list[KinkPoint] = []
    active = q.active
    for d in net.definitions:
        symbol = d.symbol
        value = _run(d.expr, env, symbol)
        env[symbol] = q(("value", symbol), value) if active else value
        for condition, convention in kinks_of(d.expr):
            if _run(condition, env, f"the kink of {symbol.name!r}") == 0:
                kinks.append(KinkPoint(symbol, condition, convention))
    return kinks


def _locals(edges: Sequence[Any], env: Mapping[Any, Number], q: _Rounder) -> dict[int, Number]:
    """Every local derivative at the point, keyed by the ``id`` of its edge (no hashing of symbols)."""
    local: dict[int, Number] = {}
    active = q.active
    for e in edges:
        general = e.general
        value = env[general] if general.is_Symbol else _run(general, env, e)  # ∂z/∂w = a: a look-up
        local[id(e)] = q(("local", e.of, e.wrt), value) if active else value
    return local


def _update(theta: Number, eta: Number, gradient: Number) -> Number:
    """θ − η·g: exact when its inputs are.

    ``−1·(η·g)``, each product rounded once, is ``mul([−1, η, g])`` to the bit (−1·η is exact and
    round to nearest is symmetric), without mpmath's general product.
    """
    return add([theta, mul2(_MINUS_ONE, mul2(eta, gradient))])


_MINUS_ONE = Fraction(-1)


def _adjoints(derivation: _Derivation, local: Mapping[int, Number], q: _Rounder) -> dict[Symbol, Number]:
    """∂L/∂s for every symbol, in the order of the steps (``local`` is keyed by edge ``id``)."""
    adjoints: dict[Symbol, Number] = {}
    loss = derivation.loss
    active = q.active
    for step in derivation.steps:
        symbol, factors = step.symbol, step.factors
        if not factors and symbol == loss:
            adjoints[symbol] = q(("adjoint", symbol), _ONE, rounds=False) if active else _ONE
            continue
        if len(factors) == 1:
            value = mul2(adjoints[factors[0].of], local[id(factors[0])])
        else:
            value = add([mul2(adjoints[f.of], local[id(f)]) for f in factors]) if factors else _ZERO
        if active:
            # an adjoint that is one local factor of the loss is that factor, already rounded
            rounds = len(factors) > 1 or bool(factors and factors[0].of != loss)
            value = q(("adjoint", symbol), value, rounds=rounds)
        adjoints[symbol] = value
    return adjoints


_ZERO, _ONE = Fraction(0), Fraction(1)


def _sum_of_products(terms: Sequence[tuple[Number, Number]]) -> Number:
    return add([mul2(a, b) for a, b in terms]) if terms else _ZERO


class _EdgeValues(Mapping):
    """``(of, wrt) -> value`` over values kept by edge ``id``; the pair index is built on first use."""

    def __init__(self, edges: Sequence[Any], by_id: Mapping[int, Number]) -> None:
        self._edges = edges
        self._by_id = by_id
        self._index: dict[tuple[Symbol, Symbol], Number] | None = None

    def _pairs(self) -> dict[tuple[Symbol, Symbol], Number]:
        if self._index is None:
            self._index = {(e.of, e.wrt): self._by_id[id(e)] for e in self._edges}
        return self._index

    def __getitem__(self, key: tuple[Symbol, Symbol]) -> Number:
        return self._pairs()[key]

    def __iter__(self) -> Iterator[tuple[Symbol, Symbol]]:
        return iter(self._pairs())

    def __len__(self) -> int:
        return len(self._pairs())


class _Numbers(Mapping):
    """A read-only ``key -> SymPy number`` view of computed values, each converted on its first read.

    A derivation at a point computes thousands of numbers that may never be
    printed; converting them all to SymPy up front cost as much as computing them.
    """

    def __init__(self, raw: Mapping[Any, Number]) -> None:
        self._raw = raw
        self._done: dict[Any, Expr] = {}

    def __getitem__(self, key: Any) -> Expr:
        done = self._done.get(key)
        if done is None:
            done = self._done[key] = to_sympy(self._raw[key])
        return done

    def __iter__(self) -> Iterator[Any]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __contains__(self, key: object) -> bool:
        return key in self._raw

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict(self.items())!r})"


def value_of(expr: Expr, numbers: Mapping[Any, Any]) -> Expr:
    """``expr`` evaluated at ``numbers`` (symbol, or ``(of, wrt)`` for a Partial -> number), exactly
    where it can be.  The walkthrough uses it to check that shown numbers reproduce a shown result."""
    env = {k: from_sympy(v) if isinstance(v, Expr) else exact_value(v) for k, v in numbers.items()}
    return to_sympy(_run(expr, env, "the expression"))


def decimal_value_of(expr: Expr, numbers: Mapping[Any, Fraction]) -> Decimal:
    """:func:`value_of` for exact inputs, as a 40-digit Decimal (exact when the value is a short decimal)."""
    value = _run(expr, dict(numbers), "the expression")
    with localcontext() as ctx:
        ctx.prec, ctx.Emax, ctx.Emin = 40, MAX_EMAX, MIN_EMIN  # e^1000 is a finite number too
        if isinstance(value, Fraction):
            return Decimal(value.numerator) / Decimal(value.denominator)
        return Decimal(mpmath.libmp.to_str(value._mpf_, 40))


def evaluate_dataset(derivation: _Derivation, quantize: Quantizer | None = None) -> DatasetEvaluation | None:
    """Every example of the network's dataset evaluated, and the reduced gradients.

    Returns ``None`` when the network has no dataset.  Parameters come from the
    network's point; each example supplies the inputs and targets.  With a
    quantizer, the reduced numbers are rounded too, from the rounded per-example ones.
    """
    net = derivation.network
    dataset = net.dataset
    if dataset is None:
        return None
    examples = tuple(evaluate(derivation, dict(e), quantize) for e in dataset.examples)
    q = _Rounder(quantize)
    scale = Fraction(1, len(examples)) if dataset.reduction == "mean" else Fraction(1)

    def reduced(key: Key, per_example: list[Expr]) -> Number:
        total = _sum_of_products([(from_sympy(v), scale) for v in per_example])
        return q(key, total)

    loss = reduced(("loss",), [ev.values[net.loss] for ev in examples])
    gradients = {p: reduced(("gradient", p), [ev.adjoints[p] for ev in examples]) for p in net.parameters}
    updates: dict[Symbol, Number] = {}
    if net.learning_rate is not None:
        eta = exact_value(net.learning_rate)
        for p in net.parameters:
            if p not in net.frozen:
                old = from_sympy(examples[0].values[p])
                updates[p] = q(("update", p), _update(old, eta, gradients[p]))
    return DatasetEvaluation(
        examples,
        dataset.reduction,
        to_sympy(loss),
        _Numbers(gradients),
        _Numbers(updates),
        frozenset(q.approx),
    )
