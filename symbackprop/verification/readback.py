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

from ..core.derivation import Partial
from .names import Names
from .statements import Statement, bare, is_number

__all__ = ["NEAR", "SUBSTITUTION_CONSTANTS", "agrees", "near", "repaired", "substitution"]

#: How close (relative) written arithmetic must come to its result for its numbers to be read back.
NEAR = Rational(1, 10**6)

#: Most numbers of the written constants a substitution tries to place.
SUBSTITUTION_CONSTANTS = 3


def agrees(arith: Any, result: Any) -> bool:
    """The written arithmetic gives the written result, within its last digit."""
    r = next(iter(result.numbers.values()))
    a = arith.exact().evalf(30)
    v = result.exact()
    return bool(a.is_number and abs(a - v) <= Rational(1, 10**r.decimals))


def near(arith: Any, result: Any) -> bool:
    """The written arithmetic gives the written result within its last digit, or within
    :data:`NEAR` relative: a result slipped in its last digits (``0.40 - 0.5 \\cdot 0.0821671041 =
    0.35891648``) still shows which numbers were substituted."""
    a = arith.exact().evalf(30)
    v = result.exact()
    return agrees(arith, result) or bool(a.is_number and abs(a - v) <= NEAR * abs(v))


def substitution(form: Any, num: Any, names: Names) -> dict[Symbol, Rational] | None:
    """The leaf values that make ``form`` (names) the written ``num`` (numbers), or ``None``.

    Names are matched with numbers in the order they are written; the form's own
    constants (the ``1`` of ``b_1 \\cdot 1``) are matched with equal numbers.  The
    match must reproduce the numeric side exactly.
    """
    written = _slots(form, names)
    keys = list(dict.fromkeys(written))
    constants = list(form.numbers.values())
    numbers = list(num.numbers.values())
    if len(numbers) != len(written) + len(constants) or len(constants) > SUBSTITUTION_CONSTANTS:
        return None
    target = num.exact()
    for spots in _constant_spots(numbers, constants):
        rest = [n for i, n in enumerate(numbers) if i not in spots]
        assignment: dict[str | Partial, Rational] = {}
        if any(assignment.setdefault(k, n.value) != n.value for k, n in zip(written, rest)):
            continue
        values = {names.resolve(k) if isinstance(k, str) else k: assignment[k] for k in keys}
        if form.exact().xreplace(values) == target:
            return {s: v for s, v in values.items() if isinstance(s, Symbol)}
    return None


def _slots(form: Any, names: Names) -> list[str | Partial]:
    """The form's names in written order, a derivative (``\\frac{\\partial E}{\\partial w}``, whose two
    names come one after the other) as one slot: the update ``w - \\eta \\frac{∂E}{∂w}`` has three."""
    partials = {(d.of, d.wrt): d for d in form.expr.atoms(Partial)}
    written = list(form.names)
    out: list[str | Partial] = []
    k = 0
    while k < len(written):
        pair = (names.lookup(written[k]), names.lookup(written[k + 1])) if k + 1 < len(written) else None
        if pair in partials:
            out.append(partials[pair])
            k += 2
        else:
            out.append(written[k])
            k += 1
    return out


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
