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

from collections import ChainMap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from typing import Any

from sympy import Expr, Symbol

from ..core.derivation import Derivation, Evaluation, Partial, derive
from ..core.network import Network
from ..errors import InputError
from .numbers import hand_quantizer, plain, scientific, shown
from .printing import Notation, SymbackpropLatexPrinter, make_printer
from .tables import check_table, gradient_table

__all__ = ["DATASET_COLUMNS", "GRAPH_LIMIT", "ROUNDINGS", "SECTIONS", "walkthrough_context"]

#: Sections of a walkthrough, in order.
SECTIONS = ("setup", "graph", "forward", "loss", "backward", "gradients", "update", "dataset", "check")

#: Most dataset examples shown as columns.
DATASET_COLUMNS = 8

#: Largest network drawn as a picture, in defined nodes.
GRAPH_LIMIT = 20

ROUNDINGS = ("exact", "hand")

#: Notation.mul -> SymPy's ``mul_symbol`` setting.
_SYMPY_MUL = {"cdot": "dot", "times": "times", "none": None}


class _Printer:
    """Print symbolic and substituted math for one derivation and notation.

    Each expression is printed once: symbolic LaTeX is memoised by expression
    (equal SymPy trees print alike), and a printer is made once per table of
    numbers rather than once per call.
    """

    def __init__(self, derivation: Derivation, notation: Notation) -> None:
        net = derivation.network
        self.notation = notation
        self.base = {
            "latex_names": dict(net.latex_names),
            "derivative": notation.derivative,
            "delta": notation.delta,
            "delta_nodes": frozenset(net.nodes) - {net.loss},
            "loss": net.loss,
            "order": "none",
            "mul_symbol": None,
        }
        self._memo: dict[Expr, str] = {}
        self._printers: dict[int, tuple[Mapping[Any, str] | None, SymbackpropLatexPrinter]] = {}

    def _printer(self, numbers: Mapping[Any, str] | None = None) -> SymbackpropLatexPrinter:
        cached = self._printers.get(id(numbers))
        if cached is not None and cached[0] is numbers:
            return cached[1]
        settings = dict(self.base)
        mul = self.notation.mul
        if numbers is not None:
            settings["numbers"] = numbers
            mul = "cdot" if mul == "none" else mul  # products of numbers always get a sign
        settings["mul_symbol"] = _SYMPY_MUL[mul]
        printer = make_printer(settings)  # the class use_printer() installed
        if len(self._printers) >= 8:  # tables of one step come and go; keep the long-lived ones few
            self._printers.clear()
        self._printers[id(numbers)] = (numbers, printer)  # holding numbers keeps its id unique
        return printer

    def symbolic(self, expr: Expr) -> str:
        text = self._memo.get(expr)
        if text is None:
            text = self._memo[expr] = self._printer().doprint(expr)
        return text

    def substituted(self, expr: Expr, numbers: Mapping[Any, str]) -> str:
        return self._printer(numbers).doprint(expr)


@dataclass(frozen=True)
class _Source:
    """What every section builder reads: the evaluated derivation, its printer, the number options."""

    derivation: Derivation
    printer: _Printer
    digits: int
    rounding: str

    @property
    def net(self) -> Network:
        return self.derivation.network

    @property
    def ev(self) -> Evaluation:
        ev = self.derivation.evaluation
        assert ev is not None
        return ev

    def num(self, value: Expr, key: tuple | None = None) -> dict[str, Any]:
        """A number of the context: ``{text, latex, exact, rel}``.

        ``key`` names a computed value (``("adjoint", w)``) that hand rounding may have rounded.
        """
        s = shown(value, self.digits)
        exact = s.exact and (key is None or key not in self.ev.approx)
        return {"text": s.text, "latex": s.latex, "exact": exact, "rel": "=" if exact else r"\approx"}

    def latex(self, value: Expr) -> str:
        return shown(value, self.digits).latex

    def sym(self, s: Symbol) -> str:
        return self.printer.symbolic(s)

    @cached_property
    def value_numbers(self) -> dict[Symbol, str]:
        return {s: self.latex(v) for s, v in self.ev.values.items()}

    @cached_property
    def adjoint_numbers(self) -> dict[tuple[Symbol, Symbol], str]:
        return {(self.net.loss, s): self.latex(v) for s, v in self.ev.adjoints.items()}

    @cached_property
    def value_and_adjoint_numbers(self) -> dict[Any, str]:
        return {**self.value_numbers, **self.adjoint_numbers}

    @cached_property
    def local_numbers(self) -> dict[tuple[Symbol, Symbol], str]:
        return {k: self.latex(v) for k, v in self.ev.local.items()}

    def quantizer(self) -> Any:
        return hand_quantizer(self.digits) if self.rounding == "hand" else None


def _paren(text: str) -> str:
    return r"\left(%s\right)" % text if text.startswith("-") else text


# ------------------------------------------------------------------ sections


def _setup(src: _Source) -> dict[str, Any]:
    net, p = src.net, src.printer

    def row(s: Symbol, role: str) -> dict[str, Any]:
        return {"name": s.name, "latex": src.sym(s), "role": role, "value": src.num(src.ev.values[s]),
                "frozen": s in net.frozen}  # fmt: skip

    return {
        "inputs": [row(s, "input") for s in net.inputs],
        "targets": [row(s, "target") for s in net.targets],
        "parameters": [row(s, "parameter") for s in net.parameters],
        "definitions": [
            {"name": d.symbol.name, "lhs": src.sym(d.symbol), "rhs": p.symbolic(d.expr)}
            for d in net.definitions
        ],
        "learning_rate": None if net.learning_rate is None else src.num(net.learning_rate),
        "loss": {"name": net.loss.name, "latex": src.sym(net.loss)},
    }


def _graph(src: _Source) -> dict[str, Any] | None:
    """Nodes with layers and edges, for Mermaid and TikZ (None past :data:`GRAPH_LIMIT` nodes)."""
    net = src.net
    if len(net.nodes) > GRAPH_LIMIT:
        return None
    layer: dict[Symbol, int] = {s: 0 for s in net.inputs + net.targets + net.parameters}
    for d in net.definitions:
        parents = net.parents(d.symbol)
        layer[d.symbol] = 1 + max((layer[q] for q in parents), default=0)
    ids = {s: f"n{i}" for i, s in enumerate(net.symbols)}
    by_layer: dict[int, list[Symbol]] = {}
    for s in net.symbols:
        by_layer.setdefault(layer[s], []).append(s)
    nodes = []
    for k, members in sorted(by_layer.items()):
        for i, s in enumerate(members):
            role = net.role(s) if s != net.loss else "loss"
            nodes.append({"id": ids[s], "name": s.name, "latex": src.sym(s), "role": role, "x": 2.6 * k,
                          "y": -1.3 * i + 0.65 * (len(members) - 1)})  # fmt: skip
    edges = [
        {"source": ids[q], "target": ids[d.symbol]} for d in net.definitions for q in net.parents(d.symbol)
    ]
    return {"nodes": nodes, "edges": edges}


def _definition_row(src: _Source, symbol: Symbol, expr: Expr) -> dict[str, Any]:
    value = src.num(src.ev.values[symbol], ("value", symbol))
    substituted = src.printer.substituted(expr, src.value_numbers)
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


def _backward_step(src: _Source, step: Any) -> dict[str, Any]:
    net, p, ev = src.net, src.printer, src.ev
    leibniz = step.leibniz_recurrence()
    general = step.recurrence()
    numbers = src.value_and_adjoint_numbers
    local = {(f.of, f.wrt): src.local_numbers[(f.of, f.wrt)] for f in step.factors}
    factor_numbers = ChainMap(local, src.adjoint_numbers)  # not a copy per step: that was quadratic
    direct = len(step.factors) == 1 and step.factors[0].of == net.loss
    return {
        "name": step.symbol.name,
        "latex": src.sym(step.symbol),
        "role": step.role,
        "quantity": p.symbolic(Partial(net.loss, step.symbol)),
        "leibniz": None if direct else p.symbolic(leibniz),
        "general": p.symbolic(general),
        "substituted": p.substituted(general, numbers),
        "factors": p.substituted(leibniz, factor_numbers),
        "value": src.num(ev.adjoints[step.symbol], ("adjoint", step.symbol)),
        "paths": len(step.factors),
        "local": [
            {"of": src.sym(f.of), "wrt": src.sym(f.wrt), "partial": p.symbolic(f.partial),
             "general": p.symbolic(f.general), "substituted": p.substituted(f.general, src.value_numbers),
             "value": src.num(ev.local[(f.of, f.wrt)], ("local", f.of, f.wrt))}
            for f in step.factors
        ],
    }  # fmt: skip


def _backward(src: _Source) -> list[dict[str, Any]]:
    net = src.net
    skipped = {net.loss, *net.inputs, *net.targets}
    return [_backward_step(src, step) for step in src.derivation.steps if step.symbol not in skipped]


def _gradients(src: _Source) -> list[dict[str, Any]]:
    net, p = src.net, src.printer
    return [
        {
            "name": param.name,
            "latex": src.sym(param),
            "quantity": p.symbolic(Partial(net.loss, param)),
            "chain": p.symbolic(src.derivation.leibniz(param)),
            "value": src.num(src.ev.adjoints[param], ("adjoint", param)),
            "frozen": param in net.frozen,
        }
        for param in net.parameters
    ]


def _update(src: _Source) -> dict[str, Any] | None:
    net, p, ev = src.net, src.printer, src.ev
    if ev.learning_rate is None:
        return None
    eta = src.latex(ev.learning_rate)
    rows = []
    for param in net.parameters:
        if param in net.frozen:
            continue
        grad = ev.adjoints[param]
        rows.append({
            "name": param.name,
            "latex": src.sym(param),
            "quantity": p.symbolic(Partial(net.loss, param)),
            "old": src.num(ev.values[param]),
            "gradient": src.num(grad, ("adjoint", param)),
            "new": src.num(ev.updates[param], ("update", param)),
            "substituted": r"%s - %s \cdot %s" % (src.value_numbers[param], eta, _paren(src.latex(grad))),
        })  # fmt: skip
    return {
        "learning_rate": src.num(ev.learning_rate),
        "rows": rows,
        "frozen": [{"name": f.name, "latex": src.sym(f)} for f in net.frozen],
    }


def _dataset(src: _Source) -> dict[str, Any] | None:
    """Per-example gradients (one column each, at most :data:`DATASET_COLUMNS`) and their reduction."""
    over = src.derivation.over_dataset(src.quantizer())
    if over is None:
        return None
    net, num, sym = src.net, src.num, src.sym
    shown_examples = over.examples[:DATASET_COLUMNS]
    columns = []
    for i, ev in enumerate(shown_examples, 1):
        given = ", ".join(f"{sym(s)} = {src.latex(ev.values[s])}" for s in net.inputs + net.targets)
        columns.append({"index": i, "given": given, "loss": num(ev.values[net.loss])})
    rows = [
        {"name": p.name, "latex": sym(p), "quantity": sym(p),
         "per_example": [num(ev.adjoints[p]) for ev in shown_examples], "reduced": num(over.gradients[p]),
         "frozen": p in net.frozen}
        for p in net.parameters
    ]  # fmt: skip
    updates = [
        {"name": p.name, "latex": sym(p), "old": num(over.examples[0].values[p]),
         "gradient": num(over.gradients[p]), "gradient_latex": _paren(src.latex(over.gradients[p])),
         "new": num(v)}
        for p, v in over.updates.items()
    ]  # fmt: skip
    return {
        "count": len(over.examples),
        "shown": len(shown_examples),
        "reduction": over.reduction,
        "columns": columns,
        "rows": rows,
        "loss": num(over.loss),
        "updates": updates,
        "learning_rate": None if net.learning_rate is None else num(net.learning_rate),
    }


def _check(src: _Source, report: Any) -> tuple[dict[str, Any] | None, Any]:
    """The gradient check's data, and its table (a point column only when there are several points)."""
    if report is None:
        return None, None
    values = partial(_gradient_text, digits=src.digits + 2)
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


def _gradient_text(value: Any, digits: int) -> str:
    return shown(value, digits).text


# ------------------------------------------------------------------ the context


def _options(digits: int, rounding: str, sections: Sequence[str] | None) -> tuple[str, ...]:
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
) -> dict[str, Any]:
    """The plain data a walkthrough template receives (documented in docs/template-context.md).

    Args:
        source: A Derivation with a point, or a Network with values.
        digits: Decimals shown (see :func:`symbackprop.output.numbers.shown`).
        rounding: ``"exact"`` rounds each shown number from the exact value;
            ``"hand"`` carries on with the numbers as shown, like a student.
        notation: Derivative, δ and multiplication-sign options.
        check: A :class:`~symbackprop.numeric.scalar.CheckReport`, or None.
        sections: Which of :data:`SECTIONS` to include (default: all).
    """
    notation = notation or Notation()
    chosen = _options(digits, rounding, sections)
    derivation = _evaluated(source, rounding, digits)
    src = _Source(derivation, _Printer(derivation, notation), digits, rounding)
    net = src.net
    gradients = _gradients(src)
    check_data, check_view = _check(src, check)
    loss = src.sym(net.loss)
    d = r"\partial " if notation.derivative == "partial" else r"\mathrm{d}"
    return {
        "title": net.title or "Backpropagation walkthrough",
        "sections": list(chosen),
        "digits": digits,
        "rounding": rounding,
        "notation": {"derivative": notation.derivative, "delta": notation.delta, "mul": notation.mul},
        "setup": _setup(src),
        "graph": _graph(src),
        "graph_limit": GRAPH_LIMIT,
        "forward": _forward(src),
        "loss": _loss(src),
        "backward": _backward(src),
        "gradients": gradients,
        "update": _update(src),
        "check": check_data,
        "dataset": _dataset(src),
        "tables": {"gradients": gradient_table(gradients), "check": check_view},
        "kinks": [{"node": src.sym(n), "condition": src.printer.symbolic(c)} for n, c in src.ev.kinks],
        "deltas": notation.delta,
        "delta_example": r"\frac{%s%s}{%sn}" % (d, loss, d),
    }
