"""Sums to a symbolic size: ``\\frac{1}{N}\\sum_{i=1}^{N} (y_i - w x_i)^2`` read at one size.

A derivation over ``N`` samples states an identity for every ``N``.  A relation whose
sums run to a letter is read as written at the size :data:`SIZE`: the letter, as the
upper limit and wherever else it stands alone in the relation (``\\frac{2}{N}``), becomes
that number, so that each sum is written out term by term (:mod:`symbackprop.notation.latex.sums`)
and the relation is judged like any other.  A relation that fails at one size is wrong
for every size; one that holds there holds term by term (every term of such a sum has
the same form).  The document's text is never changed: only the sides that are parsed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

__all__ = ["SIZE", "SYMBOLIC_SIZE", "at_size", "size_letters"]

#: The size at which a sum to a letter is written out (not 1 or 2, which special forms might fit).
SIZE = 5

#: Why a relation that uses a sum's size outside any sum is not checked.
SYMBOLIC_SIZE = (
    "{letter} is the number of terms of a sum: a relation that uses it without the sum is not read"
)

#: ``\sum_{i=1}^{N}``, ``\sum_{i=1}^N``: a sum from a number to a letter.
_TO_LETTER = re.compile(
    r"\\sum\s*_\s*\{\s*[A-Za-z]\s*=\s*\d{1,3}\s*\}\s*\^\s*(?:\{\s*([A-Za-z])\s*\}|([A-Za-z]))"
)


def _alone(letter: str) -> re.Pattern[str]:
    """The letter where it stands alone: not part of a word or a command, not subscripted."""
    return re.compile(rf"(?<![A-Za-z\\]){letter}(?![A-Za-z_])")


@functools.lru_cache(maxsize=8)
def size_letters(text: str) -> frozenset[str]:
    """The letters that some sum in a text runs to (``N`` in ``\\sum_{i=1}^{N}``).

    Cached: the statements of a document are read a fragment at a time, each asking about the
    whole document.
    """
    return frozenset(m.group(1) or m.group(2) for m in _TO_LETTER.finditer(text))


def at_size(sides: Sequence[str], letters: frozenset[str]) -> tuple[list[str], str | None]:
    """The sides of a relation with each sum's size written as :data:`SIZE`.

    Returns:
        The sides (unchanged when the relation has no sum to a letter), and why the relation
        is not read when it uses one of ``letters`` (a sum's size elsewhere in the document)
        but has no sum to it itself, else ``None``.
    """
    own = size_letters(" ".join(sides))
    out = list(sides)
    for letter in own:
        pattern = _alone(letter)
        out = [pattern.sub(str(SIZE), s) for s in out]
    for letter in sorted(letters - own):
        if any(_alone(letter).search(s) for s in out):
            return list(sides), SYMBOLIC_SIZE.format(letter=letter)
    return out, None
