"""Tables as data: built once per kind, laid out by each format.

A :class:`Table` is a header of :class:`Column` s and rows of cells.  A cell is
free :class:`Text` (escaped by each format), :class:`Math` (LaTeX already
printed by :mod:`symbackprop.output.printing`, with a plain-text form) or a
:class:`Number` (its value, its text from :mod:`symbackprop.output.numbers`, and
whether it is rounded).  Cells never hold Markdown or LaTeX markup of a format:
:mod:`symbackprop.output.formats` lays a table out for Markdown and LaTeX,
:func:`text_table` for a terminal, and the Sphinx extension as docutils nodes.

There is one builder per kind of table: :func:`check_table` (a gradient check),
:func:`gradient_table` (a walkthrough's gradients) and :func:`findings_table`
(a verification report).  A view of a table (:meth:`Table.select`,
:meth:`Table.relabel`) leaves out columns or renames them, never recomputes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, TypeAlias, Union

from .numbers import scientific, significant
from .widths import math_width, text_width

__all__ = [
    "Cell",
    "Column",
    "Math",
    "Number",
    "Table",
    "Text",
    "cell_width",
    "check_summary",
    "check_table",
    "findings_summary",
    "findings_table",
    "gradient_table",
    "setup_table",
    "side_by_side",
    "status_text",
    "text_table",
    "update_table",
]


@dataclass(frozen=True)
class Text:
    """Free text: each format escapes it."""

    text: str


@dataclass(frozen=True)
class Math:
    """Math, printed as LaTeX; ``text`` is its plain-text form (a symbol's name), else the LaTeX."""

    latex: str
    text: str | None = None

    @property
    def plain(self) -> str:
        return self.latex if self.text is None else self.text


@dataclass(frozen=True)
class Number:
    """A number: its shown text, whether that text is rounded (shown with ≈), and its value."""

    text: str
    approx: bool = False
    value: Any = None

    @property
    def marked(self) -> str:
        """The text, with ``≈ `` in front when it is rounded."""
        return "≈ " + self.text if self.approx else self.text


Cell: TypeAlias = Union[Text, Math, Number]  # noqa: UP007 (runtime alias on 3.10)


@dataclass(frozen=True)
class Column:
    """A column: the key that views select it by, its header, and its relative width."""

    key: str
    label: str
    width: int = 1


@dataclass(frozen=True)
class Table:
    """A header and rows of cells, one cell per column."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                msg = f"a row has {len(row)} cells for {len(self.columns)} columns"
                raise ValueError(msg)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(c.label for c in self.columns)

    def select(self, *keys: str) -> Table:
        """The same table with only the columns ``keys``, in that order."""
        index = [self.keys.index(k) for k in keys]
        return Table(
            tuple(self.columns[i] for i in index), tuple(tuple(row[i] for i in index) for row in self.rows)
        )

    def relabel(self, **labels: str) -> Table:
        """The same table with some headers renamed (by column key)."""
        unknown = set(labels) - set(self.keys)
        if unknown:
            msg = f"no column {', '.join(sorted(unknown))} in {', '.join(self.keys)}"
            raise KeyError(msg)
        columns = tuple(replace(c, label=labels.get(c.key, c.label)) for c in self.columns)
        return Table(columns, self.rows)


def _table(columns: Iterable[Column], rows: Iterable[Sequence[Cell]]) -> Table:
    return Table(tuple(columns), tuple(tuple(r) for r in rows))


# ------------------------------------------------------------------ the builders


def status_text(status: Any) -> str:
    """A status or verdict as text (an enum's value, or the string itself)."""
    return str(getattr(status, "value", status))


def check_table(
    report: Any,
    digits: int = 6,
    *,
    values: Callable[[Any], str] | None = None,
    errors: Callable[[Any], str] | None = None,
) -> Table:
    """A gradient check (a :class:`~symbackprop.numeric.gradcheck.CheckReport`): a row per parameter, point.

    Columns: ``point``, ``parameter``, ``symbolic``, ``numeric``, ``abs_error``,
    ``rel_error``, ``verdict``.

    Args:
        report: The check report.
        digits: Significant digits of the gradients (when ``values`` is not given).
        values: How a gradient is shown (default :func:`~symbackprop.output.numbers.significant`).
        errors: How an error is shown (default :func:`~symbackprop.output.numbers.scientific`, 2 decimals).
    """
    values = values or partial(significant, digits=digits)
    errors = errors or partial(scientific, digits=2)
    columns = [
        Column("point", "point"),
        Column("parameter", "parameter"),
        Column("symbolic", "symbolic"),
        Column("numeric", "numeric"),
        Column("abs_error", "abs error"),
        Column("rel_error", "rel error"),
        Column("verdict", "verdict"),
    ]
    rows = [
        (
            Number(str(r.point), value=r.point),
            Math(r.latex, r.name),
            Number(values(r.symbolic), value=r.symbolic),
            Number(values(r.numeric), value=r.numeric),
            Number(errors(r.abs_error), value=r.abs_error),
            Number(errors(r.rel_error), value=r.rel_error),
            Text(status_text(r.verdict)),
        )
        for r in report.rows
    ]
    return _table(columns, rows)


def check_summary(report: Any) -> str:
    """The verdict of a gradient check, in a few words."""
    return "Gradient check: every gradient agrees." if report.ok else "Gradient check FAILED."


def gradient_table(gradients: Iterable[Mapping[str, Any]]) -> Table:
    """A walkthrough's gradients: parameter, chain rule, value, and the gradient's own symbol.

    The ``quantity`` column (∂L/∂w) labels a value as a gradient where the chain is not shown:
    a parameter's symbol beside a number would read as the parameter's value.

    Args:
        gradients: The ``gradients`` rows of a walkthrough context (math printed, numbers shown).
    """
    columns = [Column("parameter", "parameter"), Column("chain", "chain rule", 4), Column("value", "value"),
               Column("quantity", "gradient")]  # fmt: skip
    rows = [
        (
            Math(g["latex"], g["name"]),
            Math(f"{g['quantity']} = {g['chain']}"),
            Number(g["value"]["text"], approx=not g["value"]["exact"]),
            Math(_slashed(g["quantity"])),
        )
        for g in gradients
    ]
    return _table(columns, rows)


def _slashed(latex: str) -> str:
    r"""``\frac{A}{B}`` as ``A/B``: an inline fraction in a table cell is set too small to read."""
    if not latex.startswith(r"\frac{"):
        return latex
    parts, depth, start = [], 0, len(r"\frac")
    for i in range(start, len(latex)):
        depth += {"{": 1, "}": -1}.get(latex[i], 0)
        if depth == 0:
            parts.append(latex[start + 1 : i])
            start = i + 1
            if len(parts) == 2:
                return f"{parts[0]} / {parts[1]}" if i == len(latex) - 1 else latex
    return latex


def _number(shown: Mapping[str, Any]) -> Number:
    return Number(shown["text"], approx=not shown["exact"])


def setup_table(setup: Mapping[str, Any]) -> Table:
    """A walkthrough's given numbers: symbol, role, value (inputs, targets, parameters, then η)."""
    given = [*setup["inputs"], *setup["targets"], *setup["parameters"]]
    rows = [
        (
            Math(r["latex"], r["name"]),
            Text(r["role"] + (" (frozen)" if r["frozen"] else "")),
            _number(r["value"]),
        )
        for r in given
    ]
    if setup["learning_rate"] is not None:
        rows.append((Math(r"\eta", "eta"), Text("learning rate"), _number(setup["learning_rate"])))
    return _table([Column("symbol", "symbol"), Column("role", "role"), Column("value", "value")], rows)


def update_table(update: Mapping[str, Any], gradients: Iterable[Mapping[str, Any]]) -> Table:
    """A walkthrough's gradient-descent step: parameter, old value, gradient, new value.

    The gradients are shown as in the ``gradients`` rows (one precision for the column).
    """
    shown = {g["name"]: g["value"] for g in gradients}
    columns = [Column("parameter", "parameter"), Column("old", "value"), Column("gradient", "gradient"),
               Column("new", "new value")]  # fmt: skip
    rows = [
        (Math(u["latex"], u["name"]), _number(u["old"]), _number(shown[u["name"]]), _number(u["new"]))
        for u in update["rows"]
    ]
    return _table(columns, rows)


#: Padding of a table cell (``\\tabcolsep`` on both sides), in em; and the line a table must fit, in em.
_PADDING_EM = 1.1
_LINE_EM = 41.0


def cell_width(cell: Cell) -> float:
    """A cell's width on one line, in em."""
    if isinstance(cell, Math):
        return math_width(cell.latex, display=False)
    if isinstance(cell, Number):
        return text_width(cell.text) + (1.1 if cell.approx else 0.0)
    return text_width(cell.text)


def _width(table: Table) -> float:
    """A table's width on one line, in em (each column as wide as its widest cell or header)."""
    return sum(
        max([text_width(c.label), *(cell_width(row[i]) for row in table.rows)]) + _PADDING_EM
        for i, c in enumerate(table.columns)
    )


def side_by_side(table: Table, parts: int, width_em: float = _LINE_EM) -> Table:
    """The same table cut into at most ``parts`` runs of rows set side by side, to fill a page's width.

    Fewer runs when ``parts`` would be wider than ``width_em``; the header repeats over each run,
    and the last run's missing rows are empty.
    """
    for n in range(max(parts, 1), 1, -1):
        height = -(-len(table.rows) // n)
        runs = [table.rows[i : i + height] for i in range(0, len(table.rows), height)]
        if len(runs) < 2:
            continue
        blank = tuple(Text("") for _ in table.columns)
        columns = [replace(c, key=f"{c.key}_{i}") for i in range(len(runs)) for c in table.columns]
        rows = [
            tuple(cell for run in runs for cell in (run[r] if r < len(run) else blank)) for r in range(height)
        ]
        wide = _table(columns, rows)
        if _width(wide) <= width_em:
            return wide
    return table


def findings_table(report: Any) -> Table:
    """A verification report: one row per equation, with its line, status, message and the right value.

    Columns: ``line``, ``equation``, ``status``, ``message``, ``expected``.
    """
    columns = [
        Column("line", "line"),
        Column("equation", "equation"),
        Column("status", "status"),
        Column("message", "message"),
        Column("expected", "expected"),
    ]
    rows = [
        (
            Number(str(f.line), value=f.line),
            Math(f.source or ""),
            Text(status_text(f.status)),
            Text(f.message),
            Math(getattr(f, "expected", None) or ""),
        )
        for f in getattr(report, "findings", ())
    ]
    return _table(columns, rows)


def findings_summary(report: Any) -> str:
    """The verdict of a verification, in a few words."""
    if report.ok:
        return "Every equation checks out."
    wrong = sum(status_text(f.status) == "wrong" for f in getattr(report, "findings", ()))
    return f"{wrong} wrong equation(s)."


# ------------------------------------------------------------------ plain text


def _plain(cell: Cell) -> str:
    if isinstance(cell, Math):
        return cell.plain
    if isinstance(cell, Number):
        return cell.marked
    return cell.text


def text_table(table: Table) -> str:
    """A table for a terminal: columns padded to their widest cell, a rule under the header."""
    lines_of_cells = [list(table.labels), *[[_plain(c) for c in row] for row in table.rows]]
    widths = [max(len(row[i]) for row in lines_of_cells) for i in range(len(table.columns))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in lines_of_cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
