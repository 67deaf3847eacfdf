"""The adapter to ``latex2sympy2_extended``: the only module that imports it.

:func:`finish` turns the scanner's placeholder LaTeX into SymPy: the fast
:mod:`~symbackprop.notation.latex.skeleton` parser first, latex2sympy for what
it leaves, then each placeholder ``v_{k}`` replaced by what it stands for.
latex2sympy is imported on first use, so reading a spec without LaTeX never
loads it (or ANTLR).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sympy
from sympy import Expr, Symbol

from ...errors import InputError
from .replacing import replaced
from .skeleton import parse_skeleton
from .vocabulary import PLACEHOLDER

__all__ = ["finish", "parse_with_latex2sympy"]


def finish(text: str, table: Mapping[int, Any]) -> Expr:
    """Placeholder LaTeX -> SymPy, with every placeholder ``v_{k}`` replaced by ``table[k]``."""
    lone = text.strip()
    if not lone:
        raise InputError("an empty expression")
    if lone.startswith("v_{") and lone.endswith("}") and lone[3:-1].isdigit() and int(lone[3:-1]) in table:
        return table[int(lone[3:-1])]  # one placeholder alone (a name, a number): what it stands for
    raw = parse_skeleton(text)
    if raw is None:
        raw = parse_with_latex2sympy(text)
    return _substitute(raw, table)


def parse_with_latex2sympy(text: str) -> Expr:
    """``text`` read by latex2sympy, with its ``Exception`` turned into one :class:`InputError`."""
    try:
        from latex2sympy2_extended import latex2sympy
        from latex2sympy2_extended.latex2sympy2 import ConversionConfig
    except ImportError as e:  # pragma: no cover - dependency missing
        msg = f"the LaTeX parser is not installed ({e}); pip install 'latex2sympy2_extended[antlr4_13_2]'"
        raise InputError(msg) from None
    config = ConversionConfig(
        interpret_as_mixed_fractions=False,
        interpret_simple_eq_as_assignment=False,
        interpret_contains_as_eq=False,
        lowercase_symbols=False,
    )
    try:
        return latex2sympy(text, normalization_config=None, conversion_config=config)
    except RecursionError:
        raise InputError("the expression nests too deeply") from None
    except Exception as e:  # latex2sympy raises bare Exceptions with a caret diagram
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        msg = f"cannot parse: {first}"
        raise InputError(msg) from None


def _substitute(raw: Any, table: Mapping[int, Any]) -> Expr:
    if not isinstance(raw, Expr) or isinstance(raw, (sympy.core.relational.Relational, sympy.Tuple)):
        msg = f"not an expression: {raw}"
        raise InputError(msg)
    walked = _walk(raw, table)
    if walked is not None:  # the common case, read in one walk
        if walked[1]:
            raise InputError("the expression was misread (a stray function or number)")
        return replaced(raw, walked[0])
    mapping: dict[Symbol, Any] = {}
    for s in raw.free_symbols:
        m = PLACEHOLDER.match(s.name)
        if not m or int(m.group(1)) not in table:
            msg = f"cannot read {s.name!r}"
            raise InputError(msg)
        mapping[s] = table[int(m.group(1))]
    if raw.atoms(sympy.Float, sympy.core.function.AppliedUndef):
        raise InputError("the expression was misread (a stray function or number)")
    return replaced(raw, mapping)


#: How SymPy finds the free symbols of a node that binds none (a sum, an integral or a derivative
#: computes its own), and of a plain symbol.
_PLAIN, _SYMBOL = sympy.Basic.__dict__["free_symbols"], Symbol.__dict__["free_symbols"]
_STRAY = (sympy.Float, sympy.core.function.AppliedUndef)


_HOW: dict[type, Any] = {}


def _how_free(cls: type) -> Any:
    """The ``free_symbols`` that instances of ``cls`` use (looked up in its own classes, not its
    metaclass: a SymPy function class has a ``free_symbols`` of its own)."""
    how = _HOW.get(cls)
    if how is None:
        how = _HOW[cls] = next(
            k.__dict__["free_symbols"] for k in cls.__mro__ if "free_symbols" in k.__dict__
        )
    return how


#: A shape per skeleton: its symbols, each with its placeholder's number (``None``: no placeholder),
#: and whether a stray float or undefined function is in it; ``None`` when a node binds names.
_Shape = tuple[tuple[tuple[Symbol, int | None], ...], bool] | None
_SHAPES: dict[Expr, _Shape] = {}


def _walk(raw: Expr, table: Mapping[int, Any]) -> tuple[dict[Symbol, Any], bool] | None:
    """Each placeholder of ``raw`` with what it stands for, and whether a stray float or undefined
    function is there (one walk per skeleton: sides share them); ``None`` when a node binds names or
    a symbol is no placeholder (then the caller asks SymPy, which also names the first unreadable
    symbol)."""
    if raw not in _SHAPES:
        if len(_SHAPES) >= 1024:
            _SHAPES.clear()
        _SHAPES[raw] = _shape(raw)
    shape = _SHAPES[raw]
    if shape is None:
        return None
    mapping: dict[Symbol, Any] = {}
    for symbol, k in shape[0]:
        if k is None or k not in table:
            return None
        mapping[symbol] = table[k]
    return mapping, shape[1]


def _shape(raw: Expr) -> _Shape:
    """What :func:`_walk` needs of ``raw``, whatever the placeholders stand for."""
    symbols: dict[Symbol, int | None] = {}
    stray = False
    stack: list[Any] = [raw]
    while stack:
        node = stack.pop()
        found = _how_free(type(node))
        if found is _SYMBOL:
            m = PLACEHOLDER.match(node.name)
            symbols[node] = int(m.group(1)) if m else None
        elif found is not _PLAIN:
            return None
        stray = stray or isinstance(node, _STRAY)
        stack.extend(node.args)
    return tuple(symbols.items()), stray
