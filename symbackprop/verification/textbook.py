"""Textbook forms of expressions, for corrections a student recognises.

``(y - a)/(a(a - 1))`` reads better as ``(a - y)/(a(1 - a))``, and
``-2(y - a)`` as ``2(a - y)``: :func:`tidy` factors a small expression into
one fraction and moves signs into factors that have a constant term.
"""

from __future__ import annotations

import sympy
from sympy import Expr

__all__ = ["TIDY_LIMIT", "tidy"]

#: Largest expression (in operations) that is factored; bigger ones are left as they are.
TIDY_LIMIT = 60


def tidy(expr: Expr) -> Expr | tuple[Expr, Expr]:
    """A textbook form, when cheap: one fraction whose factors lead with a positive term.

    Returns:
        The expression, or ``(numerator, denominator)`` for a fraction.
    """
    if sympy.count_ops(expr) > TIDY_LIMIT:
        return expr
    try:
        f = sympy.factor(sympy.together(expr))
    except (sympy.PolynomialError, TypeError, ValueError):
        return expr
    coeff, nums, dens = _split(f)
    if not coeff.is_Rational:
        return expr
    sign = _lead_positive(nums, dens, 1 if coeff >= 0 else -1)
    if sign < 0 and _absorb_sign(nums, dens):
        sign = 1
    return _fraction(abs(coeff) * sign, nums, dens)


def _flip(part: Expr) -> Expr:
    return sympy.Add(*[-t for t in part.args], evaluate=False)


def _split(product: Expr) -> tuple[Expr, list[Expr], list[Expr]]:
    """``coefficient, numerator factors, denominator factors`` of a product."""
    coeff = sympy.S.One
    nums: list[Expr] = []
    dens: list[Expr] = []
    for factor in sympy.Mul.make_args(product):
        if factor.is_Number:
            coeff *= factor
        elif isinstance(factor, sympy.Pow) and factor.exp.is_Number and factor.exp < 0:
            dens.append(factor.base if factor.exp == -1 else sympy.Pow(factor.base, -factor.exp))
        else:
            nums.append(factor)
    return coeff, nums, dens


def _lead_positive(nums: list[Expr], dens: list[Expr], sign: int) -> int:
    """Flip sums that lead with a minus sign (in place); return the sign that flipping moved out."""
    for parts in (nums, dens):
        for k, part in enumerate(parts):
            if (
                isinstance(part, sympy.Pow)
                and isinstance(part.base, sympy.Add)
                and part.exp.is_even
                and part.base.could_extract_minus_sign()
            ):
                parts[k] = sympy.Pow(_flip(part.base), part.exp, evaluate=False)  # an even power: free
            if isinstance(part, sympy.Add) and part.could_extract_minus_sign():
                parts[k] = _flip(part)
                sign = -sign
    return sign


def _absorb_sign(nums: list[Expr], dens: list[Expr]) -> bool:
    """Put a minus sign into the first sum with a negative constant term (in place)."""
    for parts in (nums, dens):
        for j, p in enumerate(parts):
            if isinstance(p, sympy.Add) and any(t.is_Number and t < 0 for t in p.args):
                parts[j] = _flip(p)
                return True
    return False


def _fraction(head: Expr, nums: list[Expr], dens: list[Expr]) -> Expr | tuple[Expr, Expr]:
    nums = [p for p in nums if p != 1]
    dens = [p for p in dens if p != 1]
    num_head = [sympy.numer(head)] if sympy.numer(head) != 1 or not nums else []
    top = num_head + nums
    numerator = sympy.Mul(*top, evaluate=False) if len(top) > 1 else top[0]
    den_parts = ([sympy.denom(head)] if sympy.denom(head) != 1 else []) + dens
    if not den_parts:
        return numerator
    denominator = sympy.Mul(*den_parts, evaluate=False) if len(den_parts) > 1 else den_parts[0]
    return numerator, denominator
