"""LaTeX input: hand-written math -> SymPy.

A side of a relation goes through a linear pipeline, one module per stage:

1. :mod:`.glyphs` spells Unicode math (``x₁``, ``∂``, ``σ``, ``−``, ``²``) and
   ASCII shorthands (``>=``, ``d\\_output``) as LaTeX, and :mod:`.tokens` splits
   the text into LaTeX tokens (:mod:`.relations` first splits a fragment into
   statements and sides at ``=``, ``\\approx``, ``≈``, line breaks ...);
2. :mod:`.scanner` takes out everything that needs knowledge of the network,
   each as a placeholder ``v_{k}``: names (:mod:`.names`: ``z_1`` = ``z_{1}`` =
   ``z1``, ``\\hat{y}`` = ``y_hat``, ``w^{(1)}_{11}``, ``\\Delta w``, updated
   values ``w^{+}``); derivatives (:mod:`.derivatives` reads them, :mod:`.operators`
   gives their values: ``\\frac{d}{dw} L``, ``\\nabla_w L``, evaluation bars);
   sums, written out by :mod:`.sums`; numbers, kept exact with their decimals;
   function applications (:mod:`.applications`: ``\\sigma``, ``ReLU``,
   ``\\max(0, z)``, primes, ``f(x, y)``).  It refuses TeX primitives that read or
   write files (``\\input``, ``\\write18``, ``\\catcode`` ...) and reports vector
   and matrix notation as ``matrix notation: ...``;
3. :mod:`.adapter` parses the arithmetic skeleton that is left, with
   :mod:`.skeleton` or, for what that leaves, ``latex2sympy2_extended`` (the
   adapter is the only module that imports it), and puts the placeholders'
   values back.

The spellings the reader knows are data in :mod:`.vocabulary`; the limits it
shares with the spec reader are in :mod:`symbackprop.notation.limits`.  Every
failure is an :class:`~symbackprop.errors.InputError`: what cannot be read for
sure is refused, never guessed, so that verify reports it as not checked.
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
