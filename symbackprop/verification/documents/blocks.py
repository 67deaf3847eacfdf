"""A math block cut into equations: rows, continued lines and relation chains, each with its line.

Every reader hands its math blocks here.  A block is cut at the top-level row
breaks ``\\\\`` and line breaks (never inside braces or a nested environment such
as ``bmatrix`` or ``cases``), into *pieces*.  Pieces are then put back together
as a reader of the derivation would:

* a piece that starts with a relation (``&= …``, ``&\\approx …``) or an operator
  (``+ …``) continues the equation above: the relation chain goes on;
* so does a piece after one that ends with a relation or an operator, and a
  piece with no relation of its own (the rest of a long expression);
* anything else starts a new equation.

``net &= w_1 x_1 + b \\\\ &= 0.3775`` is therefore one equation, ``net = w_1 x_1 + b
= 0.3775``, that keeps a :class:`~.model.Row` for each line.  In ``align``-like
environments every second ``&`` separates two equations side by side.  The
outer ``align``/``aligned``/``split``/``gathered`` wrapper of a block is unwrapped.

Table rows are put together the same way by :func:`join_cells`: ``| $z = 0.5 \\times 2$
| $1.0$ |`` is the chain ``z = 0.5 \\times 2 = 1.0``.

Everything here is one pass over the block, whatever its content.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias, Union

from ...notation.latex import RELATIONS
from ...notation.latex.relations import token_scanner
from .model import Fragment, Row

if TYPE_CHECKING:
    from .macros import Macros

__all__ = [
    "ALIGNED",
    "LAYOUT",
    "Block",
    "Shape",
    "Unit",
    "assemble",
    "bodies",
    "join_cells",
    "relation_shape",
    "split_block",
    "strip_spacing",
]

#: Environments that only lay rows out; a block wrapped in one is unwrapped.
LAYOUT = frozenset(
    {
        "align",
        "align*",
        "aligned",
        "alignat",
        "alignat*",
        "alignedat",
        "flalign",
        "flalign*",
        "split",
        "gather",
        "gather*",
        "gathered",
        "multline",
        "multline*",
        "eqnarray",
        "eqnarray*",
        "equation",
        "equation*",
        "displaymath",
        "math",
    }
)

#: Environments whose every second ``&`` separates two equations side by side.
ALIGNED = frozenset({"align", "align*", "aligned", "alignat", "alignat*", "alignedat", "flalign", "flalign*"})

#: Binary operators that continue an expression across a row break.
OPERATORS = frozenset({"+", "-", "*", "/", r"\cdot", r"\times", r"\pm", r"\mp", r"\div", r"\ast"})

#: Spacing at the start of a continued row (dropped: ``\quad`` would end a statement).
_SPACING = re.compile(
    r"(?:\s|\\[,;:! ]|~|\\q?quad(?![A-Za-z])"
    r"|\\(?:hspace|hphantom|phantom|vphantom|mkern|kern)\*?\{[^{}\n]{0,40}\})*"
)

#: Labels and numbering: not part of the equation.
_NOISE = re.compile(
    r"\\(?:label|tag\*?|eqref|ref)\s*\{[^{}\n]{0,200}\}|\\(?:nonumber|notag|displaystyle|textstyle)(?![A-Za-z])"
)

#: A piece that is only words: ``\text{(chain rule)}``.
_TEXT_ONLY = re.compile(r"(?:\s|\\(?:text|textrm|textit|mbox|mathrm)\s*\{[^{}\n]*\}|[.,;:()])*\Z")

#: The tokens of a block: environments, row breaks, commands, comments, braces, ``&``, line breaks, text.
_TOKEN = re.compile(
    r"\\begin\s*\{[^{}\n]{0,40}\}|\\end\s*\{[^{}\n]{0,40}\}|\\\\\*?(?:\[[^\]\n]{0,40}\])?"
    r"|\\(?:left|right)(?![A-Za-z])|\\[A-Za-z]+\*?|\\.|%[^\n]*|[{}&\n]|[^\\{}&%\n]+",
    re.S,
)

#: The relation and operator tokens of a piece.
_WORD = re.compile(r"\\[A-Za-z]+|\\.|:=|\s+|.", re.S)

_RELATION_WORDS = frozenset(RELATIONS) | {":=", r"\leftarrow", r"\gets", r"\to", r"\Rightarrow"}
_OPEN = ("{", r"\left", "(", "[")
_CLOSE = ("}", r"\right", ")", "]")

#: What :func:`relation_shape` looks at: brackets, relations, and operators (the last token may be one).
_SHAPE_TOKEN = token_scanner({*_RELATION_WORDS, *_OPEN, *_CLOSE, *OPERATORS})

#: ``\\begin{alignat}{2}``, ``\\begin{aligned}[t]``: an environment and its arguments.
_BEGIN = re.compile(r"\s*\\begin\s*\{([^{}\n]{1,40})\}(?:\{\d{1,2}\}|\[[tcb]\])?")


@dataclass(frozen=True)
class Block:
    """One math block of a document: ``text[start:end]`` is its body.

    Attributes:
        text: The text the block is in (the document, or a paragraph of it).
        start, end: The body's bounds in ``text``.
        line_of: The file line of an offset of ``text``.
        display: Whether it is display math.
        block_end: The file line where the block ends.
        env: The environment it is the body of, if any (``align*``).
    """

    text: str
    start: int
    end: int
    line_of: Callable[[int], int]
    display: bool
    block_end: int
    env: str | None = None


@dataclass
class _Piece:
    """A row or line of a block: its text and the offset where it starts."""

    start: int
    parts: list[str] = field(default_factory=list)
    row_start: bool = True


@dataclass(frozen=True)
class Shape:
    """How a piece of an equation is built: where its relations are.

    Attributes:
        starts_with_relation: It starts with ``=``, ``\\approx`` ...
        starts_with_operator: It starts with ``+``, ``-``, ``\\cdot`` ...
        ends_with_operator: It ends with a relation or an operator (the rest follows).
        has_relation: It has a relation outside brackets.
        opened: Brackets opened minus brackets closed.
    """

    starts_with_relation: bool
    starts_with_operator: bool
    ends_with_operator: bool
    has_relation: bool
    opened: int


def relation_shape(text: str) -> Shape:
    """Where the relations and operators of ``text`` are, and how many brackets it leaves open.

    One scan for the tokens that matter (brackets, relations, operators: :func:`token_scanner`);
    the first and last tokens are read where the text starts and ends, not by walking every
    character.
    """
    tokens = _SHAPE_TOKEN.findall(text)
    depth = opened = 0
    has = False
    for tok in tokens:
        if tok in _OPEN:
            depth += 1
            opened += 1
        elif tok in _CLOSE:
            depth = max(depth - 1, 0)
            opened -= 1
        elif depth == 0 and tok in _RELATION_WORDS:
            has = True
    first, last = _ends(text, tokens[-1] if tokens else None)
    ends = last in _RELATION_WORDS or last in OPERATORS
    return Shape(first in _RELATION_WORDS, first in OPERATORS, ends, has, opened)


def _ends(text: str, found: str | None) -> tuple[str | None, str | None]:
    """The first and last tokens of ``text`` that are not spaces, as :data:`_WORD` cuts it (the
    last one as far as relations and operators go: ``a`` for ``\\alpha``).

    Spaces come as runs, so the first token starts at the first character that is not a
    space.  A relation or operator that ends the text is the last token ``found`` by
    :data:`_SHAPE_TOKEN` (the text ends with it: had it been written again after the one found,
    that would have been found); any other last token is read by its last character, which
    is neither.
    """
    body = text.rstrip()
    if not body:
        return None, None
    first = _WORD.match(text, len(text) - len(text.lstrip()))
    head = first.group(0) if first else None
    if found is not None and body.endswith(found):
        return head, found
    return head, body[-1]


def strip_spacing(text: str) -> str:
    """``text`` without the spacing it starts with (``\\quad + c`` -> ``+ c``)."""
    m = _SPACING.match(text)
    return text[m.end() :] if m else text


def _unwrap(b: Block) -> tuple[int, int, str | None]:
    """The body without its outer layout environments, and the innermost one's name."""
    start, end, env = b.start, b.end, b.env
    for _ in range(4):
        m = _BEGIN.match(b.text, start, end)
        if m is None or m.group(1) not in LAYOUT:
            break
        closing = "\\end{" + m.group(1) + "}"
        tail = b.text[start:end].rstrip()
        if not tail.endswith(closing):
            break
        start, end, env = m.end(), start + len(tail) - len(closing), m.group(1)
    return start, end, env


#: How a token changes the nesting depth (``\\begin``/``\\end`` by their prefix).
_DEPTH = {"{": 1, "}": -1, r"\left": 1, r"\right": -1}


def _depth_change(tok: str) -> int:
    if tok.startswith("\\begin"):
        return 1
    if tok.startswith("\\end"):
        return -1
    return _DEPTH.get(tok, 0)


def _pieces(b: Block, start: int, end: int, env: str | None) -> Iterator[_Piece]:
    """The top-level rows, lines and side-by-side columns of a body (comments dropped)."""
    if _one_piece(b.text, start, end):
        yield _Piece(start, [b.text[start:end]])
        return
    depth = amps = 0
    columns = env in ALIGNED
    piece = _Piece(start)
    for m in _TOKEN.finditer(b.text, start, end):
        tok = m.group(0)
        top = depth == 0
        if top and (tok == "\n" or tok.startswith("\\\\")):
            yield piece
            amps = amps if tok == "\n" else 0
            piece = _Piece(m.end(), row_start=tok != "\n")
        elif top and tok == "&":
            amps += 1
            if columns and amps % 2 == 0:
                yield piece
                piece = _Piece(m.end(), row_start=False)
            else:
                piece.parts.append(" ")
        elif not tok.startswith("%"):  # a comment runs to the end of the line (in MathJax too)
            depth = max(depth + _depth_change(tok), 0)
            piece.parts.append(tok)
    yield piece


#: What cuts a body into pieces, or drops part of it: a line or row break, an ``&``, a comment.
_CUTS = re.compile(r"[\n&%]|\\\\")


def _one_piece(text: str, start: int, end: int) -> bool:
    """Whether the body ``text[start:end]`` is one piece, as written: nothing cuts it, and it
    does not end with a lone backslash (which no token takes)."""
    return _CUTS.search(text, start, end) is None and not text.endswith("\\", start, end)


def _clean(text: str) -> str:
    return _NOISE.sub(" ", text).replace("\n", " ")


@dataclass(frozen=True)
class _Text:
    """A piece, cleaned: its text, line, and whether it starts a row (after ``\\\\``)."""

    text: str
    line: int
    row_start: bool
    error: str | None

    @functools.cached_property
    def shape(self) -> Shape:
        """Its shape, measured when a piece before or after it asks (never for a block of one piece)."""
        return relation_shape(self.text)


def _texts(b: Block, pieces: Iterable[_Piece], expand: Expander | None) -> list[_Text]:
    """The pieces with something in them, cleaned, expanded and measured."""
    out: list[_Text] = []
    row = True  # no text yet since the last row break
    for piece in pieces:
        row = row or piece.row_start
        raw = "".join(piece.parts)
        lead = len(raw) - len(raw.lstrip())
        text = strip_spacing(_clean(raw).strip())
        error = None
        if expand is not None and text:
            text, error = expand(text)
        if text and not _TEXT_ONLY.match(text):
            line = b.line_of(piece.start + lead)
            out.append(_Text(text, line, row, error))
            row = False
    return out


class _Chains:
    """Pieces put back together into equations (text kept as parts: joining stays linear)."""

    def __init__(self, b: Block) -> None:
        self.b = b
        self.out: list[Fragment] = []
        self.parts: list[str] = []
        self.size = 0
        self.rows: list[Row] = []
        self.error: str | None = None
        self.opened = 0  # brackets left open before the last piece
        self.last: _Text | None = None  # the last piece: its shape is measured only if another follows

    def _after_last(self) -> tuple[int, bool]:
        """Brackets left open after the last piece, and whether it ends with an operator."""
        if self.last is None:
            return self.opened, False
        return max(self.opened + self.last.shape.opened, 0), self.last.shape.ends_with_operator

    def joins(self, t: _Text, following: _Text | None) -> bool:
        """Whether piece ``t`` continues the equation so far."""
        if not self.parts:
            return False
        shape = t.shape
        opened, open_end = self._after_last()
        if shape.starts_with_relation or shape.starts_with_operator or open_end or opened > 0:
            return True
        if shape.has_relation:
            return False
        # no relation of its own: the rest of the expression above, unless it is a row
        # that only holds the left side of the next one (``\\frac{dz}{dw} \\\\ &= x``)
        lhs = t.row_start and following is not None and following.shape.starts_with_relation
        return not lhs

    def add(self, t: _Text, following: _Text | None) -> None:
        if self.joins(t, following):
            self.rows.append(Row(self.size + 1, t.line))
            self.parts += [" ", t.text]
            self.size += 1 + len(t.text)
            self.opened = self._after_last()[0]
        else:
            self.flush()
            self.parts, self.size, self.rows = [t.text], len(t.text), [Row(0, t.line)]
            self.opened = 0
        self.last = t
        self.error = self.error or t.error

    def flush(self) -> None:
        text = "".join(self.parts).rstrip().rstrip(",.;").rstrip()
        if text:
            first = self.rows[0].line
            self.out.append(
                Fragment(text, first, self.b.display, self.b.block_end, tuple(self.rows), error=self.error)
            )
        self.parts, self.size, self.rows, self.error = [], 0, [], None


#: Expands a document's macros in a piece of math: ``(text, why it could not be, or None)``.
Expander = Callable[[str], tuple[str, "str | None"]]


def split_block(b: Block, expand: Expander | None = None) -> list[Fragment]:
    """The equations of one math block, each with the line where each of its rows starts.

    Args:
        b: The block.
        expand: Expands the document's macros in a piece.
    """
    start, end, env = _unwrap(b)
    texts = _texts(b, _pieces(b, start, end, env), expand)
    chains = _Chains(b)
    for k, t in enumerate(texts):
        chains.add(t, texts[k + 1] if k + 1 < len(texts) else None)
    chains.flush()
    return chains.out


#: Why a table cell in another column of the same quantity is not read (``| $L$ | $≈ 0.14$ | $≈ 0.13$ |``).
OTHER_COLUMN = "a value in another column of a table (another case, such as another example)"


def _subject(text: str) -> str:
    """What a cell is about: its text before the first relation, spaces removed."""
    m = re.search(r"=|\\approx|\\simeq|\\equiv|:=|\\leftarrow", text)
    return re.sub(r"\s+", "", text[: m.start()] if m else text)


def _numbers_only(text: str) -> bool:
    """A cell of numbers (``0.5``, ``-0.3 \\cdot 2``): digits, and no letter outside a command."""
    return (
        re.search(r"\d", text) is not None
        and re.search(r"[A-Za-z]", re.sub(r"\\[A-Za-z]+", "", text)) is None
    )


@dataclass
class _Cells:
    """A table row read cell by cell: the chain so far, and what the row has stated."""

    out: list[Fragment] = field(default_factory=list)
    chain: list[tuple[Fragment, str]] = field(default_factory=list)  # each fragment with its glue
    subjects: set[str] = field(default_factory=set)
    labelled: bool = False  # the chain starts with a label cell (``$L$``): it takes one value only
    held: list[Fragment] = field(default_factory=list)  # other columns, after the chain they follow

    def flush(self) -> None:
        if self.chain:
            self.out.append(_joined(self.chain))
        self.out += self.held
        self.chain, self.labelled, self.held = [], False, []

    def add(self, frag: Fragment) -> None:
        shape = relation_shape(frag.text)
        subject = _subject(frag.text) if shape.has_relation and not shape.starts_with_relation else ""
        numeric = not shape.has_relation and _numbers_only(frag.text)
        value = shape.starts_with_relation or numeric
        taken = self.labelled and len(self.chain) > 1
        if (subject and subject in self.subjects) or (value and taken):
            self.held.append(dataclasses.replace(frag, error=frag.error or OTHER_COLUMN))
            return
        self.subjects.add(subject)
        if self.chain and value:
            self.chain.append((frag, "" if shape.starts_with_relation else "= "))
            return
        self.flush()
        if shape.has_relation and not shape.starts_with_relation:
            self.chain = [(frag, "")]
        elif not value and not frag.error:
            self.chain, self.labelled = [(frag, "")], True
        else:
            self.out.append(frag)


def join_cells(cells: list[list[Fragment]]) -> list[Fragment]:
    """The equations of one table row: a cell continues the chain of the cells before it.

    A cell that starts with a relation (``$\\approx 0.6225$``) continues it; so does a
    cell of numbers without a relation (a "value" column: ``$1.0$`` after ``$z = 0.5
    \\times 2$``, or after a label cell ``$w_1$``, which reads ``w_1 = 0.15``).  A cell
    with a relation of its own starts a new chain.

    A row that states the same quantity again in another column (``| $L$ | $\\approx
    0.14$ | $\\approx 0.13$ |``, ``| $x = 0, y = 0$ | $x = 0, y = 1$ |``) is a table
    over several cases: only the first is read, the others are marked :data:`OTHER_COLUMN`.
    """
    row = _Cells()
    for cell in cells:
        for frag in cell:
            row.add(frag)
    row.flush()
    return row.out


def _joined(chain: list[tuple[Fragment, str]]) -> Fragment:
    """One fragment of several, each after its glue (``"= "`` before a bare value), keeping its lines."""
    first = chain[0][0]
    if len(chain) == 1:
        return first
    parts: list[str] = []
    rows: list[Row] = []
    size = -1
    for frag, glue in chain:
        base = size + 1
        for r in frag.rows or (Row(0, frag.line),):
            rows.append(Row(base if r.offset == 0 else base + len(glue) + r.offset, r.line, r.cell_line))
        parts.append(glue + frag.text)
        size = base + len(glue) + len(frag.text)
    error = next((f.error for f, _ in chain if f.error), None)
    end = max(f.block_end for f, _ in chain)
    return Fragment(
        " ".join(parts), first.line, first.display, end, tuple(rows), first.cell, first.cell_line, error
    )


#: What a reader finds: a math block, or a table row (its cells, each a list of blocks).
Unit: TypeAlias = Union[Block, list[list[Block]]]  # noqa: UP007 (a runtime alias on Python 3.10)


def assemble(units: Iterable[Unit], macros: Macros | None = None) -> list[Fragment]:
    """The equations of a document's math blocks and table rows, with its macros expanded."""
    expand = macros.expand if macros else None
    out: list[Fragment] = []
    for unit in units:
        if isinstance(unit, Block):
            out.extend(split_block(unit, expand))
        else:
            out.extend(join_cells([[f for b in cell for f in split_block(b, expand)] for cell in unit]))
    return out


def bodies(units: Iterable[Unit]) -> str:
    """The text of every math block (where a Markdown or HTML document defines its macros)."""
    parts: list[str] = []
    for unit in units:
        for b in [unit] if isinstance(unit, Block) else [b for cell in unit for b in cell]:
            parts.append(b.text[b.start : b.end])
    return "\n".join(parts)
