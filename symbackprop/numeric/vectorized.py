"""The network as a vectorised NumPy program: layers found in the named-node graph.

:func:`~symbackprop.numeric.scalar.compile_network` prints one line per scalar node.
That is the readable program and the mpmath reference, but per example its
cost is bound by the interpreter.  :func:`vectorize` groups the nodes into
*units* that NumPy runs as whole-array operations:

``affine``
    nodes ``z_j = Σ_k c_jk·u_k + b_j`` of the same depth, where each ``c_jk``
    is a parameter or a number, ``u_k`` are per-example values and ``b_j`` a
    parameter or a number: ``Z = W @ U + b``.
``map``
    nodes of the same depth whose definitions and local derivatives are the
    same expression up to a renaming of symbols (``a_j = σ(z_j)`` with
    ``∂a_j/∂z_j = a_j(1 − a_j)``): one array expression over gathered operands.
``sum``
    one node that is a sum of terms of the same shape
    (``L = Σ_j ½(a_j − y_j)²``): the terms as one array expression, summed.

Every other node is a map of one node, so every network compiles; grouping
only changes speed.  The backward pass chains the derivation's local
derivatives (its edges) and never differentiates: a wrong user-written
derivative is compiled as written, which is what the gradient check exists to
catch.  An affine unit's local derivatives are those of a bilinear form; the
compiler checks that the derivation's edges say exactly that, and otherwise
compiles the node as a map.

Values live in 2-D arrays, one row per node and one column per example:
``X`` (inputs), ``Y`` (targets), one array per unit, and the parameters as one
vector ``theta`` in the network's parameter order.  The source is generated
from SymPy trees of our own over operand names ``o0, o1, ...``, so no user text
reaches the compiler.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy
import sympy
from sympy import Add, Dummy, Expr, Mul, Symbol

from ..core.derivation import Derivation, derive
from ..core.functions import to_elementary
from ..core.network import Network
from ..errors import InputError
from .scalar import _NumPy

__all__ = ["Unit", "VectorizedNetwork", "vectorize"]

_NDARRAY = numpy.ndarray
_FLOAT = numpy.dtype(numpy.float64)

#: Big batches run in blocks of columns with about this many values per array
#: (128 KiB of float64: below glibc's default mmap threshold, within L2).
_BLOCK_VALUES = 16_384

# Kinds of value, in increasing order: a constant, the same for every example
# (parameters and what depends only on them), or per example.
_CONST, _SHARED, _EXAMPLE = 0, 1, 2


@dataclass(frozen=True)
class Unit:
    """One vectorised step of the program (for inspection and ``describe()``)."""

    kind: str  # "affine", "map" or "sum"
    nodes: tuple[str, ...]
    shape: tuple[int, int]  # affine: (rows, columns) of W; map/sum: (lanes, 1)

    def describe(self) -> str:
        first, last = self.nodes[0], self.nodes[-1]
        names = first if len(self.nodes) == 1 else f"{first} .. {last} ({len(self.nodes)} nodes)"
        if self.kind == "affine":
            return f"affine {self.shape[0]}x{self.shape[1]}: {names}"
        if self.kind == "sum":
            return f"sum of {self.shape[0]} terms: {names}"
        return f"map x{self.shape[0]}: {names}"


@dataclass(frozen=True)
class _Loc:
    array: str
    row: int


@dataclass
class _Plan:
    """A unit as the code generator needs it."""

    kind: str
    array: str
    nodes: list[Symbol]
    # map / sum
    forward: Expr | None = None
    edges: list[tuple[int, Expr]] = field(default_factory=list)
    lanes: list[list[Symbol]] = field(default_factory=list)  # per placeholder: one symbol per lane
    out: Dummy | None = None
    placeholders: list[Dummy] = field(default_factory=list)
    # affine
    columns: list[Symbol] = field(default_factory=list)
    entries: dict[tuple[int, int], Expr] = field(default_factory=dict)  # (row, col) -> param or number
    bias: list[Expr] = field(default_factory=list)


@dataclass(frozen=True)
class VectorizedNetwork:
    """A derivation compiled to whole-array NumPy code.

    Pack values with :meth:`pack` (parameters, in ``parameters`` order) and
    :meth:`data` (inputs and targets, one column per example).  Then
    :meth:`gradient` gives the loss of every example and the gradient of their
    sum, and :meth:`forward` every node's value, with one parameter vector per
    column if you like (the finite-difference check runs all its perturbed
    points in one call that way).
    """

    derivation: Derivation
    units: tuple[Unit, ...]
    parameters: tuple[str, ...]
    inputs: tuple[str, ...]
    targets: tuple[str, ...]
    source: str = field(repr=False)
    _functions: dict[str, Callable[..., Any]] = field(repr=False)
    _locations: dict[str, tuple[str, int]] = field(repr=False)
    _unit_arrays: tuple[str, ...] = field(repr=False)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    # ------------------------------------------------------------ packing

    def pack(self, values: Mapping[Any, Any]) -> numpy.ndarray:
        """The parameter vector from ``name or Symbol -> value``."""
        named = {str(k): v for k, v in values.items()}
        missing = [p for p in self.parameters if p not in named]
        if missing:
            raise InputError(f"no value for {', '.join(missing)}")
        return numpy.array([float(named[p]) for p in self.parameters], dtype=float)

    def unpack(self, theta: numpy.ndarray) -> dict[str, float]:
        """``name -> value`` from a parameter vector (or a gradient)."""
        theta = numpy.asarray(theta, dtype=float)
        if theta.shape != (len(self.parameters),):
            raise InputError(f"expected shape ({len(self.parameters)},), got {theta.shape}")
        return dict(zip(self.parameters, theta.tolist()))

    def data(
        self, values: Mapping[Any, Any] | Sequence[Mapping[Any, Any]]
    ) -> tuple[numpy.ndarray, numpy.ndarray]:
        """``(X, Y)`` from one example (``name -> value``) or a list of examples."""
        examples = [values] if isinstance(values, Mapping) else list(values)
        named = [{str(k): v for k, v in e.items()} for e in examples]
        out = []
        for names in (self.inputs, self.targets):
            missing = sorted({n for e in named for n in names if n not in e})
            if missing:
                raise InputError(f"no value for {', '.join(missing)}")
            out.append(numpy.array([[float(e[n]) for e in named] for n in names], dtype=float))
            out[-1].shape = (len(names), len(named))
        return out[0], out[1]

    # ------------------------------------------------------------ running

    def gradient(
        self,
        theta: numpy.ndarray,
        X: numpy.ndarray | None = None,
        Y: numpy.ndarray | None = None,
        *,
        inputs: bool = False,
        out: numpy.ndarray | None = None,
    ) -> tuple[numpy.ndarray, ...]:
        """Forward and backward pass over a batch.

        Args:
            theta: The parameters, shape ``(P,)``.
            X, Y: Inputs and targets, shape ``(n, B)`` (or ``(n,)`` for one example).
            inputs: Also return ∂loss/∂X per example.
            out: Write the gradient here (shape ``(P,)``, float64) instead of
                a new array; training loops use it to avoid allocating.

        Returns:
            ``(loss, grad)``, or ``(loss, grad, dX)``: the loss of each example,
            shape ``(B,)``; the gradient of their sum, shape ``(P,)``; and the
            gradient with respect to each example's inputs, shape ``(n, B)``.
        """
        cache = self._cache
        shape = cache["shapes"]
        if (  # the common case, checked cheaply: float64 arrays of the right shapes
            type(theta) is _NDARRAY and type(X) is _NDARRAY and type(Y) is _NDARRAY
            and theta.dtype is _FLOAT and X.dtype is _FLOAT and Y.dtype is _FLOAT
            and theta.shape == shape[0] and X.ndim == 2 and X.shape[0] == shape[1]
            and Y.shape == (shape[2], X.shape[1]) and shape[1] and shape[2]
        ):  # fmt: skip
            B = X.shape[1]
        else:
            theta, X, Y, B = self._arguments(theta, X, Y, columns=False)
        if out is None:
            buffer = cache["buffer"]
        elif (type(out) is _NDARRAY and out.shape == shape[0] and out.dtype is _FLOAT
              and out.flags.c_contiguous):  # fmt: skip
            buffer = out
        else:
            raise InputError(f"out must be a contiguous float64 array of shape {shape[0]}")
        held = cache["theta"]
        if held[0] is not theta:
            held = cache["theta"] = (theta, self._functions["theta_views"](theta))
        grads = cache["grad"]
        if grads[0] is not buffer:
            grads = cache["grad"] = (buffer, self._functions["grad_views"](buffer))
        function = self._functions["inputs" if inputs else "gradient"]
        batch, block = B, cache["block"]
        if batch > block:
            result = self._blocks(function, theta, X, Y, B, held[1], grads[1], buffer, inputs)
        else:
            result = function(theta, X, Y, B, held[1], grads[1], buffer)
        if out is None:
            return (result[0], buffer.copy(), *result[2:])
        return result

    def _blocks(self, function: Callable[..., Any], theta: numpy.ndarray, X: numpy.ndarray,
                Y: numpy.ndarray, B: int, T: tuple, G: tuple, buffer: numpy.ndarray,
                inputs: bool) -> tuple[numpy.ndarray, ...]:  # fmt: skip
        """A big batch, a block of columns at a time, the gradients summed.

        Each block's arrays stay small enough for the CPU caches and for
        malloc's free lists: NumPy then neither waits on memory nor on the page
        faults of fresh large allocations, which made whole-batch calls two to
        three times slower.
        """
        cache = self._cache
        block = cache["block"]
        partial = cache.get("partial")
        if partial is None:
            partial = numpy.empty(len(self.parameters))
            cache["partial"] = (partial, self._functions["grad_views"](partial))
        partial, P = cache["partial"]
        loss = numpy.empty(B)
        dX = numpy.empty((len(self.inputs), B)) if inputs else None
        for a in range(0, B, block):
            b = min(B, a + block)
            first = a == 0
            result = function(
                theta, X[:, a:b], Y[:, a:b], b - a, T, G if first else P, buffer if first else partial
            )
            loss[a:b] = result[0]
            if not first:
                buffer += partial
            if dX is not None:
                dX[:, a:b] = result[2]
        if dX is not None:
            return (loss, buffer, dX)
        return (loss, buffer)

    def __post_init__(self) -> None:
        P = len(self.parameters)
        rows = max([len(self.inputs), len(self.targets), 1] + [u.shape[0] for u in self.units])
        self._cache.update(
            block=max(256, _BLOCK_VALUES // rows),
            shapes=((P,), len(self.inputs), len(self.targets)),
            buffer=numpy.empty(P),
            theta=(None, ()),
            grad=(None, ()),
        )

    def _views(self, which: str, array: numpy.ndarray) -> tuple[numpy.ndarray, ...]:
        """The program's views of ``array`` (``theta`` or ``grad``), made once per array object."""
        held = self._cache[which]
        if held[0] is not array:
            held = self._cache[which] = (array, self._functions[f"{which}_views"](array))
        return held[1]

    def forward(
        self, theta: numpy.ndarray, X: numpy.ndarray | None = None, Y: numpy.ndarray | None = None
    ) -> dict[str, numpy.ndarray]:
        """Every symbol's value per column: ``name -> array of shape (B,)``.

        ``theta`` may be ``(P,)`` (shared by every column) or ``(P, B)`` (one
        parameter vector per column).
        """
        theta = numpy.asarray(theta, dtype=float)
        columns = theta.ndim == 2
        theta, X, Y, B = self._arguments(theta, X, Y, columns=columns)
        views = () if columns else self._views("theta", theta)
        arrays = self._functions["columns" if columns else "forward"](theta, X, Y, B, views, (), None)
        store = dict(zip(self._unit_arrays, arrays))
        store.update(X=X, Y=Y, theta=theta)
        out = {}
        for name, (array, row) in self._locations.items():
            out[name] = numpy.broadcast_to(store[array][row], (B,))
        return out

    def _arguments(
        self, theta: Any, X: Any, Y: Any, *, columns: bool
    ) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray, int]:
        theta = numpy.asarray(theta, dtype=float)
        want = (len(self.parameters), theta.shape[-1]) if columns else (len(self.parameters),)
        if theta.shape != want or (columns and theta.ndim != 2):
            raise InputError(f"theta has shape {theta.shape}; expected {want}")
        arrays = []
        for name, value, names in (("X", X, self.inputs), ("Y", Y, self.targets)):
            if value is None:
                if names:
                    raise InputError(f"no {name}: the network has {', '.join(names)}")
                value = numpy.zeros((0, 1))
            value = numpy.asarray(value, dtype=float)
            if value.ndim == 1:
                value = value[:, None]
            if value.ndim != 2 or value.shape[0] != len(names):
                raise InputError(f"{name} has shape {value.shape}; expected ({len(names)}, batch)")
            arrays.append(value)
        X, Y = arrays
        sizes = {a.shape[1] for a in arrays if a.shape[0]} | ({theta.shape[1]} if columns else set())
        if len(sizes) > 1:
            raise InputError(f"the batch sizes disagree: {sorted(sizes)}")
        B = sizes.pop() if sizes else 1
        return theta, X, Y, B

    def describe(self) -> str:
        """The units, one per line."""
        return "\n".join(u.describe() for u in self.units)


def vectorize(derivation: Derivation | Network) -> VectorizedNetwork:
    """Compile a derivation (or a network, derived first) into whole-array code."""
    d = derivation if isinstance(derivation, Derivation) else derive(derivation, evaluate_point=False)
    return _Compiler(d).build()


# ------------------------------------------------------------------ grouping


class _Compiler:
    def __init__(self, d: Derivation) -> None:
        self.d = d
        net = d.network
        self.net = net
        self.params = set(net.parameters)
        self.loc: dict[Symbol, _Loc] = {}
        self.kind: dict[Symbol, int] = {}
        for array, symbols, kind in (
            ("X", net.inputs, _EXAMPLE),
            ("Y", net.targets, _EXAMPLE),
            ("theta", net.parameters, _SHARED),
        ):
            for i, s in enumerate(symbols):
                self.loc[s] = _Loc(array, i)
                self.kind[s] = kind
        self.edges: dict[Symbol, list[tuple[Symbol, Expr]]] = {}
        for e in d.edges:
            self.edges.setdefault(e.of, []).append((e.wrt, e.general))
        self.index = {s: i for i, s in enumerate(net.parameters)}
        self.dummies: list[Dummy] = []
        self.out = Dummy("out", real=True)
        self.plans: list[_Plan] = []

    def placeholder(self, i: int) -> Dummy:
        while len(self.dummies) <= i:
            self.dummies.append(Dummy(f"p{len(self.dummies)}", real=True))
        return self.dummies[i]

    def build(self) -> VectorizedNetwork:
        net = self.net
        level: dict[Symbol, int] = {}
        for dfn in net.definitions:
            deps = [level.get(s, 0) for s in dfn.expr.free_symbols]
            level[dfn.symbol] = 1 + max(deps, default=0)
        by_level: dict[int, list[Symbol]] = {}
        for dfn in net.definitions:
            by_level.setdefault(level[dfn.symbol], []).append(dfn.symbol)
        definition = net.definition
        for lvl in sorted(by_level):
            affine: dict[str, list[tuple[Symbol, Any]]] = {}
            maps: dict[Any, list[tuple[Symbol, Any]]] = {}
            for node in by_level[lvl]:
                expr = definition[node]
                alone = node == net.loss  # the loss has a unit of its own: the seed is its row
                form = self.affine_form(node, expr)
                if form is not None:
                    affine.setdefault("loss" if alone else form[2], []).append((node, form))
                    continue
                summed = self.sum_form(node, expr)
                if summed is not None:
                    self.add_sum(node, summed)
                    continue
                key, lanes = self.template(expr, node, self.edges.get(node, []))
                maps.setdefault((alone, key), []).append((node, lanes))
            for group in affine.values():
                self.add_affine(group)
            for (_, key), group in maps.items():
                self.add_map(key, group)
        self.lay_out_parameters()
        return _Generator(self).build()

    def lay_out_parameters(self) -> None:
        """Order theta by first use: each affine unit's W row by row, then its biases.

        Then every weight matrix and bias column is a contiguous slice of theta
        (and of the gradient), which NumPy reads and writes fastest.
        """
        order: dict[Symbol, None] = {}
        for plan in self.plans:
            if plan.kind == "affine":
                for pos in sorted(plan.entries):
                    if isinstance(plan.entries[pos], Symbol):
                        order.setdefault(plan.entries[pos])
                for b in plan.bias:
                    if isinstance(b, Symbol):
                        order.setdefault(b)
            else:
                for lane in plan.lanes:
                    for sym in lane:
                        if sym in self.params:
                            order.setdefault(sym)
        for sym in self.net.parameters:
            order.setdefault(sym)
        self.order = list(order)
        self.index = {sym: i for i, sym in enumerate(self.order)}
        for sym, i in self.index.items():
            self.loc[sym] = _Loc("theta", i)

    # -- affine

    def affine_form(self, node: Symbol, expr: Expr) -> tuple[dict[Symbol, Expr], Expr, str] | None:
        """``({u: coefficient}, bias, bias kind)`` when ``expr`` is affine in per-example values."""
        coeffs: dict[Symbol, Expr] = {}
        bias: Expr = sympy.S.Zero
        has_param_bias = False
        for term in Add.make_args(expr):
            if term.is_Number:
                if has_param_bias:
                    return None
                bias += term
            elif isinstance(term, Symbol):
                if term in self.params:
                    if has_param_bias or bias != 0:
                        return None
                    bias, has_param_bias = term, True
                elif term in coeffs:
                    return None
                else:
                    coeffs[term] = sympy.S.One
            elif isinstance(term, Mul) and len(term.args) == 2:
                a, b = term.args
                if isinstance(b, Symbol) and b in self.params and isinstance(a, Symbol):
                    a, b = b, a
                if not (isinstance(b, Symbol) and b not in self.params and b not in coeffs):
                    return None
                if not (a.is_Number or (isinstance(a, Symbol) and a in self.params)):
                    return None
                coeffs[b] = a
            else:
                return None
        if not coeffs or any(self.kind.get(u) != _EXAMPLE for u in coeffs):
            return None
        # The derivation's edges must be those of a bilinear form.
        want = {u: c for u, c in coeffs.items()}
        for u, c in coeffs.items():
            if isinstance(c, Symbol):
                if c in want:
                    return None  # a parameter used twice in one node
                want[c] = u
        if has_param_bias:
            if bias in want:
                return None
            want[bias] = sympy.S.One
        got = dict(self.edges.get(node, []))
        if got != {s: v for s, v in want.items() if v != 0}:
            return None
        self.kind[node] = _EXAMPLE
        return coeffs, bias, "param" if has_param_bias else "const"

    def add_affine(self, group: list[tuple[Symbol, Any]]) -> None:
        array = f"n{len(self.plans)}"
        columns = sorted(
            {u for _, (coeffs, _, _) in group for u in coeffs},
            key=lambda s: (self.loc[s].array, self.loc[s].row),
        )
        col = {u: k for k, u in enumerate(columns)}
        plan = _Plan("affine", array, [n for n, _ in group], columns=columns)
        for j, (node, (coeffs, bias, _)) in enumerate(group):
            for u, c in coeffs.items():
                plan.entries[(j, col[u])] = c
            plan.bias.append(bias)
            self.loc[node] = _Loc(array, j)
        self.plans.append(plan)

    # -- map and sum

    def template(
        self, expr: Expr, own: Symbol, edges: Iterable[tuple[Symbol, Expr]]
    ) -> tuple[Any, list[Symbol]]:
        """A key equal for expressions that are the same up to renaming, and the renaming."""
        mapping: dict[Symbol, Expr] = {}
        for sub in sympy.preorder_traversal(expr):
            if isinstance(sub, Symbol) and sub not in mapping and sub != own:
                mapping[sub] = self.placeholder(len(mapping))
        forward = expr.xreplace(mapping)
        order = {s: i for i, s in enumerate(mapping)}
        mapping[own] = self.out
        tpl_edges = []
        for wrt, general in sorted(edges, key=lambda e: order[e[0]]):
            for s in sorted(general.free_symbols - set(mapping), key=lambda s: s.name):
                mapping[s] = self.placeholder(len(mapping) - 1)
            tpl_edges.append((order[wrt], general.xreplace(mapping)))
        lanes = [s for s in mapping if s != own]
        return (forward, tuple(tpl_edges), len(lanes)), lanes

    def sum_form(self, node: Symbol, expr: Expr) -> tuple[Any, list[list[Symbol]]] | None:
        terms = Add.make_args(expr)
        if len(terms) < 2:
            return None
        owner: dict[Symbol, int] = {}
        for t, term in enumerate(terms):
            for s in term.free_symbols:
                if s in owner:
                    return None  # a symbol in two terms: its edge is not one term's derivative
                owner[s] = t
        per_term: list[list[tuple[Symbol, Expr]]] = [[] for _ in terms]
        for wrt, general in self.edges.get(node, []):
            if wrt not in owner:
                return None
            per_term[owner[wrt]].append((wrt, general))
        key = None
        lanes = []
        for term, edges in zip(terms, per_term):
            k, lane = self.template(term, node, edges)
            if key is None:
                key = k
            elif k != key:
                return None
            lanes.append(lane)
        return key, lanes

    def add_sum(self, node: Symbol, form: tuple[Any, list[list[Symbol]]]) -> None:
        (forward, edges, count), lanes = form
        # A sum's terms may come in any order: take them in storage order, so
        # that operands are slices rather than gathers.
        lanes = sorted(lanes, key=lambda lane: [(self.loc[s].array, self.loc[s].row) for s in lane])
        array = f"n{len(self.plans)}"
        plan = _Plan(
            "sum",
            array,
            [node],
            forward=forward,
            edges=list(edges),
            lanes=[[lane[p] for lane in lanes] for p in range(count)],
            out=self.out,
            placeholders=[self.placeholder(p) for p in range(count)],
        )
        self.loc[node] = _Loc(array, 0)
        self.kind[node] = self.kind_of(forward, plan)
        self.plans.append(plan)

    def add_map(self, key: Any, group: list[tuple[Symbol, list[Symbol]]]) -> None:
        forward, edges, count = key
        array = f"n{len(self.plans)}"
        plan = _Plan(
            "map",
            array,
            [n for n, _ in group],
            forward=forward,
            edges=list(edges),
            lanes=[[lanes[p] for _, lanes in group] for p in range(count)],
            out=self.out,
            placeholders=[self.placeholder(p) for p in range(count)],
        )
        kind = self.kind_of(forward, plan)
        for j, (node, _) in enumerate(group):
            self.loc[node] = _Loc(array, j)
            self.kind[node] = kind
        self.plans.append(plan)

    def kind_of(self, expr: Expr, plan: _Plan) -> int:
        kinds = [_CONST]
        for p, ph in enumerate(plan.placeholders):
            if ph in expr.free_symbols:
                kinds += [self.kind[s] for s in plan.lanes[p]]
        return max(kinds)


# -------------------------------------------------------------- generating


def _progression(rows: Sequence[int]) -> tuple[int, int] | None:
    """``(start, step)`` when ``rows`` is an increasing arithmetic progression."""
    if len(rows) == 1:
        return rows[0], 1
    step = rows[1] - rows[0]
    if step < 1 or any(b - a != step for a, b in zip(rows, rows[1:])):
        return None
    return rows[0], step


class _Generator:
    """Prints a compiler's plans as Python source over NumPy arrays."""

    def __init__(self, c: _Compiler) -> None:
        self.c = c
        self.consts: dict[str, Any] = {}
        self.P = len(c.net.parameters)
        self.rows = {p.array: 1 if p.kind == "sum" else len(p.nodes) for p in c.plans}
        self.rows.update(X=len(c.net.inputs), Y=len(c.net.targets))
        # Views of theta and of the gradient buffer (basic slicing only, so they
        # follow the array's contents); made once per array, not per call.
        self.tviews: dict[str, str] = {}  # expression -> name
        self.gviews: dict[str, str] = {}
        self.view_of: dict[str, str] = {}  # name -> expression
        # In the program being printed: affine unit -> the names of its W and its gathered U.
        self.wnames: dict[str, str] = {}
        self.unames: dict[str, str] = {}
        self.cse: dict[str, Any] = {}
        self.printed: dict[Any, str] = {}
        self.printer = _Printer()

    def view(self, registry: dict[str, str], prefix: str, expr: str) -> str:
        if expr not in registry:
            registry[expr] = f"{prefix}{len(registry)}"
            self.view_of[registry[expr]] = expr
        return registry[expr]

    def theta_view(self, expr: str, columns: bool) -> str:
        return expr if columns else self.view(self.tviews, "t", expr)

    def const(self, value: Any) -> str:
        name = f"_k{len(self.consts)}"
        self.consts[name] = value
        return name

    # -- selecting rows

    def selector(self, rows: Sequence[int]) -> str:
        """An index expression for ``rows`` (a slice when it can be)."""
        if len(set(rows)) == 1:
            return f"{rows[0]}:{rows[0] + 1}"
        prog = _progression(rows)
        if prog is not None:
            start, step = prog
            stop = rows[-1] + 1
            return f"{start}:{stop}" if step == 1 else f"{start}:{stop}:{step}"
        return self.const(numpy.array(rows, dtype=numpy.intp))

    def gather(self, symbols: Sequence[Symbol], columns: bool) -> str:
        """Code for the values of ``symbols``, one row each (broadcasting when they are one)."""
        locs = [self.c.loc[s] for s in symbols]
        arrays = {loc.array for loc in locs}
        if len(arrays) > 1:
            parts = ", ".join(self.gather([s], columns) for s in symbols)
            return f"numpy.concatenate(numpy.broadcast_arrays({parts}))"
        array = locs[0].array
        rows = [loc.row for loc in locs]
        if array != "theta" and rows == list(range(self.rows[array])):
            return array
        sel = self.selector(rows)
        if array == "theta" and not columns:
            code = f"theta[{sel}, None]"
            return code if sel.startswith("_k") else self.theta_view(code, columns)
        return f"{array}[{sel}]"

    # -- printing expressions

    def code(self, expr: Expr, names: Mapping[Expr, str]) -> str:
        """NumPy code for an elementary template, its placeholders named by ``names``.

        The four programs print the same templates under the same names, so
        each is printed once.
        """
        key = (expr, frozenset((k, names[k]) for k in expr.free_symbols if k in names))
        if key not in self.printed:
            self.printer.names = names
            self.printed[key] = self.printer.doprint(expr)
        return self.printed[key]

    # -- the program

    def build(self) -> VectorizedNetwork:
        c = self.c
        net = c.net
        units = []
        for plan in c.plans:
            if plan.kind == "affine":
                shape = (len(plan.nodes), len(plan.columns))
            elif plan.kind == "sum":
                shape = (len(plan.lanes[0]), 1)
            else:
                shape = (len(plan.nodes), 1)
            units.append(Unit(plan.kind, tuple(s.name for s in plan.nodes), shape))
        sources = {
            "forward": self.program("forward", columns=False, backward=False, inputs=False),
            "columns": self.program("columns", columns=True, backward=False, inputs=False),
            "gradient": self.program("gradient", columns=False, backward=True, inputs=False),
            "inputs": self.program("inputs", columns=False, backward=True, inputs=True),
        }
        for name, registry, array in (
            ("theta_views", self.tviews, "theta"),
            ("grad_views", self.gviews, "grad"),
        ):
            items = ", ".join(registry)
            sources[name] = f"def {name}({array}):\n    return ({items}{',' if registry else ''})\n"
        source = "\n".join(sources.values())
        for mark, registry in (("@T@", self.tviews), ("@G@", self.gviews)):
            names = ", ".join(registry.values())
            source = source.replace(
                f"    {mark} = {mark[1]}\n", f"    {names}, = {mark[1]}\n" if registry else ""
            )
        namespace: dict[str, Any] = {"numpy": numpy, "_lanes": _lanes, **self.consts}
        # Generated from our own SymPy trees over operand names; no user text.
        exec(compile(source, "<symbackprop vectorized program>", "exec"), namespace)
        return VectorizedNetwork(
            derivation=c.d,
            units=tuple(units),
            parameters=tuple(s.name for s in c.order),
            inputs=tuple(s.name for s in net.inputs),
            targets=tuple(s.name for s in net.targets),
            source=source,
            _functions={name: namespace[name] for name in sources},
            _locations={s.name: (loc.array, loc.row) for s, loc in c.loc.items()},
            _unit_arrays=tuple(p.array for p in c.plans),
        )

    def program(self, name: str, *, columns: bool, backward: bool, inputs: bool) -> str:
        lines = [f"def {name}(theta, X, Y, B, T, G, grad):"]
        if not columns:
            lines.append("    %s = T" % self.unpack(self.tviews))
        if backward:
            lines.append("    %s = G" % self.unpack(self.gviews))
        cache: dict[tuple[str, int], str] = {}
        for u, plan in enumerate(self.c.plans):
            lines += self.forward_lines(u, plan, columns, cache)
        if backward:
            lines += self.backward_lines(inputs, cache)
        else:
            lines.append("    return (%s,)" % ", ".join(p.array for p in self.c.plans))
        return "\n".join(lines) + "\n"

    def unpack(self, registry: dict[str, str]) -> str:
        # A placeholder list; filled in by build() once every view is known.
        return "@%s@" % ("T" if registry is self.tviews else "G")

    def operand(self, u: int, p: int, plan: _Plan, columns: bool, lines: list[str], cache: dict) -> str:
        key = (plan.array, p)
        if key not in cache:
            cache[key] = self.bind(f"o{u}_{p}", self.gather(plan.lanes[p], columns), lines)
        return cache[key]

    @staticmethod
    def bind(name: str, code: str, lines: list[str]) -> str:
        """``code`` under ``name``; an array name or view is used as it is."""
        if code.isidentifier():
            return code
        lines.append(f"    {name} = {code}")
        return name

    def varies(self, plan: _Plan, expr: Expr) -> bool:
        """Whether ``expr`` has one row per lane (some operand differs between lanes)."""
        return any(
            len({self.c.loc[s] for s in plan.lanes[p]}) > 1
            for p, ph in enumerate(plan.placeholders)
            if ph in expr.free_symbols
        )

    def forward_lines(self, u: int, plan: _Plan, columns: bool, cache: dict) -> list[str]:
        lines: list[str] = []
        out = plan.array
        if plan.kind == "affine":
            W = self.weights(plan, columns, lines)
            self.wnames[plan.array] = W
            U = self.bind(f"u{u}", self.gather(plan.columns, columns), lines)
            self.unames[plan.array] = U
            if columns and W.startswith("W"):
                n = len(plan.columns)
                product = f"numpy.einsum('jkb,kb->jb', {W}, numpy.broadcast_to({U}, ({n}, B)))"
            else:
                product = f"{W} @ {U}"
            bias = self.bias(plan, columns)
            lines.append(f"    {out} = {product}" + (f" + {bias}" if bias else ""))
            return lines
        assert plan.forward is not None
        forward, _, before, _ = self.shared(u, plan)
        names: dict[Expr, str] = {}
        for p, ph in enumerate(plan.placeholders):
            if ph in plan.forward.free_symbols:
                names[ph] = self.operand(u, p, plan, columns, lines, cache)
        for temp, value in before:
            lines.append(f"    {temp} = {self.code(value, names)}")
            names[temp] = str(temp)
        expr = self.code(forward, names)
        rows = len(plan.nodes) if plan.kind == "map" else len(plan.lanes[0])
        if not names or (rows > 1 and not self.varies(plan, plan.forward)):
            expr = f"_lanes({expr}, {rows})"
        if plan.kind == "sum":
            expr = f"({expr}).sum(axis=0, keepdims=True)"
        lines.append(f"    {out} = {expr}")
        return lines

    def shared(self, u: int, plan: _Plan) -> tuple[Expr, list[Expr], list[tuple[Symbol, Expr]], list]:
        """Common subexpressions of a unit's definition and local derivatives.

        Returns the reduced definition, the reduced local derivatives, the
        temporaries the definition needs (computed in the forward pass, so the
        backward pass reuses them: ``a − y`` in ``½(a − y)²`` and in ``a − y``)
        and the rest (computed in the backward pass).
        """
        if plan.array in self.cse:
            return self.cse[plan.array]
        assert plan.forward is not None
        exprs = [to_elementary(plan.forward)] + [to_elementary(g) for _, g in plan.edges]
        temps = sympy.numbered_symbols(f"x{u}_", real=True)
        replacements, reduced = sympy.cse(exprs, symbols=temps, order="none")
        definitions = dict(replacements)
        needed: set[Expr] = set()
        stack = list(reduced[0].free_symbols)
        while stack:
            sym = stack.pop()
            if sym in definitions and sym not in needed:
                needed.add(sym)
                stack.extend(definitions[sym].free_symbols)
        before = [(t, v) for t, v in replacements if t in needed]
        after = [(t, v) for t, v in replacements if t not in needed]
        self.cse[plan.array] = (reduced[0], list(reduced[1:]), before, after)
        return self.cse[plan.array]

    def matrix(self, plan: _Plan) -> tuple[numpy.ndarray, numpy.ndarray | None, numpy.ndarray, list[int]]:
        """Where an affine unit's W comes from.

        Returns ``(W0, full, mask, flat)``: the numbers of W (zero where a
        parameter goes); when every entry is a parameter, their theta indices
        as an (m, n) matrix, else None; and otherwise the entries that are
        parameters (a boolean mask) with their theta indices in mask order.
        """
        m, n = len(plan.nodes), len(plan.columns)
        W0 = numpy.zeros((m, n))
        mask = numpy.zeros((m, n), dtype=bool)
        params = {}
        for pos, e in plan.entries.items():
            if isinstance(e, Symbol):
                params[pos] = self.c.index[e]
                mask[pos] = True
            else:
                W0[pos] = float(e)
        full = None
        if len(params) == m * n:
            full = numpy.array([[params[(j, k)] for k in range(n)] for j in range(m)], dtype=numpy.intp)
        return W0, full, mask, [params[pos] for pos in sorted(params)]

    def weights(self, plan: _Plan, columns: bool, lines: list[str]) -> str:
        """Emit the weight matrix of an affine unit; its name (or a constant's)."""
        W0, full, mask, flat = self.matrix(plan)
        if not flat:
            return self.const(W0)
        name = f"W{plan.array[1:]}"
        if full is not None:
            view = None if columns else self.strided("theta", full)
            if view is not None:
                return self.theta_view(view, columns)
            lines.append(f"    {name} = theta[{self.const(full)}]")
            return name
        index_of = numpy.array(flat, dtype=numpy.intp)
        if columns:
            lines.append(f"    {name} = numpy.repeat({self.const(W0[:, :, None])}, B, axis=2)")
        else:
            lines.append(f"    {name} = {self.const(W0)}.copy()")
        lines.append(f"    {name}[{self.const(mask)}] = theta[{self.const(index_of)}]")
        return name

    def strided(self, array: str, index_of: numpy.ndarray) -> str | None:
        """``array[...]`` as a view when index_of[j, k] = base + j*rs + k*cs; else None."""
        m, n = index_of.shape
        base = int(index_of[0, 0])
        cs = int(index_of[0, 1] - index_of[0, 0]) if n > 1 else 1
        rs = int(index_of[1, 0] - index_of[0, 0]) if m > 1 else (n - 1) * cs + 1
        if cs < 1 or rs < (n - 1) * cs + 1 or base + m * rs > self.P:
            return None
        if not numpy.array_equal(
            index_of, base + rs * numpy.arange(m)[:, None] + cs * numpy.arange(n)[None, :]
        ):
            return None
        cols = f"0:{(n - 1) * cs + 1}" + (f":{cs}" if cs > 1 else "")
        if cols == f"0:{rs}":
            # Reading, the reshaped slice is the view; writing, it must be subscripted.
            return f"{array}[{base}:{base + m * rs}].reshape({m}, {rs})"
        return f"{array}[{base}:{base + m * rs}].reshape({m}, {rs})[:, {cols}]"

    def bias(self, plan: _Plan, columns: bool) -> str:
        if all(isinstance(b, Symbol) for b in plan.bias):
            sel = self.selector([self.c.index[b] for b in plan.bias])
            if columns:
                return f"theta[{sel}]"
            code = f"theta[{sel}, None]"
            return code if sel.startswith("_k") else self.theta_view(code, columns)
        values = numpy.array([[float(b)] for b in plan.bias])
        return self.const(values) if values.any() else ""

    # -- backward

    def backward_lines(self, inputs: bool, cache: dict) -> list[str]:
        c = self.c
        needs = {"theta": True, "X": inputs, "Y": False}
        for plan in c.plans:
            if plan.kind == "affine":
                needs[plan.array] = (
                    any(isinstance(e, Symbol) for e in plan.entries.values())
                    or any(isinstance(b, Symbol) for b in plan.bias)
                    or any(needs[c.loc[s].array] for s in plan.columns)
                )
            else:
                needs[plan.array] = any(needs[c.loc[s].array] for p, _ in plan.edges for s in plan.lanes[p])
        ops: list[tuple[str, Any]] = []
        loss = c.loc[c.net.loss].array
        reached = {loss}
        for u, plan in reversed(list(enumerate(c.plans))):
            if plan.array not in reached or not needs[plan.array]:
                continue
            dG = f"d{plan.array[1:]}"
            if plan.kind == "affine":
                if plan.array == loss:
                    ops.append(("line", f"    {dG} = numpy.ones((1, B))"))
                self.affine_backward(u, plan, dG, ops, needs, reached)
            else:
                self.map_backward(u, plan, dG, plan.array == loss, ops, needs, reached, cache)
        return self.emit(ops, inputs)

    def affine_backward(self, u: int, plan: _Plan, dG: str, ops: list, needs: dict, reached: set) -> None:
        c = self.c
        _, full, mask, flat = self.matrix(plan)
        if any(needs[c.loc[s].array] for s in plan.columns):
            W = self.wnames[plan.array]
            WT = self.view(self.tviews, "t", f"{self.view_of[W]}.T") if W in self.view_of else f"{W}.T"
            ops.append(("line", f"    e{u} = {WT} @ {dG}"))
            self.scatter(plan.columns, f"e{u}", ops, needs, reached)
        U = self.unames[plan.array]
        if full is not None:
            matmul = ("matmul", dG, f"{U}.T")
            ops.append(("theta", (full.ravel().tolist(), self.strided("grad", full), matmul)))
        elif flat:
            ops.append(("theta", (flat, None, ("code", f"({dG} @ {U}.T)[{self.const(mask)}]"))))
        if all(isinstance(b, Symbol) for b in plan.bias):
            rows = [c.index[b] for b in plan.bias]
            ops.append(("theta", (rows, self.grad_rows(rows), ("sum", dG))))

    def map_backward(
        self, u: int, plan: _Plan, dG: str, seed: bool, ops: list, needs: dict, reached: set, cache: dict
    ) -> None:
        c = self.c
        _, locals_, before, after = self.shared(u, plan)
        names: dict[Expr, str] = {plan.out: plan.array}
        names.update({t: str(t) for t, _ in before})
        pending = list(after)
        for (p, general), reduced in zip(plan.edges, locals_):
            target = plan.lanes[p]
            if not any(needs[c.loc[s].array] for s in target):
                continue
            lines: list[str] = []
            for q, ph in enumerate(plan.placeholders):
                used = any(ph in e.free_symbols for e in [general, *(v for _, v in pending)])
                if used and ph not in names:
                    names[ph] = self.operand(u, q, plan, False, lines, cache)
            for temp, value in pending:  # the backward-only temporaries, once per unit
                lines.append(f"    {temp} = {self.code(value, names)}")
                names[temp] = str(temp)
            pending = []
            ops += [("line", line) for line in lines]
            local = self.code(reduced, names)
            kinds = [c.kind[s] for q, ph in enumerate(plan.placeholders)
                     if ph in general.free_symbols for s in plan.lanes[q]]  # fmt: skip
            if plan.out in general.free_symbols:
                kinds.append(c.kind[plan.nodes[0]])
            if not seed:
                value = f"{dG} * ({local})"
            elif max(kinds, default=_CONST) == _EXAMPLE:
                value = f"({local})"
            else:
                value = f"numpy.ones((1, B)) * ({local})"
            if plan.kind == "sum" and len(target) > 1 and not self.varies(plan, general):
                value = f"numpy.broadcast_to({value}, ({len(target)}, B))"
            name = f"c{u}_{p}"
            ops.append(("line", f"    {name} = {value}"))
            self.scatter(target, name, ops, needs, reached)

    def scatter(self, symbols: Sequence[Symbol], code: str, ops: list, needs: dict, reached: set) -> None:
        """Add row i of ``code`` to the adjoint of ``symbols[i]``."""
        by_array: dict[str, list[tuple[int, int]]] = {}
        for i, s in enumerate(symbols):
            loc = self.c.loc[s]
            if needs[loc.array]:
                by_array.setdefault(loc.array, []).append((i, loc.row))
        for array, pairs in by_array.items():
            lanes = [i for i, _ in pairs]
            rows = [r for _, r in pairs]
            part = code if len(lanes) == len(symbols) else f"{code}[{self.selector(lanes)}]"
            if array == "theta":
                ops.append(("theta", (rows, self.grad_rows(rows), ("sum", part))))
            else:
                ops.append(("add", (array, rows, part)))
                reached.add(array)

    def grad_rows(self, rows: Sequence[int]) -> str | None:
        """``grad[a:b:s]`` when ``rows`` are distinct and evenly spaced (a view); else None."""
        if len(set(rows)) < len(rows) or _progression(rows) is None:
            return None
        return f"grad[{self.selector(rows)}]"

    def theta_write(self, rows: Sequence[int], view: str | None, producer: tuple, exact: bool) -> str:
        """A line that adds (or, when ``exact``, writes) a contribution to the gradient."""
        how = producer[0]
        if view is not None:
            g = self.view(self.gviews, "g", view)
            if how == "matmul":
                a, b = producer[1:]
                return f"numpy.matmul({a}, {b}, out={g})" if exact else f"{g} += {a} @ {b}"
            if how == "sum":
                x = producer[1]
                return f"numpy.add.reduce({x}, axis=1, out={g})" if exact else f"{g} += {x}.sum(axis=1)"
            return f"{g}[...] = {producer[1]}" if exact else f"{g} += {producer[1]}"
        if how == "matmul":
            flat = f"({producer[1]} @ {producer[2]}).ravel()"
        elif how == "sum":
            flat = f"{producer[1]}.sum(axis=1)"
        else:
            flat = producer[1]
        return self.add_rows("grad", rows, flat, assign=exact)

    def emit(self, ops: list, inputs: bool) -> list[str]:
        """Lines for the collected operations.

        An adjoint that only ever receives whole-array contributions is
        assigned and then summed out of place (``dA = c``, ``dA = dA + c``);
        one that receives rows is a zeros array added to in place.  The
        parameter gradient is ``empty`` and assigned when every parameter
        receives exactly one contribution.
        """
        c = self.c
        size = self.rows
        partial = {
            payload[0] for op, payload in ops if op == "add" and payload[1] != list(range(size[payload[0]]))
        }
        counts = numpy.zeros(self.P, dtype=int)
        for op, payload in ops:
            if op == "theta":
                numpy.add.at(counts, numpy.array(payload[0], dtype=numpy.intp), 1)
        exact = bool(self.P) and bool((counts == 1).all())
        lines = [] if exact or not self.P else ["    grad.fill(0.0)"]
        lines += [f"    {_adjoint(a)} = numpy.zeros(({size[a]}, B))" for a in sorted(partial)]
        started = set(partial)
        for op, payload in ops:
            if op == "line":
                lines.append(payload)
            elif op == "theta":
                rows, view, producer = payload
                lines.append("    " + self.theta_write(rows, view, producer, exact=exact))
            else:
                array, rows, code = payload
                dA = _adjoint(array)
                if array in partial:
                    lines.append("    " + self.add_rows(dA, rows, code, assign=False))
                elif array in started:
                    lines.append(f"    {dA} = {dA} + {code}")
                else:
                    started.add(array)
                    lines.append(f"    {dA} = {code}")
        if inputs and "X" not in started:
            lines.append(f"    dX = numpy.zeros(({size['X']}, B))")
        loss = c.loc[c.net.loss]
        value = f"{loss.array}[{loss.row}]"
        if c.kind[c.net.loss] != _EXAMPLE:
            value = f"numpy.broadcast_to({value}, (B,))"
        lines.append(f"    return ({value}, grad" + (", dX)" if inputs else ")"))
        return lines

    def add_rows(self, target: str, rows: Sequence[int], code: str, *, assign: bool) -> str:
        op = "=" if assign else "+="
        if len(rows) > 1 and len(set(rows)) == 1:
            if target == "grad":
                return f"{target}[{rows[0]}] {op} {code}.sum()"
            return f"{target}[{rows[0]}:{rows[0] + 1}] += {code}.sum(axis=0, keepdims=True)"
        if len(set(rows)) < len(rows):
            return f"numpy.add.at({target}, {self.const(numpy.array(rows, dtype=numpy.intp))}, {code})"
        return f"{target}[{self.selector(rows)}] {op} {code}"


class _Printer(_NumPy):
    """NumPy code in which placeholders print as the program's operand names."""

    names: Mapping[Expr, str] = {}

    def _print_Symbol(self, expr: Symbol) -> str:
        name = self.names.get(expr)
        return name if name is not None else super()._print_Symbol(expr)

    _print_Dummy = _print_Symbol  # noqa: N815 - SymPy printer method names


def _adjoint(array: str) -> str:
    return "dX" if array == "X" else f"d{array[1:]}"


def _lanes(value: Any, rows: int) -> numpy.ndarray:
    """``value`` as ``rows`` identical rows (for units whose operands are the same in every lane)."""
    value = numpy.asarray(value, dtype=float)
    if value.ndim < 2:
        value = value.reshape(1, -1)
    return numpy.broadcast_to(value, (rows, value.shape[1]))
