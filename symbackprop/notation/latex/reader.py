"""Reading LaTeX: one side of a relation (:func:`parse_math`) or a spec's ``$...$`` right-hand side."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from sympy import Expr, Symbol

from ...core.functions import FUNCTIONS
from ...errors import InputError, SymbackpropError
from ..limits import MAX_DEPTH, MAX_LATEX_CHARS, nesting_depth
from .parsed import Number, Parsed
from .scanner import Resolver, ScanContext, Scanner
from .tokens import tokenize

__all__ = ["parse_latex_expression", "parse_math"]


def parse_math(
    latex: str,
    resolve: Resolver,
    functions: Mapping[str, Any] | None = None,
    *,
    gradient: Callable[[Symbol, Symbol], Expr] | None = None,
    known: frozenset[str] | set[str] = frozenset(),
) -> Parsed:
    """Parse one side of a relation.

    Args:
        latex: The LaTeX text of one side (no relation signs).
        resolve: Name key (see :func:`~symbackprop.notation.latex.vocabulary.name_key`) -> Symbol,
            or ``None`` when the name is unknown (an :class:`InputError`).
        functions: Function name -> FunctionInfo; default the library table.
        gradient: ``(of, wrt) -> Expr`` for derivatives written in the text;
            ``None`` refuses them.
        known: Name keys that are multi-letter names or nodes (so ``a_2(1-a_2)``
            is a product and ``net_{h1}`` one name).

    Raises:
        InputError: The text cannot be read; the message says why.
    """
    if not isinstance(latex, str):
        msg = f"expected LaTeX text, got {type(latex).__name__}"
        raise InputError(msg)
    if len(latex) > MAX_LATEX_CHARS:
        msg = f"the fragment is {len(latex)} characters long; the limit is {MAX_LATEX_CHARS}"
        raise InputError(msg)
    deepest = nesting_depth(latex) if len(latex) > MAX_DEPTH else 0  # a level takes a character
    if deepest > MAX_DEPTH:
        msg = f"the expression nests {deepest} levels deep; the limit is {MAX_DEPTH}"
        raise InputError(msg)
    numbers: dict[Symbol, Number] = {}
    names: list[str] = []
    context = ScanContext(
        resolve, FUNCTIONS if functions is None else functions, gradient, frozenset(known), numbers, names
    )
    try:
        expr = Scanner(context).read(tokenize(latex))
    except SymbackpropError:
        raise
    except RecursionError:
        raise InputError("the expression nests too deeply") from None
    except (TypeError, ValueError, ZeroDivisionError, AttributeError, IndexError, KeyError) as e:
        msg = f"cannot build the expression: {e}"
        raise InputError(msg) from None
    return Parsed(expr, numbers, tuple(names))


def parse_latex_expression(
    latex: str, symbols: Mapping[str, Symbol], functions: Mapping[str, Any] | None = None
) -> Expr:
    """A spec's LaTeX right-hand side -> SymPy expression over ``symbols``.

    Names are looked up by their key (``z_{1}`` -> ``z_1``, ``\\hat{y}`` ->
    ``y_hat``) and, failing that, without underscores.  Derivatives are
    refused.  Raises :class:`InputError` on anything it cannot read.
    """
    lookup = _lookup_table(symbols)

    def resolve(key: str) -> Symbol | None:
        return lookup.get(key) or lookup.get(_squash(key))

    parsed = parse_math(latex, resolve, functions, known=frozenset(lookup))
    return parsed.exact()


def _squash(key: str) -> str:
    return re.sub(r"[_^(){}]", "", key)


def _lookup_table(symbols: Mapping[str, Symbol]) -> dict[str, Symbol]:
    table: dict[str, Symbol] = {}
    for name, sym in symbols.items():
        table.setdefault(name, sym)
    for name, sym in symbols.items():
        table.setdefault(_squash(name), sym)
    return table
