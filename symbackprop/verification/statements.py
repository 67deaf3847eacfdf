"""A document's equations as statements: relation chains, their sides, parsed.

``a = b \\approx 0.25`` is one :class:`Statement` with the sides ``a``, ``b``,
``0.25`` and the relations ``=``, ``≈``.  Each side is parsed by
:func:`symbackprop.notation.latex_input.parse_math` into an expression over
the document's names, unevaluated partials and one placeholder per written
number (so that rounding can be judged).  A statement that cannot be read
keeps the reason in ``error`` and is reported as not checked.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sympy
from sympy import Expr, Symbol

from ..core.derivation import Partial
from ..errors import InputError, SymbackpropError
from ..notation.latex.parsed import AtPoint
from ..notation.latex.relations import split_relations
from .documents import Document, Fragment
from .names import Names
from .sizes import at_size, size_letters
from .values_at import derivative_at

__all__ = [
    "BODY",
    "Statement",
    "bare",
    "decimals",
    "defining_statements",
    "failed_definitions",
    "fragment_statements",
    "is_name",
    "is_number",
    "lhs_keys",
    "parse_all",
    "read_statements",
    "spell_names",
]


@dataclass
class Statement:
    """One relation chain of the document.

    Attributes:
        line: 1-based source line.
        block_end: The line where its math block ends.
        source: The chain as written, relations spaced.
        sides: Each side's LaTeX.
        ops: The relation between consecutive sides (``=``, ``≈``, ``<`` ...).
        parsed: Each side parsed (a :class:`~symbackprop.notation.latex_input.Parsed`).
        error: Why it cannot be read, or ``None``.
        lines: The line where each side starts (a chain may go on over several rows).
        function: The first side was written as a function of its arguments (``f(w) = 3w^2``).
        unread: Sides left out of the chain because they cannot be read, each with the reason
            (``F(0.21)``: an unknown function); the chain is judged without them.
    """

    line: int
    block_end: int
    source: str
    sides: list[str]
    ops: list[str]
    parsed: list[Any] = field(default_factory=list)
    error: str | None = None
    lines: list[int] = field(default_factory=list)
    unread: list[tuple[str, str]] = field(default_factory=list)
    function: bool = False


# ----------------------------------------------------------- what a side is


def is_name(side: Any) -> bool:
    """A side that is one name (``a_2``)."""
    return isinstance(side.expr, Symbol) and not side.numbers


def is_number(side: Any) -> bool:
    """A side of numbers only (``0.562 \\cdot 0.438``)."""
    known = side.__dict__.get("_is_number")  # asked about twenty times per side: remembered on it
    if known is None:
        known = side.__dict__["_is_number"] = _numbers_only(side.expr, tuple(side.numbers))
    return known


@functools.lru_cache(maxsize=1 << 14)
def _numbers_only(expr: Expr, placeholders: tuple[Symbol, ...]) -> bool:
    """:func:`is_number` of one expression (asked many times per side: remembered)."""
    return not expr.free_symbols - set(placeholders) and not expr.atoms(Partial, AtPoint)


def bare(side: Any) -> bool:
    """A side that is one number as written (possibly signed)."""
    return len(side.numbers) == 1 and _bare(side.expr, next(iter(side.numbers)))


@functools.lru_cache(maxsize=1 << 14)
def _bare(expr: Expr, placeholder: Symbol) -> bool:
    """:func:`bare` of one expression (asked several times per side, and SymPy's ``Abs`` of a
    name asks its assumptions: remembered, and not asked of the number itself)."""
    if expr == placeholder:
        return True
    return _numbers_only(expr, (placeholder,)) and sympy.Abs(expr) == abs(placeholder)


def decimals(side: Any) -> int:
    """The most decimals of a number written on the side."""
    return max((n.decimals for n in side.numbers.values()), default=0)


# ----------------------------------------------------------------- reading


def read_statements(doc: Document, functions: dict[str, list[str]] | None = None) -> list[Statement]:
    """Every relation chain of the document, in order (sides not parsed yet).

    ``functions`` (f -> its arguments, once defined as ``f(x, y) = ...``) carries the functions
    defined so far from one call to the next, when a document is read a fragment at a time.
    """
    out: list[Statement] = []
    functions = {} if functions is None else functions
    sizes = size_letters(doc.text)  # N of \sum_{i=1}^{N} anywhere in the document: read at one size
    for frag in doc.fragments:
        out += fragment_statements(frag, sizes, functions)
    return out


def fragment_statements(
    frag: Fragment, sizes: frozenset[str], functions: dict[str, list[str]]
) -> list[Statement]:
    """The relation chains of one fragment (:func:`read_statements` of a document of one fragment).

    Args:
        frag: The fragment.
        sizes: The letters some sum of the document runs to (:func:`~.sizes.size_letters`).
        functions: The functions defined so far (added to).
    """
    try:
        if frag.error:
            raise InputError(frag.error)
        chains = split_relations(frag.text)
    except SymbackpropError as e:
        return [Statement(frag.line, frag.block_end, frag.text, [frag.text], [], error=e.message)]
    out: list[Statement] = []
    cursor = 0
    for sides, ops in chains:
        lines = []
        for side in sides:  # each side is a piece of the text: find where it starts
            k = frag.text.find(side, cursor) if side else -1
            cursor = k + len(side) if k >= 0 else cursor
            lines.append(frag.line_at(k if k >= 0 else cursor))
        if len(sides) < 2:
            continue
        source = sides[0]
        name, function = _function_name(sides[0], sides[1:], functions)
        sides = [name, *sides[1:]]
        for op, side in zip(ops, sides[1:]):
            source += f" {op} {side}"
        sides, unread = at_size(sides, sizes) if sizes else (sides, None)
        out.append(
            Statement(
                lines[0], frag.block_end, source, sides, ops, lines=lines, function=function, error=unread
            )
        )
    return out


#: ``f(w)``, ``L(w_1, w_2)``: a letter applied to names, as the left side of a definition (``f_a(x)``,
#: a family of functions that the text then calls ``f``, is not read).
_APPLIED = re.compile(
    r"\s*([A-Za-z])\s*\(\s*([A-Za-z](?:_\{?\w+\}?)?(?:\s*,\s*[A-Za-z](?:_\{?\w+\}?)?)*)\s*\)\s*"
)


def _function_name(first: str, rest: list[str], functions: dict[str, list[str]]) -> tuple[str, bool]:
    """The first side as a name, and whether it defines a function.

    ``f(w) = 3w^2 + 2w - 1`` defines ``f``: the first side without its arguments, when every
    argument is a name that the other sides use. Once ``f(x, y)`` is defined, ``f(x,y) = -13.5``
    claims f's value at the document's current x and y: the name ``f``, no definition.
    ``L(2) = 1``, a value at a point, stays as written. ``functions`` collects the definitions.
    """
    m = _APPLIED.fullmatch(first) if len(first) <= 80 else None  # a short side: bounded work
    if m is None:
        return _value_at(first, functions), False
    args = [a.strip() for a in m.group(2).split(",")]
    used = re.sub(r"\\[A-Za-z]+", " ", " ".join(rest))  # commands are no variables: \sigma, \frac

    def uses(a: str) -> bool:  # a single letter may be juxtaposed (``wx``); w_1 must not be w_{12}
        return a in used if len(a) == 1 else re.search(rf"{re.escape(a)}(?![\w}}])", used) is not None

    if all(uses(a) for a in args):
        functions[m.group(1)] = args
        functions[BODY + m.group(1)] = rest[:1]
        return m.group(1), True
    if functions.get(m.group(1)) == args:  # the same arguments, by name: its value at the point
        return m.group(1), False
    return first, False


#: ``L(2)``, ``f(-1.5)``: a one-letter function applied to one number.
_AT_NUMBER = re.compile(r"\s*([A-Za-z])\s*\(\s*(-?\d+(?:\.\d+)?)\s*\)\s*")

#: Where ``functions`` keeps a function's body, beside its arguments: ``functions["=L"] = ["w^2-4w+5"]``.
BODY = "="


def _value_at(first: str, functions: dict[str, list[str]]) -> str:
    """``L(2)`` after ``L(w) = w^2-4w+5``: the body at the number, ``(2)^2-4(2)+5``, when the function
    has one argument, a single letter that its body uses only as itself (never inside ``w_1``, a
    command or a word); anything else stays as written."""
    slope = derivative_at(first, functions, BODY)  # L'(2), dL/dw at w = 2: the body's derivative there
    if slope is not None:
        return slope
    m = _AT_NUMBER.fullmatch(first) if len(first) <= 40 else None
    if m is None or len(functions.get(m.group(1), ())) != 1 or not functions.get(BODY + m.group(1)):
        return first
    arg, body = functions[m.group(1)][0], functions[BODY + m.group(1)][0]
    if len(arg) != 1 or len(body) > 200:
        return first
    alone = rf"(?<![A-Za-z\\]){arg}(?![A-Za-z_])"
    at = re.sub(alone, f"({m.group(2)})", body)
    return first if arg in re.sub(r"\\[A-Za-z]+", " ", at) else at


def parse_all(statements: list[Statement], names: Names, functions: Mapping[str, Any]) -> None:
    """Parse every side of every readable statement, in place; a failure becomes ``error``."""
    from ..notation.latex.context import remembered
    from ..notation.latex_input import parse_math

    known = frozenset(names.known())
    parsed: dict[str, Any] = {}  # a side written again (a derivative, a value) is parsed once
    resolve = remembered(names.resolve, lambda: len(names.table))  # a name is written many times
    partial = functools.cache(Partial)  # and a derivative on several sides: one (immutable) atom

    def parse(side: str) -> Any:
        if side not in parsed:
            p = parse_math(side, resolve, functions, gradient=partial, known=known)
            p.exact()  # refuses number bombs such as 9^{9^{9}} before anything evaluates them
            parsed[side] = p
        return parsed[side]

    for st in statements:
        if st.error:
            continue
        if any(not s.strip() for s in st.sides):
            st.error = "a side of the relation is empty"
            continue
        results: list[Any] = []
        for side in st.sides:
            try:
                results.append(parse(side))
            except SymbackpropError as e:
                results.append(e)
        _drop_unreadable_middle(st, results)


#: Why a side may be left out: a function the document never names (not matrix notation, which
#: makes the whole chain one of vectors, and never a refused command).
_SKIPPABLE = ("unknown function",)

#: Relations a chain may skip a side across: ``a = F(0.21) = 0.56`` still says ``a = 0.56``.
_EQUAL = frozenset({"=", "≈", "\\approx"})


def _drop_unreadable_middle(st: Statement, results: list[Any]) -> None:
    """``st.parsed`` from the sides' results; a side in the middle of an equality chain that applies
    an unknown function (``y_3 = F(0.21) = \\frac{1}{1+e^{-0.21}} = 0.56``) is left out, since the
    chain claims its neighbours equal all the same; any other unreadable side makes ``error``."""
    bad = [k for k, r in enumerate(results) if isinstance(r, SymbackpropError)]
    if not bad:
        st.parsed = results
        return
    skippable = all(results[k].message.startswith(_SKIPPABLE) for k in bad)
    if not skippable or bad[0] == 0 or bad[-1] == len(results) - 1 or not set(st.ops) <= _EQUAL:
        st.error = results[bad[0]].message
        return
    st.unread = [(st.sides[k], results[k].message) for k in bad]
    keep = [k for k in range(len(results)) if k not in bad]
    ops = []
    for a, b in zip(keep, keep[1:]):
        skipped = st.ops[a:b]
        ops.append("=" if all(op == "=" for op in skipped) else "≈")
    st.sides = [st.sides[k] for k in keep]
    st.lines = [st.lines[k] for k in keep] if len(st.lines) == len(results) else st.lines
    st.ops = ops
    st.parsed = [results[k] for k in keep]


def _lhs_key(side: str, functions: Mapping[str, Any]) -> str | None:
    from ..notation.latex_input import parse_math

    word = re.fullmatch(r"\s*([A-Za-z]{2,})\s*", side)
    if word:  # "out = ...": a multi-letter name, not a product
        return word.group(1)
    quick = _quick_lhs_key(side, functions)
    if quick is not None:
        return quick or None
    seen: list[str] = []

    def grab(key: str) -> Symbol:
        seen.append(key)
        return Symbol(f"_k{len(seen)}")

    try:
        p = parse_math(side, grab, functions, gradient=lambda a, b: Symbol("_g"), known=frozenset())
    except SymbackpropError:
        return None
    return seen[0] if len(seen) == 1 and isinstance(p.expr, Symbol) and not p.numbers else None


#: A letter with a numeric subscript (``z_{12}``), and a Leibniz derivative of two such names.
_SUBSCRIPTED = r"\s*([A-Za-z])_(?:(\d)|\{(\d+)\})\s*"
_NAME = rf"(?:{_SUBSCRIPTED}|\s*([A-Za-z])\s*)"
_LEIBNIZ = re.compile(rf"\s*\\frac\{{\\partial{_NAME}\}}\{{\\partial{_NAME}\}}\s*")

#: A subscripted letter, maybe updated (``w_{12}^{+}``: the name ``w_12^+``).
_FIRST_NAME = re.compile(r"\s*([A-Za-z])_(?:(\d)|\{(\d+)\})(\^(?:\+|\{\+\}))?\s*")


def _quick_lhs_key(side: str, functions: Mapping[str, Any]) -> str | None:
    """What :func:`_lhs_key` would find by parsing, for the two commonest first sides, without
    parsing: ``z_{12}`` is the name ``z_12`` (``w_{3}^{+}``, updated, ``w_3^+``); a derivative
    ``\\frac{\\partial L}{\\partial w_1}`` names two things, so it defines no one name (``""``).
    ``None``: parse to find out."""
    m = _FIRST_NAME.fullmatch(side)
    if m is not None:
        updated = "^+" if m.group(4) else ""
        return None if m.group(1) in functions else f"{m.group(1)}_{m.group(2) or m.group(3)}{updated}"
    m = _LEIBNIZ.fullmatch(side)
    if m is None or any(g in functions for g in m.groups() if g is not None and g.isalpha()):
        return None
    return ""


def lhs_keys(statements: list[Statement], functions: Mapping[str, Any]) -> list[str]:
    """Keys of names that a statement defines (the first side is one name), in document order: the
    first spelling of two that name one quantity (``z_1``, ``z^{(1)}``) is its name, whatever the
    hash seed."""
    keys: dict[str, None] = {}
    for st in statements:
        key = None if st.error else _lhs_key(st.sides[0], functions)
        if key is not None:
            keys.setdefault(key)
    return list(keys)


def failed_definitions(
    statements: list[Statement], names: Names, functions: Mapping[str, Any]
) -> dict[Symbol, int]:
    """Names whose defining equation could not be read, with its line (``w_6 = ?`` asks for a value
    the reader is to work out: it defines nothing, so it blocks nothing)."""
    from ..notation.latex_input import parse_math

    out: dict[Symbol, int] = {}
    for st in statements:
        if not st.error or len(st.sides) < 2 or any(x.strip() == "?" for x in st.sides):
            continue
        try:
            p = parse_math(
                st.sides[0], names.resolve, functions, gradient=Partial, known=frozenset(names.known())
            )
        except SymbackpropError:
            continue
        if is_name(p):
            out.setdefault(p.expr, st.line)
    for n, line in _stated_but_differentiated(statements).items():
        out.setdefault(n, line)
    return out


def _stated_but_differentiated(statements: list[Statement]) -> dict[Symbol, int]:
    """Names the document states only by a number (``E_{o2} = 0.0236``) and yet differentiates
    (``\\partial E_{o2} / \\partial out_{h1}``): computed quantities whose definition it never gives,
    with the line of the value."""
    valued: dict[Symbol, int] = {}
    defined: set[Symbol] = set()
    differentiated: set[Symbol] = set()
    for st in statements:
        if st.error:
            continue
        for p in st.parsed:
            differentiated |= {d.of for d in p.atoms_of(Partial)}
        if is_name(st.parsed[0]):
            n = st.parsed[0].expr
            if len(st.parsed) == 2 and is_number(st.parsed[1]):
                valued.setdefault(n, st.line)
            else:
                defined.add(n)
    return {n: line for n, line in valued.items() if n in differentiated and n not in defined}


def defining_statements(statements: list[Statement]) -> dict[Symbol, tuple[Expr, int]]:
    """``name -> (expression, line)`` for the first ``name = expression`` of each name."""
    out: dict[Symbol, tuple[Expr, int]] = {}
    for st in statements:
        if not st.error and is_name(st.parsed[0]) and not is_number(st.parsed[1]):
            n = st.parsed[0].expr
            if n not in out and n not in st.parsed[1].expr.free_symbols:
                out[n] = (st.parsed[1].exact(), st.line)
    return out


def spell_names(statements: list[Statement], names: Names) -> None:
    """Remember how the document spells every name that is a whole side."""
    for st in statements:
        for side_text, p in zip(st.sides, st.parsed):
            if is_name(p):
                names.spell(p.expr, side_text.strip())
