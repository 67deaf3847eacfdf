"""Matrix networks: named vectors and matrices, definitions over them, and their scalar view.

A :class:`MatrixNetwork` is a network whose quantities have shapes: ``x`` is a
column ``(2×1)``, ``W_1`` a matrix ``(2×2)``, a shared bias ``b_1`` a scalar
``(1×1)``, a batch ``X`` has one example per column.  Each definition is a
SymPy expression over one symbol per quantity, with the operations of
:mod:`symbackprop.core.tensors` (``W_1 @ x + b_1`` is
``MatProduct(W_1, x) + b_1``; ``*`` is elementwise).  Shapes are checked when
the network is built.

:meth:`MatrixNetwork.scalar` writes it out element by element as an ordinary
:class:`~symbackprop.core.network.Network`, so that every scalar tool
(derive, check, train, walkthrough) works on it unchanged: the scalar view is
the same network, expanded.  Element names follow one rule
(:func:`element_name`): a column's elements are ``x_1, x_2``; a matrix's,
``W_1_1_2`` for row 1, column 2 of ``W_1``; a scalar keeps its name.

Values are NumPy float64 arrays (a spec's numbers are float64 already); the
scalar view turns each into the exact decimal it was written as (0.1 is 1/10),
as the scalar spec reader does.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from types import MappingProxyType
from typing import Any

import sympy
from sympy import Expr, Rational, Symbol

from ..errors import GraphError, SymbackpropWarning
from .network import Definition, Network
from .optimizers import Optimizer
from .tensors import (
    DISTRIBUTION_OPS,
    SCALAR,
    TENSOR_RULES,
    Grid,
    Mismatch,
    Shape,
    ShapeError,
    expand,
    format_shape,
)
from .tensors import infer_shape as _infer_shape

__all__ = ["MatrixNetwork", "as_array", "element_latex", "element_name", "nested"]

#: How far the columns of a cross-entropy target may sum from 1.
DISTRIBUTION_TOLERANCE = 1e-9


def as_array(value: Any, what: str) -> Any:
    """A user's number, list of numbers (a column) or list of rows, as a read-only 2-D float64 array.

    Raises:
        GraphError: The value is not numbers, is ragged or empty, or is not finite.
    """
    import numpy

    if isinstance(value, (bool, str)) or (isinstance(value, list) and not value):
        raise GraphError(f"{what}: expected a number, a list of numbers or a list of rows, got {value!r}")
    if isinstance(value, list) and all(isinstance(row, list) for row in value):
        lengths = {len(row) for row in value}
        if len(lengths) != 1 or 0 in lengths:
            raise GraphError(
                f"{what}: the rows of a matrix must have one length, got lengths {sorted(lengths)}"
            )
    try:
        array = numpy.array(value, dtype=float)
    except (TypeError, ValueError):
        msg = f"{what}: expected a number, a list of numbers or a list of rows"
        raise GraphError(msg) from None
    if _has_bool(value):
        raise GraphError(f"{what}: expected numbers, got true or false")
    if array.ndim > 2:
        raise GraphError(
            f"{what}: a quantity is a scalar, a vector or a matrix, not {array.ndim}-dimensional"
        )
    if not numpy.isfinite(array).all():
        raise GraphError(f"{what}: expected finite numbers")
    array = array.reshape(-1, 1) if array.ndim < 2 else array
    array.setflags(write=False)
    return array


def _has_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return True
    return isinstance(value, list) and any(_has_bool(v) for v in value)


def nested(array: Any) -> Any:
    """An array as plain data in its quantity's shape: a number, a list (a column), or a list of rows."""
    rows, columns = array.shape
    if (rows, columns) == SCALAR:
        return float(array[0, 0])
    if columns == 1:
        return [float(v) for v in array[:, 0]]
    return [[float(v) for v in row] for row in array]


def element_name(name: str, shape: Shape, i: int, j: int) -> str:
    """The scalar view's name of element ``(i, j)`` (0-based) of the quantity ``name``.

    ``x_2`` for a column, ``W_1_1_2`` for a matrix (row, then column, 1-based),
    ``name`` itself for a scalar.
    """
    if shape == SCALAR:
        return name
    if shape[1] == 1:
        return f"{name}_{i + 1}"
    return f"{name}_{i + 1}_{j + 1}"


def element_latex(name: str, latex: str | None, shape: Shape, i: int, j: int) -> str | None:
    r"""How element ``(i, j)`` prints: ``x_{2}``, ``W_{1,12}``, or ``W^{(1)}_{12}`` from a LaTeX name.

    Indices of 10 or more are separated by commas (``W_{1,3,12}``); a LaTeX name
    that has a subscript already is bracketed: ``\left[W_{1}\right]_{12}``.
    """
    if shape == SCALAR:
        return latex
    index = [i + 1] if shape[1] == 1 else [i + 1, j + 1]
    sep = "," if any(k >= 10 for k in index) else ""
    sub = sep.join(str(k) for k in index)
    if latex is not None:
        return f"{latex}_{{{sub}}}" if "_" not in latex else rf"\left[{latex}\right]_{{{sub}}}"
    stem, _, rest = name.partition("_")
    return f"{stem}_{{{rest},{sub}}}" if rest else f"{stem}_{{{sub}}}"


@dataclass(frozen=True)
class MatrixNetwork:
    """A network of vectors and matrices; immutable, validated when built.

    Args:
        definitions: ``(symbol, expression)`` pairs (or :class:`~symbackprop.core.network.Definition`
            objects), over the operations of :mod:`symbackprop.core.tensors`.
        inputs, targets, parameters: The declared quantities.
        values: A default point: for each declared quantity a number, a list (a
            column) or a list of rows, or a NumPy array.
        shapes: Shapes of declared quantities that have no value; the others
            take their value's shape.  After building, every quantity's shape.
        loss: The loss node (a scalar); by default the last definition.
        title, latex_names, learning_rate, frozen, optimizer: As for
            :class:`~symbackprop.core.network.Network`.

    Raises:
        GraphError: The network is invalid (see :class:`~symbackprop.core.network.Network`).
        ShapeError: Two shapes do not fit; the message names both, and ``node``
            the definition.
    """

    definitions: tuple[Definition, ...]
    inputs: tuple[Symbol, ...] = ()
    targets: tuple[Symbol, ...] = ()
    parameters: tuple[Symbol, ...] = ()
    values: Mapping[Symbol, Any] = field(default_factory=dict)
    shapes: Mapping[Symbol, Shape] = field(default_factory=dict)
    loss: Symbol = None  # type: ignore[assignment]  # always a Symbol after __post_init__
    title: str = ""
    latex_names: Mapping[Symbol, str] = field(default_factory=dict)
    learning_rate: Expr | None = None
    frozen: tuple[Symbol, ...] = ()
    optimizer: Optimizer = field(default_factory=Optimizer)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        graph = Network(
            self.definitions,
            inputs=self.inputs,
            targets=self.targets,
            parameters=self.parameters,
            loss=self.loss,
            title=self.title,
            latex_names=self.latex_names,
            learning_rate=self.learning_rate,
            frozen=self.frozen,
        )
        for name in ("definitions", "inputs", "targets", "parameters", "loss", "learning_rate", "frozen"):
            set_(self, name, getattr(graph, name))
        self.__dict__["graph"] = graph  # the cached property below, already built
        set_(self, "latex_names", graph.latex_names)
        declared = self.inputs + self.targets + self.parameters
        by_name = {s.name: s for s in declared}
        values = {}
        for key, value in dict(self.values).items():
            sym = by_name.get(key) if isinstance(key, str) else key
            if sym not in declared:
                what = getattr(key, "name", key)
                raise GraphError(f"a value is given for {what!r}, which is not an input, target or parameter")
            values[sym] = as_array(value, f"value of {sym.name!r}")  # type: ignore[union-attr]
        set_(self, "values", MappingProxyType(values))
        set_(self, "shapes", MappingProxyType(self._shapes(declared)))
        self._check_values(self.values)

    def _shapes(self, declared: Sequence[Symbol]) -> dict[Symbol, Shape]:
        shapes: dict[Symbol, Shape] = {}
        given = dict(self.shapes)
        for s in declared:
            shape = self.values[s].shape if s in self.values else given.get(s)
            if shape is None:
                raise GraphError(f"{s.name!r} has neither a value nor a shape")
            if s in given and tuple(given[s]) != shape:
                msg = (
                    f"{s.name!r} is declared {format_shape(given[s])} but its value is {format_shape(shape)}"
                )
                raise ShapeError(msg, node=s.name)
            shapes[s] = (int(shape[0]), int(shape[1]))
        memo: dict[Expr, Shape] = {}
        for d in self.definitions:
            try:
                shapes[d.symbol] = _infer_shape(d.expr, shapes, memo, strict=True)
                self._check_distributions(d)
            except Mismatch as e:
                raise ShapeError(str(e), node=d.symbol.name) from None
        if shapes[self.loss] != SCALAR:
            msg = (
                f"the loss {self.loss.name!r} must be a scalar (1×1), got {format_shape(shapes[self.loss])}; "
                "reduce it with sum(...) or mean(...)"
            )
            raise ShapeError(msg, node=self.loss.name)
        return shapes

    def _check_distributions(self, d: Definition) -> None:
        for node in sympy.preorder_traversal(d.expr):
            if isinstance(node, DISTRIBUTION_OPS):
                y = node.args[1]
                if not (isinstance(y, Symbol) and y in self.inputs + self.targets):
                    name = TENSOR_RULES[type(node)].name
                    raise Mismatch(f"{name}(): the second argument must be a declared target, not {y}")

    # ------------------------------------------------------------ queries

    @cached_property
    def graph(self) -> Network:
        """The definitions as a scalar :class:`~symbackprop.core.network.Network` of symbols (no values)."""
        return Network(self.definitions, self.inputs, self.targets, self.parameters, self.loss)

    @property
    def nodes(self) -> tuple[Symbol, ...]:
        """Defined quantities, in topological order."""
        return tuple(d.symbol for d in self.definitions)

    @property
    def symbols(self) -> tuple[Symbol, ...]:
        """Every quantity: inputs, targets, parameters, then nodes."""
        return self.inputs + self.targets + self.parameters + self.nodes

    @property
    def definition(self) -> Mapping[Symbol, Expr]:
        """``node -> expression``."""
        return {d.symbol: d.expr for d in self.definitions}

    def role(self, symbol: Symbol) -> str:
        """``"input"``, ``"target"``, ``"parameter"`` or ``"node"``."""
        return self.graph.role(symbol)

    def symbol(self, name: str) -> Symbol:
        """Look a quantity up by name."""
        return self.graph.symbol(name)

    @cached_property
    def distributions(self) -> frozenset[Symbol]:
        """Targets whose columns are distributions (they sum to 1): the second arguments of
        cross-entropies."""
        found = set()
        for d in self.definitions:
            for node in sympy.preorder_traversal(d.expr):
                if isinstance(node, DISTRIBUTION_OPS):
                    found.add(node.args[1])
        return frozenset(found)

    def point(self, values: Mapping[Any, Any] | None = None) -> dict[Symbol, Any]:
        """The default point with ``values`` merged in, checked: every declared quantity, in its shape.

        Raises:
            GraphError: A value is missing; ShapeError: one has the wrong shape, or a cross-entropy
                target's column does not sum to 1.
        """
        merged = dict(self.values)
        if values:
            merged.update(replace(self, values=values).values)
        missing = [s.name for s in self.inputs + self.targets + self.parameters if s not in merged]
        if missing:
            raise GraphError("no value given for " + ", ".join(repr(m) for m in missing))
        self._check_values(merged)
        return merged

    def _check_values(self, values: Mapping[Symbol, Any]) -> None:
        """Each value has its quantity's shape, and each cross-entropy target's columns sum to 1."""
        import numpy

        for s, array in values.items():
            if array.shape != self.shapes[s]:
                shapes = f"{format_shape(array.shape)}, not {format_shape(self.shapes[s])}"
                msg = f"the value of {s.name!r} is {shapes}"
                raise ShapeError(msg, node=s.name)
        for y in sorted(self.distributions & set(values), key=lambda s: s.name):
            sums = values[y].sum(axis=0)
            bad = numpy.flatnonzero(numpy.abs(sums - 1) > DISTRIBUTION_TOLERANCE)
            if bad.size:
                msg = (
                    f"the columns of {y.name!r} must sum to 1 (cross-entropy targets are distributions); "
                    f"column {bad[0] + 1} sums to {sums[bad[0]]:.12g}"
                )
                raise ShapeError(msg, node=y.name)

    def with_values(self, values: Mapping[Any, Any]) -> MatrixNetwork:
        """A copy with ``values`` (by symbol or name) merged into the default point."""
        merged: dict[Any, Any] = dict(self.values)
        merged.update(replace(self, values=values).values)
        return replace(self, values=merged, shapes={s: self.shapes[s] for s in merged})

    # ------------------------------------------------------------ the scalar view

    def elements(self, symbol: Symbol) -> Grid:
        """The scalar view's symbols of ``symbol``, as rows."""
        return self._elements[symbol]

    @cached_property
    def _elements(self) -> dict[Symbol, Grid]:
        out: dict[Symbol, Grid] = {}
        owner: dict[str, str] = {}
        for s in self.symbols:
            shape = self.shapes[s]
            grid = tuple(
                tuple(Symbol(element_name(s.name, shape, i, j), real=True) for j in range(shape[1]))
                for i in range(shape[0])
            )
            for i, row in enumerate(grid):
                for j, e in enumerate(row):
                    this = _describe_element(s.name, shape, i, j)
                    if e.name in owner:
                        msg = f"the scalar view has two {e.name!r}: {owner[e.name]} and {this}; rename one"
                        raise GraphError(msg)
                    owner[e.name] = this
            out[s] = grid
        return out

    def scalar(self) -> Network:
        """The scalar view: every quantity written out element by element, as a :class:`Network`.

        Its definitions are the matrix definitions expanded (``z_1_1 := W_1_1_1*x_1
        + W_1_1_2*x_2 + b_1``), its point is this network's values as exact
        decimals, its frozen parameters are the elements of the frozen ones, and
        it trains with the same optimiser.
        """
        return self._scalar

    @cached_property
    def _scalar(self) -> Network:
        grids: dict[Any, Grid] = {s: self.elements(s) for s in self.inputs + self.targets + self.parameters}
        definitions = []
        for d in self.definitions:
            grid = expand(d.expr, grids)
            elements = self.elements(d.symbol)
            definitions += [Definition(e, v) for e, v in zip(_flat(elements), _flat(grid))]
            grids[d.symbol] = elements
        values = {
            e: Rational(repr(float(v)))
            for s, array in self.values.items()
            for e, v in zip(_flat(self.elements(s)), array.ravel())
        }
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SymbackpropWarning)  # reported once, for the quantities
            return Network(
                tuple(definitions),
                inputs=self._flat_elements(self.inputs),
                targets=self._flat_elements(self.targets),
                parameters=self._flat_elements(self.parameters),
                loss=self.elements(self.loss)[0][0],
                values=values,
                title=self.title,
                latex_names=self._element_latex(),
                learning_rate=self.learning_rate,
                frozen=self._flat_elements(self.frozen),
                optimizer=self.optimizer,
            )

    def _flat_elements(self, symbols: Iterable[Symbol]) -> tuple[Symbol, ...]:
        return tuple(e for s in symbols for e in _flat(self.elements(s)))

    def _element_latex(self) -> dict[Symbol, str]:
        out = {}
        for s in self.symbols:
            shape = self.shapes[s]
            for i, row in enumerate(self.elements(s)):
                for j, e in enumerate(row):
                    latex = element_latex(s.name, self.latex_names.get(s), shape, i, j)
                    if latex is not None:
                        out[e] = latex
        return out

    def from_scalar(self, network: Network) -> MatrixNetwork:
        """A copy at the point of ``network``, a scalar view of this network (e.g. after ``--set``)."""
        import numpy

        values = {}
        for s in self.inputs + self.targets + self.parameters:
            grid = self.elements(s)
            if all(e in network.values for e in _flat(grid)):
                values[s] = numpy.array([[float(network.values[e]) for e in row] for row in grid])
        return self.with_values(values)

    def nested(self, flat: Mapping[str, float]) -> dict[str, Any]:
        """Values by element name (the scalar view's) gathered into their quantities' shapes."""
        import numpy

        out = {}
        for s in self.symbols:
            names = [[e.name for e in row] for row in self.elements(s)]
            if all(n in flat for row in names for n in row):
                out[s.name] = nested(numpy.array([[flat[n] for n in row] for row in names]))
        return out


def _describe_element(name: str, shape: Shape, i: int, j: int) -> str:
    if shape == SCALAR:
        return f"the quantity {name!r}"
    return f"element {i + 1} of {name!r}" if shape[1] == 1 else f"element ({i + 1}, {j + 1}) of {name!r}"


def _flat(grid: Grid) -> list[Any]:
    return [e for row in grid for e in row]
