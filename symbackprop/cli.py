"""The ``symbackprop`` command line.

``main(argv) -> int`` is the whole program; the console script calls it.
Each command lives in :mod:`symbackprop.commands` as a module with ``HELP``,
``add_arguments(parser)`` and ``run(args) -> int``; those modules import heavy
dependencies lazily, inside ``run``, so that ``--help`` stays fast.

Exit codes: 0 success; 1 a check ran and found something wrong; 2 a usage or
input error; 3 an internal error (a bug of ours: rerun with ``--debug``).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
import warnings
from collections.abc import Sequence

from ._version import __version__
from .errors import SymbackpropError, SymbackpropWarning

__all__ = ["COMMANDS", "EXIT_INTERNAL", "main"]

#: Command names, in the order ``--help`` lists them.
COMMANDS = ("derive", "walkthrough", "gradcheck", "train", "verify")

EXIT_INTERNAL = 3


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors exit 2 with one ``error:`` line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"error: {self.prog}: {message}\n(see '{self.prog} --help')\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with ``command``, only that command's arguments are added.

    The command modules are light (their ``run`` imports what it needs), so the
    parser, ``--help`` and ``--version`` never import SymPy.  ``main`` passes the
    command named on the command line, so that the other commands' argument
    definitions are not even imported.
    """
    parser = _Parser(
        prog="symbackprop",
        description="Exact backpropagation that shows its work.",
        epilog="Exit codes: 0 ok, 1 a check found something wrong, 2 bad input, 3 internal error.",
    )
    parser.add_argument("--version", action="version", version=f"symbackprop {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the Python traceback on an internal error")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f".commands.{name}", __package__)
        except ModuleNotFoundError as e:  # a command not built yet in this checkout
            if e.name == f"{__package__}.commands.{name}":
                continue
            raise
        p = sub.add_parser(name, help=module.HELP, description=module.HELP)
        if command is not None and name != command:
            continue
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def _command(argv: Sequence[str]) -> str | None:
    """The command named in ``argv`` (the first word that is not an option), if it is one."""
    word = next((a for a in argv if not a.startswith("-")), None)
    return word if word in COMMANDS else None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    if argv is None:
        argv = sys.argv[1:]
    parser = build_parser(_command(argv) or "")
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help, --version, usage errors
        return int(e.code or 0) if not isinstance(e.code, str) else 2
    if not getattr(args, "_run", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", SymbackpropWarning)
            warnings.showwarning = _show_warning
            return int(args._run(args))
    except SymbackpropError as e:
        if isinstance(getattr(args, "spec", None), str) and e.where and not e.file:
            from .notation.lines import locate_in_spec

            e = locate_in_spec(e, args.spec)
        print(f"error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:  # a bug of ours
        if args.debug:
            raise
        print(
            f"internal error: {type(e).__name__}: {e}\n"
            "This is a bug in symbackprop. Rerun with --debug for the traceback and report it.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings as one ``warning:`` line, without Python's source location."""
    print(f"warning: {message}", file=sys.stderr)


def console() -> None:
    """The ``symbackprop`` command and ``python -m symbackprop``: run :func:`main` and exit with its code.

    The process ends here, so the objects still alive are set aside from the garbage collector
    first: the interpreter's last collection at exit does not walk them all (0.4 s after verifying
    10,000 equations).  In-process callers use :func:`main`, which frees nothing of theirs.
    """
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    console()
