"""The backward pass as data: the partial ∂a/∂b, one edge of the graph, one adjoint step.

:func:`build_edges` differentiates each definition by each of its parents
(through :mod:`symbackprop.core.local_forms`) into :class:`LocalFactor` edges;
:func:`build_steps` orders them into steps (:class:`Step`), one adjoint
∂L/∂s = Σ_c ∂L/∂c · ∂c/∂s per symbol, from the loss down.
:func:`~symbackprop.core.derivation.derive` assembles both into a Derivation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sympy
from sympy import Expr, S, Symbol

from .local_forms import local_derivatives, parents
from .network import Network

__all__ = ["LocalFactor", "Partial", "Step", "build_edges", "build_steps"]


class Partial(sympy.AtomicExpr):
    """The unevaluated partial derivative ∂``of``/∂``wrt``.

    An atom: substituting numbers for symbols elsewhere in an expression never
    reaches inside it, and it has no free symbols.
    """

    is_commutative = True
    is_real = True

    def __new__(cls, of: Symbol, wrt: Symbol) -> Partial:
        obj = super().__new__(cls)
        obj._of = of
        obj._wrt = wrt
        return obj

    @property
    def of(self) -> Symbol:
        return self._of

    @property
    def wrt(self) -> Symbol:
        return self._wrt

    def _hashable_content(self) -> tuple[Symbol, Symbol]:
        return (self._of, self._wrt)

    def __getnewargs__(self) -> tuple[Symbol, Symbol]:
        return (self._of, self._wrt)

    @property
    def free_symbols(self) -> set[Symbol]:
        return set()

    def _eval_derivative(self, s: Symbol) -> Expr:
        return sympy.S.Zero

    def _sympystr(self, printer: Any) -> str:
        return f"d{printer._print(self._of)}/d{printer._print(self._wrt)}"


@dataclass(frozen=True)
class LocalFactor:
    """One edge of the graph: the local derivative ∂``of``/∂``wrt``.

    Attributes:
        of: The child node whose definition uses ``wrt``.
        wrt: The parent symbol.
        raw: ``diff(definition of of, wrt)`` as SymPy gives it.
        general: The same in node names, e.g. ``a_2*(1 - a_2)``.
    """

    of: Symbol
    wrt: Symbol
    raw: Expr
    general: Expr

    @property
    def partial(self) -> Partial:
        return Partial(self.of, self.wrt)


@dataclass(frozen=True)
class Step:
    """The adjoint ∂L/∂``symbol`` as a sum over the nodes it feeds.

    ``factors`` holds one :class:`LocalFactor` per child c, so that
    ∂L/∂symbol = Σ ∂L/∂c · factor.  The loss itself has no factors.
    """

    symbol: Symbol
    role: str
    loss: Symbol
    factors: tuple[LocalFactor, ...]

    @property
    def adjoint(self) -> Partial:
        """∂L/∂symbol, unevaluated."""
        return Partial(self.loss, self.symbol)

    @property
    def children(self) -> tuple[Symbol, ...]:
        return tuple(f.of for f in self.factors)

    def recurrence(self) -> Expr:
        """Σ_c ∂L/∂c · (∂c/∂symbol in node names); 1 for the loss itself."""
        if self.symbol == self.loss:
            return sympy.S.One
        terms = []
        for f in self.factors:
            if f.of == self.loss:
                terms.append(f.general)
            else:
                terms.append(sympy.Mul(Partial(self.loss, f.of), f.general, evaluate=False))
        return sympy.Add(*terms, evaluate=False) if len(terms) > 1 else (terms[0] if terms else sympy.S.Zero)

    def leibniz_recurrence(self) -> Expr:
        """Σ_c ∂L/∂c · ∂c/∂symbol, all factors unevaluated."""
        if self.symbol == self.loss:
            return sympy.S.One
        terms = [
            f.partial if f.of == self.loss else sympy.Mul(Partial(self.loss, f.of), f.partial, evaluate=False)
            for f in self.factors
        ]
        return sympy.Add(*terms, evaluate=False) if len(terms) > 1 else (terms[0] if terms else sympy.S.Zero)


def build_edges(net: Network) -> tuple[tuple[LocalFactor, ...], dict[Symbol, list[LocalFactor]]]:
    """Every nonzero local derivative, and for each symbol the edges to the nodes it feeds (in order)."""
    node_of: dict[Expr, Symbol] = {}
    for d in net.definitions:
        node_of.setdefault(d.expr, d.symbol)
    symbols = net.symbols
    known = set(symbols)
    children: dict[Symbol, list[LocalFactor]] = {s: [] for s in symbols}
    edges: list[LocalFactor] = []
    for d in net.definitions:
        for parent, raw, general in local_derivatives(d.expr, parents(d.expr, known), node_of):
            if raw is S.Zero or (raw.is_Number and raw == 0):
                continue
            edge = LocalFactor(d.symbol, parent, raw, general)
            edges.append(edge)
            children[parent].append(edge)
    order = {s: i for i, s in enumerate(symbols)}
    for lst in children.values():
        lst.sort(key=lambda e: order[e.of])
    return tuple(edges), children


def build_steps(net: Network, children: Mapping[Symbol, list[LocalFactor]]) -> tuple[Step, ...]:
    """The backward steps: the loss, nodes in reverse order, then parameters, inputs and targets."""
    loss = net.loss
    steps: list[Step] = []
    reachable = {loss}
    for d in reversed(net.definitions):
        if d.symbol == loss:
            steps.append(Step(loss, "loss", loss, ()))
            continue
        factors = tuple(e for e in children[d.symbol] if e.of in reachable)
        if factors:
            reachable.add(d.symbol)
        steps.append(Step(d.symbol, "node", loss, factors))
    for role, group in (("parameter", net.parameters), ("input", net.inputs), ("target", net.targets)):
        for s in group:
            steps.append(Step(s, role, loss, tuple(e for e in children[s] if e.of in reachable)))
    return tuple(steps)
