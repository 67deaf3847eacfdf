"""Command-line options shared by several commands."""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..errors import InputError

if TYPE_CHECKING:  # the network module imports SymPy; --help must not
    from ..core.network import Network

__all__ = ["add_set_option", "apply_set"]

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
