"""Equations the text presents as other sources' conventions, not as the document's own claims.

"Some sources extract the negative sign from δ so it would be written as:
∂E/∂w_5 = -δ_{o1} out_{h1}": under the document's own δ that line does not hold,
and it is not meant to.  When the prose just before an equation (since the
equation before it) says that other sources, authors or texts write it so, a
line that does not hold under the document's own definitions is reported as not
checked, with the reason, never as wrong.  A line that holds still holds.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from .report import Finding, Status
from .statements import Statement

__all__ = ["OTHER_CONVENTION", "as_convention", "other_conventions"]

#: Prose that introduces another source's way of writing something.
OTHER_CONVENTION = re.compile(
    r"\b(?:some|other|many|several)\s+(?:sources|authors|texts|textbooks|books|references|courses)\b",
    re.I,
)

#: The note on such a line.
WHY = "not checked: the text presents it as other sources' convention, not this document's"


def other_conventions(statements: Sequence[Statement], text: str) -> set[int]:
    """Indices of the statements that the prose just before presents as other sources' convention."""
    lines = text.split("\n")
    out: set[int] = set()
    end = 0  # the last line of the equation before
    for i, st in enumerate(statements):
        said = "\n".join(lines[end : max(st.line - 1, end)])
        if st.line > end and OTHER_CONVENTION.search(said):
            out.add(i)
        end = max(end, st.block_end)
    return out


def as_convention(found: Finding) -> Finding:
    """A finding on such a line: not checked instead of wrong (what holds still holds)."""
    if found.status is not Status.WRONG:
        return found
    return dataclasses.replace(
        found, status=Status.NOT_CHECKED, explanation=(WHY,), correction=None, checked=0, mistake=None
    )
