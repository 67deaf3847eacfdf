"""``symbackprop walkthrough SPEC``: lecture notes in Markdown or LaTeX (any registered format)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..recursion import deep
from .options import add_digits_option, add_set_option, add_view_option, output_format

HELP = "write a step-by-step walkthrough (Markdown or LaTeX) of a spec's forward and backward pass"

# Kept here as data so that --help does not import SymPy (tests/test_startup.py checks that they
# agree with output.context.SECTIONS, output.context.ROUNDINGS and output.printing.MUL_SYMBOLS;
# tests/test_walkthrough_cli.py checks DETAILS against output.compact.DETAILS).
SECTIONS = ("setup", "graph", "forward", "loss", "backward", "gradients", "update", "dataset", "check")
ROUNDINGS = ("exact", "hand")
MUL_SYMBOLS = ("cdot", "times", "none")
DETAILS = ("compact", "full")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ..output.formats import FORMATS, format_names

    formats = ", ".join(f"{f.name} ({f.description}; {' '.join(f.suffixes)})" for f in FORMATS.values())
    parser.add_argument("spec", help="the network spec (TOML)")
    parser.add_argument(
        "--format",
        choices=format_names(),
        default=None,
        help=f"output format: {formats}; default: from the suffix of -o, else {format_names()[0]}",
    )
    parser.add_argument(
        "--standalone", action="store_true", help="LaTeX: a complete document, ready for pdflatex"
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    parser.add_argument(
        "--sections",
        default=None,
        help=f"comma-separated sections to include (default all: {','.join(SECTIONS)})",
    )
    add_digits_option(parser, 4, "decimals shown")
    parser.add_argument(
        "--rounding",
        choices=ROUNDINGS,
        default="exact",
        help="exact: round each number from the exact value; hand: carry on with the shown numbers",
    )
    parser.add_argument(
        "--detail",
        choices=DETAILS,
        default="compact",
        help="compact: each layer's first unit in full, the units like it in a table; full: every step",
    )
    parser.add_argument("--derivative", choices=("partial", "d"), default="partial", help="∂L/∂w or dL/dw")
    parser.add_argument("--delta", action="store_true", help="write ∂L/∂n as δ_n for nodes")
    parser.add_argument("--mul", choices=MUL_SYMBOLS, default="cdot", help="multiplication sign")
    parser.add_argument("--template", metavar="FILE", help="a Jinja2 template of your own (same context)")
    parser.add_argument("--no-check", action="store_true", help="leave out the gradient-check section")
    parser.add_argument(
        "--steps",
        type=int,
        default=0,
        metavar="K",
        help="add a table of K training steps (step 1 worked)",
    )
    add_view_option(parser, "layers as vectors and matrices (the default for a matrix spec)")
    add_set_option(parser)


@deep
def run(args: argparse.Namespace) -> int:
    from ..core.derivation import derive
    from ..core.matrix_derivation import derive_matrix
    from ..core.network import Network
    from ..files import check_not_input, write_atomic
    from ..output.printing import Notation
    from ..output.walkthrough import render
    from .derive import _read

    if args.output:
        check_not_input(args.output, [args.spec, args.template], where="--output")
    fmt = output_format(args.output, args.format)
    sections = None
    if args.sections is not None:
        sections = [s.strip() for s in args.sections.split(",") if s.strip()]
    network = _read(args)  # a MatrixNetwork in the matrix view, else a Network with --set applied
    matrix = not isinstance(network, Network)
    derivation: Any = derive_matrix(network) if matrix else derive(network, evaluate_point=False)  # once
    report = None
    if not args.no_check and (sections is None or "check" in sections):
        from ..numeric import check

        report = check(derivation)  # a matrix derivation is checked on its array program, entry by entry
    text = render(
        derivation,
        fmt,
        standalone=args.standalone,
        template=args.template,
        digits=args.digits,
        rounding=args.rounding,
        notation=Notation(derivative=args.derivative, delta=args.delta, mul=args.mul),
        check=report,
        sections=sections,
        detail=args.detail,
        steps=args.steps,
    )
    if args.output:
        write_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return 0
