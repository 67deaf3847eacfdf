"""Roles a LaTeX table gives its names: ``$c$ & parameter & 0.05`` under ``symbol & role & value``.

:func:`~.givens.named_values` reads the role column of a Markdown table; a LaTeX
``tabular`` says the same, often with its columns set side by side to save
space (``symbol & role & value & symbol & role & value``).  A name the table
calls a parameter is one, whatever its letter: ``c``, the output's bias, is no
input because it is not called ``b``.  Nothing here parses math: a cell is a
name when it is one in ``$…$``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["tabular_parameters"]

_BEGIN, _END = r"\begin{tabular}", r"\end{tabular}"
#: A name in a cell: ``$w_{21}$``, ``$c$``, ``$\eta$``.
_NAME = re.compile(r"\$?\s*((?:[A-Za-z]|\\[A-Za-z]+)(?:_\{?[A-Za-z0-9,]+\}?)?)\s*\$?")
#: Layout commands before a row's first cell (``\hline``, ``\small``).
_LAYOUT = re.compile(r"^(?:\s*\\(?:hline|toprule|midrule|bottomrule|small|footnotesize)\b)+")


def _tabulars(text: str) -> Iterator[str]:
    """The body of each ``tabular`` (linear: each search starts where the last one ended)."""
    at = 0
    while (start := text.find(_BEGIN, at)) >= 0:
        end = text.find(_END, start)
        if end < 0:
            return
        yield text[start + len(_BEGIN) : end]
        at = end + len(_END)


def _rows(body: str) -> list[list[str]]:
    """The rows of a table's body, each as its cells (the column spec and rules dropped)."""
    rows = []
    for row in re.sub(r"^\s*\{[^{}]*\}", "", body, count=1).split(r"\\"):
        row = _LAYOUT.sub("", row.strip())
        if "&" in row:
            rows.append([c.strip() for c in row.split("&")])
    return rows


def tabular_parameters(text: str) -> list[str]:
    """The names (as written, without ``$``) that a LaTeX table's ``role`` column calls parameters."""
    out: list[str] = []
    for body in _tabulars(text):
        rows = _rows(body)
        header = [h.lower() for h in rows[0]] if rows else []
        if "role" not in header:
            continue
        role = header.index("role")
        starts = [k for k, h in enumerate(header) if h == header[0]]  # groups set side by side
        for cells in rows[1:]:
            for g in starts:
                m = _NAME.fullmatch(cells[g]) if g + role < len(cells) else None
                if m is not None and cells[g + role].lower() == "parameter":
                    out.append(m.group(1))
    return out
