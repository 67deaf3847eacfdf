"""What the indexed names of index notation stand for, in a matrix or a scalar network.

A *binding* resolves one :class:`~symbackprop.notation.latex.indexed.Leaf` under an
assignment of the index letters, and gives its value at the network's point:

* :class:`MatrixBinding` (a matrix spec): each index letter runs over the units of one
  layer; ``z_j``, ``a_j``, ``b_j``, ``\\delta_j`` are entries of that layer's vectors
  (``a`` of layer 0 is the input, ``x_j`` is the input, ``y_j`` the target of the output
  layer), and ``w_{jk}`` is row ``j``, column ``k`` of the weight matrix from ``k``'s layer
  to ``j``'s.  ``w_{jk}`` with ``j`` in the layer *before* ``k``'s is read the way it is
  written, row ``j`` and column ``k`` (a missing transpose, when the matrix is square).  A
  superscript ``^{(l)}`` fixes the layer; ``^{(i)}`` picks the example (a column of a batch).
* :class:`ScalarBinding` (a scalar network): ``w_{kj}`` with ``k = 3, j = 1`` is the
  network's own name ``w_31`` (or ``w_3_1``); ``\\delta_j`` is ∂L/∂z_j.  A letter runs over
  the values for which every name exists.

An assignment that does not fit raises :class:`Unbound`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sympy import Symbol

from ..notation.latex.indexed import Leaf

__all__ = ["MAX_UNITS", "MatrixBinding", "Misindexed", "Ref", "ScalarBinding", "Unbound"]

#: The most values a letter of a scalar family runs over (``w_{kj}``: 1..9).
MAX_UNITS = 9


class Unbound(ValueError):
    """A name that the assignment (or the network) cannot give a value."""


class Misindexed(ValueError):
    """A weight indexed the other way round, out of its matrix's range (a missing transpose)."""


@dataclass(frozen=True)
class Ref:
    """A resolved name: an entry of a quantity's value (or adjoint).

    ``row``/``col`` are index letters (or ``None`` for the first row/column); ``reversed``: a weight
    written with its indices the other way round (``w_{jk}`` with ``j`` in the earlier layer).
    """

    symbol: Symbol
    adjoint: bool
    row: str | None
    col: str | None
    reversed: bool = False
    layer: int = 0


def _lower(base: str) -> str:
    return base if base == "delta" else base.lower()


class MatrixBinding:
    """Index notation against a matrix network: letters are units of layers.

    Attributes:
        sparse: ``False``: every letter runs over its whole layer.

    Args:
        network: The :class:`~symbackprop.core.matrix.MatrixNetwork`.
        evaluation: Its evaluation at the point (``values``, ``adjoints``: 2-D arrays).
    """

    sparse = False
    from_to = False  # the document writes w_{jk} for the weight from j to k (see IndexJudge)

    def __init__(self, network: Any, evaluation: Any) -> None:
        self.network = network
        self.values: Mapping[Symbol, Any] = evaluation.values
        self.adjoints: Mapping[Symbol, Any] = evaluation.adjoints
        self.layers = _layers(network)
        if not self.layers:
            raise Unbound("the network has no affine layers")
        x = self.layers[0]["input"]
        self.input, self.target = x, (network.targets[0] if len(network.targets) == 1 else None)
        self.examples = int(self.values[x].shape[1])
        self.n = len(self.layers)
        self.bases = {_lower(self.layers[0][k].name.split("_")[0]) for k in ("z", "a")}

    def size(self, layer: int) -> int:
        """How many units layer ``layer`` has (0: the input)."""
        sym = self.input if layer == 0 else self.layers[layer - 1]["z"]
        return int(self.values[sym].shape[0])

    def assignments(self, letters: list[str], layered: bool) -> Iterator[dict[str, int]]:
        """Every assignment of layers to the letters (and of the layer letter ``l``)."""
        spans = [range(self.n + 1)] * len(letters) + ([range(1, self.n + 1)] if layered else [])
        names = [*letters, *(["^l"] if layered else [])]
        for combo in itertools.product(*spans):
            yield dict(zip(names, combo))

    def span(self, letter: str, asg: Mapping[str, int]) -> range:
        """The values a letter runs over (0-based)."""
        return range(self.size(asg[letter]))

    def example_span(self) -> range:
        return range(self.examples)

    def activation(self, leaf: Leaf, asg: Mapping[str, int], vals: Mapping[str, int]) -> str:
        """The name of the function applied to the layer of ``z_j`` (``f`` in ``f'(z_j)``)."""
        layer = self.resolve(leaf, asg).layer
        return _applied(self.network.definition, self.layers[layer - 1]["z"])

    def _layer(self, leaf: Leaf, letter: str | None, asg: Mapping[str, int]) -> int:
        if leaf.layer is None:
            if letter is None:
                raise Unbound(f"{leaf.base}: which layer?")
            return asg[letter]
        var, offset = leaf.layer
        layer = offset if var is None else asg["^l"] + offset
        if letter is not None and asg[letter] != layer:
            raise Unbound("the layer does not fit the index")
        return layer

    def resolve(self, leaf: Leaf, asg: Mapping[str, int]) -> Ref:
        """The entry a leaf names under an assignment of layers."""
        base = _lower(leaf.base)
        if any(not c.isalpha() for c in leaf.indices):
            raise Unbound(f"{leaf.base}: a numbered index in index notation")
        col = leaf.example
        if col is not None and self.examples == 1:
            col = None
        if base == "w":
            return self._weight(leaf, asg)
        if len(leaf.indices) != 1:
            raise Unbound(f"{leaf.base} with {len(leaf.indices)} indices")
        letter = leaf.indices[0]
        layer = self._layer(leaf, letter, asg)
        if leaf.example is None and self.examples > 1 and base != "b":
            raise Unbound("a batch: which example? (write ^{(i)})")
        sym = self._symbol(base, layer)
        adjoint = leaf.grad is not None or base == "delta"
        if base == "b":
            rows = self.values[sym].shape[0]
            if rows == 1 and adjoint:
                raise Unbound(f"{sym.name} is shared by the layer: ∂L/∂b_j is not its gradient")
            return Ref(sym, adjoint, letter if rows > 1 else None, None, layer=layer)
        return Ref(sym, adjoint, letter, col, layer=layer)

    def _symbol(self, base: str, layer: int) -> Symbol:
        if base == "x" and layer == 0:
            return self.input
        if base == "y" and layer == self.n and self.target is not None:
            return self.target
        if base == "a" and layer == 0:
            return self.input
        if layer < 1 or layer > self.n:
            raise Unbound(f"{base} of layer {layer}")
        key = {"delta": "z", "z": "z", "a": "a", "b": "b"}.get(base)
        if base in ("z", "a") and base not in self.bases:
            key = None
        sym = self.layers[layer - 1].get(key) if key else None
        if sym is None:
            raise Unbound(f"{base} of layer {layer}")
        return sym

    def _weight(self, leaf: Leaf, asg: Mapping[str, int]) -> Ref:
        if len(leaf.indices) != 2:
            raise Unbound("a weight with other than two indices")
        p, q = leaf.indices[::-1] if self.from_to else leaf.indices
        if asg[p] == asg[q] + 1:
            layer, reverse = asg[p], False
        elif asg[q] == asg[p] + 1:
            layer, reverse = asg[q], True
        else:
            raise Unbound("the weight's indices are not in neighbouring layers")
        if leaf.layer is not None and self._layer(leaf, None, asg) != layer:
            raise Unbound("the weight's layer does not fit its indices")
        if layer < 1:
            raise Unbound("no weights before the input")
        return Ref(self.layers[layer - 1]["w"], leaf.grad is not None, p, q, reverse, layer)

    def entry(self, leaf: Leaf, asg: Mapping[str, int], vals: Mapping[str, int]) -> float:
        """The leaf's value at index values (0-based)."""
        return self.value(self.resolve(leaf, asg), vals)

    def value(self, ref: Ref, vals: Mapping[str, int]) -> float:
        """The entry's value; :class:`Misindexed` for a reversed weight of a matrix that is not square."""
        table = self.adjoints if ref.adjoint else self.values
        array = table[ref.symbol]
        i = vals[ref.row] if ref.row is not None else 0
        j = vals[ref.col] if ref.col is not None else 0
        if i >= array.shape[0] or j >= array.shape[1]:
            raise Misindexed(f"{ref.symbol.name} has no entry ({i + 1}, {j + 1})")
        return float(array[i, j])


def _layers(network: Any) -> list[dict[str, Any]]:
    """``[{"z", "a", "w", "b", "input"}]`` per affine layer ``z = W a_prev + b``, ``a = f(z)``, in order."""
    found: dict[Symbol, dict[str, Any]] = {}
    params = set(network.parameters)
    for sym, expr in network.definition.items():
        affine = _affine(expr, params)
        if affine is not None:
            w, prev, b = affine
            found[prev] = {"z": sym, "w": w, "b": b, "input": prev}
    outputs = {layer["z"]: layer for layer in found.values()}
    for sym, expr in network.definition.items():
        if not expr.is_Add and len(expr.args) == 1 and expr.args[0] in outputs:
            outputs[expr.args[0]]["a"] = sym
    ordered, prev = [], next((s for s in network.inputs if s in found), None)
    while prev is not None and prev in found and "a" in found[prev]:
        ordered.append(found[prev])
        prev = found[prev]["a"]
    return ordered


def _affine(expr: Any, params: set[Symbol]) -> tuple[Symbol, Symbol, Symbol | None] | None:
    """``W @ a + b`` (or ``W @ a``) with ``W`` and ``b`` parameters -> ``(W, a, b)``."""
    from ..core.tensors import MatProduct

    terms = expr.args if expr.is_Add else (expr,)
    products = [t for t in terms if isinstance(t, MatProduct)]
    biases = [t for t in terms if t in params]
    if len(products) != 1 or len(biases) > 1 or len(products) + len(biases) != len(terms):
        return None
    w, prev = products[0].args
    if w not in params or not isinstance(prev, Symbol):
        return None
    return w, prev, biases[0] if biases else None


def _applied(definition: Mapping[Symbol, Any], z: Symbol) -> str:
    """The name of the one function of one argument applied to ``z`` in the network."""
    names = {type(e).__name__ for e in definition.values() if not e.is_Add and e.args == (z,)}
    if len(names) != 1:
        raise Unbound(f"no one activation of {z.name}")
    return names.pop()


class ScalarBinding:
    """Index notation against a scalar network: ``w_{kj}`` is the network's name ``w_kj`` for each
    value of the letters.

    Args:
        network: The scalar :class:`~symbackprop.core.network.Network`.
        evaluation: Its :class:`~symbackprop.core.evaluation.Evaluation` at the point.
    """

    n = 0
    examples = 1
    sparse = True  # a family may lack members: a sum runs over the members that exist

    def __init__(self, network: Any, evaluation: Any) -> None:
        self.by_name = {s.name: s for s in network.symbols}
        self.values = evaluation.values
        self.adjoints = evaluation.adjoints
        self.network = network

    def assignments(self, letters: list[str], layered: bool) -> Iterator[dict[str, int]]:
        if not layered:
            yield {}

    def span(self, letter: str, asg: Mapping[str, int]) -> range:
        return range(MAX_UNITS)

    def example_span(self) -> range:
        return range(1)

    def activation(self, leaf: Leaf, asg: Mapping[str, int], vals: Mapping[str, int]) -> str:
        """The name of the function applied to ``z_j`` (``f`` in ``f'(z_j)``)."""
        return _applied(self.network.definition, self.name(leaf, vals))

    def resolve(self, leaf: Leaf, asg: Mapping[str, int]) -> Ref:
        """Only the form is checked here: the names exist or not per value (:meth:`entry`)."""
        if leaf.layer is not None or leaf.example is not None:
            raise Unbound(f"{leaf.base}: a layer or example superscript in a scalar network")
        return Ref(Symbol(leaf.base), leaf.grad is not None or leaf.base == "delta", None, None)

    def name(self, leaf: Leaf, vals: Mapping[str, int]) -> Symbol:
        """The network's symbol for a leaf at index values (``w``, ``(3, 1)`` -> ``w_31``)."""
        digits = [str(vals[c] + 1) if c.isalpha() else c for c in leaf.indices]
        base = "z" if leaf.base == "delta" else leaf.base
        for key in (f"{base}_{''.join(digits)}", f"{base}_{'_'.join(digits)}", f"{base}{''.join(digits)}"):
            if key in self.by_name:
                return self.by_name[key]
        raise Unbound(f"no {base}_{''.join(digits)} in the network")

    def entry(self, leaf: Leaf, asg: Mapping[str, int], vals: Mapping[str, int]) -> float:
        """The leaf's value at index values; :class:`Unbound` when the name is not in the family."""
        sym = self.name(leaf, vals)
        table = self.adjoints if (leaf.grad is not None or leaf.base == "delta") else self.values
        if sym not in table:
            raise Unbound(f"no value of {sym.name}")
        return float(table[sym])
