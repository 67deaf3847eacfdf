"""The arithmetic skeleton that the scanner leaves, parsed fast.

After the scanner, most sides are placeholders ``v_{k}`` joined by ``+ - \\cdot /``,
parentheses, ``^{...}`` and ``\\frac{}{}``.  :func:`parse_skeleton` reads those
into the same tree as latex2sympy (a test checks it) in microseconds instead
of tens of milliseconds; anything else returns ``None`` and goes to latex2sympy.

This is not a second reader of spec expressions: it reads LaTeX's skeleton
(implicit products, ``\\frac``, ``^{}``) over placeholders only, never names or
numbers, and must agree with latex2sympy, not with Python.
"""

from __future__ import annotations

import re

import sympy
from sympy import Expr, Symbol

__all__ = ["parse_skeleton"]

_SKELETON_TOKEN = re.compile(r"v_\{(\d+)\}|\\cdot|\\frac|\\sqrt|[-+/(){}^]|\s+|.")


class _NotSkeleton(Exception):
    """Internal: the text is not a plain skeleton; latex2sympy reads it."""


class _Skeleton:
    """Recursive descent over the skeleton: sums of terms, products of powers, atoms."""

    def __init__(self, text: str) -> None:
        self.toks = [
            f"v{m.group(1)}" if m.group(1) else m.group(0)
            for m in _SKELETON_TOKEN.finditer(text)
            if not m.group(0).isspace()
        ]
        self.i = 0

    def peek(self) -> str | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, tok: str) -> None:
        if self.peek() != tok:
            raise _NotSkeleton
        self.i += 1

    def parse(self) -> Expr:
        e = self.expr()
        if self.peek() is not None:
            raise _NotSkeleton
        return e

    def expr(self) -> Expr:
        terms = [self.term()]
        while self.peek() in ("+", "-"):
            op = self.toks[self.i]
            self.i += 1
            t = self.term()
            terms.append(t if op == "+" else -t)
        return sympy.Add(*terms)

    def term(self) -> Expr:
        factors = [self.unary()]
        while True:
            t = self.peek()
            if t == r"\cdot":
                self.i += 1
                factors.append(self.unary())
            elif t == "/":
                self.i += 1
                factors.append(sympy.Pow(self.unary(), -1))
                nxt = self.peek()
                if nxt is not None and (nxt[0] == "v" or nxt in ("(", r"\frac", r"\sqrt")):
                    raise _NotSkeleton  # "a / b c": leave the reading to latex2sympy
            elif t is not None and (
                (t.startswith("v") and t[1:].isdigit()) or t in ("(", r"\frac", r"\sqrt")
            ):
                factors.append(self.power())
            else:
                return sympy.Mul(*factors)

    def unary(self) -> Expr:
        if self.peek() == "-":
            self.i += 1
            return -self.unary()
        if self.peek() == "+":
            self.i += 1
            return self.unary()
        return self.power()

    def power(self) -> Expr:
        base = self.atom()
        if self.peek() == "^":
            self.i += 1
            return sympy.Pow(base, self.group())
        return base

    def group(self) -> Expr:
        self.take("{")
        e = self.expr()
        self.take("}")
        return e

    def atom(self) -> Expr:
        t = self.peek()
        if t is None:
            raise _NotSkeleton
        if t.startswith("v") and t[1:].isdigit():
            self.i += 1
            return Symbol(f"v_{t[1:]}")
        if t == "(":
            self.i += 1
            e = self.expr()
            self.take(")")
            return e
        if t == r"\frac":
            self.i += 1
            num = self.group()
            return sympy.Mul(num, sympy.Pow(self.group(), -1))
        if t == r"\sqrt":
            self.i += 1
            return sympy.sqrt(self.group())
        raise _NotSkeleton


#: Skeletons already parsed (a document's sides share a few: names are placeholders, ``v_{1} v_{2}``).
_PARSED: dict[str, Expr | None] = {}

#: The most skeletons remembered (then the memory starts again).
_REMEMBERED = 1024


def parse_skeleton(text: str) -> Expr | None:
    """The skeleton parsed by :class:`_Skeleton`, or ``None`` to use latex2sympy."""
    if text in _PARSED:
        return _PARSED[text]
    try:
        out = _Skeleton(text).parse()
    except _NotSkeleton:
        out = None
    except RecursionError:  # depends on the caller's stack: not remembered
        return None
    if len(_PARSED) >= _REMEMBERED:
        _PARSED.clear()
    _PARSED[text] = out
    return out
