"""Command-line options shared by several commands."""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError

if TYPE_CHECKING:  # the network module imports SymPy; --help must not
    from ..core.matrix import MatrixNetwork
    from ..core.network import Network
    from ..output.formats import Format

__all__ = [
    "DIGITS_RANGE",
    "add_digits_option",
    "add_set_option",
    "add_view_option",
    "apply_set",
    "digits",
    "numeric_spec",
    "output_format",
]

#: The one range of ``--digits``, in every command that has it.
DIGITS_RANGE = (0, 15)

_ASSIGNMENT = re.compile(r"\s*([A-Za-z][A-Za-z0-9_]*)\s*=\s*(\S+)\s*\Z")


def add_set_option(parser: argparse.ArgumentParser) -> None:
    """``--set NAME=NUMBER`` (repeatable): override a value of the spec's point."""
    parser.add_argument(
        "--set",
        metavar="NAME=NUMBER",
        action="append",
        default=[],
        help="override an input, target or parameter value (repeatable), e.g. --set w_1=0.3",
    )


def add_view_option(parser: argparse.ArgumentParser, matrix: str) -> None:
    """``--view matrix|scalar``: how a matrix spec is written; ``matrix`` says what that view shows."""
    parser.add_argument(
        "--view",
        choices=("matrix", "scalar"),
        default=None,
        help=f"matrix: {matrix}; scalar: every element on its own",
    )


def numeric_spec(path: str, assignments: Sequence[str]) -> Network | MatrixNetwork:
    """The spec for ``gradcheck`` and ``train``, with ``--set`` applied: a matrix spec stays a
    :class:`~symbackprop.core.matrix.MatrixNetwork` (its own array program runs it); ``--set``
    names its entries as the scalar view does (``W_1_1_2``)."""
    from ..core.network import Network
    from ..notation.spec import read_spec

    spec = read_spec(path)
    if isinstance(spec, Network):
        return apply_set(spec, assignments)
    return spec.from_scalar(apply_set(spec.scalar(), assignments)) if assignments else spec


def apply_set(network: Network, assignments: Sequence[str]) -> Network:
    """Apply ``--set`` overrides; numbers are read with ``float``, never evaluated."""
    from ..core.network import suggest

    if not assignments:
        return network
    names = {s.name: s for s in network.inputs + network.targets + network.parameters}
    values = {}
    for text in assignments:
        m = _ASSIGNMENT.match(text)
        if not m:
            msg = f"expected NAME=NUMBER, got {text!r}"
            raise InputError(msg, where="--set")
        name, number = m.groups()
        if name not in names:
            msg = f"{name!r} is not an input, target or parameter{suggest(name, names)}"
            raise InputError(msg, where="--set")
        try:
            value = float(number)
        except ValueError:
            msg = f"{name}: {number!r} is not a number"
            raise InputError(msg, where="--set") from None
        if not math.isfinite(value):
            msg = f"{name}: expected a finite number, got {number!r}"
            raise InputError(msg, where="--set")
        values[names[name]] = value
    return network.with_values(values)


def digits(text: str) -> int:
    """``--digits``: a whole number in :data:`DIGITS_RANGE` (an ``argparse`` type)."""
    low, high = DIGITS_RANGE
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        msg = f"must be a whole number from {low} to {high}, not {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def add_digits_option(parser: argparse.ArgumentParser, default: int, what: str) -> None:
    """``--digits N``, checked against :data:`DIGITS_RANGE` the same way in every command."""
    low, high = DIGITS_RANGE
    parser.add_argument(
        "--digits", type=digits, default=default, help=f"{what}, {low} to {high} (default {default})"
    )


def output_format(path: str | None, name: str | None) -> Format:
    """The format to write: ``--format`` if given, else the one the suffix of ``-o`` selects.

    An output file whose suffix no registered format claims is refused, so that
    ``-o notes.pdf`` is not silently Markdown.
    """
    from ..output.formats import FORMATS, format_for_path, get_format

    if name is not None:
        return get_format(name)
    if path is None:
        return format_for_path(None)
    suffix = Path(path).suffix.lower()
    if any(suffix in fmt.suffixes for fmt in FORMATS.values()):
        return format_for_path(path)
    known = "; ".join(f"{fmt.name}: {' '.join(fmt.suffixes)}" for fmt in FORMATS.values())
    msg = f"cannot tell the format of {path!r} from its suffix ({known}); use one of those or give --format"
    raise InputError(msg, where="--output")
