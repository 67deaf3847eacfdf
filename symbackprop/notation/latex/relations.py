"""Relation chains: ``A = B \\approx C \\Rightarrow D = E`` split into statements and sides."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from .tokens import tokenize
from .vocabulary import RELATIONS, SEPARATORS

__all__ = ["split_relations"]

#: Tokens that open and close a level; relations inside a level do not split.
_OPEN = ("{", "(", "[", r"\{", r"\left")
_CLOSE = ("}", ")", "]", r"\}", r"\right")


@dataclass
class _Chain:
    """One statement being read: the sides so far, the relations between them, the current side."""

    sides: list[str] = field(default_factory=list)
    ops: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)

    def relation(self, op: str) -> None:
        self.sides.append("".join(self.current).strip())
        self.ops.append(op)
        self.current = []

    def close(self) -> tuple[list[str], list[str]]:
        self.sides.append("".join(self.current).strip())
        return self.sides, self.ops


def split_relations(latex: str) -> list[tuple[list[str], list[str]]]:
    """Split a fragment into statements, each a chain of sides and relations.

    ``A = B = C \\approx D \\Rightarrow E = F`` gives
    ``[(["A", "B", "C", "D"], ["=", "=", "≈"]), (["E", "F"], ["="])]``.
    Only top-level relations split: ``\\frac{a = b}{c}`` is one side.
    """
    statements: list[tuple[list[str], list[str]]] = []
    chain = _Chain()
    for token, top in _top_level(tokenize(latex)):
        if top and token in RELATIONS:
            chain.relation(RELATIONS[token])
        elif top and (token in SEPARATORS or token == ","):
            statements.append(chain.close())
            chain = _Chain()
        else:
            chain.current.append(token)
    statements.append(chain.close())
    return [(s, o) for s, o in statements if len(s) > 1 or s[0]]


def _top_level(toks: list[str]) -> Iterator[tuple[str, bool]]:
    """Each token (``:`` ``=`` at top level read as one ``:=``) and whether it is at top level."""
    depth = 0
    i = 0
    while i < len(toks):
        t = toks[i]
        if t in _OPEN:
            depth += 1
        elif t in _CLOSE:
            depth = max(depth - 1, 0)
        if depth == 0 and t == ":" and i + 1 < len(toks) and toks[i + 1] == "=":
            t = ":="
            i += 1
        yield t, depth == 0
        i += 1
