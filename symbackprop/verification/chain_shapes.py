"""Chain-rule shapes that are wrong whatever the network, read from the written derivatives alone.

* **Circular:** ``∂E_{o1}/∂net_{o1} = ∂E_{o1}/∂net_{o1} · ∂out_{o1}/∂net_{h1}``: the right side
  repeats the left side, times other derivatives.  A chain rule never contains what it expands
  (it would hold only if the other factors were 1).
* **A term about another quantity:** ``∂E/∂out_{h1} = ∂E_{o1}/∂out_{h1} + ∂E_{o2}/∂out_{h2}``: a
  sum over the loss's parts, each a derivative with respect to ``out_{h1}``, but for one term that
  is with respect to another quantity (``out_{h2}``), with no factor that could bring it back.
"""

from __future__ import annotations

import sympy
from sympy import Expr

from ..core.derivation import Partial
from .statements import Statement

__all__ = ["shape_error"]


def shape_error(st: Statement) -> str | None:
    """Why a chain of derivatives is wrong by its shape alone, or ``None``."""
    if st.error or not st.parsed or any(op != "=" for op in st.ops):
        return None
    left = st.parsed[0].expr
    if not isinstance(left, Partial) or left.of == left.wrt:
        return None
    for side, p in zip(st.sides[1:], st.parsed[1:]):
        if p.numbers:
            continue
        why = _circular(left, p.expr) or _off_variable(left, p.expr)
        if why is not None:
            return f"{side.strip()} is wrong: {why}"
    return None


def _name(d: Partial) -> str:
    return f"∂{d.of.name}/∂{d.wrt.name}"


def _circular(left: Partial, expr: Expr) -> str | None:
    factors = sympy.Mul.make_args(expr)
    if len(factors) < 2 or left not in factors:
        return None
    others = [f for f in factors if f != left]
    if not all(isinstance(f, Partial) and f.of != f.wrt for f in others):
        return None
    also = " · ".join(_name(f) for f in others)
    return f"it repeats {_name(left)} itself, times {also}: a chain rule does not contain what it expands"


def _off_variable(left: Partial, expr: Expr) -> str | None:
    terms = sympy.Add.make_args(expr)
    if len(terms) < 2 or not all(isinstance(t, Partial) for t in terms):
        return None
    on = [t for t in terms if t.wrt == left.wrt]
    off = [t for t in terms if t.wrt != left.wrt]
    if not on or len(off) != 1 or off[0].of in {t.of for t in on} or off[0].of == off[0].wrt:
        return None
    return (
        f"{_name(off[0])} is with respect to {off[0].wrt.name}, not {left.wrt.name}: each term of "
        f"the sum over paths is a derivative with respect to {left.wrt.name}"
    )
