"""Spec right-hand sides: plain math text -> SymPy, built by hand from Python's ``ast``.

:func:`parse_expression` accepts numbers, declared names, ``+ - * / **``, unary
signs, parentheses and calls of known functions.  The text goes through three
stages, each a small function:

1. :func:`_scan` tokenizes it, refuses bad characters, names and literals, and
   splits it at top-level ``+``/``-`` (so a 5,000-term sum is not a 5,000-deep
   tree);
2. ``ast.parse`` reads each term;
3. :class:`_ExpressionBuilder` turns the allowed nodes into SymPy, dispatching
   through the tables below (:data:`NODES`, :data:`BINARY_OPERATORS`,
   :data:`UNARY_OPERATORS`): an operator that is not in a table is refused.

Nothing is ever passed to ``eval``, ``exec``, ``sympify`` or ``parse_expr``.  A
right-hand side wrapped in ``$...$`` is LaTeX and goes to
:func:`symbackprop.notation.latex.parse_latex_expression`.
"""

from __future__ import annotations

import ast
import io
import keyword
import math
import re
import tokenize
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sympy
from sympy import Expr, Integer, Rational, Symbol

from ..core.functions import FUNCTIONS
from ..core.network import suggest
from ..core.tensors import MatProduct, Transposed
from ..errors import GraphError, SpecError, SymbackpropError
from .limits import (
    MAX_DEPTH,
    MAX_EXPRESSION_CHARS,
    MAX_LITERAL_CHARS,
    MAX_NUMBER_BITS,
    MAX_ROOT,
    nesting_depth,
)
from .literals import check_real
from .literals import exact_decimal as _exact_decimal

__all__ = ["BINARY_OPERATORS", "NODES", "UNARY_OPERATORS", "BinaryOperator", "parse_expression"]


class _Refused(Exception):
    """Internal: a right-hand side is refused; carries the message and column."""

    def __init__(self, message: str, col: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.col = col


# ---------------------------------------------------------------- operators, as data


def _same(term: Expr, col: int) -> Expr:
    return term


def _negate(term: Expr, col: int) -> Expr:
    return -term


def _reciprocal(factor: Expr, col: int) -> Expr:
    if factor.is_zero:
        raise _Refused("division by zero", col)
    return sympy.Pow(factor, -1)


@dataclass(frozen=True)
class BinaryOperator:
    """How the builder reads one binary operator.

    Operators with the same ``combine`` form one left-associative chain (``a - b + c``,
    ``a / b * c``) that is flattened without recursion; each right operand is first
    passed through ``operand`` (``-t`` for ``-``, ``1/t`` for ``/``).  An operator
    with ``chain=False`` (``**``) is read as one node, base and exponent.
    """

    text: str
    combine: Callable[..., Expr]
    operand: Callable[[Expr, int], Expr] = _same
    chain: bool = True


#: Binary operators a right-hand side may use.  The builder dispatches through this table.
BINARY_OPERATORS: dict[type[ast.operator], BinaryOperator] = {
    ast.Add: BinaryOperator("+", sympy.Add),
    ast.Sub: BinaryOperator("-", sympy.Add, _negate),
    ast.Mult: BinaryOperator("*", sympy.Mul),
    ast.Div: BinaryOperator("/", sympy.Mul, _reciprocal),
    ast.Pow: BinaryOperator("**", sympy.Pow, chain=False),
}

#: Binary operators that parse but are refused, with the hint shown.
REFUSED_BINARY: dict[type[ast.operator], str] = {
    ast.BitXor: "'^' is not a power here; write powers as **",
    ast.FloorDiv: "'//' is not allowed; use /",
    ast.Mod: "'%' is not allowed",
    ast.MatMult: "'@' is not allowed; write products with *",
    ast.LShift: "'<<' is not allowed",
    ast.RShift: "'>>' is not allowed",
    ast.BitOr: "'|' is not allowed",
    ast.BitAnd: "'&' is not allowed",
}

#: Unary operators a right-hand side may use.
UNARY_OPERATORS: dict[type[ast.unaryop], Callable[[Expr], Expr]] = {
    ast.UAdd: lambda e: e,
    ast.USub: lambda e: -e,
}

#: Unary operators that parse but are refused, as written.
REFUSED_UNARY: dict[type[ast.unaryop], str] = {ast.Not: "not", ast.Invert: "~"}

#: AST nodes that are refused outright, with the message shown.
REFUSED_NODES: dict[type[ast.AST], str] = {
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

#: Token kinds after which a ``+``/``-`` is binary (it ends an operand).
_OPERAND_TOKENS = ("NAME", "NUMBER", "STRING")

#: Token kinds that carry no text of the expression.
_LAYOUT_TOKENS = ("NEWLINE", "NL", "ENDMARKER", "INDENT", "DEDENT", "COMMENT")

_TOO_DEEP = f"expression is nested too deeply (limit {MAX_DEPTH} levels)"
_TOO_LARGE = f"number is too large (over {MAX_NUMBER_BITS} bits)"
_TOO_FINE = f"number has too many digits to read exactly (over {MAX_NUMBER_BITS} bits)"


# ---------------------------------------------------------- the public entry point


def parse_expression(
    text: str,
    symbols: Mapping[str, Symbol],
    functions: Mapping[str, Any] | None = None,
    *,
    where: str = "",
    written: dict[Expr, tuple[Expr, ...]] | None = None,
    matrix: bool = False,
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
        matrix: Also read ``A @ B`` (:class:`~symbackprop.core.tensors.MatProduct`)
            and ``A.T`` (:class:`~symbackprop.core.tensors.Transposed`), for
            matrix specs (:mod:`symbackprop.notation.matrix_spec`).

    Raises:
        SpecError: The text is not an allowed expression; the message says why.
    """
    funcs: Mapping[str, Any] = FUNCTIONS if functions is None else functions
    if not isinstance(text, str):
        msg = f"expected an expression in quotes, got {describe(text)}"
        raise SpecError(msg, where=where or None)
    if len(text) > MAX_EXPRESSION_CHARS:
        msg = f"expression is {len(text)} characters long; the limit is {MAX_EXPRESSION_CHARS}"
        raise SpecError(msg, where=where or None)
    stripped = re.sub(r"[\r\n\t]", " ", text).strip()  # multi-line TOML strings are one expression
    if len(stripped) >= 2 and stripped.startswith("$") and stripped.endswith("$"):
        return _parse_latex(stripped[1:-1], symbols, funcs, where)
    builder = _ExpressionBuilder(symbols, funcs, matrix=matrix)
    try:
        expr = builder.build(stripped)
    except _Refused as e:
        at = f" (at column {e.col + 1})" if e.col is not None else ""
        raise SpecError(f"{e.message}{at}", where=where or None) from None
    if written is not None:
        written.update(builder.written)
    check_real(expr, where)
    return expr


def _parse_latex(latex: str, symbols: Mapping[str, Symbol], functions: Mapping[str, Any], where: str) -> Expr:
    try:
        from .latex import parse_latex_expression
    except ImportError as e:  # pragma: no cover - the LaTeX reader or its parser is missing
        msg = f"cannot read a LaTeX right-hand side here: {e}"
        raise SpecError(msg, where=where or None) from None
    try:
        expr = parse_latex_expression(latex, symbols, functions)
    except SymbackpropError as e:
        raise SpecError(e.message, where=where or None) from None
    if not isinstance(expr, Expr):
        msg = f"the LaTeX right-hand side did not give an expression: {latex!r}"
        raise SpecError(msg, where=where or None)
    return expr


def describe(value: Any) -> str:
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


# ------------------------------------------------------------------ stage 1: scan


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
    _check_characters(text)
    _check_depth(text)
    tokens = _tokenize(text)
    for tok in tokens:
        _check_token(tok)
    return _chunks(text, tokens)


def _check_characters(text: str) -> None:
    for col, ch in enumerate(text):
        if not ch.isascii() or (not ch.isprintable() and ch not in " \t"):
            raise _Refused(f"character {ch!r} is not allowed", col)
    if not text:
        raise _Refused("empty expression")


def _check_depth(text: str) -> None:
    """Python's tokenizer gives up at 200 levels with a misleading message: count first."""
    if nesting_depth(text) > MAX_DEPTH:
        raise _Refused(_TOO_DEEP)


def _tokenize(text: str) -> list[tokenize.TokenInfo]:
    try:
        return list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError) as e:
        msg = getattr(e, "msg", None) or (e.args[0] if e.args else "cannot read the expression")
        if "EOF" in str(msg):
            msg = "unbalanced parentheses"
        raise _Refused(f"invalid expression: {msg}") from None


def _check_token(tok: tokenize.TokenInfo) -> None:
    kind = tokenize.tok_name[tok.type]
    col = tok.start[1]
    if kind == "ERRORTOKEN" and not tok.string.isspace():
        raise _Refused(f"character {tok.string!r} is not allowed", col)
    if kind == "NUMBER" and len(tok.string) > MAX_LITERAL_CHARS:
        raise _Refused(f"number literal is too large (over {MAX_LITERAL_CHARS} characters)", col)
    if kind == "NAME" and (tok.string.startswith("_") or "__" in tok.string):
        msg = f"name {tok.string!r} is not allowed: names may not start with '_' or contain '__'"
        raise _Refused(msg, col)
    if kind == "COMMENT":
        raise _Refused("'#' is not allowed in an expression (TOML comments go outside the quotes)", col)


def _chunks(text: str, tokens: list[tokenize.TokenInfo]) -> list[_Chunk]:
    """Split at top-level binary ``+``/``-`` and alias Python keywords in each piece."""
    pieces: list[tuple[int, int, int]] = []  # (sign, start, end)
    aliases: dict[int, tuple[int, str]] = {}  # start -> (end, alias)
    depth = 0
    prev: tokenize.TokenInfo | None = None
    start, sign = 0, 1
    for tok in tokens:
        kind = tokenize.tok_name[tok.type]
        if kind == "NAME" and tok.string in _PY_KEYWORDS:
            aliases[tok.start[1]] = (tok.end[1], _ALIAS_PREFIX + tok.string)
        elif kind == "OP":
            depth += (tok.string in "([{") - (tok.string in ")]}")
            if tok.string in "+-" and depth == 0 and prev is not None and _ends_operand(prev):
                pieces.append((sign, start, tok.start[1]))
                start, sign = tok.end[1], 1 if tok.string == "+" else -1
        if kind not in _LAYOUT_TOKENS:
            prev = tok
    pieces.append((sign, start, len(text)))
    return [_Chunk(sign, _aliased(text, lo, hi, aliases), lo) for sign, lo, hi in pieces]


def _aliased(text: str, lo: int, hi: int, aliases: Mapping[int, tuple[int, str]]) -> str:
    out, pos = [], lo
    for at in sorted(k for k in aliases if lo <= k < hi):
        end, alias = aliases[at]
        out += [text[pos:at], alias]
        pos = end
    out.append(text[pos:hi])
    return "".join(out)


def _ends_operand(tok: tokenize.TokenInfo) -> bool:
    kind = tokenize.tok_name[tok.type]
    if kind == "NAME":
        return tok.string not in _PY_KEYWORDS or tok.string in ("None", "True", "False")
    return kind in _OPERAND_TOKENS or (kind == "OP" and tok.string in ")]}")


# ------------------------------------------------------- stages 2 and 3: parse, build


class _ExpressionBuilder:
    """Turns the allowed subset of Python's AST into SymPy, node by node, through :data:`NODES`."""

    def __init__(
        self, symbols: Mapping[str, Symbol], functions: Mapping[str, Any], *, matrix: bool = False
    ) -> None:
        self.symbols = symbols
        self.functions = functions
        self.matrix = matrix
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
            term = self.expr(tree.body, 0)
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
            raise _Refused(f"invalid expression: {_syntax_message(e.msg)}", col) from None
        except (RecursionError, MemoryError):
            raise _Refused(_TOO_DEEP) from None
        except ValueError as e:  # e.g. an integer literal with too many digits
            if "digits" in str(e):
                raise _Refused(_TOO_LARGE) from None
            raise _Refused(f"invalid expression: {e}") from None

    def _col(self, node: ast.AST) -> int:
        return self.offset + getattr(node, "col_offset", 0)

    def expr(self, node: ast.AST, depth: int) -> Expr:
        """Dispatch one node through :data:`NODES`; anything else is refused."""
        if depth > MAX_DEPTH:
            raise _Refused(_TOO_DEEP, self._col(node))
        read = NODES.get(type(node))
        if read is None:
            refused = REFUSED_NODES.get(type(node))
            raise _Refused(refused or f"{type(node).__name__} is not allowed", self._col(node))
        return read(self, node, depth)

    def binary(self, node: ast.BinOp, depth: int) -> Expr:
        op = BINARY_OPERATORS.get(type(node.op))
        if op is None and self.matrix and isinstance(node.op, ast.MatMult):
            op = MATRIX_PRODUCT
        if op is None:
            raise _Refused(REFUSED_BINARY.get(type(node.op), "operator is not allowed"), self._col(node))
        if not op.chain:
            return self._power(node, op, depth)
        first, rest = self._flatten(node, op.combine)
        operands = [self.expr(first, depth + 1)]
        for right_op, right in rest:
            operands.append(right_op.operand(self.expr(right, depth + 1), self._col(right)))
        return self._checked(self._remember(op.combine(*operands), operands), node)

    def _flatten(
        self, node: ast.BinOp, combine: Callable[..., Expr]
    ) -> tuple[ast.AST, list[tuple[BinaryOperator, ast.AST]]]:
        """Flatten a left-associated chain ``a op b op c`` of one family without recursion."""
        rest: list[tuple[BinaryOperator, ast.AST]] = []
        cur: ast.AST = node
        while isinstance(cur, ast.BinOp):
            op = BINARY_OPERATORS.get(type(cur.op))
            if op is None or not op.chain or op.combine is not combine:
                break
            rest.append((op, cur.right))
            cur = cur.left
        rest.reverse()
        return cur, rest

    def _power(self, node: ast.BinOp, op: BinaryOperator, depth: int) -> Expr:
        base = self.expr(node.left, depth + 1)
        exp = self.expr(node.right, depth + 1)
        if op is not MATRIX_PRODUCT:
            _check_power(base, exp, self._col(node))
        return self._checked(op.combine(base, exp), node)

    def attribute(self, node: ast.Attribute, depth: int) -> Expr:
        """``A.T`` in a matrix spec; any other attribute is refused."""
        if not (self.matrix and node.attr == "T"):
            raise _Refused(REFUSED_NODES[ast.Attribute], self._col(node))
        return self._checked(Transposed(self.expr(node.value, depth + 1)), node)

    def unary(self, node: ast.UnaryOp, depth: int) -> Expr:
        op = UNARY_OPERATORS.get(type(node.op))
        if op is None:
            word = REFUSED_UNARY.get(type(node.op), type(node.op).__name__)
            raise _Refused(f"operator {word!r} is not allowed", self._col(node))
        return self._checked(op(self.expr(node.operand, depth + 1)), node)

    def number(self, node: ast.Constant, depth: int) -> Expr:
        value = node.value
        if isinstance(value, bool) or value is None or value is Ellipsis:
            raise _Refused(f"{value!r} is not allowed", self._col(node))
        if isinstance(value, (str, bytes)):
            raise _Refused("strings are not allowed", self._col(node))
        if isinstance(value, complex):
            raise _Refused("complex numbers are not allowed", self._col(node))
        if isinstance(value, int):
            if value.bit_length() > MAX_NUMBER_BITS:
                raise _Refused(_TOO_LARGE, self._col(node))
            return Integer(value)
        if isinstance(value, float):
            return self._decimal(node, value)
        raise _Refused(f"{type(value).__name__} literals are not allowed", self._col(node))

    def _decimal(self, node: ast.Constant, value: float) -> Expr:
        """A float literal, read exactly from its text: ``0.1`` is 1/10."""
        if not math.isfinite(value):
            raise _Refused("number is out of range", self._col(node))
        # The chunk text is ASCII (checked by _scan), so AST byte offsets are character offsets.
        literal = self.source[node.col_offset : node.end_col_offset or node.col_offset].replace("_", "")
        exact = _exact_decimal(literal or repr(value))
        if exact is None:
            raise _Refused(_TOO_FINE, self._col(node))
        return exact

    def name(self, node: ast.Name, depth: int) -> Expr:
        name = _unaliased(node.id)
        sym = self.symbols.get(name)
        if sym is not None:
            return sym
        if name in self.functions:
            msg = f"{name!r} is a function; call it, e.g. {name}(...)"
            raise _Refused(msg, self._col(node))
        msg = f"unknown name {name!r}{suggest(name, self.symbols)}"
        raise _Refused(msg, self._col(node))

    def call(self, node: ast.Call, depth: int) -> Expr:
        name, info = self._callee(node)
        args = [self.expr(a, depth + 1) for a in node.args]
        try:
            result = info.func(*args)
        except (GraphError, ValueError, TypeError, ZeroDivisionError) as e:
            msg = e.message if isinstance(e, SymbackpropError) else str(e)
            raise _Refused(f"{name}(): {msg}", self._col(node)) from None
        return self._checked(result, node)

    def _callee(self, node: ast.Call) -> tuple[str, Any]:
        """The called function's name and info, after checking the call's shape."""
        if not isinstance(node.func, ast.Name):
            if isinstance(node.func, ast.Attribute):
                raise _Refused(REFUSED_NODES[ast.Attribute], self._col(node.func))
            raise _Refused("only named functions can be called", self._col(node))
        name = _unaliased(node.func.id)
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
                raise _Refused(REFUSED_NODES[ast.Starred], self._col(a))
        if not info.accepts(len(node.args)):
            msg = f"{name}() takes {info.describe_arity()}, got {len(node.args)}"
            raise _Refused(msg, self._col(node))
        return name, info

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
            raise _Refused(_TOO_LARGE, col)
        return expr


#: The AST nodes a right-hand side may hold, each with the method that reads it.
NODES: dict[type[ast.AST], Callable[[_ExpressionBuilder, Any, int], Expr]] = {
    ast.BinOp: _ExpressionBuilder.binary,
    ast.UnaryOp: _ExpressionBuilder.unary,
    ast.Constant: _ExpressionBuilder.number,
    ast.Name: _ExpressionBuilder.name,
    ast.Call: _ExpressionBuilder.call,
    ast.Attribute: _ExpressionBuilder.attribute,  # only ``.T``, only in a matrix spec
}

#: ``A @ B`` in a matrix spec (read as one node, like ``**``).
MATRIX_PRODUCT = BinaryOperator("@", MatProduct, chain=False)


def _unaliased(name: str) -> str:
    return name[len(_ALIAS_PREFIX) :] if name.startswith(_ALIAS_PREFIX) else name


def _syntax_message(msg: str) -> str:
    """Python's syntax error, in the words a spec author needs."""
    if "parenthes" in msg or "never closed" in msg or "does not match" in msg:
        return "unbalanced parentheses"
    if msg.startswith("invalid syntax") or msg.startswith("invalid decimal"):
        return "invalid syntax"
    return msg


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
