"""``--json`` output that is always valid JSON, and says which numbers are not finite.

JSON has no Infinity or NaN (RFC 8259), yet a loss can overflow a double.  Every
non-finite float is written as ``null``, and a top-level ``"non_finite"`` object
maps the JSON Pointer (RFC 6901) of each one to what it was: ``"inf"``,
``"-inf"`` or ``"nan"``::

    {"loss": {"name": "L", "value": null}, ..., "non_finite": {"/loss/value": "inf"}}

A command whose JSON holds a non-finite number exits 1: the result is not a
usable number, though the command ran.
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = ["NON_FINITE_KEY", "dumps_finite", "print_json"]

#: The top-level key that lists the non-finite numbers.
NON_FINITE_KEY = "non_finite"


def _kind(value: float) -> str:
    """``"nan"``, ``"inf"`` or ``"-inf"``."""
    if math.isnan(value):
        return "nan"
    return "inf" if value > 0 else "-inf"


def _token(key: object) -> str:
    """A reference token of a JSON Pointer: ``~`` as ``~0``, ``/`` as ``~1``."""
    return str(key).replace("~", "~0").replace("/", "~1")


def _finite(value: Any, pointer: str, found: dict[str, str]) -> Any:
    """``value`` with every non-finite float replaced by ``None``, recorded in ``found`` by pointer."""
    if isinstance(value, float) and not math.isfinite(value):
        found[pointer or "/"] = _kind(value)
        return None
    if isinstance(value, dict):
        return {k: _finite(v, f"{pointer}/{_token(k)}", found) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v, f"{pointer}/{i}", found) for i, v in enumerate(value)]
    return value


def dumps_finite(data: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """``data`` as strict JSON text, and the non-finite numbers found (pointer -> kind).

    The text is what ``json.loads`` reads back under any strict parser; when a
    number was not finite, the object also has :data:`NON_FINITE_KEY`.
    """
    found: dict[str, str] = {}
    clean = _finite(data, "", found)
    if found:
        clean[NON_FINITE_KEY] = found
    return json.dumps(clean, indent=2, ensure_ascii=False, allow_nan=False), found


def print_json(data: dict[str, Any]) -> int:
    """Print ``data`` as strict JSON; return the exit code: 1 if a number was not finite, else 0."""
    text, found = dumps_finite(data)
    print(text)
    return 1 if found else 0
