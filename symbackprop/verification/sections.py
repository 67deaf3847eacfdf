"""How a document's equations hang together: rows that continue a chain, and separate problems.

* :func:`rows`: the statements of a document, with the rows that continue
  the chain of the row before (``&= 0.3775`` under ``net_{h1} &= …``), a first
  side on a line of its own (``\\frac{\\partial out}{\\partial net}`` then
  ``&= out(1 - out)``), in display math only: ``$w_1 = 0.5$, learning rate
  $= 0.1$`` in prose does not give ``w_1`` a second value (table cells are
  joined by :func:`~.documents.blocks.join_cells`).
* :func:`problems`: where each problem of an exercise sheet starts, so that
  ``y = (3x + 1)^2`` in one exercise and ``y = \\sigma(2x - 1)`` in the next are
  judged each with its own network.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

from sympy import Expr, Symbol

from .antiderivative import Antiderivatives
from .documents import Document, Fragment, Row
from .documents.blocks import relation_shape
from .sizes import size_letters
from .statements import BODY, Statement, fragment_statements, is_name, is_number

__all__ = ["headings", "problems", "rows"]

#: Headings, by level: Markdown ``#``…``######``, LaTeX sectioning commands.
_HEADING = re.compile(r"^(#{1,6})\s|^\s*\\(section|subsection|subsubsection|paragraph)\*?\{", re.M)
_LEVELS = {"section": 1, "subsection": 2, "subsubsection": 3, "paragraph": 4}


# ------------------------------------------------------------------- rows


@dataclasses.dataclass
class _Rows:
    """The statements read so far, and what the next row may continue."""

    out: list[Statement] = dataclasses.field(default_factory=list)
    continues: set[int] = dataclasses.field(default_factory=set)
    pending: tuple[int, str] | None = None  # a lone first side: (its block, its text)

    def add(self, frag: Fragment, found: list[Statement]) -> None:
        """The statements of one fragment, the first continuing the row before when it starts with ``=``."""
        first = found[0]
        if frag.display and not first.error and len(first.sides) > 1 and not first.sides[0].strip():
            prev = self.out[-1] if self.out else None
            if self.pending is not None and self.pending[0] == frag.block_end:
                first.sides[0] = self.pending[1]
            elif (
                prev is not None
                and prev.block_end == frag.block_end
                and not prev.error
                and prev.sides[0].strip()
            ):
                first.sides[0] = prev.sides[0]
                self.continues.add(len(self.out))
        self.pending = None
        self.out.extend(found)


#: ``x_1 = 0, y = 1``: givens, each a name and a number.
_GIVEN = re.compile(r"([^=,]+)=\s*(?:[-−]\s*)?\d+(?:\.\d+)?")

#: Why a line of givens is not read: the line before gives the same names other numbers.
OTHER_CASE = "another case: the line before gives the same names (a list of examples)"


def _given_names(text: str) -> frozenset[str] | None:
    """The names of a line of two or more givens (``x_1 = 0, x_2 = 1, y = 1``), else ``None``."""
    parts = text.strip().rstrip(".;").split(",")
    found = [_GIVEN.fullmatch(p.strip()) for p in parts]  # stripped: no two parts that take spaces
    if len(parts) < 2 or not all(found):
        return None
    return frozenset(re.sub(r"\s+", "", m.group(1)) for m in found if m)


#: ``w = -2`` in inline math: one name given one number.
_ONE_GIVEN = re.compile(r"\s*([A-Za-z\\][^=,]{0,40}?)\s*=\s*((?:[-−]\s*)?\d+(?:\.\d+)?)\s*")

#: Why a second inline value of a name on the same line is not read as a claim.
OTHER_VALUE = "another value of the same name on the line (from one value to another): not a claim"

#: A row that holds only a relation sign: ``=`` on a line of its own.
_RELATION_ONLY = re.compile(r"(?:=|\\approx|\\simeq|:=)?")


def _by_row(frag: Fragment) -> list[Fragment]:
    """A fragment cut before each row that starts with a relation on a line of its own (``&= 0.3775``),
    so that each such row is a statement of its own, on its line, that continues the one above
    (display math only: the cells of one table row stay one statement)."""
    if len(frag.rows) < 2 or not frag.display:
        return [frag]
    ends = [r.offset for r in frag.rows[1:]] + [len(frag.text)]
    groups: list[list[tuple[Row, str]]] = []
    for row, end in zip(frag.rows, ends):
        piece = frag.text[row.offset : end]
        if not groups or (row.line > groups[-1][0][0].line and relation_shape(piece).starts_with_relation):
            groups.append([])
        groups[-1].append((row, piece))
    if len(groups) < 2:
        return [frag]
    out = []
    for group in groups:
        base = group[0][0].offset
        text = "".join(piece for _, piece in group)
        lead = len(text) - len(text.lstrip())
        rows = tuple(Row(max(r.offset - base - lead, 0), r.line, r.cell_line) for r, _ in group)
        # a row of only ``=`` is written where the next row's right side starts
        first = next(
            (r for r, piece in group if _RELATION_ONLY.fullmatch(piece.strip()) is None), group[0][0]
        )
        cell_line = first.cell_line if first.cell_line is not None else frag.cell_line
        rows = (Row(0, first.line, cell_line), *rows[1:])
        out.append(
            Fragment(
                text.strip(), first.line, frag.display, frag.block_end, rows, frag.cell, cell_line, frag.error
            )
        )
    return out


@dataclasses.dataclass
class _InlineValues:
    """The values that inline math on the current line has given, by name."""

    line: int = 0
    numbers: dict[str, str] = dataclasses.field(default_factory=dict)

    def read(self, frag: Fragment) -> Fragment:
        """``frag``, marked :data:`OTHER_VALUE` when its line gave its name another number before."""
        one = None if frag.display else _ONE_GIVEN.fullmatch(frag.text)
        if one is None:
            return frag
        if self.line != frag.line:
            self.line, self.numbers = frag.line, {}
        name, number = re.sub(r"\s+", "", one.group(1)), re.sub(r"\s+", "", one.group(2))
        if self.numbers.setdefault(name, number) != number and not frag.error:
            return dataclasses.replace(frag, error=OTHER_VALUE)
        return frag


def rows(doc: Document) -> tuple[list[Statement], set[int]]:
    """The document's statements, and which of them continue the chain of the row before.

    A continuing row's empty first side becomes the first side of the row it
    continues (in place); its numbers are judged against the last numbers of
    that row.  A relation sign alone (``$\\approx$`` in prose) is no equation.
    """
    state = _Rows()
    cases: tuple[int, frozenset[str] | None] = (0, None)  # the last line of givens, and its names
    functions: dict[str, list[str]] = {}  # the document's functions defined so far
    inline = _InlineValues()
    sizes = size_letters(doc.text)  # N of \sum_{i=1}^{N} anywhere in the document: read at one size
    fragments = [row for whole in doc.fragments for row in _by_row(whole)]
    slopes = Antiderivatives(fragments, [line for line, _ in headings(doc.text)])  # dL/dw = 2w - 6
    for k, frag in enumerate(fragments):
        slopes.enter(k, functions, BODY)
        given = _given_names(frag.text)
        if given is not None and cases == (frag.line - 1, given) and not frag.error:
            frag = dataclasses.replace(frag, error=OTHER_CASE)
        frag = inline.read(frag)
        cases = (frag.line, given) if given is not None else cases
        found = fragment_statements(frag, sizes, functions)
        found = [st for st in found if st.error or "".join(st.sides).strip()]  # a side not blank
        for st in found:  # L(3) = 1 beside L(0) = 12, with dL/dw given: the constant is unknown
            st.error = st.error or slopes.unknown_at(k, st.sides)
        if found:
            state.add(frag, found)
        else:
            lone = frag.text.strip()
            keep = frag.display and lone and not lone.startswith("\\text")
            state.pending = (frag.block_end, lone) if keep else None
    return state.out, state.continues


# --------------------------------------------------------------- problems


def headings(text: str) -> list[tuple[int, int]]:
    """``(line, level)`` of every heading."""
    out = []
    for m in _HEADING.finditer(text):
        level = len(m.group(1)) if m.group(1) else _LEVELS[m.group(2)]
        out.append((text.count("\n", 0, m.start()) + 1, level))
    return out


def _defines(st: Statement) -> tuple[Symbol, Expr] | None:
    """``(name, expression)`` when a statement defines a name by a formula."""
    if st.error or not is_name(st.parsed[0]) or is_number(st.parsed[1]):
        return None
    n, rhs = st.parsed[0].expr, st.parsed[1]
    if n in rhs.free() or not rhs.free() - set(rhs.numbers):
        return None
    return n, rhs.exact()


def _gives(st: Statement) -> tuple[Symbol, Expr] | None:
    """``(name, value)`` when a statement gives a name a number (``y = 1``)."""
    if st.error or len(st.parsed) != 2 or not is_name(st.parsed[0]) or not is_number(st.parsed[1]):
        return None
    return st.parsed[0].expr, st.parsed[1].exact()


def _gives_exactly(st: Statement) -> tuple[Symbol, Expr] | None:
    """:func:`_gives`, written with ``=``: a value written with ``≈`` (``L \\approx 0.1441``, a
    table's row of results) is a computed result, never a given that starts a new problem."""
    return _gives(st) if "≈" not in st.ops else None


@dataclasses.dataclass
class _Problems:
    """Reading the statements for redefinitions that start a new exercise."""

    statements: list[Statement]
    heads: list[tuple[int, int]]
    starts: list[int] = dataclasses.field(default_factory=lambda: [0])
    levels: list[int] = dataclasses.field(default_factory=list)
    defined: dict[Symbol, tuple[Expr, int]] = dataclasses.field(default_factory=dict)
    seen: dict[Symbol, int] = dataclasses.field(default_factory=dict)  # first line a name is a subject

    def read(self, i: int, st: Statement) -> None:
        if not st.error and is_name(st.parsed[0]):
            self.seen.setdefault(st.parsed[0].expr, st.line)
        found = _defines(st) or _gives_exactly(st)
        if found is None:
            return
        n, expr = found
        if n in self.defined and self.defined[n][0] != expr:
            self.conflict(i, st, n, expr)
        if _defines(st) is not None:
            self.defined.setdefault(n, (expr, st.line))

    def conflict(self, i: int, st: Statement, n: Symbol, expr: Expr) -> None:
        """``n`` defined again: a new exercise if a heading lies between and nothing older is used,
        or if it is a function written with its arguments (``f(x) = e^x``): another example."""
        since = self.defined[n][1]
        between = [(level, line) for line, level in self.heads if since < line <= st.line]
        older = [self.seen[m] for m in expr.free_symbols if m in self.seen and m != n]
        if st.function and i > self.starts[-1]:
            j = i  # ``f(x) = 1/x`` after ``f(x, y) = x y``: another function, another example
        elif not between or any(line < min(between)[1] for line in older):
            return  # the same problem, told in more detail
        else:
            level, head = min(between)
            self.levels.append(level)
            j = next(k for k in range(self.starts[-1], i + 1) if self.statements[k].line >= head)
        if j > self.starts[-1]:
            self.starts.append(j)
        self.defined = {}
        for earlier in self.statements[j:i]:
            if (d := _defines(earlier)) is not None:
                self.defined.setdefault(d[0], (d[1], earlier.line))

    def all_exercises(self) -> Iterator[int]:
        """On an exercise sheet, every heading of the level its exercises were split at starts one."""
        if not self.levels:
            return
        for line, level in self.heads:
            if level <= min(self.levels):
                k = next((k for k, st in enumerate(self.statements) if st.line >= line), 0)
                if k > 0:
                    yield k


def problems(statements: list[Statement], text: str) -> list[int]:
    """Where each problem of a document starts (statement indices; the first is 0).

    A name defined again by another formula, or given a number, after a
    heading starts a new problem there (at the highest heading in between),
    unless the new formula uses names the document gave before that heading:
    then it is the same problem, told in more detail.
    """
    state = _Problems(statements, headings(text))
    for i, st in enumerate(statements):
        state.read(i, st)
    starts = sorted(set(state.starts) | set(state.all_exercises()))
    kept = starts[:1]
    for start in starts[1:]:
        if not _recalls(statements[kept[-1] : start], statements[start:]):
            kept.append(start)
    return kept


def _recalls(before: list[Statement], after: list[Statement]) -> bool:
    """Whether a problem opens by recalling what the one before computed ("using the values from
    Question 4: ``e \\approx -0.2891``, ``z = 0.9``"): then it is that problem's next part.

    The givens it opens with must repeat, number for number, at least one value the problem
    before computed (the number its definition's chain ended on) and contradict none it stated.
    """
    known: dict[Symbol, Expr] = {}
    computed: set[Symbol] = set()
    for st in before:
        if (given := _gives(st)) is not None:
            known[given[0]] = given[1]
        elif _defines(st) is not None and len(st.parsed) > 2 and is_number(st.parsed[-1]):
            known[st.parsed[0].expr] = st.parsed[-1].exact()
            computed.add(st.parsed[0].expr)
    recalled = False
    for st in after:
        if (given := _gives(st)) is None:
            break
        name, value = given
        if name in known and known[name] != value:
            return False
        recalled = recalled or name in computed
    return recalled
