"""Written derivatives, as tokens: ``\\frac{\\partial L}{\\partial w}``, ``\\frac{d}{dw}``, ``dL/dw``.

These functions read what is differentiated (a name, an expression, or
nothing: the operator form ``\\frac{d}{dw} L``) and by which name (a key, see
:func:`~symbackprop.notation.latex.vocabulary.name_key`).  The differential
may be written ``d``, ``\\partial``, ``\\mathrm{d}``, ``\\text{d}`` or
``\\operatorname{d}``.  :mod:`.operators` turns what they read into values.
"""

from __future__ import annotations

import functools

from ...errors import InputError
from .names import name_at
from .tokens import group, skip_space
from .vocabulary import WORD_COMMANDS

__all__ = ["differential", "fraction_derivative", "lone_name", "slash_d", "slash_partial", "variable_key"]


def fraction_derivative(num: list[str], den: list[str]) -> tuple[list[str], str] | None:
    """``\\frac{num}{den}`` as a derivative -> (tokens differentiated, key of the variable), or ``None``.

    The tokens differentiated are empty for the operator form ``\\frac{d}{dw}``:
    what it applies to follows the fraction.  Remembered per fraction (a document
    writes ``\\frac{\\partial L}{\\partial w}`` on several sides).

    Raises:
        InputError: It is a derivative that is not read (mixed ``d`` and ``\\partial``,
            a second derivative, a variable that is not one name).
    """
    found = _fraction_derivative(tuple(num), tuple(den))
    return None if found is None else (list(found[0]), found[1])


@functools.lru_cache(maxsize=4096)
def _fraction_derivative(num: tuple[str, ...], den: tuple[str, ...]) -> tuple[tuple[str, ...], str] | None:
    """:func:`fraction_derivative` of token tuples (its answers are remembered, its errors not)."""
    a = differential(list(num))
    b = differential(list(den))
    if a is None or b is None:
        return None
    if a[0] != b[0]:
        raise InputError("a derivative mixes d and \\partial")
    if not b[1]:
        raise InputError("a derivative has nothing after d / \\partial")
    return tuple(a[1]), variable_key(b[1])


def differential(toks: list[str]) -> tuple[str, list[str]] | None:
    """``\\partial X``, ``dX``, ``\\mathrm{d} X`` -> (``"partial"`` or ``"d"``, the tokens of X), or ``None``.

    Raises:
        InputError: A power on the differential (``d^2 y``, ``\\partial^2 L``): a second derivative.
    """
    i = skip_space(toks, 0)
    if i >= len(toks):
        return None
    t = toks[i]
    if t == r"\partial":
        kind, j = "partial", i + 1
    elif t == "d":
        kind, j = "d", i + 1
    elif t.startswith("\\") and t[1:] in WORD_COMMANDS:
        g, j = group(toks, i + 1)
        if "".join(g).strip() != "d":
            return None
        kind = "d"
    else:
        return None
    k = skip_space(toks, j)
    if k < len(toks) and toks[k] == "^":
        raise InputError("a second derivative is not read")
    return kind, toks[k:]


def variable_key(toks: list[str]) -> str:
    """The key of the variable of a derivative: one name; a bare number superscript is a layer.

    Raises:
        InputError: It is not one name (``\\partial (x + y)``, ``d x^2`` ...).
    """
    i = skip_space(toks, 0)
    found = name_at(toks, i, layers=True) if i < len(toks) else None
    if found is None:
        msg = f"cannot read the derivative's variable {''.join(toks).strip()!r}"
        raise InputError(msg)
    key, j = found
    if skip_space(toks, j) < len(toks):
        msg = f"a derivative by an expression is not read: {''.join(toks).strip()!r}"
        raise InputError(msg)
    return key


def lone_name(toks: list[str]) -> str | None:
    """The key of a token list holding exactly one name, or ``None`` (remembered per token list)."""
    return _lone_name(tuple(toks))


@functools.lru_cache(maxsize=4096)
def _lone_name(written: tuple[str, ...]) -> str | None:
    """:func:`lone_name` of a token tuple."""
    toks = list(written)
    i = skip_space(toks, 0)
    found = name_at(toks, i) if i < len(toks) else None
    if found is None or skip_space(toks, found[1]) < len(toks):
        return None
    return found[0]


def slash_partial(toks: list[str], i: int) -> tuple[str, str, int]:
    """``\\partial L / \\partial w_2`` at ``i`` -> (key of L, key of w_2, index after it)."""
    j = i + 1
    stop = j
    while stop < len(toks) and toks[stop] != "/":
        stop += 1
    k = skip_space(toks, stop + 1)
    if stop >= len(toks) or k >= len(toks) or toks[k] != r"\partial":
        raise InputError("a lone \\partial is not read; write \\frac{\\partial L}{\\partial w}")
    of = lone_name(toks[j:stop])
    if of is None:
        msg = f"a derivative of an expression is not read: {''.join(toks[j:stop]).strip()!r}"
        raise InputError(msg)
    end = skip_space(toks, k + 1)
    found = name_at(toks, end, layers=True) if end < len(toks) else None
    if found is None:
        raise InputError("a derivative has nothing after d / \\partial")
    return of, found[0], found[1]


def slash_d(toks: list[str], i: int) -> tuple[str, str, int] | None:
    """``dL/dw`` or ``\\mathrm{d}L / \\mathrm{d}w`` at ``i`` -> (key of L, key of w, index after) or ``None``.

    Plain text writes a derivative as a ratio of differentials; read as letters it
    would be ``d*L / (d*w) = L/w``, so it is recognised before the letters are.
    """
    start = _after_d(toks, i)
    found = name_at(toks, skip_space(toks, start)) if start is not None and start < len(toks) else None
    if found is None:
        return None
    slash = skip_space(toks, found[1])
    k = skip_space(toks, slash + 1)
    after = _after_d(toks, k) if slash < len(toks) and toks[slash] == "/" else None
    wrt = (
        name_at(toks, skip_space(toks, after), layers=True)
        if after is not None and after < len(toks)
        else None
    )
    if wrt is None:
        return None
    return found[0], wrt[0], wrt[1]


def _after_d(toks: list[str], i: int) -> int | None:
    """The index after a differential ``d`` or ``\\mathrm{d}`` at ``i``, or ``None``."""
    if i >= len(toks):
        return None
    if toks[i] == "d":
        return i + 1
    if toks[i].startswith("\\") and toks[i][1:] in WORD_COMMANDS:
        g, j = group(toks, i + 1)
        return j if "".join(g).strip() == "d" else None
    return None
