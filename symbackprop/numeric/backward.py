"""The backward pass as typed operations: the derivation's local derivatives, chained unit by unit.

Units are visited in reverse.  An affine unit sends ``Wᵀ @ dZ`` to its inputs
and ``dZ @ Uᵀ`` (and the row sums of ``dZ``) to its parameters; a map or sum
unit multiplies its adjoint by each local derivative and sends the product to
the operands of that derivative.  Contributions are collected first as
:class:`ParameterGradient` and :class:`AdjointGradient` records; then
:meth:`Backward.statements` decides how each is written: an adjoint that
only ever receives whole arrays is assigned and summed out of place; one that
receives rows is a zeros array added to in place; the parameter gradient is
assigned outright when every parameter receives exactly one contribution.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy
from sympy import Expr, Symbol

from ..core.layers import Variation
from .forward import Forward, formula, progression
from .ops import (
    AddAt,
    AddTo,
    All,
    Assign,
    BroadcastTo,
    Code,
    Fill,
    Formula,
    MatMul,
    MatMulInto,
    Name,
    Ones,
    Paren,
    Plus,
    Ravel,
    Return,
    Rows,
    RowSums,
    Span,
    Statement,
    SumInto,
    SumLanes,
    Times,
    Total,
    Transpose,
    Zeros,
)
from .plan import OUT, AffineUnit, MapUnit

__all__ = ["AdjointGradient", "Backward", "ParameterGradient"]

GRAD = Name("grad")


@dataclass(frozen=True)
class Product:
    """A contribution ``left @ right`` (an affine unit's ``dZ @ Uᵀ``)."""

    left: Code
    right: Code


@dataclass(frozen=True)
class BatchSum:
    """A contribution summed over the batch, one number per row."""

    of: Code


@dataclass(frozen=True)
class Direct:
    """A contribution already reduced to one number per parameter."""

    of: Code


Producer = Product | BatchSum | Direct


@dataclass(frozen=True)
class ParameterGradient:
    """Add ``producer`` to the gradient rows ``rows`` (through ``view`` when they are a slice)."""

    rows: tuple[int, ...]
    view: Code | None
    producer: Producer


@dataclass(frozen=True)
class AdjointGradient:
    """Add row ``i`` of ``value`` to the adjoint of row ``rows[i]`` of ``array``."""

    array: str
    rows: tuple[int, ...]
    value: Code


Contribution = Statement | ParameterGradient | AdjointGradient


def _adjoint(array: str) -> Name:
    return Name("dX" if array == "X" else f"d{array[1:]}")


class Backward:
    """The backward pass of one program (``gradient`` or ``inputs``)."""

    def __init__(self, forward: Forward, inputs: bool, cache: dict[tuple[str, int], Name]) -> None:
        self.f = forward
        self.plan = forward.plan
        self.inputs = inputs
        self.cache = cache
        self.ops: list[Contribution] = []
        self.needs = self.needed()
        self.reached = {self.plan.locations[self.plan.network.loss].array}

    def needed(self) -> dict[str, bool]:
        """Which arrays need an adjoint: those on a path from a parameter (or, for ``inputs``, X)."""
        locations = self.plan.locations
        needs = {"theta": True, "X": self.inputs, "Y": False}
        for unit in self.plan.units:
            if isinstance(unit, AffineUnit):
                needs[unit.array] = (
                    any(isinstance(e, Symbol) for e in unit.entries.values())
                    or any(isinstance(b, Symbol) for b in unit.bias)
                    or any(needs[locations[s].array] for s in unit.columns)
                )
            else:
                needs[unit.array] = any(
                    needs[locations[s].array] for p, _ in unit.edges for s in unit.lanes[p]
                )
        return needs

    def statements(self) -> list[Statement]:
        loss = self.plan.locations[self.plan.network.loss].array
        for u, unit in reversed(list(enumerate(self.plan.units))):
            if unit.array not in self.reached or not self.needs[unit.array]:
                continue
            dG = Name(f"d{unit.array[1:]}")
            if isinstance(unit, AffineUnit):
                if unit.array == loss:
                    self.ops.append(Assign(dG, Ones()))
                self.affine(u, unit, dG)
            else:
                self.map(u, unit, dG, unit.array == loss)
        return self.emit()

    # -- collecting contributions

    def affine(self, u: int, unit: AffineUnit, dG: Name) -> None:
        locations, index = self.plan.locations, self.f.index
        matrix = self.f.matrix(unit)
        if any(self.needs[locations[s].array] for s in unit.columns):
            W = self.f.wnames[unit.array]
            view = self.f.tviews.exprs.get(W) if isinstance(W, Name) else None
            WT = self.f.tviews.name(Transpose(view)) if view is not None else Transpose(W)
            e = Name(f"e{u}")
            self.ops.append(Assign(e, MatMul(WT, dG)))
            self.scatter(unit.columns, e)
        U = self.f.unames[unit.array]
        if matrix.full is not None:
            rows = tuple(matrix.full.ravel().tolist())
            self.ops.append(
                ParameterGradient(rows, self.f.strided("grad", matrix.full), Product(dG, Transpose(U)))
            )
        elif matrix.flat:
            masked = Rows(Paren(MatMul(dG, Transpose(U))), self.f.constant(matrix.mask))
            self.ops.append(ParameterGradient(tuple(matrix.flat), None, Direct(masked)))
        if all(isinstance(b, Symbol) for b in unit.bias):
            rows = tuple(index[b] for b in unit.bias)
            self.ops.append(ParameterGradient(rows, self.grad_rows(rows), BatchSum(dG)))

    def map(self, u: int, unit: MapUnit, dG: Name, seed: bool) -> None:
        shared = self.f.shared(u, unit)
        names: dict[Expr, str] = {OUT: unit.array}
        names.update({t: str(t) for t, _ in shared.before})
        pending = list(shared.after)
        for (p, general), reduced in zip(unit.edges, shared.local):
            target = unit.lanes[p]
            if not any(self.needs[self.plan.locations[s].array] for s in target):
                continue
            for q, ph in enumerate(unit.placeholders):
                used = any(ph in e.free_symbols for e in [general, *(v for _, v in pending)])
                if used and ph not in names:
                    names[ph] = self.f.operand(u, q, unit, False, self.ops, self.cache).id  # type: ignore[arg-type]
            for temp, value in pending:  # the backward-only temporaries, once per unit
                self.ops.append(Assign(Name(str(temp)), formula(value, names)))
                names[temp] = str(temp)
            pending = []
            name = Name(f"c{u}_{p}")
            self.ops.append(Assign(name, self.local(unit, general, formula(reduced, names), dG, seed)))
            self.scatter(target, name)

    def local(self, unit: MapUnit, general: Expr, local: Code, dG: Name, seed: bool) -> Code:
        """The adjoint times one local derivative, one row per lane."""
        variation = self.plan.variation
        kinds = [variation[s] for q, ph in enumerate(unit.placeholders)
                 if ph in general.free_symbols for s in unit.lanes[q]]  # fmt: skip
        if OUT in general.free_symbols:
            kinds.append(variation[unit.nodes[0]])
        lanes = len(unit.lanes[0]) if unit.lanes else 0
        if isinstance(local, Formula) and not local.expr.free_symbols:  # simplified to a constant
            return Plus(Zeros(max(lanes, 1)), Paren(local)) if seed else Times(dG, Paren(local))
        if not seed:
            value: Code = Times(dG, Paren(local))
        elif max(kinds, default=Variation.CONSTANT) == Variation.EXAMPLE:
            value = Paren(local)
        else:
            value = Times(Ones(), Paren(local))
        if unit.summed and lanes > 1 and not self.f.varies(unit, general):
            value = BroadcastTo(value, lanes)
        return value

    def scatter(self, symbols: Sequence[Symbol], code: Name) -> None:
        """Add row i of ``code`` to the adjoint of ``symbols[i]``."""
        by_array: dict[str, list[tuple[int, int]]] = {}
        for i, s in enumerate(symbols):
            loc = self.plan.locations[s]
            if self.needs[loc.array]:
                by_array.setdefault(loc.array, []).append((i, loc.row))
        for array, pairs in by_array.items():
            lanes = [i for i, _ in pairs]
            rows = tuple(r for _, r in pairs)
            part: Code = code if len(lanes) == len(symbols) else Rows(code, self.f.selector(lanes))
            if array == "theta":
                self.ops.append(ParameterGradient(rows, self.grad_rows(rows), BatchSum(part)))
            else:
                self.ops.append(AdjointGradient(array, rows, part))
                self.reached.add(array)

    def grad_rows(self, rows: Sequence[int]) -> Code | None:
        """``grad[a:b:s]`` when ``rows`` are distinct and evenly spaced (a view); else None."""
        if len(set(rows)) < len(rows) or progression(rows) is None:
            return None
        return Rows(GRAD, self.f.selector(rows))

    # -- writing them

    def emit(self) -> list[Statement]:
        """Statements for the collected contributions (see the module's docstring)."""
        size = self.f.rows
        partial = {
            op.array
            for op in self.ops
            if isinstance(op, AdjointGradient) and op.rows != tuple(range(size[op.array]))
        }
        exact = self.exact()
        lines: list[Statement] = [] if exact or not self.f.P else [Fill(GRAD)]
        lines += [Assign(_adjoint(a), Zeros(size[a])) for a in sorted(partial)]
        started = set(partial)
        for op in self.ops:
            if isinstance(op, ParameterGradient):
                lines.append(self.gradient(op, exact))
            elif isinstance(op, AdjointGradient):
                lines.append(self.adjoint(op, partial, started))
            else:
                lines.append(op)
        if self.inputs and "X" not in started:
            lines.append(Assign(Name("dX"), Zeros(size["X"])))
        loc = self.plan.locations[self.plan.network.loss]
        value: Code = Rows(Name(loc.array), loc.row)
        if self.plan.variation[self.plan.network.loss] != Variation.EXAMPLE:
            value = BroadcastTo(value, None)
        lines.append(Return((value, GRAD, Name("dX")) if self.inputs else (value, GRAD)))
        return lines

    def exact(self) -> bool:
        """Whether every parameter receives exactly one contribution (then each is written, not added)."""
        counts = numpy.zeros(self.f.P, dtype=int)
        for op in self.ops:
            if isinstance(op, ParameterGradient):
                numpy.add.at(counts, numpy.array(op.rows, dtype=numpy.intp), 1)
        return bool(self.f.P) and bool((counts == 1).all())

    def adjoint(self, op: AdjointGradient, partial: set[str], started: set[str]) -> Statement:
        """Rows into a zeros array (``partial``); whole arrays assigned, then summed out of place."""
        dA = _adjoint(op.array)
        if op.array in partial:
            return self.add_rows(dA, op.rows, op.value, assign=False)
        if op.array in started:
            return Assign(dA, Plus(dA, op.value))
        started.add(op.array)
        return Assign(dA, op.value)

    def gradient(self, op: ParameterGradient, exact: bool) -> Statement:
        """The statement that adds (or, when ``exact``, writes) a contribution to the gradient."""
        producer = op.producer
        if op.view is not None:
            g = self.f.gviews.name(op.view)
            if isinstance(producer, Product):
                a, b = producer.left, producer.right
                return MatMulInto(a, b, g) if exact else AddTo(g, MatMul(a, b))
            if isinstance(producer, BatchSum):
                return SumInto(producer.of, g) if exact else AddTo(g, RowSums(producer.of))
            return Assign(Rows(g, All()), producer.of) if exact else AddTo(g, producer.of)
        if isinstance(producer, Product):
            flat: Code = Ravel(Paren(MatMul(producer.left, producer.right)))
        elif isinstance(producer, BatchSum):
            flat = RowSums(producer.of)
        else:
            flat = producer.of
        return self.add_rows(GRAD, op.rows, flat, assign=exact)

    def add_rows(self, target: Name, rows: Sequence[int], code: Code, *, assign: bool) -> Statement:
        """``target[rows] (+)= code``, adding rows that repeat."""
        write = Assign if assign else AddTo
        if len(rows) > 1 and len(set(rows)) == 1:
            if target == GRAD:
                return write(Rows(target, rows[0]), Total(code))
            return AddTo(Rows(target, Span(rows[0], rows[0] + 1)), SumLanes(code))
        if len(set(rows)) < len(rows):
            return AddAt(target, self.f.constant(numpy.array(rows, dtype=numpy.intp)), code)
        return write(Rows(target, self.f.selector(rows)), code)
