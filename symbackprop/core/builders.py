"""Builders: fully connected layers and multilayer perceptrons with textbook names.

By default (``view="matrix"``) they build layers of whole matrices
(``z_1 = W_1 @ x + b_1``, :mod:`symbackprop.core.matrix_builders`): a
:class:`~symbackprop.core.matrix.MatrixNetwork`, derived layer by layer, whose
scalar view (``net.scalar()``) is the same network written out weight by weight.
With ``view="scalar"`` they build the scalar definitions
(``z1_2 := w1_2_1·x_1 + ... + b1_2``) directly, and declare the layers they
stand for (:mod:`symbackprop.core.layers`), so the vectorised compiler and the
walkthrough need not find them again.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import sympy
from sympy import Expr, Rational, Symbol

from ..errors import GraphError
from .functions import half_squared_error, mean_squared_error, sigmoid, squared_error
from .layers import Affine, Elementwise, Layer, Reduction, placeholder, template
from .matrix_builders import MatrixDense, matrix_dense, matrix_mlp
from .network import Definition, Network

__all__ = ["VIEWS", "Dense", "dense", "mlp"]

#: What the builders can build: ``"matrix"`` (one symbol per layer, the default) or ``"scalar"``
#: (one per weight).
VIEWS = ("matrix", "scalar")


def _view(view: str) -> str:
    if view not in VIEWS:
        raise GraphError(f"view must be 'scalar' or 'matrix', not {view!r}")
    return view


_SUMMED_LOSSES: dict[str, Callable[[Expr, Expr], Expr]] = {
    "half_squared_error": half_squared_error,
    "squared_error": squared_error,
}


class _DenseParts(NamedTuple):
    definitions: list[Definition]
    parameters: list[Symbol]
    outputs: list[Symbol]
    latex_names: dict[Symbol, str]


class Dense(_DenseParts):
    """What :func:`dense` returns: ``(definitions, parameters, outputs, latex_names)``.

    It unpacks as that 4-tuple; ``layers`` holds the layer records it declares
    (an :class:`~symbackprop.core.layers.Affine` layer, then the activation as
    an :class:`~symbackprop.core.layers.Elementwise` layer), or ``()`` when an
    input is an expression rather than a symbol.
    """

    layers: tuple[Layer, ...] = ()


def _index_latex(*indices: int) -> str:
    sep = "," if any(i >= 10 for i in indices) else ""
    return sep.join(str(i) for i in indices)


def elementwise_layers(outputs: Sequence[Symbol], exprs: Sequence[Expr]) -> tuple[Elementwise, ...]:
    """``outputs[j] := exprs[j]`` as elementwise layers: one per function, in order of first use."""
    groups: dict[tuple[Expr, int], list[tuple[Symbol, tuple[Symbol, ...]]]] = {}
    for out, expr in zip(outputs, exprs):
        body, args = template(expr, out)
        groups.setdefault((body, len(args)), []).append((out, args))
    return tuple(
        Elementwise(
            tuple(o for o, _ in lanes), sympy.Lambda(_variables(arity), body), tuple(a for _, a in lanes)
        )
        for (body, arity), lanes in groups.items()
    )


def _variables(arity: int) -> tuple[Symbol, ...]:
    return tuple(placeholder(i) for i in range(arity))


def dense(
    inputs: Sequence[Expr] | Expr,
    units: int,
    *,
    layer: int,
    activation: Callable[[Expr], Expr] | None = sigmoid,
    bias: str | None = "unit",
    view: str = "matrix",
    size: int | None = None,
) -> Any:
    """One fully connected layer with textbook names: one weight matrix, or scalar weights.

    By default (``view="matrix"``) ``inputs`` is one quantity of ``size`` rows and
    the layer is ``z_l = W_l @ inputs + b_l`` (see
    :func:`~symbackprop.core.matrix_builders.matrix_dense`).  With ``view="scalar"``,
    unit ``j`` of layer ``l`` computes ``z^{(l)}_j = Σ_k w^{(l)}_{jk} a_k +
    b^{(l)}_j`` and ``a^{(l)}_j = activation(z^{(l)}_j)``.  Symbol names are
    identifiers (``w1_2_1``); the returned LaTeX names print them as
    ``w^{(1)}_{21}``.

    Args:
        inputs: The layer's input quantity (matrix view), or its inputs, symbols of the
            previous layer (scalar view).
        units: Number of units.
        layer: The layer number ``l`` used in names.
        activation: Applied to each ``z``; ``None`` means no activation node.
        bias: ``"unit"`` (one bias per unit), ``"shared"`` (one per layer) or ``None``.
        view: ``"matrix"`` (the default) or ``"scalar"``.
        size: The number of rows of ``inputs`` (matrix view only).

    Returns:
        In the matrix view a :class:`~symbackprop.core.matrix_builders.MatrixDense`,
        ``(definitions, parameters, outputs, latex_names, shapes)``; in the scalar view
        ``(definitions, parameters, outputs, latex_names)``, with the declared layer
        records as ``.layers`` (see :class:`Dense`).
    """
    if _view(view) == "matrix":
        return _matrix_dense(inputs, units, layer=layer, activation=activation, bias=bias, size=size)
    if bias not in ("unit", "shared", None):
        msg = f"bias must be 'unit', 'shared' or None, not {bias!r}"
        raise GraphError(msg)
    if units < 1:
        raise GraphError(f"layer {layer} needs at least one unit, got {units}")
    defs: list[Definition] = []
    params: list[Symbol] = []
    outputs: list[Symbol] = []
    names: dict[Symbol, str] = {}

    def sym(name: str, latex: str) -> Symbol:
        s = Symbol(name, real=True)
        names[s] = latex
        return s

    shared = sym(f"b{layer}", "b^{(%d)}" % layer) if bias == "shared" else None
    if shared is not None:
        params.append(shared)
    zs: list[Symbol] = []
    weights: list[tuple[Symbol, ...]] = []
    biases: list[Expr] = []
    activated: list[Expr] = []
    for j in range(1, units + 1):
        row = tuple(
            sym(f"w{layer}_{j}_{k}", "w^{(%d)}_{%s}" % (layer, _index_latex(j, k)))
            for k in range(1, len(inputs) + 1)
        )
        params += row
        b = shared
        if bias == "unit":
            b = sym(f"b{layer}_{j}", "b^{(%d)}_{%d}" % (layer, j))
            params.append(b)
        z = sym(f"z{layer}_{j}", "z^{(%d)}_{%d}" % (layer, j))
        defs.append(
            Definition(z, sympy.Add(*[w * a for w, a in zip(row, inputs)]) + (b if b is not None else 0))
        )
        zs.append(z)
        weights.append(row)
        biases.append(b if b is not None else sympy.S.Zero)
        if activation is None:
            outputs.append(z)
            continue
        a_ = sym(f"a{layer}_{j}", "a^{(%d)}_{%d}" % (layer, j))
        defs.append(Definition(a_, activation(z)))
        outputs.append(a_)
        activated.append(defs[-1].expr)
    result = Dense(defs, params, outputs, names)
    if all(isinstance(u, Symbol) for u in inputs):
        affine = Affine(tuple(zs), tuple(inputs), tuple(weights), tuple(biases))  # type: ignore[arg-type]
        result.layers = (affine, *(elementwise_layers(outputs, activated) if activated else ()))
    return result


def _matrix_dense(
    inputs: Any, units: int, *, layer: int, activation: Any, bias: str | None, size: int | None
) -> MatrixDense:
    if not isinstance(inputs, Expr):
        msg = (
            "dense() builds a matrix layer by default and takes one input quantity and its rows "
            "(dense(x, 4, layer=1, size=3)); for a list of scalar inputs pass view='scalar'"
        )
        raise GraphError(msg)
    if size is None:
        msg = "dense(..., view='matrix') takes one input quantity and its rows: dense(x, 4, layer=1, size=3)"
        raise GraphError(msg)
    return matrix_dense(inputs, units, layer=layer, size=size, activation=activation, bias=bias)


def mlp(
    sizes: Sequence[int],
    *,
    activation: Callable[[Expr], Expr] | None = sigmoid,
    output_activation: Callable[[Expr], Expr] | None = sigmoid,
    loss: str = "half_squared_error",
    bias: str | None = "unit",
    seed: int | None = 0,
    learning_rate: float | None = None,
    title: str = "",
    view: str = "matrix",
    batch: int = 1,
) -> Any:
    """A multilayer perceptron ``sizes[0] -> ... -> sizes[-1]``: one matrix per layer, or scalar weights.

    By default (``view="matrix"``) it is
    :func:`~symbackprop.core.matrix_builders.matrix_mlp`: a
    :class:`~symbackprop.core.matrix.MatrixNetwork` with input ``x`` of ``batch``
    columns (it also takes the losses ``"softmax_cross_entropy"`` and
    ``"binary_cross_entropy"``), derived layer by layer (``derive``), shown in
    matrix form (``render``), checked and trained on the array program; its
    ``.scalar()`` is the same network written out weight by weight.

    ``view="scalar"`` builds that scalar network directly, with textbook names
    (``w1_2_1``, printed ``w^{(1)}_{21}``); the rest of this docstring is about it.
    Inputs are ``x_1..x_n`` and targets ``y_1..y_m``.  The loss is
    ``"half_squared_error"`` or ``"squared_error"`` summed over outputs, or
    ``"mean_squared_error"``.  With a ``seed``, the default point has weights
    drawn uniformly from [-1, 1] and inputs and targets from [0, 1], rounded
    to two decimals.  The network declares its layers (``network.layers``).
    """
    if _view(view) == "matrix":
        return matrix_mlp(
            sizes,
            activation=activation,
            output_activation=output_activation,
            loss=loss,
            bias=bias,
            batch=batch,
            seed=seed,
            learning_rate=learning_rate,
            title=title,
        )
    if len(sizes) < 2:
        raise GraphError("an MLP needs at least an input and an output size")
    xs = [Symbol(f"x_{k}", real=True) for k in range(1, sizes[0] + 1)]
    ys = [Symbol(f"y_{k}", real=True) for k in range(1, sizes[-1] + 1)]
    defs: list[Definition] = []
    params: list[Symbol] = []
    names: dict[Symbol, str] = {}
    layers: list[Layer] = []
    current: list[Symbol] = list(xs)
    for layer, units in enumerate(sizes[1:], start=1):
        act = output_activation if layer == len(sizes) - 1 else activation
        built = dense(current, units, layer=layer, activation=act, bias=bias, view="scalar")
        defs += built.definitions
        params += built.parameters
        current = built.outputs
        names.update(built.latex_names)
        layers += built.layers
    L = Symbol("L", real=True)
    if loss == "mean_squared_error":
        defs.append(Definition(L, mean_squared_error(*current, *ys)))
        layers += elementwise_layers([L], [defs[-1].expr])
    elif loss in _SUMMED_LOSSES:
        f = _SUMMED_LOSSES[loss]
        defs.append(Definition(L, sympy.Add(*[f(a, y) for a, y in zip(current, ys)])))
        if len(ys) > 1:
            layers.append(
                Reduction(L, sympy.Lambda(_variables(2), f(*_variables(2))), tuple(zip(current, ys)))
            )
        else:
            layers += elementwise_layers([L], [defs[-1].expr])
    else:
        msg = f"unknown MLP loss {loss!r}; use half_squared_error, squared_error or mean_squared_error"
        raise GraphError(msg)
    values: dict[Symbol, Expr] = {}
    if seed is not None:
        rng = random.Random(seed)
        for s in xs + ys:
            values[s] = Rational(round(rng.uniform(0, 1), 2)).limit_denominator(100)
        for s in params:
            values[s] = Rational(round(rng.uniform(-1, 1), 2)).limit_denominator(100)
    return Network(
        definitions=tuple(defs),
        inputs=tuple(xs),
        targets=tuple(ys),
        parameters=tuple(params),
        loss=L,
        values=values,
        latex_names=names,
        learning_rate=learning_rate,
        title=title or "MLP " + "-".join(str(s) for s in sizes),
        layers=tuple(layers),
    )
