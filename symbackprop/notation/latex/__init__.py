"""LaTeX input: hand-written math -> SymPy.

A side of a relation goes through a linear pipeline, one module per stage:

1. :mod:`.tokens` splits the text into LaTeX tokens (:mod:`.relations` first
   splits a fragment into statements and sides at ``=``, ``\\approx`` ...);
2. :mod:`.scanner` takes out everything that needs knowledge of the network
   (names such as ``z_1`` = ``z_{1}``, ``\\hat{y}`` = ``y_hat``, ``w^{(1)}_{11}``;
   derivatives, read by :mod:`.derivatives`; numbers, kept exact with their
   decimals; function applications such as ``\\sigma``, ``ReLU``, ``\\max(0, z)``,
   ``e^{x}``, primes), each as a placeholder ``v_{k}``, and refuses TeX
   primitives that read or write files (``\\input``, ``\\write18``, ``\\catcode`` ...);
3. :mod:`.adapter` parses the arithmetic skeleton that is left, with
   :mod:`.skeleton` or, for what that leaves, ``latex2sympy2_extended`` (the
   adapter is the only module that imports it), and puts the placeholders'
   values back.

The spellings the reader knows are data in :mod:`.vocabulary`; the limits it
shares with the spec reader are in :mod:`symbackprop.notation.limits`.  Every
failure is an :class:`~symbackprop.errors.InputError`.
"""

from __future__ import annotations

from ..limits import MAX_LATEX_CHARS
from .parsed import AtPoint, Number, Parsed
from .reader import parse_latex_expression, parse_math
from .relations import split_relations
from .vocabulary import FUNCTION_ALIASES, RELATIONS, UPDATED, name_key

__all__ = [
    "FUNCTION_ALIASES",
    "MAX_LATEX_CHARS",
    "RELATIONS",
    "UPDATED",
    "AtPoint",
    "Number",
    "Parsed",
    "name_key",
    "parse_latex_expression",
    "parse_math",
    "split_relations",
]
