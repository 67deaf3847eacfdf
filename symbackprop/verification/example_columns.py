"""Matrix form for one example of a batch: ``\\mathbf{z}_1^{(i)} = W_1 \\mathbf{x}^{(i)} + \\mathbf{b}_1``.

A superscript in parentheses holding a letter other than ``l`` is the example (never a
power): ``\\mathbf{x}^{(i)}`` is column ``i`` of the batch ``X`` (a lower-case name stands
for its upper-case batch when the spec has no such name).  The chain is judged by the
matrix judge (:mod:`.matrix_claims`) once per example, on a view of the network's values
in which every quantity with one column per example is that example's column; the
parameters (and their gradients) are whole.  It holds when it holds for every example,
and a wrong one names the example where it fails.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from typing import Any

from .report import Finding, Status
from .statements import Statement

__all__ = ["example_finding"]

#: ``^{(i)}`` (or ``^{[i]}``, ``^(i)``): an example letter; ``l`` is a layer.
_EXAMPLE = re.compile(r"\^\s*\{?\s*[(\[]\s*([a-km-z])\s*[)\]]\s*\}?")


def example_finding(judge: Any, st: Statement) -> Finding | None:
    """The finding on a matrix-form chain about example ``i`` of a batch, or ``None`` when it is not one."""
    letters = {m.group(1) for side in st.sides for m in _EXAMPLE.finditer(side)}
    if len(letters) != 1 or not _EXAMPLE.search(st.sides[0]):
        return None
    (letter,) = letters
    network = judge.network
    batch = network.values.get(network.inputs[0]) if len(network.inputs) == 1 else None
    columns = int(batch.shape[1]) if batch is not None and batch.ndim == 2 else 1
    stripped = dataclasses.replace(st, sides=[_EXAMPLE.sub("", side) for side in st.sides], unread=[])
    checked = 0
    for c in range(columns):
        found = _column(judge, c, columns).judge(stripped)
        if found is None or found.status is Status.NOT_CHECKED:
            return found and dataclasses.replace(found, source=st.source, subject=st.sides[0].strip())
        if found.status is Status.WRONG:
            said = (f"at {letter} = {c + 1}: ", *found.explanation)
            return dataclasses.replace(found, source=st.source, subject=st.sides[0].strip(), explanation=said)
        checked += found.checked
    said = (f"holds for every example ({letter} = 1…{columns}): {checked} comparisons",)
    return dataclasses.replace(found, source=st.source, explanation=said, checked=checked)


def _column(judge: Any, c: int, columns: int) -> Any:
    """A shallow copy of the matrix judge whose per-example quantities are column ``c``."""
    view = copy.copy(judge)
    params = set(judge.network.parameters)
    ev = judge.evaluation

    def cut(table: Any) -> dict[Any, Any]:
        return {
            s: (v[:, c : c + 1] if s not in params and v.ndim == 2 and v.shape[1] == columns else v)
            for s, v in table.items()
        }

    view.evaluation = dataclasses.replace(ev, values=cut(ev.values), adjoints=cut(ev.adjoints))
    view.by_name = {**{s.name.lower(): s for s in judge.network.symbols}, **judge.by_name}
    view.last = None
    return view
