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
from .jsonout import dumps_finite, print_json
from .options import add_digits_option, add_set_option, apply_set

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
    add_set_option(parser)


@deep
def run(args: argparse.Namespace) -> int:
    from ..core.derivation import derive
    from ..notation.spec import load_spec

    network = apply_set(load_spec(args.spec), args.set)
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
    if ev.kink_points:
        report["kinks"] = [
            {"node": k.node.name, "at": str(k.condition), "convention": k.convention} for k in ev.kink_points
        ]
    over = derivation.over_dataset()
    if over is not None:
        report["dataset"] = {
            "reduction": over.reduction,
            "count": len(over.examples),
            "loss": float(over.loss),
            "gradients": {p.name: float(g) for p, g in over.gradients.items()},
            "update": {p.name: float(v) for p, v in over.updates.items()},
        }
    return report
