"""``symbackprop derive SPEC``: every forward value, the loss, every gradient and update."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..recursion import deep
from .jsonout import dumps_finite, print_json
from .options import add_digits_option, add_set_option, apply_set

HELP = "derive every gradient of a spec and print the values (or JSON)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spec", help="the network spec (TOML)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    add_digits_option(parser, 6, "significant digits in the text output")
    add_set_option(parser)


@deep
def run(args: argparse.Namespace) -> int:
    from ..core.derivation import derive
    from ..notation.spec import load_spec

    network = apply_set(load_spec(args.spec), args.set)
    derivation = derive(network)
    report = derivation_report(derivation)
    if args.json:
        return print_json(report)
    print(format_report(report, digits=args.digits))
    _, non_finite = dumps_finite(report)
    if non_finite:
        names = ", ".join(f"{p.lstrip('/')} ({kind})" for p, kind in non_finite.items())
        print(f"note: not finite in double precision: {names}", file=sys.stderr)
    return 1 if non_finite else 0


def derivation_report(derivation: Any) -> dict[str, Any]:
    """Plain data for a derivation at its point: what ``--json`` prints."""
    network = derivation.network
    ev = derivation.evaluation
    order = network.inputs + network.targets + network.parameters + network.nodes
    report: dict[str, Any] = {
        "title": network.title,
        "loss": {"name": network.loss.name, "value": float(ev.values[network.loss])},
        "values": {s.name: float(ev.values[s]) for s in order},
        "adjoints": {s.name: float(ev.adjoints[s]) for s in order if s in ev.adjoints},
        "gradients": {p.name: float(ev.adjoints[p]) for p in network.parameters},
        "local": [
            {
                "of": e.of.name,
                "wrt": e.wrt.name,
                "expr": str(e.general),
                "value": float(ev.local[(e.of, e.wrt)]),
            }
            for e in derivation.edges
        ],
    }
    if ev.learning_rate is not None:
        report["learning_rate"] = float(ev.learning_rate)
        report["update"] = {p.name: float(v) for p, v in ev.updates.items()}
        if network.frozen:
            report["frozen"] = [p.name for p in network.frozen]
    if ev.kinks:
        report["kinks"] = [{"node": n.name, "at": str(c)} for n, c in ev.kinks]
    return report


def _g(value: float, digits: int) -> str:
    from ..output.numbers import significant

    return significant(value, digits)


def format_report(report: dict[str, Any], digits: int = 6) -> str:
    """The human-readable form of :func:`derivation_report` (the title on one line, no control characters)."""
    from ..output.formats import one_line

    width = max(len(n) for n in report["values"]) + 2
    lines = []
    title = one_line(report["title"] or "")
    if title:
        lines += [title, ""]
    lines.append("forward pass")
    for name, value in report["values"].items():
        lines.append(f"  {name:<{width}}= {_g(value, digits)}")
    loss = report["loss"]
    lines += [
        "",
        f"loss  {loss['name']} = {_g(loss['value'], digits)}",
        "",
        "backward pass (local derivatives)",
    ]
    for e in report["local"]:
        label = f"d{e['of']}/d{e['wrt']}"
        lines.append(f"  {label:<{2 * width + 2}}= {e['expr']} = {_g(e['value'], digits)}")
    lines += ["", f"gradients of {loss['name']}"]
    for name, value in report["gradients"].items():
        lines.append(f"  d{loss['name']}/d{name:<{width}}= {_g(value, digits)}")
    if "update" in report:
        eta = report["learning_rate"]
        lines += ["", f"gradient-descent update (learning rate {_g(eta, digits)})"]
        for name, new in report["update"].items():
            old, grad = report["values"][name], report["gradients"][name]
            step = f"{_g(old, digits)} - {_g(eta, digits)} * {_g(grad, digits)}"
            lines.append(f"  {name:<{width}}<- {step} = {_g(new, digits)}")
        for name in report.get("frozen", []):
            lines.append(f"  {name:<{width}}   frozen (not updated)")
    for k in report.get("kinks", []):
        lines.append(
            f"note: {k['node']} sits on a kink ({k['at']} = 0); its derivative uses the library convention"
        )
    return "\n".join(lines)
