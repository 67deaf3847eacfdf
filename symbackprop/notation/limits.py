"""Resource limits shared by every reader in :mod:`symbackprop.notation`: one definition each.

A spec right-hand side (:mod:`~symbackprop.notation.expressions`) and a LaTeX
fragment (:mod:`~symbackprop.notation.latex`) are bounded by the same nesting
depth and the same size of exact numbers, so that a network written either way
is refused, or accepted, for the same reason.
"""

from __future__ import annotations

__all__ = [
    "MAX_DEPTH",
    "MAX_EXPRESSION_CHARS",
    "MAX_LATEX_CHARS",
    "MAX_LATEX_NUMBER_CHARS",
    "MAX_LITERAL_CHARS",
    "MAX_NAME_LENGTH",
    "MAX_NUMBER_BITS",
    "MAX_ROOT",
    "nesting_depth",
]

#: Deepest nesting of parentheses, braces, calls, signs and powers in one expression,
#: in a spec right-hand side and in a LaTeX fragment alike.  Python's tokenizer gives up
#: at 200 levels with a misleading message, so the bound stays well below that.
MAX_DEPTH = 100

#: Largest exact number an expression may build (numerator or denominator), in bits.
MAX_NUMBER_BITS = 10_000

#: Longest spec right-hand side accepted, in characters.
MAX_EXPRESSION_CHARS = 100_000

#: Longest LaTeX fragment (one side of a relation, or a ``$...$`` right-hand side), in characters.
MAX_LATEX_CHARS = 20_000

#: Longest number literal in a spec, in characters (Python refuses to convert > 4,300 digits anyway).
MAX_LITERAL_CHARS = 1_000

#: Longest number written in LaTeX, in characters.
MAX_LATEX_NUMBER_CHARS = 60

#: Largest denominator of a fractional exponent (x**0.5 is fine, x**(1/10**9) is not).
MAX_ROOT = 1_000_000

#: Longest name (input, target, parameter, node or function).
MAX_NAME_LENGTH = 64


def nesting_depth(text: str) -> int:
    """How deep brackets ``( [ {`` nest in ``text``: the measure :data:`MAX_DEPTH` bounds before parsing."""
    depth = deepest = 0
    for ch in text:
        depth += (ch in "([{") - (ch in ")]}")
        deepest = max(deepest, depth)
    return deepest
