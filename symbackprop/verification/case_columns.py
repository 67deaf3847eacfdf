"""A table over several cases, judged column by column: ``$L$ & $\\approx 0.1441$ & $\\approx 0.1300$ & …``.

A worked example often ends with the same derivation at every example of a
dataset: one row per quantity, one column per example, and perhaps a last
column that reduces them (headed ``mean`` or ``sum``).  The first column is the
document's own point and is judged as any other line; the documents' readers
mark the other columns :data:`~.documents.blocks.OTHER_COLUMN`.  When the
document states every other example's data, in order (``x_1 = 0, x_2 = 1,
y = 1``, in a row of the table or in a list of examples; see :mod:`.case_data`),
and a row has one value per other example (and one for the reduction), each
value is judged at its own example: the network's point with that example's
data in place, derived again.  Anything else stays not checked.
"""

from __future__ import annotations

import contextlib
import functools
import operator
import re
from collections.abc import Mapping, Sequence
from typing import Any

from sympy import Expr, Rational, Symbol

from ..core.derivation import Partial, derive
from ..core.network import Network
from ..errors import SymbackpropError
from .case_data import other_case_data
from .documents.blocks import OTHER_COLUMN
from .names import Names
from .report import Finding, Kind, Status
from .rounding import NoInterval, Rounding, contains, overlap
from .statements import Statement

__all__ = ["judged_columns"]

#: The relation a value cell starts with (``\\approx 0.1300``).
_RELATION = re.compile(r"^\s*(?:\\approx|≈|=)\s*")

#: How far above a row its table's header is looked for.
_HEADER_REACH = 200

#: A last column's header that reduces the examples' values, and how.
_REDUCTIONS = {"mean": "mean", "average": "mean", "sum": "sum", "total": "sum"}


def _case(text: str, names: Names, leaves: set[Symbol]) -> dict[Symbol, Rational] | None:
    """``x_1 = 0, x_2 = 1, y = 1`` as values of the network's leaves, or ``None``."""
    out: dict[Symbol, Rational] = {}
    for part in text.split(","):
        name, _, number = part.partition("=")
        sym = names.lookup(name.strip().replace("{", "").replace("}", ""))
        if sym is None or sym not in leaves:
            return None
        out[sym] = Rational(number.strip())
    return out


def _header(lines: list[str], line: int) -> list[str]:
    """The header cells of the table that holds ``line`` (a ``tabular`` or a Markdown table), looked for
    at most :data:`_HEADER_REACH` lines above it (bounded work)."""
    for k in range(min(line, len(lines)) - 1, max(line - _HEADER_REACH, 0) - 1, -1):
        row = lines[k]
        if r"\begin{tabular}" in row:
            rest = next((r for r in lines[k : k + 5] if "&" in r), "")
            return [re.sub(r"\\\\.*$", "", c).strip().lower() for c in rest.split("&")]
        if k + 1 < len(lines) and "|" in row and re.fullmatch(r"\s*\|?[\s:|-]+\|?\s*", lines[k + 1]):
            return [c.strip().lower() for c in row.strip().strip("|").split("|")]
    return []


def _quantity(ev: object, quantity: Expr, loss: Symbol) -> Expr | None:
    """The value of a row's quantity (a node, or ∂L/∂w) at one evaluation."""
    if isinstance(quantity, Symbol):
        return ev.values.get(quantity)  # type: ignore[attr-defined]
    if isinstance(quantity, Partial) and quantity.of == loss:
        return ev.adjoints.get(quantity.wrt)  # type: ignore[attr-defined]
    return None


def _cell(text: str, policy: str) -> tuple[Any, Rational, int] | None:
    """A value cell (``\\approx -0.0180``, ``0``): the interval it stands for, its value and decimals."""
    from ..notation.latex_input import parse_math

    def no_name(key: str) -> Symbol:
        msg = f"a name in a value cell: {key}"
        raise SymbackpropError(msg)

    shown = _RELATION.sub("", text)
    try:
        parsed = parse_math(shown, no_name)
        iv = Rounding(policy).interval(parsed.expr, parsed.numbers, result=True)
    except (SymbackpropError, NoInterval):
        return None
    return iv, parsed.exact(), max((n.decimals for n in parsed.numbers.values()), default=0)


def _judged(st: Statement, true: Expr, which: str, policy: str, also: Any = None) -> Finding | None:
    """A value cell judged against the exact ``true``, or (a reduction) ``also``, the same reduction of
    the row's shown values: it holds when either lies in the interval it stands for.  A miss that rounding
    each step by hand can explain (1% of the value, or five units of its last digit) is not checked,
    since the document does not show that case's steps; a larger one is wrong."""
    cell = _cell(st.source, policy)
    if cell is None:
        return None
    iv, value, decimals = cell
    shown = _RELATION.sub("", st.source).strip()
    places = decimals + 1  # one digit past the shown ones
    if contains(iv, true) or (also is not None and overlap(iv, also)):
        status, why = Status.OK, f"holds at {which}"
    elif abs(value - true) <= max(abs(true) / 100, Rational(5, 10**decimals)):
        status = Status.NOT_CHECKED
        why = (
            f"not checked: {OTHER_COLUMN}: {shown} is off its exact value at {which}, "
            f"≈ {float(true):.{places}f}, by no more than rounding each step by hand makes"
        )
    else:
        status, why = Status.WRONG, f"{shown} is wrong: expected ≈ {float(true):.{places}f} at {which}"
    return Finding(
        line=st.line,
        source=st.source,
        status=status,
        explanation=(why,),
        kind=Kind.CLAIM,
        block_end=st.block_end,
        subject=st.source.strip(),
        checked=int(status is not Status.NOT_CHECKED),
        value=float(true),
    )


def judged_columns(
    statements: list[Statement], names: Names, network: Network | None, text: str, policy: str
) -> dict[int, Finding]:
    """Index -> finding, for each value in another column of a table over the document's cases."""
    if network is None or network.loss is None:
        return {}
    leaves = set(network.inputs + network.targets + network.parameters)
    cases = [_case(statements[i].source, names, leaves) for i in other_case_data(statements)]
    if not cases or any(c is None for c in cases):
        return {}
    evaluations = _evaluations(network, [c for c in cases if c is not None])
    if evaluations is None:
        return {}
    out: dict[int, Finding] = {}
    lines = text.split("\n")
    for label, cells in _rows(statements).items():
        out |= _row(statements, label, cells, evaluations, network.loss, lines, policy)
    return out


def _evaluations(network: Network, cases: Sequence[Mapping[Symbol, Rational]]) -> list[object] | None:
    """The derivation at the document's point, then at each other case."""
    d = derive(network, evaluate_point=False)
    out: list[object] = []
    for case in [{}, *cases]:
        with contextlib.suppress(SymbackpropError):
            out.append(d.at({**network.values, **case}).evaluation)
    return out if len(out) == len(cases) + 1 else None


def _rows(statements: list[Statement]) -> dict[int, list[int]]:
    """Label statement -> the value cells of other columns on its line, in order."""
    data = other_case_data(statements)
    rows: dict[int, list[int]] = {}
    label: int | None = None
    for i, st in enumerate(statements):
        if st.error is None and len(st.parsed) >= 2:
            label = i
        elif (
            st.error == OTHER_COLUMN
            and i not in data
            and label is not None
            and statements[label].line == st.line
        ):
            rows.setdefault(label, []).append(i)
    return rows


def _row(
    statements: list[Statement],
    label: int,
    cells: list[int],
    evaluations: list[object],
    loss: Symbol,
    lines: list[str],
    policy: str,
) -> dict[int, Finding]:
    """The findings on one row's other columns: one per other case, then the reduction's, if headed."""
    quantity = statements[label].parsed[0].expr
    values = [_quantity(ev, quantity, loss) for ev in evaluations]
    if any(v is None or not v.is_finite for v in values):
        return {}
    others = len(evaluations) - 1
    reduction = None
    if len(cells) == others + 1:
        header = _header(lines, statements[label].line)
        reduction = _REDUCTIONS.get(header[-1]) if header else None
        if reduction is None:
            return {}
    elif len(cells) != others:
        return {}
    out: dict[int, Finding] = {}
    for k, i in enumerate(cells[:others]):
        found = _judged(statements[i], values[k + 1], f"case {k + 2}", policy)  # type: ignore[arg-type]
        if found is not None:
            out[i] = found
    if reduction is not None:
        total = sum(values, Rational(0))  # type: ignore[arg-type]
        reduced = total / len(values) if reduction == "mean" else total
        shown = _shown_reduction(statements, label, cells[:others], reduction, policy)
        found = _judged(statements[cells[-1]], reduced, f"the {reduction} over the cases", policy, shown)
        if found is not None:
            out[cells[-1]] = found
    return out


def _shown_reduction(
    statements: list[Statement], label: int, cells: list[int], reduction: str, policy: str
) -> Any:
    """The reduction of the row's shown values (the first column's is its chain's last side), as an
    interval: what a reader computing it from the table gets; ``None`` when a cell cannot be read."""
    read = [_cell(statements[label].sides[-1], policy), *(_cell(statements[i].source, policy) for i in cells)]
    if any(c is None for c in read):
        return None
    total = functools.reduce(operator.add, (c[0] for c in read if c is not None))
    return total / len(read) if reduction == "mean" else total
