"""Math in documents: every equation of a document, with the line (and notebook cell) it is on.

One entry point, :func:`read_document`, and one reader per format, registered in
:data:`READERS` (as markdown-it-py adds a syntax with a rule, a format is added
with one :class:`Reader`):

==========  ==========================  =============================================
format      suffixes                    reader
==========  ==========================  =============================================
``md``      .md .markdown .mkd          :mod:`.markdown` (markdown-it-py + mdit-py-plugins)
``tex``     .tex .ltx .latex            :mod:`.latex` (pylatexenc's LatexWalker)
``ipynb``   .ipynb                      :mod:`.notebook` (its Markdown cells)
``html``    .html .htm .xhtml           :mod:`.html` (the standard library's HTMLParser)
==========  ==========================  =============================================

Every reader finds math blocks; :mod:`.blocks` cuts them into equations (rows of
``align``, continued lines, relation chains, table rows) and :mod:`.macros`
expands the macros the document defines.  Nothing here parses the math itself:
that is :mod:`symbackprop.notation.latex`.  All of it is linear in the size of
the document (``tests/test_document_readers.py`` holds the hostile inputs).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .model import CodeValue, Document, Fragment, Reading, Row

__all__ = [
    "READERS",
    "CodeValue",
    "Document",
    "Fragment",
    "Reader",
    "Row",
    "format_of",
    "read_document",
    "register",
]

#: "learning rate ... 0.1" in prose.
_LEARNING_RATE = re.compile(r"learning[ -]rate[^0-9\n]{0,40}?(\d+(?:\.\d+)?|\.\d+)", re.I)


@dataclass(frozen=True)
class Reader:
    """One document format.

    Attributes:
        format: Its name (``"md"``), as given to ``--format``.
        suffixes: File suffixes that mean this format.
        read: Text -> what it holds.
        sniff: Recognises the format from the start of a text with no suffix (``None``: never).
    """

    format: str
    suffixes: tuple[str, ...]
    read: Callable[[str], Reading]
    sniff: re.Pattern[str] | None = None


#: The readers by format, in the order in which a text without a suffix is recognised.
READERS: dict[str, Reader] = {}


def register(reader: Reader) -> None:
    """Add (or replace) the reader of one format."""
    READERS[reader.format] = reader


def _markdown(text: str) -> Reading:
    from .markdown import read_markdown

    return read_markdown(text)


def _latex(text: str) -> Reading:
    from .latex import read_latex

    return read_latex(text)


def _notebook(text: str) -> Reading:
    from .notebook import read_notebook

    return read_notebook(text)


def _html(text: str) -> Reading:
    from .html import read_html

    return read_html(text)


#: How a text without a suffix shows its format (searched in its first 4,000 characters).
_NOTEBOOK = re.compile(r'\A\s*\{\s*"(?:cells|metadata|nbformat)"')
_PAGE = re.compile(r"\A\s*(?:<!--(?:[^-]|-(?!->))*-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I)
_LATEX = re.compile(r"\\documentclass|\\begin\{document\}")

register(Reader("ipynb", (".ipynb",), _notebook, _NOTEBOOK))
register(Reader("html", (".html", ".htm", ".xhtml"), _html, _PAGE))
register(Reader("tex", (".tex", ".ltx", ".latex"), _latex, _LATEX))
register(Reader("md", (".md", ".markdown", ".mkd"), _markdown))


def format_of(name: str | Path | None, text: str = "") -> str:
    """The format of a document: from its suffix, else recognised from its text, else Markdown."""
    if name is not None:
        suffix = Path(name).suffix.lower()
        for reader in READERS.values():
            if suffix in reader.suffixes:
                return reader.format
    head = text[:4000]
    for reader in READERS.values():
        if reader.sniff is not None and reader.sniff.search(head):
            return reader.format
    if re.search(r"\\begin\{align", head) and "$" not in head:
        return "tex"
    return "md"


def read_document(source: str | Path, format: str | None = None) -> Document:
    """Find every equation and value in a document.

    Args:
        source: The document's text, or a :class:`~pathlib.Path` to read it from (within
            the size limit of every input).
        format: A key of :data:`READERS`; from the path's suffix or the text by default.

    Raises:
        ValueError: The format is unknown, or the document cannot be read as one
            (a notebook that is not JSON, LaTeX nested too deeply).
    """
    if isinstance(source, Path):
        from ...files import read_text

        text = read_text(source, "document")
        fmt = format or format_of(source, text)
    else:
        text = source
        fmt = format or format_of(None, text)
    reader = READERS.get(fmt)
    if reader is None:
        msg = f"unknown document format {fmt!r} (use {', '.join(repr(f) for f in READERS)})"
        raise ValueError(msg)
    reading = reader.read(text)
    fragments = tuple(sorted(reading.fragments, key=lambda f: f.line))
    values = tuple(sorted(reading.code_values, key=lambda v: v.line))
    lr = _LEARNING_RATE.search(reading.prose.replace("`", " "))
    learning_rate = (lr.group(1), reading.prose.count("\n", 0, lr.start(1)) + 1) if lr else None
    return Document(text, fmt, fragments, values, learning_rate, reading.prose)
