"""The vectorised program at run time: packing values, and the forward and backward passes.

A :class:`VectorizedNetwork` holds the functions :mod:`.codegen` compiled and
calls them: it packs parameters into one vector ``theta`` and examples into
``X``/``Y`` (one column per example), checks shapes, runs big batches in
blocks of columns, and keeps the views of ``theta`` and of the gradient that
the programs read (``T``/``G``), made once per array.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy

from ..core.derivation import Derivation
from ..errors import InputError
from .plan import Unit

__all__ = ["Unit", "Values", "VectorizedNetwork"]

_NDARRAY = numpy.ndarray
_FLOAT = numpy.dtype(numpy.float64)

#: Big batches run in blocks of columns with about this many values per array
#: (128 KiB of float64: below glibc's default mmap threshold, within L2).
_BLOCK_VALUES = 16_384


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
        theta, X, Y, B = self._batch(theta, X, Y)
        buffer = self._buffer(out)
        T, G = self._views("theta", theta), self._views("grad", buffer)
        function = self._functions["inputs" if inputs else "gradient"]
        batch, block = B, self._cache["block"]
        if batch > block:
            result = self._blocks(function, theta, X, Y, B, T, G, buffer, inputs)
        else:
            result = function(theta, X, Y, B, T, G, buffer)
        if out is None:
            return (result[0], buffer.copy(), *result[2:])
        return result

    def _batch(self, theta: Any, X: Any, Y: Any) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray, int]:
        """The arguments of :meth:`gradient`, checked (cheaply in the common case) and their batch size."""
        shape = self._cache["shapes"]
        if (  # the common case: float64 arrays of the right shapes
            type(theta) is _NDARRAY and type(X) is _NDARRAY and type(Y) is _NDARRAY
            and theta.dtype is _FLOAT and X.dtype is _FLOAT and Y.dtype is _FLOAT
            and theta.shape == shape[0] and X.ndim == 2 and X.shape[0] == shape[1]
            and Y.shape == (shape[2], X.shape[1]) and shape[1] and shape[2]
        ):  # fmt: skip
            return theta, X, Y, X.shape[1]
        return self._arguments(theta, X, Y, columns=False)

    def _buffer(self, out: Any) -> numpy.ndarray:
        """Where the gradient goes: ``out``, checked, or the program's own buffer."""
        if out is None:
            return self._cache["buffer"]
        shape = self._cache["shapes"][0]
        if type(out) is _NDARRAY and out.shape == shape and out.dtype is _FLOAT and out.flags.c_contiguous:
            return out
        raise InputError(f"out must be a contiguous float64 array of shape {shape}")

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
    ) -> Values:
        """Every symbol's value per column: ``name -> array of shape (B,)``, read on demand.

        ``theta`` may be ``(P,)`` (shared by every column) or ``(P, B)`` (one
        parameter vector per column).
        """
        theta = numpy.asarray(theta, dtype=float)
        columns = theta.ndim == 2
        theta, X, Y, B = self._arguments(theta, X, Y, columns=columns)
        views = () if columns else self._views("theta", theta)
        arrays = self._functions["columns" if columns else "forward"](theta, X, Y, B, views, (), None)
        store = dict(zip(self._unit_arrays, arrays), X=X, Y=Y, theta=theta)
        return Values(store, self._locations, B)

    def perturbed(
        self,
        theta: numpy.ndarray,
        index: numpy.ndarray,
        delta: numpy.ndarray,
        X: numpy.ndarray | None = None,
        Y: numpy.ndarray | None = None,
    ) -> Values:
        """Every symbol's value at ``B`` points near ``theta``, one per column, read on demand.

        Column ``b`` is ``theta`` with parameter ``index[b]`` moved by
        ``delta[b]``.  Each column costs one forward pass and theta is never
        copied per column: the finite-difference check runs its ``2P`` points
        this way.  ``X`` and ``Y`` have ``B`` columns (or one).
        """
        theta = numpy.asarray(theta, dtype=float)
        index = numpy.asarray(index, dtype=numpy.intp)
        delta = numpy.asarray(delta, dtype=float)
        if index.ndim != 1 or delta.shape != index.shape:
            raise InputError(f"index and delta must be vectors of one length: {index.shape}, {delta.shape}")
        if index.size and not (index.min() >= 0 and index.max() < len(self.parameters)):
            raise InputError(f"index must be rows of theta (0 to {len(self.parameters) - 1})")
        B = len(index)
        X, Y = (_columns(a, B) for a in (_examples("X", X, self.inputs), _examples("Y", Y, self.targets)))
        theta, X, Y, _ = self._arguments(theta, X, Y, columns=False)
        views = self._views("theta", theta)
        arrays = self._functions["perturbed"](theta, X, Y, B, views, index, delta)
        store = dict(zip(self._unit_arrays, arrays), X=X, Y=Y, theta=theta)
        return Values(store, self._locations, B, (index, delta))

    def _arguments(
        self, theta: Any, X: Any, Y: Any, *, columns: bool
    ) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray, int]:
        theta = numpy.asarray(theta, dtype=float)
        want = (len(self.parameters), theta.shape[-1]) if columns else (len(self.parameters),)
        if theta.shape != want or (columns and theta.ndim != 2):
            raise InputError(f"theta has shape {theta.shape}; expected {want}")
        arrays = [_examples("X", X, self.inputs), _examples("Y", Y, self.targets)]
        X, Y = arrays
        sizes = {a.shape[1] for a in arrays if a.shape[0]} | ({theta.shape[1]} if columns else set())
        if len(sizes) > 1:
            raise InputError(f"the batch sizes disagree: {sorted(sizes)}")
        B = sizes.pop() if sizes else 1
        return theta, X, Y, B

    def describe(self) -> str:
        """The units, one per line."""
        return "\n".join(u.describe() for u in self.units)


class Values(Mapping[str, numpy.ndarray]):
    """The values of a program run, ``name -> array of shape (B,)``, each made when it is read.

    A run computes whole arrays; only the names read (the loss, a kink's
    condition) become per-name arrays, so reading one costs nothing per node.
    """

    def __init__(
        self,
        store: Mapping[str, numpy.ndarray],
        locations: Mapping[str, tuple[str, int]],
        size: int,
        nudge: tuple[numpy.ndarray, numpy.ndarray] | None = None,
    ) -> None:
        self._store, self._locations, self._size, self._nudge = store, locations, size, nudge

    def __getitem__(self, name: str) -> numpy.ndarray:
        array, row = self._locations[name]
        value = self._store[array][row]
        if array == "theta" and self._nudge is not None:  # a parameter read directly: its own moves
            index, delta = self._nudge
            value = value + numpy.where(index == row, delta, 0.0)
        return numpy.broadcast_to(value, (self._size,))

    def __iter__(self) -> Iterator[str]:
        return iter(self._locations)

    def __len__(self) -> int:
        return len(self._locations)


def _columns(value: numpy.ndarray, B: int) -> numpy.ndarray:
    """``value`` with ``B`` columns (one column is repeated; an empty array keeps its rows)."""
    if value.shape[1] == B:
        return value
    if value.shape[1] != 1:
        raise InputError(f"expected 1 or {B} columns, got {value.shape[1]}")
    return numpy.repeat(value, B, axis=1)


def _examples(name: str, value: Any, names: Sequence[str]) -> numpy.ndarray:
    """``X`` or ``Y`` as a 2-D float array, one row per name (an empty one when there are none)."""
    if value is None:
        if names:
            raise InputError(f"no {name}: the network has {', '.join(names)}")
        value = numpy.zeros((0, 1))
    value = numpy.asarray(value, dtype=float)
    if value.ndim == 1:
        value = value[:, None]
    if value.ndim != 2 or value.shape[0] != len(names):
        raise InputError(f"{name} has shape {value.shape}; expected ({len(names)}, batch)")
    return value
