"""Matrix specs: a spec whose values include vectors and matrices, read into a
:class:`~symbackprop.core.matrix.MatrixNetwork`.

A spec is a matrix spec when a value in ``[inputs]``, ``[targets]`` or
``[parameters]`` is an array::

    [inputs]
    x = [0.05, 0.10]                      # a vector is a column
    [parameters]
    W_1 = [[0.15, 0.20], [0.25, 0.30]]    # a matrix is a list of rows
    b_1 = 0.35                            # a scalar added to a vector broadcasts
    [network]
    z_1 = "W_1 @ x + b_1"
    a_1 = "sigmoid(z_1)"                  # library functions apply elementwise

Right-hand sides are read by the same parser as every spec
(:func:`~symbackprop.notation.expressions.parse_expression`, no ``eval``), with
``@`` and ``.T`` allowed and the functions of :data:`MATRIX_FUNCTIONS`; ``*``
is elementwise.  Shapes are checked as the spec is read: a mismatch names both
shapes, the file, the line and the key.  The other tables are read by the
scalar reader (:mod:`symbackprop.notation.spec`), which hands itself over:
``[training]`` (learning rate, frozen parameters, optimiser and its
hyper-parameters) reads the same keys, with the same checks, as in a scalar spec.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from typing import Any, Protocol

from sympy import Expr, Symbol

from ..core.functions import FunctionInfo
from ..core.matrix import MatrixNetwork
from ..core.network import Definition
from ..core.optimizers import Optimizer
from ..core.tensors import TENSOR_RULES, Average, ShapeError
from ..errors import GraphError, SpecError, SymbackpropWarning
from .expressions import describe

__all__ = ["MATRIX_FUNCTIONS", "is_matrix_spec", "read_matrix"]

ROLE_TABLES = (("input", "inputs"), ("target", "targets"), ("parameter", "parameters"))


def _mean_squared_error(a: Expr, y: Expr) -> Expr:
    return Average((a - y) ** 2)


#: Functions a matrix spec adds to (or changes in) the library's: the structural
#: operations by their rules' names, and ``mean_squared_error(a, y)`` of vectors.
MATRIX_FUNCTIONS: dict[str, FunctionInfo] = {
    rule.name: FunctionInfo(rule.name, cls, rule.arity, (cls.__doc__ or "").split("\n")[0])
    for cls, rule in TENSOR_RULES.items()
    if rule.name.isidentifier()
}
for _name in ("mean_squared_error", "mse"):
    MATRIX_FUNCTIONS[_name] = FunctionInfo(_name, _mean_squared_error, 2, "mean((a - y)**2)")


class Reader(Protocol):
    """What the matrix reader uses of the scalar spec reader (``symbackprop.notation.spec._SpecReader``)."""

    data: dict[str, Any]
    text: str
    file: str

    def error(self, message: str, table: str = "", key: str | None = None) -> SpecError: ...

    def top_level(self) -> str: ...

    def check_name(self, name: str, table: str) -> None: ...

    def number(self, value: Any, table: str, key: str) -> Expr: ...

    def table(self, name: str, *, required: bool = True) -> dict[str, Any]: ...

    def definitions_table(self, names: Any) -> dict[str, Any]: ...

    def functions(self, symbols: Mapping[str, Symbol]) -> dict[str, Any]: ...

    def expression(
        self,
        text: Any,
        symbols: Mapping[str, Symbol],
        funcs: Mapping[str, Any],
        table: str,
        key: str,
        *,
        matrix: bool = False,
    ) -> Expr: ...

    def loss(self, network: Mapping[str, Any]) -> str | None: ...

    def training(self, parameters: list[str]) -> tuple[Expr | None, list[str]]: ...

    def optimizer(self) -> Optimizer: ...

    def latex_names(self, symbols: Mapping[str, Symbol]) -> dict[Symbol, str]: ...


def is_matrix_spec(data: Mapping[str, Any]) -> bool:
    """Whether a parsed spec declares a vector or matrix (an array in a role table)."""
    for _, table in ROLE_TABLES:
        section = data.get(table)
        if isinstance(section, dict) and any(isinstance(v, list) for v in section.values()):
            return True
    return False


class _Declared:
    """Declared names: each one's role and table, and each role's names in order."""

    def __init__(self) -> None:
        self.roles: dict[str, tuple[str, str]] = {}
        self.by_role: dict[str, list[str]] = {role: [] for role, _ in ROLE_TABLES}
        self.values: dict[str, Any] = {}


def read_matrix(reader: Reader) -> MatrixNetwork:
    """Read the reader's document as a matrix spec.

    Raises:
        SpecError: As for every spec; a shape mismatch names both shapes, the
            key and its line.
    """
    title = reader.top_level()
    if "dataset" in reader.data:
        msg = (
            "a matrix spec writes a batch as an input matrix with one example per column; "
            "[dataset] is for scalar specs"
        )
        raise reader.error(msg, "dataset")
    names = _declared(reader)
    network = reader.definitions_table(names)
    for name in network:
        _check_name(reader, name, "network")
    symbols = {name: Symbol(name, real=True) for name in [*names.roles, *network]}
    functions = {**reader.functions(symbols), **MATRIX_FUNCTIONS}
    definitions = [
        Definition(symbols[name], reader.expression(rhs, symbols, functions, "network", name, matrix=True))
        for name, rhs in network.items()
    ]
    loss = reader.loss(network)
    learning_rate, frozen = reader.training(names.by_role["parameter"])
    optimizer = reader.optimizer()
    latex_names = reader.latex_names(symbols)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SymbackpropWarning)
            net = MatrixNetwork(
                tuple(definitions),
                inputs=tuple(symbols[n] for n in names.by_role["input"]),
                targets=tuple(symbols[n] for n in names.by_role["target"]),
                parameters=tuple(symbols[n] for n in names.by_role["parameter"]),
                values={symbols[n]: v for n, v in names.values.items()},
                loss=symbols[loss] if loss else None,
                title=title,
                latex_names=latex_names,
                learning_rate=learning_rate,
                frozen=tuple(symbols[f] for f in frozen),
                optimizer=optimizer,
            )
    except ShapeError as e:
        table = "network" if e.node in network else names.roles.get(e.node, ("", ""))[1]
        raise reader.error(e.message, table, e.node) from None
    except GraphError as e:
        raise reader.error(e.message, "network") from None
    for w in caught:
        warnings.warn(f"{reader.file}: {w.message}", SymbackpropWarning, stacklevel=3)
    return net


def _check_name(reader: Reader, name: str, table: str) -> None:
    reader.check_name(name, table)
    if name in MATRIX_FUNCTIONS:
        raise reader.error(f"{name!r} is the name of a matrix function; choose another name", table, name)


def _declared(reader: Reader) -> _Declared:
    """Every name of the role tables, with its value as a 2-D array."""
    names = _Declared()
    for role, table in ROLE_TABLES:
        for name, value in reader.table(table, required=False).items():
            _check_name(reader, name, table)
            if name in names.roles:
                other = names.roles[name][1]
                raise reader.error(
                    f"{name!r} is already declared in [{other}]; a name has one role", table, name
                )
            names.roles[name] = (role, table)
            names.by_role[role].append(name)
            names.values[name] = _array(reader, value, table, name)
    return names


def _array(reader: Reader, value: Any, table: str, key: str) -> Any:
    """A number, a list of numbers (a column) or a list of rows, as a 2-D float64 array."""
    import numpy

    if not isinstance(value, list):
        return numpy.array([[float(reader.number(value, table, key))]])
    if not value:
        raise reader.error("an empty array is not a vector; give at least one number", table, key)
    if all(isinstance(row, list) for row in value):
        lengths = {len(row) for row in value}
        if len(lengths) != 1 or 0 in lengths:
            msg = f"the rows of a matrix must have one length, got lengths {sorted(lengths)}"
            raise reader.error(msg, table, key)
        rows = [[_element(reader, v, table, key) for v in row] for row in value]
        return numpy.array(rows, dtype=float)
    if any(isinstance(v, list) for v in value):
        raise reader.error(
            "mixed numbers and rows: a matrix is a list of rows, a vector a list of numbers", table, key
        )
    return numpy.array([[_element(reader, v, table, key)] for v in value], dtype=float)


def _element(reader: Reader, value: Any, table: str, key: str) -> float:
    """One number of an array; the scalar reader's checks (and messages) for anything unusual."""
    if type(value) is float and math.isfinite(value):
        return value  # the common case, without building an exact number first
    if isinstance(value, (dict, str)):
        raise reader.error(f"expected a number in the array, got {describe(value)}", table, key)
    return float(reader.number(value, table, key))
