"""A chain with a factor that is 0, contradicted by a nonzero number on the same chain.

``∂E/∂w_5 = ∂E/∂out_{h1} · ∂out_{h1}/∂net_{h1} · ∂net_{h1}/∂w_5 = 0.0821…``: the network's
``net_{h1}`` does not depend on ``w_5``, so the product is 0 whatever its other factors are, and
the number written for it is wrong.  The chain may continue on the next row of an ``align``
(``\\frac{∂E}{∂w_5} &= … ∂net_{h1}/∂w_5``, then ``&= 0.74 · 0.19 · 0.59``); the finding is on the
statement whose side is 0.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection

import sympy
from sympy import Expr, Symbol

from ..core.derivation import Partial
from ..core.network import Network
from ..errors import SymbackpropError
from .claims import EQUALITIES
from .report import Finding, Status
from .rounding import NoInterval, Rounding, contains
from .statements import Statement, is_number

__all__ = ["independent", "zero_contradicted"]


def independent(
    factor: Expr,
    net: Network,
    symbols: Collection[Symbol],
    failed: Collection[Symbol],
    under: Callable[[Symbol], set[Symbol]],
) -> bool:
    """``∂a/∂b`` where the network's ``a`` (not the loss, every definition under it read) does not
    depend on ``b``, a quantity of the network; ``under(a)`` is everything ``a`` is computed from."""
    if not isinstance(factor, Partial):
        return False
    of, wrt = factor.of, factor.wrt
    if of == net.loss or of == wrt or of not in net.definition or wrt not in symbols:
        return False
    below = under(of)
    return wrt not in below and not below & set(failed)


def zero_contradicted(
    st: Statement, row: Statement, rounding: Rounding, is_zero: Callable[[Expr], bool]
) -> Finding | None:
    """The wrong finding on ``st`` when one of its sides has a factor ``is_zero`` and ``row`` (``st``
    itself, or the row that continues its chain) shows a number whose interval excludes 0."""
    if any(op not in EQUALITIES for op in (*st.ops, *row.ops)) or row.error:
        return None
    numbers = [j for j, p in enumerate(row.parsed) if is_number(p) and p.numbers]
    if not numbers:
        return None
    for i, side in enumerate(st.parsed):
        zero = next((f for f in sympy.Mul.make_args(side.expr) if is_zero(f)), None)
        if zero is None:
            continue
        for j in numbers:
            with contextlib.suppress(NoInterval, SymbackpropError):
                iv = rounding.interval(row.parsed[j].expr, row.parsed[j].numbers)
                if not contains(iv, sympy.S.Zero):
                    at = f" (line {row.line})" if row is not st else ""
                    why = (
                        f"{st.sides[i]} is 0 ({zero.of.name} does not depend on {zero.wrt.name}), "
                        f"not {row.sides[j]}{at}"
                    )
                    return Finding(
                        status=Status.WRONG,
                        explanation=(why,),
                        checked=1,
                        line=st.line,
                        source=st.source,
                        block_end=st.block_end,
                        subject=st.sides[0].strip(),
                    )
    return None
