"""``symbackprop verify DOC``: point at the wrong equation of a hand derivation."""

from __future__ import annotations

import argparse

HELP = "check every equation of a Markdown/LaTeX derivation (exit 1 if one is wrong)"

#: Kept here as data so that --help does not import sympy.
POLICIES = ("round", "strict", "loose")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("document", help="the derivation (Markdown or LaTeX)")
    parser.add_argument(
        "--spec", help="check against this network spec instead of the document's own definitions"
    )
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the findings as one JSON object")
    out.add_argument(
        "--annotate",
        action="store_true",
        help="print the document with a mark and a correction after each equation",
    )
    parser.add_argument("-o", "--output", help="with --annotate: write the annotated document here")
    parser.add_argument(
        "--format", choices=("md", "tex"), help="document format (default: from the extension)"
    )
    parser.add_argument(
        "--digits-policy",
        choices=POLICIES,
        default="round",
        help="how shown numbers are judged: round (half a unit of the last digit plus slack from "
        "earlier rounded numbers; default), strict (half a unit only), loose (a whole unit: "
        "accepts truncation)",
    )


def run(args: argparse.Namespace) -> int:
    from ..errors import InputError
    from ..files import write_atomic
    from ..verify import verify

    if args.output and not args.annotate:
        raise InputError("--output needs --annotate", where="--output")
    report = verify(args.document, spec=args.spec, format=args.format, digits_policy=args.digits_policy)
    if args.json:
        print(report.to_json())
    elif args.annotate:
        text = report.annotate()
        if args.output:
            write_atomic(args.output, text)
        else:
            print(text, end="" if text.endswith("\n") else "\n")
    else:
        print(report.table(), end="")
    return 0 if report.ok else 1
