"""The matrix program: a matrix derivation compiled to NumPy operations on whole arrays.

The scalar program (:mod:`.vectorization`) runs a network written out weight
by weight.  A :class:`~symbackprop.core.matrix.MatrixNetwork` runs as it is
written instead: :func:`compile_matrix` turns each definition into one
instruction per operation (``@``, a transpose, a reduction by its rule's
``numeric`` in :data:`~symbackprop.core.tensors.TENSOR_RULES`; a run of
elementwise operations as one compiled kernel), and the backward pass into the
matrix derivation's own recurrences, δ = (Wᵀδ) ⊙ f′(z), ∂L/∂W = δaᵀ, the bias
sums, p − y, evaluated in the same way.  Nothing is differentiated here: the
program evaluates what :func:`~symbackprop.core.matrix_derivation.derive_matrix`
derived, layer by layer, so its cost is per layer, not per weight.

Every array is 2-D ``(rows, columns)``, or 3-D with a leading axis of copies:
the finite-difference check runs its perturbed points as copies, and a copy
that moves one element of a matrix ``W`` is a :class:`Sparse` value, which
``W @ A`` and ``A @ W`` take without copying ``W`` (the product moves one row
or one column).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy
import sympy
from sympy import Expr, Symbol

from ..core.backward import Partial
from ..core.functions import kink_conditions, kink_convention
from ..core.matrix import MatrixNetwork, element_name
from ..core.matrix_derivation import MatrixDerivation, derive_matrix
from ..core.matrix_values import elementwise_kernel
from ..core.tensors import TENSOR_RULES, MatProduct, Shape
from ..errors import GraphError

__all__ = ["FlatProgram", "MatrixKink", "MatrixProgram", "Sparse", "compile_matrix"]

#: ``(output slot, function, argument slots)``.
Instruction = tuple[int, Callable[..., Any], tuple[int, ...]]

_PRODUCT = TENSOR_RULES[MatProduct].numeric


@dataclass(frozen=True)
class Sparse:
    """Copies of a quantity that differ from ``base`` in one element each.

    Copy ``k`` is ``base`` with ``delta[k]`` added at ``(rows[k], cols[k])``;
    a copy that leaves the quantity alone has ``delta[k] = 0``.
    """

    base: Any
    rows: Any
    cols: Any
    delta: Any

    def dense(self) -> Any:
        """The copies as one array ``(copies, rows, columns)``."""
        count = len(self.delta)
        out = numpy.repeat(self.base[None], count, axis=0)
        out[numpy.arange(count), self.rows, self.cols] += self.delta
        return out


def _copies(array: Any, count: int) -> Any:
    """``array`` as ``count`` writable copies (it is one already when 3-D: a fresh product)."""
    return numpy.repeat(array[None], count, axis=0) if array.ndim == 2 else array


def _sparse_product(a: Any, b: Any, shared: Any = None) -> Any:
    """``a @ b`` where one side is :class:`Sparse`: the shared product, then one row or column per copy.

    ``(W + δE_ij) @ A`` is ``W @ A`` with ``δ·A[j, :]`` added to row ``i``;
    ``A @ (W + δE_ij)`` is ``A @ W`` with ``δ·A[:, i]`` added to column ``j``.  ``shared`` is
    ``W @ A`` (or ``A @ W``) when it is known already.
    """
    if isinstance(a, Sparse):
        k = numpy.arange(len(a.delta))
        out = _copies(a.base @ b if shared is None else shared, len(k))
        picked = b[a.cols, :] if b.ndim == 2 else b[k, a.cols, :]
        out[k, a.rows, :] += a.delta[:, None] * picked
        return out
    k = numpy.arange(len(b.delta))
    out = _copies(a @ b.base if shared is None else shared, len(k))
    picked = a[:, b.rows].T if a.ndim == 2 else a[k, :, b.rows]
    out[k, :, b.cols] += b.delta[:, None] * picked
    return out


def _call(function: Callable[..., Any], args: list[Any], shared: Any) -> Any:
    """``function(*args)`` where some argument is :class:`Sparse`; ``shared``: the product at the
    unmoved point, if known."""
    sparse = [isinstance(a, Sparse) for a in args]
    if function is _PRODUCT and sum(sparse) == 1:
        return _sparse_product(args[0], args[1], shared)
    return function(*[a.dense() if s else a for a, s in zip(args, sparse)])


def _stretch(shape: Shape) -> Callable[[Any], Any]:
    """A node's value stretched to its shape (a constant adjoint is one number)."""

    def stretch(value: Any) -> Any:
        if isinstance(value, Sparse):
            value = value.dense()
        if value.shape[-2:] == shape:
            return value
        return numpy.broadcast_to(value, value.shape[:-2] + shape)

    return stretch


@dataclass(frozen=True)
class MatrixKink:
    """A kink of a definition: the slot of its condition (0 at the kink), the node and the convention."""

    slot: int
    node: Symbol
    convention: str


class _Compiler:
    """One slot per distinct subexpression, one instruction per operation, in the order they run."""

    def __init__(self, leaves: Sequence[Expr]) -> None:
        self.slots: dict[Expr, int] = {leaf: i for i, leaf in enumerate(leaves)}
        self.size = len(leaves)
        self.constants: dict[int, Any] = {}
        self.code: list[Instruction] = []

    def emit(self, function: Callable[..., Any], args: Sequence[int]) -> int:
        self.size += 1
        self.code.append((self.size - 1, function, tuple(args)))
        return self.size - 1

    def slot(self, expr: Expr) -> int:
        """The slot of ``expr``'s value, compiling what is not compiled yet."""
        found = self.slots.get(expr)
        if found is not None:
            return found
        if expr.is_Number:
            self.size += 1
            self.constants[self.size - 1] = numpy.full((1, 1), float(expr))
            return self.size - 1
        rule = TENSOR_RULES.get(type(expr))
        if rule is not None:
            out = self.emit(rule.numeric, [self.slot(a) for a in expr.args])
        elif not expr.args:
            raise GraphError(f"the matrix program has no value for {expr}")
        else:
            kernel, leaves = elementwise_kernel(expr, self.slots)
            out = self.emit(kernel, [self.slot(leaf) for leaf in leaves])
        self.slots[expr] = out
        return out

    def define(self, name: Expr, expr: Expr, shape: Shape) -> int:
        """Compile ``expr`` as the value of ``name`` (a node or an adjoint), in ``shape``."""
        out = self.emit(_stretch(shape), [self.slot(expr)])
        self.slots[name] = out
        return out


@dataclass(frozen=True)
class MatrixProgram:
    """A matrix derivation compiled to whole-array NumPy code; see :func:`compile_matrix`.

    Attributes:
        derivation: What it was compiled from.
        leaves: The slot of every input, target and parameter.
        nodes: The slot of every defined quantity's value.
        adjoints: The slot of ∂L/∂q for every parameter and input ``q``.
        kinks: Every kink of every definition.
    """

    derivation: MatrixDerivation
    size: int
    constants: Mapping[int, Any]
    forward_code: tuple[Instruction, ...]
    backward_code: tuple[Instruction, ...]
    leaves: Mapping[Symbol, int]
    nodes: Mapping[Symbol, int]
    adjoints: Mapping[Symbol, int]
    kinks: tuple[MatrixKink, ...]

    @property
    def network(self) -> MatrixNetwork:
        return self.derivation.network

    @property
    def loss(self) -> int:
        """The loss's slot."""
        return self.nodes[self.network.loss]

    def forward(self, values: Mapping[Symbol, Any], base: Sequence[Any] | None = None) -> list[Any]:
        """Every slot of the forward pass (values and kink conditions) at ``values``.

        A value may be an array (2-D, or 3-D copies) or :class:`Sparse` copies.
        ``base``: the slots of a run at the same point, where only the values
        that are not ``base``'s own arrays moved; what they do not reach is
        taken from ``base``, not computed again (the check's perturbed runs).
        """
        slots: list[Any] = [None] * self.size
        moved = [base is not None] * self.size
        for s, i in self.leaves.items():
            slots[i] = values[s]
            moved[i] = base is not None and values[s] is not base[i]
        for i, c in self.constants.items():
            slots[i] = c
            moved[i] = False
        for out, function, args in self.forward_code:
            if base is not None and not any(moved[a] for a in args):
                slots[out], moved[out] = base[out], False
                continue
            given = [slots[a] for a in args]
            if any(isinstance(a, Sparse) for a in given):
                once = base is not None and sum(moved[a] for a in args) == 1
                slots[out] = _call(function, given, base[out] if once else None)  # type: ignore[index]
            else:
                slots[out] = function(*given)
        return slots

    def gradient(self, values: Mapping[Symbol, Any]) -> tuple[list[Any], dict[Symbol, Any]]:
        """The forward slots, and ∂L/∂q for every parameter and input, in its shape."""
        slots = self.forward(values)
        for out, function, args in self.backward_code:
            slots[out] = function(*[slots[a] for a in args])
        return slots, {s: slots[i] for s, i in self.adjoints.items()}

    def materialised(self, wanted: Sequence[Symbol]) -> set[Symbol]:
        """Those of ``wanted`` that a perturbed run copies whole: used other than as one side of ``@``."""
        where = {self.leaves[s]: s for s in wanted}
        out: set[Symbol] = set()
        for _, function, args in self.forward_code:
            mine = [a for a in args if a in where]
            if mine and (function is not _PRODUCT or len(mine) > 1):
                out.update(where[a] for a in mine)
        return out


def compile_matrix(source: MatrixNetwork | MatrixDerivation, *, inputs: bool = True) -> MatrixProgram:
    """Compile a matrix network (derived first, without numbers) or its derivation.

    ``inputs``: also compute ∂L/∂x for every input (training needs only the parameters').
    """
    derivation = (
        source if isinstance(source, MatrixDerivation) else derive_matrix(source, evaluate_point=False)
    )
    net = derivation.network
    declared = net.inputs + net.targets + net.parameters
    compiler = _Compiler(declared)
    nodes = {d.symbol: compiler.define(d.symbol, d.expr, net.shapes[d.symbol]) for d in net.definitions}
    kinks = tuple(
        MatrixKink(compiler.slot(condition), d.symbol, kink_convention(d.expr))
        for d in net.definitions
        for condition in kink_conditions(d.expr)
    )
    forward_code = tuple(compiler.code)
    compiler.code = []
    adjoints = {}
    for step in derivation.steps:
        if step.role == "target" or (step.role == "input" and not inputs):
            continue
        recurrence = step.recurrence() if step.terms or step.role == "loss" else sympy.S.Zero
        slot = compiler.define(Partial(net.loss, step.symbol), recurrence, step.shape)
        if step.role in ("parameter", "input"):
            adjoints[step.symbol] = slot
    return MatrixProgram(
        derivation=derivation,
        size=compiler.size,
        constants=compiler.constants,
        forward_code=forward_code,
        backward_code=tuple(compiler.code),
        leaves={s: compiler.slots[s] for s in declared},
        nodes=nodes,
        adjoints=adjoints,
        kinks=kinks,
    )


class FlatProgram:
    """A matrix program as training runs it: the parameters as one vector ``theta``.

    Each parameter is a view of its entries in ``theta`` (row by row, as the
    scalar view orders them), so that an update of ``theta`` in place updates
    every matrix; :meth:`gradient` has the scalar program's signature.

    Args:
        program: The compiled program.
        point: Values of every input and target (and the starting parameters).
    """

    def __init__(self, program: MatrixProgram, point: Mapping[Symbol, Any]) -> None:
        net = program.network
        self.program = program
        self.point = dict(point)
        self.layout: list[tuple[Symbol, int, int, Shape]] = []
        names: list[str] = []
        for p in net.parameters:
            shape = net.shapes[p]
            start = len(names)
            names += [element_name(p.name, shape, i, j) for i in range(shape[0]) for j in range(shape[1])]
            self.layout.append((p, start, len(names), shape))
        self.parameters = tuple(names)

    def pack(self) -> Any:
        """The starting parameters, one vector."""
        return numpy.concatenate([numpy.ravel(self.point[p]) for p, *_ in self.layout]).astype(float)

    def gradient(self, theta: Any, x: Any = None, y: Any = None, *, out: Any) -> tuple[Any, Any]:
        """The loss (an array of one) and its gradient, written into ``out``, at ``theta``."""
        values = dict(self.point)
        for p, start, stop, shape in self.layout:
            values[p] = theta[start:stop].reshape(shape)
        slots, adjoints = self.program.gradient(values)
        for p, start, stop, shape in self.layout:
            out[start:stop] = numpy.broadcast_to(adjoints[p], shape).ravel()
        return numpy.asarray(slots[self.program.loss], dtype=float).reshape(1), out
