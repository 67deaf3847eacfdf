"""Functions a document defines for itself: ``\\operatorname{swish}(z) = z \\cdot \\sigma(z)``.

A document that uses a function of its own states what it is, as a spec's
``[functions.NAME]`` table does: its definition, and perhaps the derivative
it works with (``\\operatorname{swish}'(z) = \\sigma(z) + z \\cdot \\sigma(z)(1 - \\sigma(z))``).
:func:`with_stated_functions` reads those statements and adds the functions to
the table the reader parses with, so that ``a = \\operatorname{swish}(z)`` is
read, derived and judged as the document means it.  A stated derivative is
the one used, as a spec's ``derivative`` is: it is the document's definition,
not a claim (the gradient check is the tool that tests a hand-written
derivative against its definition).

Only a name that the table does not know yet is defined: a statement about
a library function (``\\sigma(z) = \\frac{1}{1+e^{-z}}``), or about a function
the spec defines, stays a claim and is judged.  The made functions are
remembered by their statements, so the document's every reading (one per
problem of the document) gets the same SymPy classes.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from functools import lru_cache
from typing import Any

from sympy import Expr, Symbol

from ..core.functions import FunctionInfo, custom_function
from ..errors import SymbackpropError
from ..notation.latex import FUNCTION_ALIASES
from .report import Finding, Kind, Status
from .statements import Statement

__all__ = ["Given", "function_definitions", "given_findings", "others_than", "with_stated_functions"]

#: What a statement that only gives something gives: its kind, and the words for it.
Given = tuple[Kind, str]

_NAME = r"[A-Za-z][A-Za-z0-9]*"
_ARG = r"[A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?"
#: ``\operatorname{swish}'\left(z\right)``, ``\mathrm{softsign}(x)``, ``swish^{\prime}(z)``, ``gelu(x, y)``:
#: a word (wrapped in a command, or of three letters or more) with at most one prime, applied to names.
_HEAD = re.compile(
    rf"\s*(?:\\(?:operatorname|mathrm|textrm|text|mathit)\s*\{{\s*({_NAME})\s*\}}|([A-Za-z]{{3,}}[A-Za-z0-9]*))"
    r"\s*('|\^\s*\{?\s*\\prime\s*\}?)?"
    rf"\s*(?:\\left\s*)?\(\s*({_ARG}(?:\s*,\s*{_ARG})*)\s*(?:\\right\s*)?\)\s*"
)
#: Longest left side read as a function's head (bounded work on long sides).
_HEAD_CHARS = 120


def _head(side: str) -> tuple[str, bool, tuple[str, ...]] | None:
    """``(name, primed, args)`` of a side written as a named function of its arguments, else ``None``."""
    m = _HEAD.fullmatch(side) if len(side) <= _HEAD_CHARS else None
    if m is None:
        return None
    name = m.group(1) or m.group(2)
    return name, m.group(3) is not None, tuple(a.strip() for a in m.group(4).split(","))


def _new(name: str, table: Mapping[str, Any]) -> bool:
    """Whether ``name`` is no function the reader knows already (as the LaTeX reader looks it up)."""
    low = name.lower()
    return low not in FUNCTION_ALIASES and name not in table and low not in table


def _heads(
    statements: list[Statement], table: Mapping[str, Any]
) -> dict[int, tuple[str, bool, tuple[str, ...]]]:
    """Index -> head of each statement that defines (or gives the derivative of) a function ``table``
    does not know: ``NAME(args) = body``, two sides, written with ``=``."""
    out: dict[int, tuple[str, bool, tuple[str, ...]]] = {}
    for i, st in enumerate(statements):
        head = _head(st.sides[0]) if len(st.sides) == 2 and st.ops == ["="] else None
        if head is not None and _new(head[0], table) and (not head[1] or len(head[2]) == 1):
            out[i] = head
    return out


def _stated(
    statements: list[Statement], table: Mapping[str, Any]
) -> tuple[dict[int, tuple[str, bool, tuple[str, ...]]], dict[str, tuple[FunctionInfo, bool]]]:
    """The defining statements' heads, and each function made from them, with whether its stated
    derivative was read."""
    heads = _heads(statements, table)
    if not heads:
        return heads, {}
    defs: dict[str, tuple[tuple[str, ...], str, str | None]] = {}
    for i, (name, primed, args) in heads.items():
        known = defs.get(name, (args, "", None))
        if known[0] != args:
            continue
        body = statements[i].sides[1]
        if primed and known[2] is None:
            defs[name] = (args, known[1], body)
        elif not primed and not known[1]:
            defs[name] = (args, body, known[2])
    extra = tuple(sorted((k, v.func) for k, v in table.items() if getattr(v.func, "function_info", None)))
    return heads, _made(tuple((n, *d) for n, d in defs.items() if d[1]), extra)


def with_stated_functions(table: Mapping[str, Any], statements: list[Statement]) -> Mapping[str, Any]:
    """``table`` with the functions the statements define (see the module's docstring).

    A definition that cannot be read (a body with names other than its arguments, or a derivative
    stated without its function) defines nothing: the lines that use the function stay not checked.
    A stated derivative that cannot be read leaves the function differentiated by SymPy.
    """
    made = _stated(statements, table)[1]
    return {**table, **{name: info for name, (info, _) in made.items()}} if made else table


def function_definitions(statements: list[Statement], table: Mapping[str, Any]) -> dict[int, Given]:
    """Index -> what it gives, for each statement that :func:`with_stated_functions` read as the
    definition, or the derivative, of a function ``table`` does not know."""
    heads, made = _stated(statements, table)
    what = {False: "definition", True: "derivative"}
    return {
        i: (Kind.DEFINITION, f"{what[primed]} of the function {name}")
        for i, (name, primed, _) in heads.items()
        if name in made and (not primed or made[name][1])
    }


@lru_cache(maxsize=64)
def _made(
    defs: tuple[tuple[str, tuple[str, ...], str, str | None], ...], extra: tuple[tuple[str, Any], ...]
) -> dict[str, tuple[FunctionInfo, bool]]:
    """The functions of ``defs``, in order (a body may use the functions stated before it); ``extra``
    are the table's own user functions (a spec's), which bodies may use.  Cached: one class per
    statement, for every reading of the document."""
    from ..core.functions import FUNCTIONS

    table: dict[str, Any] = {**FUNCTIONS, **{k: f.function_info for k, f in extra}}
    made: dict[str, tuple[FunctionInfo, bool]] = {}
    for name, args, body, derivative in defs:
        info = _function(name, args, body, derivative, table)
        if info is not None:
            table[name] = info[0]
            made[name] = info
    return made


def _function(
    name: str, args: tuple[str, ...], body: str, derivative: str | None, table: Mapping[str, Any]
) -> tuple[FunctionInfo, bool] | None:
    """One stated function, with its stated derivative (read with the function itself known), if any
    and readable; and whether that derivative was read."""
    from ..notation.latex_input import parse_math

    params: dict[str, Symbol] = {}

    def param(key: str) -> Symbol:
        return params.setdefault(key, Symbol(key, real=True))

    try:
        symbols = [parse_math(a, param, table).exact() for a in args]
        if len(set(symbols)) != len(args) or not all(isinstance(s, Symbol) for s in symbols):
            return None
        expr = parse_math(body, params.get, table).exact()
    except SymbackpropError:
        return None
    first = custom_function(name, symbols, expr)
    if derivative is None:
        return first.function_info, False  # type: ignore[return-value]
    try:
        slope: Expr = parse_math(derivative, params.get, {**table, name: first.function_info}).exact()
    except SymbackpropError:
        return first.function_info, False  # type: ignore[return-value]
    final = custom_function(name, symbols, expr, [slope])
    if slope.has(first):  # stated in terms of the function itself (f' = f(1 - f)): the final one
        final._derivatives = (slope.replace(first, final),)
    return final.function_info, True  # type: ignore[return-value]


def given_findings(statements: list[Statement], given: Mapping[int, Given]) -> list[Finding]:
    """The findings on statements that only give something (``given``: index -> its kind and what
    it gives), each given, nothing checked: a function's definition, another case's data."""
    return [
        Finding(
            line=statements[i].line,
            source=statements[i].source,
            status=Status.OK,
            explanation=(why,),
            kind=kind,
            block_end=statements[i].block_end,
            subject=statements[i].sides[0].strip(),
        )
        for i, (kind, why) in given.items()
    ]


def others_than(statements: list[Statement], given: Collection[int]) -> Iterator[tuple[int, Statement]]:
    """``enumerate(statements)`` without the statements numbered in ``given``."""
    return ((i, st) for i, st in enumerate(statements) if i not in given)
