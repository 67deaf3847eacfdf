"""Matrix-form LaTeX: one side of a relation -> a small expression tree, never guessed.

What courses write after the first lecture: ``\\boldsymbol\\delta_1 = (W_2^\\top
\\boldsymbol\\delta_2) \\odot \\sigma'(\\mathbf z_1)``, ``\\frac{\\partial L}{\\partial W_2} =
\\delta_2 \\mathbf a_1^\\top = \\begin{bmatrix} 0.0822 & 0.0827 \\\\ … \\end{bmatrix}``.

Read:

* names, bold or not (``\\mathbf{W}``, ``\\boldsymbol\\delta``, ``\\bm``, ``\\vec``), with a
  subscript or a layer (``W_2``, ``W_{2}``, ``W^{(2)}``, ``\\delta_{z_2}``) and an update mark
  (``W_2^{+}``, ``W_2^{\\text{new}}``);
* transposes ``^\\top``, ``^T``, ``^{\\intercal}``; ``\\odot`` and ``\\circ`` (elementwise);
  juxtaposition, ``\\cdot`` and ``\\times`` (a matrix product, or a scalar times a matrix),
  binding tighter than ``\\odot``; ``+``, ``-`` and parentheses;
* functions applied elementwise and their derivatives (``\\sigma(\\mathbf z)``, ``\\sigma'(z)``);
* ``\\frac{\\partial L}{\\partial W_2}``, ``\\nabla_{\\mathbf W} L``, ``\\eta``;
* numbers, and numbers in ``bmatrix``/``pmatrix`` (kept as written, with their decimals).

Anything else raises :class:`MatrixUnread` with the reason: the side is not checked.
The tree is data (:class:`Node`); :mod:`symbackprop.verification.matrix_claims` gives it values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .vocabulary import FUNCTION_ALIASES, UPDATE_MARKS

__all__ = ["MatrixUnread", "Node", "read_matrix_side"]

#: Longest side read (characters); longer sides are not checked.
MAX_SIDE = 4000

_TOKEN = re.compile(
    r"\\begin\s*\{[bp]matrix\}|\\end\s*\{[bp]matrix\}|\\\\|\\[A-Za-z]+|\\.|\d+(?:\.\d+)?|\.\d+|\s+|.",
    re.S,
)

#: Commands that only space or size: dropped.
_NOISE = frozenset(
    {
        r"\left",
        r"\right",
        r"\,",
        r"\;",
        r"\!",
        r"\ ",
        r"\big",
        r"\Big",
        r"\bigl",
        r"\bigr",
        r"\Bigl",
        r"\Bigr",
    }
)

#: Bold and arrow markup around a name: dropped (a bold name is the same name).
_BOLD = frozenset({r"\mathbf", r"\boldsymbol", r"\bm", r"\vec", r"\mathbfit", r"\pmb"})

#: Superscripts that transpose.
_TRANSPOSE = frozenset({r"\top", "T", r"\intercal", r"\mathsf{T}", r"\mathrm{T}", r"\mathsf T", r"\mathrm T"})

#: Greek letters that may be names.
_GREEK = frozenset({r"\delta", r"\theta", r"\eta"})

#: Binary operators: token -> node operation.  ``\odot`` binds looser than a product.
_ELEMENTWISE = frozenset({r"\odot", r"\circ"})
_PRODUCT = frozenset({r"\cdot", r"\times", "*"})

_OPEN = {"(": ")", "[": "]"}

#: Tokens that end a product.
_STOP = frozenset({"+", "-", ")", "]", "}", "&", ",", "\\\\", r"\rVert", r"\|", r"\Vert", r"\in"})

#: Reductions of a whole vector or matrix to a number (``rowsum``: of each row, to a column).
_REDUCTIONS = frozenset({"sum", "mean", "rowsum"})

#: Functions of two vectors, each column against each column (``pair`` nodes), by their written name.
_PAIR_FUNCTIONS = {"CE": "cross_entropy"}

#: The bars of a norm.
_NORMS = frozenset({r"\lVert", r"\rVert", r"\|", r"\Vert"})


class MatrixUnread(ValueError):
    """A side that cannot be read for sure; the message says why."""


@dataclass(frozen=True)
class Node:
    """One node of a matrix-form expression.

    ``op`` is one of ``num`` (``args = (text,)``), ``lit`` (rows of number texts), ``name``
    (``(key, updated)``), ``grad`` (``(key,)``: ∂L/∂key), ``eta``, ``T``, ``had`` (⊙),
    ``mul`` (juxtaposition), ``add``, ``sub``, ``neg``, ``call`` (``(function, primes, arg)``),
    ``div`` (``\\frac`` of two numbers), ``reduce`` (``(sum | mean, arg)``), ``in`` (``(side, shape)``:
    ``x \\in \\mathbb{R}^{2 \\times 1}``), ``norm2`` (the squared norm, a sum of squares).
    """

    op: str
    args: tuple


def read_matrix_side(text: str) -> Node:
    """Read one side of a matrix-form relation.

    Raises:
        MatrixUnread: The side cannot be read for sure.
    """
    if len(text) > MAX_SIDE:
        raise MatrixUnread("too long")
    toks = [t for t in _TOKEN.findall(text) if not t.isspace() and t not in _NOISE]
    p = _Parser(toks)
    try:
        node = p.expr()
    except RecursionError:  # hundreds of nested parentheses: not read (never a traceback)
        raise MatrixUnread("nested too deeply") from None
    if p.peek() == r"\in":  # x \in \mathbb{R}^{2 \times 1}: the side claims its shape too
        node = Node("in", (node, p.shape()))
    if p.i != len(toks):
        raise MatrixUnread(f"cannot read {''.join(toks[p.i : p.i + 3])!r}")
    return node


class _Parser:
    """Recursive descent over tokens: expr -> term (±) -> factor (⊙) -> product -> postfix."""

    def __init__(self, toks: list[str]) -> None:
        self.toks = toks
        self.i = 0

    def peek(self, k: int = 0) -> str | None:
        return self.toks[self.i + k] if self.i + k < len(self.toks) else None

    def take(self, want: str | None = None) -> str:
        tok = self.peek()
        if tok is None or (want is not None and tok != want):
            raise MatrixUnread(f"expected {want or 'more'}, found {tok!r}")
        self.i += 1
        return tok

    def group(self) -> list[str]:
        """The tokens of a brace group (or of one token)."""
        if self.peek() != "{":
            return [self.take()]
        self.take("{")
        out: list[str] = []
        depth = 0
        while True:
            tok = self.take()
            if tok == "}" and depth == 0:
                return out
            depth += {"{": 1, "}": -1}.get(tok, 0)
            out.append(tok)

    # ------------------------------------------------------------ operators

    def expr(self) -> Node:
        node = self.term(negate=self.peek() == "-")
        while self.peek() in ("+", "-"):
            op = "add" if self.take() == "+" else "sub"
            node = Node(op, (node, self.term()))
        return node

    def term(self, negate: bool = False) -> Node:
        if negate:
            self.take("-")
        node = self.product()
        while self.peek() in _ELEMENTWISE:
            self.take()
            node = Node("had", (node, self.product()))
        return Node("neg", (node,)) if negate else node

    def product(self) -> Node:
        node = self.postfix()
        while True:
            tok = self.peek()
            if tok == "/":  # … / 2: a division by a number
                self.take()
                node = Node("div", (node, self.postfix()))
                continue
            if tok in _PRODUCT:
                self.take()
            elif tok is None or tok in _STOP or tok in _ELEMENTWISE:
                return node
            if tok is not None and tok.startswith(r"\end"):
                return node
            node = Node("mul", (node, self.postfix()))

    def postfix(self) -> Node:
        node = self.primary()
        while self.peek() == "^":
            self.take()
            sup = "".join(self.group())
            if sup in _TRANSPOSE:
                node = Node("T", (node,))
            elif sup in (r"\odot2", r"\circ2"):  # (a - y)^{\odot 2}: the elementwise square
                node = Node("had", (node, node))
            else:
                raise MatrixUnread(f"the power ^{{{sup}}}")
        return node

    # ------------------------------------------------------------ atoms

    def primary(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise MatrixUnread("a side ends early")
        if tok in _OPEN:
            self.take()
            inner = self.expr()
            if self.peek() == ",":
                return self.row(inner, _OPEN[tok])
            self.take(_OPEN[tok])
            return inner
        if tok in _NORMS:
            return self.norm()
        if re.fullmatch(r"\d+(?:\.\d+)?|\.\d+", tok):
            return Node("num", (self.take(),))
        if tok.startswith(r"\begin"):
            return self.literal()
        reader = _ATOMS.get(tok)
        if reader is not None:
            return reader(self)
        return self.name()

    def row(self, first: Node, close: str) -> Node:
        """``(0.05, 0.10)``: a row of written numbers (``(0.05, 0.10)^\\top`` is a column)."""
        entries = [first]
        while self.peek() == ",":
            self.take()
            entries.append(self.expr())
        self.take(close)
        texts = [_signed(e) for e in entries]
        if None in texts:
            raise MatrixUnread("a tuple of something else than numbers")
        return Node("lit", (tuple(t for t in texts if t is not None),))

    def norm(self) -> Node:
        """``\\lVert v \\rVert^2`` (or ``\\|v\\|^2``): the sum of the squares of ``v``'s entries."""
        self.take()
        inner = self.expr()
        if self.take() not in _NORMS or self.peek() != "^":
            raise MatrixUnread("a norm that is not squared")
        self.take("^")
        if self.group() != ["2"]:
            raise MatrixUnread("a norm that is not squared")
        return Node("norm2", (inner,))

    def literal(self) -> Node:
        """``\\begin{bmatrix} 0.1 & 0.2 \\\\ … \\end{bmatrix}``: every entry a (signed) number."""
        self.take()
        rows: list[list[str]] = [[]]
        sign = ""
        while True:
            tok = self.take()
            if tok.startswith(r"\end"):
                break
            if tok == "\\\\":
                rows.append([])
            elif tok == "-":
                sign = "-"
            elif re.fullmatch(r"\d+(?:\.\d+)?|\.\d+", tok):
                rows[-1].append(sign + tok)
                sign = ""
            elif tok != "&":
                raise MatrixUnread(f"a matrix entry {tok!r} that is not a number")
        rows = [r for r in rows if r]
        if not rows or len({len(r) for r in rows}) != 1:
            raise MatrixUnread("a matrix whose rows differ in length")
        return Node("lit", tuple(tuple(r) for r in rows))

    def name(self) -> Node:
        key, updated = self.name_key()
        return Node("name", (key, updated))

    def name_key(self) -> tuple[str, bool]:
        """``\\mathbf{W}_2`` -> ``W_2``; ``\\delta^{(2)}`` -> ``delta_2``; ``W_2^{+}`` marks an update."""
        tok = self.take()
        if tok in _BOLD:
            inner = self.group()
            if len(inner) != 1:
                raise MatrixUnread(f"{tok}{{{''.join(inner)}}}")
            tok = inner[0]
        if not (re.fullmatch(r"[A-Za-z]", tok) or tok in _GREEK):
            raise MatrixUnread(f"cannot read {tok!r}")
        base = tok.lstrip("\\")
        sub, updated = "", False
        while self.peek() in ("_", "^"):
            start = self.i
            mark = self.take()
            part = self.group()
            text = "".join(part)
            if mark == "_":
                sub = self.subscript(part)
            elif re.fullmatch(r"\(\d+\)", text):
                sub = text[1:-1]
            elif text in UPDATE_MARKS or text in (r"\text{new}",):
                updated = True
            else:
                self.i = start  # a transpose or a power: the postfix's
                break
        return (f"{base}_{sub}" if sub else base), updated

    def subscript(self, part: list[str]) -> str:
        """A subscript's text: digits or a name (``z_2``, ``\\mathbf z_2``) with its own subscript."""
        text = "".join(t for t in part if t not in _BOLD and t not in "{}")
        if not re.fullmatch(r"[A-Za-z0-9_]{1,12}", text):
            raise MatrixUnread(f"the subscript {''.join(part)!r}")
        return text

    def shape(self) -> tuple[int, int]:
        """``\\in \\mathbb{R}^{2 \\times 1}`` -> ``(2, 1)``; ``\\mathbb{R}^{2}`` is a column."""
        self.take(r"\in")
        if self.take() != r"\mathbb" or self.group() != ["R"] or self.take() != "^":
            raise MatrixUnread("a set other than ℝ^{m×n}")
        dims = [t for t in self.group() if t != r"\times"]
        if not 1 <= len(dims) <= 2 or not all(d.isdigit() for d in dims):
            raise MatrixUnread("a shape that is not m×n in digits")
        return int(dims[0]), int(dims[1]) if len(dims) == 2 else 1

    def function(self) -> Node:
        word = self.take().lstrip("\\")
        if word == "operatorname":
            word = "".join(self.group())
        if word in _REDUCTIONS:
            if self.peek() not in _OPEN:
                raise MatrixUnread(f"{word} without parentheses")
            return Node("reduce", (word, self.primary()))
        if word in _PAIR_FUNCTIONS:  # \operatorname{CE}\left(p, y\right): a function of two vectors
            self.take("(")
            first = self.expr()
            self.take(",")
            second = self.expr()
            self.take(")")
            return Node("pair", (_PAIR_FUNCTIONS[word], first, second))
        name = FUNCTION_ALIASES.get(word.lower())
        if name is None:
            raise MatrixUnread(f"the function {word!r}")
        primes = 0
        while self.peek() in ("'", "^"):
            if self.take() == "^" and "".join(self.group()) not in (r"\prime", "'"):
                raise MatrixUnread("a power of a function")
            primes += 1
        if self.peek() == "{":  # \tanh{\left(z_1\right)}: SymPy's printer braces the argument
            inner = _Parser(self.group())
            arg = inner.expr()
            if inner.i != len(inner.toks):
                raise MatrixUnread(f"the argument of {word}")
            return Node("call", (name, primes, arg))
        if self.peek() not in _OPEN:
            raise MatrixUnread(f"{word} without parentheses")
        return Node("call", (name, primes, self.primary()))

    def fraction(self) -> Node:
        """``\\frac{\\partial L}{\\partial W_2}`` (a gradient), ``\\frac{1}{2}`` (a number) or
        ``\\frac{y}{p}`` (a quotient)."""
        self.take()
        num, den = self.group(), self.group()
        of, wrt = _after_differential(num), _after_differential(den)
        if of is not None and wrt and "".join(of) == "L":  # ∂L/∂W, dL/dW, \mathrm{d}L/\mathrm{d}W
            sub = _Parser(wrt)
            key, updated = sub.name_key()
            if sub.i != len(sub.toks) or updated:
                raise MatrixUnread(f"∂L/∂{''.join(wrt)}")
            return Node("grad", (key,))
        if len(num) == 1 and len(den) == 1 and num[0].isdigit() and den[0].isdigit():
            return Node("div", (Node("num", (num[0],)), Node("num", (den[0],))))
        if r"\partial" in num or r"\partial" in den:
            raise MatrixUnread(r"a \frac that is neither ∂L/∂x nor a number")
        parts = [_Parser(num), _Parser(den)]
        sides = [part.expr() for part in parts]
        if any(part.i != len(part.toks) for part in parts):
            raise MatrixUnread(r"a \frac of more than one expression")
        return Node("div", tuple(sides))  # \frac{y}{p}: a quotient (elementwise, or by a number)

    def nabla(self) -> Node:
        """``\\nabla_{\\mathbf W_2} L``."""
        self.take()
        self.take("_")
        sub = _Parser(self.group())
        key, updated = sub.name_key()
        if sub.i != len(sub.toks) or updated:
            raise MatrixUnread(r"a \nabla of something else")
        self.take("L")
        return Node("grad", (key,))

    def eta(self) -> Node:
        self.take()
        return Node("eta", ())


def _after_differential(toks: list[str]) -> list[str] | None:
    """The tokens after a differential ``\\partial``, ``d`` or ``\\mathrm{d}`` that ``toks`` start with."""
    if toks[:1] in ([r"\partial"], ["d"]):
        return toks[1:]
    if toks[:1] in ([r"\mathrm"], [r"\text"], [r"\textrm"], [r"\operatorname"]) and toks[1:4] == [
        "{",
        "d",
        "}",
    ]:
        return toks[4:]
    return None


def _signed(node: Node) -> str | None:
    """A written number's text, with its sign, or ``None``."""
    if node.op == "num":
        return str(node.args[0])
    if node.op == "neg" and node.args[0].op == "num":
        return "-" + str(node.args[0].args[0])
    return None


_FUNCTION_WORDS = {"\\" + w for w in FUNCTION_ALIASES} | {r"\operatorname", r"\mathrm"}

#: Atoms that start with a command: command -> reader.
_ATOMS = {
    **{w: _Parser.function for w in _FUNCTION_WORDS},
    r"\frac": _Parser.fraction,
    r"\tfrac": _Parser.fraction,
    r"\dfrac": _Parser.fraction,
    r"\nabla": _Parser.nabla,
    r"\eta": _Parser.eta,
}
