"""Chain-rule derivation by reverse accumulation.

:func:`derive` turns a :class:`~symbackprop.core.network.Network` into a frozen
:class:`Derivation`.  For every symbol ``s`` it holds the adjoint
∂L/∂s = Σ over the children c of s of ∂L/∂c · ∂c/∂s, at four levels:

1. **factors** - the Leibniz chain, e.g. ∂L/∂a₂ · ∂a₂/∂z₂ · ∂z₂/∂w₂, as
   unevaluated :class:`Partial` atoms (:meth:`Derivation.leibniz`);
2. **general form** - each local derivative in node names, e.g.
   ∂a₂/∂z₂ = a₂(1 − a₂) (:attr:`LocalFactor.general`,
   :meth:`Derivation.general_form`);
3. **closed form** - in inputs and parameters only
   (:meth:`Derivation.closed_form`), built with ``xreplace`` and refused past
   a size limit instead of growing an exponential tree;
4. **value** - the numbers at a point (:class:`Evaluation`), computed on the
   named-node program, exactly where they can be (:mod:`.evaluation`).

Only local derivatives are ever differentiated, one small definition at a
time, which is why this is linear in the size of the network; and a library
function's local derivative is instantiated from its textbook form, not
differentiated again (:mod:`symbackprop.core.local_forms`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, overload

import sympy
from sympy import Expr, S, Symbol

from ..errors import GraphError, InputError, SizeLimitError
from .backward import LocalFactor, Partial, Step, build_edges, build_steps
from .display import Displayable
from .evaluation import (
    DPS,
    DatasetEvaluation,
    Evaluation,
    Key,
    KinkPoint,
    Quantizer,
    evaluate,
    evaluate_dataset,
)
from .local_forms import product, total
from .network import Network

if TYPE_CHECKING:
    from .matrix import MatrixNetwork

__all__ = [
    "CLOSED_FORM_LIMIT",
    "DPS",
    "DatasetEvaluation",
    "Derivation",
    "Evaluation",
    "KinkPoint",
    "LocalFactor",
    "Partial",
    "Quantizer",
    "Step",
    "derive",
]

#: Largest closed form (in expression-tree nodes) that is built; past it the
#: named-intermediate form is the answer.
CLOSED_FORM_LIMIT = 20_000

#: Most chain-rule paths enumerated for one symbol's Leibniz form.
PATH_LIMIT = 64


@dataclass(frozen=True)
class Gradient:
    """One parameter's gradient at the four levels (closed form on request)."""

    parameter: Symbol
    leibniz: Expr
    general: Expr
    value: Expr | None


@dataclass(frozen=True)
class Derivation(Displayable):
    """Everything the chain rule says about a network; read-only.

    Build it with :func:`derive`.  ``steps`` runs backward: the loss first,
    then nodes in reverse topological order, then parameters, inputs and
    targets.
    """

    network: Network
    edges: tuple[LocalFactor, ...]
    steps: tuple[Step, ...]
    evaluation: Evaluation | None = None

    # ----------------------------------------------------------- lookup

    @cached_property
    def _step_index(self) -> dict[Symbol, Step]:
        return {s.symbol: s for s in self.steps}

    @cached_property
    def _edge_index(self) -> dict[tuple[Symbol, Symbol], LocalFactor]:
        return {(e.of, e.wrt): e for e in self.edges}

    @property
    def loss(self) -> Symbol:
        return self.network.loss  # type: ignore[return-value]

    def step(self, symbol: Symbol | str) -> Step:
        """The backward step for ``symbol`` (a Symbol or its name)."""
        sym = self.network.symbol(symbol) if isinstance(symbol, str) else symbol
        try:
            return self._step_index[sym]
        except KeyError:
            msg = f"{sym} is not part of this network"
            raise GraphError(msg) from None

    def local(self, of: Symbol, wrt: Symbol) -> LocalFactor:
        """The edge ∂of/∂wrt."""
        return self._edge_index[(of, wrt)]

    # ----------------------------------------------------- levels 1 and 2

    @cached_property
    def _path_counts(self) -> dict[Symbol, int]:
        counts: dict[Symbol, int] = {}
        for step in self.steps:
            counts[step.symbol] = 1 if step.symbol == self.loss else sum(counts[c] for c in step.children)
        return counts

    def paths(self, symbol: Symbol, limit: int = PATH_LIMIT) -> tuple[tuple[Symbol, ...], ...] | None:
        """Every chain ``(L, ..., symbol)`` from the loss down to ``symbol``.

        ``None`` when there are more than ``limit``; then use :meth:`Step.recurrence`.
        """
        if self._path_counts[symbol] > limit:
            return None
        known = self._paths_memo.get((symbol, limit))
        if known is not None:
            return known
        if symbol == self.loss:
            return ((symbol,),)
        out: list[tuple[Symbol, ...]] = []
        for child in self._step_index[symbol].children:
            for p in self.paths(child, limit) or ():
                out.append((*p, symbol))
        self._paths_memo[(symbol, limit)] = paths = tuple(out)
        return paths

    @cached_property
    def _paths_memo(self) -> dict[tuple[Symbol, int], tuple[tuple[Symbol, ...], ...]]:
        """Paths found so far: a symbol's paths extend its children's, so each is enumerated once."""
        return {}

    def leibniz(self, symbol: Symbol) -> Expr:
        """∂L/∂symbol as a sum over paths of products of unevaluated partials.

        Factor order is the chain's order, from the loss down; print with a
        printer whose ``order`` is ``"none"`` to keep it.  Falls back to the
        one-step recurrence when there are too many paths.
        """
        paths = self.paths(symbol)
        if paths is None:
            return self._step_index[symbol].leibniz_recurrence()
        partial = self._partials
        terms = []
        for p in paths:
            factors = []
            for pair in zip(p, p[1:]):
                factor = partial.get(pair)
                if factor is None:
                    factor = partial[pair] = Partial(*pair)
                factors.append(factor)
            # the Mul that Mul(*factors, evaluate=False) makes, without its cache and sympify
            terms.append(sympy.Mul._from_args(factors) if len(factors) > 1 else (factors or [S.One])[0])
        return _sum(terms)

    @cached_property
    def _partials(self) -> dict[tuple[Symbol, Symbol], Partial]:
        """One :class:`Partial` per edge, made on first use and shared by every chain through it."""
        return {}

    def general_factors(self, symbol: Symbol) -> Expr:
        """Like :meth:`leibniz`, with each local factor in node names."""
        paths = self.paths(symbol)
        if paths is None:
            return self._step_index[symbol].recurrence()
        terms = [_chain_product([self.local(a, b).general for a, b in zip(p, p[1:])]) for p in paths]
        return _sum(terms)

    @cached_property
    def _general(self) -> dict[Symbol, Expr]:
        out: dict[Symbol, Expr] = {}
        for step in self.steps:
            if step.symbol == self.loss:
                out[step.symbol] = sympy.S.One
            else:  # the trees SymPy's Add and Mul build, built without flattening where that is safe
                out[step.symbol] = total([product(out[f.of], f.general) for f in step.factors])
        return out

    def general_form(self, symbol: Symbol) -> Expr:
        """∂L/∂symbol as one expression in node names, e.g. ``(a_2 - y)*a_2*(1 - a_2)*a_1``."""
        return self._general[symbol]

    # ------------------------------------------------------------ level 3

    @cached_property
    def _closed(self) -> tuple[dict[Symbol, Expr | None], dict[Symbol, Expr | None]]:
        limit = CLOSED_FORM_LIMIT
        nodes: dict[Symbol, Expr | None] = {}
        sizes: dict[Symbol, int] = {}
        leaves = set(self.network.inputs) | set(self.network.targets) | set(self.network.parameters)
        for s in leaves:
            nodes[s], sizes[s] = s, 1
        for d in self.network.definitions:
            size = inlined_size(d.expr, sizes)
            if size > limit or any(nodes.get(p) is None for p in d.expr.free_symbols if p in nodes):
                nodes[d.symbol], sizes[d.symbol] = None, limit + 1
            else:
                nodes[d.symbol] = d.expr.xreplace(nodes)
                sizes[d.symbol] = size
        adj: dict[Symbol, Expr | None] = {}
        adj_size: dict[Symbol, int] = {}
        for step in self.steps:
            if step.symbol == self.loss:
                adj[step.symbol], adj_size[step.symbol] = sympy.S.One, 1
                continue
            size = 1 + sum(adj_size[f.of] + inlined_size(f.raw, sizes) for f in step.factors)
            if size > limit or any(adj[f.of] is None for f in step.factors):
                adj[step.symbol], adj_size[step.symbol] = None, limit + 1
                continue
            terms = []
            for f in step.factors:
                raw = f.raw.xreplace(nodes)  # type: ignore[arg-type]
                terms.append(raw if f.of == self.loss else adj[f.of] * raw)
            adj[step.symbol] = sympy.Add(*terms)
            adj_size[step.symbol] = size
        return nodes, adj

    def closed_form(self, symbol: Symbol) -> Expr:
        """∂L/∂symbol in inputs, targets and parameters only.

        Raises:
            SizeLimitError: The inlined expression would exceed
                :data:`CLOSED_FORM_LIMIT` tree nodes; the message points to the
                named-intermediate form, which is always available.
        """
        expr = self._closed[1][symbol]
        if expr is None:
            msg = (
                f"the closed form of d{self.loss.name}/d{symbol.name} would exceed "
                f"{CLOSED_FORM_LIMIT} expression nodes; use the named-intermediate form "
                "(Derivation.general_form / Step.recurrence) instead"
            )
            raise SizeLimitError(msg)
        return expr

    def closed_node(self, symbol: Symbol) -> Expr:
        """A node's value in inputs, targets and parameters only (size-limited)."""
        expr = self._closed[0][symbol]
        if expr is None:
            msg = f"the closed form of {symbol.name} would exceed {CLOSED_FORM_LIMIT} expression nodes"
            raise SizeLimitError(msg)
        return expr

    # ------------------------------------------------------------ level 4

    def at(
        self,
        point: Mapping[Symbol, Any] | None = None,
        quantize: Quantizer | None = None,
        *,
        pinned: Mapping[Key, Expr] | None = None,
    ) -> Derivation:
        """The same derivation evaluated at another point.

        Args:
            point: Values for inputs, targets and parameters; missing ones come
                from the network's default point.
            quantize: Called on every computed number before it is used
                further (forward values, local factors, adjoints, updates).
                It returns the number to carry on with and whether it was
                rounded.  This is how "hand rounding" recomputes each step from
                the numbers as displayed.  ``None`` keeps full precision.
            pinned: Numbers to use instead of computing them, by key
                (``("value", s)``, ``("local", of, wrt)``, ``("adjoint", s)``,
                ``("update", p)``); everything downstream is computed from them.
                This is how verification follows a hand derivation's own,
                possibly wrong, numbers to their consequences.
        """
        return replace(self, evaluation=evaluate(self, point, quantize, pinned))  # see core.evaluation

    def over_dataset(self, quantize: Quantizer | None = None) -> DatasetEvaluation | None:
        """Every example of the network's dataset evaluated, and the reduced gradients.

        Returns ``None`` when the network has no dataset.  Parameters come from
        the network's point; each example supplies the inputs and targets.
        """
        return evaluate_dataset(self, quantize)  # see core.evaluation

    @property
    def gradients(self) -> dict[Symbol, Expr]:
        """``parameter -> ∂L/∂parameter`` at the evaluated point."""
        ev = self._need_evaluation()
        return {p: ev.adjoints[p] for p in self.network.parameters}

    def gradient(self, parameter: Symbol | str) -> Gradient:
        """One parameter's gradient at levels 1, 2 and 4."""
        p = self.step(parameter).symbol
        ev = self.evaluation
        return Gradient(
            parameter=p,
            leibniz=self.leibniz(p),
            general=self.general_factors(p),
            value=None if ev is None else ev.adjoints[p],
        )

    def _need_evaluation(self) -> Evaluation:
        if self.evaluation is None:
            raise InputError("this derivation has no point; call .at(values) or give the network values")
        return self.evaluation


def _chain_product(factors: list[Expr]) -> Expr:
    factors = [f for f in factors if not (f.is_Number and f == 1)] or [sympy.S.One]
    return factors[0] if len(factors) == 1 else sympy.Mul(*factors, evaluate=False)


def _sum(terms: list[Expr]) -> Expr:
    return terms[0] if len(terms) == 1 else sympy.Add(*terms, evaluate=False)


def inlined_size(expr: Expr, sizes: Mapping[Expr, int]) -> int:
    """Tree size of ``expr`` after replacing symbols by trees of the given sizes."""
    total = 0
    stack = [expr]
    while stack:
        e = stack.pop()
        if e in sizes:
            total += sizes[e]
        else:
            total += 1
            stack.extend(e.args)
    return total


#: Other kinds of network that :func:`derive` hands on: ``kind -> function(network, at,
#: evaluate_point=)``, registered by the module that derives them (:mod:`.matrix_derivation`
#: registers :class:`~symbackprop.core.matrix.MatrixNetwork`).  Those modules import this one, so
#: they are named here by a string and imported on the first network of another kind.
_KINDS: dict[type, Callable[..., Any]] = {}
_KIND_PROVIDERS = ("symbackprop.core.matrix_derivation",)


def register_kind(kind: type, function: Callable[..., Any]) -> None:
    """``derive(network)`` of a ``kind`` calls ``function(network, at, evaluate_point=...)``."""
    _KINDS[kind] = function


def _kind(network: Any) -> Callable[..., Any]:
    for module in _KIND_PROVIDERS:
        importlib.import_module(module)  # registers its kind
    for kind, function in _KINDS.items():
        if isinstance(network, kind):
            return function
    raise InputError(f"derive() takes a Network or a MatrixNetwork, not {type(network).__name__}")


@overload
def derive(
    network: Network, at: Mapping[Symbol, Any] | None = None, *, evaluate_point: bool = True
) -> Derivation: ...
@overload
def derive(  # a MatrixDerivation (its module imports this one, so it is not named here)
    network: MatrixNetwork, at: Mapping[Any, Any] | None = None, *, evaluate_point: bool = True
) -> Any: ...
def derive(network: Any, at: Mapping[Any, Any] | None = None, *, evaluate_point: bool = True) -> Any:
    """Derive ∂L/∂s for every symbol of ``network`` by reverse accumulation.

    A :class:`~symbackprop.core.matrix.MatrixNetwork` (what ``mlp()`` builds by
    default) is derived layer by layer:
    :func:`~symbackprop.core.matrix_derivation.derive_matrix`.

    Args:
        network: The network.
        at: A point to evaluate at (merged over the network's default point).
        evaluate_point: If false, only the symbolic derivation is built.

    Returns:
        A frozen :class:`Derivation`; it holds an :class:`Evaluation` when a
        complete point is known.
    """
    if not isinstance(network, Network):
        return _kind(network)(network, at, evaluate_point=evaluate_point)
    net = network
    edges, children = build_edges(net)
    steps = build_steps(net, children)
    derivation = Derivation(network=net, edges=edges, steps=steps)
    if not evaluate_point:
        return derivation
    # a network holds values for its leaves only (Network checks), so a full count is a full point
    complete = len(net.values) == len(net.inputs) + len(net.targets) + len(net.parameters)
    if at is None and not complete:
        return derivation  # no point to evaluate at
    return derivation.at(at)  # ``at`` over the network's values; an incomplete point is a clear error
