"""The LaTeX reader under its former module path; it lives in :mod:`symbackprop.notation.latex`.

Kept so that code importing ``symbackprop.notation.latex_input`` (``parse_math``,
``split_relations``, ``UPDATED`` ...) keeps working; new code imports
:mod:`symbackprop.notation.latex`.
"""

from __future__ import annotations

from .latex import (
    FUNCTION_ALIASES,
    MAX_LATEX_CHARS,
    RELATIONS,
    UPDATED,
    Number,
    Parsed,
    name_key,
    parse_math,
    split_relations,
)

__all__ = [
    "FUNCTION_ALIASES",
    "MAX_LATEX_CHARS",
    "RELATIONS",
    "UPDATED",
    "Number",
    "Parsed",
    "name_key",
    "parse_math",
    "split_relations",
]
