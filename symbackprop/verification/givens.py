"""Values a document states outside its equations: prose, lists, tables, code blocks.

A derivation's point is often given in words: "the learning rate is 0.5",
"given inputs 0.05 and 0.10, we want the network to output 0.01 and 0.99",
a Markdown table of weights, a list ``- w₁ = 0.001``, or a code block of
``x₁ = 3000`` lines.  This module reads them from the document's text, as
plain data for :mod:`.infer`:

* :func:`named_values`: ``name = number`` (or ``name: number``) outside math,
  and Markdown tables: the column headed like a value (``| w₁ | 0.001 |``
  under ``| name | value |``, or ``| symbol | role | value |``);
* :func:`role_values`: numbers that prose gives to a role (learning rate,
  inputs, targets), to be matched with the network's leaves by their order.

Comments (``<!-- … -->``, ``%`` in LaTeX) are never read: they are not what
the reader sees.  Nothing here parses math.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction

from .prose_arithmetic import in_sentence

__all__ = ["Given", "named_values", "normal_name", "plain_arithmetic", "role_values"]

#: A number as written in prose (a Unicode minus too).
_NUM = r"(?<![\w.])[-−]?(?:\d+(?:\.\d+)?|\.\d+)"

#: A name as written in prose or code: ``w1``, ``w_1``, ``w₁``, ``w_{11}``, ``η``, ``y_true``.
_NAME = (
    r"(?:\\?[A-Za-z\u0370-\u03ff][A-Za-z0-9\u2080-\u2089]*"
    r"(?:_\{?[A-Za-z0-9,]+\}?)*(?:\^\{?[A-Za-z0-9()+]+\}?)?)"
)

_NAME_ONLY = re.compile(_NAME)
_NOT_NEWLINE = re.compile(r"[^\n]")
_DIGIT = re.compile(r"\d")
_ASSIGN = re.compile(rf"(?<![\w\\.])({_NAME})\s*(?:\([^()\n]{{0,30}}\)\s*)?(?:=|:)\s*({_NUM})(?!\w)(?!\.\d)")
_COMMENTS = re.compile(r"<!--.*?-->", re.S)
_TEX_COMMENT = re.compile(r"(?<!\\)%[^\n]*")
_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]*\$|\\\[.*?\\\]|\\\(.*?\\\)|\\begin\{(\w+\*?)\}.*?\\end\{\1\}", re.S)
_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_GREEK = {"η": "eta", "α": "alpha", "θ": "theta", "σ": "sigma", "δ": "delta", "β": "beta", "γ": "gamma"}

#: Words that give numbers to a role, in the order they are listed.
_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("learning rate", re.compile(r"learning[ -]rate|\beta\b|step size", re.I)),
    ("inputs", re.compile(r"\binputs?\b(?! (?:layer|neuron|node|unit))", re.I)),
    ("targets", re.compile(r"\b(?:targets?|desired outputs?|target outputs?|labels?|to output)\b", re.I)),
)
#: A word every match of :data:`_ROLES` begins with (as :data:`_ROLES` matches letters, in any case):
#: the lines worth reading for roles, found in one fast scan of the text.
_ANY_ROLE = re.compile(r"[lbsitd](?:earning|eta|tep size|nput|arget|esired output|abel|o output)", re.I)
_LIST = re.compile(rf"{_NUM}(?:\s*(?:,|and|,\s*and)\s*{_NUM}(?!\w)(?!\.\d))*")


@dataclass(frozen=True)
class Given:
    """A value stated outside math.

    Attributes:
        name: The name as written (normalised by :func:`normal_name`), or the role.
        value: Its exact value.
        line: The 1-based line.
        table: Whether it comes from a table (stated more explicitly than in prose).
        parameter: Whether the table's role column calls it a parameter (``| $c$ | parameter | 0.05 |``).
    """

    name: str
    value: Fraction
    line: int
    table: bool = False
    parameter: bool = False


def normal_name(written: str) -> str:
    """A prose name as a name key: ``w₁`` -> ``w_1``, ``η`` -> ``eta``, ``\\eta`` -> ``eta``."""
    name = written.strip().lstrip("\\")
    for g, word in _GREEK.items():
        name = name.replace(g, word)
    m = re.fullmatch(r"([A-Za-z]+)([\u2080-\u2089]+)", name)
    if m:
        return f"{m.group(1)}_{m.group(2).translate(_SUBSCRIPTS)}"
    return name.translate(_SUBSCRIPTS)


#: A line of plain-text arithmetic: ``=0.67(1−0.67)(−0.17)=−0.0376`` (numbers, operators, ``=`` only).
#: Matched against the stripped line, with no two neighbouring parts that both take spaces: linear time.
_PLAIN = re.compile(r"(?:=>?|⇒)?\s*([-−(]*\d[\d.()+\-−×*·/^ ]*(?:=\s*[-−(]*\d[\d.()+\-−×*·/^ ]*)+)\Z")
_FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,}).*?^\1\2[ \t]*$", re.M | re.S)
_AS_LATEX = {"−": "-", "×": " \\times ", "·": " \\cdot ", "*": " \\cdot "}


def plain_arithmetic(text: str) -> list[tuple[int, str]]:
    """Arithmetic written as plain text outside math and code, as ``(line, LaTeX)``.

    Some documents write their numbers in prose lines such as
    ``=0.67(1−0.67)(−0.17)=−0.0376``: pure arithmetic, checked like any other.
    """
    visible = _FENCE.sub(lambda m: _NOT_NEWLINE.sub(" ", m.group(0)), _visible(text))
    out = []
    for n, line in enumerate(visible.split("\n"), start=1):
        if _DIGIT.search(line) is None:
            continue  # no number: no arithmetic (most lines of a document, and every blanked one)
        m = _PLAIN.match(line.replace("`", " ").strip())
        if m is None or len(re.findall(r"\d+(?:\.\d+)?", m.group(1))) < 3:
            out += [(n, latex) for latex in in_sentence(line)] if m is None else []  # "… 0.3 * 2 = 0.6, as"
            continue
        latex = m.group(1)
        for plain, tex in _AS_LATEX.items():
            latex = latex.replace(plain, tex)
        out.append((n, latex.strip()))
    return out


def _number(text: str) -> Fraction:
    return Fraction(text.replace("−", "-"))


@functools.lru_cache(maxsize=4)
def _visible(text: str) -> str:
    """The text without comments and without math (blanked, so that lines keep their numbers).

    Remembered for the last few texts: the values, the roles and the plain arithmetic of one
    document all read its visible text.
    """

    def blank(m: re.Match[str]) -> str:
        return _NOT_NEWLINE.sub(" ", m.group(0))

    def math(m: re.Match[str]) -> str:
        inner = m.group(0).strip("$").strip()
        if inner.startswith("\\(") or inner.startswith("\\["):
            inner = inner[2:-2].strip()
        if _NAME_ONLY.fullmatch(inner):  # a name in inline math reads as the name: $\eta$ = 0.5
            return inner.ljust(len(m.group(0)))
        return blank(m)

    text = _COMMENTS.sub(blank, text)
    if "\\documentclass" in text or "\\begin{document}" in text:
        text = _TEX_COMMENT.sub(blank, text)
    return _MATH.sub(math, text)


def named_values(text: str) -> list[Given]:
    """``name = number`` outside math (prose, lists, code blocks) and the values of tables."""
    return list(_named_values(text))


@functools.lru_cache(maxsize=4)
def _named_values(text: str) -> tuple[Given, ...]:
    """:func:`named_values`, remembered for the last few texts (a document's are read several times)."""
    out: list[Given] = []
    lines = _visible(text).split("\n")
    raw = _COMMENTS.sub(lambda m: _NOT_NEWLINE.sub(" ", m.group(0)), text).split("\n")
    tabled = set()
    for first, rows in _tables(raw):
        tabled |= set(range(first, first + len(rows) + 2))
        out += _table_values(first, rows)
    for n, line in enumerate(lines, start=1):
        if n in tabled or _DIGIT.search(line) is None:
            continue
        for m in _ASSIGN.finditer(line.replace("`", " ")):
            out.append(Given(normal_name(m.group(1)), _number(m.group(2)), n))
    return tuple(sorted(out, key=lambda g: g.line))


def _cells(row: str) -> list[str]:
    return [c.strip().strip("*").strip("$").strip() for c in row.strip().strip("|").split("|")]


def _tables(lines: list[str]) -> Iterator[tuple[int, list[list[str]]]]:
    """Markdown tables: ``(line of the header, its body rows as cells)``, the header first."""
    i = 0
    while i + 1 < len(lines):
        if lines[i].lstrip().startswith("|") and re.fullmatch(r"\s*\|?[\s:|-]+\|?\s*", lines[i + 1]):
            rows = [_cells(lines[i])]
            j = i + 2
            while j < len(lines) and lines[j].lstrip().startswith("|"):
                rows.append(_cells(lines[j]))
                j += 1
            yield i + 1, rows
            i = j
        else:
            i += 1


def _table_values(first: int, rows: list[list[str]]) -> list[Given]:
    """A table's values: the column headed like a value (``value``, ``initial``, ``old value``),
    or the second of two columns, by the name in the first column."""
    header = [h.lower() for h in rows[0]]
    column = next((k for k, h in enumerate(header) if re.search(r"\bvalue|\binitial|\bold\b", h)), None)
    if column is None and len(header) == 2:
        column = 1
    if column is None or column == 0:
        return []
    role = header.index("role") if "role" in header else None
    out = []
    for k, cells in enumerate(rows[1:], start=first + 2):
        if len(cells) > column and re.fullmatch(_NAME, cells[0]) and re.fullmatch(_NUM, cells[column]):
            parameter = role is not None and len(cells) > role and cells[role].lower() == "parameter"
            out.append(
                Given(normal_name(cells[0]), _number(cells[column]), k, table=True, parameter=parameter)
            )
    return out


def role_values(text: str) -> list[tuple[str, list[Fraction], int]]:
    """Numbers that prose gives to a role, as lists.

    ``inputs 0.05 and 0.10`` gives ``("inputs", [0.05, 0.10], line)``.
    """
    return [(role, list(numbers), line) for role, numbers, line in _role_values(text)]  # the caller's own


@functools.lru_cache(maxsize=4)
def _role_values(text: str) -> tuple[tuple[str, list[Fraction], int], ...]:
    """:func:`role_values`, remembered for the last few texts; only the lines naming a role are read."""
    out: list[tuple[str, list[Fraction], int]] = []
    visible = _visible(text).replace("`", " ").replace("*", " ")
    starts = [m.start() for m in _ANY_ROLE.finditer(visible)]
    lines = visible.split("\n")
    ends = list(itertools.accumulate(len(line) + 1 for line in lines))  # one past each line's newline
    for n in sorted({bisect.bisect_right(ends, i) + 1 for i in starts}):
        plain = lines[n - 1]
        for role, pattern in _ROLES:
            for m in pattern.finditer(plain):
                rest = plain[m.end() : m.end() + 80]
                first = re.search(_NUM, rest)
                if first is None or not _near(rest[: first.start()]):
                    continue
                listed = _LIST.match(rest, first.start())
                if listed is not None:
                    out.append((role, [_number(x) for x in re.findall(_NUM, listed.group(0))], n))
    return tuple(out)


def _near(before: str) -> bool:
    """The number follows the role word closely: a few words, no sentence break, no other name."""
    return len(before.split()) <= 6 and not re.search(r"[.;!?=]|\\", before)
