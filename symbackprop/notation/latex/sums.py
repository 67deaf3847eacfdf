"""Sums: ``\\sum_{j=1}^{2} w_j x_j``, and ``\\sum_j w_j x_j`` over the family the document defines.

A sum is written out term by term before it is read: the summand (the rest of
the term after ``\\sum``, see :func:`~symbackprop.notation.latex.tokens.term_end`)
is copied once per value of the index, with the index replaced by the value
wherever it is written on its own (``x_j`` -> ``x_1``, ``w_{jk}`` -> ``w_{j1}``).

Without limits, the range is the one on which every indexed name of the summand
is a name the document defines (``known``): ``\\sum_j w_j x_j`` with ``w_1,
w_2, x_1, x_2`` known runs over 1 and 2.  When no such range exists (a free
index such as ``j`` in ``\\sum_k w_{jk} x_k``, a symbolic limit ``N``) the sum
is not read: it is index or matrix notation, and the line is not checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

from sympy import Symbol

from ...errors import InputError
from .context import ScanContext, matrix_notation
from .tokens import group, skip_space, term_end
from .vocabulary import TOKEN

__all__ = ["MAX_TERMS", "MAX_TERMS_IN_ALL", "Expanding", "expand_sum"]

#: The most terms a sum is written out to.
MAX_TERMS = 64

#: The most terms all the sums of one side are written out to (nested sums multiply).
MAX_TERMS_IN_ALL = 1024

#: What the index stands for while the range is probed: a number no document writes.
_PROBE = "97531"


class Expanding(Protocol):
    """What a sum needs from the scanner: a scanner with another context, to probe the summand."""

    context: ScanContext

    def rewrite(self, toks: list[str], depth: int = 0) -> str: ...

    def probe(self, context: ScanContext) -> Expanding: ...


def expand_sum(scanner: Expanding, toks: list[str], i: int) -> tuple[list[str], int]:
    """``\\sum`` at ``i`` -> (the sum written out as tokens, in parentheses; the index after the summand).

    Raises:
        InputError: The index, its limits or its range cannot be read.
    """
    index, low, high, j = _limits(toks, i + 1)
    end = term_end(toks, j)
    body = toks[j:end]
    if skip_space(body, 0) >= len(body):
        raise InputError("a sum without a summand")
    if low is None:
        values = _family(scanner, body, index)
    else:
        if high is None:
            msg = f"the sum's upper limit is not a number: \\sum_{{{index}={low}}}^{{...}}"
            raise InputError(msg)
        values = [str(v) for v in range(low, high + 1)]
    terms = scanner.context.terms
    terms.append(len(values))
    if not values or len(values) > MAX_TERMS:
        msg = f"a sum over {len(values)} terms is not read (at most {MAX_TERMS})"
        raise InputError(msg)
    if sum(terms) > MAX_TERMS_IN_ALL:
        msg = f"the sums of one side are not written out to more than {MAX_TERMS_IN_ALL} terms"
        raise InputError(msg)
    out: list[str] = ["("]
    for n, v in enumerate(values):
        out += (["+"] if n else []) + ["("] + _substitute(body, index, TOKEN.findall(v)) + [")"]
    return [*out, ")"], end


def _limits(toks: list[str], j: int) -> tuple[str, int | None, int | None, int]:
    """``_{j=1}^{2}``, ``_j`` or ``_{j}`` after ``\\sum`` -> (index, low, high, next index)."""
    k = skip_space(toks, j)
    if k >= len(toks) or toks[k] != "_":
        raise matrix_notation("a sum without an index")
    g, j = group(toks, k + 1)
    text = "".join(g).replace(" ", "")
    m = re.fullmatch(r"([A-Za-z])(?:=(\d+))?", text)
    if not m:
        msg = f"cannot read the index of a sum: {text!r}"
        raise InputError(msg)
    low = int(m.group(2)) if m.group(2) else None
    high = None
    k = skip_space(toks, j)
    if k < len(toks) and toks[k] == "^":
        g, j = group(toks, k + 1)
        upper = "".join(g).strip()
        high = int(upper) if upper.isdigit() and len(upper) <= 4 else None
        if low is None:
            raise InputError("a sum with an upper limit and no lower limit is not read")
    return m.group(1), low, high, j


def _substitute(body: list[str], index: str, value: list[str]) -> list[str]:
    """The summand with the index replaced by ``value``.

    Inside a sub- or superscript every letter is an index (``w_{jk}``) except in a word
    (the ``o`` of ``E_{total}``); elsewhere only a letter that stands on its own is (the
    ``o`` of ``out_o`` is not).
    """
    out: list[list[str]] = [[t] for t in body]
    for k, depth in enumerate(_script_depths(body)):
        if body[k] != index:
            continue
        if not depth and k and body[k - 1] in ("_", "^"):
            out[k] = ["{", *value, "}"]  # x_j -> x_{o1}
        elif (depth and not _in_word(body, k)) or _stands_alone(body, k):
            out[k] = value
    return [t for piece in out for t in piece]


def _script_depths(body: list[str]) -> list[int]:
    """How deep each token is inside sub- and superscript groups (``w_{jk}``: ``j`` and ``k`` at 1)."""
    depths = []
    depth = 0
    for k, t in enumerate(body):
        if t == "{" and (depth or (k and body[k - 1] in ("_", "^"))):
            depth += 1
        elif t == "}":
            depth = max(depth - 1, 0)
        depths.append(depth)
    return depths


def _stands_alone(body: list[str], k: int) -> bool:
    """Whether the letter at ``k`` is not glued to other letters (the ``o`` of ``out`` is)."""
    return not any(0 <= n < len(body) and body[n].isalpha() and body[n].isascii() for n in (k - 1, k + 1))


def _in_word(body: list[str], k: int) -> bool:
    """Whether the letter at ``k`` is one of at least three letters in a row (``total``, not ``jk``)."""

    def letter(n: int) -> bool:
        return 0 <= n < len(body) and body[n].isalpha() and body[n].isascii()

    first = last = k
    while letter(first - 1):
        first -= 1
    while letter(last + 1):
        last += 1
    return last - first >= 2


def _family(scanner: Expanding, body: list[str], index: str) -> list[str]:
    """The values of ``index`` for which every indexed name of ``body`` is known, in order.

    A value is a number, or the index letter and a number: ``\\sum_o \\delta_o`` with
    ``\\delta_{o1}`` and ``\\delta_{o2}`` known runs over ``o1`` and ``o2``.
    """
    seen: list[str] = []

    def grab(key: str) -> Symbol:
        seen.append(key)
        return Symbol(f"_probe{len(seen)}")

    if any(_PROBE in t for t in body):
        raise InputError("a sum without limits inside another one is not read")
    c = scanner.context
    context = ScanContext(grab, c.functions, c.gradient, c.known, {}, [])
    try:
        scanner.probe(context).rewrite(_substitute(body, index, [_PROBE]))
    except InputError:
        msg = f"cannot tell the range of the sum over {index}"
        raise InputError(msg) from None
    templates = {key for key in seen if _PROBE in key}
    if not templates:
        msg = f"cannot tell the range of the sum over {index}: no name in it is indexed by {index}"
        raise InputError(msg)
    values = _values(templates, index, c.known, _spelled) or _values(templates, index, c.known, _squashed)
    if not _consecutive(values):
        family = ", ".join(key.replace(_PROBE, v) for key in sorted(templates) for v in values[:4])
        msg = f"cannot tell the range of the sum over {index} (the document defines {family or 'none'})"
        raise InputError(msg)
    return values


def _spelled(key: str) -> str:
    """A key as it is written."""
    return key


def _squashed(key: str) -> str:
    """A key without sub/superscript marks and braces: ``out_{o_{1}}`` and ``out_{o1}`` meet here."""
    return re.sub(r"[_^(){}]", "", key)


def _values(templates: set[str], index: str, known: frozenset[str], form: Callable[[str], str]) -> list[str]:
    """The values of ``index`` for which every template names a known key, both read through ``form``."""
    ranges = []
    for key in templates:
        pattern = re.compile(re.escape(form(key)).replace(_PROBE, f"({index}?\\d+)"))
        ranges.append({m.group(1) for k in known if (m := pattern.fullmatch(form(k)))})
    return sorted(set.intersection(*ranges), key=lambda v: (len(v), v))


def _consecutive(values: list[str]) -> bool:
    """Whether the values are one run 0, 1, ... or 1, 2, ... (all numbers, or all a letter and a number)."""
    numbers = [int(re.sub(r"^[A-Za-z]", "", v)) for v in values]
    same_form = len({v[0].isdigit() for v in values}) == 1
    return (
        bool(values)
        and same_form
        and numbers[0] in (0, 1)
        and numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    )
