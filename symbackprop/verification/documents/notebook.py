"""Jupyter notebooks (``.ipynb``): the Markdown cells, read as Markdown, with cell and line.

The notebook is JSON, read with :func:`json.loads` (data only; the file was read
within the size limit of every input).  Each Markdown cell is read by the
Markdown reader; every equation then names its cell (0-based, as in the file)
and its line in that cell, and its line in the ``.ipynb`` file is the line of
the JSON string that holds that source line.  Macros defined in one cell's math
hold in the later cells, as in Jupyter.  Code cells and outputs are not read.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from .blocks import Unit, assemble, bodies
from .macros import collect
from .markdown import read_markdown_units
from .model import Fragment, Lines, Reading, Row

__all__ = ["read_notebook"]

#: A JSON string, or a structural character.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}:,]')


def _cells(data: Any) -> list[Any]:
    """The cells of a notebook (nbformat 4, or the first worksheet of nbformat 3)."""
    if isinstance(data, dict) and isinstance(data.get("cells"), list):
        return list(data["cells"])
    sheets = data.get("worksheets") if isinstance(data, dict) else None
    if isinstance(sheets, list) and sheets and isinstance(sheets[0], dict):
        return list(sheets[0].get("cells") or [])
    msg = "not a Jupyter notebook: no list of cells"
    raise ValueError(msg)


def _source(cell: Any, index: int) -> list[str]:
    """A cell's source as its list of strings."""
    if not isinstance(cell, dict):
        msg = f"not a Jupyter notebook: cell {index} is not an object"
        raise ValueError(msg)
    source = cell.get("source", "")
    if isinstance(source, str):
        return [source]
    if isinstance(source, list) and all(isinstance(s, str) for s in source):
        return source
    msg = f"not a Jupyter notebook: the source of cell {index} is not text"
    raise ValueError(msg)


def _source_offsets(text: str) -> dict[int, list[int]]:
    """Cell index -> the offset in the file of each string of its ``source``.

    One pass over the JSON's strings and brackets, following the path of keys;
    the cells are the ``cells`` array's objects, at whatever depth it is.
    """
    out: dict[int, list[int]] = {}
    path: list[Any] = []  # keys and indices; an object's entry is its current key
    expect_key: list[bool] = []
    for m in _JSON_TOKEN.finditer(text):
        tok = m.group(0)
        if tok in "{[":
            path.append(None if tok == "{" else 0)
            expect_key.append(tok == "{")
        elif tok in "}]":
            path.pop()
            expect_key.pop()
        elif tok == ":":
            expect_key[-1] = False
        elif tok == ",":
            if isinstance(path[-1], int):
                path[-1] += 1
            else:
                expect_key[-1] = True
        elif expect_key and expect_key[-1]:
            path[-1] = json.loads(tok)
        else:
            _record(out, path, m.start())
    return out


def _record(out: dict[int, list[int]], path: list[Any], offset: int) -> None:
    """Keep ``offset`` if ``path`` is ``... cells, i, source`` or ``... cells, i, source, k``."""
    p = path[:-1] if len(path) > 1 and isinstance(path[-1], int) and path[-2] == "source" else path
    if len(p) >= 3 and p[-1] == "source" and isinstance(p[-2], int) and p[-3] == "cells":
        out.setdefault(p[-2], []).append(offset)


def _line_map(source: list[str], offsets: list[int], lines: Lines) -> list[int]:
    """For each line of a cell (1-based; index 0 unused), the line of the file that holds it."""
    file_lines = [0]
    at = lines.line(offsets[0]) if offsets else 1
    for k, piece in enumerate(source):
        at = lines.line(offsets[k]) if k < len(offsets) else at
        if k == 0 or source[k - 1].endswith("\n"):
            file_lines.append(at)
        file_lines.extend([at] * (piece.count("\n") - piece.endswith("\n")))
    if not source or source[-1].endswith("\n"):
        file_lines.append(at)
    return file_lines


def _moved(f: Fragment, cell: int, to_file: list[int]) -> Fragment:
    """A fragment of a cell, placed in the file."""

    def where(line: int) -> int:
        return to_file[min(line, len(to_file) - 1)]

    rows = tuple(Row(r.offset, where(r.line), r.line) for r in f.rows)
    return replace(
        f, line=where(f.line), block_end=where(f.block_end), rows=rows, cell=cell, cell_line=f.line
    )


def read_notebook(text: str) -> Reading:
    """The equations, code values and prose of a notebook's Markdown cells."""
    try:
        data = json.loads(text)
    except RecursionError:
        msg = "not a Jupyter notebook: nested too deeply"
        raise ValueError(msg) from None
    except json.JSONDecodeError as e:
        msg = f"not a Jupyter notebook: {e.msg} at line {e.lineno}"
        raise ValueError(msg) from None
    cells = _cells(data)
    offsets = _source_offsets(text)
    lines = Lines(text)
    found: list[tuple[int, list[int], Reading, list[Unit]]] = []
    for index, cell in enumerate(cells):
        source = _source(cell, index)
        if cell.get("cell_type") != "markdown":
            continue
        reading, units = read_markdown_units("".join(source))
        found.append((index, _line_map(source, offsets.get(index, []), lines), reading, units))
    macros = collect("\n".join(bodies(units) for *_, units in found))
    out = Reading()
    prose = [""] * (text.count("\n") + 1)
    for index, to_file, reading, units in found:
        out.fragments += [_moved(f, index, to_file) for f in assemble(units, macros)]
        out.code_values += [
            replace(v, line=to_file[min(v.line, len(to_file) - 1)]) for v in reading.code_values
        ]
        for n, words in enumerate(reading.prose.split("\n"), start=1):
            if words.strip():
                at = to_file[min(n, len(to_file) - 1)] - 1
                prose[at] = (prose[at] + " " + words).strip()
    out.prose = "\n".join(prose)
    return out
