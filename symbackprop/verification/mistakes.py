"""Naming the classic mistake a wrong value reproduces.

A wrong line is re-judged under each mistake's transformation of the truth:
the quantity is recomputed by the core derivation with one of its numbers
changed the way the mistake changes it (:meth:`Derivation.at` with
``pinned``), and the mistake whose value the line shows is named:

* **the derivative of ½(a − y)² used for binary cross-entropy**: ∂L/∂a pinned
  to ``a − y`` when the loss is binary cross-entropy;
* **a missing sum over paths**: one child's term dropped from an adjoint;
* **a dropped activation derivative**: an activation's local derivative pinned to 1;
* **a wrong sign**: the value negated;
* **a weight from the wrong edge**: a local derivative that is a weight
  replaced by another weight (or another weight in a forward sum);
* **a value from after the update used before it**: the quantity at the updated point;
* **rounding**: the number is the truth truncated (off by less than one unit
  of its last digit).

Transformations are data (:data:`TRANSFORMS`): adding a mistake is one
function that yields the changed values.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

import sympy
from sympy import Expr, Float, Symbol

from ..core.derivation import DPS, Evaluation
from ..errors import SymbackpropError
from .oracle import Key, Oracle, Unknown, close
from .report import Mistake

__all__ = ["TRANSFORMS", "recognise", "rounding"]

#: A transformation: (oracle, evaluation, quantity) -> the values the mistake gives.
Transform = Callable[[Oracle, Evaluation, Key], Iterator[Expr]]

#: Most pinned re-evaluations one transformation may try (bounded work on big networks).
MAX_TRIES = 40


def _pinned(o: Oracle, ev: Evaluation, key: Key, pins: dict[Key, Expr]) -> Expr | None:
    """The quantity recomputed at ``ev``'s point with some numbers pinned."""
    net = o.network
    point = {s: ev.values[s] for s in net.inputs + net.targets + net.parameters}
    try:
        pinned = o.derivation.at(point, pinned=pins).evaluation
        return None if pinned is None else o.true_value(key, pinned)
    except (SymbackpropError, Unknown, KeyError, ArithmeticError, ValueError, TypeError):
        return None


def _sign(o: Oracle, ev: Evaluation, key: Key) -> Iterator[Expr]:
    if key[0] != "update":
        yield -o.true_value(key, ev)
    else:
        p = key[1]
        lr = o.lr(ev)
        if lr is not None:
            yield ev.values[p] + lr * ev.adjoints[p]


def _is_bce(o: Oracle) -> Symbol | None:
    """The prediction ``a`` when the loss is binary cross-entropy of ``a`` and a target."""
    net = o.network
    loss = net.loss
    parents = [s for s in net.definition.get(loss, sympy.S.Zero).free_symbols if s not in net.targets]
    targets = [s for s in net.definition.get(loss, sympy.S.Zero).free_symbols if s in net.targets]
    if len(parents) != 1 or len(targets) != 1:
        return None
    a, y = parents[0], targets[0]
    try:
        general = o.derivation.local(loss, a).general
    except KeyError:
        return None
    rng = random.Random(1)
    for _ in range(2):
        pt = {a: sympy.Rational(rng.randint(20, 80), 100), y: sympy.Rational(rng.randint(0, 1))}
        want = (pt[a] - pt[y]) / (pt[a] * (1 - pt[a]))
        got = general.xreplace(pt)
        if not (got.is_number and close(Float(got, DPS), Float(want, DPS))):
            return None
    return a


def _bce(o: Oracle, ev: Evaluation, key: Key) -> Iterator[Expr]:
    a = _is_bce(o)
    if a is None:
        return
    y = next(s for s in o.network.definition[o.network.loss].free_symbols if s in o.network.targets)
    v = _pinned(o, ev, key, {("local", o.network.loss, a): ev.values[a] - ev.values[y]})
    if v is not None:
        yield v


def _ancestors(o: Oracle, key: Key) -> list[Symbol]:
    """The nodes whose adjoints a quantity is computed from (itself first)."""
    if key[0] not in ("adjoint", "update"):
        return []
    out: list[Symbol] = []
    stack = [key[1]]
    while stack:
        s = stack.pop()
        if s in out or s == o.network.loss:
            continue
        out.append(s)
        stack.extend(f.of for f in o.derivation.step(s).factors)
    return out


def _missing_path(o: Oracle, ev: Evaluation, key: Key) -> Iterator[Expr]:
    tries = 0
    for u in _ancestors(o, key):
        factors = o.derivation.step(u).factors
        if len(factors) < 2:
            continue
        for f in factors:
            if tries >= MAX_TRIES:
                return
            tries += 1
            dropped = ev.adjoints[u] - ev.adjoints[f.of] * ev.local[(f.of, f.wrt)]
            v = _pinned(o, ev, key, {("adjoint", u): dropped})
            if v is not None:
                yield v


def _activation_edges(o: Oracle) -> list[tuple[Symbol, Symbol]]:
    """Edges ``a -> z`` where ``a = f(z)`` is an activation of one argument."""
    out = []
    for d in o.network.definitions:
        e = d.expr
        one_node = isinstance(e, sympy.Function) and len(e.args) >= 1 and isinstance(e.args[0], Symbol)
        if one_node and d.symbol != o.network.loss:
            out.append((d.symbol, e.args[0]))
    return out


def _dropped_activation(o: Oracle, ev: Evaluation, key: Key) -> Iterator[Expr]:
    for a, z in _activation_edges(o)[:MAX_TRIES]:
        v = _pinned(o, ev, key, {("local", a, z): Float(1, DPS)})
        if v is not None:
            yield v


def _weight_edges(o: Oracle, key: Key) -> list[tuple[Symbol, Symbol, Symbol]]:
    """``(of, wrt, weight)``: edges the quantity is computed through whose local derivative is a weight."""
    params = set(o.network.parameters)
    out = []
    for u in _ancestors(o, key):
        for f in o.derivation.step(u).factors:
            general = o.derivation.local(f.of, f.wrt).general
            if general in params:
                out.append((f.of, f.wrt, general))
    return out


def _wrong_edge(o: Oracle, ev: Evaluation, key: Key) -> Iterator[Expr]:
    params = list(o.network.parameters)
    if key[0] == "value" and key[1] in o.network.definition:
        expr = o.network.definition[key[1]]
        for w in [p for p in params if p in expr.free_symbols]:
            for other in params:
                if other != w and other not in expr.free_symbols:
                    v = expr.xreplace({w: other}).xreplace(ev.values)
                    if v.is_number:
                        yield Float(v, DPS)
        return
    tries = 0
    for of, wrt, weight in _weight_edges(o, key):
        for other in params:
            if other == weight or tries >= MAX_TRIES:
                continue
            tries += 1
            v = _pinned(o, ev, key, {("local", of, wrt): ev.values[other]})
            if v is not None:
                yield v


def _updated(o: Oracle, ev: Evaluation, key: Key) -> Iterator[Expr]:
    """The updated weights used in a backward pass that should use the old ones (or a forward value
    computed at the updated point)."""
    if not ev.updates or key[0] == "update":
        return
    pins = {("local", of, wrt): ev.updates[w] for of, wrt, w in _weight_edges(o, key) if w in ev.updates}
    if pins:
        v = _pinned(o, ev, key, pins)
        if v is not None:
            yield v
    net = o.network
    point = {s: ev.values[s] for s in net.inputs + net.targets + net.parameters}
    point.update(ev.updates)
    try:
        later = o.derivation.at(point).evaluation
    except SymbackpropError:
        return
    if later is not None:
        yield o.true_value(key, later)


#: The mistakes tried, in order, with the transformation that reproduces each.
TRANSFORMS: tuple[tuple[Mistake, Transform], ...] = (
    (Mistake.WRONG_SIGN, _sign),
    (Mistake.BCE_WITH_MSE_DERIVATIVE, _bce),
    (Mistake.DROPPED_ACTIVATION_DERIVATIVE, _dropped_activation),
    (Mistake.MISSING_SUM_OVER_PATHS, _missing_path),
    (Mistake.WRONG_EDGE_WEIGHT, _wrong_edge),
    (Mistake.USED_UPDATED_VALUE, _updated),
)


def recognise(o: Oracle, ev: Evaluation, key: Key | None, matches: Callable[[Expr], bool]) -> Mistake | None:
    """The first classic mistake whose value ``matches`` what the line shows, or ``None``.

    Args:
        o: The oracle.
        ev: The evaluation the line is judged at.
        key: The quantity the line is about.
        matches: Whether a value is the one the line shows (within its rounding).
    """
    if key is None:
        return None
    truth = o.true_value(key, ev)
    for mistake, transform in TRANSFORMS:
        for value in transform(o, ev, key):
            if not close(value, truth) and matches(value):
                return mistake
    return None


def rounding(truth: Expr, written: Expr, decimals: int) -> bool:
    """The written number is the truth truncated at its last digit (instead of rounded)."""
    if decimals <= 0:
        return False
    scaled = Float(truth, DPS) * 10**decimals
    cut = sympy.Integer(int(scaled))  # toward zero
    return bool(cut == sympy.Rational(written) * 10**decimals and abs(scaled - cut) >= sympy.Rational(1, 2))
