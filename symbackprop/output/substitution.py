"""Numbers substituted into a line, shown so that the line can be checked by hand.

A walkthrough line reads *formula = numbers substituted ≈ result*.  A careful
reader multiplies the shown numbers and expects the shown result.  In exact
rounding (each number rounded from its exact value) that can fail:
a₁·w₂ = 0.0088·0.05 ≈ 0.0004386, because a₁ is really 0.008772….  The rule
here, for exact rounding:

* a given number (an input, target, parameter or η) is shown as written, when
  it has at most 12 decimals (:func:`~symbackprop.output.numbers.given`);
* a computed number is shown with ``digits`` decimals, or with as many more
  (at most :data:`MAX_EXTRA`) as it takes for the line, recomputed from the
  shown numbers, to give the shown result: 0.008772·0.05 ≈ 0.0004386.

In hand rounding the numbers carried on *are* the shown ones, so every line
reproduces its result by construction, and the shown numbers are used as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext
from fractions import Fraction
from typing import Any

from sympy import Expr

from ..core.evaluation import decimal_value_of
from .numbers import Shown, given, shown

__all__ = ["MAX_EXTRA", "line_numbers", "line_shown"]

#: Most decimals added to a line's computed inputs so that they reproduce its result.
MAX_EXTRA = 4


def _as_number(s: Shown) -> Fraction:
    return Fraction(s.value)


#: Shown numbers beyond 10^±this are not carried as exact fractions to reproduce a line
#: (exp(10^16) would need a fraction of 10^16 digits); their lines are shown as they are.
_REPRODUCIBLE_EXPONENT = 1000


def _reproducible(value: Decimal) -> bool:
    return value.is_finite() and (value == 0 or abs(value.adjusted()) <= _REPRODUCIBLE_EXPONENT)


def _gives(value: Decimal, target: Shown) -> bool:
    """Whether ``value`` is shown as ``target``: equal to it when exact, else rounding to its digits."""
    if target.exact:
        return value == target.value
    with localcontext() as ctx:
        ctx.prec = 60
        try:
            return value.quantize(target.value, rounding=ROUND_HALF_EVEN) == target.value
        except InvalidOperation:  # digits beyond the precision (a value far from the shown one)
            return False


def line_shown(
    expr: Expr,
    inputs: Mapping[Any, Expr],
    result: Expr,
    *,
    digits: int,
    leaves: frozenset,
    reproduce: bool = True,
) -> dict[Any, Shown]:
    """Each number substituted into ``expr``, as shown.

    Args:
        expr: The line's formula; its symbols (and the ``(of, wrt)`` pairs of
            its Partials) are the keys of ``inputs``.
        inputs: Key -> value of every number substituted.
        result: The line's value, as computed (the shown result is ``shown(result, digits)``).
        digits: The walkthrough's decimals.
        leaves: Keys of given numbers, shown as written.
        reproduce: Add decimals to computed inputs until the line reproduces
            its shown result (exact rounding); ``False`` shows them with ``digits``.
    """
    target = shown(result, digits)
    computed = [k for k in inputs if k not in leaves]
    fixed = {k: given(inputs[k], digits) for k in inputs if k in leaves}
    for extra in range(MAX_EXTRA + 1):
        numbers = dict(fixed)
        numbers.update({k: shown(inputs[k], digits + extra) for k in computed})
        if not reproduce or all(numbers[k].exact for k in computed) or extra == MAX_EXTRA:
            break
        if not all(_reproducible(s.value) for s in [*numbers.values(), target]):
            break
        again = decimal_value_of(expr, {k: _as_number(s) for k, s in numbers.items()})
        if _gives(again, target):
            break
    return numbers


def line_numbers(
    expr: Expr,
    inputs: Mapping[Any, Expr],
    result: Expr,
    *,
    digits: int,
    leaves: frozenset,
    reproduce: bool = True,
) -> dict[Any, str]:
    """The LaTeX of each number substituted into ``expr`` (see :func:`line_shown`)."""
    numbers = line_shown(expr, inputs, result, digits=digits, leaves=leaves, reproduce=reproduce)
    return {k: s.latex for k, s in numbers.items()}
