"""The scanner: one side of a relation -> placeholder LaTeX for the arithmetic parser.

Neither latex2sympy nor SymPy's own parser reads what students write about
backpropagation, so the scanner takes out everything that needs knowledge of
the network: names, derivatives, sums, numbers and function applications each
become a placeholder symbol ``v_{k}`` whose value is kept in a table.  What is
left is an arithmetic skeleton (``+ - \\cdot \\frac ^ \\sqrt``, parentheses,
implicit products) that :mod:`~symbackprop.notation.latex.adapter` reads.

The scanner dispatches each token through tables: :data:`_PUNCTUATION` for
signs and brackets, :data:`_COMMANDS` for fixed command words, then the
vocabulary's markup, matrix notation, accents, word commands, function names
and Greek letters.  Vector and matrix notation raises an
:class:`~symbackprop.errors.InputError` whose message starts with
``matrix notation``, so that such a line is "not checked: matrix notation".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import sympy
from sympy import Expr, Rational, Symbol

from ...core.functions import step
from ...errors import InputError
from ..limits import MAX_DEPTH, MAX_LATEX_NUMBER_CHARS
from .adapter import finish
from .applications import call, unknown_call
from .context import Resolver, ScanContext, matrix_notation
from .derivatives import fraction_derivative, slash_d, slash_partial
from .names import PRIME, letters, name_at, power_layer
from .norms import numbers_norm, scalar_norm_squared
from .operators import at_point, derivative_value, nabla, name_derivative, operand
from .parsed import Number
from .relations import split_relations
from .sums import expand_sum
from .tokens import decorations, group, paren, primes, skip_space, tokenize
from .vocabulary import (
    ACCENTS,
    BARS,
    DROP,
    DROP_WITH_ARGUMENT,
    FUNCTION_ALIASES,
    GREEK,
    MATRIX_COMMANDS,
    MATRIX_ENVIRONMENTS,
    NORMS,
    NUMBER,
    PROSE_WORDS,
    REFUSED,
    TIMES,
    TRANSPARENT,
    TRANSPOSE_MARKS,
    WORD_COMMANDS,
    name_key,
)

__all__ = ["Resolver", "ScanContext", "Scanner"]

#: Tokens that stand for themselves in the skeleton, or for a fixed piece of it.
_PUNCTUATION: dict[str, str] = {
    **dict.fromkeys(DROP | {"~", "&"}, " "),
    **dict.fromkeys(TIMES, r" \cdot "),
    **dict.fromkeys(BARS, "|"),
    **{sign: sign for sign in ("+", "-", "/", "|")},
    **dict.fromkeys(("(", "[", r"\{"), "("),
    **dict.fromkeys((")", "]", r"\}"), ")"),
}

#: Tokens after a function's name that mean it is applied (``\\sigma(z)``, ``\\sigma'(z)``, ``\\tanh^2 z``).
_APPLIED = ("(", "'", "^", r"\left")

#: The same for a function whose name is also a Greek letter (``\\sigma``), which may take ``[z]``.
_APPLIED_GREEK = (*_APPLIED, "[")


#: Words that lead into an equation at its start, dropped: ``\\text{i.e. }``, ``\\text{so}``.
_LEADING_WORDS = re.compile(r"(?:i\.\s?e\.|that is|so|hence|thus|then|therefore),?", re.I)


class Scanner:
    """Rewrites one side into placeholder LaTeX; :meth:`read` gives its SymPy expression."""

    def __init__(self, context: ScanContext) -> None:
        self.context = context
        self.table: dict[int, Any] = {}

    def read(self, toks: list[str], depth: int = 0) -> Expr:
        """The expression of ``toks``: rewritten into placeholders, then parsed and substituted."""
        return finish(self.rewrite(toks, depth), self.table)

    def read_inner(self, toks: list[str], depth: int) -> Expr:
        """A nested expression (an argument, an exponent of ``e``), read with a table of its own."""
        return Scanner(self.context).read(toks, depth + 1)

    def probe(self, context: ScanContext) -> Scanner:
        """A scanner with another context (a sum probes its summand's names with one)."""
        return Scanner(context)

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
        value = _exact(text)
        numbers = self.context.numbers
        sym = Symbol(f"_n{len(numbers)}_{id(self)}")
        numbers[sym] = Number(value, decimals, text)
        return self.hold(sym)

    # -- the dispatch

    def rewrite(self, toks: list[str], depth: int = 0) -> str:
        if depth > MAX_DEPTH:
            raise InputError("the expression nests too deeply")
        out: list[str] = []
        i, n = 0, len(toks)
        while i < n:
            if toks[i].isspace():  # as atom() reads it, without the call (a third of the tokens)
                out.append(" ")
                i += 1
                continue
            piece, i = self.atom(toks, i, depth)
            out.append(piece)
        return "".join(out)

    def atom(self, toks: list[str], i: int, depth: int) -> tuple[str, int]:
        t = toks[i]
        fixed = " " if t.isspace() else _PUNCTUATION.get(t)
        if fixed is not None:
            return fixed, i + 1
        if t.isalpha() and t.isascii():  # a letter (the commonest): nothing below reads one
            return self.letters(toks, i, depth)
        if t == "{":
            g, j = group(toks, i)
            return "(" + self.rewrite(g, depth + 1) + ")", j
        if t == "^":
            return self.power(toks, i, depth)
        if (t[:1].isdigit() or t[:1] == ".") and NUMBER.fullmatch(t):
            return self.number(t), i + 1
        if t.startswith("\\"):
            return self.command(toks, i, depth)
        if t == "'":
            raise InputError("a prime ' must follow a function or a name, as in \\sigma'(z)")
        if t == ",":
            raise matrix_notation("a list of values")
        msg = f"cannot read {t!r} here"
        raise InputError(msg)

    def power(self, toks: list[str], i: int, depth: int) -> tuple[str, int]:
        g, j = group(toks, i + 1)
        mark = "".join(g).replace(" ", "")
        if mark in TRANSPOSE_MARKS and (mark != "T" or "T" not in self.context.known):
            raise matrix_notation("a transpose")
        return "^{" + self.rewrite(g, depth + 1) + "}", j

    def command(self, toks: list[str], i: int, depth: int) -> tuple[str, int]:
        t = toks[i]
        word = t[1:]
        if word in REFUSED:
            msg = f"refused: {t} is a TeX primitive (it can read or write files); it has no place in math"
            raise InputError(msg)
        fixed = _COMMANDS.get(word)
        if fixed is not None:
            return fixed(self, toks, i, depth)
        if t in NORMS:
            scalar = scalar_norm_squared(toks, i)
            absolute = numbers_norm(toks, i) if scalar is None else None
            if absolute is not None:
                return "|" + self.rewrite(absolute[0], depth + 1) + "|", absolute[1]
            if scalar is None:
                raise matrix_notation(f"a norm {t} ... {t}")
            return "(" + self.rewrite(scalar[0], depth + 1) + ")", scalar[1]
        if word in MATRIX_COMMANDS:
            raise matrix_notation(t)
        if word in ACCENTS or word == "Delta":
            found = name_at(toks, i)
            if found is not None:
                return self.primed(found[0], toks, found[1])
        if word in WORD_COMMANDS:
            derivative = slash_d(toks, i)  # \mathrm{d}L / \mathrm{d}w
            if derivative is not None:
                return self.gradient(derivative[0], derivative[1], toks, derivative[2], depth)
            return self.word_command(toks, i, depth)
        if word in FUNCTION_ALIASES and (word not in GREEK or self.applied(toks, i + 1, _APPLIED_GREEK)):
            return self.apply(FUNCTION_ALIASES[word], toks, i + 1, depth, t)
        if word in GREEK:
            sub, layer, j = decorations(toks, i + 1)
            return self.primed(name_key(word, sub, layer), toks, j)
        msg = f"cannot read the command {t}"
        raise InputError(msg)

    @staticmethod
    def applied(toks: list[str], j: int, openers: tuple[str, ...]) -> bool:
        """Whether the token after ``j`` (past spaces) is one of ``openers``."""
        k = skip_space(toks, j)
        return k < len(toks) and toks[k] in openers

    # -- markup

    def transparent(self, toks: list[str], i: int, depth: int) -> tuple[str, int]:
        """``\\boxed{x}``: its argument, in parentheses."""
        g, j = group(toks, i + 1)
        return "(" + self.rewrite(g, depth + 1) + ")", j

    def dropped(self, toks: list[str], i: int, depth: int) -> tuple[str, int]:
        """``\\tag{3}``, ``\\tag*{3}``, ``\\hspace{1em}``: dropped with their argument."""
        j = i + 1
        if j < len(toks) and toks[j] == "*":
            j += 1
        return " ", group(toks, j)[1]

    def line_break(self, toks: list[str], i: int, depth: int) -> tuple[str, int]:
        """``\\\\`` (and ``\\\\[1em]``) inside a side: a space."""
        j = i + 1
        if j < len(toks) and toks[j] == "[":
            j = next((k + 1 for k in range(j, min(j + 8, len(toks))) if toks[k] == "]"), j)
        return " ", j

    def environment(self, toks: list[str], i: int, depth: int) -> tuple[str, int]:
        g, _ = group(toks, i + 1)
        env = "".join(g).strip()
        if env.rstrip("*") in MATRIX_ENVIRONMENTS:
            raise matrix_notation(f"\\begin{{{env}}}")
        msg = f"cannot read \\begin{{{env}}} inside an equation"
        raise InputError(msg)

    def word_command(self, toks: list[str], i: int, depth: int) -> tuple[str, int]:
        """``\\text{...}``: a name or a function; a unit or remark at the end of a side is dropped.

        Words with spaces around them (``\\text{ since }``) or linking words
        (``\\text{where}``) are prose, never names.
        """
        g, j = group(toks, i + 1)
        raw = "".join(g)
        text = raw.strip()
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", raw) and text.lower() not in PROSE_WORDS:
            operator = toks[i] == r"\operatorname"  # \operatorname{swish}(z) applies a function
            if operator and not self.function_name(text) and self.applied(toks, j, _APPLIED):
                msg = f"unknown function {text!r}"
                raise InputError(msg)
            return self.word(text, toks, j, depth)
        at_end = skip_space(toks, j) >= len(toks)
        if not text or (at_end and skip_space(toks[:i], 0) < i):
            return " ", j  # a unit or a remark after the value: "-10.8 \\text{ °F/km}"
        if skip_space(toks[:i], 0) >= i and _LEADING_WORDS.fullmatch(text):
            return " ", j  # words that lead into the equation: "\\text{i.e. } a - y = …"
        msg = f"prose in math is not checked: {toks[i]}{{{text}}}"
        raise InputError(msg)

    # -- commands with a fixed word

    def fraction(self, toks: list[str], i: int, depth: int) -> tuple[str, int]:
        num, j = group(toks, i + 1)
        den, j = group(toks, j)
        found = fraction_derivative(num, den)
        if found is None:
            return r"\frac{" + self.rewrite(num, depth + 1) + "}{" + self.rewrite(den, depth + 1) + "}", j
        of, wrt = found
        if skip_space(of, 0) >= len(of):  # \frac{d}{dw} L: the operator form
            of, j = operand(toks, j, f"d/d{wrt}")
        value, closed = derivative_value(self, of, wrt, depth)
        value, j = at_point(self, value, closed, toks, j, depth)
        return self.hold(value), j

    def partial(self, toks: list[str], i: int, depth: int) -> tuple[str, int]:
        of, wrt, end = slash_partial(toks, i)
        return self.gradient(of, wrt, toks, end, depth)

    def gradient(self, of: str, wrt: str, toks: list[str], j: int, depth: int) -> tuple[str, int]:
        """The derivative of the name ``of`` by ``wrt``, at a point if a bar follows."""
        value, j = at_point(self, name_derivative(self.context, of, wrt), False, toks, j, depth)
        return self.hold(value), j

    def nabla(self, toks: list[str], i: int, depth: int) -> tuple[str, int]:
        value, closed, j = nabla(self, toks, i, depth)
        value, j = at_point(self, value, closed, toks, j, depth)
        return self.hold(value), j

    def summation(self, toks: list[str], i: int, depth: int) -> tuple[str, int]:
        written, j = expand_sum(self, toks, i)
        return self.rewrite(written, depth + 1), j

    def sqrt(self, toks: list[str], i: int, depth: int) -> tuple[str, int]:
        g, j = group(toks, i + 1)
        return r"\sqrt{" + self.rewrite(g, depth + 1) + "}", j

    def bold(self, toks: list[str], i: int, depth: int) -> tuple[str, int]:
        """``\\mathbf{1}[z > 0]``: an indicator; ``\\mathbf{6.0}``: a number; ``\\mathbf{x}``: a known name.

        Anything else in bold is a vector or a matrix: matrix notation.
        """
        g, j = group(toks, i + 1)
        text = "".join(g).strip()
        if text in ("1", "I"):
            if self.applied(toks, j, ("[", "(", "_", r"\left")):
                return self.indicator(toks, j, depth)
            raise matrix_notation(f"{toks[i]}{{{text}}} (a vector of ones or an identity)")
        if re.fullmatch(r"-?\s*(\d+(\.\d*)?|\.\d+)", text):
            return "(" + self.rewrite(g, depth + 1) + ")", j
        found = name_at(g, skip_space(g, 0)) if g else None
        if found is not None and skip_space(g, found[1]) == len(g) and toks[i] != r"\mathbb":
            sub, layer, j = decorations(toks, j)
            key = found[0] if not (sub or layer) else name_key(found[0], sub, layer)
            if key in self.context.known:
                return self.name(key), j
        raise matrix_notation(f"{toks[i]}{{{text}}}")

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
        a = self.read_inner(tokenize(lhs), depth)
        b = self.read_inner(tokenize(rhs), depth)
        diff = a - b if op in (">", "≥") else b - a
        value = step(diff, sympy.S.One if op in ("≥", "≤") else sympy.S.Zero)
        return self.hold(value), j

    # -- names

    def primed(self, key: str, toks: list[str], k: int) -> tuple[str, int]:
        """A name, and the primes after it: ``y'`` is the name ``y_prime`` (not a derivative).

        ``y'(1 - y')`` is a product; ``f'(x)`` and ``y'(0)`` (see :meth:`function_of`) are not read.
        """
        n, j = primes(toks, k)
        if n and j < len(toks) and toks[j] in ("(", r"\left") and self.function_of(key, toks, j):
            msg = f"{key}'(...) is read neither as a product nor as a derivative"
            raise InputError(msg)
        return self.name(key + PRIME * n), j

    def function_name(self, text: str) -> bool:
        """Whether ``text`` names a function the reader knows (an alias, or the table's own)."""
        low = text.lower()
        return low in FUNCTION_ALIASES or text in self.context.functions or low in self.context.functions

    def word(self, text: str, toks: list[str], j: int, depth: int) -> tuple[str, int]:
        """``\\text{word}``: a function when applied and known, else a name."""
        low = text.lower()
        functions = self.context.functions
        fname = FUNCTION_ALIASES.get(low, text if text in functions else low)
        if self.applied(toks, j, _APPLIED) and self.function_name(text):
            return self.apply(fname, toks, j, depth, text)
        component = self.component(toks, j) if self.function_name(text) else None
        if (
            component is not None
        ):  # \operatorname{softmax}_{1}(z_1, z_2): component 1, as the printer writes it
            return self.apply(fname, toks, component[1], depth, text, lead=[component[0]])
        sub, layer, j = decorations(toks, j)
        return self.primed(name_key(text, sub, layer), toks, j)

    def letters(self, toks: list[str], i: int, depth: int) -> tuple[str, int]:
        """A run of letters: a known name, a function, a derivative ``dL/dw``, or a product of letters."""
        derivative = slash_d(toks, i) if toks[i] == "d" else None  # letters: only a d starts one
        if derivative is not None:
            of, wrt, j = derivative
            return self.gradient(of, wrt, toks, j, depth)
        run, digits, j = letters(toks, i)
        sub, layer, k = self.decorated(run, toks, j, digits)
        full = name_key(run, sub, layer)
        if full in self.context.known or (len(run) >= 3 and (sub or layer)):
            return self.named(full, toks, k, depth)
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
            piece, k = self.named(name_key(run[-1], sub, layer), toks, k, depth)
        out.append(piece)
        return "".join(out), k

    def decorated(self, run: str, toks: list[str], j: int, digits: str) -> tuple[str, str, int]:
        """The subscript (or glued digits) and layer of the name ``run`` -> (sub, layer, next index).

        A bare number superscript is a layer when the document names that layer
        (``w_{11}^{2}`` with ``w^(2)_11`` known), and a power otherwise.
        """
        sub, layer, k = decorations(toks, j)
        sub = sub or digits
        if not layer:
            found = power_layer(toks, k)
            if found is not None and name_key(run, sub, found[0]) in self.context.known:
                layer, k = found
        return sub, layer, k

    def function_word(self, run: str, toks: list[str], j: int) -> bool:
        """Whether the letters ``run`` name a function that is applied at ``j`` (``relu(z)``)."""
        known = run.lower() in FUNCTION_ALIASES or run in self.context.functions
        return known and self.applied(toks, j, _APPLIED)

    def exponential(self, toks: list[str], j: int, depth: int) -> tuple[str, int]:
        """``e^{x}`` with ``e`` not a name of the network: the exponential, held as one placeholder."""
        g, q = group(toks, skip_space(toks, j) + 1)
        return self.hold(sympy.exp(self.read_inner(g, depth))), q

    def named(self, key: str, toks: list[str], k: int, depth: int) -> tuple[str, int]:
        """A name; before parentheses, maybe a function's value (see :meth:`function_of`).

        ``f(x, y)`` is an unknown function of two arguments; ``f(x)``, ``L(3)`` and
        ``a(0.5)`` may be a function's value or a product, and are not read.
        """
        if k < len(toks) and toks[k] in ("(", r"\left") and self.function_of(key, toks, k):
            found = paren(toks, k)
            if found is None:  # an opening parenthesis that never closes
                raise InputError(f"unbalanced parentheses after {key}")
            args = [self.read_inner(a, depth) for a in found[0]]
            return self.hold(unknown_call(key, args)), found[1]
        return self.primed(key, toks, k)

    def function_of(self, key: str, toks: list[str], k: int) -> bool:
        """Whether ``key(...)`` at ``k`` is a function's value: ``f(x, y)``, ``L(w)``, ``a(0.5)``."""
        if len(key) == 1 and key.isupper():
            return True
        if key in ("f", "g", "h") and key not in self.context.known:
            return True
        return _one_number(toks, k)

    # -- functions

    def component(self, toks: list[str], j: int) -> tuple[Expr, int] | None:
        """``_{1}`` then ``(`` after a function's name -> (the index 1, where the arguments start)."""
        k = skip_space(toks, j)
        if k >= len(toks) or toks[k] != "_":
            return None
        g, k = group(toks, k + 1)
        index = "".join(g).strip()
        return (
            (sympy.Integer(index), k) if index.isdigit() and self.applied(toks, k, ("(", r"\left")) else None
        )

    def apply(
        self, fname: str, toks: list[str], j: int, depth: int, shown: str, lead: list[Expr] | None = None
    ) -> tuple[str, int]:
        """A function application at ``j`` (after the function's name), ``lead`` before its arguments."""
        power = ""
        nprimes, j = primes(toks, j)
        k = skip_space(toks, j)
        if k < len(toks) and toks[k] == "^" and not nprimes:
            g, j = group(toks, k + 1)
            power = "^{" + self.rewrite(g, depth + 1) + "}"
        found = paren(toks, j)
        if found is not None:
            arg_toks, j = found
            args = [self.read_inner(a, depth) for a in arg_toks]
        else:
            arg, j = self.bare_argument(fname, toks, j, depth, shown)
            args = [arg]
        value = call(self.context.functions, fname, [*(lead or []), *args], nprimes, shown)
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


@functools.lru_cache(maxsize=1024)
def _exact(text: str) -> Rational:
    """The exact value of a number as written (remembered: a document repeats its numbers)."""
    return Rational(text if not text.startswith(".") else "0" + text)


def _one_number(toks: list[str], k: int) -> bool:
    """Whether the parentheses at ``k`` hold one (signed) number and nothing else."""
    inner = "".join(toks[k + 1 : k + 5])
    return re.match(r"\s*-?\s*(\d+(\.\d+)?|\.\d+)\s*\)", inner) is not None


#: Command words with a reader of their own (checked before accents, names and functions).
_COMMANDS: dict[str, Callable[[Scanner, list[str], int, int], tuple[str, int]]] = {
    "frac": Scanner.fraction,
    "dfrac": Scanner.fraction,
    "tfrac": Scanner.fraction,
    "partial": Scanner.partial,
    "nabla": Scanner.nabla,
    "sum": Scanner.summation,
    "sqrt": Scanner.sqrt,
    "mathbf": Scanner.bold,
    "boldsymbol": Scanner.bold,
    "bm": Scanner.bold,
    "mathbb": Scanner.bold,
    "mathds": Scanner.bold,
    "begin": Scanner.environment,
    "\\": Scanner.line_break,
    **dict.fromkeys(TRANSPARENT, Scanner.transparent),
    **dict.fromkeys(DROP_WITH_ARGUMENT, Scanner.dropped),
}
