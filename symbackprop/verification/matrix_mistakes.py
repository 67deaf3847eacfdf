"""Naming the classic matrix-form mistake a wrong value reproduces.

Each mistake is one transformation of the matrix derivation (data, :data:`TRANSFORMS`):
the backward pass is run again at the spec's point with one step's recurrence
changed the way the mistake changes it, and the mistake whose value the line
shows is named:

* **a missing transpose**: ``W δ`` for ``Wᵀ δ`` (every transpose of one step dropped);
* **a dropped activation derivative**: ``δ_1 = W_2ᵀ δ_2`` without ``⊙ σ′(z_1)`` (a step
  through an elementwise function takes its child's δ unchanged);
* **a wrong order**: ``aᵀ δ`` (or ``a δᵀ``) for ``δ aᵀ`` (one step's matrix product reversed,
  or transposed);
* **a wrong sign**: the value negated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeAlias

import sympy
from sympy import Expr, Symbol

from ..core.derivation import Partial
from ..core.matrix_derivation import MatrixDerivation
from ..core.matrix_values import Evaluator
from ..core.tensors import MatProduct, Transposed
from ..errors import SymbackpropError
from .report import Mistake

__all__ = ["TRANSFORMS", "Target", "recognise"]

#: What a line is about: ``("value" | "adjoint" | "update", symbol)``.
Target: TypeAlias = tuple[str, Symbol]

#: A transformation: (derivation, target) -> the values the mistake gives.
Transform = Callable[[MatrixDerivation, Target], Iterator[Any]]


def _rerun(d: MatrixDerivation, changed: Mapping[Symbol, Expr]) -> dict[Symbol, Any]:
    """Every adjoint again, with some steps' recurrences replaced."""
    ev = d.evaluation
    assert ev is not None
    known: dict[Expr, Any] = dict(ev.values)
    out: dict[Symbol, Any] = {}
    for step in d.steps:
        value = Evaluator(known)(changed.get(step.symbol, step.recurrence()))
        out[step.symbol] = value
        known[step.adjoint] = value
    return out


def _result(d: MatrixDerivation, target: Target, adjoints: Mapping[Symbol, Any]) -> Any:
    kind, sym = target
    ev = d.evaluation
    assert ev is not None
    if kind == "adjoint":
        return adjoints[sym]
    if kind == "update" and ev.learning_rate is not None:
        return ev.values[sym] - ev.learning_rate * adjoints[sym]
    raise KeyError(sym)


def _each_change(d: MatrixDerivation, target: Target, change: Callable[[Any], Expr | None]) -> Iterator[Any]:
    """The target's value with one step changed at a time (steps ``change`` leaves alone are skipped)."""
    for step in d.steps:
        new = change(step)
        if new is None or new == step.recurrence():
            continue
        try:
            yield _result(d, target, _rerun(d, {step.symbol: new}))
        except (SymbackpropError, KeyError, ValueError, TypeError, ArithmeticError):
            continue


def _no_transpose(d: MatrixDerivation, target: Target) -> Iterator[Any]:
    def change(step: Any) -> Expr | None:
        expr = step.recurrence()
        flips = {t: t.args[0] for t in expr.atoms(Transposed)}
        return expr.xreplace(flips) if flips else None

    yield from _each_change(d, target, change)


def _no_activation_derivative(d: MatrixDerivation, target: Target) -> Iterator[Any]:
    definition = d.network.definition

    def change(step: Any) -> Expr | None:
        if len(step.terms) != 1:
            return None
        child = step.terms[0].child
        f = definition.get(child)
        if f is None or not isinstance(f, sympy.Function) or f.args != (step.symbol,):
            return None
        return Partial(d.loss, child)  # σ′ left out: the child's δ passed on unchanged

    yield from _each_change(d, target, change)


def _reversed_product(d: MatrixDerivation, target: Target) -> Iterator[Any]:
    for build in (lambda a, b: MatProduct(b, a), lambda a, b: Transposed(MatProduct(a, b))):

        def change(step: Any, build: Any = build) -> Expr | None:
            expr = step.recurrence()
            if not isinstance(expr, MatProduct):
                return None
            return build(*expr.args)

        yield from _each_change(d, target, change)


def _sign(d: MatrixDerivation, target: Target) -> Iterator[Any]:
    yield -_result(d, target, _rerun(d, {}))


#: The mistakes tried, in order, with the transformation that reproduces each.
TRANSFORMS: tuple[tuple[Mistake, Transform], ...] = (
    (Mistake.WRONG_SIGN, _sign),
    (Mistake.MISSING_TRANSPOSE, _no_transpose),
    (Mistake.DROPPED_ACTIVATION_DERIVATIVE, _no_activation_derivative),
    (Mistake.WRONG_ORDER, _reversed_product),
)


def recognise(d: MatrixDerivation, target: Target, matches: Callable[[Any], bool]) -> Mistake | None:
    """The first matrix-form mistake whose value ``matches`` what the line shows, or ``None``."""
    if target[0] == "value":
        return None
    try:
        truth = _result(d, target, _rerun(d, {}))
    except (SymbackpropError, KeyError):
        return None
    for mistake, transform in TRANSFORMS:
        for value in transform(d, target):
            if not matches(truth) and matches(value):
                return mistake
    return None
