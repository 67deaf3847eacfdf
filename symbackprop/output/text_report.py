"""A derivation as plain text, for a terminal: what ``symbackprop derive`` prints.

Written as a careful author would: textbook symbols (``1[z_1 > 0]``,
``σ(z_2)``, ``a_2·(1 - a_2)``, :func:`~symbackprop.output.printing.text`); every
number with ``digits`` decimals by the walkthrough's rule
(:func:`~symbackprop.output.numbers.shown`), ``≈`` before a rounded one and
``=`` before an exact one; negative numbers in parentheses where they are
substituted; local derivatives from the loss back; inputs and targets only on
request.  It says which point it derives at, and with a dataset it also derives
over the dataset, as the walkthrough does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sympy import Expr, Symbol

from ..core.derivation import Derivation, LocalFactor
from ..core.evaluation import DatasetEvaluation
from ..core.optimizers import DEFAULT_OPTIMIZER, first_step
from .formats import one_line
from .numbers import given, shown
from .printing import text
from .remarks import textbook_form
from .substitution import line_shown

__all__ = ["derivation_text"]


def _value(value: Expr, digits: int) -> str:
    """``= 0.25`` or ``≈ 0.2461``."""
    s = shown(value, digits)
    return ("= " if s.exact else "≈ ") + s.text


def _column(rows: Sequence[tuple[str, str]], indent: str = "  ") -> list[str]:
    """``label  = value`` lines with the labels padded to one width."""
    width = max((len(label) for label, _ in rows), default=0)
    return [f"{indent}{label:<{width}}  {value}" for label, value in rows]


def _point(derivation: Derivation, over: DatasetEvaluation | None) -> str:
    net, ev = derivation.network, derivation.evaluation
    assert ev is not None
    if over is None:
        return "point: the spec's values"
    given_symbols = net.inputs + net.targets
    for i, example in enumerate(over.examples, 1):
        if all(example.values[s] == ev.values[s] for s in given_symbols):
            return f"point: the spec's values, which are example {i} of the {len(over.examples)} in [dataset]"
    return f"point: the spec's values, which are none of the {len(over.examples)} examples in [dataset]"


def _local_order(derivation: Derivation, inputs: bool) -> list[LocalFactor]:
    """Every local derivative from the loss back; inputs and targets only when asked."""
    net = derivation.network
    leaves = set(net.inputs) | set(net.targets)
    position = {s: i for i, s in enumerate(net.symbols)}
    edges = [e for e in derivation.edges if inputs or e.wrt not in leaves]
    return sorted(edges, key=lambda e: (-position[e.of], position[e.wrt]))


def _local_line(derivation: Derivation, edge: LocalFactor, digits: int) -> tuple[str, str]:
    net, ev = derivation.network, derivation.evaluation
    assert ev is not None
    value = ev.local[(edge.of, edge.wrt)]
    textbook = textbook_form(net.definition[edge.of], edge.wrt, ev.values, text)
    form = text(edge.general if textbook is None else textbook.expr)
    shown_value = _value(value, digits)
    line = shown_value if form == shown(value, digits).text else f"= {form} {shown_value}"
    if textbook is not None:
        line += f"   ({textbook.plain})"
    for k in ev.kink_points:
        if k.node == edge.of:
            line += f"   ({text(k.condition)} = 0: {k.convention} by convention)"
    return f"∂{edge.of.name}/∂{edge.wrt.name}", line


def _kink_lines(derivation: Derivation) -> list[str]:
    ev = derivation.evaluation
    assert ev is not None
    return [
        f"note: {text(k.condition)} = 0 is a kink of {k.node.name}: {k.convention} by convention"
        for k in ev.kink_points
    ]


_THETA, _ETA, _GRADIENT = Symbol("theta"), Symbol("eta"), Symbol("g")
_UPDATE = _THETA - _ETA * _GRADIENT


def _update_lines(
    names: Sequence[Symbol], old: Any, gradients: Any, updates: Any, eta: Expr, digits: int
) -> list[tuple[str, str]]:
    """``θ <- θ − η · g ≈ new``, with a gradient shown to as many digits as reproduce ``new``."""
    rows = []
    for p in names:
        if p not in updates:
            continue
        inputs = {_THETA: old[p], _ETA: eta, _GRADIENT: gradients[p]}
        n = line_shown(_UPDATE, inputs, updates[p], digits=digits, leaves=frozenset({_THETA, _ETA}))
        g = n[_GRADIENT].text
        step = f"{n[_THETA].text} - {n[_ETA].text} · {f'({g})' if g.startswith('-') else g}"
        rows.append((p.name, f"<- {step} {_value(updates[p], digits)}"))
    return rows


def _optimizer_lines(derivation: Derivation, digits: int) -> list[str]:
    """The first update: gradient descent written out, or another optimiser's first step (t = 1)."""
    net, ev = derivation.network, derivation.evaluation
    assert ev is not None  # derivation_text evaluates the point first
    rate = given(ev.learning_rate).text
    if net.optimizer.name == DEFAULT_OPTIMIZER:
        head = f"gradient-descent update (learning rate {rate})"
        rows = _update_lines(net.parameters, ev.values, ev.adjoints, ev.updates, ev.learning_rate, digits)
    else:
        head = f"first {net.optimizer.name} step (learning rate {rate}; train runs the next ones)"
        rows = []
        for p in net.parameters:
            if p in ev.updates:
                step = first_step(net.optimizer, ev.adjoints[p], ev.values[p], ev.learning_rate)
                rows.append((p.name, f"<- {_value(step['new'], digits)}"))
    rows += [(f.name, "frozen (not updated)") for f in net.frozen]
    return ["", head, *_column(rows)]


def _dataset_lines(derivation: Derivation, over: DatasetEvaluation, digits: int) -> list[str]:
    net = derivation.network
    lines = [
        "",
        f"over the dataset ({over.reduction} of {len(over.examples)} examples, parameters as set up)",
    ]
    rows = [(f"{net.loss.name}", _value(over.loss, digits))]
    rows += [(f"∂{net.loss.name}/∂{p.name}", _value(over.gradients[p], digits)) for p in net.parameters]
    lines += _column(rows)
    if over.updates and net.learning_rate is not None:
        lines += [
            "",
            f"one gradient-descent step over the dataset (learning rate {given(net.learning_rate).text})",
        ]
        old = over.examples[0].values
        lines += _column(
            _update_lines(net.parameters, old, over.gradients, over.updates, net.learning_rate, digits)
        )
    return lines


def derivation_text(derivation: Derivation, *, digits: int = 6, inputs: bool = False) -> str:
    """The derivation at its point as text (see the module docstring).

    Args:
        derivation: A derivation with a point.
        digits: Decimals shown, as in the walkthrough.
        inputs: Also list local derivatives and gradients with respect to inputs and targets.
    """
    net, ev = derivation.network, derivation.evaluation
    assert ev is not None
    over = derivation.over_dataset()
    title = one_line(net.title or "")  # a title is one line: no newline, carriage return or escape
    lines = [title, ""] if title else []
    lines += [_point(derivation, over), "", "forward pass"]
    order = net.inputs + net.targets + net.parameters + net.nodes
    lines += _column([(s.name, _value(ev.values[s], digits)) for s in order])
    lines += [
        "",
        f"loss  {net.loss.name} {_value(ev.values[net.loss], digits)}",
        "",
        "local derivatives (from the loss back)",
    ]
    lines += _column([_local_line(derivation, e, digits) for e in _local_order(derivation, inputs)])
    wrt = net.parameters + ((net.inputs + net.targets) if inputs else ())
    lines += ["", f"gradients of {net.loss.name}"]
    lines += _column([(f"∂{net.loss.name}/∂{s.name}", _value(ev.adjoints[s], digits)) for s in wrt])
    if ev.learning_rate is not None:
        lines += _optimizer_lines(derivation, digits)
    if over is not None:
        lines += _dataset_lines(derivation, over, digits)
    kinks = _kink_lines(derivation)
    return "\n".join(lines + (["", *kinks] if kinks else []))
