"""Index notation: one side of a relation -> a small expression tree over indexed names.

What courses write before (or beside) the matrix form: ``\\delta_j = \\sum_k w_{kj}\\delta_k
\\sigma'(z_j)``, ``\\frac{\\partial L}{\\partial w_{jk}} = \\delta_j a_k``, ``z^{(l)}_j = \\sum_k
w^{(l)}_{jk} a^{(l-1)}_k + b^{(l)}_j``, ``\\mathbf{x}^{(i)}`` (the i-th example).

Read:

* indexed names: a base (a letter, ``\\delta``, bold or not) with a subscript of index letters
  (``w_{kj}``, ``w_{k,j}``, ``\\delta_k``), a layer superscript (``^{(l)}``, ``^{(l+1)}``,
  ``^{[l]}``, ``^{l-1}``, ``^{(2)}``) and an example superscript (``^{(i)}``: a letter other
  than ``l`` in parentheses, never a power);
* ``\\frac{\\partial L}{\\partial w_{jk}}`` and ``\\partial L / \\partial w_{jk}`` (any one-letter loss);
* ``\\sum_k``, ``\\sum_{k}``, ``\\sum_{k=1}^{n}`` over the rest of the product;
* functions and their derivatives (``\\sigma'(z_j)``, ``f'(z_j)``, ``\\tanh``), products
  (juxtaposition, ``\\cdot``, ``\\times``), ``+``, ``-``, parentheses, ``\\frac``, whole powers
  and numbers.

Anything else raises :class:`IndexUnread` with the reason.  The tree is data
(:class:`IxNode`); :mod:`symbackprop.verification.index_notation` binds and evaluates it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...errors import InputError
from .tokens import group, tokenize
from .vocabulary import DROP, FUNCTION_ALIASES

__all__ = ["INDEX_LETTERS", "IndexUnread", "IxNode", "Leaf", "read_index_side"]

#: Letters that index units, sums and examples (``l`` is the layer when written as a superscript).
INDEX_LETTERS = frozenset("ijklmnpq")

#: Longest side read (characters), and its deepest nesting of brackets.
MAX_SIDE = 2000
MAX_DEPTH = 40

_BOLD = frozenset({r"\mathbf", r"\boldsymbol", r"\bm", r"\mathbfit", r"\pmb", r"\mathit"})

#: Greek bases that may be indexed names (``\delta_j``); other Greek letters are functions or unread.
_GREEK_NAMES = {r"\delta": "delta"}

#: Letters and commands that name "the layer's activation" when applied (``f'(z_j)``).
_GENERIC = {"f": "f", "g": "f", r"\phi": "f", r"\varphi": "f"}

_PRODUCT = frozenset({r"\cdot", r"\times", "*"})
_STOP = frozenset({"+", "-", ")", "]", "}", ",", "/", "&", r"\\"})
_PRIMES = frozenset({r"\prime", "'"})


class IndexUnread(ValueError):
    """A side that is not index notation, or cannot be read for sure."""


@dataclass(frozen=True)
class Leaf:
    """One indexed name: ``w^{(l+1)}_{kj}`` is ``Leaf("w", ("k", "j"), ("l", 1))``.

    Attributes:
        base: The name's base (``w``, ``delta``, ``z``), as written (case kept).
        indices: Index letters (or digits) of the subscript, in order.
        layer: ``(letter, offset)`` for ``^{(l+1)}``, ``(None, n)`` for ``^{(2)}``, or ``None``.
        example: The example letter of ``^{(i)}``, or ``None``.
        grad: ``∂L/∂`` of the name (the loss letter), or ``None``.
    """

    base: str
    indices: tuple[str, ...]
    layer: tuple[str | None, int] | None = None
    example: str | None = None
    grad: str | None = None


@dataclass(frozen=True)
class IxNode:
    """A node: ``num`` (text), ``leaf`` (:class:`Leaf`), ``sum`` (letter, low, high, body), ``mul``,
    ``add``, ``sub``, ``neg``, ``div``, ``pow`` (node, whole exponent), ``call`` (function, primes, arg)."""

    op: str
    args: tuple


def read_index_side(text: str) -> IxNode:
    """Read one side written in index notation.

    Raises:
        IndexUnread: The side cannot be read for sure.
    """
    if len(text) > MAX_SIDE:
        raise IndexUnread("too long")
    toks = [t for t in tokenize(text) if not t.isspace() and t not in DROP]
    depth = deepest = 0
    for t in toks:
        depth += (t in "({[") - (t in ")}]")
        deepest = max(deepest, depth)
    if deepest > MAX_DEPTH:
        raise IndexUnread("nested too deeply")
    while toks and toks[-1] in (",", ".", ";"):
        toks.pop()
    p = _Parser(toks)
    node = p.expr()
    if p.i != len(toks):
        raise IndexUnread(f"cannot read {''.join(toks[p.i : p.i + 3])!r}")
    return node


class _Parser:
    def __init__(self, toks: list[str]) -> None:
        self.toks = toks
        self.i = 0

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else ""

    def take(self, tok: str | None = None) -> str:
        t = self.peek()
        if not t or (tok is not None and t != tok):
            raise IndexUnread(f"expected {tok or 'more'} at {t!r}")
        self.i += 1
        return t

    def group(self) -> list[str]:
        """The tokens of a ``{…}`` group, or the one token."""
        try:
            out, self.i = group(self.toks, self.i)
        except InputError as e:
            raise IndexUnread(str(e)) from None
        return out

    # ------------------------------------------------------------ grammar

    def expr(self) -> IxNode:
        node = self.neg_term() if self.peek() == "-" else self.term()
        while self.peek() in ("+", "-"):
            op = "add" if self.take() == "+" else "sub"
            node = IxNode(op, (node, self.term()))
        return node

    def neg_term(self) -> IxNode:
        self.take("-")
        return IxNode("neg", (self.term(),))

    def term(self) -> IxNode:
        node = self.factor()
        while True:
            t = self.peek()
            if t in _PRODUCT:
                self.take()
            elif not t or t in _STOP:
                return node
            node = IxNode("mul", (node, self.factor()))

    def factor(self) -> IxNode:
        node = self.atom()
        while self.peek() == "^":
            self.take()
            exp = "".join(self.group())
            if not exp.isdigit():
                raise IndexUnread(f"power {exp!r}")
            node = IxNode("pow", (node, int(exp)))
        return node

    def atom(self) -> IxNode:
        t = self.peek()
        if t in ("(", "["):
            self.take()
            node = self.expr()
            self.take(")" if t == "(" else "]")
            return node
        if t == "{":
            self.take()
            node = self.expr()
            self.take("}")
            return node
        if re.fullmatch(r"\d+(?:\.\d+)?|\.\d+", t):
            return IxNode("num", (self.take(),))
        if t == r"\sum":
            return self.sum()
        if t in (r"\frac", r"\tfrac", r"\dfrac"):
            return self.frac()
        if t == r"\partial":
            return self.slash_partial()
        return self.name_or_call()

    def sum(self) -> IxNode:
        self.take(r"\sum")
        low = high = None
        letter = ""
        for _ in range(2):
            if self.peek() == "_":
                self.take()
                sub = self.group()
                letter = sub[0] if sub else ""
                if len(sub) == 3 and sub[1] == "=":
                    low = sub[2]
                elif len(sub) != 1:
                    raise IndexUnread(f"sum over {''.join(sub)!r}")
            elif self.peek() == "^":
                self.take()
                high = "".join(self.group())
        if letter not in INDEX_LETTERS:
            raise IndexUnread(f"sum over {letter!r}")
        return IxNode("sum", (letter, low, high, self.term()))

    def frac(self) -> IxNode:
        self.take()
        top, bottom = self.group(), self.group()
        if top and top[0] == r"\partial":
            return IxNode("leaf", (_partial(top, bottom),))
        return IxNode("div", (_Parser.read(top), _Parser.read(bottom)))

    def slash_partial(self) -> IxNode:
        self.take(r"\partial")
        loss = self.take()
        self.take("/")
        self.take(r"\partial")
        inner = _Parser(self.toks)
        inner.i = self.i
        leaf = inner.leaf()
        self.i = inner.i
        return IxNode("leaf", (_grad(loss, leaf),))

    @staticmethod
    def read(toks: list[str]) -> IxNode:
        p = _Parser(toks)
        node = p.expr()
        if p.i != len(toks):
            raise IndexUnread(f"cannot read {''.join(toks[p.i : p.i + 3])!r}")
        return node

    def name_or_call(self) -> IxNode:
        t = self.peek()
        word = t[1:] if t.startswith("\\") else t
        if t == r"\operatorname" or t == r"\mathrm":
            self.take()
            word = "".join(self.group())
            t = word
        elif word in FUNCTION_ALIASES or t in _GENERIC:
            self.take()
        else:
            return IxNode("leaf", (self.leaf(),))
        function = FUNCTION_ALIASES.get(word) or _GENERIC.get(t)
        if function is None:
            raise IndexUnread(f"unknown function {word!r}")
        primes = self.primes()
        if self.peek() != "(":
            raise IndexUnread(f"{word} without an argument in parentheses")
        self.take("(")
        arg = self.expr()
        self.take(")")
        return IxNode("call", (function, primes, arg))

    def primes(self) -> int:
        n = 0
        while True:
            if self.peek() == "'":
                self.take()
                n += 1
            elif self.peek() == "^" and self.peek(1) in _PRIMES:
                self.i += 2
                n += 1
            elif (
                self.peek() == "^" and self.peek(1) == "{" and self.peek(2) in _PRIMES and self.peek(3) == "}"
            ):
                self.i += 4
                n += 1
            else:
                return n

    def leaf(self) -> Leaf:
        t = self.take()
        if t in _BOLD:
            inner = self.group()
            if len(inner) != 1:
                raise IndexUnread(f"bold {''.join(inner)!r}")
            t = inner[0]
        base = _GREEK_NAMES.get(t, t)
        if not re.fullmatch(r"[A-Za-z]|delta", base):
            raise IndexUnread(f"{t!r} is no indexed name")
        indices: tuple[str, ...] = ()
        layer: tuple[str | None, int] | None = None
        example = None
        while self.peek() in ("_", "^"):
            if self.peek() == "_":
                self.take()
                indices = _indices(self.group())
                continue
            mark = self.toks[self.i + 1 : self.i + 5]
            if (mark[:1] and mark[0] in _PRIMES) or mark[:3] == ["{", r"\prime", "}"]:
                break
            start = self.i
            self.take()
            sup = self.group()
            found = _superscript(sup)
            if found is None:  # a power: left to the factor
                self.i = start
                break
            example, layer = found[0] or example, found[1] or layer
        return Leaf(base, indices, layer, example)


def _indices(sub: list[str]) -> tuple[str, ...]:
    """``kj`` -> (k, j); ``k,j`` -> (k, j); ``12`` -> (1, 2)."""
    text = "".join(t for t in sub if t != ",")
    if not re.fullmatch(r"[A-Za-z0-9]+", text):
        raise IndexUnread(f"subscript {''.join(sub)!r}")
    return tuple(text)


def _superscript(sup: list[str]) -> tuple[str | None, tuple[str | None, int] | None] | None:
    """``(i)`` -> example i; ``(l+1)``, ``[l]``, ``l``, ``(2)`` -> a layer; else (a power) ``None``."""
    text = "".join(sup)
    m = re.fullmatch(r"[(\[]([a-z])[)\]]", text)
    if m and m.group(1) != "l":
        return (m.group(1), None)
    m = re.fullmatch(r"[(\[]?(l)\s*(?:([+-])\s*(\d+))?[)\]]?", text)
    if m:
        offset = int(m.group(3) or 0) * (-1 if m.group(2) == "-" else 1)
        return (None, ("l", offset))
    m = re.fullmatch(r"[(\[](\d+)[)\]]", text)
    if m:
        return (None, (None, int(m.group(1))))
    return None


def _partial(top: list[str], bottom: list[str]) -> Leaf:
    """``\\frac{\\partial L}{\\partial w_{jk}}`` -> the leaf ``w_{jk}`` as ∂L/∂ of it."""
    if len(top) != 2 or not bottom or bottom[0] != r"\partial":
        raise IndexUnread("a derivative other than ∂L/∂(name)")
    p = _Parser(bottom[1:])
    leaf = p.leaf()
    if p.i != len(p.toks):
        raise IndexUnread("∂L/∂ of more than one name")
    return _grad(top[1], leaf)


def _grad(loss: str, leaf: Leaf) -> Leaf:
    if not re.fullmatch(r"[A-Z]", loss):
        raise IndexUnread(f"∂{loss}: not a loss")
    return Leaf(leaf.base, leaf.indices, leaf.layer, leaf.example, grad=loss)
