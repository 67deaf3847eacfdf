"""The registry of output formats: one :class:`Format` entry per format.

An entry says everything that differs between formats: its name (the CLI's
``--format`` choice), the file suffixes that select it (``-o notes.tex``), its
walkthrough template and the Jinja settings that template needs, how free text
is escaped, how a :class:`~symbackprop.output.tables.Table` is laid out, and how
a verdict is set off.  The template context is the same for every format:
templates escape text with the format's ``escape_text`` filter and lay tables
out with its ``table`` filter.

Markdown (``md``) and LaTeX (``tex``) are registered here.  A new format (HTML,
Typst) is one more :func:`register_format` call with its template.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..errors import InputError
from .breaking import TEXT_WIDTH_PT, line_filters
from .latex_text import escape_latex as _ascii_latex
from .latex_text import latex_number
from .tables import Cell, Math, Number, Table, Text, cell_width
from .widths import LATEX_EM_PT, text_width

__all__ = [
    "FORMATS",
    "LATEX",
    "MARKDOWN",
    "Format",
    "escape_latex",
    "escape_markdown",
    "format_for_path",
    "format_names",
    "get_format",
    "latex_array",
    "latex_tabular",
    "markdown_table",
    "one_line",
    "register_format",
    "unregister_format",
]


@dataclass(frozen=True)
class Format:
    """One output format.

    Attributes:
        name: What ``--format`` and ``render(source, name)`` call it.
        description: A few words for ``--help``.
        suffixes: Output file suffixes that select it, lower case, the first the usual one.
        template: The walkthrough template: a file name looked up among the bundled
            templates, or a path.
        escape: Free text (a title, a verdict) as this format's text.
        table: A :class:`~symbackprop.output.tables.Table` laid out in this format.
        strong: Text set off as a verdict (bold).
        jinja: Extra ``jinja2.Environment`` settings (delimiters) for its templates.
        filters: Extra Jinja filters for its templates (the line breaking of :mod:`.breaking`).
    """

    name: str
    description: str
    suffixes: tuple[str, ...]
    template: str | Path
    escape: Callable[[str], str]
    table: Callable[[Table], str]
    strong: Callable[[str], str]
    jinja: Mapping[str, Any] = field(default_factory=dict)
    filters: Mapping[str, Callable[..., Any]] = field(default_factory=dict)


# ------------------------------------------------------------------ free text

_WHITESPACE_RUN = re.compile(r"\s+")


def one_line(text: str) -> str:
    """Free text (a title) as one line: whitespace runs as one space, control characters dropped.

    Line breaks, carriage returns and tabs are whitespace; no space is left at
    either end.  A title is a heading: a newline would end it early, and a
    carriage return or an escape sequence would be copied into the file (or a
    terminal) as is.
    """
    kept = "".join(c for c in text if c.isspace() or unicodedata.category(c) != "Cc")
    return _WHITESPACE_RUN.sub(" ", kept).strip()


# ------------------------------------------------------------------ Markdown

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}#|$!])")


def escape_markdown(text: str) -> str:
    """Text that Markdown shows as written, on one line: HTML and Markdown punctuation escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(one_line(text), quote=False))


def _markdown_cell(cell: Cell) -> str:
    if isinstance(cell, Math):
        text = "$%s$" % cell.latex.replace("|", r"\|") if cell.latex else ""
    elif isinstance(cell, Number):
        text = cell.marked
    else:
        text = escape_markdown(cell.text)
    return text.replace("\n", " ")


def markdown_table(table: Table) -> str:
    """A GitHub-flavoured Markdown table, without a trailing newline."""
    lines = [
        "| " + " | ".join(escape_markdown(label) for label in table.labels) + " |",
        "|" + "---|" * len(table.columns),
    ]
    lines += ["| " + " | ".join(_markdown_cell(c) for c in row) + " |" for row in table.rows]
    return "\n".join(lines)


# ------------------------------------------------------------------ LaTeX


def escape_latex(text: str) -> str:
    """Text that LaTeX typesets as written, on one line, in pure ASCII (see :mod:`.latex_text`)."""
    return _ascii_latex(one_line(text))


def _tabular_cell(cell: Cell) -> str:
    if isinstance(cell, Math):
        return "$%s$" % cell.latex if cell.latex else ""
    if isinstance(cell, Number):
        return latex_number(cell.text, cell.approx)
    return escape_latex(cell.text)


#: ``\tabcolsep`` on both sides of a cell, in em.
_CELL_PADDING_EM = 2 * 6 / LATEX_EM_PT


_natural_width = cell_width  # a cell's width on one line, in em (one estimate for every table)


def _wrapped_columns(table: Table, width_pt: float) -> dict[int, float]:
    """Text columns to wrap, with their width in em, so that the table fits ``width_pt``.

    The widest text columns are wrapped first, each to an equal share of what the others leave.
    """
    natural = [
        max([text_width(label), *(_natural_width(row[i]) for row in table.rows)]) + _CELL_PADDING_EM
        for i, label in enumerate(table.labels)
    ]
    budget = width_pt / LATEX_EM_PT
    texts = sorted(
        (i for i in range(len(natural)) if any(isinstance(row[i], Text) for row in table.rows)),
        key=lambda i: -natural[i],
    )
    if sum(natural) <= budget:
        return {}
    for k in range(1, len(texts) + 1):
        chosen = texts[:k]
        share = (budget - sum(n for i, n in enumerate(natural) if i not in chosen)) / k - _CELL_PADDING_EM
        if share >= 6 and all(natural[i] > share for i in chosen):
            return dict.fromkeys(chosen, share)
    return {}


def latex_tabular(table: Table, width_pt: float = TEXT_WIDTH_PT) -> str:
    """A ``tabular`` with rules above and below the header (text mode), without a trailing newline.

    When the table would be wider than ``width_pt``, its widest text columns wrap (ragged right).
    """
    wrapped = _wrapped_columns(table, width_pt)

    def cell(i: int, text: str) -> str:
        if i not in wrapped:
            return text
        return r"\parbox[t]{%.1fem}{\raggedright %s}" % (wrapped[i], text)

    lines = [
        r"\begin{tabular}{%s}" % ("l" * len(table.columns)),
        r"\hline",
        " & ".join(escape_latex(label) for label in table.labels) + r" \\",
        r"\hline",
        *[" & ".join(cell(i, _tabular_cell(c)) for i, c in enumerate(row)) + r" \\" for row in table.rows],
        r"\hline",
        r"\end{tabular}",
    ]
    return "\n".join(lines)


def _array_cell(cell: Cell) -> str:
    if isinstance(cell, Math):
        return cell.latex
    if isinstance(cell, Number):
        return r"\approx " + cell.text if cell.approx else cell.text
    return r"\text{%s}" % escape_latex(cell.text)


def latex_array(table: Table) -> str:
    """A display-math ``array`` (for MathJax, which has no ``tabular``): bold header, text in ``\\text``."""
    body = [" & ".join(r"\textbf{%s}" % escape_latex(label) for label in table.labels)]
    body += [" & ".join(_array_cell(c) for c in row) for row in table.rows]
    return "$$\n\\begin{array}{%s}\n%s\n\\end{array}\n$$" % ("l" * len(table.columns), " \\\\\n".join(body))


#: LaTeX-safe Jinja delimiters: ``{{{`` and ``{#1}`` are everyday TeX.
LATEX_JINJA: Mapping[str, Any] = MappingProxyType(
    {
        "block_start_string": r"\BLOCK{",
        "block_end_string": "}",
        "variable_start_string": r"\VAR{",
        "variable_end_string": "}",
        "comment_start_string": r"\#{",
        "comment_end_string": "}",
        "line_statement_prefix": "%%",
        "line_comment_prefix": "%#",
    }
)


# ------------------------------------------------------------------ the registry

MARKDOWN = Format(
    name="md",
    description="Markdown with $...$ math",
    suffixes=(".md", ".markdown"),
    template="walkthrough.md.j2",
    escape=escape_markdown,
    table=markdown_table,
    strong="**{}**".format,
    filters=line_filters(TEXT_WIDTH_PT),
)

LATEX = Format(
    name="tex",
    description="LaTeX: a fragment, or a document with --standalone",
    suffixes=(".tex",),
    template="walkthrough.tex.j2",
    escape=escape_latex,
    table=latex_tabular,
    strong=r"\textbf{{{}}}".format,
    jinja=LATEX_JINJA,
    filters=line_filters(TEXT_WIDTH_PT),
)

#: Every registered format, by name, in the order registered (the first is the default).
FORMATS: dict[str, Format] = {}


def register_format(fmt: Format, *, replace: bool = False) -> Format:
    """Add a format (``replace=True`` to redefine one); return it."""
    if fmt.name in FORMATS and not replace:
        msg = f"format {fmt.name!r} is already registered"
        raise ValueError(msg)
    FORMATS[fmt.name] = fmt
    return fmt


def unregister_format(name: str) -> None:
    """Remove a format (the built-in ones too, so use with care)."""
    del FORMATS[name]


def format_names() -> tuple[str, ...]:
    """The names of the registered formats: the ``--format`` choices."""
    return tuple(FORMATS)


def get_format(name: str | Format) -> Format:
    """The format called ``name`` (a :class:`Format` is returned as is)."""
    if isinstance(name, Format):
        return name
    try:
        return FORMATS[name]
    except KeyError:
        msg = f"unknown format {name!r}; use one of {', '.join(FORMATS)}"
        raise InputError(msg) from None


def format_for_path(path: str | Path | None, default: str = MARKDOWN.name) -> Format:
    """The format an output file's suffix selects (any case), else ``default``."""
    if path is not None:
        suffix = Path(path).suffix.lower()
        for fmt in FORMATS.values():
            if suffix in fmt.suffixes:
                return fmt
    return get_format(default)


register_format(MARKDOWN)
register_format(LATEX)
