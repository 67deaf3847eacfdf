"""Reading the document's numbers back into its formulas.

* :func:`substitution`: ``net = w_1 i_1 + w_2 i_2 + b \\cdot 1 = 0.15 \\cdot 0.05 + …``
  gives the leaves' values, names matched with numbers in written order;
* :func:`agrees`: whether written arithmetic gives its written result;
* :func:`repaired`: a definition that the document's own numbers contradict in
  a classic way -- the logistic function written ``1/(1 + e^{net})`` while every
  number shows σ(net) -- replaced by what the numbers show.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import Any

import sympy
from sympy import Expr, Rational, Symbol

from .names import Names
from .statements import Statement, bare, is_number

__all__ = ["SUBSTITUTION_CONSTANTS", "agrees", "repaired", "substitution"]

#: Most numbers of the written constants a substitution tries to place.
SUBSTITUTION_CONSTANTS = 3


def agrees(arith: Any, result: Any) -> bool:
    """The written arithmetic gives the written result, within its last digit."""
    r = next(iter(result.numbers.values()))
    a = arith.exact().evalf(30)
    v = result.exact()
    return bool(a.is_number and abs(a - v) <= Rational(1, 10**r.decimals))


def substitution(form: Any, num: Any, names: Names) -> dict[Symbol, Rational] | None:
    """The leaf values that make ``form`` (names) the written ``num`` (numbers), or ``None``.

    Names are matched with numbers in the order they are written; the form's own
    constants (the ``1`` of ``b_1 \\cdot 1``) are matched with equal numbers.  The
    match must reproduce the numeric side exactly.
    """
    keys = list(dict.fromkeys(form.names))
    written = list(form.names)
    constants = list(form.numbers.values())
    numbers = list(num.numbers.values())
    if len(numbers) != len(written) + len(constants) or len(constants) > SUBSTITUTION_CONSTANTS:
        return None
    target = num.exact()
    for spots in _constant_spots(numbers, constants):
        rest = [n for i, n in enumerate(numbers) if i not in spots]
        assignment: dict[str, Rational] = {}
        if any(assignment.setdefault(k, n.value) != n.value for k, n in zip(written, rest)):
            continue
        values = {names.resolve(k): assignment[k] for k in keys}
        if form.exact().xreplace(values) == target:
            return values
    return None


def _constant_spots(numbers: list, constants: list) -> Iterator[set[int]]:
    """Positions of the numeric side that the form's constants may take, in order."""
    for spots in itertools.combinations(range(len(numbers)), len(constants)):
        if all(numbers[i].value == c.value for i, c in zip(spots, constants)):
            yield set(spots)


def _flip_exponents(expr: Expr) -> Expr:
    """``expr`` with every ``e^{u}`` read as ``e^{-u}`` (the logistic function's dropped minus)."""
    return expr.replace(lambda e: isinstance(e, sympy.exp), lambda e: sympy.exp(-e.args[0]))


def repaired(definition: Expr, lines: Sequence[Statement]) -> Expr | None:
    """The definition the document's numbers show, when they contradict the written one.

    Only a dropped minus in an exponent is repaired, and only when some line
    of the node writes the definition in numbers (``\\frac{1}{1+e^{0.3775}}``)
    with a result that the flipped exponent gives and the written one does not.
    """
    if not definition.atoms(sympy.exp):
        return None
    for st in lines:
        results = [p for p in st.parsed[1:] if is_number(p) and bare(p)]
        for side in (p for p in st.parsed[1:] if is_number(p) and not bare(p) and p.expr.atoms(sympy.exp)):
            if results and not agrees(side, results[-1]) and _agrees_flipped(side, results[-1]):
                return _flip_exponents(definition)
    return None


def _agrees_flipped(side: Any, result: Any) -> bool:
    r = next(iter(result.numbers.values()))
    a = _flip_exponents(side.exact()).evalf(30)
    return bool(a.is_number and abs(a - result.exact()) <= Rational(1, 10**r.decimals))
