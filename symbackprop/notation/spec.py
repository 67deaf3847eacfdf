"""Spec files: a network written in TOML, read into a :class:`~symbackprop.core.network.Network`.

A spec names its inputs, targets and parameters with their values, then lists
the definitions of the network in order, each as a right-hand side in plain
math syntax::

    title = "Tiny network"

    [inputs]
    x = 1.0

    [targets]
    y = 0.0

    [parameters]
    w_1 = 0.5

    [network]
    z_1 = "x * w_1"
    a_1 = "sigmoid(z_1)"
    L   = "half_squared_error(a_1, y)"

Right-hand sides are parsed by :func:`parse_expression`, which walks Python's
``ast`` and accepts only numbers, declared names, ``+ - * / **``, unary signs,
parentheses and calls of known functions.  Nothing in a spec is ever passed to
``eval``, ``exec``, ``sympify`` or ``parse_expr``.  A right-hand side wrapped
in ``$...$`` is LaTeX and goes through :mod:`symbackprop.notation.latex_input`.

Every mistake raises :class:`~symbackprop.errors.SpecError` naming the file,
the line where it can be found, the table and key, and what is wrong.
"""

from __future__ import annotations

import ast
import io
import keyword
import math
import re
import sys
import tokenize
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sympy
from sympy import Expr, Integer, Rational, Symbol

from ..core.functions import FUNCTIONS, FunctionInfo, custom_function, relu
from ..core.names import ACCENTS, GREEK_LETTERS
from ..core.network import Dataset, Definition, Network, suggest
from ..errors import GraphError, SpecError, SymbackpropError, SymbackpropWarning
from ..files import read_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = [
    "MAX_DEPTH",
    "MAX_EXPRESSION_CHARS",
    "MAX_LITERAL_CHARS",
    "MAX_NAME_LENGTH",
    "MAX_NUMBER_BITS",
    "NAME_PATTERN",
    "load_spec",
    "loads_spec",
    "parse_expression",
]

#: Longest right-hand side accepted, in characters.
MAX_EXPRESSION_CHARS = 100_000

#: Deepest nesting of parentheses, calls, signs and powers in one right-hand side.
MAX_DEPTH = 100

#: Longest number literal, in characters (Python refuses to convert > 4,300 digits anyway).
MAX_LITERAL_CHARS = 1_000

#: Largest denominator of a fractional exponent (x**0.5 is fine, x**(1/10**9) is not).
MAX_ROOT = 1_000_000

#: Longest name (input, target, parameter, node or function).
MAX_NAME_LENGTH = 64

#: Largest exact number a right-hand side may build (numerator or denominator), in bits.
MAX_NUMBER_BITS = 10_000

#: Names: an ASCII letter, then letters, digits and underscores; no ``__``.
NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")

#: Top-level keys and tables a spec may have.
TOP_LEVEL = (
    "title",
    "loss",
    "inputs",
    "targets",
    "parameters",
    "network",
    "training",
    "dataset",
    "functions",
    "options",
    "latex",
)

TRAINING_KEYS = ("learning_rate", "frozen")
DATASET_KEYS = ("reduction", "examples")
EXAMPLE_KEYS = ("inputs", "targets")
FUNCTION_KEYS = ("args", "expr", "derivative", "latex")
OPTION_KEYS = ("relu_at_zero",)

ROLE_TABLES = (("input", "inputs"), ("target", "targets"), ("parameter", "parameters"))

# ---------------------------------------------------------------- operators

#: Binary operators a right-hand side may use, as data.
_ALLOWED_BINOPS: dict[type, str] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}

#: Operators that parse but are refused, with the hint shown.
_REFUSED_BINOPS: dict[type, str] = {
    ast.BitXor: "'^' is not a power here; write powers as **",
    ast.FloorDiv: "'//' is not allowed; use /",
    ast.Mod: "'%' is not allowed",
    ast.MatMult: "'@' is not allowed; write products with *",
    ast.LShift: "'<<' is not allowed",
    ast.RShift: "'>>' is not allowed",
    ast.BitOr: "'|' is not allowed",
    ast.BitAnd: "'&' is not allowed",
}

_UNARY: dict[type, Callable[[Expr], Expr]] = {ast.UAdd: lambda e: e, ast.USub: lambda e: -e}

#: AST nodes that are refused outright, with the message shown.
_REFUSED_NODES: dict[type, str] = {
    ast.Attribute: "attribute access ('.') is not allowed",
    ast.Subscript: "subscripts ('[...]') are not allowed",
    ast.Lambda: "lambda expressions are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.JoinedStr: "strings (including f-strings) are not allowed",
    ast.FormattedValue: "strings (including f-strings) are not allowed",
    ast.Compare: "comparisons are not allowed",
    ast.BoolOp: "'and' / 'or' are not allowed",
    ast.IfExp: "conditional expressions are not allowed",
    ast.NamedExpr: "assignments (':=') are not allowed",
    ast.List: "lists are not allowed",
    ast.Tuple: "tuples are not allowed; did you write a comma outside a function call?",
    ast.Set: "sets are not allowed",
    ast.Dict: "dictionaries are not allowed",
    ast.Starred: "'*' unpacking is not allowed",
    ast.Await: "'await' is not allowed",
    ast.Yield: "'yield' is not allowed",
    ast.YieldFrom: "'yield' is not allowed",
    ast.Slice: "slices are not allowed",
}

#: Python keywords are plain names in a spec (``lambda``, ``if``, ``None`` ...);
#: before ``ast.parse`` they are renamed to an alias no user can write.
_ALIAS_PREFIX = "_kw_"
_PY_KEYWORDS = frozenset(keyword.kwlist)

_BINARY_BEFORE = ("NAME", "NUMBER", "STRING")


class _Refused(Exception):
    """Internal: a right-hand side is refused; carries the message and column."""

    def __init__(self, message: str, col: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.col = col


# ---------------------------------------------------------- the expression parser


def parse_expression(
    text: str,
    symbols: Mapping[str, Symbol],
    functions: Mapping[str, Any] | None = None,
    *,
    where: str = "",
    written: dict[Expr, tuple[Expr, ...]] | None = None,
) -> Expr:
    """Parse one right-hand side into a SymPy expression, safely.

    Accepts numbers (exact: ``0.1`` is 1/10), the names in ``symbols``, ``+ -
    * / **``, unary ``+``/``-``, parentheses and calls of the functions in
    ``functions`` with the right number of arguments.  ``$...$`` is LaTeX.

    Args:
        text: The right-hand side.
        symbols: Name -> Symbol for every name the text may use.
        functions: Name -> :class:`~symbackprop.core.functions.FunctionInfo` (or
            anything with ``func``, ``accepts(n)`` and ``describe_arity()``);
            default :data:`~symbackprop.core.functions.FUNCTIONS`.
        where: Location prefix for errors, e.g. ``"[network] a_2"``.
        written: If given, filled with ``sum or product -> its terms in the
            order written``, for printing (SymPy sorts them).

    Raises:
        SpecError: The text is not an allowed expression; the message says why.
    """
    funcs: Mapping[str, Any] = FUNCTIONS if functions is None else functions
    if not isinstance(text, str):
        msg = f"expected an expression in quotes, got {_describe(text)}"
        raise SpecError(msg, where=where or None)
    if len(text) > MAX_EXPRESSION_CHARS:
        msg = f"expression is {len(text)} characters long; the limit is {MAX_EXPRESSION_CHARS}"
        raise SpecError(msg, where=where or None)
    stripped = re.sub(r"[\r\n\t]", " ", text).strip()  # multi-line TOML strings are one expression
    if len(stripped) >= 2 and stripped.startswith("$") and stripped.endswith("$"):
        return _parse_latex(stripped[1:-1], symbols, funcs, where)
    builder = _Builder(symbols, funcs)
    try:
        expr = builder.build(stripped)
    except _Refused as e:
        at = f" (at column {e.col + 1})" if e.col is not None else ""
        raise SpecError(f"{e.message}{at}", where=where or None) from None
    if written is not None:
        written.update(builder.written)
    return expr


def _parse_latex(latex: str, symbols: Mapping[str, Symbol], functions: Mapping[str, Any], where: str) -> Expr:
    try:
        from . import latex_input  # type: ignore[attr-defined,unused-ignore]
    except ImportError as e:  # the LaTeX input module or its parser is missing
        msg = f"cannot read a LaTeX right-hand side here: {e}"
        raise SpecError(msg, where=where or None) from None
    try:
        expr = latex_input.parse_expression(latex, symbols, functions)
    except SymbackpropError as e:
        raise SpecError(e.message, where=where or None) from None
    if not isinstance(expr, Expr):
        msg = f"the LaTeX right-hand side did not give an expression: {latex!r}"
        raise SpecError(msg, where=where or None)
    return expr


def _describe(value: Any) -> str:
    """A value as a user sees it in TOML, for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, (int, float)):
        return repr(value)
    return f"a {type(value).__name__}"


@dataclass(frozen=True)
class _Chunk:
    """A top-level term of a sum: its sign, its text (keywords aliased) and start column."""

    sign: int
    text: str
    col: int


def _scan(text: str) -> list[_Chunk]:
    """Tokenize ``text``, refuse bad names and characters, split it at top-level ``+``/``-``.

    Splitting a long sum into terms keeps ``ast.parse`` from recursing once per
    term (a 5,000-term sum is a 5,000-deep tree); ``+`` and ``-`` bind loosest
    of the allowed operators, so the split never changes the meaning.
    """
    for col, ch in enumerate(text):
        if not ch.isascii() or (not ch.isprintable() and ch not in " \t"):
            raise _Refused(f"character {ch!r} is not allowed", col)
    if not text:
        raise _Refused("empty expression")
    depth = deepest = 0
    for ch in text:  # Python's tokenizer gives up at 200 levels with a misleading message
        depth += (ch in "([{") - (ch in ")]}")
        deepest = max(deepest, depth)
    if deepest > MAX_DEPTH:
        raise _Refused(f"expression is nested too deeply (limit {MAX_DEPTH} levels)")
    pieces: list[tuple[int, int, int]] = []  # (sign, start, end)
    replacements: dict[int, tuple[int, str]] = {}  # start -> (end, alias)
    depth = 0
    prev: tokenize.TokenInfo | None = None
    start, sign = 0, 1
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError) as e:
        msg = getattr(e, "msg", None) or (e.args[0] if e.args else "cannot read the expression")
        if "EOF" in str(msg):
            msg = "unbalanced parentheses"
        raise _Refused(f"invalid expression: {msg}") from None
    for tok in tokens:
        kind = tokenize.tok_name[tok.type]
        col = tok.start[1]
        if kind == "ERRORTOKEN" and not tok.string.isspace():
            raise _Refused(f"character {tok.string!r} is not allowed", col)
        if kind == "NUMBER" and len(tok.string) > MAX_LITERAL_CHARS:
            raise _Refused(f"number literal is too large (over {MAX_LITERAL_CHARS} characters)", col)
        if kind == "NAME":
            _check_name_token(tok.string, col)
            if tok.string in _PY_KEYWORDS:
                replacements[col] = (tok.end[1], _ALIAS_PREFIX + tok.string)
        elif kind == "OP":
            if tok.string in "([{":
                depth += 1
            elif tok.string in ")]}":
                depth -= 1
            elif tok.string in "+-" and depth == 0 and prev is not None and _ends_operand(prev):
                pieces.append((sign, start, col))
                start, sign = tok.end[1], 1 if tok.string == "+" else -1
        if kind not in ("NEWLINE", "NL", "ENDMARKER", "INDENT", "DEDENT", "COMMENT"):
            prev = tok
        if kind == "COMMENT":
            raise _Refused("'#' is not allowed in an expression (TOML comments go outside the quotes)", col)
    pieces.append((sign, start, len(text)))
    chunks = []
    for sign, lo, hi in pieces:
        out, pos = [], lo
        for rs in sorted(k for k in replacements if lo <= k < hi):
            end, alias = replacements[rs]
            out += [text[pos:rs], alias]
            pos = end
        out.append(text[pos:hi])
        chunks.append(_Chunk(sign, "".join(out), lo))
    return chunks


def _ends_operand(tok: tokenize.TokenInfo) -> bool:
    kind = tokenize.tok_name[tok.type]
    if kind == "NAME":
        return tok.string not in _PY_KEYWORDS or tok.string in ("None", "True", "False")
    return kind in _BINARY_BEFORE or (kind == "OP" and tok.string in ")]}")


def _check_name_token(name: str, col: int) -> None:
    if name.startswith("_") or "__" in name:
        msg = f"name {name!r} is not allowed: names may not start with '_' or contain '__'"
        raise _Refused(msg, col)


class _Builder:
    """Turns the allowed subset of Python's AST into SymPy, node by node."""

    def __init__(self, symbols: Mapping[str, Symbol], functions: Mapping[str, Any]) -> None:
        self.symbols = symbols
        self.functions = functions
        self.offset = 0
        self.source = ""
        self.written: dict[Expr, tuple[Expr, ...]] = {}

    def _remember(self, expr: Expr, parts: list[Expr]) -> Expr:
        """Note the written order of a sum's terms or a product's factors, which SymPy sorts."""
        same = len(expr.args) == len(parts) and set(expr.args) == set(parts)
        if isinstance(expr, (sympy.Add, sympy.Mul)) and same and expr.args != tuple(parts):
            self.written[expr] = tuple(parts)
        return expr

    def build(self, text: str) -> Expr:
        terms = []
        for chunk in _scan(text):
            if not chunk.text.strip():
                raise _Refused("missing a term next to '+' or '-'", chunk.col)
            tree = self._parse(chunk)
            term = self._expr(tree.body, 0)
            terms.append(term if chunk.sign > 0 else -term)
        return self._checked(self._remember(sympy.Add(*terms), terms) if len(terms) > 1 else terms[0], None)

    def _parse(self, chunk: _Chunk) -> ast.Expression:
        self.source = chunk.text.strip()
        self.offset = chunk.col + len(chunk.text) - len(chunk.text.lstrip())
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SyntaxWarning)  # e.g. "invalid decimal literal"
                return ast.parse(self.source, mode="eval")
        except SyntaxError as e:
            col = None if e.offset is None else self.offset + e.offset - 1
            msg = e.msg
            if "parenthes" in msg or "never closed" in msg or "does not match" in msg:
                msg = "unbalanced parentheses"
            elif msg.startswith("invalid syntax") or msg.startswith("invalid decimal"):
                msg = "invalid syntax"
            raise _Refused(f"invalid expression: {msg}", col) from None
        except (RecursionError, MemoryError):
            raise _Refused(f"expression is nested too deeply (limit {MAX_DEPTH} levels)") from None
        except ValueError as e:  # e.g. an integer literal with too many digits
            if "digits" in str(e):
                raise _Refused(f"number is too large (over {MAX_NUMBER_BITS} bits)") from None
            raise _Refused(f"invalid expression: {e}") from None

    def _col(self, node: ast.AST) -> int:
        return self.offset + getattr(node, "col_offset", 0)

    def _expr(self, node: ast.AST, depth: int) -> Expr:
        if depth > MAX_DEPTH:
            raise _Refused(f"expression is nested too deeply (limit {MAX_DEPTH} levels)", self._col(node))
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            return self._sum(node, depth)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Div)):
            return self._product(node, depth)
        if isinstance(node, ast.BinOp):
            return self._binop(node, depth)
        if isinstance(node, ast.UnaryOp):
            op = _UNARY.get(type(node.op))
            if op is None:
                word = "not" if isinstance(node.op, ast.Not) else "~"
                raise _Refused(f"operator {word!r} is not allowed", self._col(node))
            return self._checked(op(self._expr(node.operand, depth + 1)), node)
        if isinstance(node, ast.Constant):
            return self._number(node)
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        refused = _REFUSED_NODES.get(type(node))
        raise _Refused(refused or f"{type(node).__name__} is not allowed", self._col(node))

    def _chain(
        self, node: ast.BinOp, ops: tuple[type, ...]
    ) -> tuple[ast.AST, list[tuple[ast.operator, ast.AST]]]:
        """Flatten a left-associated chain ``a op b op c`` without recursion."""
        rest: list[tuple[ast.operator, ast.AST]] = []
        cur: ast.AST = node
        while isinstance(cur, ast.BinOp) and isinstance(cur.op, ops):
            rest.append((cur.op, cur.right))
            cur = cur.left
        rest.reverse()
        return cur, rest

    def _sum(self, node: ast.BinOp, depth: int) -> Expr:
        first, rest = self._chain(node, (ast.Add, ast.Sub))
        terms = [self._expr(first, depth + 1)]
        for op, right in rest:
            term = self._expr(right, depth + 1)
            terms.append(term if isinstance(op, ast.Add) else -term)
        return self._checked(self._remember(sympy.Add(*terms), terms), node)

    def _product(self, node: ast.BinOp, depth: int) -> Expr:
        first, rest = self._chain(node, (ast.Mult, ast.Div))
        factors = [self._expr(first, depth + 1)]
        for op, right in rest:
            factor = self._expr(right, depth + 1)
            if isinstance(op, ast.Div):
                if factor.is_zero:
                    raise _Refused("division by zero", self._col(right))
                factor = sympy.Pow(factor, -1)
            factors.append(factor)
        return self._checked(self._remember(sympy.Mul(*factors), factors), node)

    def _binop(self, node: ast.BinOp, depth: int) -> Expr:
        if not isinstance(node.op, ast.Pow):
            raise _Refused(_REFUSED_BINOPS.get(type(node.op), "operator is not allowed"), self._col(node))
        base = self._expr(node.left, depth + 1)
        exp = self._expr(node.right, depth + 1)
        _check_power(base, exp, self._col(node))
        return self._checked(sympy.Pow(base, exp), node)

    def _number(self, node: ast.Constant) -> Expr:
        value = node.value
        if isinstance(value, bool) or value is None or value is Ellipsis:
            raise _Refused(f"{value!r} is not allowed", self._col(node))
        if isinstance(value, (str, bytes)):
            raise _Refused("strings are not allowed", self._col(node))
        if isinstance(value, complex):
            raise _Refused("complex numbers are not allowed", self._col(node))
        if isinstance(value, int):
            if value.bit_length() > MAX_NUMBER_BITS:
                raise _Refused(f"number is too large (over {MAX_NUMBER_BITS} bits)", self._col(node))
            return Integer(value)
        if isinstance(value, float):
            if not math.isfinite(value):
                raise _Refused("number is out of range", self._col(node))
            literal = self._literal(node)
            try:
                return Rational(literal.replace("_", "")) if literal else Rational(repr(value))
            except (TypeError, ValueError):
                return Rational(repr(value))
        raise _Refused(f"{type(value).__name__} literals are not allowed", self._col(node))

    def _literal(self, node: ast.Constant) -> str:
        # The chunk text is ASCII (checked by _scan), so AST byte offsets are character offsets.
        return self.source[node.col_offset : node.end_col_offset or node.col_offset]

    def _name(self, node: ast.Name) -> Expr:
        name = node.id
        if name.startswith(_ALIAS_PREFIX):
            name = name[len(_ALIAS_PREFIX) :]
        sym = self.symbols.get(name)
        if sym is not None:
            return sym
        if name in self.functions:
            msg = f"{name!r} is a function; call it, e.g. {name}(...)"
            raise _Refused(msg, self._col(node))
        msg = f"unknown name {name!r}{suggest(name, self.symbols)}"
        raise _Refused(msg, self._col(node))

    def _call(self, node: ast.Call, depth: int) -> Expr:
        if not isinstance(node.func, ast.Name):
            if isinstance(node.func, ast.Attribute):
                raise _Refused(_REFUSED_NODES[ast.Attribute], self._col(node.func))
            raise _Refused("only named functions can be called", self._col(node))
        name = node.func.id
        if name.startswith(_ALIAS_PREFIX):
            name = name[len(_ALIAS_PREFIX) :]
        info = self.functions.get(name)
        if info is None:
            hint = suggest(name, self.functions)
            if not hint and name in self.symbols:
                hint = f" ({name!r} is a name, not a function; write {name}*(...) for a product)"
            raise _Refused(f"unknown function {name!r}{hint}", self._col(node))
        if node.keywords:
            raise _Refused(f"{name}() takes no keyword arguments", self._col(node))
        for a in node.args:
            if isinstance(a, ast.Starred):
                raise _Refused(_REFUSED_NODES[ast.Starred], self._col(a))
        n = len(node.args)
        if not info.accepts(n):
            msg = f"{name}() takes {info.describe_arity()}, got {n}"
            raise _Refused(msg, self._col(node))
        args = [self._expr(a, depth + 1) for a in node.args]
        try:
            result = info.func(*args)
        except (GraphError, ValueError, TypeError, ZeroDivisionError) as e:
            msg = e.message if isinstance(e, SymbackpropError) else str(e)
            raise _Refused(f"{name}(): {msg}", self._col(node)) from None
        return self._checked(result, node)

    def _checked(self, expr: Any, node: ast.AST | None) -> Expr:
        col = None if node is None else self._col(node)
        if not isinstance(expr, Expr):
            raise _Refused("this is not a numeric expression", col)
        if expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
            raise _Refused("the expression is not finite (division by zero?)", col)
        if (
            isinstance(expr, Rational)
            and max(abs(expr.p).bit_length(), expr.q.bit_length()) > MAX_NUMBER_BITS
        ):
            raise _Refused(f"number is too large (over {MAX_NUMBER_BITS} bits)", col)
        return expr


def _check_power(base: Expr, exp: Expr, col: int) -> None:
    """Refuse powers whose exact value would be huge (``9**9**9``) before SymPy computes them."""
    if isinstance(base, Rational) and isinstance(exp, Rational):
        if base.is_zero and exp.is_negative:
            raise _Refused("division by zero (0 to a negative power)", col)
        if abs(base) in (0, 1):
            return
        bits = max(abs(base.p).bit_length(), base.q.bit_length())
        # SymPy computes base**p before taking the q-th root, so the numerator is what costs.
        if abs(exp.p) * bits > MAX_NUMBER_BITS:
            raise _Refused(f"exponent too large: the result would exceed {MAX_NUMBER_BITS} bits", col)
    elif isinstance(exp, Rational) and abs(exp) > 10**6:
        raise _Refused("exponent too large (limit 10**6)", col)
    if isinstance(exp, Rational) and exp.q > MAX_ROOT:
        raise _Refused(f"fractional exponent too fine (denominator over {MAX_ROOT})", col)
    if base.is_number and exp.is_number and not isinstance(exp, Rational):
        raise _Refused("a number raised to a computed power (a power tower) is not allowed", col)


# ------------------------------------------------------------------ spec files


def load_spec(path: str | Any) -> Network:
    """Read a TOML spec file into a validated :class:`~symbackprop.core.network.Network`.

    Raises:
        SpecError: The file is missing, is not valid TOML, or describes an
            invalid network; the message names the file, table, key and line.
        InputError: The file cannot be read.
    """
    name = str(path)
    text = read_text(path, "spec")
    return loads_spec(text, file=name)


def loads_spec(text: str, *, file: str = "<string>") -> Network:
    """Read a spec from TOML text; see :func:`load_spec`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        at = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
        line = int(at.group(1)) if at else getattr(e, "lineno", None)
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(e))
        if at:
            message += f" (column {at.group(2)})"
        duplicate = _duplicate_key(text)
        if duplicate is not None:
            table, key, first, second = duplicate
            where = f"[{table}] {key}" if table else key
            msg = f"{key!r} is defined twice (lines {first} and {second})"
            raise SpecError(msg, file=file, where=where, line=second) from None
        raise SpecError(f"malformed TOML: {message}", file=file, line=line) from None
    return _SpecReader(data, text, file).network()


def _duplicate_key(text: str) -> tuple[str, str, int, int] | None:
    """The first ``key = ...`` that appears twice in one table, as (table, key, line, line)."""
    seen: dict[tuple[str, str], int] = {}
    current = ""
    for number, line in enumerate(text.splitlines(), 1):
        head = re.match(r"\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$", line)
        if head:
            current = head.group(1).replace(" ", "")
            continue
        m = re.match(r"\s*([A-Za-z0-9_-]+)\s*=", line)
        if m:
            key = (current, m.group(1))
            if key in seen:
                return current, m.group(1), seen[key], number
            seen[key] = number
    return None


def _locate(text: str, table: str, key: str | None) -> int | None:
    """The 1-based line of ``key`` inside ``[table]`` (or of the table header), if found."""
    current = ""
    header_line = None
    key_re = re.compile(r"\s*(?:\"%s\"|'%s'|%s)\s*=" % ((re.escape(key or "\0"),) * 3))
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        head = re.match(r"\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$", stripped)
        if head:
            current = head.group(1).replace('"', "").replace("'", "").replace(" ", "")
            if current == table and header_line is None:
                header_line = number
            continue
        if key is not None and current == table and key_re.match(line):
            return number
    if key is None:
        return header_line
    return None


class _SpecReader:
    """Reads one parsed TOML document; every error names file, table, key and line."""

    def __init__(self, data: dict[str, Any], text: str, file: str) -> None:
        self.data = data
        self.text = text
        self.file = file

    # -- errors

    def error(self, message: str, table: str = "", key: str | None = None) -> SpecError:
        where = f"[{table}]" if table else ""
        if key is not None:
            where = f"{where} {key}" if where else key
        line = _locate(self.text, table, key) if table else _locate(self.text, "", key)
        return SpecError(message, file=self.file, where=where or None, line=line)

    # -- reading

    def network(self) -> Network:
        data = self.data
        for key in data:
            if key not in TOP_LEVEL:
                raise self.error(f"unknown top-level key{suggest(key, TOP_LEVEL)}", "", key)
        title = data.get("title", "")
        if not isinstance(title, str):
            raise self.error(f"title must be a string, got {_describe(title)}", "", "title")
        if "network" not in data:
            raise self.error("missing the [network] table with the definitions")
        roles: dict[str, tuple[str, str]] = {}  # name -> (role, table)
        values: dict[str, Any] = {}
        declared: dict[str, list[str]] = {}
        for role, table in ROLE_TABLES:
            section = self.table(table, required=False)
            declared[role] = []
            for name, value in section.items():
                self.check_name(name, table)
                if name in roles:
                    other = roles[name][1]
                    raise self.error(
                        f"{name!r} is already declared in [{other}]; a name has one role", table, name
                    )
                roles[name] = (role, table)
                declared[role].append(name)
                values[name] = self.number(value, table, name)
        network = self.table("network")
        if not network:
            raise self.error("the [network] table has no definitions", "network")
        for name in network:
            self.check_name(name, "network")
            if name in roles:
                role, other = roles[name]
                raise self.error(
                    f"{name!r} is already declared as {_a(role)} in [{other}]; a name has one role",
                    "network",
                    name,
                )
        symbols = {name: Symbol(name, real=True) for name in [*roles, *network]}
        functions = self.functions(symbols)
        definitions = []
        written: dict[Expr, tuple[Expr, ...]] = {}
        for name, rhs in network.items():
            where = f"[network] {name}"
            try:
                expr = parse_expression(rhs, symbols, functions, where=where, written=written)
            except SpecError as e:
                raise SpecError(
                    e.message, file=self.file, where=where, line=_locate(self.text, "network", name)
                ) from None
            definitions.append(Definition(symbols[name], expr))
        loss = data.get("loss")
        if loss is not None:
            if not isinstance(loss, str):
                raise self.error(f"loss must be a node name in quotes, got {_describe(loss)}", "", "loss")
            if loss not in network:
                raise self.error(
                    f"the loss {loss!r} is not defined in [network]{suggest(loss, network)}", "", "loss"
                )
        training = self.table("training", required=False)
        for key in training:
            if key not in TRAINING_KEYS:
                raise self.error(f"unknown key{suggest(key, TRAINING_KEYS)}", "training", key)
        learning_rate = None
        if "learning_rate" in training:
            learning_rate = self.number(training["learning_rate"], "training", "learning_rate")
            if learning_rate <= 0:
                raise self.error("learning_rate must be positive", "training", "learning_rate")
        frozen = training.get("frozen", [])
        if not isinstance(frozen, list) or not all(isinstance(f, str) for f in frozen):
            raise self.error("frozen must be an array of parameter names", "training", "frozen")
        for f in frozen:
            if f not in declared["parameter"]:
                raise self.error(
                    f"frozen name {f!r} is not a parameter{suggest(f, declared['parameter'])}",
                    "training",
                    "frozen",
                )
        dataset = self.dataset(symbols, declared)
        latex_names = self.latex_names(symbols)
        point = {symbols[n]: v for n, v in values.items()}
        if dataset is not None:
            for sym, v in dataset.examples[0].items():
                point.setdefault(sym, v)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", SymbackpropWarning)
                net = Network(
                    tuple(definitions),
                    inputs=tuple(symbols[n] for n in declared["input"]),
                    targets=tuple(symbols[n] for n in declared["target"]),
                    parameters=tuple(symbols[n] for n in declared["parameter"]),
                    loss=symbols[loss] if loss else None,
                    values=point,
                    title=title,
                    latex_names=latex_names,
                    learning_rate=learning_rate,
                    frozen=tuple(symbols[f] for f in frozen),
                    dataset=dataset,
                    written=written,
                )
        except GraphError as e:
            raise SpecError(
                e.message, file=self.file, where="[network]", line=_locate(self.text, "network", None)
            ) from None
        for w in caught:
            warnings.warn(f"{self.file}: {w.message}", SymbackpropWarning, stacklevel=3)
        return net

    def table(self, name: str, *, required: bool = True) -> dict[str, Any]:
        value = self.data.get(name)
        if value is None:
            if required:
                raise self.error(f"missing the [{name}] table")
            return {}
        if not isinstance(value, dict):
            raise self.error(f"{name} must be a table [{name}], got {_describe(value)}", "", name)
        return value

    def check_name(self, name: str, table: str) -> None:
        if len(name) > MAX_NAME_LENGTH:
            raise self.error(f"name is longer than {MAX_NAME_LENGTH} characters", table, name)
        if not NAME_PATTERN.match(name) or "__" in name:
            msg = (
                f"{name!r} is not a valid name: use an ASCII letter, then letters, digits and "
                "single underscores (e.g. w_1, net_h1, E_total)"
            )
            raise self.error(msg, table, name)
        if name in FUNCTIONS:
            raise self.error(f"{name!r} is the name of a library function; choose another name", table, name)

    def number(self, value: Any, table: str, key: str) -> Expr:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(f"expected a number, got {_describe(value)}", table, key)
        if isinstance(value, float) and not math.isfinite(value):
            raise self.error(f"expected a finite number, got {value!r}", table, key)
        if isinstance(value, int) and value.bit_length() > 64:
            raise self.error("number is too large", table, key)
        return Rational(repr(value)) if isinstance(value, float) else Integer(value)

    def functions(self, symbols: Mapping[str, Symbol]) -> dict[str, Any]:
        funcs: dict[str, Any] = dict(FUNCTIONS)
        options = self.table("options", required=False)
        for key in options:
            if key not in OPTION_KEYS:
                raise self.error(f"unknown option{suggest(key, OPTION_KEYS)}", "options", key)
        if "relu_at_zero" in options:
            h = self.number(options["relu_at_zero"], "options", "relu_at_zero")
            if not 0 <= h <= 1:
                raise self.error("relu_at_zero must be between 0 and 1", "options", "relu_at_zero")
            funcs["relu"] = FunctionInfo("relu", lambda z, at=h: relu(z, at), (1, 2), "ReLU")
        custom = self.table("functions", required=False)
        for name, body in custom.items():
            table = f"functions.{name}"
            self.check_name(name, "functions")
            if name in symbols:
                raise self.error(f"{name!r} is also a declared name", "functions", name)
            if not isinstance(body, dict):
                raise self.error(
                    f"expected a table [functions.{name}], got {_describe(body)}", "functions", name
                )
            for key in body:
                if key not in FUNCTION_KEYS:
                    raise self.error(f"unknown key{suggest(key, FUNCTION_KEYS)}", table, key)
            args = body.get("args")
            if not isinstance(args, list) or not args or not all(isinstance(a, str) for a in args):
                raise self.error("args must be a non-empty array of argument names", table, "args")
            for a in args:
                if not NAME_PATTERN.match(a) or "__" in a:
                    raise self.error(f"{a!r} is not a valid argument name", table, "args")
            if len(set(args)) != len(args):
                raise self.error("argument names must be different", table, "args")
            params = {a: Symbol(a, real=True) for a in args}
            if "expr" not in body:
                raise self.error(f"missing key 'expr' (the definition of {name})", table)
            expr = self.expression(body["expr"], params, funcs, table, "expr")
            derivatives = None
            if "derivative" in body:
                raw = body["derivative"]
                raw_list = raw if isinstance(raw, list) else [raw]
                if len(raw_list) != len(args):
                    msg = f"give one derivative per argument ({len(args)}), got {len(raw_list)}"
                    raise self.error(msg, table, "derivative")
                derivatives = [self.expression(r, params, funcs, table, "derivative") for r in raw_list]
            latex = body.get("latex")
            if latex is not None and (not isinstance(latex, str) or not _SAFE_LATEX_NAME.match(latex)):
                msg = (
                    r"latex must be a short LaTeX name such as '\operatorname{swish}' (letters, \, {}, _, ^)"
                )
                raise self.error(msg, table, "latex")
            func = custom_function(name, list(params.values()), expr, derivatives, latex)
            funcs[name] = FunctionInfo(name, func, len(args), f"user function {name}")
        return funcs

    def expression(
        self, text: Any, symbols: Mapping[str, Symbol], funcs: Mapping[str, Any], table: str, key: str
    ) -> Expr:
        where = f"[{table}] {key}"
        try:
            return parse_expression(text, symbols, funcs, where=where)
        except SpecError as e:
            raise SpecError(
                e.message, file=self.file, where=where, line=_locate(self.text, table, key)
            ) from None

    def dataset(self, symbols: Mapping[str, Symbol], declared: Mapping[str, list[str]]) -> Dataset | None:
        table = self.table("dataset", required=False)
        if not table:
            return None
        for key in table:
            if key not in DATASET_KEYS:
                raise self.error(f"unknown key{suggest(key, DATASET_KEYS)}", "dataset", key)
        reduction = table.get("reduction", "mean")
        if reduction not in ("mean", "sum"):
            raise self.error(
                f'reduction must be "mean" or "sum", got {_describe(reduction)}', "dataset", "reduction"
            )
        examples = table.get("examples")
        if not isinstance(examples, list) or not examples:
            raise self.error("examples must be a non-empty array of tables", "dataset", "examples")
        wanted = declared["input"] + declared["target"]
        out = []
        for i, example in enumerate(examples, 1):
            key = f"examples[{i}]"
            if not isinstance(example, dict):
                raise self.error(f"{key} must be a table such as {{x = 0, y = 1}}", "dataset", "examples")
            values = {}
            for name, value in example.items():
                if name not in wanted:
                    msg = f"{key}: {name!r} is not an input or target{suggest(name, wanted)}"
                    raise self.error(msg, "dataset", "examples")
                values[symbols[name]] = self.number(value, "dataset", "examples")
            missing = [n for n in wanted if symbols[n] not in values]
            if missing:
                raise self.error(f"{key} has no value for {', '.join(missing)}", "dataset", "examples")
            out.append(values)
        return Dataset(tuple(out), reduction)

    def latex_names(self, symbols: Mapping[str, Symbol]) -> dict[Symbol, str]:
        table = self.table("latex", required=False)
        out = {}
        for name, latex in table.items():
            if name not in symbols:
                raise self.error(f"unknown name{suggest(name, symbols)}", "latex", name)
            if not isinstance(latex, str) or not _SAFE_LATEX_NAME.match(latex):
                msg = (
                    "expected a short LaTeX name such as 'w^{(1)}_{21}': letters, digits, {}, (), _, ^ "
                    "and Greek letters or accents such as \\hat"
                )
                raise self.error(msg, "latex", name)
            out[symbols[name]] = latex
        return out


#: LaTeX commands a name or function name from a spec may use (an allow-list:
#: nothing like ``\\input``, ``\\write18`` or ``\\catcode`` can get through).
LATEX_NAME_COMMANDS = (
    *GREEK_LETTERS,
    *ACCENTS,
    "ddot",
    "mathrm",
    "mathbf",
    "mathit",
    "mathcal",
    "operatorname",
    "text",
    "prime",
    "ell",
    "partial",
    "nabla",
)

_SAFE_LATEX_NAME = re.compile(
    r"(?:[A-Za-z0-9_^{}()',.+\- ]|\\(?:%s)(?![A-Za-z]))+\Z" % "|".join(LATEX_NAME_COMMANDS)
)


def _a(role: str) -> str:
    return ("an " if role[0] in "aeiou" else "a ") + role
