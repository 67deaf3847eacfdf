"""``symbackprop verify DOC``: point at the wrong equation of a hand derivation."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..files import Snapshot

HELP = (
    "check every equation of a derivation: Markdown, LaTeX, notebook or web page "
    "(exit 1 if one is wrong; with --strict, also if one is not checked)"
)

#: Kept here as data so that --help does not import sympy.
POLICIES = ("round", "strict", "loose")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "document", nargs="+", help="the derivation(s): Markdown, LaTeX, Jupyter notebook or saved HTML page"
    )
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
    parser.add_argument(
        "-o", "--output", help="with --annotate: write the annotated document to this new file"
    )
    parser.add_argument(
        "--in-place", action="store_true", help="with --annotate: rewrite the document itself (atomically)"
    )
    parser.add_argument(
        "--format",
        choices=("md", "tex", "ipynb", "html"),
        help="document format (default: from the extension)",
    )
    parser.add_argument(
        "--digits-policy",
        choices=POLICIES,
        default="round",
        help="how shown numbers are judged: round (a number with k decimals stands for +- half a unit "
        "of its last digit, and a result carries the interval it was computed in; default), strict "
        "(half a unit, nothing carried: every number must be its true value correctly rounded), "
        "loose (a whole unit: accepts truncation)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="also exit 1 when an equation is not checked (for CI and documentation builds)",
    )


def run(args: argparse.Namespace) -> int:
    from ..verification import verify

    _check_options(args)
    read = _read_for_writing(args)
    texts = {doc: snapshot.text for doc, snapshot in read.items()}
    if args.annotate:
        texts = _without_notes(args, texts)
    reports = [
        verify(
            doc,
            spec=args.spec,
            text=texts.get(doc),
            format=args.format,
            digits_policy=args.digits_policy,
            strict=args.strict,
        )
        for doc in args.document
    ]
    for doc, report in zip(args.document, reports):
        if args.json:
            print(report.to_json())
        elif args.annotate:
            _annotated(args, doc, report.annotate(), read)
        else:
            print(report.table(), end="")
    return 0 if all(r.ok for r in reports) else 1


def _check_options(args: argparse.Namespace) -> None:
    """Refuse option combinations that make no sense, naming the option."""
    from ..errors import InputError

    if (args.output or args.in_place) and not args.annotate:
        raise InputError(
            "--output and --in-place need --annotate", where="--output" if args.output else "--in-place"
        )
    if args.output and args.in_place:
        raise InputError("give either --output or --in-place, not both", where="--output")
    if len(args.document) > 1 and (args.output or (args.annotate and not args.in_place) or args.json):
        raise InputError(
            "several documents: use them with the table or --annotate --in-place", where="document"
        )


def _without_notes(args: argparse.Namespace, texts: dict[str, str]) -> dict[str, str]:
    """Each document to annotate without the notes of an earlier annotation (annotating is idempotent)."""
    from ..files import read_text
    from ..output.verify_report import without_notes
    from ..verification.documents import format_of

    out = {}
    for doc in args.document:
        text = texts[doc] if doc in texts else read_text(doc, "document")
        out[doc] = without_notes(text, args.format or format_of(doc, text))
    return out


def _annotated(args: argparse.Namespace, doc: str, text: str, read: dict[str, Snapshot]) -> None:
    """Write an annotated document where the options say: in place, to a new file, or to stdout."""
    from ..files import write_atomic

    if args.in_place:
        snapshot = read[doc]
        write_atomic(doc, "\ufeff" * snapshot.bom + text, unchanged_since=snapshot)
    elif args.output:
        write_atomic(args.output, text)
    else:
        print(text, end="" if text.endswith("\n") else "\n")


def _read_for_writing(args: argparse.Namespace) -> dict[str, Snapshot]:
    """Refuse to write over an input; with --in-place, read each document as a snapshot.

    The snapshot remembers what the document was when read, so that an edit
    made while verify runs is not lost: the rewrite is then refused.
    """
    from ..files import check_not_input, read_snapshot

    if args.output:
        check_not_input(args.output, args.document, where="--output", hint="; use --in-place to rewrite it")
        check_not_input(args.output, [args.spec], where="--output")
    if not args.in_place:
        return {}
    for doc in args.document:
        check_not_input(doc, [args.spec], where="--in-place")
    return {doc: read_snapshot(doc, "document") for doc in args.document}
