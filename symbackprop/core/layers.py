"""Layers as data: affine, elementwise and reduction records over a network's named nodes.

A network is a list of scalar definitions; a *layer* says that several of them
are one vector operation.  Three kinds cover what the builders make and what
textbook examples write by hand:

:class:`Affine`
    ``z_j = Σ_k W_jk·u_k + b_j``, each ``W_jk`` a parameter or a number (0: no
    term), each ``b_j`` a parameter or a number.
:class:`Elementwise`
    ``a_j = f(u_j, ...)``: one function applied lane by lane (``a_j = σ(z_j)``).
    A node that belongs to no larger layer is an elementwise layer of one lane.
:class:`Reduction`
    ``L = Σ_t g(u_t, ...)``: a sum of like terms (``Σ_j ½(a_j − y_j)²``).

:func:`~symbackprop.core.builders.mlp` and :func:`~symbackprop.core.builders.dense`
with ``view="scalar"`` declare their layers; :func:`find_layers` returns those, or finds the layers of
a hand-written graph.  The records are frozen and hold SymPy symbols and
expressions only.  Functions are :class:`sympy.Lambda` objects over the shared
placeholders of :func:`placeholder`, so two layers that apply the same function
compare equal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum

import sympy
from sympy import Add, Dummy, Expr, Lambda, Mul, Symbol

from ..errors import GraphError
from .network import Network

__all__ = [
    "Affine",
    "Elementwise",
    "Layer",
    "Reduction",
    "Variation",
    "find_layers",
    "placeholder",
    "template",
]

_PLACEHOLDERS: list[Dummy] = []


def placeholder(i: int) -> Dummy:
    """The ``i``-th placeholder (``p0, p1, ...``), the same object on every call."""
    while len(_PLACEHOLDERS) <= i:
        _PLACEHOLDERS.append(Dummy(f"p{len(_PLACEHOLDERS)}", real=True))
    return _PLACEHOLDERS[i]


def template(expr: Expr, own: Symbol | None = None) -> tuple[Expr, tuple[Symbol, ...]]:
    """``expr`` with its symbols replaced by placeholders, and the symbols in placeholder order.

    Symbols are numbered in the order a preorder walk first meets them, so
    expressions that are the same up to a renaming of symbols have the same
    template.  ``own`` (the node being defined) is left alone.
    """
    mapping: dict[Symbol, Expr] = {}
    for sub in sympy.preorder_traversal(expr):
        if isinstance(sub, Symbol) and sub not in mapping and sub != own:
            mapping[sub] = placeholder(len(mapping))
    return expr.xreplace(mapping), tuple(mapping)


def _function(body: Expr, arity: int) -> Lambda:
    return Lambda(tuple(placeholder(i) for i in range(arity)), body)


def _lanes(rows: Iterable[Iterable[Symbol]]) -> tuple[tuple[Symbol, ...], ...]:
    return tuple(tuple(row) for row in rows)


def _expr(value: Expr | float) -> Expr:
    """A weight or bias as a SymPy expression (a Python number exactly: 0.1 is 1/10)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Expr)):
        msg = f"a weight or bias must be a SymPy expression or a number, got {value!r}"
        raise GraphError(msg)
    if isinstance(value, int):
        return sympy.Integer(value)
    return sympy.Rational(repr(value)) if isinstance(value, float) else value


def _apply(function: Lambda, args: Sequence[Symbol], what: str) -> Expr:
    if len(args) != len(function.variables):
        msg = f"{what}: the function takes {len(function.variables)} argument(s), got {len(args)}"
        raise GraphError(msg)
    return function.expr.xreplace(dict(zip(function.variables, args)))


@dataclass(frozen=True)
class Affine:
    """Outputs ``z_j = Σ_k weights[j][k]·inputs[k] + biases[j]``.

    Args:
        outputs: The nodes ``z_j``, one per row.
        inputs: The per-example values ``u_k``, one per column.
        weights: One row per output; each entry a parameter, a number, or 0
            where the output does not use that input.
        biases: One per output: a parameter, or a number (0 when there is none).
    """

    outputs: tuple[Symbol, ...]
    inputs: tuple[Symbol, ...]
    weights: tuple[tuple[Expr, ...], ...]
    biases: tuple[Expr, ...]

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "outputs", tuple(self.outputs))
        set_(self, "inputs", tuple(self.inputs))
        set_(self, "weights", tuple(tuple(_expr(w) for w in row) for row in self.weights))
        set_(self, "biases", tuple(_expr(b) for b in self.biases))
        m, n = self.shape
        if len(self.weights) != m or any(len(row) != n for row in self.weights) or len(self.biases) != m:
            msg = f"affine layer {_names(self.outputs)}: weights must be {m}x{n} and biases {m} long"
            raise GraphError(msg)

    @property
    def shape(self) -> tuple[int, int]:
        """``(outputs, inputs)``: the shape of the weight matrix."""
        return len(self.outputs), len(self.inputs)

    def definitions(self) -> tuple[tuple[Symbol, Expr], ...]:
        """``(output, expression)`` for every output, as the network defines it."""
        return tuple((z, self._row(j)) for j, z in enumerate(self.outputs))

    def _row(self, j: int) -> Expr:
        terms = [w * u for u, w in zip(self.inputs, self.weights[j]) if w != 0]
        return Add(*terms) + self.biases[j]

    def agrees(self, output: Symbol, expr: Expr) -> bool:
        """Whether ``expr`` is this layer's definition of ``output`` (checked term by term)."""
        j = self.outputs.index(output)
        used = {u: w for u, w in zip(self.inputs, self.weights[j]) if w != 0}
        return _sums_to(expr, used, self.biases[j]) or expr == self._row(j)


def _sums_to(expr: Expr, used: Mapping[Symbol, Expr], bias: Expr) -> bool:
    """Whether the terms of ``expr`` are exactly ``w·u`` for each ``u -> w`` in ``used``, and ``bias``.

    A quick structural test that builds no expression; a False is confirmed the slow way.
    """
    seen: set[Expr] = set()
    rest: Expr = sympy.S.Zero
    for term in Add.make_args(expr):
        if isinstance(term, Mul) and len(term.args) == 2:
            a, b = term.args
            u = b if used.get(b) == a else (a if used.get(a) == b else None)
        else:
            u = term if isinstance(term, Symbol) and used.get(term) == 1 else None
        if u is None or u in seen:
            rest += term
        else:
            seen.add(u)
    return len(seen) == len(used) and rest == bias


@dataclass(frozen=True)
class Elementwise:
    """Outputs ``outputs[j] = function(*inputs[j])``: one function, lane by lane.

    Args:
        outputs: One node per lane.
        function: A :class:`sympy.Lambda` over placeholders (see :func:`template`).
        inputs: For every lane, the arguments of ``function``.
    """

    outputs: tuple[Symbol, ...]
    function: Lambda
    inputs: tuple[tuple[Symbol, ...], ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "outputs", tuple(self.outputs))
        object.__setattr__(self, "inputs", _lanes(self.inputs))
        if len(self.inputs) != len(self.outputs):
            msg = f"elementwise layer {_names(self.outputs)}: one tuple of inputs per output"
            raise GraphError(msg)

    def definitions(self) -> tuple[tuple[Symbol, Expr], ...]:
        """``(output, expression)`` for every output, as the network defines it."""
        return tuple(
            (a, _apply(self.function, args, f"elementwise layer {_names(self.outputs)}"))
            for a, args in zip(self.outputs, self.inputs)
        )

    def agrees(self, output: Symbol, expr: Expr) -> bool:
        """Whether ``expr`` is this layer's definition of ``output``."""
        j = self.outputs.index(output)
        return _apply(self.function, self.inputs[j], f"elementwise layer {_names(self.outputs)}") == expr


@dataclass(frozen=True)
class Reduction:
    """One output ``output = Σ_t term(*inputs[t])``: a sum of like terms.

    Args:
        output: The node.
        term: A :class:`sympy.Lambda` over placeholders: one term of the sum.
        inputs: For every term, the arguments of ``term``.
    """

    output: Symbol
    term: Lambda
    inputs: tuple[tuple[Symbol, ...], ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "inputs", _lanes(self.inputs))

    @property
    def outputs(self) -> tuple[Symbol, ...]:
        return (self.output,)

    def definitions(self) -> tuple[tuple[Symbol, Expr], ...]:
        """``((output, expression),)``, as the network defines it."""
        what = f"reduction {self.output.name!r}"
        return ((self.output, Add(*[_apply(self.term, args, what) for args in self.inputs])),)

    def agrees(self, output: Symbol, expr: Expr) -> bool:
        """Whether ``expr`` is this layer's definition of ``output``."""
        return output == self.output and self.definitions()[0][1] == expr


Layer = Affine | Elementwise | Reduction


def _names(symbols: Sequence[Symbol]) -> str:
    first = symbols[0].name if symbols else "?"
    return repr(first) if len(symbols) <= 1 else f"{first!r} .. {symbols[-1].name!r}"


# ---------------------------------------------------------------- finding


class Variation(IntEnum):
    """How a value varies, in increasing order: a constant, per parameter vector, per example."""

    CONSTANT = 0
    SHARED = 1
    EXAMPLE = 2


def find_layers(network: Network) -> tuple[Layer, ...]:
    """The network's layers: the ones it declares, or the ones its graph has.

    A network built by :func:`~symbackprop.core.builders.mlp` (``view="scalar"``) declares its
    layers, and they are returned when they cover every definition.  Otherwise
    the definitions are grouped by depth (a node's depth is one more than its
    deepest operand's): nodes of one depth that are affine in per-example
    values form an :class:`Affine` layer (one for parameter biases, one for
    number biases); a sum of like terms is a :class:`Reduction`; nodes of one
    depth that apply the same function are an :class:`Elementwise` layer.  The
    loss is always a layer of its own, and every other node is an elementwise
    layer of one lane.
    """
    declared = tuple(layer for layer in network.layers if isinstance(layer, (Affine, Elementwise, Reduction)))
    covered = sum(len(layer.outputs) for layer in declared)
    if declared and len(declared) == len(network.layers) and covered == len(network.definitions):
        return declared
    return _Finder(network).layers()


@dataclass(frozen=True)
class _Row:
    """One node that is affine in per-example values: ``Σ coefficients[u]·u + bias``."""

    coefficients: Mapping[Symbol, Expr]
    bias: Expr
    parameter_bias: bool


class _Finder:
    """Groups a network's definitions into layers, depth by depth."""

    def __init__(self, net: Network) -> None:
        self.net = net
        self.params = set(net.parameters)
        self.order = {s: i for i, s in enumerate(net.symbols)}
        self.variation: dict[Symbol, Variation] = dict.fromkeys(net.inputs + net.targets, Variation.EXAMPLE)
        self.variation.update(dict.fromkeys(net.parameters, Variation.SHARED))
        self.found: list[Layer] = []

    def layers(self) -> tuple[Layer, ...]:
        definition = self.net.definition
        for nodes in self.levels():
            affine: dict[str, list[tuple[Symbol, _Row]]] = {}
            maps: dict[tuple[bool, Expr, int], list[tuple[Symbol, tuple[Symbol, ...]]]] = {}
            for node in nodes:
                expr = definition[node]
                alone = node == self.net.loss  # the loss is a layer of its own
                row = self.affine_row(expr)
                if row is not None:
                    self.variation[node] = Variation.EXAMPLE
                    key = "loss" if alone else ("parameter" if row.parameter_bias else "number")
                    affine.setdefault(key, []).append((node, row))
                    continue
                reduction = self.reduction(node, expr)
                if reduction is not None:
                    self.add(reduction, reduction.term.expr, reduction.inputs)
                    continue
                body, operands = template(expr, node)
                maps.setdefault((alone, body, len(operands)), []).append((node, operands))
            for group in affine.values():
                self.found.append(self.affine(group))
            for (_, body, arity), lanes in maps.items():
                layer = Elementwise(
                    tuple(n for n, _ in lanes), _function(body, arity), tuple(a for _, a in lanes)
                )
                self.add(layer, body, layer.inputs)
        return tuple(self.found)

    def levels(self) -> list[list[Symbol]]:
        """The nodes by depth, each depth in definition order."""
        level: dict[Symbol, int] = {}
        by_level: dict[int, list[Symbol]] = {}
        for d in self.net.definitions:
            level[d.symbol] = 1 + max((level.get(s, 0) for s in d.expr.free_symbols), default=0)
            by_level.setdefault(level[d.symbol], []).append(d.symbol)
        return [by_level[k] for k in sorted(by_level)]

    def add(self, layer: Layer, body: Expr, lanes: Sequence[Sequence[Symbol]]) -> None:
        """Record a layer; its outputs vary as much as the most varying operand its function reads."""
        used = [q for q in range(len(lanes[0]) if lanes else 0) if placeholder(q) in body.free_symbols]
        variation = max((self.variation[lane[q]] for lane in lanes for q in used), default=Variation.CONSTANT)
        for s in layer.outputs:
            self.variation[s] = variation
        self.found.append(layer)

    # -- affine

    def affine_row(self, expr: Expr) -> _Row | None:
        """``expr`` as an affine row, when it is one in per-example values with distinct parameters."""
        row = _affine_terms(expr, self.params)
        if row is None or not row.coefficients:
            return None
        if any(self.variation.get(u) != Variation.EXAMPLE for u in row.coefficients):
            return None
        used: set[Expr] = set(row.coefficients)
        for c in row.coefficients.values():
            if isinstance(c, Symbol):
                if c in used:
                    return None  # a parameter used twice in one node
                used.add(c)
        if row.parameter_bias and row.bias in used:
            return None
        return row

    def affine(self, group: list[tuple[Symbol, _Row]]) -> Affine:
        columns = sorted({u for _, row in group for u in row.coefficients}, key=self.order.__getitem__)
        weights = tuple(tuple(row.coefficients.get(u, sympy.S.Zero) for u in columns) for _, row in group)
        return Affine(
            tuple(n for n, _ in group), tuple(columns), weights, tuple(row.bias for _, row in group)
        )

    # -- reduction

    def reduction(self, node: Symbol, expr: Expr) -> Reduction | None:
        """``expr`` as a sum of like terms that share no symbol, in the network's order."""
        terms = Add.make_args(expr)
        if len(terms) < 2:
            return None
        seen: set[Symbol] = set()
        for term in terms:
            if term.free_symbols & seen:
                return None  # a symbol in two terms: its edge is not one term's derivative
            seen |= term.free_symbols
        shapes = [template(term, node) for term in terms]
        if any(body != shapes[0][0] or len(args) != len(shapes[0][1]) for body, args in shapes):
            return None
        lanes = tuple(sorted((args for _, args in shapes), key=lambda args: [self.order[s] for s in args]))
        return Reduction(node, _function(shapes[0][0], len(shapes[0][1])), lanes)


def _affine_term(term: Expr, params: set[Symbol]) -> tuple[str, Expr, Expr] | None:
    """One term of a sum: ``("number", n, 0)``, ``("bias", b, 0)`` or ``("input", u, c)``."""
    if term.is_Number:
        return "number", term, sympy.S.Zero
    if isinstance(term, Symbol):
        return ("bias", term, sympy.S.Zero) if term in params else ("input", term, sympy.S.One)
    if not (isinstance(term, Mul) and len(term.args) == 2):
        return None
    a, b = term.args
    if isinstance(b, Symbol) and b in params and isinstance(a, Symbol):
        a, b = b, a
    if not (isinstance(b, Symbol) and b not in params):
        return None
    if not (a.is_Number or (isinstance(a, Symbol) and a in params)):
        return None
    return "input", b, a


def _affine_terms(expr: Expr, params: set[Symbol]) -> _Row | None:
    """``Σ c_u·u + bias`` with each ``c_u`` a parameter or a number, and one kind of bias."""
    coefficients: dict[Symbol, Expr] = {}
    bias: Expr = sympy.S.Zero
    parameter_bias = False
    for term in Add.make_args(expr):
        part = _affine_term(term, params)
        if part is None:
            return None
        what, value, coefficient = part
        if what == "number" and not parameter_bias:
            bias += value
        elif what == "bias" and not parameter_bias and bias == 0:
            bias, parameter_bias = value, True
        elif what == "input" and value not in coefficients:
            coefficients[value] = coefficient  # type: ignore[index]
        else:
            return None
    return _Row(coefficients, bias, parameter_bias)
