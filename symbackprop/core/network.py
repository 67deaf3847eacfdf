"""Networks: ordered definitions ``node := expression`` over declared symbols.

A :class:`Network` is immutable.  Building one validates it: every name is
declared, nothing is defined twice, no name plays two roles, there is no cycle
and there is a loss.  Later stages (:mod:`symbackprop.core.derivation`) only read it.
"""

from __future__ import annotations

import difflib
import functools
import heapq
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Protocol

import sympy
from sympy import Expr, Rational, Symbol

from ..errors import GraphError, SymbackpropWarning
from .optimizers import Optimizer

__all__ = ["Dataset", "DeclaredLayer", "Definition", "Network"]

ROLES = ("input", "target", "parameter", "node")


@dataclass(frozen=True)
class Definition:
    """One definition ``symbol := expr`` of a network."""

    symbol: Symbol
    expr: Expr


@dataclass(frozen=True)
class Dataset:
    """Several examples, each a mapping from inputs and targets to values.

    ``reduction`` is how per-example losses and gradients combine: ``"mean"``
    or ``"sum"``.
    """

    examples: tuple[Mapping[Symbol, Expr], ...]
    reduction: str = "mean"

    def __post_init__(self) -> None:
        if self.reduction not in ("mean", "sum"):
            msg = f"reduction must be 'mean' or 'sum', not {self.reduction!r}"
            raise GraphError(msg)
        if not self.examples:
            raise GraphError("a dataset needs at least one example")
        object.__setattr__(self, "examples", tuple(MappingProxyType(dict(e)) for e in self.examples))


def _to_number(value: Any, what: str) -> Expr:
    """Turn a user's number into an exact SymPy number (0.1 becomes 1/10)."""
    if isinstance(value, (bool, str)):
        msg = f"{what}: expected a number, got {value!r}"
        raise GraphError(msg)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            msg = f"{what}: expected a finite number, got {value!r}"
            raise GraphError(msg)
        return Rational(repr(value))
    if isinstance(value, int):
        return sympy.Integer(value)
    if isinstance(value, Expr) and value.is_number:
        return value
    msg = f"{what}: expected a number, got {value!r}"
    raise GraphError(msg)


def _as_symbols(items: Iterable[Any], role: str) -> tuple[Symbol, ...]:
    out = []
    for item in items:
        if not isinstance(item, Symbol):
            msg = f"{role}s must be SymPy symbols, got {item!r}"
            raise GraphError(msg)
        out.append(item)
    return tuple(out)


class DeclaredLayer(Protocol):
    """What a network reads of a layer record (see :mod:`symbackprop.core.layers`)."""

    @property
    def outputs(self) -> tuple[Symbol, ...]: ...

    def definitions(self) -> tuple[tuple[Symbol, Expr], ...]: ...

    def agrees(self, output: Symbol, expr: Expr) -> bool: ...


def suggest(name: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'z_2'?)`` when a close match exists, else ``""``."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


@dataclass(frozen=True)
class Network:
    """An ordered list of definitions over declared inputs, targets and parameters.

    Args:
        definitions: ``(symbol, expression)`` pairs, or :class:`Definition`
            objects, or a mapping; in order.  They may be given in any order
            that has no cycle; they are kept in the given order where valid.
        inputs, targets, parameters: The declared symbols.
        loss: The loss node; by default the last definition.
        values: A default point: numbers for inputs, targets and parameters.
        title: A human title, used by renderers.
        latex_names: How symbols print in LaTeX, e.g. ``{w1_2_1: "w^{(1)}_{21}"}``.
        learning_rate: η for the gradient-descent update, if any.
        frozen: Parameters that get gradients but are not updated.
        dataset: Several examples, if the network is trained on a dataset.
        layers: Layer records (:mod:`symbackprop.core.layers`) that say which
            definitions form one vector operation; :func:`~symbackprop.core.builders.mlp`
            with ``view="scalar"`` declares them.  Each must agree with the definitions it covers.
        written: For printing only: ``sum or product -> its terms in the order
            the definition wrote them`` (SymPy sorts them); the spec reader fills it.
        optimizer: The update rule and its hyper-parameters
            (:class:`~symbackprop.core.optimizers.Optimizer`); default gradient descent.

    Raises:
        GraphError: The network is invalid; the message names the symbol.
    """

    definitions: tuple[Definition, ...]
    inputs: tuple[Symbol, ...] = ()
    targets: tuple[Symbol, ...] = ()
    parameters: tuple[Symbol, ...] = ()
    loss: Symbol = None  # type: ignore[assignment]  # always a Symbol after __post_init__
    values: Mapping[Symbol, Expr] = field(default_factory=dict)
    title: str = ""
    latex_names: Mapping[Symbol, str] = field(default_factory=dict)
    learning_rate: Expr | None = None
    frozen: tuple[Symbol, ...] = ()
    dataset: Dataset | None = None
    layers: tuple[DeclaredLayer, ...] = field(default=(), compare=False, repr=False)
    written: Mapping[Expr, tuple[Expr, ...]] = field(default_factory=dict)
    optimizer: Optimizer = field(default_factory=Optimizer)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        defs: Any = self.definitions
        if isinstance(defs, Mapping):
            defs = list(defs.items())
        definitions = []
        for item in defs:
            sym, expr = (item.symbol, item.expr) if isinstance(item, Definition) else item
            if not isinstance(sym, Symbol):
                msg = f"a definition must define a SymPy symbol, got {sym!r}"
                raise GraphError(msg)
            if isinstance(expr, str):
                msg = (
                    f"definition of {sym.name!r}: got the string {expr!r}; pass a SymPy "
                    "expression (use symbackprop.notation.spec to parse text safely)"
                )
                raise GraphError(msg)
            if isinstance(expr, (int, float)) and not isinstance(expr, bool):
                expr = _to_number(expr, f"definition of {sym.name!r}")
            if not isinstance(expr, Expr):
                msg = f"definition of {sym.name!r} is not a SymPy expression: {expr!r}"
                raise GraphError(msg)
            definitions.append(Definition(sym, expr))
        set_(self, "inputs", _as_symbols(self.inputs, "input"))
        set_(self, "targets", _as_symbols(self.targets, "target"))
        set_(self, "parameters", _as_symbols(self.parameters, "parameter"))
        set_(self, "frozen", _as_symbols(self.frozen, "frozen parameter"))
        _check_roles(self.inputs, self.targets, self.parameters, definitions)
        ordered = _topological(definitions, set(self.inputs) | set(self.targets) | set(self.parameters))
        set_(self, "definitions", tuple(ordered))
        loss = self.loss
        if loss is None:
            if not definitions:
                raise GraphError("the network has no loss: it has no definitions")
            loss = definitions[-1].symbol
        elif not isinstance(loss, Symbol) or loss not in {d.symbol for d in definitions}:
            name = getattr(loss, "name", loss)
            msg = (
                f"the loss {name!r} is not defined{suggest(str(name), [d.symbol.name for d in definitions])}"
            )
            raise GraphError(msg)
        set_(self, "loss", loss)
        for f in self.frozen:
            if f not in self.parameters:
                hint = suggest(f.name, [p.name for p in self.parameters])
                msg = f"frozen name {f.name!r} is not a parameter{hint}"
                raise GraphError(msg)
        values = {}
        declared = set(self.inputs) | set(self.targets) | set(self.parameters)
        for sym, value in dict(self.values).items():
            if sym not in declared:
                name = getattr(sym, "name", sym)
                msg = f"a value is given for {name!r}, which is not an input, target or parameter"
                raise GraphError(msg)
            values[sym] = _to_number(value, f"value of {sym.name!r}")
        set_(self, "values", MappingProxyType(values))
        set_(self, "latex_names", MappingProxyType(dict(self.latex_names)))
        set_(self, "written", MappingProxyType(dict(self.written)))
        if self.learning_rate is not None:
            set_(self, "learning_rate", _to_number(self.learning_rate, "learning rate"))
        set_(self, "layers", tuple(self.layers))
        _check_layers(self.layers, self.definitions, loss)
        self._warn_unused_parameters()

    # ------------------------------------------------------------ queries

    @property
    def nodes(self) -> tuple[Symbol, ...]:
        """Defined symbols, in topological order."""
        return tuple(d.symbol for d in self.definitions)

    @functools.cached_property
    def definition(self) -> Mapping[Symbol, Expr]:
        """``node -> expression`` (built once: a long document asks for it once per equation)."""
        return MappingProxyType({d.symbol: d.expr for d in self.definitions})

    @property
    def symbols(self) -> tuple[Symbol, ...]:
        """Every symbol: inputs, targets, parameters, then nodes."""
        return self.inputs + self.targets + self.parameters + self.nodes

    def role(self, symbol: Symbol) -> str:
        """``"input"``, ``"target"``, ``"parameter"`` or ``"node"``."""
        for role, group in zip(ROLES, (self.inputs, self.targets, self.parameters, self.nodes)):
            if symbol in group:
                return role
        msg = f"{symbol} is not part of this network"
        raise GraphError(msg)

    def symbol(self, name: str) -> Symbol:
        """Look a symbol up by name."""
        for s in self.symbols:
            if s.name == name:
                return s
        msg = f"no symbol named {name!r}{suggest(name, [s.name for s in self.symbols])}"
        raise GraphError(msg)

    def parents(self, node: Symbol) -> tuple[Symbol, ...]:
        """The symbols a node's definition uses, in a stable order."""
        known = set(self.symbols)
        expr = self.definition[node]
        return tuple(sorted((s for s in expr.free_symbols if s in known), key=self.symbols.index))

    def inlined(self, node: Symbol | None = None) -> Expr:
        """``node`` (default: the loss) with every definition substituted in.

        This is exponential in depth for wide networks; it exists as the
        independent oracle for tests and for small networks.
        """
        closed: dict[Symbol, Expr] = {}
        for d in self.definitions:
            closed[d.symbol] = d.expr.xreplace(closed)
        return closed[node if node is not None else self.loss]

    def with_values(self, values: Mapping[Symbol, Any]) -> Network:
        """A copy with ``values`` merged into the default point."""
        merged = dict(self.values)
        merged.update(values)
        return _replace(self, values=merged)

    def _warn_unused_parameters(self) -> None:
        needed = {self.loss}
        definition = self.definition
        for d in reversed(self.definitions):
            if d.symbol in needed:
                needed |= d.expr.free_symbols
        for p in self.parameters:
            if p not in needed:
                loss = getattr(self.loss, "name", self.loss)
                warnings.warn(
                    f"the loss {loss!r} does not depend on parameter {p.name!r}",
                    SymbackpropWarning,
                    stacklevel=3,
                )
        del definition


def _replace(net: Network, **changes: Any) -> Network:
    fields: dict[str, Any] = {
        "definitions": net.definitions,
        "inputs": net.inputs,
        "targets": net.targets,
        "parameters": net.parameters,
        "loss": net.loss,
        "values": net.values,
        "title": net.title,
        "latex_names": net.latex_names,
        "learning_rate": net.learning_rate,
        "frozen": net.frozen,
        "dataset": net.dataset,
        "layers": net.layers,
        "written": net.written,
        "optimizer": net.optimizer,
    }
    fields.update(changes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SymbackpropWarning)
        return Network(**fields)


def _check_roles(
    inputs: Sequence[Symbol],
    targets: Sequence[Symbol],
    parameters: Sequence[Symbol],
    definitions: Sequence[Definition],
) -> None:
    seen: dict[Symbol, str] = {}
    groups = (inputs, targets, parameters, [d.symbol for d in definitions])
    for role, group in zip(ROLES, groups):
        for sym in group:
            if sym in seen:
                if seen[sym] == role == "node":
                    msg = f"{sym.name!r} is defined twice"
                elif seen[sym] == role:
                    msg = f"{sym.name!r} is declared twice as {_article(role)}"
                else:
                    msg = f"{sym.name!r} is used as two roles: {_article(seen[sym])} and {_article(role)}"
                raise GraphError(msg)
            seen[sym] = role
    names: dict[str, Symbol] = {}
    for sym in seen:
        other = names.setdefault(sym.name, sym)
        if other != sym:
            msg = (
                f"two different symbols are both named {sym.name!r} "
                "(same name, different assumptions); use one symbol"
            )
            raise GraphError(msg)


def _check_layers(layers: Sequence[DeclaredLayer], definitions: Sequence[Definition], loss: Symbol) -> None:
    """Declared layers agree with the definitions, hold each node once, and come in order."""
    definition = {d.symbol: d.expr for d in definitions}
    owner: dict[Symbol, int] = {}
    for i, layer in enumerate(layers, start=1):
        for sym in layer.outputs:
            if sym not in definition:
                msg = f"layer {i} defines {getattr(sym, 'name', sym)!r}, which is not a node"
                raise GraphError(msg)
            if sym in owner:
                msg = f"{sym.name!r} is in two layers ({owner[sym]} and {i})"
                raise GraphError(msg)
            if not layer.agrees(sym, definition[sym]):
                stated = dict(layer.definitions())[sym]
                msg = f"layer {i} says {sym.name} = {stated}, but the network defines {definition[sym]}"
                raise GraphError(msg)
            owner[sym] = i
        if len(layer.outputs) > 1 and loss in layer.outputs:
            count = len(layer.outputs)
            msg = f"the loss {loss.name!r} must be a layer of its own (layer {i} has {count} nodes)"
            raise GraphError(msg)
    for sym, i in owner.items():
        late = sorted(s.name for s in definition[sym].free_symbols if owner.get(s, 0) >= i)
        if late:
            msg = f"layer {i} uses {late[0]!r} (in {sym.name!r}) before the layer that defines it"
            raise GraphError(msg)


def _article(role: str) -> str:
    return ("an " if role[0] in "aeiou" else "a ") + role


def _topological(definitions: Sequence[Definition], declared: set[Symbol]) -> list[Definition]:
    """Order definitions so that every name is defined before use.

    Keeps the given order where it is already valid (Kahn's algorithm with the
    original index as priority); reports undefined names and cycles.
    """
    index = {d.symbol: i for i, d in enumerate(definitions)}
    known = declared | set(index)
    deps: dict[Symbol, set[Symbol]] = {}
    for d in definitions:
        used = d.expr.free_symbols
        for s in sorted(used, key=lambda s: s.name):
            if s not in known:
                msg = f"definition of {d.symbol.name!r} uses undefined name {s.name!r}" + suggest(
                    s.name, [k.name for k in known]
                )
                raise GraphError(msg)
        if d.symbol in used:
            msg = f"cycle: {d.symbol.name!r} is defined in terms of itself"
            raise GraphError(msg)
        deps[d.symbol] = {s for s in used if s in index}
    users: dict[Symbol, list[Symbol]] = {d.symbol: [] for d in definitions}
    for node, ds in deps.items():
        for dep in ds:
            users[dep].append(node)
    remaining = {n: len(ds) for n, ds in deps.items()}
    ready = [index[n] for n, k in remaining.items() if k == 0]
    heapq.heapify(ready)
    out = []
    while ready:
        d = definitions[heapq.heappop(ready)]
        out.append(d)
        for user in users[d.symbol]:
            remaining[user] -= 1
            if remaining[user] == 0:
                heapq.heappush(ready, index[user])
    if len(out) < len(definitions):
        stuck = {n for n, k in remaining.items() if k > 0}
        raise GraphError("cycle: " + " -> ".join(s.name for s in _find_cycle(stuck, deps)))
    return out


def _find_cycle(stuck: set[Symbol], deps: Mapping[Symbol, set[Symbol]]) -> list[Symbol]:
    start = min(stuck, key=lambda s: s.name)
    path = [start]
    seen = {start: 0}
    node = start
    while True:
        node = min((d for d in deps[node] if d in stuck), key=lambda s: s.name)
        if node in seen:
            cycle = path[seen[node] :]
            return [*cycle, node]
        seen[node] = len(path)
        path.append(node)
