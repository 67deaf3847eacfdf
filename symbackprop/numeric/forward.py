"""The forward pass as typed operations, and the state a plan's programs share.

:class:`Forward` turns each unit of a :class:`~.plan.Plan` into the lines that
compute its values: ``Z = W @ U + b`` for an affine unit, one array
expression over gathered operands for a map or sum unit.  It also keeps what
every program of the plan shares: the views of ``theta`` and of the gradient
(:class:`Views`), the names of each affine unit's W and U, and each unit's
common subexpressions.  :mod:`.backward` adds the backward pass and
:mod:`.lowering` assembles the programs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy
import sympy
from sympy import Expr, Symbol

from ..core.functions import to_elementary
from .ops import (
    Assign,
    Code,
    Constant,
    Copy,
    Einsum,
    Formula,
    Lanes,
    MatMul,
    Name,
    Nudged,
    Paren,
    Plus,
    RepeatColumns,
    Reshaped,
    Rows,
    Selector,
    Span,
    Stack,
    Statement,
    SumLanes,
    Zeros,
)
from .plan import AffineUnit, MapUnit, Plan

__all__ = ["THETA", "Forward", "Matrix", "Shared", "Views", "formula", "progression"]

THETA = Name("theta")


def progression(rows: Sequence[int]) -> tuple[int, int] | None:
    """``(start, step)`` when ``rows`` is an increasing arithmetic progression."""
    if len(rows) == 1:
        return rows[0], 1
    step = rows[1] - rows[0]
    if step < 1 or any(b - a != step for a, b in zip(rows, rows[1:])):
        return None
    return rows[0], step


class Views:
    """Views of one array (``theta`` or ``grad``), named ``<prefix>0, <prefix>1, ...`` by first use.

    A view uses basic slicing only, so it follows the array's contents; the
    program's ``theta_views``/``grad_views`` make them once per array.
    """

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.names: dict[Code, Name] = {}
        self.exprs: dict[Name, Code] = {}

    def name(self, expr: Code) -> Name:
        if expr not in self.names:
            name = Name(f"{self.prefix}{len(self.names)}")
            self.names[expr] = name
            self.exprs[name] = expr
        return self.names[expr]


@dataclass(frozen=True)
class Matrix:
    """Where an affine unit's W comes from.

    ``numbers``: W with zeros where a parameter goes; ``full``: when every
    entry is a parameter, their theta rows as an (m, n) matrix, else None;
    ``mask`` and ``flat``: otherwise, the entries that are parameters and
    their theta rows in mask order.
    """

    numbers: numpy.ndarray
    full: numpy.ndarray | None
    mask: numpy.ndarray
    flat: list[int]


@dataclass(frozen=True)
class Shared:
    """Common subexpressions of a unit's definition and local derivatives.

    ``forward`` and ``local`` are the reduced definition and derivatives;
    ``before`` the temporaries the definition needs (computed in the forward
    pass, so the backward pass reuses them: ``a − y`` in ``½(a − y)²`` and in
    ``a − y``); ``after`` the rest, computed in the backward pass.
    """

    forward: Expr
    local: tuple[Expr, ...]
    before: tuple[tuple[Symbol, Expr], ...]
    after: tuple[tuple[Symbol, Expr], ...]


class Forward:
    """The forward pass of each unit, and the state all programs of one plan share."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        net = plan.network
        self.index = plan.index
        self.P = len(net.parameters)
        self.rows = {u.array: u.rows for u in plan.units}
        self.rows.update(X=len(net.inputs), Y=len(net.targets))
        self.tviews = Views("t")
        self.gviews = Views("g")
        # In the program being built: affine unit -> its W and its gathered U.
        self.wnames: dict[str, Code] = {}
        self.unames: dict[str, Code] = {}
        self.cse: dict[str, Shared] = {}
        self.constants = 0
        # In the program being built: whether each column moves one parameter (see lines()).
        self.nudged = False

    def constant(self, value: Any) -> Constant:
        """A new constant of the program, named in order of creation."""
        self.constants += 1
        return Constant(f"_k{self.constants - 1}", value)

    def lines(
        self, columns: bool, cache: dict[tuple[str, int], Name], *, nudged: bool = False
    ) -> list[Statement]:
        """The forward pass: every unit's values, in order.

        ``columns``: one theta per column.  ``nudged``: theta is shared, and
        column ``b`` moves parameter ``index[b]`` by ``delta[b]`` (the
        finite-difference check's points, without a copy of theta per column).
        """
        self.nudged = nudged
        lines: list[Statement] = []
        for u, unit in enumerate(self.plan.units):
            if isinstance(unit, AffineUnit):
                self.affine_forward(u, unit, columns, lines)
            else:
                self.map_forward(u, unit, columns, lines, cache)
        return lines

    # -- selecting rows

    def selector(self, rows: Sequence[int]) -> Selector:
        """``rows`` as a slice when they can be one, else as an index array."""
        if len(set(rows)) == 1:
            return Span(rows[0], rows[0] + 1)
        prog = progression(rows)
        if prog is not None:
            return Span(prog[0], rows[-1] + 1, prog[1])
        return self.constant(numpy.array(rows, dtype=numpy.intp))

    def gather(self, symbols: Sequence[Symbol], columns: bool) -> Code:
        """The values of ``symbols``, one row each (broadcasting when they are one)."""
        locs = [self.plan.locations[s] for s in symbols]
        if len({loc.array for loc in locs}) > 1:
            return Stack(tuple(self.gather([s], columns) for s in symbols))
        array = locs[0].array
        rows = [loc.row for loc in locs]
        if array != "theta" and rows == list(range(self.rows[array])):
            return Name(array)
        sel = self.selector(rows)
        if array == "theta" and not columns:
            code = self.theta_column(sel)
            if self.nudged:  # each row of theta moves that lane in the columns that move it
                return Nudged(code, None, self.table([(r, lane, -1) for lane, r in enumerate(rows)]))
            return code
        return Rows(Name(array), sel)

    def table(self, entries: Sequence[tuple[int, int, int]]) -> Constant:
        """The :class:`~.ops.Nudged` table of ``(theta row, row, column)`` entries."""
        entries = sorted(entries)
        theta = numpy.array([e[0] for e in entries], dtype=numpy.intp)
        count = numpy.bincount(theta, minlength=self.P).astype(numpy.intp)
        start = (numpy.cumsum(count) - count).astype(numpy.intp)
        rows = numpy.array([e[1] for e in entries], dtype=numpy.intp)
        cols = numpy.array([e[2] for e in entries], dtype=numpy.intp)
        return self.constant((start, count, rows, cols))

    def theta_column(self, sel: Selector) -> Code:
        """``theta[sel, None]``: a view unless it needs an index array."""
        code = Rows(THETA, sel, column=True)
        return code if isinstance(sel, Constant) else self.tviews.name(code)

    @staticmethod
    def bind(name: str, code: Code, lines: list[Statement]) -> Name:
        """``code`` under ``name``; an array name or a view is used as it is."""
        if isinstance(code, Name):
            return code
        lines.append(Assign(Name(name), code))
        return Name(name)

    def operand(
        self, u: int, p: int, unit: MapUnit, columns: bool, lines: list[Statement], cache: dict
    ) -> Name:
        key = (unit.array, p)
        if key not in cache:
            cache[key] = self.bind(f"o{u}_{p}", self.gather(unit.lanes[p], columns), lines)
        return cache[key]

    def varies(self, unit: MapUnit, expr: Expr) -> bool:
        """Whether ``expr`` has one row per lane (some operand differs between lanes)."""
        locations = self.plan.locations
        return any(
            len({locations[s] for s in unit.lanes[p]}) > 1
            for p, ph in enumerate(unit.placeholders)
            if ph in expr.free_symbols
        )

    # -- affine

    def matrix(self, unit: AffineUnit) -> Matrix:
        m, n = len(unit.nodes), len(unit.columns)
        numbers = numpy.zeros((m, n))
        mask = numpy.zeros((m, n), dtype=bool)
        params = {}
        for pos, e in unit.entries.items():
            if isinstance(e, Symbol):
                params[pos] = self.index[e]
                mask[pos] = True
            else:
                numbers[pos] = float(e)
        full = None
        if len(params) == m * n:
            full = numpy.array([[params[(j, k)] for k in range(n)] for j in range(m)], dtype=numpy.intp)
        return Matrix(numbers, full, mask, [params[pos] for pos in sorted(params)])

    def strided(self, array: str, index_of: numpy.ndarray) -> Reshaped | None:
        """``array[...]`` as a view when ``index_of[j, k] = base + j*rs + k*cs``; else None."""
        m, n = index_of.shape
        base = int(index_of[0, 0])
        cs = int(index_of[0, 1] - index_of[0, 0]) if n > 1 else 1
        rs = int(index_of[1, 0] - index_of[0, 0]) if m > 1 else (n - 1) * cs + 1
        if cs < 1 or rs < (n - 1) * cs + 1 or base + m * rs > self.P:
            return None
        if not numpy.array_equal(
            index_of, base + rs * numpy.arange(m)[:, None] + cs * numpy.arange(n)[None, :]
        ):
            return None
        # Reading, the reshaped slice is the view; writing, it must be subscripted.
        cols = None if cs == 1 and n == rs else Span(0, (n - 1) * cs + 1, cs)
        return Reshaped(Name(array), base, base + m * rs, m, rs, cols)

    def weights(self, u: int, unit: AffineUnit, columns: bool, lines: list[Statement]) -> Code:
        """Emit the weight matrix of an affine unit; its name (or a constant)."""
        matrix = self.matrix(unit)
        if not matrix.flat:
            return self.constant(matrix.numbers)
        name = Name(f"W{u}")
        if matrix.full is not None:
            view = None if columns else self.strided("theta", matrix.full)
            if view is not None:
                return self.tviews.name(view)
            lines.append(Assign(name, Rows(THETA, self.constant(matrix.full))))
            return name
        index_of = numpy.array(matrix.flat, dtype=numpy.intp)
        if columns:
            lines.append(Assign(name, RepeatColumns(self.constant(matrix.numbers[:, :, None]))))
        else:
            lines.append(Assign(name, Copy(self.constant(matrix.numbers))))
        lines.append(Assign(Rows(name, self.constant(matrix.mask)), Rows(THETA, self.constant(index_of))))
        return name

    def bias(self, unit: AffineUnit, columns: bool) -> Code | None:
        if all(isinstance(b, Symbol) for b in unit.bias):
            sel = self.selector([self.index[b] for b in unit.bias])
            return Rows(THETA, sel) if columns else self.theta_column(sel)
        values = numpy.array([[float(b)] for b in unit.bias])
        return self.constant(values) if values.any() else None

    def affine_forward(self, u: int, unit: AffineUnit, columns: bool, lines: list[Statement]) -> None:
        W = self.weights(u, unit, columns, lines)
        self.wnames[unit.array] = W
        U = self.bind(f"u{u}", self.gather(unit.columns, columns), lines)
        self.unames[unit.array] = U
        if columns and not isinstance(W, Constant):
            product: Code = Einsum(W, U, len(unit.columns))
        else:
            product = MatMul(W, U)
        bias = self.bias(unit, columns)
        value: Code = product if bias is None else Plus(product, bias)
        if self.nudged:
            value = Nudged(value, U, self.table(self.feeds(unit)))
        lines.append(Assign(Name(unit.array), value))

    def feeds(self, unit: AffineUnit) -> list[tuple[int, int, int]]:
        """``(theta row, j, k)`` for every parameter in W (``k = -1``: in the bias)."""
        out = [(self.index[e], j, k) for (j, k), e in unit.entries.items() if isinstance(e, Symbol)]
        out += [(self.index[b], j, -1) for j, b in enumerate(unit.bias) if isinstance(b, Symbol)]
        return out

    # -- map and sum

    def shared(self, u: int, unit: MapUnit) -> Shared:
        """Common subexpressions of a unit's definition and local derivatives (see :class:`Shared`)."""
        if unit.array in self.cse:
            return self.cse[unit.array]
        exprs = [to_elementary(unit.forward, plain=False)] + [
            to_elementary(g, plain=False) for _, g in unit.edges
        ]
        temps = sympy.numbered_symbols(f"x{u}_", real=True)
        replacements, reduced = sympy.cse(exprs, symbols=temps, order="none")
        definitions = dict(replacements)
        needed: set[Expr] = set()
        stack = list(reduced[0].free_symbols)
        while stack:
            sym = stack.pop()
            if sym in definitions and sym not in needed:
                needed.add(sym)
                stack.extend(definitions[sym].free_symbols)
        before = tuple((t, v) for t, v in replacements if t in needed)
        after = tuple((t, v) for t, v in replacements if t not in needed)
        self.cse[unit.array] = Shared(reduced[0], tuple(reduced[1:]), before, after)
        return self.cse[unit.array]

    def map_forward(
        self, u: int, unit: MapUnit, columns: bool, lines: list[Statement], cache: dict[tuple[str, int], Name]
    ) -> None:
        shared = self.shared(u, unit)
        names: dict[Expr, str] = {}
        for p, ph in enumerate(unit.placeholders):
            if ph in unit.forward.free_symbols:
                names[ph] = self.operand(u, p, unit, columns, lines, cache).id
        for temp, value in shared.before:
            lines.append(Assign(Name(str(temp)), formula(value, names)))
            names[temp] = str(temp)
        expr: Code = formula(shared.forward, names)
        if not shared.forward.free_symbols:  # simplified to a constant (softmax over one class): per lane
            expr = Plus(Zeros(unit.width), Paren(expr))
        elif not names or (unit.width > 1 and not self.varies(unit, unit.forward)):
            expr = Lanes(expr, unit.width)
        if unit.summed:
            expr = SumLanes(Paren(expr))
        lines.append(Assign(Name(unit.array), expr))


def formula(expr: Expr, names: Mapping[Expr, str]) -> Formula:
    """``expr`` printed with the names its free symbols have now."""
    return Formula(expr, tuple((k, names[k]) for k in expr.free_symbols if k in names))
