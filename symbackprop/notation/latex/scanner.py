"""The scanner: one side of a relation -> placeholder LaTeX for the arithmetic parser.

Neither latex2sympy nor SymPy's own parser reads what students write about
backpropagation, so the scanner takes out everything that needs knowledge of
the network: names, derivatives, numbers and function applications each become
a placeholder symbol ``v_{k}`` whose value is kept in a table.  What is left is
an arithmetic skeleton (``+ - \\cdot \\frac ^ \\sqrt``, parentheses, implicit
products) that :mod:`~symbackprop.notation.latex.adapter` reads.

The scanner dispatches each token through tables: :data:`_PUNCTUATION` for
signs and brackets, :data:`_COMMANDS` for fixed command words, then the
vocabulary's accents, word commands, function names and Greek letters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sympy
from sympy import Expr, Rational, Symbol

from ...core.functions import step
from ...errors import InputError
from ..limits import MAX_DEPTH, MAX_LATEX_NUMBER_CHARS
from .adapter import finish
from .derivatives import gradient_parts, slash_partial
from .parsed import Number
from .relations import split_relations
from .tokens import decorations, group, letter_run, paren, primes, skip_space, tokenize
from .vocabulary import (
    ACCENTS,
    DROP,
    FUNCTION_ALIASES,
    GREEK,
    NUMBER,
    REFUSED,
    TIMES,
    WORD_COMMANDS,
    name_key,
)

__all__ = ["Resolver", "ScanContext", "Scanner"]

Resolver = Callable[[str], "Symbol | None"]

#: Tokens that stand for themselves in the skeleton, or for a fixed piece of it.
_PUNCTUATION: dict[str, str] = {
    **dict.fromkeys(DROP | {"~", "&"}, " "),
    **dict.fromkeys(TIMES, r" \cdot "),
    **{sign: sign for sign in ("+", "-", "/", "|")},
    **dict.fromkeys(("(", "[", r"\{"), "("),
    **dict.fromkeys((")", "]", r"\}"), ")"),
}

#: Tokens after a function's name that mean it is applied (``\\sigma(z)``, ``\\sigma'(z)``, ``\\tanh^2 z``).
_APPLIED = ("(", "'", "^", r"\left")

#: The same for a function whose name is also a Greek letter (``\\sigma``), which may take ``[z]``.
_APPLIED_GREEK = (*_APPLIED, "[")

#: The names ``f``, ``g``, ``h``, ``F``, ``G`` followed by ``(`` are unknown functions, not products.
_FUNCTION_LETTERS = ("f", "g", "h", "F", "G")


@dataclass(frozen=True)
class ScanContext:
    """What every scanner of one fragment shares: lookups, and what was read so far."""

    resolve: Resolver
    functions: Mapping[str, Any]
    gradient: Callable[[Symbol, Symbol], Expr] | None
    known: frozenset[str]
    numbers: dict[Symbol, Number]
    names: list[str]


class Scanner:
    """Rewrites one side into placeholder LaTeX; :meth:`read` gives its SymPy expression."""

    def __init__(self, context: ScanContext) -> None:
        self.context = context
        self.table: dict[int, Any] = {}

    def read(self, toks: list[str], depth: int = 0) -> Expr:
        """The expression of ``toks``: rewritten into placeholders, then parsed and substituted."""
        return finish(self.rewrite(toks, depth), self.table)

    def _inner(self, toks: list[str], depth: int) -> Expr:
        """A nested expression (an argument, an exponent of ``e``), read with a table of its own."""
        return Scanner(self.context).read(toks, depth + 1)

    # -- placeholders

    def hold(self, value: Any) -> str:
        k = len(self.table) + 1
        self.table[k] = value
        return f" v_{{{k}}} "

    def name(self, key: str) -> str:
        sym = self.context.resolve(key)
        if sym is None:
            msg = f"unknown name {key!r}"
            raise InputError(msg)
        self.context.names.append(key)
        return self.hold(sym)

    def number(self, text: str) -> str:
        if len(text) > MAX_LATEX_NUMBER_CHARS:
            raise InputError(f"number too long: {text[:20]}...")
        decimals = len(text.split(".")[1]) if "." in text else 0
        value = Rational(text if not text.startswith(".") else "0" + text)
        numbers = self.context.numbers
        sym = Symbol(f"_n{len(numbers)}_{id(self)}")
        numbers[sym] = Number(value, decimals, text)
        return self.hold(sym)

    # -- the dispatch

    def rewrite(self, toks: list[str], depth: int = 0) -> str:
        if depth > MAX_DEPTH:
            raise InputError("the expression nests too deeply")
        out: list[str] = []
        i = 0
        while i < len(toks):
            piece, i = self.atom(toks, i, depth)
            out.append(piece)
        return "".join(out)

    def atom(self, toks: list[str], i: int, depth: int) -> tuple[str, int]:
        t = toks[i]
        fixed = " " if t.isspace() else _PUNCTUATION.get(t)
        if fixed is not None:
            return fixed, i + 1
        if t == "{":
            g, j = group(toks, i)
            return "(" + self.rewrite(g, depth + 1) + ")", j
        if t == "^":
            g, j = group(toks, i + 1)
            return "^{" + self.rewrite(g, depth + 1) + "}", j
        if NUMBER.fullmatch(t):
            return self.number(t), i + 1
        if t.startswith("\\"):
            return self.command(toks, i, depth)
        if t.isalpha() and t.isascii():
            return self.letters(toks, i, depth)
        if t == "'":
            raise InputError("a prime ' must follow a function name, as in \\sigma'(z)")
        msg = f"cannot read {t!r} here"
        raise InputError(msg)

    def command(self, toks: list[str], i: int, depth: int) -> tuple[str, int]:
        t = toks[i]
        word = t[1:]
        if word in REFUSED:
            msg = f"refused: {t} is a TeX primitive (it can read or write files); it has no place in math"
            raise InputError(msg)
        fixed = _COMMANDS.get(word)
        if fixed is not None:
            return fixed(self, toks, i, depth)
        if word in ACCENTS:
            return self.accented(toks, i)
        if word in WORD_COMMANDS:
            g, j = group(toks, i + 1)
            text = "".join(g).strip()
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", text):
                msg = f"prose in math is not checked: {t}{{{text}}}"
                raise InputError(msg)
            return self.word(text, toks, j, depth)
        if word in FUNCTION_ALIASES and (word not in GREEK or self.applied(toks, i + 1, _APPLIED_GREEK)):
            return self.apply(FUNCTION_ALIASES[word], toks, i + 1, depth, t)
        if word in GREEK:
            sub, layer, j = decorations(toks, i + 1)
            return self.name(name_key(word, sub, layer)), j
        msg = f"cannot read the command {t}"
        raise InputError(msg)

    @staticmethod
    def applied(toks: list[str], j: int, openers: tuple[str, ...]) -> bool:
        """Whether the token after ``j`` (past spaces) is one of ``openers``."""
        k = skip_space(toks, j)
        return k < len(toks) and toks[k] in openers

    # -- commands with a fixed word

    def fraction(self, toks: list[str], i: int, depth: int) -> tuple[str, int]:
        num, j = group(toks, i + 1)
        den, j = group(toks, j)
        grad = gradient_parts(num, den)
        if grad is not None:
            return self.hold_gradient(*grad), j
        return r"\frac{" + self.rewrite(num, depth + 1) + "}{" + self.rewrite(den, depth + 1) + "}", j

    def partial(self, toks: list[str], i: int, depth: int) -> tuple[str, int]:
        of, wrt, end = slash_partial(toks, i)
        return self.hold_gradient(of, wrt), end

    def sqrt(self, toks: list[str], i: int, depth: int) -> tuple[str, int]:
        g, j = group(toks, i + 1)
        return r"\sqrt{" + self.rewrite(g, depth + 1) + "}", j

    def bold(self, toks: list[str], i: int, depth: int) -> tuple[str, int]:
        g, j = group(toks, i + 1)
        if "".join(g).strip() in ("1", "I"):
            return self.indicator(toks, j, depth)
        msg = f"{toks[i]} (vectors) is not read"
        raise InputError(msg)

    def indicator(self, toks: list[str], j: int, depth: int) -> tuple[str, int]:
        """``\\mathbf{1}[z > 0]`` or ``\\mathbb{1}_{z > 0}``: a step function."""
        k = skip_space(toks, j)
        if k < len(toks) and toks[k] == "_":
            cond, j = group(toks, k + 1)
        else:
            found = paren(toks, j)
            if found is None or len(found[0]) != 1:
                raise InputError("an indicator needs its condition: \\mathbf{1}[z > 0]")
            cond, j = found[0][0], found[1]
        chains = split_relations("".join(cond))
        if len(chains) != 1 or len(chains[0][0]) != 2 or chains[0][1][0] not in (">", "≥", "<", "≤"):
            raise InputError("an indicator's condition must be one comparison, like z > 0")
        (lhs, rhs), (op,) = chains[0]
        a = self._inner(tokenize(lhs), depth)
        b = self._inner(tokenize(rhs), depth)
        diff = a - b if op in (">", "≥") else b - a
        value = step(diff, sympy.S.One if op in ("≥", "≤") else sympy.S.Zero)
        return self.hold(value), j

    # -- names

    def accented(self, toks: list[str], i: int) -> tuple[str, int]:
        """``\\hat{y}_1``: the name ``y_hat_1``."""
        g, j = group(toks, i + 1)
        base = "".join(x for x in g if not x.isspace()).lstrip("\\")
        if not re.fullmatch(r"[A-Za-z]+", base):
            msg = f"cannot read the name under {toks[i]}: {''.join(g)!r}"
            raise InputError(msg)
        sub, layer, j = decorations(toks, j)
        return self.name(name_key(base, sub, layer, ACCENTS[toks[i][1:]])), j

    def word(self, text: str, toks: list[str], j: int, depth: int) -> tuple[str, int]:
        """``\\text{word}``: a function when applied and known, else a name."""
        low = text.lower()
        functions = self.context.functions
        if self.applied(toks, j, _APPLIED) and (
            low in FUNCTION_ALIASES or text in functions or low in functions
        ):
            fname = FUNCTION_ALIASES.get(low, text if text in functions else low)
            return self.apply(fname, toks, j, depth, text)
        sub, layer, j = decorations(toks, j)
        return self.name(name_key(text, sub, layer)), j

    def letters(self, toks: list[str], i: int, depth: int) -> tuple[str, int]:
        """A run of letters: a known name, a function, or a product of one-letter names."""
        j = letter_run(toks, i)
        run = "".join(toks[i:j])
        sub, layer, k = decorations(toks, j)
        full = name_key(run, sub, layer)
        if full in self.context.known or (len(run) >= 3 and (sub or layer)):
            return self.named(full, toks, k)
        if not (sub or layer) and self.function_word(run, toks, j):
            return self.apply(FUNCTION_ALIASES.get(run.lower(), run), toks, j, depth, run)
        # a product of one-letter names; the last one takes the decorations (or is e in e^{x})
        out = [self.name(c) for c in run[:-1]]
        if (
            run[-1] == "e"
            and not (sub or layer)
            and "e" not in self.context.known
            and self.applied(toks, j, ("^",))
        ):
            piece, k = self.exponential(toks, j, depth)
        else:
            piece, k = self.named(name_key(run[-1], sub, layer), toks, k)
        out.append(piece)
        return "".join(out), k

    def function_word(self, run: str, toks: list[str], j: int) -> bool:
        """Whether the letters ``run`` name a function that is applied at ``j`` (``relu(z)``)."""
        known = run.lower() in FUNCTION_ALIASES or run in self.context.functions
        return known and self.applied(toks, j, _APPLIED)

    def exponential(self, toks: list[str], j: int, depth: int) -> tuple[str, int]:
        """``e^{x}`` with ``e`` not a name of the network: the exponential, held as one placeholder."""
        g, q = group(toks, skip_space(toks, j) + 1)
        return self.hold(sympy.exp(self._inner(g, depth))), q

    def named(self, key: str, toks: list[str], k: int) -> tuple[str, int]:
        """A name; ``f(x)`` with ``f`` neither known nor a node is an unknown function."""
        if key not in self.context.known and key in _FUNCTION_LETTERS and self.applied(toks, k, ("(",)):
            msg = f"unknown function {key!r}"
            raise InputError(msg)
        return self.name(key), k

    # -- derivatives

    def hold_gradient(self, of: str, wrt: str) -> str:
        gradient = self.context.gradient
        if gradient is None:
            msg = f"a derivative (d{of}/d{wrt}) is not allowed here"
            raise InputError(msg)
        a, b = self.context.resolve(of), self.context.resolve(wrt)
        if a is None or b is None:
            msg = f"unknown name {of if a is None else wrt!r} in a derivative"
            raise InputError(msg)
        self.context.names.extend((of, wrt))
        return self.hold(gradient(a, b))

    # -- functions

    def apply(self, fname: str, toks: list[str], j: int, depth: int, shown: str) -> tuple[str, int]:
        """A function application at ``j`` (after the function's name)."""
        power = ""
        nprimes, j = primes(toks, j)
        k = skip_space(toks, j)
        if k < len(toks) and toks[k] == "^" and not nprimes:
            g, j = group(toks, k + 1)
            power = "^{" + self.rewrite(g, depth + 1) + "}"
        found = paren(toks, j)
        if found is not None:
            arg_toks, j = found
            args = [self._inner(a, depth) for a in arg_toks]
        else:
            arg, j = self.bare_argument(fname, toks, j, depth, shown)
            args = [arg]
        value = self.call(fname, args, nprimes, shown)
        return self.hold(value) + power, j

    def bare_argument(self, fname: str, toks: list[str], j: int, depth: int, shown: str) -> tuple[Expr, int]:
        """The one argument of a function written without parentheses: ``\\ln a_2``."""
        if fname in ("max", "min"):
            msg = f"{shown} needs its arguments in parentheses"
            raise InputError(msg)
        k = skip_space(toks, j)
        if k >= len(toks):
            msg = f"{shown} has no argument"
            raise InputError(msg)
        piece, j = self.atom(toks, k, depth + 1)
        return finish(piece, self.table), j

    def call(self, fname: str, args: list[Expr], nprimes: int, shown: str) -> Expr:
        info = self.context.functions.get(fname)
        if info is None:
            msg = f"unknown function {shown!r}"
            raise InputError(msg)
        if not info.accepts(len(args)):
            msg = f"{shown} takes {info.describe_arity()}, got {len(args)}"
            raise InputError(msg)
        if nprimes == 0:
            return info.func(*args)
        if len(args) != 1:
            msg = f"{shown}' is only read for functions of one argument"
            raise InputError(msg)
        z = Symbol("_z", real=True)
        expr = info.func(z)
        for _ in range(nprimes):
            expr = sympy.diff(expr, z)
        return expr.xreplace({z: args[0]})


#: Command words with a reader of their own (checked before accents, names and functions).
_COMMANDS: dict[str, Callable[[Scanner, list[str], int, int], tuple[str, int]]] = {
    "frac": Scanner.fraction,
    "dfrac": Scanner.fraction,
    "tfrac": Scanner.fraction,
    "partial": Scanner.partial,
    "sqrt": Scanner.sqrt,
    "mathbf": Scanner.bold,
    "boldsymbol": Scanner.bold,
    "mathbb": Scanner.bold,
    "mathds": Scanner.bold,
}
