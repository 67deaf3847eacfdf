"""The walkthrough's training part: the optimiser's first step worked in full, and K steps as a table.

:func:`training_context` is plain data for the templates
(``templates/walkthrough_training.<format>.j2``), like the rest of the
walkthrough context (:mod:`symbackprop.output.context`):

* ``worked``: the first update of each parameter by the network's optimiser,
  each quantity of its registry entry (:mod:`symbackprop.core.optimizers`) as its
  formula, the numbers substituted, and the value.  The numbers come from the
  derivation's gradients (over the dataset when there is one) through the
  registry's rule (:func:`~symbackprop.core.optimizers.first_step`).  Gradient
  descent has no such part: the walkthrough's own update section is its first step.
* ``table``: with ``steps`` = K, the loss and every parameter after 0, 1, ... K
  updates, from the numeric engine (:func:`symbackprop.numeric.train`), so that
  it shows what ``symbackprop train`` computes.

Nothing here differentiates; numbers are shown by :mod:`symbackprop.output.numbers`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from string import Template
from typing import Any

from sympy import Expr, Symbol

from ..core.optimizers import Optimizer, first_step
from ..errors import InputError
from .numbers import Shown, column, given, shown
from .source import Source, number_data, paren

__all__ = ["MAX_STEPS", "TABLE_COLUMNS", "training_context"]

#: Most training steps a walkthrough shows.
MAX_STEPS = 100

#: Numbers from this magnitude on are shown in scientific notation in a table column.
HUGE = 1e12

#: Most parameter columns in one table; more parameters make more tables.
TABLE_COLUMNS = 5


def training_context(src: Source, steps: int = 0) -> dict[str, Any] | None:
    """The optimiser's worked first step and the table of ``steps`` steps, or ``None`` when there is
    nothing to add (gradient descent and no steps asked).

    Raises:
        InputError: ``steps`` is out of range, or steps are asked without a learning rate.
    """
    if not 0 <= steps <= MAX_STEPS:
        msg = f"--steps must be between 0 and {MAX_STEPS}, got {steps}"
        raise InputError(msg, where="--steps")
    net = src.net
    optimizer: Optimizer = net.optimizer
    plain = optimizer.name == "sgd"
    if net.learning_rate is None:
        if steps:
            msg = "--steps needs a learning rate: give learning_rate in [training]"
            raise InputError(msg, where="--steps")
        return None
    if plain and not steps:
        return None
    info = optimizer.info
    return {
        "optimizer": {
            "name": info.name,
            "title": info.title,
            "reference": info.reference,
            "hyper": [
                {
                    "key": h.key,
                    "latex": h.latex,
                    "meaning": h.meaning,
                    "value": number_data(given(v, src.digits)),
                }
                for h, (_, v) in zip(info.hyper, optimizer.settings)
            ],
        },
        "plain": plain,
        "learning_rate": number_data(given(net.learning_rate, src.digits)),
        "over": "the dataset" if net.dataset is not None else "the point",
        "worked": [] if plain else _worked(src, optimizer),
        "frozen": [{"name": f.name, "latex": src.sym(f)} for f in net.frozen],
        "steps": steps,
        "table": _table(src, steps) if steps else None,
    }


# ------------------------------------------------------------------ the first step, worked


def _starting_point(src: Source) -> tuple[Mapping[Symbol, Expr], Mapping[Symbol, Expr]]:
    """The parameters' values and the gradients that training's first step uses."""
    over = src.derivation.over_dataset(src.quantizer())
    if over is None:
        return src.ev.values, src.ev.adjoints
    return over.examples[0].values, over.gradients


def _worked(src: Source, optimizer: Optimizer) -> list[dict[str, Any]]:
    """One entry per parameter that is not frozen: its quantities, then its update."""
    values, gradients = _starting_point(src)
    return [
        _worked_parameter(src, optimizer, p, values[p], gradients[p])
        for p in src.net.parameters
        if p not in src.net.frozen
    ]


def _worked_parameter(src: Source, optimizer: Optimizer, p: Symbol, value: Expr, g: Expr) -> dict[str, Any]:
    info = optimizer.info
    eta = src.net.learning_rate
    result = first_step(optimizer, g, value, eta)
    shown_values = {k: shown(v, src.digits) for k, v in result.items()}
    hyper = dict(optimizer.settings)
    symbols = {"g": "g_{1}", "t": "1", **{f"{k}_prev": f"{k}_{{0}}" for k in info.state}}
    symbols |= {h.key: h.latex for h in info.hyper}
    symbols |= {q.key: Template(q.latex).substitute(t="1") for q in info.quantities}
    numbers = {"g": paren(shown(g, src.digits).latex), "t": "1", **{f"{k}_prev": "0" for k in info.state}}
    numbers |= {k: given(v, src.digits).latex for k, v in hyper.items()}
    numbers |= {q.key: paren(shown_values[q.key].latex) for q in info.quantities}
    lines = [
        {
            "lhs": symbols[q.key],
            "formula": Template(q.formula).substitute(symbols),
            "substituted": Template(q.formula).substitute(numbers),
            "value": number_data(shown_values[q.key]),
        }
        for q in info.quantities
    ]
    theta, eta_shown = src.sym(p), given(eta, src.digits).latex
    step_symbolic = Template(info.step).substitute(symbols)
    step_numbers = Template(info.step).substitute(numbers)
    return {
        "name": p.name,
        "latex": theta,
        "gradient": number_data(shown(g, src.digits)),
        "lines": lines,
        "move": {
            "formula": r"%s - \eta \cdot %s" % (theta, _grouped(step_symbolic)),
            "substituted": r"%s - %s \cdot %s"
            % (given(value, src.digits).latex, eta_shown, _grouped(step_numbers)),
            "new": number_data(shown_values["new"]),
        },
    }


def _grouped(latex: str) -> str:
    """``latex`` as one factor of a product: a fraction, a bracket or a symbol as it is, else bracketed."""
    if latex.startswith((r"\frac", r"\left(")) or not any(c in latex for c in " +-"):
        return latex
    return r"\left(%s\right)" % latex


# ------------------------------------------------------------------ K steps, as a table


def _column(values: Sequence[float], digits: int) -> list[Shown]:
    """One table column (one precision policy); a number that is not finite, or is beyond
    :data:`HUGE` (a diverging run), is shown on its own, in scientific notation."""
    plain = [math.isfinite(v) and abs(v) < HUGE for v in values]
    fixed = iter(column([v for v, p in zip(values, plain) if p], digits))
    return [next(fixed) if p else shown(v, digits) for v, p in zip(values, plain)]


def _table(src: Source, steps: int) -> dict[str, Any]:
    """The loss and parameters after 0 ... ``steps`` updates, as ``train`` computes them."""
    from ..numeric.training import train

    result = train(src.derivation, steps, record=True)
    net = src.net
    losses = [number_data(s) for s in _column(result.losses, src.digits)]
    names = [p.name for p in net.parameters]
    by_parameter = {n: _column([row[n] for row in result.history], src.digits) for n in names}
    parts = []
    for start in range(0, len(names), TABLE_COLUMNS):
        chunk = net.parameters[start : start + TABLE_COLUMNS]
        parts.append({
            "columns": [{"name": p.name, "latex": src.sym(p), "frozen": p in net.frozen} for p in chunk],
            "rows": [
                {"step": i, "loss": losses[i],
                 "cells": [number_data(by_parameter[p.name][i]) for p in chunk]}
                for i in range(len(result.losses))
            ],
        })  # fmt: skip
    return {
        "loss": src.sym(net.loss),
        "parts": parts,
        "diverged_at": result.diverged_at,
        "learning_rate": result.learning_rate,
    }
