"""A sum restated term by term: ``E = E_{o1} + E_{o2}``, then ``E = ½(t_{o1} − out_{o1})² + …``.

A worked example often sums named parts first and spells the parts out only
later, in the loss's second statement.  The second statement then defines
each part: the term whose names all carry the part's index (``o1``: ``t_{o1}``,
``out_{o_{1}}``) is that part.  The match must be one to one, or nothing is read.
"""

from __future__ import annotations

from collections.abc import Container

import sympy
from sympy import Expr, Symbol

from .names import squash

__all__ = ["index_of", "parts_defined"]


def index_of(sym: Symbol) -> str:
    """The index a name carries, braces dropped: ``out_{o_{1}}`` and ``E_{o1}`` both carry ``o1``."""
    return squash(sym.name.partition("_")[2])


def parts_defined(old: Expr, new: Expr, defined: Container[Symbol]) -> dict[Symbol, Expr] | None:
    """Each part of ``old`` (a sum of names not defined yet) -> the term of ``new`` that spells it out.

    Returns ``None`` unless ``new`` is a sum of as many terms, each of whose names carry one
    index, that of exactly one part.
    """
    parts = sympy.Add.make_args(old)
    terms = sympy.Add.make_args(new)
    if len(parts) < 2 or len(terms) != len(parts):
        return None
    if not all(isinstance(p, Symbol) and p not in defined and index_of(p) for p in parts):
        return None
    by_index = {index_of(p): p for p in parts}
    if len(by_index) != len(parts):
        return None
    out: dict[Symbol, Expr] = {}
    for term in terms:
        indices = {index_of(s) for s in term.free_symbols} - {""}
        part = by_index.get(next(iter(indices))) if len(indices) == 1 else None
        if part is None or part in out or part in term.free_symbols:
            return None
        out[part] = term
    return out
