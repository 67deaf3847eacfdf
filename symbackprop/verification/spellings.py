"""The loss under another spelling: ``\\text{Loss} = (y - \\hat{y})^2``, then ``\\partial l``.

A document often defines its loss under one name and differentiates it under a
shorter one (``Loss`` and ``l``, ``E_{total}`` and ``E``).  A name that the
document only ever differentiates (never defines, never gives a value), that is
named like a loss, is read as the network's loss, when the network has one loss
named like a loss.  Anything else keeps its own name (and stays "not checked").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from sympy import Expr, Symbol

from ..core.derivation import Partial
from ..core.network import Network
from .infer import LOSS_NAMES
from .statements import Statement, is_name

__all__ = ["loss_spellings", "respelled"]


def loss_spellings(statements: Iterable[Statement], network: Network | None) -> dict[Symbol, Symbol]:
    """``{l: Loss}``: names only differentiated, named like a loss, that stand for the network's loss."""
    if network is None or network.loss is None or network.loss.name not in LOSS_NAMES:
        return {}
    statements = [st for st in statements if not st.error]
    stated = {st.parsed[0].expr for st in statements if is_name(st.parsed[0])}
    used: set[Symbol] = set()
    differentiated: set[Symbol] = set()
    for st in statements:
        for p in st.parsed:
            used |= p.free()
            differentiated |= {d.of for d in p.atoms_of(Partial)}
    symbols = set(network.symbols)
    spelt = {
        s for s in differentiated - stated - used - symbols if s.name in LOSS_NAMES and s != network.loss
    }
    return dict.fromkeys(spelt, network.loss)


def respelled(statements: list[Statement], spellings: dict[Symbol, Symbol]) -> list[Statement]:
    """The statements with each spelling replaced, inside derivatives too (new statements; the
    originals are left as they are)."""
    if not spellings:
        return statements
    return [_respell(st, spellings) for st in statements]


def _respell(st: Statement, spellings: dict[Symbol, Symbol]) -> Statement:
    if st.error:
        return st
    parsed = []
    changed = False
    for p in st.parsed:
        reps: dict[Expr, Expr] = {
            d: Partial(spellings[d.of], d.wrt) for d in p.expr.atoms(Partial) if d.of in spellings
        }
        if reps:
            changed = True
            p = dataclasses.replace(p, expr=p.expr.xreplace(reps))
        parsed.append(p)
    return dataclasses.replace(st, parsed=parsed) if changed else st
