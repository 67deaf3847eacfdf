"""Written derivatives: ``\\frac{\\partial L}{\\partial w}``, ``\\partial L/\\partial w``.

Also ``\\frac{dL}{dw}``.  These functions read which name is differentiated by
which, as name keys (see
:func:`~symbackprop.notation.latex.vocabulary.name_key`); the scanner then
looks the names up and holds the derivative as one placeholder.
"""

from __future__ import annotations

from ...errors import InputError
from .tokens import decorations, group, letter_run, skip_space
from .vocabulary import ACCENTS, GREEK, WORD_COMMANDS, name_key

__all__ = ["gradient_parts", "slash_partial"]


def gradient_parts(num: list[str], den: list[str]) -> tuple[str, str] | None:
    """``\\frac{num}{den}`` as a derivative -> (key of what, key of by what), or ``None``."""
    a = _differential(num)
    b = _differential(den)
    if a is None or b is None:
        return None
    if a[1] != b[1]:
        raise InputError("a derivative mixes d and \\partial")
    return a[0], b[0]


def slash_partial(toks: list[str], i: int) -> tuple[str, str, int]:
    """``\\partial L / \\partial w_2`` at ``i`` -> (key of L, key of w_2, index after it)."""
    j = i + 1
    stop = j
    while stop < len(toks) and toks[stop] != "/":
        stop += 1
    k = skip_space(toks, stop + 1)
    if stop >= len(toks) or k >= len(toks) or toks[k] != r"\partial":
        raise InputError("a lone \\partial is not read; write \\frac{\\partial L}{\\partial w}")
    of = _lone_name(toks[j:stop])
    # the variable after the second \partial: one name with its decorations
    end = skip_space(toks, k + 1)
    q = _variable_end(toks, end)
    _, _, q = decorations(toks, q)
    return of, _lone_name(toks[end:q]), q


def _variable_end(toks: list[str], q: int) -> int:
    """The index after the base of a variable (before its decorations) that starts at ``q``."""
    if q < len(toks) and toks[q].startswith("\\") and toks[q][1:] in (ACCENTS.keys() | WORD_COMMANDS):
        return group(toks, q + 1)[1]
    if q < len(toks) and toks[q].startswith("\\"):
        return q + 1
    return letter_run(toks, q)


def _differential(toks: list[str]) -> tuple[str, str] | None:
    """``\\partial X`` or ``dX`` -> (key of X, kind), or ``None`` when it is not one."""
    t = [x for x in toks if not x.isspace()]
    if not t:
        return None
    if t[0] == r"\partial":
        kind = "partial"
    elif t[0] == "d" and len(t) > 1:
        kind = "d"
    else:
        return None
    if len(t) == 1:
        raise InputError("a derivative operator is not read; write \\frac{\\partial L}{\\partial w}")
    # re-find the index in the original token list
    idx = [k for k, x in enumerate(toks) if not x.isspace()][1]
    return _lone_name(toks[idx:]), kind


def _lone_name(toks: list[str]) -> str:
    """The key of a token list holding exactly one name."""
    i = skip_space(toks, 0)
    if i >= len(toks):
        raise InputError("a derivative has nothing after d / \\partial")
    found = _name_at(toks, i)
    if found is None:
        msg = f"cannot read the derivative's variable {''.join(toks).strip()!r}"
        raise InputError(msg)
    key, j = found
    if skip_space(toks, j) < len(toks):
        msg = f"a derivative of an expression is not read: {''.join(toks).strip()!r}"
        raise InputError(msg)
    return key


def _name_at(t: list[str], i: int) -> tuple[str, int] | None:
    """The name that starts at ``i`` (accented, in a word command, Greek or letters) -> (key, next)."""
    x = t[i]
    word = x[1:] if x.startswith("\\") else ""
    if word in ACCENTS:
        g, j = group(t, i + 1)
        base = "".join(y for y in g if not y.isspace()).lstrip("\\")
        sub, layer, j = decorations(t, j)
        return name_key(base, sub, layer, ACCENTS[word]), j
    if word in WORD_COMMANDS:
        g, j = group(t, i + 1)
        sub, layer, j = decorations(t, j)
        return name_key("".join(g).strip(), sub, layer), j
    if word in GREEK:
        sub, layer, j = decorations(t, i + 1)
        return name_key(word, sub, layer), j
    if x.isalpha() and x.isascii():
        j = letter_run(t, i)
        run = "".join(t[i:j])
        sub, layer, j = decorations(t, j)
        return name_key(run, sub, layer), j
    return None
