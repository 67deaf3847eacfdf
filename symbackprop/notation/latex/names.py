"""How one name is written: ``w_5``, ``w5``, ``\\hat{y_1}``, ``E_{total}``, ``\\Delta w``, ``w^{(2)}_{11}``.

:func:`name_at` reads exactly one name at an index of a token list and gives
its key (see :func:`~symbackprop.notation.latex.vocabulary.name_key`).  The
derivative readers use it for what is differentiated and by what; the scanner
uses its pieces (:func:`letters`, :func:`accented_base`).
"""

from __future__ import annotations

import re

from ...errors import InputError
from .tokens import decorations, group, letter_run, primes, skip_space
from .vocabulary import ACCENTS, GREEK, WORD_COMMANDS, name_key

__all__ = ["PRIME", "accented_base", "letters", "name_at", "power_layer"]

#: What a prime adds to a name's key: ``y'`` (a quantity of its own, such as a prediction) is ``y_prime``.
PRIME = "_prime"


def letters(toks: list[str], i: int) -> tuple[str, str, int]:
    """The run of letters at ``i`` and the digits written right after it: ``w5`` -> (``w``, ``5``, next).

    Digits glued to letters are a subscript (``a2`` is ``a_2``, as in ``\\frac{dL}{da2}``);
    a number that follows a space, or has a decimal point, is not.
    """
    j = letter_run(toks, i)
    if j < len(toks) and toks[j].isdigit() and (j + 1 >= len(toks) or toks[j + 1] != "_"):
        return "".join(toks[i:j]), toks[j], j + 1
    return "".join(toks[i:j]), "", j


def accented_base(toks: list[str], command: str) -> tuple[str, str]:
    """What an accent covers -> (base letters, subscript): ``y`` , ``y_1``, ``y1``, ``\\sigma``."""
    t = [x for x in toks if not x.isspace()]
    if len(t) == 1 and t[0].startswith("\\") and t[0][1:] in GREEK:
        return t[0][1:], ""
    if t and t[0].isalpha() and t[0].isascii():
        run, digits, j = letters(t, 0)
        sub, layer, j = decorations(t, j)
        if j == len(t) and not layer and not (digits and sub):
            return run, digits or sub
    msg = f"cannot read the name under {command}: {''.join(toks)!r}"
    raise InputError(msg)


def power_layer(toks: list[str], i: int) -> tuple[str, int] | None:
    """A bare number superscript at ``i`` (``^{2}``, ``^2``) -> (``2``, next), else ``None``."""
    j = skip_space(toks, i)
    if j >= len(toks) or toks[j] != "^":
        return None
    g, k = group(toks, j + 1)
    text = "".join(g).strip()
    return (text, k) if text.isdigit() else None


def name_at(toks: list[str], i: int, *, layers: bool = False) -> tuple[str, int] | None:
    """The one name that starts at ``i`` -> (key, next index), or ``None`` when none starts there.

    Args:
        toks: The tokens.
        i: Where the name starts.
        layers: Read a bare number superscript as a layer (``w_{11}^{2}`` is ``w^(2)_11``), as in the
            variable of a derivative, where a power never is meant.
    """
    x = toks[i]
    word = x[1:] if x.startswith("\\") else ""
    if x == "{":
        braced, j = group(toks, i)
        found = name_at(braced, skip_space(braced, 0), layers=layers) if braced else None
        return (found[0], j) if found and skip_space(braced, found[1]) == len(braced) else None
    if word in ACCENTS:
        g, j = group(toks, i + 1)
        base, inner = accented_base(g, x)
        return _decorated(toks, j, base, ACCENTS[word], inner, layers)
    if word in WORD_COMMANDS:
        g, j = group(toks, i + 1)
        text = "".join(g).strip()
        return _decorated(toks, j, text, "", "", layers) if re.fullmatch(r"[A-Za-z]\w*", text) else None
    if word == "Delta":
        found = _delta(toks, i, layers)
        if found is not None:
            return found
    if word in GREEK:
        return _decorated(toks, i + 1, word, "", "", layers)
    if x.isalpha() and x.isascii():
        run, digits, j = letters(toks, i)
        return _decorated(toks, j, run, "", digits, layers)
    return None


def _decorated(
    toks: list[str], j: int, base: str, accent: str, inner: str, layers: bool
) -> tuple[str, int] | None:
    """A base name with the decorations that follow at ``j`` -> (key, next)."""
    sub, layer, j = decorations(toks, j)
    if inner and sub:
        return None
    if layers and not layer:
        found = power_layer(toks, j)
        if found is not None:
            layer, j = found
    n, j = primes(toks, j)
    return name_key(base, sub or inner, layer, accent) + PRIME * n, j


def _delta(toks: list[str], i: int, layers: bool) -> tuple[str, int] | None:
    """``\\Delta w_{11}``: one name, ``Delta_w_11``; ``None`` when no name follows ``\\Delta``."""
    k = skip_space(toks, i + 1)
    if k >= len(toks) or toks[k] in ("_", "^") or toks[k] == r"\Delta":
        return None
    found = name_at(toks, k, layers=layers)
    return None if found is None else ("Delta_" + found[0], found[1])
