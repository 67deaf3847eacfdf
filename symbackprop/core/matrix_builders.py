"""Builders of matrix networks: a fully connected layer and a multilayer perceptron of whole matrices.

:func:`matrix_dense` and :func:`matrix_mlp` are :func:`~symbackprop.core.builders.dense`
and :func:`~symbackprop.core.builders.mlp` in matrix form (``dense(..., view="matrix")``
and ``mlp(..., view="matrix")`` call them): layer ``l`` is
``z_l = W_l @ a_{l-1} + b_l`` and ``a_l = f(z_l)``, with one weight matrix per
layer instead of one symbol per weight, so that deriving it costs per layer, not
per weight.  Its scalar view (:meth:`~symbackprop.core.matrix.MatrixNetwork.scalar`)
is the same network written out weight by weight.

What they build is the default of ``dense`` and ``mlp``; code written when the
scalar view was the default (``net.layers``, ``net.symbol("w1_1_1")``,
``built.layers``) gets a one-line error that names ``view="scalar"``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from sympy import Expr, Symbol

from ..errors import GraphError
from .functions import FUNCTIONS, binary_cross_entropy
from .matrix import MatrixNetwork
from .network import Definition
from .tensors import Average, ColumnSoftmaxCrossEntropy, MatProduct, Total

__all__ = ["MATRIX_LOSSES", "MatrixDense", "MatrixMLP", "matrix_dense", "matrix_mlp"]

Activation = str | Callable[[Expr], Expr] | None


def _half_squared(a: Expr, y: Expr, z: Expr, batch: int) -> Expr:
    return Total((a - y) ** 2) / (2 * batch)


def _squared(a: Expr, y: Expr, z: Expr, batch: int) -> Expr:
    return Total((a - y) ** 2) / batch


def _mean_squared(a: Expr, y: Expr, z: Expr, batch: int) -> Expr:
    return Average((a - y) ** 2)


def _softmax_cross_entropy(a: Expr, y: Expr, z: Expr, batch: int) -> Expr:
    return Average(ColumnSoftmaxCrossEntropy(z, y))


def _binary_cross_entropy(a: Expr, y: Expr, z: Expr, batch: int) -> Expr:
    return Average(binary_cross_entropy(a, y))


#: ``loss(a, y, z, batch)`` by name, over the last layer's output ``a`` (or its logits ``z``):
#: the per-example loss, averaged over the batch.
MATRIX_LOSSES: dict[str, Callable[[Expr, Expr, Expr, int], Expr]] = {
    "half_squared_error": _half_squared,
    "squared_error": _squared,
    "mean_squared_error": _mean_squared,
    "softmax_cross_entropy": _softmax_cross_entropy,
    "binary_cross_entropy": _binary_cross_entropy,
}


def _activation(activation: Activation) -> Callable[[Expr], Expr] | None:
    if activation is None or callable(activation):
        return activation
    info = FUNCTIONS.get(activation)
    if info is None or not info.accepts(1):
        raise GraphError(f"unknown activation {activation!r}; use a library function such as 'sigmoid'")
    return info.func


#: What a scalar :class:`~symbackprop.core.network.Network` has and a matrix network has not.
SCALAR_ONLY = frozenset({"dataset", "inlined", "layers", "parents", "written"})

_SCALAR_HINT = "mlp() builds one matrix per layer by default; pass view='scalar' for the scalar network"


class MatrixMLP(MatrixNetwork):
    """What :func:`matrix_mlp` (and ``mlp()`` by default) returns: a :class:`MatrixNetwork`.

    It is used as any matrix network; a use that only the scalar network has (an
    attribute of :data:`SCALAR_ONLY`, a scalar weight's name such as ``w1_1_1``)
    raises a one-line error naming ``view='scalar'`` (or ``net.scalar()``).
    """

    def __getattr__(self, name: str) -> Any:
        if name in SCALAR_ONLY:
            raise AttributeError(f"{name!r} is the scalar network's: {_SCALAR_HINT} (or use net.scalar())")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def symbol(self, name: str) -> Symbol:
        """Look a quantity up by name; a scalar weight's name is an error naming ``view='scalar'``."""
        try:
            return super().symbol(name)
        except GraphError as e:
            raise GraphError(f"{e}; {_SCALAR_HINT} (its weights are named w1_1_1, b1_1, ...)") from None


def matrix_mlp(
    sizes: Sequence[int],
    *,
    activation: Activation = "sigmoid",
    output_activation: Activation = "sigmoid",
    loss: str = "half_squared_error",
    bias: str | None = "unit",
    batch: int = 1,
    seed: int | None = 0,
    learning_rate: float | None = None,
    title: str = "",
) -> MatrixMLP:
    """A multilayer perceptron ``sizes[0] -> ... -> sizes[-1]`` with one matrix per layer.

    The input ``x`` is ``(sizes[0]×batch)`` and the target ``y``
    ``(sizes[-1]×batch)``, one example per column.  Layer ``l`` has the weight
    matrix ``W_l`` and, for ``bias="unit"``, the bias column ``b_l``
    (``"shared"``: one scalar per layer; ``None``: no bias).  The loss is one of
    :data:`MATRIX_LOSSES`, averaged over the batch; ``"softmax_cross_entropy"``
    reads the last layer's logits (there is no output activation) and has
    one-hot targets.  With a ``seed``, the
    default point has weights drawn uniformly from [-1, 1] and inputs and
    targets from [0, 1], rounded to two decimals.
    """
    if len(sizes) < 2 or any(n < 1 for n in sizes) or batch < 1:
        raise GraphError(
            "an MLP needs an input and an output size, each at least 1, and a batch of at least 1"
        )
    if bias not in ("unit", "shared", None):
        raise GraphError(f"bias must be 'unit', 'shared' or None, not {bias!r}")
    if loss not in MATRIX_LOSSES:
        raise GraphError(f"unknown MLP loss {loss!r}; use one of {', '.join(MATRIX_LOSSES)}")
    x, y = Symbol("x", real=True), Symbol("y", real=True)
    last = None if loss == "softmax_cross_entropy" else _activation(output_activation)  # logits for SCE
    functions = [_activation(activation)] * (len(sizes) - 2) + [last]
    definitions, parameters, latex, (a, z) = _layers(x, sizes, functions, bias)
    L = Symbol("L", real=True)
    definitions.append(Definition(L, MATRIX_LOSSES[loss](a, y, z, batch)))
    values = _values(sizes, parameters, bias, batch, seed, one_hot=loss == "softmax_cross_entropy")
    return MatrixMLP(
        tuple(definitions),
        inputs=(x,),
        targets=(y,),
        parameters=tuple(parameters),
        values={s: values[s.name] for s in (x, y, *parameters) if s.name in values},
        shapes={x: (sizes[0], batch), y: (sizes[-1], batch), **_parameter_shapes(sizes, parameters, bias)},
        loss=L,
        title=title or "MLP " + "-".join(str(n) for n in sizes) + " in matrix form",
        latex_names=latex,
        learning_rate=learning_rate,
    )


class MatrixDense(NamedTuple):
    """What :func:`matrix_dense` returns: ``(definitions, parameters, outputs, latex_names, shapes)``.

    ``outputs`` holds the one output quantity (``a_l``, or ``z_l`` without an
    activation); ``shapes`` the parameters' shapes.
    """

    definitions: list[Definition]
    parameters: list[Symbol]
    outputs: list[Symbol]
    latex_names: dict[Symbol, str]
    shapes: dict[Symbol, tuple[int, int]]

    @property
    def layers(self) -> Any:
        """Scalar layer records belong to ``dense(..., view='scalar')``: an error that says so."""
        msg = "dense() builds a matrix layer by default; pass view='scalar' for scalar weights and .layers"
        raise AttributeError(msg)


def matrix_dense(
    inputs: Expr,
    units: int,
    *,
    layer: int,
    size: int,
    activation: Activation = "sigmoid",
    bias: str | None = "unit",
) -> MatrixDense:
    """One fully connected layer of whole matrices: ``z_l = W_l @ inputs + b_l``, ``a_l = f(z_l)``.

    Args:
        inputs: The layer's input quantity (a column, or a batch with one example per column).
        units: Number of units: ``W_l`` is ``(units×size)``.
        layer: The layer number ``l`` used in names (``W_1``, printed ``W^{(1)}``).
        size: The number of rows of ``inputs``.
        activation: A library function's name, a function, or ``None`` for no activation node.
        bias: ``"unit"`` (a column ``b_l``), ``"shared"`` (one scalar) or ``None``.

    Raises:
        GraphError: A size below 1, an unknown bias kind or activation.
    """
    if units < 1 or size < 1:
        raise GraphError(f"layer {layer} needs at least one unit and one input, got {units} and {size}")
    if bias not in ("unit", "shared", None):
        raise GraphError(f"bias must be 'unit', 'shared' or None, not {bias!r}")
    f = _activation(activation)
    W, b = Symbol(f"W_{layer}", real=True), Symbol(f"b_{layer}", real=True)
    z, a = Symbol(f"z_{layer}", real=True), Symbol(f"a_{layer}", real=True)
    parameters = [W] if bias is None else [W, b]
    definitions = [Definition(z, MatProduct(W, inputs) + (0 if bias is None else b))]
    if f is not None:
        definitions.append(Definition(a, f(z)))
    latex = {s: f"{s.name[0]}^{{({layer})}}" for s in (W, b, z, a)}
    shapes = {W: (units, size), b: (1, 1) if bias == "shared" else (units, 1)}
    return MatrixDense(definitions, parameters, [a if f is not None else z], latex, shapes)


def _layers(
    x: Symbol, sizes: Sequence[int], functions: Sequence[Activation], bias: str | None
) -> tuple[list[Definition], list[Symbol], dict[Symbol, str], tuple[Expr, Expr]]:
    """``z_l = W_l @ a_{l-1} + b_l`` and ``a_l = f_l(z_l)`` for each layer; the last ``a`` and ``z``."""
    definitions: list[Definition] = []
    parameters: list[Symbol] = []
    latex: dict[Symbol, str] = {}
    current: Expr = x
    for layer, f in enumerate(functions, start=1):
        built = matrix_dense(
            current, sizes[layer], layer=layer, size=sizes[layer - 1], activation=f, bias=bias
        )
        definitions += built.definitions
        parameters += built.parameters
        latex.update(built.latex_names)
        current = built.outputs[0]
    return definitions, parameters, latex, (current, _z(definitions))


def _z(definitions: Sequence[Definition]) -> Expr:
    """The last layer's ``z``: the last definition with a matrix product."""
    return next(d.symbol for d in reversed(definitions) if d.expr.has(MatProduct))


def _parameter_shapes(
    sizes: Sequence[int], parameters: Sequence[Symbol], bias: str | None
) -> dict[Symbol, tuple[int, int]]:
    """``W_l`` is ``(n_l×n_{l-1})``; ``b_l`` a column ``(n_l×1)``, or ``(1×1)`` when shared by the layer."""
    out = {}
    for p in parameters:
        layer = int(p.name.split("_")[1])
        if p.name.startswith("W_"):
            out[p] = (sizes[layer], sizes[layer - 1])
        else:
            out[p] = (1, 1) if bias == "shared" else (sizes[layer], 1)
    return out


def _values(
    sizes: Sequence[int],
    parameters: Sequence[Symbol],
    bias: str | None,
    batch: int,
    seed: int | None,
    one_hot: bool,
) -> dict[str, Any]:
    """A random point (empty without a seed): weights in [-1, 1], inputs and targets in [0, 1]."""
    import numpy

    if seed is None:
        return {}
    rng = numpy.random.default_rng(seed)
    out: dict[str, Any] = {"x": numpy.round(rng.uniform(0, 1, (sizes[0], batch)), 2)}
    if one_hot:
        out["y"] = numpy.eye(sizes[-1])[:, rng.integers(0, sizes[-1], batch)]
    else:
        out["y"] = numpy.round(rng.uniform(0, 1, (sizes[-1], batch)), 2)
    for layer in range(1, len(sizes)):
        out[f"W_{layer}"] = numpy.round(rng.uniform(-1, 1, (sizes[layer], sizes[layer - 1])), 2)
        rows = 1 if bias == "shared" else sizes[layer]
        out[f"b_{layer}"] = numpy.round(rng.uniform(-1, 1, (rows, 1)), 2)
    return {k: v for k, v in out.items() if k in ("x", "y") or k in {p.name for p in parameters}}
