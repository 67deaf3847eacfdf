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
from collections.abc import Callable, Mapping, Sequence
from string import Template
from typing import TYPE_CHECKING, Any

from sympy import Expr, Symbol

from ..core.optimizers import Optimizer, first_step
from ..errors import InputError
from .numbers import Shown, column, given, shown
from .source import Source, number_data, paren

if TYPE_CHECKING:
    from ..core.matrix import MatrixNetwork

__all__ = ["MAX_STEPS", "TABLE_COLUMNS", "matrix_training_context", "training_context"]

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
    net = src.net
    optimizer: Optimizer = net.optimizer
    plain = optimizer.name == "sgd"
    if not _steps_wanted(steps, net.learning_rate is not None) or (plain and not steps):
        return None
    return {
        "optimizer": _optimizer_data(optimizer, src.digits),
        "plain": plain,
        "learning_rate": number_data(given(net.learning_rate, src.digits)),
        "over": "the dataset" if net.dataset is not None else "the point",
        "worked": [] if plain else _worked(src, optimizer),
        "frozen": [{"name": f.name, "latex": src.sym(f)} for f in net.frozen],
        "steps": steps,
        "table": _table(src, steps) if steps else None,
    }


def _entry_columns(
    net: MatrixNetwork, sym: Callable[[Symbol], str], max_shown: int | None
) -> tuple[list[tuple[str, str, bool]], bool]:
    """One column per entry shown of each parameter (name in ``train``'s results, LaTeX, frozen), and
    whether a matrix has more entries than are shown."""
    columns, elided = [], False
    for p in net.parameters:
        grid = net.elements(p)
        rows, cols = len(grid), len(grid[0])
        limit = max(rows, cols) if max_shown is None else max_shown
        elided |= max(rows, cols) > limit
        for i, row in enumerate(grid[:limit]):
            for j, e in enumerate(row[:limit]):
                at = "" if rows == cols == 1 else f"[{i + 1}]" if cols == 1 else f"[{i + 1}, {j + 1}]"
                columns.append((e.name, sym(p) + at, p in net.frozen))
    return columns, elided


def _steps_wanted(steps: int, has_rate: bool) -> bool:
    """Whether there is a training part to show (a learning rate); ``steps`` checked.

    Raises:
        InputError: ``steps`` is out of range, or steps are asked without a learning rate.
    """
    if not 0 <= steps <= MAX_STEPS:
        msg = f"--steps must be between 0 and {MAX_STEPS}, got {steps}"
        raise InputError(msg, where="--steps")
    if not has_rate and steps:
        msg = "--steps needs a learning rate: give learning_rate in [training]"
        raise InputError(msg, where="--steps")
    return has_rate


def _optimizer_data(optimizer: Optimizer, digits: int) -> dict[str, Any]:
    info = optimizer.info
    return {
        "name": info.name,
        "title": info.title,
        "reference": info.reference,
        "hyper": [
            {"key": h.key, "latex": h.latex, "meaning": h.meaning, "value": number_data(given(v, digits))}
            for h, (_, v) in zip(info.hyper, optimizer.settings)
        ],
    }


def matrix_training_context(
    net: MatrixNetwork, sym: Callable[[Symbol], str], digits: int, steps: int, max_shown: int | None
) -> dict[str, Any] | None:
    """The matrix view's training part: the table of ``steps`` gradient-descent steps (step 1 is the
    walkthrough's own update section), every entry of every parameter a column labelled as the page
    writes the matrix (``W_{1}[1, 2]``; a column vector's ``b_{1}[2]``), from ``train`` on the matrix
    spec as ``symbackprop train`` runs it; ``None`` when no steps are asked.  Of a large matrix, the
    entries of its first ``max_shown`` rows and columns, as the page shows it (``elided``).

    Raises:
        InputError: As :func:`training_context`.
    """
    if not _steps_wanted(steps, net.learning_rate is not None) or not steps:
        return None
    scalar = net.scalar()
    columns, elided = _entry_columns(net, sym, max_shown)
    batch = any(len(net.elements(x)[0]) > 1 for x in net.inputs)
    return {
        "optimizer": _optimizer_data(scalar.optimizer, digits),
        "plain": True,
        "learning_rate": number_data(given(net.learning_rate, digits)),
        "over": "the batch" if batch else "the point",
        "worked": [],
        "frozen": [{"name": f.name, "latex": sym(f)} for f in net.frozen],
        "steps": steps,
        "table": _table_of(_train(scalar, steps), columns, sym(net.loss), digits),
        "elided": elided,
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


def _train(network: Any, steps: int) -> Any:
    from ..numeric.training import train

    return train(network, steps, record=True)


def _table(src: Source, steps: int) -> dict[str, Any]:
    """The loss and parameters after 0 ... ``steps`` updates, as ``train`` computes them."""
    net = src.net
    columns = [(p.name, src.sym(p), p in net.frozen) for p in net.parameters]
    return _table_of(_train(src.derivation, steps), columns, src.sym(net.loss), src.digits)


def _table_of(
    result: Any, columns: Sequence[tuple[str, str, bool]], loss: str, digits: int
) -> dict[str, Any]:
    """The table of a training run: ``columns`` are (name in ``train``'s results, LaTeX, frozen)."""
    losses = [number_data(s) for s in _column(result.losses, digits)]
    by_name = {n: _column([row[n] for row in result.history], digits) for n, _, _ in columns}
    parts = []
    for start in range(0, len(columns), TABLE_COLUMNS):
        chunk = columns[start : start + TABLE_COLUMNS]
        parts.append({
            "columns": [{"name": name, "latex": latex, "frozen": frozen} for name, latex, frozen in chunk],
            "rows": [
                {"step": i, "loss": loss_i, "cells": [number_data(by_name[name][i]) for name, _, _ in chunk]}
                for i, loss_i in enumerate(losses)
            ],
        })  # fmt: skip
    return {
        "loss": loss,
        "parts": parts,
        "diverged_at": result.diverged_at,
        "learning_rate": result.learning_rate,
    }
