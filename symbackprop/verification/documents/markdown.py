"""Markdown: a real CommonMark parser (markdown-it-py) with math plugins, never regexes over the text.

Math is what MathJax or KaTeX would typeset on the rendered page:

* ``$...$``, ``$$...$$`` (inline, or on lines of their own), from mdit-py-plugins'
  dollarmath; a ``$`` after a digit or before one is a price, not math
  (``$5 and $6``), and ``\\$`` is a dollar;
* ``\\begin{align}...\\end{align}`` and the other environments at the start of a
  line, from mdit-py-plugins' amsmath;
* ``\\(...\\)``, ``\\[...\\]``, and kramdown's ``\\\\(...\\\\)`` / ``\\\\[...\\\\]``;
* fenced ``math`` blocks;
* math in text inside HTML blocks (``<details>``), as MathJax would find it.

Code spans, fenced and indented code, and HTML comments never start math: the
parser has already made them code or HTML.  Inline code that states a value
(`` `x = 1.0` ``) is kept as a :class:`~.model.CodeValue`.  Table rows become
equations with :func:`~.blocks.join_cells`.

The plugins' block rules look for a closing line from every candidate line to
the end of the document; here they are replaced by rules that remember where a
search already failed, so that reading stays linear in the document's size.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.ruler import RuleOptionsType
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline.backticks import backtick
from markdown_it.rules_inline.image import image
from markdown_it.token import Token
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.dollarmath.index import math_inline_dollar
from mdit_py_plugins.front_matter import front_matter_plugin

from .blocks import LAYOUT, Block, Unit, assemble, bodies
from .html import html_math
from .macros import collect
from .markdown_headed import index_blocks, value_blocks
from .model import Lines, Reading, code_value
from .tables import point_blocks
from .textmath import image_formula

__all__ = ["read_markdown", "read_markdown_units"]

#: Environments that start display math at the beginning of a line (as MathJax reads them).
ENVIRONMENTS = tuple(sorted(LAYOUT | {"matrix", "pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix"}))

#: Inline openers other than ``$``: (opening, closing, display), longest first.
_BRACKETS = (
    ("\\\\(", "\\\\)", False),
    ("\\\\[", "\\\\]", True),
    ("\\(", "\\)", False),
    ("\\[", "\\]", True),
)

#: Inline math that is only a number: it is read in the prose too.
_BARE_NUMBER = re.compile(r"\s*-?\d+(?:\.\d+)?\s*")

#: Lines that open a display block, and what closes it.
_BLOCK_OPENERS = (("$$", "$$"), ("\\\\[", "\\\\]"), ("\\[", "\\]"))
_OPENINGS = tuple(opening for opening, _ in _BLOCK_OPENERS)
_BLANK = re.compile(r"[ \t>]*")
_ENV_OPEN = re.compile(r"\\begin\{(" + "|".join(re.escape(e) for e in ENVIRONMENTS) + r")\}")

#: Block rules may interrupt these (a display block after a line of text).
_ALT: RuleOptionsType = {"alt": ["paragraph", "reference", "blockquote", "list"]}


def _positioned(rule: Callable[[StateInline, bool], bool]) -> Callable[[StateInline, bool], bool]:
    """``rule``, recording where in the paragraph the token it pushes starts and ends."""

    def wrapped(state: StateInline, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        ok = rule(state, silent)
        if ok and not silent and len(state.tokens) > count:
            token = state.tokens[-1]  # pending text before it is pushed first
            token.meta = {**token.meta, "pos": start, "end": state.pos}
        return ok

    return wrapped


def _failed(state: StateInline) -> dict[tuple[int, str], int]:
    """Where searches for a closing delimiter already failed, by paragraph (kept for one parse)."""
    memo: dict[tuple[int, str], int] = state.env.setdefault("symbackprop_failed", {})
    return memo


def _bracket_math(state: StateInline, silent: bool) -> bool:
    r"""``\(...\)``, ``\[...\]`` and kramdown's ``\\(...\\)`` inside a paragraph."""
    src, pos = state.src, state.pos
    if src[pos] != "\\":
        return False
    found = next((b for b in _BRACKETS if src.startswith(b[0], pos)), None)
    if found is None:
        return False
    opening, closing, display = found
    memo = _failed(state)
    key = (id(src), closing)
    begin = pos + len(opening)
    end = -1 if memo.get(key, len(src) + 1) <= begin else src.find(closing, begin)
    if end < 0:
        memo[key] = min(memo.get(key, begin), begin)
        return False
    if end == begin:
        return False
    if not silent:
        token = state.push("math_inline_double" if display else "math_inline", "math", 0)
        token.content = src[begin:end]
        token.markup = opening
    state.pos = end + len(closing)
    return True


class _LineIndex:
    """The document's lines, indexed once per parse: blank lines, and lines that end with a closer.

    A line of spaces and ``>`` only counts as blank (it ends a block inside a quote too).
    Finding the closing line of a block is then a bisection, not a scan, so that a
    thousand unclosed ``$$`` lines cost a thousand look-ups, not a million line reads.
    """

    def __init__(self, src: str) -> None:
        self.lines = src.split("\n")
        self.blank = [n for n, t in enumerate(self.lines) if _BLANK.fullmatch(t)]
        self.blank_set = frozenset(self.blank)
        self.closers: dict[str, list[int]] = {}

    def _after_blanks(self, line: int) -> int:
        """The first line from ``line`` on that is not blank."""
        while line in self.blank_set:
            line += 1
        return line

    def closing_line(self, start: int, end: int, closing: str) -> int | None:
        """The first line from ``start`` on that ends with ``closing``, before ``end``.

        Blank lines may come just after the opening line and just before the closing
        one (``$$``, a blank line, the math, ``$$``), not between lines of math: an
        unclosed ``$$`` must not pair with the next block's and swallow the prose between.
        """
        found = self.closers.get(closing)
        if found is None:
            found = self.closers[closing] = [
                n for n, t in enumerate(self.lines) if t.rstrip().endswith(closing)
            ]
        first = self._after_blanks(start)
        k = bisect.bisect_left(found, first)
        if k == len(found) or found[k] >= end:
            return None
        b = bisect.bisect_left(self.blank, first)
        if b < len(self.blank) and self.blank[b] < found[k] and self._after_blanks(self.blank[b]) < found[k]:
            return None
        return found[k]


def _index(state: StateBlock) -> _LineIndex:
    index = state.env.get("symbackprop_lines")
    if index is None:
        index = state.env["symbackprop_lines"] = _LineIndex(state.src)
    return index


def _display_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    r"""``$$`` / ``\[`` / ``\\[`` ... on lines of their own (or one line), no blank line inside."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    begin = state.bMarks[start] + state.tShift[start]
    if not state.src.startswith(_OPENINGS, begin):  # most lines: no slice, no search
        return False
    first = state.src[begin : state.eMarks[start]]
    pair = next((b for b in _BLOCK_OPENERS if first.startswith(b[0])), None)
    if pair is None:
        return False
    opening, closing = pair
    rest = first[len(opening) :].rstrip()
    if closing in rest and not rest.endswith(closing):
        return False  # "$$a$$ and more": a paragraph with inline math
    found = start if rest.endswith(closing) else _index(state).closing_line(start + 1, end, closing)
    if found is None:
        return False
    last = found
    if silent:
        return True
    lines = [first[len(opening) :]]
    lines += [
        state.src[state.bMarks[n] + state.tShift[n] : state.eMarks[n]] for n in range(start + 1, last + 1)
    ]
    content = "\n".join(lines).rstrip()
    token = state.push("math_block", "math", 0)
    token.block = True
    token.content = content[: -len(closing)]
    token.markup = opening
    token.map = [start, last + 1]
    state.line = last + 1
    return True


def _environment_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    r"""``\begin{align}`` ... ``\end{align}`` starting a line (amsmath's rule, bounded)."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    begin = state.bMarks[start] + state.tShift[start]
    m = _ENV_OPEN.match(state.src, begin, state.eMarks[start])
    if m is None:
        return False
    closing = "\\end{" + m.group(1) + "}"
    found = _index(state).closing_line(start, end, closing)
    if found is None:
        return False
    if silent:
        return True
    lines = [state.src[state.bMarks[n] + state.tShift[n] : state.eMarks[n]] for n in range(start, found + 1)]
    token = state.push("amsmath", "math", 0)
    token.block = True
    token.content = "\n".join(lines)
    token.map = [start, found + 1]
    state.line = found + 1
    return True


@functools.lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """The CommonMark parser with tables, front matter and the math rules."""
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.use(front_matter_plugin)
    md.use(
        dollarmath_plugin, allow_labels=False, allow_digits=False, allow_blank_lines=False, double_inline=True
    )
    md.use(amsmath_plugin)
    md.inline.ruler.at("math_inline", _positioned(math_inline_dollar(True, False, True)))
    md.inline.ruler.before("math_inline", "math_bracket", _positioned(_bracket_math))
    md.inline.ruler.at("backticks", _positioned(backtick))
    md.inline.ruler.at("image", _positioned(image))
    md.block.ruler.at("math_block", _display_block, _ALT)
    md.block.ruler.at("amsmath", _environment_block, _ALT)
    return md


class _Table:
    """The cells of the table being walked, as written, for its table of values (:mod:`.tables`)."""

    def __init__(self) -> None:
        self.header: list[str] | None = None
        self.rows: list[tuple[list[str], int]] = []
        self.row: list[str] | None = None
        self.line = 0

    def open_row(self, token: Token) -> None:
        self.row, self.line = [], token.map[0] + 1 if token.map else 0

    def cell(self, token: Token) -> None:
        if self.row is not None:
            self.row.append(token.content)

    def close_row(self) -> None:
        if self.row is not None and self.header is None:
            self.header = self.row
        elif self.row is not None:
            self.rows.append((self.row, self.line))
        self.row = None

    def close(self) -> list[Block]:
        header = self.header or []
        blocks = [*point_blocks(header, self.rows), *index_blocks(header, self.rows)]
        blocks += value_blocks(header, self.rows)
        self.header, self.rows = None, []
        return blocks


class _Walk:
    """The parser's tokens walked once: math blocks, table rows, code values, prose."""

    def __init__(self, text: str) -> None:
        self.reading = Reading()
        self.units: list[Unit] = []
        self.prose: dict[int, list[str]] = {}
        self.row: list[list[Block]] | None = None
        self.lines = text.count("\n") + 1
        self.table = _Table()

    def block(self, token: Token) -> None:
        assert token.map is not None
        first = token.map[0] + 1 if token.type != "fence" else token.map[0] + 2
        lines = Lines(token.content, first)
        self._add(Block(token.content, 0, len(token.content), lines.line, True, token.map[1]))

    def html(self, token: Token) -> None:
        assert token.map is not None
        blocks, prose = html_math(token.content, token.map[0] + 1)
        for b in blocks:
            self._add(b)
        for line, words in prose:
            self.prose.setdefault(line, []).append(words)

    def inline(self, token: Token) -> None:
        assert token.map is not None
        src = token.content
        lines: Lines | None = None
        line = token.map[0] + 1
        for child in token.children or ():
            pos = child.meta.get("pos") if child.meta else None
            if pos is not None:
                lines = lines or Lines(src, token.map[0] + 1)
                line = lines.line(pos)
                self._inline_child(child, src, pos, lines)
                line = lines.line(max(child.meta["end"] - 1, pos))
            elif child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "text":
                self.prose.setdefault(line, []).append(child.content)

    def _inline_child(self, child: Token, src: str, pos: int, lines: Lines) -> None:
        if child.type == "image":
            formula = image_formula(str(child.attrs.get("src", "")), child.content)
            if formula:
                line = lines.line(pos)
                self._add(Block(formula, 0, len(formula), Lines(formula, line).line, False, line))
            return
        if child.type == "code_inline":
            line = lines.line(pos)
            self.prose.setdefault(line, []).append(child.content)
            value = code_value(child.content, line)
            if value is not None:
                self.reading.code_values.append(value)
            return
        begin = pos + len(child.markup)
        end = begin + len(child.content)
        display = child.type == "math_inline_double"
        if not display and _BARE_NUMBER.fullmatch(child.content):  # "learning rate $0.1$": a number in words
            self.prose.setdefault(lines.line(pos), []).append(child.content.strip())
        self._add(Block(src, begin, end, lines.line, display, lines.line(end)))

    def _add(self, b: Block) -> None:
        if self.row is not None:
            if not self.row:
                self.row.append([])
            self.row[-1].append(b)
        else:
            self.units.append(b)

    def walk(self, tokens: list[Token]) -> None:
        for token in tokens:
            kind = token.type
            if kind in ("math_block", "amsmath") or (
                kind == "fence" and token.info.strip().lower() == "math"
            ):
                self.block(token)
            elif kind == "html_block":
                self.html(token)
            elif kind == "inline":
                self.inline(token)
                self.table.cell(token)
            elif kind == "tr_open":
                self.row = []
                self.table.open_row(token)
            elif kind in ("th_open", "td_open") and self.row is not None:
                self.row.append([])
            elif kind == "tr_close" and self.row is not None:
                self.units.append(self.row)
                self.row = None
                self.table.close_row()
            elif kind == "table_close":
                self.units.extend(self.table.close())

    def prose_text(self) -> str:
        return "\n".join(" ".join(self.prose.get(n, ())) for n in range(1, self.lines + 1))


def read_markdown_units(text: str) -> tuple[Reading, list[Unit]]:
    """The math blocks and table rows of a Markdown document (not cut yet), its code values and prose."""
    walk = _Walk(text)
    walk.walk(parser().parse(text))
    walk.reading.prose = walk.prose_text()
    return walk.reading, walk.units


def read_markdown(text: str) -> Reading:
    """The equations, code values and prose of a Markdown document."""
    reading, units = read_markdown_units(text)
    reading.fragments = assemble(units, collect(bodies(units)))
    return reading
