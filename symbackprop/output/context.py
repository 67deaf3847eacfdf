"""The walkthrough context: a Derivation as plain data, the same for every format.

:func:`walkthrough_context` turns a derivation (and optionally a gradient
check) into strings, numbers, lists and dicts, with every piece of math already
printed by :mod:`symbackprop.output.printing` and every number shown by
:mod:`symbackprop.output.numbers`.  Nothing here differentiates or evaluates:
the numbers come from the :class:`~symbackprop.core.derivation.Evaluation` the
derivation already holds.  Nothing here is specific to a format either: text is
escaped, and tables laid out, by the format's filters in the template.

One builder per section (``_setup``, ``_graph``, ... ``_check``) reads a
:class:`_Source`: the evaluated derivation with its printer and number options.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

import sympy
from sympy import Expr, Symbol

from ..core.derivation import Derivation, Evaluation, Partial, Step, derive
from ..core.network import Network
from ..errors import InputError
from .compact import DETAILS, compact_backward
from .graph import GRAPH_LIMIT, graph_context
from .numbers import column, given, hand_quantizer, plain, scientific
from .patterns import Unordered
from .printing import Notation
from .remarks import Textbook, combined_remark, kink_note, textbook_form
from .source import ETA, MathPrinter, Source, number_data, paren
from .substitution import line_numbers
from .tables import check_table, gradient_table, setup_table, update_table
from .training_steps import training_context
from .user_functions import function_rows

__all__ = ["DATASET_COLUMNS", "DETAILS", "GRAPH_LIMIT", "ROUNDINGS", "SECTIONS", "walkthrough_context"]

#: Sections of a walkthrough, in order.
SECTIONS = ("setup", "graph", "forward", "loss", "backward", "gradients", "update", "dataset", "check")

#: Most dataset examples shown as columns.
DATASET_COLUMNS = 8

ROUNDINGS = ("exact", "hand")

# The section builders read a Source (see output/source.py) under its old names.
_Source = Source
_Printer = MathPrinter
_ETA, _number, _paren = ETA, number_data, paren


# ------------------------------------------------------------------ sections


def _setup(src: _Source) -> dict[str, Any]:
    net, p = src.net, src.printer

    def row(s: Symbol, role: str) -> dict[str, Any]:
        return {"name": s.name, "latex": src.sym(s), "role": role,
                "value": _number(given(src.ev.values[s], src.digits)), "frozen": s in net.frozen}  # fmt: skip

    eta = net.learning_rate
    return {
        "inputs": [row(s, "input") for s in net.inputs],
        "targets": [row(s, "target") for s in net.targets],
        "parameters": [row(s, "parameter") for s in net.parameters],
        "definitions": [
            {"name": d.symbol.name, "lhs": src.sym(d.symbol), "rhs": p.symbolic(d.expr)}
            for d in net.definitions
        ],
        "learning_rate": None if eta is None else _number(given(eta, src.digits)),
        "loss": {"name": net.loss.name, "latex": src.sym(net.loss)},
        "functions": function_rows(src.derivation, p),
    }


def _definition_row(src: _Source, symbol: Symbol, expr: Expr) -> dict[str, Any]:
    result = src.ev.values[symbol]
    value = src.num(result, ("value", symbol))
    substituted = src.substituted(expr, result)
    return {
        "name": symbol.name,
        "lhs": src.printer.symbolic(symbol),
        "rhs": src.printer.symbolic(expr),
        "substituted": substituted,
        "value": value,
        "trivial": substituted == value["latex"],
    }


def _forward(src: _Source) -> list[dict[str, Any]]:
    net = src.net
    return [_definition_row(src, d.symbol, d.expr) for d in net.definitions if d.symbol != net.loss]


def _loss(src: _Source) -> dict[str, Any]:
    net = src.net
    return {"name": net.loss.name, **_definition_row(src, net.loss, net.definition[net.loss])}


def _textbook(src: _Source, f: Any) -> Textbook | None:
    return textbook_form(src.net.definition[f.of], f.wrt, src.ev.values, src.printer.symbolic)


def _local_row(src: _Source, f: Any) -> dict[str, Any]:
    """One local derivative ∂of/∂wrt: its form (textbook where there is one), numbers, kink, remark."""
    p, ev = src.printer, src.ev
    result = ev.local[(f.of, f.wrt)]
    textbook = _textbook(src, f)
    general = f.general if textbook is None else textbook.expr
    kinks = [
        k for k in ev.kink_points if k.node == f.of and f.wrt in k.condition.free_symbols | {k.condition}
    ]
    notes = [kink_note(k, p.symbolic) for k in kinks] + ([textbook.remark] if textbook else [])
    return {
        "of": src.sym(f.of),
        "wrt": src.sym(f.wrt),
        "partial": p.symbolic(f.partial),
        "general": p.symbolic(general),
        "substituted": src.substituted(general, result),
        "value": src.num(result, ("local", f.of, f.wrt)),
        "note": r" \quad ".join(notes) or None,
    }


def _recurrence(src: _Source, step: Step) -> Expr:
    """Σ_c ∂L/∂c · (∂c/∂symbol in node names, textbook form where there is one)."""
    terms = []
    for f in step.factors:
        textbook = _textbook(src, f)
        general = f.general if textbook is None else textbook.expr
        terms.append(
            general
            if f.of == src.net.loss
            else sympy.Mul(Partial(src.net.loss, f.of), general, evaluate=False)
        )
    if not terms:  # nothing depends on it (a parameter the loss does not use): ∂L/∂symbol = 0
        return sympy.Integer(0)
    return sympy.Add(*terms, evaluate=False) if len(terms) > 1 else terms[0]


def _combined(src: _Source, step: Step) -> str | None:
    """The combined form of a step's chain, where there is one (σ(z) − y under binary cross-entropy)."""
    net = src.net
    return combined_remark(
        step.symbol, lambda s: src.derivation.step(s).children, net.definition, net.loss, src.printer.symbolic
    )


def _backward_step(src: _Source, step: Step) -> dict[str, Any]:
    net, p, ev = src.net, src.printer, src.ev
    leibniz = step.leibniz_recurrence()
    general = _recurrence(src, step)
    result = ev.adjoints[step.symbol]
    direct = len(step.factors) == 1 and step.factors[0].of == net.loss
    local = [_local_row(src, f) for f in step.factors]
    return {
        "name": step.symbol.name,
        "latex": src.sym(step.symbol),
        "role": step.role,
        "quantity": p.symbolic(Partial(net.loss, step.symbol)),
        "leibniz": None if direct else p.symbolic(leibniz),
        "general": p.symbolic(general),
        "substituted": src.substituted(general, result),
        "factors": src.substituted(leibniz, result),
        "value": src.num(result, ("adjoint", step.symbol)),
        "paths": len(step.factors),
        "local": local,
        # a direct derivative's note is its local line's (not shown); else the combined form, if any
        "note": local[0]["note"] if direct else _combined(src, step),
    }


def _layers(src: _Source) -> dict[Symbol, int]:
    """Each step's layer: its longest distance from the loss (a node comes after every node it feeds)."""
    net = src.net
    distance: dict[Symbol, int] = {net.loss: 0}
    for step in src.derivation.steps:  # reverse topological: children first
        if step.symbol != net.loss and step.factors:
            distance[step.symbol] = 1 + max(distance.get(f.of, 0) for f in step.factors)
    return distance


def _backward_order(src: _Source, distance: dict[Symbol, int]) -> list[Step]:
    """The backward steps layer by layer from the loss, each layer in the order of the definitions.

    So every node comes after all the nodes it feeds: o₁ before o₂, then the
    hidden layer, and so on; the parameters come last.
    """
    net = src.net
    position = {s: i for i, s in enumerate(net.nodes + net.parameters)}
    skipped = {net.loss, *net.inputs, *net.targets}
    steps = [s for s in src.derivation.steps if s.symbol not in skipped]
    nodes = sorted(
        (s for s in steps if s.role == "node"), key=lambda s: (distance.get(s.symbol, 0), position[s.symbol])
    )
    return nodes + [s for s in steps if s.role != "node"]


def _shape(src: _Source, step: Step) -> tuple[object, ...]:
    """What a step looks like, for finding units of the same shape: its symbol, definition and factors."""
    kinks = {k.node for k in src.ev.kink_points}
    factors = []
    for f in step.factors:
        textbook = _textbook(src, f)
        factors.append((f.of, f.wrt, f.general if textbook is None else textbook.expr, f.of in kinks))
    return (step.symbol, step.role, src.net.definition.get(step.symbol), Unordered(factors))


def _roles(net: Network) -> dict[Symbol, str]:
    groups = {"input": net.inputs, "target": net.targets, "parameter": net.parameters, "node": net.nodes}
    return {s: role for role, symbols in groups.items() for s in symbols} | {net.loss: "loss"}


def _backward(src: _Source, detail: str) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Every backward step's row, and (with ``detail="compact"``) the compact layout of them."""
    distance = _layers(src)
    order = _backward_order(src, distance)
    rows = {step.symbol: _backward_step(src, step) for step in order}
    compact = None
    if detail == "compact":
        roles = _roles(src.net)
        compact = compact_backward(
            src,
            order,
            rows,
            key=partial(_shape, src),
            role=lambda s: roles.get(s, "other"),
            layer=lambda s: distance.get(s, 0),
        )
    return list(rows.values()), compact


def _gradients(src: _Source) -> list[dict[str, Any]]:
    net, p, ev = src.net, src.printer, src.ev
    values = column(
        [ev.adjoints[param] for param in net.parameters],
        src.digits,
        src.flags([("adjoint", param) for param in net.parameters]),
    )
    return [
        {
            "name": param.name,
            "latex": src.sym(param),
            "quantity": p.symbolic(Partial(net.loss, param)),
            "chain": p.symbolic(src.derivation.leibniz(param)),
            "value": _number(value, ("adjoint", param) in ev.approx),
            "frozen": param in net.frozen,
        }
        for param, value in zip(net.parameters, values)
    ]


def _update_line(src: _Source, param: Symbol, numbers: dict[Any, str]) -> str:
    grad = numbers[(src.net.loss, param)]
    return r"%s - %s \cdot %s" % (numbers[param], numbers[_ETA], _paren(grad))


def _update(src: _Source) -> dict[str, Any] | None:
    net, p, ev = src.net, src.printer, src.ev
    if ev.learning_rate is None:
        return None
    rows = []
    for param in net.parameters:
        if param in net.frozen:
            continue
        grad = ev.adjoints[param]
        numbers = src.numbers(param - _ETA * Partial(net.loss, param), ev.updates[param])
        rows.append({
            "name": param.name,
            "latex": src.sym(param),
            "quantity": p.symbolic(Partial(net.loss, param)),
            "old": _number(given(ev.values[param], src.digits)),
            "gradient": src.num(grad, ("adjoint", param)),
            "new": src.num(ev.updates[param], ("update", param)),
            "substituted": _update_line(src, param, numbers),
        })  # fmt: skip
    return {
        "learning_rate": _number(given(ev.learning_rate, src.digits)),
        "rows": rows,
        "frozen": [{"name": f.name, "latex": src.sym(f)} for f in net.frozen],
    }


def _follows(src: _Source, examples: Sequence[Evaluation]) -> int | None:
    """The 1-based index of the example the sections above follow, or None when it is none of them."""
    given_symbols = src.net.inputs + src.net.targets
    for i, ev in enumerate(examples, 1):
        if all(ev.values[s] == src.ev.values[s] for s in given_symbols):
            return i
    return None


def _dataset(src: _Source) -> dict[str, Any] | None:
    """Per-example gradients (one column each, at most :data:`DATASET_COLUMNS`) and their reduction.

    Each column (an example, or the reduction) has one precision policy: its
    loss and gradients are shown with the same decimals (:func:`~symbackprop.output.numbers.column`).
    """
    over = src.derivation.over_dataset(src.quantizer())
    if over is None:
        return None
    net, sym = src.net, src.sym
    shown_examples = over.examples[:DATASET_COLUMNS]
    params = net.parameters
    columns, per_example = [], []
    for i, ev in enumerate(shown_examples, 1):
        given_text = ", ".join(
            f"{sym(s)} = {given(ev.values[s], src.digits).latex}" for s in net.inputs + net.targets
        )
        keys = [("value", net.loss), *(("adjoint", p) for p in params)]
        cells = column(
            [ev.values[net.loss], *(ev.adjoints[p] for p in params)], src.digits, src.flags(keys, ev.approx)
        )
        marked = [_number(c, k in ev.approx) for c, k in zip(cells, keys)]
        columns.append({"index": i, "given": given_text, "loss": marked[0]})
        per_example.append(marked[1:])
    reduced_keys = [("loss",), *(("gradient", p) for p in params)]
    reduced_values = [over.loss, *(over.gradients[p] for p in params)]
    reduced_cells = column(reduced_values, src.digits, src.flags(reduced_keys, over.approx))
    reduced = [_number(c, k in over.approx) for c, k in zip(reduced_cells, reduced_keys)]
    rows = [
        {"name": p.name, "latex": sym(p), "quantity": sym(p), "per_example": [col[j] for col in per_example],
         "reduced": reduced[j + 1], "frozen": p in net.frozen}
        for j, p in enumerate(params)
    ]  # fmt: skip
    return {
        "count": len(over.examples),
        "shown": len(shown_examples),
        "follows": _follows(src, over.examples),
        "reduction": over.reduction,
        "columns": columns,
        "rows": rows,
        "loss": reduced[0],
        "updates": _dataset_updates(src, over),
        "learning_rate": None if net.learning_rate is None else _number(given(net.learning_rate, src.digits)),
    }


def _dataset_updates(src: _Source, over: Any) -> list[dict[str, Any]]:
    """θ ← θ − η·(reduced gradient), with numbers that reproduce the new value."""
    net = src.net
    out = []
    for p, new in over.updates.items():
        old, gradient = over.examples[0].values[p], over.gradients[p]
        line = p - _ETA * Partial(net.loss, p)
        numbers = line_numbers(
            line,
            {p: old, _ETA: net.learning_rate, (net.loss, p): gradient},
            new,
            digits=src.digits,
            leaves=frozenset({p, _ETA}),
            reproduce=src.rounding == "exact",
        )
        gradient_shown = src.num(gradient, ("gradient", p), over.approx)
        gradient_latex = gradient_shown["latex"] if src.rounding == "hand" else numbers[(net.loss, p)]
        out.append({
            "name": p.name, "latex": src.sym(p), "old": _number(given(old, src.digits)),
            "gradient": gradient_shown,
            "gradient_latex": _paren(gradient_latex),
            "new": src.num(new, ("update", p), over.approx),
        })  # fmt: skip
    return out


def _check(src: _Source, report: Any) -> tuple[dict[str, Any] | None, Any]:
    """The gradient check's data, and its table (a point column only when there are several points)."""
    if report is None:
        return None, None
    gradients = [v for r in report.rows for v in (r.symbolic, r.numeric)]
    texts = dict(zip(gradients, (c.text for c in column(gradients, src.digits + 2))))
    values = texts.__getitem__  # one precision policy for both gradient columns
    errors = partial(scientific, digits=1)
    table = check_table(report, values=values, errors=errors)
    several = len(report.points) > 1
    view = table.select(
        *(["point"] if several else []), "parameter", "symbolic", "numeric", "rel_error", "verdict"
    )
    view = view.relabel(numeric="finite differences", rel_error="relative error")
    rows = [
        {"name": r.name, "latex": r.latex, "point": r.point, "symbolic": values(r.symbolic),
         "numeric": values(r.numeric), "abs_error": errors(r.abs_error), "rel_error": errors(r.rel_error),
         "verdict": r.verdict, "ok": r.ok}
        for r in report.rows
    ]  # fmt: skip
    data = {
        "ok": report.ok,
        "seed": report.seed,
        "points": len(report.points),
        "rtol": plain(report.rtol),
        "atol": plain(report.atol),
        "rows": rows,
    }
    return data, view


def _kinks(src: _Source) -> list[dict[str, Any]]:
    """Where the point is exactly at a kink, and the convention its derivative used there."""
    return [
        {
            "node": src.sym(k.node),
            "condition": src.printer.symbolic(k.condition),
            "convention": k.convention,
            "note": kink_note(k, src.printer.symbolic),
        }
        for k in src.ev.kink_points
    ]


# ------------------------------------------------------------------ the context


def _options(digits: int, rounding: str, sections: Sequence[str] | None, detail: str) -> tuple[str, ...]:
    if detail not in DETAILS:
        msg = f"detail must be 'compact' or 'full', not {detail!r}"
        raise InputError(msg)
    if rounding not in ROUNDINGS:
        msg = f"rounding must be 'exact' or 'hand', not {rounding!r}"
        raise InputError(msg)
    if not 0 <= digits <= 15:
        msg = f"digits must be between 0 and 15, not {digits}"
        raise InputError(msg)
    chosen = tuple(SECTIONS if sections is None else sections)
    for s in chosen:
        if s not in SECTIONS:
            msg = f"unknown section {s!r}; choose from {', '.join(SECTIONS)}"
            raise InputError(msg)
    return chosen


def _evaluated(source: Derivation | Network, rounding: str, digits: int) -> Derivation:
    """The derivation evaluated at its point (derived first from a Network), rounded as asked."""
    derivation = source if isinstance(source, Derivation) else derive(source, evaluate_point=False)
    if rounding == "hand" or derivation.evaluation is None:
        derivation = derivation.at(None, quantize=hand_quantizer(digits) if rounding == "hand" else None)
    return derivation


def walkthrough_context(
    source: Derivation | Network,
    *,
    digits: int = 4,
    rounding: str = "exact",
    notation: Notation | None = None,
    check: Any = None,
    sections: Sequence[str] | None = None,
    detail: str = "compact",
    steps: int = 0,
) -> dict[str, Any]:
    """The plain data a walkthrough template receives (documented in docs/template-context.md).

    Args:
        source: A Derivation with a point, or a Network with values.
        digits: Decimals shown (see :func:`symbackprop.output.numbers.shown`).
        rounding: ``"exact"`` rounds each shown number from the exact value;
            ``"hand"`` carries on with the numbers as shown, like a student.
        notation: Derivative, δ and multiplication-sign options.
        check: A :class:`~symbackprop.numeric.gradcheck.CheckReport`, or None.
        sections: Which of :data:`SECTIONS` to include (default: all).
        detail: ``"compact"`` (each layer's first unit worked in full, the units of the same
            shape in a table; see :mod:`symbackprop.output.compact`) or ``"full"`` (every step).
        steps: Training steps shown as a table (``training``; see :mod:`.training_steps`).
    """
    notation = notation or Notation()
    chosen = _options(digits, rounding, sections, detail)
    derivation = _evaluated(source, rounding, digits)
    src = _Source(derivation, _Printer(derivation, notation), digits, rounding)
    net = src.net
    gradients = _gradients(src)
    backward, compact = _backward(src, detail)
    setup, update = _setup(src), _update(src)
    check_data, check_view = _check(src, check)
    loss = src.sym(net.loss)
    d = r"\partial " if notation.derivative == "partial" else r"\mathrm{d}"
    dataset, training = _dataset(src), training_context(src, steps)
    if training is not None and not training["plain"]:  # the optimiser's own first step replaces these
        update, dataset = None, dataset and {**dataset, "updates": []}
    return {
        "title": net.title or "Backpropagation walkthrough",
        "sections": list(chosen),
        "digits": digits,
        "rounding": rounding,
        "notation": {"derivative": notation.derivative, "delta": notation.delta, "mul": notation.mul},
        "setup": setup,
        "graph": graph_context(net, src.sym),
        "graph_limit": GRAPH_LIMIT,
        "forward": _forward(src),
        "loss": _loss(src),
        "backward": backward,
        "detail": detail,
        "compact": compact,
        "gradients": gradients,
        "update": update,
        "check": check_data,
        "dataset": dataset,
        "training": training,
        "tables": {
            "gradients": gradient_table(gradients),
            "check": check_view,
            "setup": setup_table(setup),
            "update": None if update is None else update_table(update, gradients),
        },
        "kinks": _kinks(src),
        "deltas": notation.delta,
        "delta_example": r"\frac{%s%s}{%sn}" % (d, loss, d),
    }
