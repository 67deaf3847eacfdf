"""What a judged chain says: holds (what was checked), not checked (why), or wrong (the fix).

A wrong line's message names what is wrong, the classic mistake it makes
(:mod:`.mistakes`), and the right answer as a textbook writes it: the chain
rule down to the quantities the document has already stated, in its own
names, and a number with enough digits to differ from the line's own.  A
number that is right is never offered as the correction of a wrong formula.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import sympy
from sympy import Float, Symbol

from ..core.derivation import DPS, Partial
from .claims import Problem, Wrong, distinct, same_rounded, shown_number, written
from .mistakes import recognise, rounding
from .oracle import Unknown
from .report import MISTAKES, Arithmetic, Expected, Finding, Kind, Mistake, Number, Part, Status
from .statements import bare, decimals

__all__ = ["formula", "holds", "unchecked", "wrong"]


#: Why a chain none of whose claims could be checked is not checked, when nothing says more.
NOTHING_CHECKED = "nothing on it could be checked"


def holds(chain: Any) -> Finding:
    kind = chain.kind
    words = {Kind.UPDATE: "update holds", Kind.VALUE: "value holds"}
    msg = words.get(kind, "holds")
    if kind is Kind.DEFINITION and chain.rules.spec_mode:
        msg = "definition agrees with the spec"
    if chain.arithmetic is Arithmetic.HOLDS:
        msg += "; arithmetic as written holds"
    if chain.notes:
        msg += "; " + "; ".join(dict.fromkeys(chain.notes))
    return Finding(
        status=Status.OK,
        explanation=(msg,),
        kind=kind,
        arithmetic=chain.arithmetic,
        checked=chain.checked,
        **chain.base,
    )


def unchecked(chain: Any) -> Finding:
    """No claim of the chain could be checked: say why."""
    reasons = "; ".join(dict.fromkeys(chain.notes)) or NOTHING_CHECKED
    return Finding(
        status=Status.NOT_CHECKED, explanation=(f"not checked: {reasons}",), kind=chain.kind, **chain.base
    )


def wrong(chain: Any) -> Finding:
    first = chain.problems[0]
    expected, value = first.expected, first.value
    if first.problem is Problem.ARITHMETIC:
        value = chain.ref_true  # the slip's own right result is in the message
    elif expected is None and value is not None:  # with no network, the number the document's formulas give
        shape = formula(chain) if chain.o is not None else None
        expected = Expected(shape, _number(chain, value, first))
    expected = _consistent(chain, expected, first)
    mistake = _mistake(chain, first)
    parts = _explain(chain, first, expected, mistake)
    if chain.arithmetic is Arithmetic.HOLDS:
        parts = (*parts, "; arithmetic as written holds")
    if chain.subject.arithmetic_only and chain.subject.note:  # what was not checked, and why
        parts = (*parts, "; ", chain.subject.note)
    return Finding(
        status=Status.WRONG,
        explanation=parts,
        correction=expected,
        kind=chain.kind,
        arithmetic=chain.arithmetic,
        cause=first.cause,
        value=None if value is None else float(value),
        checked=chain.checked,
        mistake=mistake,
        **_at_side(chain, first.side),
    )


def _at_side(chain: Any, side: int) -> dict[str, Any]:
    """The finding's place: the row where the wrong side starts (a chain may go on over rows)."""
    lines = chain.st.lines
    if 0 < side < len(lines):
        return {**chain.base, "line": lines[side]}
    return dict(chain.base)


def formula(chain: Any) -> Any:
    assert chain.o is not None
    found = chain.o.expected(chain.key, _known(chain))
    scale = chain.subject.scale
    if found is None or scale == 1:
        return found
    return dataclasses.replace(found, expr=sympy.Mul(scale, found.expr, evaluate=False))


def _known(chain: Any) -> set[Symbol]:
    """Nodes whose ∂L/∂node the document has already stated or uses here (corrections stop there)."""
    known = {k[1] for k in chain.memory.claims if k[0] == "adjoint"}
    if chain.o is not None:
        loss = chain.o.network.loss
        for p in chain.st.parsed:
            known |= {d.wrt for d in p.expr.atoms(Partial) if d.of == loss}
        known |= {m.wrt for m in chain.o.aliases.values() if isinstance(m, Partial) and m.of == loss}
    if chain.key is not None and chain.key[0] == "adjoint":
        known.discard(chain.key[1])
    return known


def _number(chain: Any, value: Float, first: Wrong) -> Number:
    """The right value, with enough digits to differ from what the side shows."""
    side = chain.st.parsed[first.side] if first.side else None
    if side is not None and bare(side):
        return distinct(value, side)
    return shown_number(value, chain.digits)


def _consistent(chain: Any, expected: Expected | None, first: Wrong) -> Expected | None:
    """No correction that reads like the line itself: a right number is not offered as the fix."""
    constant = expected is not None and expected.formula is not None and expected.formula.expr.is_Number
    if constant and expected is not None and expected.number is not None:  # its value: not "= 1 = 1"
        expected = Expected(None, expected.number)
    side = chain.st.parsed[first.side] if first.side else None
    if (
        expected is None
        or expected.number is None
        or (first.problem is Problem.VALUE and side is not None and bare(side))
    ):
        return expected  # a wrong result: its right value differs from it; a wrong expression: it may not
    value, digits = expected.number.value, expected.number.digits
    for p in chain.st.parsed:
        if bare(p) and same_rounded(Float(p.exact(), DPS), value, digits):
            return Expected(expected.formula, None) if expected.formula is not None else None
    return expected


def _mistake(chain: Any, first: Wrong) -> Mistake | None:
    """The classic mistake the wrong side reproduces, if any."""
    if first.cause is not None:
        return None
    side = chain.st.parsed[first.side] if first.side else None
    if first.problem is Problem.ARITHMETIC:
        slip = side is not None and bare(side) and first.value is not None
        if slip and rounding(first.value, written(side), decimals(side)):
            return Mistake.ROUNDING
        return Mistake.ARITHMETIC_SLIP
    value_shown = first.problem is Problem.VALUE and side is not None and bare(side)
    if value_shown and first.value is not None and rounding(first.value, written(side), decimals(side)):
        return Mistake.ROUNDING
    if first.shows is None or first.at is None or chain.o is None:
        return None
    try:
        shows, scale = first.shows, chain.subject.scale
        return recognise(chain.o, first.at, chain.key, lambda v: shows(scale * v))
    except (Unknown, KeyError):
        return None


def _explain(
    chain: Any, first: Wrong, expected: Expected | None, mistake: Mistake | None
) -> tuple[Part, ...]:
    lhs = chain.st.sides[0]
    if first.cause is not None:
        assert first.value is not None
        line = f" follows from the error at line {first.cause}; the right value is "
        return (*first.text, line, shown_number(first.value, chain.digits))
    if first.problem in (Problem.ARITHMETIC, Problem.INEQUALITY, Problem.IDENTITY):
        return first.text
    if first.problem is Problem.DISAGREES:
        return (*first.text, ": the spec has ", lhs, " = ", *(() if expected is None else (expected,)))
    named = f" ({MISTAKES[mistake]})" if mistake is not None else ""
    verb = "" if first.problem is Problem.POINT_ONLY else " is wrong"
    if expected is not None:
        return (*first.text, verb, named, ": expected ", lhs, " = ", expected)
    return (*first.text, verb or " is wrong", named)
