"""``--json`` output that is always valid JSON, and says which numbers are not finite.

JSON has no Infinity or NaN (RFC 8259), yet a loss can overflow a double.  Every
non-finite float is written as ``null``, and a top-level ``"non_finite"`` object
maps the JSON Pointer (RFC 6901) of each one to what it was: ``"inf"``,
``"-inf"`` or ``"nan"``::

    {"loss": {"name": "L", "value": null}, ..., "non_finite": {"/loss/value": "inf"}}

A command whose JSON holds a non-finite number exits 1: the result is not a
usable number, though the command ran.

A *finite* number that a double cannot hold (an exact e¹⁰⁰⁰ ≈ 1.97e+434 is
finite, and so is 10⁻⁴⁰⁰) is not an error, in JSON as in text.  Its place
holds ``null`` too, and a top-level ``"beyond_double"`` object maps its
pointer to the number in scientific notation with 30 significant digits, as
the one number formatter writes it (:func:`~symbackprop.output.numbers.shown`);
the command exits 0::

    {"loss": {"name": "L", "value": null}, ..., "beyond_double": {"/loss/value": "3.88118...e+868"}}

So every number's place holds a JSON number or ``null``, and every ``null`` is
explained by one of the two objects.
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = ["BEYOND_DOUBLE_KEY", "NON_FINITE_KEY", "BeyondDouble", "dumps_finite", "json_number", "print_json"]

#: The top-level key that lists the non-finite numbers.
NON_FINITE_KEY = "non_finite"

#: The top-level key that lists finite numbers beyond the range of a double, as text.
BEYOND_DOUBLE_KEY = "beyond_double"

#: Significant digits of a number written under :data:`BEYOND_DOUBLE_KEY` (those of an evaluation).
BEYOND_DOUBLE_DIGITS = 30


class BeyondDouble(str):
    """A finite number that a double cannot hold, in scientific notation (see the module docstring)."""


def json_number(value: Any) -> Any:
    """``value`` (a SymPy number, Fraction or float) for JSON: a float, or :class:`BeyondDouble`.

    A finite value past the largest double, or so small that it would be 0.0,
    becomes its text; a float, or a value that is itself not finite, stays a float.
    """
    number = float(value)
    if isinstance(value, float) or (math.isfinite(number) and (number != 0 or value == 0)):
        return number
    from ..output.numbers import shown

    s = shown(value, BEYOND_DOUBLE_DIGITS)
    return BeyondDouble(s.text) if s.value.is_finite() else number


def _kind(value: float) -> str:
    """``"nan"``, ``"inf"`` or ``"-inf"``."""
    if math.isnan(value):
        return "nan"
    return "inf" if value > 0 else "-inf"


def _token(key: object) -> str:
    """A reference token of a JSON Pointer: ``~`` as ``~0``, ``/`` as ``~1``."""
    return str(key).replace("~", "~0").replace("/", "~1")


def _finite(value: Any, pointer: str, found: dict[str, str], beyond: dict[str, str]) -> Any:
    """``value`` with every non-finite float and every :class:`BeyondDouble` replaced by ``None``,
    recorded by pointer in ``found`` (non-finite) or ``beyond`` (finite, as text)."""
    if isinstance(value, float) and not math.isfinite(value):
        found[pointer or "/"] = _kind(value)
        return None
    if isinstance(value, BeyondDouble):
        beyond[pointer or "/"] = str(value)
        return None
    if isinstance(value, dict):
        return {k: _finite(v, f"{pointer}/{_token(k)}", found, beyond) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v, f"{pointer}/{i}", found, beyond) for i, v in enumerate(value)]
    return value


def dumps_finite(data: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """``data`` as strict JSON text, and the non-finite numbers found (pointer -> kind).

    The text is what ``json.loads`` reads back under any strict parser; when a
    number was not finite, the object also has :data:`NON_FINITE_KEY`, and when
    a finite one was beyond a double, :data:`BEYOND_DOUBLE_KEY`.
    """
    found: dict[str, str] = {}
    beyond: dict[str, str] = {}
    clean = _finite(data, "", found, beyond)
    if found:
        clean[NON_FINITE_KEY] = found
    if beyond:
        clean[BEYOND_DOUBLE_KEY] = beyond
    return json.dumps(clean, indent=2, ensure_ascii=False, allow_nan=False), found


def print_json(data: dict[str, Any]) -> int:
    """Print ``data`` as strict JSON; return the exit code: 1 if a number was not finite, else 0."""
    text, found = dumps_finite(data)
    print(text)
    return 1 if found else 0
