"""The derivation at the level of layers: adjoints of whole vectors and matrices, in textbook form.

:func:`derive_matrix` walks each definition of a
:class:`~symbackprop.core.matrix.MatrixNetwork` backward, from ∂L/∂node down
to the quantities it uses, applying one rule per operation:

* a structural operation's rule from :data:`~symbackprop.core.tensors.TENSOR_RULES`
  (``A @ B`` gives δ Bᵀ and Aᵀ δ; ``sum`` broadcasts; ``mean`` divides by n;
  softmax with cross-entropy gives p − y);
* an elementwise operation's textbook derivative from the function registry,
  applied with ⊙ (σ′ = σ ⊙ (1 − σ), written in node names: ``a_1*(1 - a_1)``);
* where an operand was stretched (a shared bias, a bias against a batch), the
  adjoint sums over the stretched dimension.

Nothing is differentiated as a matrix, and the cost is per layer, not per
weight.  Layout: a gradient has its parameter's shape (as in PyTorch), and
every quantity's shape is recorded.  The levels mirror the scalar derivation
(:mod:`symbackprop.core.derivation`): the Leibniz chain (:meth:`MatrixDerivation.leibniz`),
the one-step recurrence and the textbook δ form (:meth:`~MatrixDerivation.recurrence`,
:meth:`~MatrixDerivation.textbook`), the form in node names
(:meth:`~MatrixDerivation.general_form`), the closed form
(:meth:`~MatrixDerivation.closed_form`) and the numbers (:class:`MatrixEvaluation`).
:meth:`~MatrixDerivation.expanded` writes any of them out element by element:
that is the scalar view's derivation.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from types import MappingProxyType
from typing import Any

import sympy
from sympy import Expr, Symbol

from ..errors import GraphError, InputError, SizeLimitError
from .derivation import CLOSED_FORM_LIMIT, PATH_LIMIT, Partial, register_kind
from .derivation import inlined_size as _size
from .layers import placeholder
from .matrix import MatrixNetwork
from .matrix_values import Evaluator
from .tensors import TENSOR_RULES, ColumnSums, Grid, MatProduct, Shape, expand, infer_shape, unbroadcast

__all__ = ["MatrixDerivation", "MatrixEvaluation", "MatrixStep", "MatrixTerm", "derive_matrix"]


@dataclass(frozen=True)
class MatrixTerm:
    """What ``wrt`` gets through one child: its share of ∂L/∂wrt, with ∂L/∂child as an atom.

    ``adjoint`` has ``wrt``'s shape (a stretched operand's share is summed), e.g.
    ``dL/dz_2 @ a_1.T`` for ``W_2`` through ``z_2``.
    """

    child: Symbol
    wrt: Symbol
    adjoint: Expr

    @property
    def partial(self) -> Partial:
        """∂child/∂wrt, unevaluated (the Leibniz factor)."""
        return Partial(self.child, self.wrt)


@dataclass(frozen=True)
class MatrixStep:
    """∂L/∂``symbol`` as a sum over the children it feeds; the loss has no terms."""

    symbol: Symbol
    role: str
    shape: Shape
    loss: Symbol
    terms: tuple[MatrixTerm, ...]

    @property
    def adjoint(self) -> Partial:
        """∂L/∂symbol, unevaluated (δ of the symbol)."""
        return Partial(self.loss, self.symbol)

    @property
    def children(self) -> tuple[Symbol, ...]:
        return tuple(t.child for t in self.terms)

    def recurrence(self) -> Expr:
        """Σ over children of their shares, in the children's δ; 1 for the loss itself."""
        if self.symbol == self.loss:
            return sympy.S.One
        return sympy.Add(*[t.adjoint for t in self.terms])


@dataclass(frozen=True)
class MatrixEvaluation:
    """Every vector and matrix of a derivation at one point, as NumPy float64 arrays in their shapes.

    For exact or 30-digit numbers, derive the scalar view
    (:meth:`~symbackprop.core.matrix.MatrixNetwork.scalar`): the same numbers, element by element.

    Attributes:
        values: Every quantity's value.
        adjoints: ``quantity -> ∂L/∂quantity``, in the quantity's shape.
        updates: ``parameter -> θ − η·∂L/∂θ`` for parameters that are not frozen, when η is known.
        learning_rate: η, or ``None``.
        rounded: ``("value" | "adjoint" | "update", symbol)`` of every array a quantizer rounded
            (see :meth:`MatrixDerivation.at`).
    """

    values: Mapping[Symbol, Any]
    adjoints: Mapping[Symbol, Any]
    updates: Mapping[Symbol, Any] = field(default_factory=dict)
    learning_rate: float | None = None
    rounded: frozenset[tuple[str, Symbol]] = frozenset()


@dataclass(frozen=True)
class MatrixDerivation:
    """Everything the chain rule says about a matrix network, layer by layer; read-only.

    Build it with :func:`derive_matrix`.  ``steps`` runs backward: the loss,
    the nodes in reverse topological order, then parameters, inputs, targets.
    """

    network: MatrixNetwork
    steps: tuple[MatrixStep, ...]
    evaluation: MatrixEvaluation | None = None

    @property
    def loss(self) -> Symbol:
        return self.network.loss

    @cached_property
    def _index(self) -> dict[Symbol, MatrixStep]:
        return {s.symbol: s for s in self.steps}

    def step(self, symbol: Symbol | str) -> MatrixStep:
        """The backward step of ``symbol`` (a Symbol or its name)."""
        sym = self.network.symbol(symbol) if isinstance(symbol, str) else symbol
        if sym not in self._index:
            raise GraphError(f"{sym} is not part of this network")
        return self._index[sym]

    # ------------------------------------------------------------ level 1

    @cached_property
    def _path_counts(self) -> dict[Symbol, int]:
        counts: dict[Symbol, int] = {}
        for step in self.steps:
            counts[step.symbol] = 1 if step.symbol == self.loss else sum(counts[c] for c in step.children)
        return counts

    def leibniz(self, symbol: Symbol) -> Expr:
        """∂L/∂symbol as a sum over paths of chains of unevaluated partials, from the loss down.

        Falls back to one step (Σ ∂L/∂c · ∂c/∂symbol) past
        :data:`~symbackprop.core.derivation.PATH_LIMIT` paths.
        """
        if symbol == self.loss:
            return sympy.S.One
        if self._path_counts[symbol] > PATH_LIMIT:
            chains = [
                [t.partial] if t.child == self.loss else [Partial(self.loss, t.child), t.partial]
                for t in self.step(symbol).terms
            ]
        else:
            chains = [[Partial(a, b) for a, b in zip(p, p[1:])] for p in self._paths(symbol)]
        terms = [c[0] if len(c) == 1 else sympy.Mul(*c, evaluate=False) for c in chains]
        return terms[0] if len(terms) == 1 else sympy.Add(*terms, evaluate=False)

    def _paths(self, symbol: Symbol) -> list[tuple[Symbol, ...]]:
        if symbol == self.loss:
            return [(symbol,)]
        return [(*p, symbol) for child in self.step(symbol).children for p in self._paths(child)]

    # ------------------------------------------------------------ level 2

    def recurrence(self, symbol: Symbol) -> Expr:
        """One step: ∂L/∂symbol in the δ of its children, e.g. ``a_1*(1 - a_1)*dL/da_1``."""
        return self.step(symbol).recurrence()

    def textbook(self, symbol: Symbol) -> Expr:
        """The δ form of lecture notes: in the δ of the linear nodes (those with an ``@``) only.

        ``z_1``'s is ``a_1*(1 - a_1)*(W_2.T @ dL/dz_2)``: δ⁽¹⁾ = (W⁽²⁾ᵀ δ⁽²⁾) ⊙ σ′(z⁽¹⁾);
        ``W_1``'s is ``dL/dz_1 @ x.T``.
        """
        return self._forms[0][symbol]

    def general_form(self, symbol: Symbol) -> Expr:
        """∂L/∂symbol in node names only, every δ written out."""
        return self._forms[1][symbol]

    @cached_property
    def _forms(self) -> tuple[dict[Symbol, Expr], dict[Symbol, Expr]]:
        linear = {d.symbol for d in self.network.definitions if d.expr.has(MatProduct)}
        ones = _ones(self.network)
        textbook: dict[Symbol, Expr] = {}
        general: dict[Symbol, Expr] = {}
        for step in self.steps:
            r = step.recurrence()
            kept = {Partial(self.loss, c): textbook[c] for c in step.children if c not in linear}
            textbook[step.symbol] = _tidy(r.xreplace(kept), ones) if kept else r
            every = {Partial(self.loss, c): general[c] for c in step.children}
            general[step.symbol] = _tidy(r.xreplace(every), ones)
        return textbook, general

    # ------------------------------------------------------------ level 3

    def closed_form(self, symbol: Symbol) -> Expr:
        """∂L/∂symbol in inputs, targets and parameters only.

        Raises:
            SizeLimitError: It would exceed :data:`~symbackprop.core.derivation.CLOSED_FORM_LIMIT`
                expression nodes; the general form is always available.
        """
        nodes, sizes = self._closed_nodes
        general = self.general_form(symbol)
        if _size(general, sizes) > CLOSED_FORM_LIMIT:
            msg = (
                f"the closed form of d{self.loss.name}/d{symbol.name} would exceed {CLOSED_FORM_LIMIT} "
                "expression nodes; use the general form instead"
            )
            raise SizeLimitError(msg)
        return general.xreplace(nodes)

    @cached_property
    def _closed_nodes(self) -> tuple[dict[Symbol, Expr], dict[Expr, int]]:
        nodes: dict[Symbol, Expr] = {}
        sizes: dict[Expr, int] = {}
        for d in self.network.definitions:
            nodes[d.symbol] = d.expr.xreplace(nodes)
            sizes[d.symbol] = _size(d.expr, sizes)
        return nodes, sizes

    # ------------------------------------------------------------ level 4

    def at(
        self,
        values: Mapping[Any, Any] | None = None,
        quantize: Callable[[Any], tuple[Any, bool]] | None = None,
    ) -> MatrixDerivation:
        """The same derivation with every vector and matrix evaluated at a point.

        ``values`` (by symbol or name) are merged over the network's default point.  ``quantize``
        is called on every computed array (forward values, adjoints, updates) before it is used
        further, and returns the array to carry on with and whether it rounded it: how hand
        rounding recomputes each step from the numbers as shown.
        """
        return replace(self, evaluation=_evaluate(self, self.network.point(values), quantize))

    @property
    def gradients(self) -> dict[Symbol, Any]:
        """``parameter -> ∂L/∂parameter`` at the evaluated point, in the parameter's shape."""
        if self.evaluation is None:
            raise InputError("this derivation has no point; call .at(values) or give the network values")
        return {p: self.evaluation.adjoints[p] for p in self.network.parameters}

    # ------------------------------------------------------------ the scalar view

    def expanded(self, symbol: Symbol, form: str = "recurrence") -> Grid:
        """A form of ∂L/∂symbol written out element by element, in the scalar view's symbols.

        ``form`` is ``"recurrence"`` (the δ of the children become the scalar
        view's partials ∂L/∂c_ij), ``"general"`` or ``"closed"``.  Element
        ``(i, j)`` is the scalar derivation's ∂L/∂(symbol)_ij.
        """
        net = self.network
        expr = {"recurrence": self.recurrence, "general": self.general_form, "closed": self.closed_form}[
            form
        ](symbol)
        loss = net.elements(net.loss)[0][0]
        grids: dict[Any, Grid] = {s: net.elements(s) for s in net.symbols}
        for s in net.nodes:
            grids[Partial(self.loss, s)] = tuple(
                tuple(Partial(loss, e) for e in row) for row in net.elements(s)
            )
        grid = expand(expr, grids)
        rows, columns = net.shapes[symbol]
        return tuple(
            tuple(grid[i if len(grid) > 1 else 0][j if len(grid[0]) > 1 else 0] for j in range(columns))
            for i in range(rows)
        )


def _ones(net: MatrixNetwork) -> dict[Expr, Expr]:
    """``column_sums(y) -> 1`` for every cross-entropy target ``y``: its columns are distributions."""
    return {ColumnSums(y): sympy.S.One for y in net.distributions}


def _tidy(expr: Expr, ones: Mapping[Expr, Expr]) -> Expr:
    """Σy = 1 for distributions, and common factors out of sums: ``P/4 - Y/4`` is ``(P - Y)/4``."""
    expr = expr.xreplace(ones) if ones else expr
    return sympy.factor_terms(expr) if isinstance(expr, sympy.Add) else expr


# ---------------------------------------------------------------- deriving


def derive_matrix(
    network: MatrixNetwork, at: Mapping[Any, Any] | None = None, *, evaluate_point: bool = True
) -> MatrixDerivation:
    """Derive ∂L/∂q for every quantity q of ``network``, layer by layer.

    Args:
        network: The matrix network.
        at: A point (by symbol or name), merged over the network's default point.
        evaluate_point: If false, only the symbolic derivation is built.

    Returns:
        A frozen :class:`MatrixDerivation`; it holds a :class:`MatrixEvaluation`
        when a complete point is known.
    """
    net = network
    walker = _Walker(net)
    terms: dict[Symbol, list[MatrixTerm]] = {s: [] for s in net.symbols}
    for d in net.definitions:
        upstream = sympy.S.One if d.symbol == net.loss else Partial(net.loss, d.symbol)
        shares: dict[Symbol, list[Expr]] = {}
        walker.walk(d.expr, upstream, shares)
        for sym, parts in shares.items():
            terms[sym].append(MatrixTerm(d.symbol, sym, sympy.Add(*parts)))
    derivation = MatrixDerivation(net, _steps(net, terms))
    declared = net.inputs + net.targets + net.parameters
    if evaluate_point and (at or all(s in net.values for s in declared)):
        derivation = derivation.at(at)
    return derivation


register_kind(MatrixNetwork, derive_matrix)  # derive(net) of a matrix network is derive_matrix(net)


def _steps(net: MatrixNetwork, terms: Mapping[Symbol, list[MatrixTerm]]) -> tuple[MatrixStep, ...]:
    """The backward steps: the loss, nodes in reverse order, then parameters, inputs, targets."""
    order = {s: i for i, s in enumerate(net.symbols)}
    steps = []
    reachable = {net.loss}
    groups = [("node", tuple(reversed(net.nodes))), ("parameter", net.parameters)]
    for role, group in [*groups, ("input", net.inputs), ("target", net.targets)]:
        for s in group:
            kept = tuple(sorted((t for t in terms[s] if t.child in reachable), key=lambda t: order[t.child]))
            if kept or s == net.loss:
                reachable.add(s)
            steps.append(MatrixStep(s, "loss" if s == net.loss else role, net.shapes[s], net.loss, kept))
    return tuple(steps)


class _Walker:
    """Carries an adjoint down one definition's tree, operation by operation."""

    def __init__(self, net: MatrixNetwork) -> None:
        self.net = net
        self.quantities = set(net.symbols)
        self.shapes: dict[Any, Shape] = dict(net.shapes)
        self.shapes.update({Partial(net.loss, s): net.shapes[s] for s in net.nodes})
        self.memo: dict[Expr, Shape] = {}
        self.node_of = {d.expr: d.symbol for d in net.definitions}
        self.ones = _ones(net)

    def shape(self, expr: Expr) -> Shape:
        return infer_shape(expr, self.shapes, self.memo)

    def walk(self, expr: Expr, upstream: Expr, shares: dict[Symbol, list[Expr]]) -> None:
        """Add to ``shares`` what each quantity in ``expr`` gets of ``upstream`` (∂L/∂expr)."""
        if expr in self.quantities:
            shares.setdefault(expr, []).append(upstream)  # type: ignore[arg-type]
            return
        if not (expr.free_symbols & self.quantities):
            return
        rule = TENSOR_RULES.get(type(expr))
        if rule is not None:
            arg_shapes = [self.shape(a) for a in expr.args]
            parts = rule.adjoint(expr, upstream, arg_shapes)
            for a, part in zip(expr.args, parts):
                self.walk(a, self.tidy(part), shares)
            return
        logical = self.shape(expr)
        for i, a in enumerate(expr.args):
            if not (a.free_symbols & self.quantities):
                continue
            local = _local(expr.func, _pattern(expr.args), i).xreplace(
                dict(enumerate_placeholders(expr.args))
            )
            part = self.tidy(upstream * local.xreplace(self.node_of))
            self.walk(a, unbroadcast(part, self.shape(part), logical, self.shape(a)), shares)

    def tidy(self, part: Expr) -> Expr:
        """Named nodes for their definitions (``sigmoid(z_1)`` is ``a_1``), and Σy = 1 for distributions."""
        part = part.xreplace(self.node_of)
        return part.xreplace(self.ones) if self.ones else part


def _pattern(args: tuple[Expr, ...]) -> tuple[Expr | None, ...]:
    """The numbers among ``args``, with ``None`` where an operand goes."""
    return tuple(a if a.is_Number else None for a in args)


def enumerate_placeholders(args: tuple[Expr, ...]) -> list[tuple[Expr, Expr]]:
    """``(placeholder, operand)`` for every argument that is not a number."""
    return [(placeholder(i), a) for i, a in enumerate(args) if not a.is_Number]


@functools.lru_cache(maxsize=4096)
def _local(func: Any, pattern: tuple[Expr | None, ...], i: int) -> Expr:
    """The textbook derivative of ``func`` by its ``i``-th argument, over placeholders.

    A registry function gives its ``fdiff`` (σ′ = σ(1 − σ)); ``Add``, ``Mul`` and
    ``Pow`` give theirs.  One small template per operation, cached.
    """
    args = [placeholder(k) if p is None else p for k, p in enumerate(pattern)]
    return sympy.diff(func(*args), placeholder(i))


# ---------------------------------------------------------------- numbers


def _evaluate(
    derivation: MatrixDerivation,
    point: Mapping[Symbol, Any],
    quantize: Callable[[Any], tuple[Any, bool]] | None,
) -> MatrixEvaluation:
    import numpy

    net = derivation.network
    known: dict[Expr, Any] = dict(point)
    rounded: set[tuple[str, Symbol]] = set()

    def carried(key: tuple[str, Symbol], array: Any) -> Any:
        if quantize is None:
            return array
        array, was_rounded = quantize(array)
        if was_rounded:
            rounded.add(key)
        return _frozen(array)

    with numpy.errstate(all="ignore"):
        for d in net.definitions:
            value = _shaped(Evaluator(known)(d.expr), net.shapes[d.symbol], d.symbol.name)
            known[d.symbol] = carried(("value", d.symbol), value)
        values = {s: known[s] for s in net.symbols}
        adjoints: dict[Symbol, Any] = {}
        for step in derivation.steps:
            value = Evaluator(known)(step.recurrence())
            adjoint = _shaped(value, step.shape, f"d{net.loss.name}/d{step.symbol.name}")
            adjoints[step.symbol] = carried(("adjoint", step.symbol), adjoint)
            known[step.adjoint] = adjoints[step.symbol]
    updates: dict[Symbol, Any] = {}
    eta = None if net.learning_rate is None else float(net.learning_rate)
    if eta is not None:
        for p in net.parameters:
            if p not in net.frozen:
                updates[p] = carried(("update", p), _frozen(values[p] - eta * adjoints[p]))
    return MatrixEvaluation(
        values=MappingProxyType(values),
        adjoints=MappingProxyType(adjoints),
        updates=MappingProxyType(updates),
        learning_rate=eta,
        rounded=frozenset(rounded),
    )


def _shaped(value: Any, shape: Shape, what: str) -> Any:
    """``value`` stretched to ``shape``, as a read-only array; refused when not finite."""
    import numpy

    array = numpy.array(numpy.broadcast_to(value, shape), dtype=float)
    if not numpy.isfinite(array).all():
        raise InputError(f"{what} is not finite at this point")
    return _frozen(array)


def _frozen(array: Any) -> Any:
    array.setflags(write=False)
    return array
