"""The derivative of a function the document defines, at a number: ``L'(2)``, ``\\frac{dL}{dw}\\big|_{w=2}``.

After ``L(w) = w^2 - 4w + 5``, a reader takes ``L'(1.2)``, ``dL/dw`` at ``w = 1.2``
(``\\left.\\frac{dL}{dw}\\right|_{w=1.2}``, ``\\frac{dL}{dw}\\Big|_{w=1.2}``) as the slope of
that definition there.  :func:`derivative_at` writes such a side out as the derivative
of the body in closed form, ``\\left.\\frac{d}{dw}\\left(w^2 - 4w + 5\\right)\\right|_{w=1.2}``,
which the LaTeX reader differentiates and evaluates.  Only a function of one argument,
a single letter, is written out; anything else stays as written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

__all__ = ["derivative_at"]

_NUMBER = r"(-?\d+(?:\.\d+)?|-?\.\d+)"
#: ``\frac{dL}{dw}``, ``\dfrac{dL}{dw}``, ``dL/dw`` (with an upright ``\mathrm{d}`` too).
_D = r"(?:d|\\mathrm\s*\{\s*d\s*\}|\\text\s*\{\s*d\s*\}|\\operatorname\s*\{\s*d\s*\})\s*"
_FRACTION = (
    rf"(?:\\[dt]?frac\s*\{{\s*{_D}([A-Za-z])\s*\}}\s*\{{\s*{_D}([A-Za-z])\s*\}}"
    rf"|{_D}([A-Za-z])\s*/\s*{_D}([A-Za-z]))"
)
#: The bar before the point: ``\right|``, ``\big|``, ``\Big|``, ``\bigg|``, ``\Bigg|``, ``|``.
_BAR = r"(?:\\right\s*|\\[Bb]igg?\s*)?\|"
_AT_BAR = re.compile(
    rf"\s*(?:\\left\s*\.\s*)?{_FRACTION}\s*{_BAR}\s*_\s*\{{?\s*([A-Za-z])\s*=\s*{_NUMBER}\s*\}}?\s*"
)
#: ``L'(1.2)``.
_PRIMED = re.compile(rf"\s*([A-Za-z])\s*'\s*\(\s*{_NUMBER}\s*\)\s*")


def derivative_at(side: str, functions: Mapping[str, Sequence[str]], body_key: str) -> str | None:
    """A side that is a defined function's derivative at a number, as the derivative of its body there.

    Args:
        side: The side as written.
        functions: Each defined function's arguments (``functions["L"] == ["w"]``), and its
            body under ``body_key + name``.
        body_key: The prefix under which ``functions`` keeps bodies.

    Returns:
        ``\\left.\\frac{d}{dw}\\left(body\\right)\\right|_{w=number}``, or ``None`` when the side is
        not such a derivative of a function of one argument.
    """
    if len(side) > 120:  # a short side: bounded work
        return None
    m = _AT_BAR.fullmatch(side)
    if m is not None:
        of, wrt = m.group(1) or m.group(3), m.group(2) or m.group(4)
        if wrt != m.group(5):
            return None
        number = m.group(6)
    else:
        p = _PRIMED.fullmatch(side)
        if p is None or len(functions.get(p.group(1), ())) != 1:
            return None
        of, wrt, number = p.group(1), functions[p.group(1)][0], p.group(2)
    body = functions.get(body_key + of)
    if list(functions.get(of, ())) != [wrt] or not body or len(body[0]) > 200:
        return None
    return f"\\left.\\frac{{d}}{{d{wrt}}}\\left({body[0]}\\right)\\right|_{{{wrt}={number}}}"
