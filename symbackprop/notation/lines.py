"""Where a key sits in a spec's text: the lines that errors name.

TOML parsers give values, not positions; these helpers find the line of ``key`` inside
``[table]`` in the text, so that every error can say ``spec.toml:12: [network] a_2: ...``.
"""

from __future__ import annotations

import re

from ..errors import SymbackpropError
from ..files import read_text

__all__ = ["duplicate_key", "locate", "locate_in_spec"]


def duplicate_key(text: str) -> tuple[str, str, int, int] | None:
    """The first ``key = ...`` that appears twice in one table, as (table, key, line, line)."""
    seen: dict[tuple[str, str], int] = {}
    current = ""
    for number, line in enumerate(text.splitlines(), 1):
        head = re.match(r"\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$", line)
        if head:
            current = head.group(1).replace(" ", "")
            continue
        m = re.match(r"\s*([A-Za-z0-9_-]+)\s*=", line)
        if m:
            key = (current, m.group(1))
            if key in seen:
                return current, m.group(1), seen[key], number
            seen[key] = number
    return None


def locate_in_spec(error: SymbackpropError, path: str) -> SymbackpropError:
    """``error`` with the spec file, and the line of its ``[table] key``, filled in.

    Errors raised after a spec was read (a node that is not finite at the point, say) name
    their key but not the file; the command line locates them in the spec it read.
    """
    where = re.fullmatch(r"\[([^\]]+)\]\s+(\S+)", error.where or "")
    if error.file is not None or where is None:
        return error
    try:
        line = locate(read_text(path, "spec"), where.group(1), where.group(2))
    except SymbackpropError:
        line = None
    return error.located(file=str(path), line=line)


def locate(text: str, table: str, key: str | None) -> int | None:
    """The 1-based line of ``key`` inside ``[table]`` (or of the table header), if found."""
    current = ""
    header_line = None
    key_re = re.compile(r"\s*(?:\"%s\"|'%s'|%s)\s*=" % ((re.escape(key or "\0"),) * 3))
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        head = re.match(r"\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$", stripped)
        if head:
            current = head.group(1).replace('"', "").replace("'", "").replace(" ", "")
            if current == table and header_line is None:
                header_line = number
            continue
        if key is not None and current == table and key_re.match(line):
            return number
    if key is None:
        return header_line
    return None
