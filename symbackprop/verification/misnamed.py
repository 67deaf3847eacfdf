"""A definition its own numbers contradict by name.

``out_{y1} = w_5 a_{h1} + w_6 a_{h1} + b_2`` and, on the next row,
``out_{y1} = 0.4 \\cdot 0.5824 + 0.45 \\cdot 0.5842 + 0.7``: read in written
order, the name ``a_{h1}`` is given 0.5824 once and 0.5842 once.  The document
stated a_{h1} = 0.5824 and a_{h2} = 0.5842, so the definition's second a_{h1}
is a_{h2}: the definition names the wrong quantity.  Only that case is a
verdict: each number of the name is exactly the stated value of one name, the
name's own and exactly one other.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sympy import Mul, Rational, Symbol

from ..core.derivation import Partial
from .infer import Role
from .names import Names
from .statements import Statement, bare, is_name, is_number

__all__ = ["misnamed_definitions", "misplaced_factors"]


def misnamed_definitions(
    statements: Sequence[Statement], roles: Mapping[int, Role], names: Names
) -> dict[int, str]:
    """Statement index of a definition -> why its own numbers say it names a wrong quantity."""
    out: dict[int, str] = {}
    stated: dict[Symbol, tuple[Rational, str, int]] = {}  # name -> its latest stated value
    for i, st in enumerate(statements):
        if roles.get(i) is Role.DEFINITION and not st.error:
            why = _misnamed(st, statements[i + 1 : i + 2], stated, names)
            if why is not None:
                out[i] = why
        if not st.error and len(st.parsed) >= 2 and is_name(st.parsed[0]) and bare(st.parsed[-1]):
            number = next(iter(st.parsed[-1].numbers.values()))
            stated[st.parsed[0].expr] = (abs(st.parsed[-1].exact()), number.text, st.line)
    return out


#: A name's stated value: the value, as written, and its line.
Stated = Mapping[Symbol, tuple[Rational, str, int]]


def _misnamed(st: Statement, after: Sequence[Statement], stated: Stated, names: Names) -> str | None:
    """Why ``st``'s definition names a wrong quantity, by its numbers here or on the next row."""
    form = st.parsed[1]
    rows = [(st, p) for p in st.parsed[2:]]
    same = [a for a in after if not a.error and a.parsed[0].expr == st.parsed[0].expr]
    rows += [(a, p) for a in same for p in a.parsed[1:]]
    for row, num in rows:
        if not is_number(num) or bare(num):
            continue
        for occurrences in _placements(form, num):
            why = _swapped(occurrences, stated, names, row.line)
            if why is not None:
                return why
    return None


def _placements(form: Any, num: Any) -> Iterator[list[tuple[str, Any]]]:
    """The form's names, in written order, each with the number written in its place."""
    written, constants = list(form.names), list(form.numbers.values())
    numbers = list(num.numbers.values())
    if not written or len(numbers) != len(written) + len(constants):
        return
    for spots in itertools.combinations(range(len(numbers)), len(constants)):
        if all(numbers[i].value == c.value for i, c in zip(spots, constants)):
            rest = [n for i, n in enumerate(numbers) if i not in spots]
            yield list(zip(written, rest))


def _swapped(occurrences: list[tuple[str, Any]], stated: Stated, names: Names, line: int) -> str | None:
    """Why a name given two numbers is another name in one place, or ``None``."""
    by_value: dict[Rational, list[Symbol]] = {}
    for s, (v, _, _) in stated.items():
        by_value.setdefault(v, []).append(s)
    for key in dict.fromkeys(k for k, _ in occurrences):
        values = {abs(n.value): n for k, n in occurrences if k == key}
        own = stated.get(names.resolve(key))
        if len(values) != 2 or own is None or own[0] not in values:
            continue
        (other,) = (v for v in values if v != own[0])
        twins = [s for s in by_value.get(other, []) if s != names.resolve(key)]
        if len(twins) != 1:
            continue
        (_, text, at) = stated[twins[0]]
        return (
            f"the definition has {key} twice, yet its numbers (line {line}) put {text} in the place of "
            f"one: the value of {twins[0].name} (line {at}); {key} is {own[1]} (line {own[2]})"
        )
    return None


def misplaced_factors(statements: Sequence[Statement]) -> dict[int, str]:
    """Statement index -> why a product of derivatives, written again in numbers, leaves out a
    factor's stated value (``∂E/∂out_{h1} = ∂E/∂net_{o1} · ∂net_{o1}/∂out_{h1} = 0.7576 × 0.1784``
    after ``∂net_{o1}/∂out_{h1} = 0.4``: both numbers are other derivatives the document stated)."""
    out: dict[int, str] = {}
    stated: dict[Any, tuple[Rational, str, int]] = {}  # a name or derivative -> its latest value
    for i, st in enumerate(statements):
        if not st.error and len(st.parsed) >= 3:
            why = _left_out(st, stated)
            if why is not None:
                out[i] = why
        if not st.error and len(st.parsed) >= 2 and bare(st.parsed[-1]):
            number = next(iter(st.parsed[-1].numbers.values()))
            stated[st.parsed[0].expr] = (abs(st.parsed[-1].exact()), number.text, st.line)
    return out


def _left_out(st: Statement, stated: Mapping[Any, tuple[Rational, str, int]]) -> str | None:
    """Why a product of derivatives and the same product in numbers disagree, or ``None``."""
    for form, num in zip(st.parsed[1:], st.parsed[2:]):
        factors = Mul.make_args(form.expr)
        if form.numbers or len(factors) < 2 or not all(isinstance(f, Partial) for f in factors):
            continue
        if not is_number(num) or len(num.numbers) != len(factors) or num.expr != Mul(*num.numbers):
            continue
        values = {abs(n.value) for n in num.numbers.values()}
        known = {v: (k, line) for k, (v, _, line) in stated.items() if k not in factors}
        if not values <= set(known):
            continue  # a number the document never stated: no telling what it stands for
        left_out = [f for f in factors if f in stated and stated[f][0] not in values]
        if len(left_out) == 1:  # two left out: the numbers may be one of them, computed
            missing = left_out[0]
            (_, text, line) = stated[missing]
            shown = " × ".join(n.text for n in num.numbers.values())
            what = ", ".join(
                f"{n.text} is {_spelled(known[abs(n.value)][0])} (line {known[abs(n.value)][1]})"
                for n in num.numbers.values()
            )
            return f"{shown} leaves out {_spelled(missing)}, which is {text} (line {line}): {what}"
    return None


def _spelled(q: Any) -> str:
    return f"∂{q.of.name}/∂{q.wrt.name}" if isinstance(q, Partial) else str(q)
