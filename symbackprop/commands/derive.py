"""``symbackprop derive SPEC``: every forward value, the loss, every gradient and update.

The text output is written as a careful author would: textbook symbols
(``1[z_1 > 0]``, ``σ(z_2)``, ``a_2·(1 - a_2)``), every number with ``--digits``
decimals by the walkthrough's rule (:func:`~symbackprop.output.numbers.shown`),
``≈`` before every rounded one and ``=`` before exact ones, negative numbers in
parentheses where they are substituted.  It says which point it derives at
and, with a ``[dataset]``, also derives over the dataset as the walkthrough does.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..recursion import deep
from .jsonout import dumps_finite, json_number, print_json
from .options import add_digits_option, add_set_option, add_view_option, apply_set

HELP = "derive every gradient of a spec and print the values (or JSON)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spec", help="the network spec (TOML)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    add_digits_option(
        parser, 6, "decimals shown, as in walkthrough; values with at most N+1 decimals are exact"
    )
    parser.add_argument(
        "--inputs",
        action="store_true",
        help="also list the local derivatives with respect to inputs and targets, and their gradients",
    )
    add_view_option(parser, "vectors and matrices, layer by layer (the default for a matrix spec)")
    add_set_option(parser)


@deep
def run(args: argparse.Namespace) -> int:
    from ..core.derivation import derive
    from ..core.network import Network

    network = _read(args)
    if not isinstance(network, Network):
        return run_matrix(network, args)
    derivation = derive(network)
    if args.json:
        return print_json(derivation_report(derivation))
    from ..output.text_report import derivation_text

    print(derivation_text(derivation, digits=args.digits, inputs=args.inputs))
    _, non_finite = dumps_finite(derivation_report(derivation))
    if non_finite:
        names = ", ".join(f"{p.lstrip('/')} ({kind})" for p, kind in non_finite.items())
        print(f"note: not finite in double precision: {names}", file=sys.stderr)
    return 1 if non_finite else 0


def derivation_report(derivation: Any) -> dict[str, Any]:
    """Plain data for a derivation at its point: what ``--json`` prints.

    Every number goes through :func:`~.jsonout.json_number`: a finite value
    beyond a double (e¹⁰⁰⁰) is written as text under ``"beyond_double"``, never as inf.
    """
    network = derivation.network
    ev = derivation.evaluation
    order = network.inputs + network.targets + network.parameters + network.nodes
    report: dict[str, Any] = {
        "title": network.title,
        "loss": {"name": network.loss.name, "value": json_number(ev.values[network.loss])},
        "values": {s.name: json_number(ev.values[s]) for s in order},
        "adjoints": {s.name: json_number(ev.adjoints[s]) for s in order if s in ev.adjoints},
        "gradients": {p.name: json_number(ev.adjoints[p]) for p in network.parameters},
        "local": [
            {
                "of": e.of.name,
                "wrt": e.wrt.name,
                "expr": str(e.general),
                "value": json_number(ev.local[(e.of, e.wrt)]),
            }
            for e in derivation.edges
        ],
    }
    if ev.learning_rate is not None:
        report["learning_rate"] = json_number(ev.learning_rate)
        report["update"] = {p.name: json_number(v) for p, v in ev.updates.items()}
        if network.frozen:
            report["frozen"] = [p.name for p in network.frozen]
    if ev.kink_points:
        report["kinks"] = [
            {"node": k.node.name, "at": str(k.condition), "convention": k.convention} for k in ev.kink_points
        ]
    over = derivation.over_dataset()
    if over is not None:
        report["dataset"] = {
            "reduction": over.reduction,
            "count": len(over.examples),
            "loss": json_number(over.loss),
            "gradients": {p.name: json_number(g) for p, g in over.gradients.items()},
            "update": {p.name: json_number(v) for p, v in over.updates.items()},
        }
    return report


def _g(value: float, digits: int) -> str:
    from ..output.numbers import significant

    return significant(value, digits)


def _read(args: argparse.Namespace) -> Any:
    """The spec as ``--view`` asks: a MatrixNetwork (matrix view), else a Network with ``--set`` applied."""
    from ..core.network import Network
    from ..errors import InputError
    from ..notation.spec import read_spec

    spec = read_spec(args.spec)
    if isinstance(spec, Network):
        if args.view == "matrix":
            msg = "--view matrix needs a matrix spec (an array in [inputs], [targets] or [parameters])"
            raise InputError(msg, where="--view")
        return apply_set(spec, args.set)
    if args.view == "scalar":
        return apply_set(spec.scalar(), args.set)
    return spec.from_scalar(apply_set(spec.scalar(), args.set)) if args.set else spec


def run_matrix(network: Any, args: argparse.Namespace) -> int:
    """``derive`` in the matrix view: every vector and matrix, layer by layer."""
    from ..core.matrix_derivation import derive_matrix

    report = matrix_report(derive_matrix(network))
    if args.json:
        return print_json(report)
    print(format_matrix_report(report, digits=max(1, args.digits)))
    return 0


def _text(expr: Any) -> str:
    import sympy

    return sympy.sstr(expr, order="none")


def matrix_report(derivation: Any) -> dict[str, Any]:
    """Plain data for a matrix derivation at its point: every value in its quantity's shape.

    A scalar is a number, a column a list, a matrix a list of rows (as a spec writes them).
    """
    from ..core.matrix import nested
    from ..errors import SizeLimitError

    network = derivation.network
    ev = derivation.evaluation
    order = network.symbols
    steps = []
    for step in derivation.steps:
        s = step.symbol
        try:
            closed: str | None = _text(derivation.closed_form(s))
        except SizeLimitError:
            closed = None
        forms = {
            "leibniz": _text(derivation.leibniz(s)),
            "recurrence": _text(derivation.recurrence(s)),
            "textbook": _text(derivation.textbook(s)),
            "general": _text(derivation.general_form(s)),
            "closed": closed,
        }
        steps.append({"symbol": s.name, "role": step.role, "shape": list(step.shape), **forms})
    report: dict[str, Any] = {
        "title": network.title,
        "view": "matrix",
        "layout": "a gradient has its parameter's shape",
        "shapes": {s.name: list(network.shapes[s]) for s in order},
        "loss": {"name": network.loss.name, "value": nested(ev.values[network.loss])},
        "values": {s.name: nested(ev.values[s]) for s in order},
        "adjoints": {s.name: nested(ev.adjoints[s]) for s in order if s in ev.adjoints},
        "gradients": {p.name: nested(ev.adjoints[p]) for p in network.parameters},
        "steps": steps,
    }
    if ev.learning_rate is not None:
        report["learning_rate"] = ev.learning_rate
        report["update"] = {p.name: nested(v) for p, v in ev.updates.items()}
        if network.frozen:
            report["frozen"] = [p.name for p in network.frozen]
    return report


def _matrix_text(value: Any, digits: int, edge: int = 3) -> str:
    """A number, column or matrix as text; past 2·edge rows or columns, the middle is elided."""

    def items(xs: list[Any], show: Any) -> str:
        parts = (
            [show(x) for x in xs]
            if len(xs) <= 2 * edge
            else [*(show(x) for x in xs[:edge]), "…", *(show(x) for x in xs[-edge:])]
        )
        return "[" + ", ".join(parts) + "]"

    if not isinstance(value, list):
        return _g(value, digits)
    if value and isinstance(value[0], list):
        return items(value, lambda row: items(row, lambda v: _g(v, digits)))
    return items(value, lambda v: _g(v, digits))


def format_matrix_report(report: dict[str, Any], digits: int = 6) -> str:
    """The human-readable form of :func:`matrix_report`."""

    def shape(name: str) -> str:
        r, c = report["shapes"][name]
        return f"({r}×{c})"

    width = max(len(n) + len(shape(n)) for n in report["values"]) + 3
    lines = [report["title"], ""] if report["title"] else []
    lines += [f"matrix view: {report['layout']}", "", "forward pass"]
    for name, value in report["values"].items():
        lines.append(f"  {name + ' ' + shape(name):<{width}}= {_matrix_text(value, digits)}")
    loss = report["loss"]
    lines += ["", f"loss  {loss['name']} = {_matrix_text(loss['value'], digits)}", "", "backward pass"]
    for step in report["steps"]:
        if step["role"] in ("loss", "target"):
            continue
        name = f"d{loss['name']}/d{step['symbol']}"
        lines.append(f"  {name} = {step['recurrence']}")
        if step["textbook"] != step["recurrence"]:
            lines.append(f"  {' ' * len(name)} = {step['textbook']}")
        lines.append(f"  {' ' * len(name)} = {_matrix_text(report['adjoints'][step['symbol']], digits)}")
    lines += ["", f"gradients of {loss['name']}"]
    for name, value in report["gradients"].items():
        lines.append(f"  d{loss['name']}/d{name + ' ' + shape(name):<{width}}= {_matrix_text(value, digits)}")
    if "update" in report:
        lines += ["", f"gradient-descent update (learning rate {_g(report['learning_rate'], digits)})"]
        for name, new in report["update"].items():
            lines.append(f"  {name:<{width}}<- {_matrix_text(new, digits)}")
        for name in report.get("frozen", []):
            lines.append(f"  {name:<{width}}   frozen (not updated)")
    return "\n".join(lines)
