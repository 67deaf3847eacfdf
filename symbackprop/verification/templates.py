"""A formula written once for every node of a layer: ``out_{h_i} = \\frac{1}{1+e^{-net_{h_i}}}``.

The name's last index is a letter (``i``, ``j``, ...) and the formula's own
names carry it too.  Such a line defines no node of its own: it states the
formula of each node the document names with a number in its place
(``out_{h_1}``, ``out_{h_2}``).  It is judged as its first instance, the
letter replaced by the lowest number for which every name it indexes is a
name the document uses, so that a wrong template is found like a wrong
instance (``e^{net}`` for ``e^{-net}``).
"""

from __future__ import annotations

import dataclasses
import re

from sympy import Expr, Symbol

from ..core.derivation import Partial
from .names import Names, squash
from .statements import Statement, is_name
from .termwise import index_of

__all__ = ["INDEX_LETTERS", "instances"]

#: Letters that stand for an index at the end of a name's subscript.
INDEX_LETTERS = frozenset("ijklmn")


def instances(statements: list[Statement], names: Names) -> dict[int, Statement]:
    """Statement index -> the statement's first instance, for every template among them."""
    out: dict[int, Statement] = {}
    for i, st in enumerate(statements):
        if st.error or len(st.parsed) < 2 or not is_name(st.parsed[0]):
            continue
        first = _instance(st, names)
        if first is not None:
            out[i] = first
    return out


def _instance(st: Statement, names: Names) -> Statement | None:
    subject = st.parsed[0].expr
    letter = index_of(subject)[-1:]
    if letter not in INDEX_LETTERS:
        return None
    indexed = {subject} | {s for s in _names(st) if index_of(s).endswith(letter) and s != subject}
    if len(indexed) < 2:
        return None  # the formula's names do not carry the index: no template
    for value in _values(subject, names):
        renamed = {s: names.lookup(_stem(s) + value) for s in indexed}
        if all(r is not None and r != s for s, r in renamed.items()):
            table = {s: r for s, r in renamed.items() if r is not None}
            parsed = [dataclasses.replace(p, expr=_rename(p.expr, table)) for p in st.parsed]
            spelled = names.latex.get(table[subject], st.sides[0])  # corrections name the instance
            return dataclasses.replace(st, parsed=parsed, sides=[spelled, *st.sides[1:]])
    return None


def _names(st: Statement) -> set[Symbol]:
    """Every name a statement uses, inside its derivatives too."""
    out: set[Symbol] = set()
    for p in st.parsed:
        out |= p.expr.free_symbols
        for d in p.expr.atoms(Partial):
            out |= {d.of, d.wrt}
    return out


def _stem(sym: Symbol) -> str:
    """The squashed key without its index letter: ``out_h_i`` -> ``outh``."""
    return squash(sym.name)[:-1]


def _values(subject: Symbol, names: Names) -> list[str]:
    """The numbers the document puts in place of the letter (``out_{h1}``, ``out_{h_2}``), lowest first."""
    pattern = re.compile(re.escape(_stem(subject)) + r"(\d+)")
    found = {m.group(1) for key in names.known() if (m := pattern.fullmatch(squash(key)))}
    return sorted(found, key=int)


def _rename(expr: Expr, table: dict[Symbol, Symbol]) -> Expr:
    """``expr`` with names replaced, inside derivatives too."""
    partials = {d: Partial(table.get(d.of, d.of), table.get(d.wrt, d.wrt)) for d in expr.atoms(Partial)}
    return expr.xreplace(partials).xreplace(table)
