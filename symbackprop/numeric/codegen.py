"""Typed operations printed as NumPy source, and the source compiled to functions.

:class:`SourcePrinter` prints each operation of :mod:`.ops` through a
``_print_<Class>`` method, as SymPy's printers do, so a new operation is one
record and one method.  Constants are printed as their names (``_k0, _k1, ...``),
bound in the namespace the source runs in.  The source comes from our own
operations and SymPy templates over operand names, so no user text reaches
``compile``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy
from sympy import Expr, Symbol

from .ops import (
    AddAt,
    AddTo,
    All,
    Assign,
    BroadcastTo,
    Constant,
    Copy,
    Einsum,
    Fill,
    Formula,
    Function,
    Lanes,
    MatMul,
    MatMulInto,
    Name,
    Nudged,
    Ones,
    Paren,
    Plus,
    Ravel,
    RepeatColumns,
    Reshaped,
    Return,
    Rows,
    RowSums,
    Span,
    Stack,
    SumInto,
    SumLanes,
    Times,
    Total,
    Transpose,
    Unpack,
    Zeros,
)
from .printers import NumPyCode

__all__ = ["CompiledSource", "SourcePrinter", "compile_functions"]


class OperandPrinter(NumPyCode):
    """NumPy code in which placeholders and temporaries print as the program's operand names."""

    names: Mapping[Expr, str] = {}

    def _print_Symbol(self, expr: Symbol) -> str:
        name = self.names.get(expr)
        return name if name is not None else super()._print_Symbol(expr)

    _print_Dummy = _print_Symbol  # noqa: N815 - SymPy printer method names


def _lanes(value: Any, rows: int) -> numpy.ndarray:
    """``value`` as ``rows`` identical rows (for units whose operands are the same in every lane)."""
    value = numpy.asarray(value, dtype=float)
    if value.ndim < 2:
        value = value.reshape(1, -1)
    return numpy.broadcast_to(value, (rows, value.shape[1]))


def _nudge(values: Any, inputs: Any, table: tuple, index: Any, delta: Any) -> numpy.ndarray:
    """``values`` with each column's perturbation added (see :class:`~.ops.Nudged`).

    Column ``b`` moves theta row ``index[b]`` by ``delta[b]``; ``table`` is
    ``(start, count, rows, cols)``: the entries each theta row feeds, grouped
    by theta row.  Only the columns whose parameter feeds ``values`` are
    touched, so a perturbed point costs one forward pass, not a copy of theta.
    """
    start, count, rows, cols = table
    n = count[index]
    hit = numpy.flatnonzero(n)
    if not hit.size:
        return values
    B = index.shape[0]
    if values.shape[-1] != B or not values.flags.owndata:
        values = numpy.array(numpy.broadcast_to(values, (values.shape[0], B)))
    k = n[hit]
    c = numpy.repeat(hit, k)
    e = numpy.repeat(start[index[hit]] - (numpy.cumsum(k) - k), k) + numpy.arange(c.size)
    step = delta[c]
    if inputs is not None:
        k_e = cols[e]
        step = step * numpy.where(k_e >= 0, numpy.broadcast_to(inputs, (inputs.shape[0], B))[k_e, c], 1.0)
    if c.size == hit.size:  # one entry per column: the (row, column) pairs are distinct
        values[rows[e], c] += step
    else:
        numpy.add.at(values, (rows[e], c), step)
    return values


class SourcePrinter:
    """Prints operations, and collects the constants the printed source uses (``name -> value``)."""

    def __init__(self) -> None:
        self.constants: dict[str, Any] = {}
        self.formulas: dict[Any, str] = {}
        self.sympy = OperandPrinter()

    def doprint(self, op: Any) -> str:
        return getattr(self, f"_print_{type(op).__name__}")(op)

    # -- selectors

    def _print_Span(self, op: Span) -> str:
        return f"{op.start}:{op.stop}" if op.step == 1 else f"{op.start}:{op.stop}:{op.step}"

    def _print_All(self, op: All) -> str:
        return "..."

    def _print_int(self, op: int) -> str:
        return str(op)

    def _print_Constant(self, op: Constant) -> str:
        self.constants[op.name] = op.value
        return op.name

    # -- array expressions

    def _print_Name(self, op: Name) -> str:
        return op.id

    def _print_Rows(self, op: Rows) -> str:
        return f"{self.doprint(op.of)}[{self.doprint(op.rows)}{', None' if op.column else ''}]"

    def _print_Reshaped(self, op: Reshaped) -> str:
        view = f"{self.doprint(op.of)}[{op.start}:{op.stop}].reshape({op.rows}, {op.width})"
        return view if op.columns is None else f"{view}[:, {self.doprint(op.columns)}]"

    def _print_Transpose(self, op: Transpose) -> str:
        return f"{self.doprint(op.of)}.T"

    def _print_MatMul(self, op: MatMul) -> str:
        return f"{self.doprint(op.left)} @ {self.doprint(op.right)}"

    def _print_Einsum(self, op: Einsum) -> str:
        W, U = self.doprint(op.weights), self.doprint(op.inputs)
        return f"numpy.einsum('jkb,kb->jb', {W}, numpy.broadcast_to({U}, ({op.width}, B)))"

    def _print_Plus(self, op: Plus) -> str:
        return f"{self.doprint(op.left)} + {self.doprint(op.right)}"

    def _print_Times(self, op: Times) -> str:
        return f"{self.doprint(op.left)} * {self.doprint(op.right)}"

    def _print_Paren(self, op: Paren) -> str:
        return f"({self.doprint(op.of)})"

    def _print_Stack(self, op: Stack) -> str:
        return "numpy.concatenate(numpy.broadcast_arrays(%s))" % ", ".join(self.doprint(p) for p in op.parts)

    def _print_Copy(self, op: Copy) -> str:
        return f"{self.doprint(op.of)}.copy()"

    def _print_RepeatColumns(self, op: RepeatColumns) -> str:
        return f"numpy.repeat({self.doprint(op.of)}, B, axis=2)"

    def _print_Formula(self, op: Formula) -> str:
        # The four programs print the same templates under the same names: print each once.
        key = (op.expr, frozenset(op.names))
        if key not in self.formulas:
            self.sympy.names = dict(op.names)
            self.formulas[key] = self.sympy.doprint(op.expr)
        return self.formulas[key]

    def _print_Lanes(self, op: Lanes) -> str:
        return f"_lanes({self.doprint(op.of)}, {op.rows})"

    def _print_SumLanes(self, op: SumLanes) -> str:
        return f"{self.doprint(op.of)}.sum(axis=0, keepdims=True)"

    def _print_RowSums(self, op: RowSums) -> str:
        return f"{self.doprint(op.of)}.sum(axis=1)"

    def _print_Total(self, op: Total) -> str:
        return f"{self.doprint(op.of)}.sum()"

    def _print_Ravel(self, op: Ravel) -> str:
        return f"{self.doprint(op.of)}.ravel()"

    def _print_Ones(self, op: Ones) -> str:
        return "numpy.ones((1, B))"

    def _print_Zeros(self, op: Zeros) -> str:
        return f"numpy.zeros(({op.rows}, B))"

    def _print_BroadcastTo(self, op: BroadcastTo) -> str:
        shape = "(B,)" if op.rows is None else f"({op.rows}, B)"
        return f"numpy.broadcast_to({self.doprint(op.of)}, {shape})"

    def _print_Nudged(self, op: Nudged) -> str:
        inputs = "None" if op.inputs is None else self.doprint(op.inputs)
        return f"_nudge({self.doprint(op.of)}, {inputs}, {self.doprint(op.table)}, index, delta)"

    # -- statements (one indented line each)

    def _print_Assign(self, op: Assign) -> str:
        return f"    {self.doprint(op.target)} = {self.doprint(op.value)}"

    def _print_AddTo(self, op: AddTo) -> str:
        return f"    {self.doprint(op.target)} += {self.doprint(op.value)}"

    def _print_Unpack(self, op: Unpack) -> str:
        return "    %s, = %s" % (", ".join(self.doprint(n) for n in op.names), self.doprint(op.source))

    def _print_Return(self, op: Return) -> str:
        values = ", ".join(self.doprint(v) for v in op.values)
        return f"    return ({values}{',' if op.trailing_comma else ''})"

    def _print_Fill(self, op: Fill) -> str:
        return f"    {self.doprint(op.target)}.fill(0.0)"

    def _print_MatMulInto(self, op: MatMulInto) -> str:
        return (
            f"    numpy.matmul({self.doprint(op.left)}, {self.doprint(op.right)}, out={self.doprint(op.out)})"
        )

    def _print_SumInto(self, op: SumInto) -> str:
        return f"    numpy.add.reduce({self.doprint(op.of)}, axis=1, out={self.doprint(op.out)})"

    def _print_AddAt(self, op: AddAt) -> str:
        args = ", ".join(self.doprint(x) for x in (op.target, op.index, op.value))
        return f"    numpy.add.at({args})"

    def _print_Function(self, op: Function) -> str:
        lines = [f"def {op.name}({', '.join(op.parameters)}):", *(self.doprint(s) for s in op.body)]
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class CompiledSource:
    """The printed source and the functions it defines, by name."""

    source: str
    functions: dict[str, Callable[..., Any]]


def compile_functions(functions: Sequence[Function]) -> CompiledSource:
    """Print ``functions`` as one module of NumPy source and run it."""
    printer = SourcePrinter()
    source = "\n".join(printer.doprint(f) for f in functions)
    namespace: dict[str, Any] = {"numpy": numpy, "_lanes": _lanes, "_nudge": _nudge, **printer.constants}
    # Printed from our own operations and SymPy templates over operand names; no user text.
    exec(compile(source, "<symbackprop vectorized program>", "exec"), namespace)
    return CompiledSource(source, {f.name: namespace[f.name] for f in functions})
