"""The document's names and the network's symbols, both ways.

A name is read from LaTeX as a key (``w^(1)_11``, ``a_2``, ``E_total``; see
:func:`symbackprop.notation.latex_input.name_key`).  :class:`Names` turns keys
into symbols (the spec's, when checking against a spec; fresh ones otherwise)
and remembers how the document spells each symbol, for printing corrections
in the document's own notation.
"""

from __future__ import annotations

import re

from sympy import Symbol

from ..core.network import Network
from ..errors import SymbackpropError
from ..notation.latex_input import UPDATED

__all__ = ["LEARNING_RATE_NAMES", "Names", "squash"]

#: Names read as the learning rate.
LEARNING_RATE_NAMES = ("eta", "lr", "alpha")


def squash(key: str) -> str:
    """A key without sub/superscript marks and braces: ``w_{1}`` and ``w1`` meet here."""
    return _MARKS.sub("", key)


_MARKS = re.compile(r"[_^(){}]")


def _one_key(spelled: str) -> str | None:
    """The one name key in a LaTeX spelling (``w^{(1)}_{11}``), or ``None``."""
    from ..notation.latex_input import parse_math

    seen: list[str] = []

    def grab(key: str) -> Symbol:
        seen.append(key)
        return Symbol("_tmp")

    try:
        parse_math(spelled, grab, known=frozenset({"_"}))
    except SymbackpropError:
        return None
    return seen[0] if len(seen) == 1 else ""


class Names:
    """Written name keys -> Symbols, for a spec's network or the document's own.

    Attributes:
        table: Key -> symbol, for every key seen or declared.
        latex: Symbol -> how it is spelled (the spec's ``[latex]`` names, then the document's).
        eta: The learning rate's symbol.
        created: Symbols made up for names the spec does not declare.
        updated: ``w^+`` -> ``w``, for updated parameters.
        fixed: Whether the symbols come from a spec.
    """

    def __init__(self, network: Network | None) -> None:
        self.table: dict[str, Symbol] = {}
        self.latex: dict[Symbol, str] = {}
        self.eta = Symbol("eta", real=True)
        self.created: set[Symbol] = set()
        self.updated: dict[Symbol, Symbol] = {}
        self.fixed = network is not None
        if network is not None:
            self._declare(network)

    def _declare(self, network: Network) -> None:
        for s in network.symbols:
            self.table.setdefault(s.name, s)
        for s, spelled in network.latex_names.items():
            key = _one_key(spelled)
            if key is None:
                continue
            if key:
                self.table.setdefault(key, s)
            self.latex[s] = spelled
        for s in network.symbols:
            self.table.setdefault(squash(s.name), s)

    def known(self) -> set[str]:
        """Every key that names something."""
        return set(self.table)

    def resolve(self, key: str) -> Symbol:
        """The symbol a key names; a new one for a new name (``w^+`` is ``w`` updated)."""
        known = self.table.get(key)  # the usual case: a name met before (asked once per name written)
        if known is not None:
            return known
        if key.endswith(UPDATED):
            base = self.resolve(key[: -len(UPDATED)])
            sym = Symbol(base.name + UPDATED, real=True)
            self.table[key] = sym
            self.updated[sym] = base
            return sym
        sq = squash(key)
        if sq in self.table:
            return self.table[sq]
        if key in LEARNING_RATE_NAMES:
            return self.eta
        sym = Symbol(key, real=True)
        self.table[key] = sym
        self.table.setdefault(sq, sym)
        self.created.add(sym)
        return sym

    def lookup(self, written: str) -> Symbol | None:
        """The symbol of a name written in inline code (``w_1``), if it is known."""
        return self.table.get(written) or self.table.get(squash(written))

    def spell(self, sym: Symbol, spelled: str) -> None:
        """Remember how the document spells ``sym`` (the first spelling wins)."""
        self.latex.setdefault(sym, spelled)
