"""LaTeX input: hand-written math -> SymPy, through ``latex2sympy2_extended``.

This is the only module that imports ``latex2sympy2_extended``.  Neither that
parser nor SymPy's own reads what students write about backpropagation, so a
small scanner runs first and takes out everything that needs knowledge of
the network:

* names (``z_1`` = ``z_{1}``, ``\\hat{y}`` = ``y_hat``, ``w^{(1)}_{11}``,
  ``E_{total}``), gradient fractions (``\\frac{\\partial L}{\\partial w_2}``,
  ``\\frac{dL}{dw_2}``, ``\\partial L/\\partial w_2``), numbers (kept exact,
  with their decimals) and function applications (``\\sigma``, ``ReLU``,
  ``\\max(0, z)``, ``\\tanh``, ``e^{x}``, ``\\log`` = ``\\ln``, primes) each
  become a placeholder symbol ``v_{k}``;
* ``\\left``/``\\right``, ``\\cdot``, ``\\times``, thin spaces are cleaned up;
* TeX primitives that read or write files (``\\input``, ``\\write18``,
  ``\\catcode`` ...) are refused.

``latex2sympy`` then only parses the arithmetic skeleton (``+ - \\cdot
\\frac ^ \\sqrt``, parentheses and implicit products) over placeholders, and
the placeholders are replaced by what they stand for.  Every failure is an
:class:`~symbackprop.errors.InputError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sympy
from sympy import Expr, Rational, Symbol

from ..core.functions import LATEX_ALIASES
from ..core.names import GREEK_LETTERS
from ..errors import InputError, SymbackpropError

__all__ = [
    "MAX_LATEX_CHARS",
    "RELATIONS",
    "Gradient",
    "Number",
    "Parsed",
    "name_key",
    "parse_expression",
    "parse_math",
    "split_relations",
]

#: Suffix of a name key that means "the updated value": ``w_5^{+}``, ``w_5^{new}``.
UPDATED = "^+"

#: Superscripts that mark an updated parameter.
_UPDATE_MARKS = frozenset({"+", "new", r"\text{new}", r"\mathrm{new}", "(new)", "(t+1)", "{(t+1)}", "*"})

#: Longest fragment accepted, in characters.
MAX_LATEX_CHARS = 20_000

#: Largest exact number a power of numbers may build, in bits (as in specs).
MAX_NUMBER_BITS = 10_000

#: Deepest nesting of groups.
MAX_DEPTH = 60

#: Relation commands and characters, as data: token -> operator name.
RELATIONS: dict[str, str] = {
    "=": "=",
    r"\approx": "≈",
    r"\simeq": "≈",
    r"\equiv": "=",
    r"\coloneqq": "=",
    ":=": "=",
    r"\leftarrow": "=",
    r"\gets": "=",
    r"\mathrel{:}=": "=",
    r"\neq": "≠",
    r"\ne": "≠",
    "<": "<",
    ">": ">",
    r"\lt": "<",
    r"\gt": ">",
    r"\le": "≤",
    r"\leq": "≤",
    r"\ge": "≥",
    r"\geq": "≥",
}

#: Commands that separate two statements (``A = 1 \Rightarrow B = 2``).
SEPARATORS = (r"\Rightarrow", r"\implies", r"\Longrightarrow", r"\therefore", r"\quad", r"\qquad")

#: TeX primitives refused outright: they read or write files or change the lexer.
REFUSED = frozenset(
    {
        "input",
        "include",
        "write",
        "write18",
        "immediate",
        "openout",
        "openin",
        "read",
        "readline",
        "catcode",
        "def",
        "edef",
        "gdef",
        "xdef",
        "let",
        "futurelet",
        "newcommand",
        "renewcommand",
        "providecommand",
        "DeclareMathOperator",
        "csname",
        "endcsname",
        "expandafter",
        "usepackage",
        "documentclass",
        "special",
        "jobname",
        "makeatletter",
        "loop",
        "scantokens",
    }
)

#: Spacing and decoration commands that are dropped.
_DROP = frozenset(
    {
        r"\left",
        r"\right",
        r"\bigl",
        r"\bigr",
        r"\Bigl",
        r"\Bigr",
        r"\biggl",
        r"\biggr",
        r"\big",
        r"\Big",
        r"\bigg",
        r"\Bigg",
        r"\,",
        r"\;",
        r"\:",
        r"\!",
        r"\displaystyle",
        r"\textstyle",
        r"\limits",
        r"\nonumber",
        r"\notag",
        r"\middle",
        r"\ ",
    }
)

#: Multiplication signs.
_TIMES = frozenset({r"\cdot", r"\times", r"\ast", "*", r"\bullet"})

#: Greek letters read as names.
_GREEK = frozenset(GREEK_LETTERS)

#: Accents that become a name suffix: ``\hat{y}`` -> ``y_hat``.
_ACCENTS = {"hat": "hat", "widehat": "hat", "bar": "bar", "overline": "bar", "tilde": "tilde"}

#: Word commands that hold a name or a function name.
_WORD_COMMANDS = frozenset({"text", "mathrm", "operatorname", "textrm", "mathit", "textit", "mathsf", "rm"})

#: Function spellings -> canonical function names (looked up in ``functions``): the registry's
#: ``latex_aliases``, kept in step with it (registering a function adds its spellings here).
FUNCTION_ALIASES: Mapping[str, str] = LATEX_ALIASES

_NUMBER = re.compile(r"\d+(?:\.\d+)?|\.\d+")
_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\d+(?:\.\d+)?|\.\d+|\s+|.", re.S)
_PLACEHOLDER = re.compile(r"v_\{?(\d+)\}?\Z")


@dataclass(frozen=True)
class Gradient:
    """A derivative written in the text: ∂``of``/∂``wrt`` (names as keys)."""

    of: str
    wrt: str


@dataclass(frozen=True)
class Number:
    """A number as written: its exact value and how many decimals it shows."""

    value: Rational
    decimals: int
    text: str


@dataclass(frozen=True)
class Parsed:
    """One parsed side: the expression and what its symbols stand for.

    ``expr`` uses the symbols that ``resolve`` returned for names,
    ``gradient(of, wrt)`` for derivatives, and one fresh symbol per number
    (see ``numbers``), so that callers can substitute exact values or
    propagate rounding.
    """

    expr: Expr
    numbers: Mapping[Symbol, Number] = field(default_factory=dict)
    names: tuple[str, ...] = ()

    def exact(self) -> Expr:
        """``expr`` with every number in place.

        Raises:
            InputError: A power of numbers would exceed :data:`MAX_NUMBER_BITS`
                (``9^{9^{9}}`` is refused before it is computed).
        """
        floats = {s: sympy.Float(n.value, 15) for s, n in self.numbers.items()}
        for p in self.expr.atoms(sympy.Pow):
            base, exp = p.base.xreplace(floats), p.exp.xreplace(floats)
            if base.is_Number and exp.is_Number and not base.is_zero and abs(base) != 1:  # Float(0) != 0
                if p.base in self.numbers:  # a written number: exact numerator and denominator
                    r = self.numbers[p.base].value
                    size = max(abs(r.p), abs(r.q)).bit_length()
                else:
                    size = max(abs(float(sympy.log(abs(base), 2))), 1.0)
                if abs(float(exp)) * size > MAX_NUMBER_BITS:
                    msg = f"a power of numbers is too large to compute exactly (over {MAX_NUMBER_BITS} bits)"
                    raise InputError(msg)
        return self.expr.xreplace({s: n.value for s, n in self.numbers.items()})


def name_key(base: str, sub: str = "", layer: str = "", accent: str = "") -> str:
    """The canonical key of a written name: ``w^{(1)}_{11}`` -> ``w^(1)_11``."""
    key = base
    if accent:
        key += "_" + accent
    if layer and layer != "+":
        key += f"^({layer})"
    if sub:
        key += "_" + sub
    if layer == "+":
        key += UPDATED
    return key


def _error(message: str) -> InputError:
    return InputError(message)


# ------------------------------------------------------------------ relations


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def split_relations(latex: str) -> list[tuple[list[str], list[str]]]:
    """Split a fragment into statements, each a chain of sides and relations.

    ``A = B = C \\approx D \\Rightarrow E = F`` gives
    ``[(["A", "B", "C", "D"], ["=", "=", "≈"]), (["E", "F"], ["="])]``.
    Only top-level relations split: ``\\frac{a = b}{c}`` is one side.
    """
    statements: list[tuple[list[str], list[str]]] = []
    sides: list[str] = []
    ops: list[str] = []
    current: list[str] = []
    depth = 0
    toks = _tokens(latex)
    i = 0

    def close() -> None:
        nonlocal sides, ops, current
        sides.append("".join(current).strip())
        if len(sides) > 1 or sides[0]:
            statements.append((sides, ops))
        sides, ops, current = [], [], []

    while i < len(toks):
        t = toks[i]
        if t in ("{", "(", "[") or t in (r"\{", r"\left"):
            depth += 1
        elif t in ("}", ")", "]") or t in (r"\}", r"\right"):
            depth = max(depth - 1, 0)
        if depth == 0 and t == ":" and i + 1 < len(toks) and toks[i + 1] == "=":
            t = ":="
            i += 1
        if depth == 0 and t in RELATIONS:
            sides.append("".join(current).strip())
            ops.append(RELATIONS[t])
            current = []
        elif depth == 0 and (t in SEPARATORS or t == ","):
            close()
        else:
            current.append(t)
        i += 1
    close()
    return [(s, o) for s, o in statements if len(s) > 1 or s[0]]


# -------------------------------------------------------------------- scanner


Resolver = Callable[[str], "Symbol | None"]


class _Scanner:
    """Rewrites one side into placeholder LaTeX for latex2sympy (see module doc)."""

    def __init__(
        self,
        resolve: Resolver,
        functions: Mapping[str, Any],
        gradient: Callable[[Symbol, Symbol], Expr] | None,
        known: frozenset[str],
        table: dict[int, Any],
        numbers: dict[Symbol, Number],
        names: list[str],
    ) -> None:
        self.resolve = resolve
        self.functions = functions
        self.gradient = gradient
        self.known = known
        self.table = table
        self.numbers = numbers
        self.names = names

    # -- placeholders
    def hold(self, value: Any) -> str:
        k = len(self.table) + 1
        self.table[k] = value
        return f" v_{{{k}}} "

    def name(self, key: str) -> str:
        sym = self.resolve(key)
        if sym is None:
            msg = f"unknown name {key!r}"
            raise _error(msg)
        self.names.append(key)
        return self.hold(sym)

    def number(self, text: str) -> str:
        if len(text) > 60:
            raise _error(f"number too long: {text[:20]}...")
        decimals = len(text.split(".")[1]) if "." in text else 0
        value = Rational(text if not text.startswith(".") else "0" + text)
        sym = Symbol(f"_n{len(self.numbers)}_{id(self)}")
        self.numbers[sym] = Number(value, decimals, text)
        return self.hold(sym)

    # -- token helpers
    def rewrite(self, toks: list[str], depth: int = 0) -> str:
        if depth > MAX_DEPTH:
            raise _error("the expression nests too deeply")
        out: list[str] = []
        i = 0
        while i < len(toks):
            piece, i = self.atom(toks, i, depth)
            out.append(piece)
        return "".join(out)

    @staticmethod
    def skip_space(toks: list[str], i: int) -> int:
        while i < len(toks) and (
            toks[i].isspace() or (toks[i] in _DROP and toks[i] not in (r"\left", r"\right"))
        ):
            i += 1
        return i

    @staticmethod
    def group(toks: list[str], i: int) -> tuple[list[str], int]:
        """A braced group ``{...}`` at ``i`` (or one token) -> its tokens, next index."""
        i = _Scanner.skip_space(toks, i)
        if i >= len(toks):
            raise _error("an argument is missing at the end")
        if toks[i] != "{":
            return [toks[i]], i + 1
        depth = 0
        for j in range(i, len(toks)):
            if toks[j] == "{":
                depth += 1
            elif toks[j] == "}":
                depth -= 1
                if depth == 0:
                    return toks[i + 1 : j], j + 1
        raise _error("unbalanced braces: a '{' is not closed")

    @staticmethod
    def paren(toks: list[str], i: int) -> tuple[list[list[str]], int] | None:
        """Arguments of ``( ... )`` at ``i`` (after \\left), split on top-level commas."""
        i = _Scanner.skip_space(toks, i)
        if i < len(toks) and toks[i] == r"\left":
            i += 1
        if i >= len(toks) or toks[i] not in ("(", "["):
            return None
        depth = 0
        args: list[list[str]] = [[]]
        for j in range(i, len(toks)):
            t = toks[j]
            if t in ("(", "[", "{", r"\{"):
                depth += 1
                if depth == 1:
                    continue
            elif t in (")", "]", "}", r"\}"):
                depth -= 1
                if depth == 0:
                    if args[-1] and args[-1][-1] == r"\right":
                        args[-1].pop()
                    return args, j + 1
            if depth == 1 and t == ",":
                args.append([])
            elif depth == 1 and t == r"\right" and j + 1 < len(toks) and toks[j + 1] in (")", "]"):
                continue
            else:
                args[-1].append(t)
        raise _error("unbalanced parentheses: a '(' is not closed")

    def subscript(self, toks: list[str]) -> str:
        text = "".join(toks)
        text = re.sub(r"\\(?:text|mathrm|rm|mathit|operatorname)\s*", "", text)
        text = re.sub(r"[{}\s,]", "", text)
        if not re.fullmatch(r"[A-Za-z0-9_]+", text or "?"):
            msg = f"cannot read the subscript {''.join(toks)!r}"
            raise _error(msg)
        return text

    def decorations(self, toks: list[str], i: int) -> tuple[str, str, int]:
        """Subscript and layer superscript ``^{(1)}`` after a name, in any order."""
        sub = layer = ""
        for _ in range(2):
            j = self.skip_space(toks, i)
            if j < len(toks) and toks[j] == "_" and not sub:
                g, i = self.group(toks, j + 1)
                sub = self.subscript(g)
            elif j < len(toks) and toks[j] == "^" and not layer:
                g, k = self.group(toks, j + 1)
                text = "".join(g).replace(" ", "")
                if text in _UPDATE_MARKS:
                    layer, i = "+", k
                    continue
                m = re.fullmatch(r"[(\[]([A-Za-z0-9]+)[)\]]", text)
                if not m:
                    break
                layer, i = m.group(1), k
            else:
                break
        return sub, layer, i

    def primes(self, toks: list[str], i: int) -> tuple[int, int]:
        """Count primes ``'`` / ``^{\\prime}`` at ``i``."""
        n = 0
        while True:
            j = self.skip_space(toks, i)
            if j < len(toks) and toks[j] == "'":
                n, i = n + 1, j + 1
            elif j < len(toks) and toks[j] == "^":
                g, k = self.group(toks, j + 1)
                if g and all(t == r"\prime" for t in g if not t.isspace()):
                    n, i = n + len([t for t in g if t == r"\prime"]), k
                else:
                    return n, i
            else:
                return n, i

    # -- the main dispatch
    def atom(self, toks: list[str], i: int, depth: int) -> tuple[str, int]:
        t = toks[i]
        if t.isspace() or t in _DROP or t in ("~", "&"):
            return " ", i + 1
        if t in _TIMES:
            return r" \cdot ", i + 1
        if t in ("+", "-", "/", "|"):
            return t, i + 1
        if t in ("(", "["):
            return "(", i + 1
        if t in (")", "]"):
            return ")", i + 1
        if t == r"\{":
            return "(", i + 1
        if t == r"\}":
            return ")", i + 1
        if t == "{":
            g, j = self.group(toks, i)
            return "(" + self.rewrite(g, depth + 1) + ")", j
        if t == "^":
            g, j = self.group(toks, i + 1)
            return "^{" + self.rewrite(g, depth + 1) + "}", j
        if _NUMBER.fullmatch(t):
            return self.number(t), i + 1
        if t.startswith("\\"):
            return self.command(toks, i, depth)
        if t.isalpha() and t.isascii():
            return self.letters(toks, i, depth)
        if t == "'":
            raise _error("a prime ' must follow a function name, as in \\sigma'(z)")
        msg = f"cannot read {t!r} here"
        raise _error(msg)

    def command(self, toks: list[str], i: int, depth: int) -> tuple[str, int]:
        t = toks[i]
        word = t[1:]
        if word in REFUSED:
            msg = f"refused: {t} is a TeX primitive (it can read or write files); it has no place in math"
            raise _error(msg)
        if word in ("frac", "dfrac", "tfrac"):
            return self.fraction(toks, i, depth)
        if word == "partial":
            return self.slash_partial(toks, i)
        if word == "sqrt":
            g, j = self.group(toks, i + 1)
            return r"\sqrt{" + self.rewrite(g, depth + 1) + "}", j
        if word in _ACCENTS:
            g, j = self.group(toks, i + 1)
            base = "".join(x for x in g if not x.isspace()).lstrip("\\")
            if not re.fullmatch(r"[A-Za-z]+", base):
                msg = f"cannot read the name under {t}: {''.join(g)!r}"
                raise _error(msg)
            sub, layer, j = self.decorations(toks, j)
            return self.name(name_key(base, sub, layer, _ACCENTS[word])), j
        if word in _WORD_COMMANDS:
            g, j = self.group(toks, i + 1)
            text = "".join(g).strip()
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", text):
                msg = f"prose in math is not checked: {t}{{{text}}}"
                raise _error(msg)
            return self.word(text, toks, j, depth)
        if word in FUNCTION_ALIASES and word != "sigma":
            return self.apply(FUNCTION_ALIASES[word], toks, i + 1, depth, t)
        if word == "sigma":
            j = self.skip_space(toks, i + 1)
            if j < len(toks) and (toks[j] in ("(", "'", "^", r"\left", "[")):
                return self.apply("sigmoid", toks, i + 1, depth, t)
        if word in _GREEK:
            sub, layer, j = self.decorations(toks, i + 1)
            return self.name(name_key(word, sub, layer)), j
        if word in ("mathbf", "boldsymbol", "mathbb", "mathds"):
            g, j = self.group(toks, i + 1)
            if "".join(g).strip() in ("1", "I"):
                return self.indicator(toks, j, depth)
            msg = f"{t} (vectors) is not read"
            raise _error(msg)
        msg = f"cannot read the command {t}"
        raise _error(msg)

    def indicator(self, toks: list[str], j: int, depth: int) -> tuple[str, int]:
        """``\\mathbf{1}[z > 0]`` or ``\\mathbb{1}_{z > 0}``: a step function."""
        from ..core.functions import step

        k = self.skip_space(toks, j)
        if k < len(toks) and toks[k] == "_":
            cond, j = self.group(toks, k + 1)
        else:
            found = self.paren(toks, j)
            if found is None or len(found[0]) != 1:
                raise _error("an indicator needs its condition: \\mathbf{1}[z > 0]")
            cond, j = found[0][0], found[1]
        chains = split_relations("".join(cond))
        if len(chains) != 1 or len(chains[0][0]) != 2 or chains[0][1][0] not in (">", "≥", "<", "≤"):
            raise _error("an indicator's condition must be one comparison, like z > 0")
        (lhs, rhs), (op,) = chains[0]
        a = self.sub_parse(_tokens(lhs), depth)
        b = self.sub_parse(_tokens(rhs), depth)
        diff = a - b if op in (">", "≥") else b - a
        value = step(diff, sympy.S.One if op in ("≥", "≤") else sympy.S.Zero)
        return self.hold(value), j

    def word(self, text: str, toks: list[str], j: int, depth: int) -> tuple[str, int]:
        low = text.lower()
        k = self.skip_space(toks, j)
        applied = k < len(toks) and toks[k] in ("(", "'", "^", r"\left")
        if applied and (low in FUNCTION_ALIASES or text in self.functions or low in self.functions):
            fname = FUNCTION_ALIASES.get(low, text if text in self.functions else low)
            return self.apply(fname, toks, j, depth, text)
        sub, layer, j = self.decorations(toks, j)
        return self.name(name_key(text, sub, layer)), j

    def letters(self, toks: list[str], i: int, depth: int) -> tuple[str, int]:
        j = i
        while j < len(toks) and toks[j].isalpha() and toks[j].isascii() and len(toks[j]) == 1:
            j += 1
        run = "".join(toks[i:j])
        sub, layer, k = self.decorations(toks, j)
        full = name_key(run, sub, layer)
        if full in self.known or (len(run) >= 3 and (sub or layer)):
            return self._maybe_function(full, run, toks, k, depth)
        if run in self.known and not (sub or layer):
            return self._maybe_function(run, run, toks, k, depth)
        low = run.lower()
        if (low in FUNCTION_ALIASES or run in self.functions) and not (sub or layer):
            p = self.skip_space(toks, j)
            if p < len(toks) and toks[p] in ("(", "'", r"\left", "^"):
                return self.apply(FUNCTION_ALIASES.get(low, run), toks, j, depth, run)
        # a product of one-letter names; the last one takes the decorations
        out = []
        for c in run[:-1]:
            out.append(self.single(c, toks, None))
        last = run[-1]
        if last == "e" and not (sub or layer) and "e" not in self.known:
            p = self.skip_space(toks, j)
            if p < len(toks) and toks[p] == "^":
                g, q = self.group(toks, p + 1)
                inner = self.sub_parse(g, depth)
                out.append(self.hold(sympy.exp(inner)))
                return "".join(out), q
        piece, k = self._maybe_function(name_key(last, sub, layer), last, toks, k, depth)
        out.append(piece)
        return "".join(out), k

    def single(self, c: str, toks: list[str], _: Any) -> str:
        return self.name(c)

    def _maybe_function(self, key: str, run: str, toks: list[str], k: int, depth: int) -> tuple[str, int]:
        """A name; ``f(x)`` with ``f`` neither known nor a node is an unknown function."""
        p = self.skip_space(toks, k)
        if key not in self.known and p < len(toks) and toks[p] == "(" and key in ("f", "g", "h", "F", "G"):
            msg = f"unknown function {key!r}"
            raise _error(msg)
        return self.name(key), k

    def sub_parse(self, toks: list[str], depth: int) -> Expr:
        inner = _Scanner(
            self.resolve, self.functions, self.gradient, self.known, {}, self.numbers, self.names
        )
        return inner.finish(inner.rewrite(toks, depth + 1))

    def apply(self, fname: str, toks: list[str], j: int, depth: int, shown: str) -> tuple[str, int]:
        """A function application at ``j`` (after the function's name)."""
        power = ""
        nprimes, j = self.primes(toks, j)
        k = self.skip_space(toks, j)
        if k < len(toks) and toks[k] == "^" and not nprimes:
            g, j = self.group(toks, k + 1)
            power = "^{" + self.rewrite(g, depth + 1) + "}"
        found = self.paren(toks, j)
        if found is None:
            if fname in ("max", "min"):
                msg = f"{shown} needs its arguments in parentheses"
                raise _error(msg)
            k = self.skip_space(toks, j)
            if k >= len(toks):
                msg = f"{shown} has no argument"
                raise _error(msg)
            piece, j = self.atom(toks, k, depth + 1)
            args = [self.finish_piece(piece, self.table)]
        else:
            arg_toks, j = found
            args = [self.sub_parse(a, depth) for a in arg_toks]
        value = self.call(fname, args, nprimes, shown)
        return self.hold(value) + power, j

    def call(self, fname: str, args: list[Expr], nprimes: int, shown: str) -> Expr:
        info = self.functions.get(fname)
        if info is None:
            msg = f"unknown function {shown!r}"
            raise _error(msg)
        if not info.accepts(len(args)):
            msg = f"{shown} takes {info.describe_arity()}, got {len(args)}"
            raise _error(msg)
        if nprimes == 0:
            return info.func(*args)
        if len(args) != 1:
            msg = f"{shown}' is only read for functions of one argument"
            raise _error(msg)
        z = Symbol("_z", real=True)
        expr = info.func(z)
        for _ in range(nprimes):
            expr = sympy.diff(expr, z)
        return expr.xreplace({z: args[0]})

    def fraction(self, toks: list[str], i: int, depth: int) -> tuple[str, int]:
        num, j = self.group(toks, i + 1)
        den, j = self.group(toks, j)
        grad = self.gradient_parts(num, den)
        if grad is not None:
            return self.hold_gradient(*grad), j
        return r"\frac{" + self.rewrite(num, depth + 1) + "}{" + self.rewrite(den, depth + 1) + "}", j

    def gradient_parts(self, num: list[str], den: list[str]) -> tuple[str, str] | None:
        a = self.differential(num)
        b = self.differential(den)
        if a is None or b is None:
            return None
        if a[1] != b[1]:
            raise _error("a derivative mixes d and \\partial")
        return a[0], b[0]

    def differential(self, toks: list[str]) -> tuple[str, str] | None:
        """``\\partial X`` or ``dX`` -> (key of X, kind)."""
        t = [x for x in toks if not x.isspace()]
        if not t:
            return None
        if t[0] == r"\partial":
            kind, rest_start = "partial", 1
        elif t[0] == "d" and len(t) > 1:
            kind, rest_start = "d", 1
        else:
            return None
        if len(t) == rest_start:
            if kind == "partial":
                raise _error("a derivative operator is not read; write \\frac{\\partial L}{\\partial w}")
            return None
        # re-find the index in the original token list
        idx = [k for k, x in enumerate(toks) if not x.isspace()][rest_start]
        return self.lone_name(toks[idx:]), kind

    def lone_name(self, toks: list[str]) -> str:
        """The key of a token list holding exactly one name."""
        t = toks
        i = self.skip_space(t, 0)
        if i >= len(t):
            raise _error("a derivative has nothing after d / \\partial")
        x = t[i]
        if x.startswith("\\") and x[1:] in _ACCENTS:
            g, j = self.group(t, i + 1)
            base = "".join(y for y in g if not y.isspace()).lstrip("\\")
            sub, layer, j = self.decorations(t, j)
            key = name_key(base, sub, layer, _ACCENTS[x[1:]])
        elif x.startswith("\\") and x[1:] in _WORD_COMMANDS:
            g, j = self.group(t, i + 1)
            sub, layer, j = self.decorations(t, j)
            key = name_key("".join(g).strip(), sub, layer)
        elif x.startswith("\\") and x[1:] in _GREEK:
            sub, layer, j = self.decorations(t, i + 1)
            key = name_key(x[1:], sub, layer)
        elif x.isalpha() and x.isascii():
            j = i
            while j < len(t) and t[j].isalpha() and t[j].isascii() and len(t[j]) == 1:
                j += 1
            run = "".join(t[i:j])
            sub, layer, j = self.decorations(t, j)
            key = name_key(run, sub, layer)
        else:
            msg = f"cannot read the derivative's variable {''.join(toks).strip()!r}"
            raise _error(msg)
        if self.skip_space(t, j) < len(t):
            msg = f"a derivative of an expression is not read: {''.join(toks).strip()!r}"
            raise _error(msg)
        return key

    def hold_gradient(self, of: str, wrt: str) -> str:
        if self.gradient is None:
            msg = f"a derivative (d{of}/d{wrt}) is not allowed here"
            raise _error(msg)
        a, b = self.resolve(of), self.resolve(wrt)
        if a is None or b is None:
            msg = f"unknown name {of if a is None else wrt!r} in a derivative"
            raise _error(msg)
        self.names.extend((of, wrt))
        return self.hold(self.gradient(a, b))

    def slash_partial(self, toks: list[str], i: int) -> tuple[str, int]:
        """``\\partial L / \\partial w_2``."""
        j = i + 1
        stop = j
        while stop < len(toks) and toks[stop] != "/":
            stop += 1
        k = stop + 1
        k = self.skip_space(toks, k)
        if stop >= len(toks) or k >= len(toks) or toks[k] != r"\partial":
            raise _error("a lone \\partial is not read; write \\frac{\\partial L}{\\partial w}")
        of = self.lone_name(toks[j:stop])
        end = k + 1
        # the variable after the second \partial: one name with its decorations
        end = self.skip_space(toks, end)
        q = end
        if q < len(toks) and toks[q].startswith("\\") and toks[q][1:] in (_ACCENTS.keys() | _WORD_COMMANDS):
            _, q = self.group(toks, q + 1)
        elif q < len(toks) and toks[q].startswith("\\"):
            q += 1
        else:
            while q < len(toks) and toks[q].isalpha() and toks[q].isascii():
                q += 1
        _, _, q = self.decorations(toks, q)
        wrt = self.lone_name(toks[end:q])
        return self.hold_gradient(of, wrt), q

    # -- latex2sympy and back
    def finish(self, text: str) -> Expr:
        return self.finish_piece(text, self.table)

    def finish_piece(self, text: str, table: Mapping[int, Any]) -> Expr:
        if not text.strip():
            raise _error("an empty expression")
        raw = _skeleton(text)
        if raw is None:
            raw = _latex2sympy(text)
        return _substitute(raw, table)


# ------------------------------------------------------------- skeletons

_SKELETON_TOKEN = re.compile(r"v_\{(\d+)\}|\\cdot|\\frac|\\sqrt|[-+/(){}^]|\s+|.")


class _Skeleton:
    """A fast parser for the arithmetic skeleton that the scanner leaves.

    After preprocessing, most sides are placeholders joined by ``+ - \\cdot /``,
    parentheses, ``^{...}`` and ``\\frac{}{}``.  Parsing those here gives the same
    tree as latex2sympy (tested) in microseconds instead of tens of
    milliseconds; anything else (``\\sqrt`` with an index, ``|x|`` ...) returns
    ``None`` and goes to latex2sympy.
    """

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


class _NotSkeleton(Exception):
    pass


def _skeleton(text: str) -> Expr | None:
    """The skeleton parsed by :class:`_Skeleton`, or ``None`` to use latex2sympy."""
    try:
        return _Skeleton(text).parse()
    except (_NotSkeleton, RecursionError):
        return None


def _latex2sympy(text: str) -> Expr:
    try:
        from latex2sympy2_extended import latex2sympy
        from latex2sympy2_extended.latex2sympy2 import ConversionConfig
    except ImportError as e:  # pragma: no cover - dependency missing
        msg = f"the LaTeX parser is not installed ({e}); pip install 'latex2sympy2_extended[antlr4_13_2]'"
        raise InputError(msg) from None
    config = ConversionConfig(
        interpret_as_mixed_fractions=False,
        interpret_simple_eq_as_assignment=False,
        interpret_contains_as_eq=False,
        lowercase_symbols=False,
    )
    try:
        return latex2sympy(text, normalization_config=None, conversion_config=config)
    except RecursionError:
        raise _error("the expression nests too deeply") from None
    except Exception as e:  # latex2sympy raises bare Exceptions with a caret diagram
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        msg = f"cannot parse: {first}"
        raise _error(msg) from None


def _substitute(raw: Any, table: Mapping[int, Any]) -> Expr:
    if not isinstance(raw, Expr) or isinstance(raw, (sympy.core.relational.Relational, sympy.Tuple)):
        msg = f"not an expression: {raw}"
        raise _error(msg)
    mapping: dict[Symbol, Any] = {}
    for s in raw.free_symbols:
        m = _PLACEHOLDER.match(s.name)
        if not m or int(m.group(1)) not in table:
            msg = f"cannot read {s.name!r}"
            raise _error(msg)
        mapping[s] = table[int(m.group(1))]
    if raw.atoms(sympy.Float) or raw.atoms(sympy.core.function.AppliedUndef):
        raise _error("the expression was misread (a stray function or number)")
    return raw.xreplace(mapping)


# ---------------------------------------------------------------------- API


def parse_math(
    latex: str,
    resolve: Resolver,
    functions: Mapping[str, Any] | None = None,
    *,
    gradient: Callable[[Symbol, Symbol], Expr] | None = None,
    known: frozenset[str] | set[str] = frozenset(),
) -> Parsed:
    """Parse one side of a relation.

    Args:
        latex: The LaTeX text of one side (no relation signs).
        resolve: Name key (see :func:`name_key`) -> Symbol, or ``None`` when
            the name is unknown (an :class:`InputError`).
        functions: Function name -> FunctionInfo; default the library table.
        gradient: ``(of, wrt) -> Expr`` for derivatives written in the text;
            ``None`` refuses them.
        known: Name keys that are multi-letter names or nodes (so ``a_2(1-a_2)``
            is a product and ``net_{h1}`` one name).

    Raises:
        InputError: The text cannot be read; the message says why.
    """
    if not isinstance(latex, str):
        msg = f"expected LaTeX text, got {type(latex).__name__}"
        raise InputError(msg)
    if len(latex) > MAX_LATEX_CHARS:
        msg = f"the fragment is {len(latex)} characters long; the limit is {MAX_LATEX_CHARS}"
        raise InputError(msg)
    depth = deepest = 0
    for ch in latex:
        if ch in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]}":
            depth -= 1
    if deepest > MAX_DEPTH:
        msg = f"the expression nests {deepest} levels deep; the limit is {MAX_DEPTH}"
        raise InputError(msg)
    if functions is None:
        from ..core.functions import FUNCTIONS

        functions = FUNCTIONS
    table: dict[int, Any] = {}
    numbers: dict[Symbol, Number] = {}
    names: list[str] = []
    scanner = _Scanner(resolve, functions, gradient, frozenset(known), table, numbers, names)
    try:
        text = scanner.rewrite(_tokens(latex))
        expr = scanner.finish(text)
    except SymbackpropError:
        raise
    except RecursionError:
        raise InputError("the expression nests too deeply") from None
    except (TypeError, ValueError, ZeroDivisionError, AttributeError, IndexError, KeyError) as e:
        msg = f"cannot build the expression: {e}"
        raise InputError(msg) from None
    return Parsed(expr, numbers, tuple(names))


def parse_expression(
    latex: str, symbols: Mapping[str, Symbol], functions: Mapping[str, Any] | None = None
) -> Expr:
    """A spec's LaTeX right-hand side -> SymPy expression over ``symbols``.

    Names are looked up by their key (``z_{1}`` -> ``z_1``, ``\\hat{y}`` ->
    ``y_hat``) and, failing that, without underscores.  Derivatives are
    refused.  Raises :class:`InputError` on anything it cannot read.
    """
    lookup = _lookup_table(symbols)

    def resolve(key: str) -> Symbol | None:
        return lookup.get(key) or lookup.get(_squash(key))

    parsed = parse_math(latex, resolve, functions, known=frozenset(lookup))
    return parsed.exact()


def _squash(key: str) -> str:
    return re.sub(r"[_^(){}]", "", key)


def _lookup_table(symbols: Mapping[str, Symbol]) -> dict[str, Symbol]:
    table: dict[str, Symbol] = {}
    for name, sym in symbols.items():
        table.setdefault(name, sym)
    for name, sym in symbols.items():
        table.setdefault(_squash(name), sym)
    return table
