"""Relation chains: ``A = B \\approx C \\Rightarrow D = E`` split into statements and sides."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .vocabulary import RELATIONS, SEPARATORS, TOKEN

__all__ = ["split_relations", "token_scanner"]

#: Tokens that open and close a level; relations inside a level do not split.
_OPEN = ("{", "(", "[", r"\{", r"\left", r"\begin")
_CLOSE = ("}", ")", "]", r"\}", r"\right", r"\end")


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
    Only top-level relations split: ``\\frac{a = b}{c}`` is one side.  A line
    break ``\\\\`` separates statements, unless the next row goes on with a
    relation (``&= ...``) or an operator, or the row before ends with one: then
    the rows are one chain.  The sides keep the text as written (Unicode too).
    """
    if _BREAK not in latex and r"\hspace" not in latex:
        return _split_plain(latex)
    statements: list[tuple[list[str], list[str]]] = []
    chain = _Chain()
    for token, top in _top_level(TOKEN.findall(latex)):
        if top and token in RELATIONS:
            chain.relation(RELATIONS[token])
        elif top and (token in SEPARATORS or token in (",", _BREAK)):
            statements.append(chain.close())
            chain = _Chain()
        elif token != _JOINED:
            chain.current.append(token)
    statements.append(chain.close())
    return [(s, o) for s, o in statements if len(s) > 1 or s[0]]


def token_scanner(words: Iterable[str]) -> re.Pattern[str]:
    """A pattern that finds ``words`` in a LaTeX text in one scan, cut as the reader cuts it.

    A command is found only whole (``\\le`` never in ``\\leq``), and ``\\`` with the character after
    it is always taken (``\\{``, ``\\,``), so that an escaped bracket or comma is never found as
    one.  Other commands, letters, digits and spaces hold none of the one-character words, so
    skipping them keeps every match where a token starts.

    Args:
        words: Commands (``\\approx``), pairs of characters (``:=``) and single characters.
    """
    commands = sorted(w[1:] for w in words if _COMMAND.fullmatch(w))
    pairs = sorted(w for w in words if len(w) > 1 and not w.startswith("\\"))
    chars = "".join(sorted(w for w in words if len(w) == 1))
    alternatives = [r"\\[^A-Za-z]", *map(re.escape, pairs), f"[{re.escape(chars)}]"]
    if commands:
        alternatives.insert(0, rf"\\(?:{'|'.join(commands)})(?![A-Za-z])")
    return re.compile("|".join(alternatives))


_COMMAND = re.compile(r"\\[A-Za-z]+")

#: What :func:`_split_plain` looks at: brackets, relations, separators, commas, and the pairs.
_PLAIN_TOKEN = token_scanner({*RELATIONS, *SEPARATORS, *_OPEN, *_CLOSE, ",", ":=", ">=", "<=", "=>"})


def _split_plain(latex: str) -> list[tuple[list[str], list[str]]]:
    """:func:`split_relations` of a text without line breaks or ``\\hspace``: one scan for the
    tokens that matter, the sides cut out of the text between them."""
    statements: list[tuple[list[str], list[str]]] = []
    sides: list[str] = []
    ops: list[str] = []
    depth = begin = 0
    for m in _PLAIN_TOKEN.finditer(latex):
        tok = m.group(0)
        if tok in _OPEN:
            depth += 1
        elif tok in _CLOSE:
            depth = max(depth - 1, 0)
        elif depth:
            continue
        elif (tok := _PAIRS_READ.get(tok, tok)) in RELATIONS:
            sides.append(latex[begin : m.start()].strip())
            ops.append(RELATIONS[tok])
            begin = m.end()
        elif tok in SEPARATORS or tok == ",":
            statements.append(([*sides, latex[begin : m.start()].strip()], ops))
            sides, ops, begin = [], [], m.end()
    statements.append(([*sides, latex[begin:].strip()], ops))
    return [(s, o) for s, o in statements if len(s) > 1 or s[0]]


#: Two characters read as one relation or separator at top level.
_PAIRS = {(":", "="): ":=", (">", "="): "≥", ("<", "="): "≤", ("=", ">"): "=>"}

#: The pairs as :func:`_split_plain` finds them, written together.
_PAIRS_READ = {a + b: read for (a, b), read in _PAIRS.items()}

#: What a line break ``\\\\`` becomes when the rows around it are one chain.
_JOINED = "\\\\ joined"

#: A line break.
_BREAK = "\\\\"

#: Tokens that start a row that goes on from the row before (after ``&``): an operator.
_GOES_ON = frozenset({"+", "-", "*", "/", r"\cdot", r"\times", r"\pm"})

#: Tokens that end a row that goes on over the line break: an operator or an open bracket.
_LEFT_OPEN = _GOES_ON | {"(", "{", "[", r"\left"}

#: How far :func:`_visible` looks for a row's first or last token (a bound on the work per break).
_LOOK = 64


def _top_level(toks: list[str]) -> Iterator[tuple[str, bool]]:
    """Each token (pairs such as ``:`` ``=`` read as one) and whether it is at top level."""
    depth = 0
    i = 0
    while i < len(toks):
        t = toks[i]
        if t in _OPEN:
            depth += 1
        elif t in _CLOSE:
            depth = max(depth - 1, 0)
        if depth == 0 and i + 1 < len(toks) and (t, toks[i + 1]) in _PAIRS:
            t = _PAIRS[(t, toks[i + 1])]
            i += 1
        elif depth == 0 and t == _BREAK:
            t, i = _line_break(toks, i)
        elif depth == 0 and t == r"\hspace":  # a wide space between two equations, as \quad
            t, i = r"\quad", _group_end(toks, i + 1)
        yield t, depth == 0
        i += 1


def _group_end(toks: list[str], i: int) -> int:
    """The index of the ``}`` closing the braced group at ``i`` (past spaces and a ``*``), or ``i - 1``."""
    j = i
    while j < len(toks) and (toks[j].isspace() or toks[j] == "*"):
        j += 1
    if j >= len(toks) or toks[j] != "{":
        return i - 1
    for k in range(j + 1, min(j + _LOOK, len(toks))):
        if toks[k] == "}":
            return k
        if toks[k] == "{":
            break
    return i - 1


def _line_break(toks: list[str], i: int) -> tuple[str, int]:
    """A line break at ``i``: a separator, or joined when the chain goes on; the index of its end."""
    end = i
    if i + 1 < len(toks) and toks[i + 1] == "[":  # \\[1em]
        end = next((k for k in range(i + 2, min(i + 8, len(toks))) if toks[k] == "]"), i)
    before = _visible(toks, i - 1, -1)
    after = _visible(toks, end + 1, 1)
    if after in RELATIONS or after in _GOES_ON or before in _LEFT_OPEN or before in RELATIONS:
        return _JOINED, end
    return _BREAK, end


def _visible(toks: list[str], i: int, step: int) -> str | None:
    """The first token from ``i`` in direction ``step`` that is not space, ``&`` or a line break."""
    for _ in range(_LOOK):
        if not 0 <= i < len(toks):
            break
        if not (toks[i].isspace() or toks[i] in ("&", _BREAK)):
            return toks[i]
        i += step
    return None
