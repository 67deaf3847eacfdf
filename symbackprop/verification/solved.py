"""A leaf the document never states, read off a value it shows: the bias that makes ``net_{o1}`` 1.1059.

A worked example sometimes gives a weight or a bias only in a figure, and
writes it wrongly where it substitutes it (``+ 0.35`` in a sum whose result
needs ``0.60``).  A careful reader reads it off the node's shown value: when a
node's definition is linear in the one leaf without a value, and every other
leaf is known, the leaf is what makes the node its shown value, as the
shortest decimal within that value's last digit.  It is taken only when it is
short (:data:`SHORT_DIGITS` significant digits, as weights are written) and
every other value the document shows for a node computed from it agrees.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sympy import Expr, Float, Integer, Rational, Symbol

from .statements import Statement, bare, is_name

__all__ = ["AGREE", "SHORT_DIGITS", "agrees_with", "leaves_read_off", "read_off", "shown_values"]

#: The most significant digits a leaf read off a shown value may have.
SHORT_DIGITS = 4

#: How close (relative) a value computed with the leaf must come to each value shown for it.
AGREE = Rational(1, 10**6)

#: Digits of the arithmetic.
DPS = 30


def read_off(f: Expr, leaf: Symbol, value: Rational, decimals: int) -> Rational | None:
    """The shortest decimal ``x`` with ``f(x)`` within half a unit of ``value``'s last digit, when ``f``
    is linear in ``leaf`` (its only symbol) and ``x`` is short; else ``None``."""
    if f.free_symbols != {leaf}:
        return None
    slope = f.diff(leaf)
    if slope.free_symbols:
        return None
    a = Float(slope.evalf(DPS), DPS)
    c = Float(f.xreplace({leaf: Integer(0)}).evalf(DPS), DPS)  # not the int 0: f may be leaf itself
    if not (a.is_finite and c.is_finite) or abs(a) < Float("1e-12"):
        return None
    best = (Float(value, DPS) - c) / a
    room = Rational(1, 2 * 10**decimals) / abs(Rational(str(a)))
    for places in range(0, SHORT_DIGITS + 3):
        x = Rational(round(Rational(str(best)) * 10**places), 10**places)
        if abs(x - Rational(str(best))) <= room:
            return x if _significant(x) <= SHORT_DIGITS else None
    return None


def agrees_with(computed: Expr, value: Rational, decimals: int) -> bool:
    """A computed value is one the document shows: within its last digit, or :data:`AGREE` relative."""
    v = computed.evalf(DPS)
    if not v.is_number or not v.is_finite:
        return False
    gap = abs(Float(v, DPS) - Float(value, DPS))
    return bool(gap <= Float(Rational(1, 10**decimals), DPS) or gap <= Float(AGREE, DPS) * abs(value))


def _significant(x: Rational) -> int:
    """Significant digits of a terminating decimal (``0.6``: 1, ``0.35``: 2, ``12``: 2)."""
    digits = str(abs(x.p) * 10**30 // x.q).rstrip("0").lstrip("0")
    return max(len(digits), 1)


def shown_values(statements: Sequence[Statement], definitions: Mapping[Symbol, Expr]) -> dict[Symbol, tuple]:
    """Each defined node's first shown value (``net_{o1} = … = 1.105905967``) and its decimals."""
    out: dict[Symbol, tuple[Rational, int]] = {}
    for st in statements:
        if st.error or len(st.parsed) < 2 or not is_name(st.parsed[0]) or not bare(st.parsed[-1]):
            continue
        n, last = st.parsed[0].expr, st.parsed[-1]
        if n in definitions and n not in out:
            out[n] = (Rational(last.exact()), max(x.decimals for x in last.numbers.values()))
    return out


def leaves_read_off(
    missing: Sequence[Symbol],
    order: Sequence[Symbol],
    definitions: Mapping[Symbol, Expr],
    shown: Mapping[Symbol, tuple],
    computed: Callable[[Symbol], Expr],
    values: dict[Symbol, Any],
) -> None:
    """Put into ``values`` each missing leaf read off the first node shown that uses it (``computed``
    is a node in its leaves with ``values`` put in), when every other node shown agrees with it."""
    for leaf in missing:
        node = next((n for n in order if n in shown and leaf in definitions[n].free_symbols), None)
        if node is None:
            continue
        x = read_off(computed(node), leaf, *shown[node])
        if x is not None and all(
            agrees_with(computed(n).xreplace({leaf: x}), *shown[n])
            for n in shown
            if leaf in computed(n).free_symbols
        ):
            values[leaf] = x
