"""The gradient check of a matrix network, on its matrix program (:mod:`.matrix_program`).

The symbolic side is the layer-level derivation's gradient (δ = (Wᵀδ) ⊙ f′(z),
∂L/∂W = δaᵀ, ...) evaluated on whole arrays; the numeric side is central
differences of the same program's loss, one parameter entry at a time.  The
report is the one a check of the scalar view gives: a row per entry, named
as the scalar view names it (``W_1_1_2`` for row 1, column 2 of ``W_1``), the
same random points, the same verdicts.  The perturbed points run as copies of
the arrays: a copy that moves one entry of ``W`` is a
:class:`~.matrix_program.Sparse` value, so ``W @ a`` costs a row, not a matrix.

Two cases go through the scalar view's exact derivation, as the scalar check
does: a kink met within float rounding at the spec's own point, and a value
that is not finite there.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy
from sympy import Symbol

from ..core.derivation import derive
from ..core.matrix import MatrixNetwork, element_latex, element_name
from ..core.matrix_derivation import MatrixDerivation, derive_matrix
from ..errors import InputError
from ..output.printing import latex as print_latex
from .matrix_program import MatrixProgram, Sparse, compile_matrix
from .verdicts import CheckReport, CheckRow, every_point, raise_exactly, row

__all__ = ["check_matrix"]

#: Copies of a perturbed run hold about this many values in all.
_CHUNK_VALUES = 1_000_000


@dataclass(frozen=True)
class _Entries:
    """The entries checked, flat: every element of each quantity of ``wrt``, row by row."""

    wrt: tuple[Symbol, ...]
    ranges: tuple[tuple[int, int], ...]
    names: tuple[str, ...]
    latex: tuple[str, ...]

    @classmethod
    def of(cls, net: MatrixNetwork, wrt: Sequence[Symbol]) -> _Entries:
        ranges, names, latex, start = [], [], [], 0
        for s in wrt:
            shape = net.shapes[s]
            ranges.append((start, start + shape[0] * shape[1]))
            start = ranges[-1][1]
            whole = print_latex(s, latex_names=net.latex_names)
            for i in range(shape[0]):
                for j in range(shape[1]):
                    names.append(element_name(s.name, shape, i, j))
                    latex.append(element_latex(s.name, net.latex_names.get(s), shape, i, j) or whole)
        return cls(tuple(wrt), tuple(ranges), tuple(names), tuple(latex))

    def flat(self, arrays: Mapping[Symbol, Any], shapes: Mapping[Symbol, Any]) -> Any:
        """The entries' values, one vector."""
        if not self.wrt:
            return numpy.zeros(0)
        return numpy.concatenate([numpy.broadcast_to(arrays[s], shapes[s]).ravel() for s in self.wrt])


@dataclass(frozen=True)
class _Setup:
    """What every point of one check shares."""

    program: MatrixProgram
    entries: _Entries
    rtol: float
    atol: float
    eps: float
    pairs: int  # perturbed entries per run (two copies each)

    @property
    def net(self) -> MatrixNetwork:
        return self.program.network


def check_matrix(
    source: MatrixNetwork | MatrixDerivation,
    *,
    points: int,
    seed: int,
    rtol: float,
    atol: float,
    eps: float,
    inputs: bool,
    fast: bool,
    directions: int,
) -> CheckReport:
    """:func:`~symbackprop.numeric.gradcheck.check` of a matrix network (its options checked there)."""
    derivation = (
        source if isinstance(source, MatrixDerivation) else derive_matrix(source, evaluate_point=False)
    )
    net = derivation.network
    missing = [s.name for s in net.inputs + net.targets + net.parameters if s not in net.values]
    if missing:
        raise InputError(f"no value for {', '.join(missing)}: give every input, target and parameter a value")
    program = compile_matrix(derivation)
    wrt = net.parameters + (net.inputs if inputs else ())
    entries = _Entries.of(net, wrt)
    setup = _Setup(program, entries, rtol, atol, eps, _pairs(program, wrt))
    all_points = _points(net, points, seed)
    along = functools.partial(_check_directions, setup, count=directions, seed=seed)
    rows = every_point(all_points, fast, functools.partial(_check_point, setup), along)
    named = tuple(_named(net, p) for p in all_points)
    return CheckReport(tuple(rows), named, seed, rtol, atol, eps, net.title, directions if fast else 0)


def _pairs(program: MatrixProgram, wrt: Sequence[Symbol]) -> int:
    """How many entries one perturbed run moves, so that its copies hold about :data:`_CHUNK_VALUES`."""
    net = program.network
    sizes = [net.shapes[s] for s in (*net.nodes, *program.materialised(wrt))]
    sizes += [net.shapes[k.node] for k in program.kinks]
    height = sum(r * c for r, c in sizes)
    return max(1, _CHUNK_VALUES // (2 * max(height, 1)))


def _points(net: MatrixNetwork, points: int, seed: int) -> list[dict[Symbol, Any]]:
    """The network's own point, then ``points`` random ones, drawn as the scalar view's check draws them
    (entry by entry: parameters in [-1, 1], then inputs in [0, 1])."""
    rng = random.Random(seed)
    base = dict(net.values)
    out = [base]
    for _ in range(points):
        p = dict(base)
        for group, low in ((net.parameters, -1.0), (net.inputs, 0.0)):
            for s in group:
                r, c = net.shapes[s]
                p[s] = numpy.array([rng.uniform(low, 1) for _ in range(r * c)]).reshape(r, c)
        out.append(p)
    return out


def _named(net: MatrixNetwork, point: Mapping[Symbol, Any]) -> dict[str, float]:
    """A point as the scalar view writes it: ``element name -> value``."""
    out = {}
    for s in net.inputs + net.targets + net.parameters:
        shape = net.shapes[s]
        for (i, j), v in numpy.ndenumerate(point[s]):
            out[element_name(s.name, shape, i, j)] = float(v)
    return out


def _gradients(setup: _Setup, point: dict[Symbol, Any], k: int) -> tuple[float, Any, list[Any]]:
    """The loss, every entry's symbolic gradient, and the program's slots at a point, in float64.

    At the spec's own point (``k = 0``) a value that is not finite is looked up
    exactly, and a kink within float rounding is decided exactly, both by the
    scalar view's derivation (as the scalar check does).
    """
    program, net = setup.program, setup.net
    slots, adjoints = program.gradient(point)
    loss = float(numpy.asarray(slots[program.loss]).ravel()[0])
    g = setup.entries.flat(adjoints, net.shapes)
    if k == 0:
        every = [numpy.asarray(a) for a in adjoints.values()]
        if not (numpy.isfinite(loss) and all(numpy.isfinite(a).all() for a in every)):
            raise_exactly(derive(net.scalar(), evaluate_point=False))
        if any(numpy.any(numpy.abs(slots[kink.slot]) < 1e-12) for kink in program.kinks):
            exact = derive(net.scalar()).evaluation
            assert exact is not None
            by_name = {s.name: float(v) for s, v in exact.adjoints.items()}
            g = numpy.array([by_name.get(name, v) for name, v in zip(setup.entries.names, g)])
    return loss, g, slots


def _check_point(setup: _Setup, point: dict[Symbol, Any], k: int) -> list[CheckRow]:
    """Every entry's gradient at one point against central differences."""
    entries = setup.entries
    loss0, g, base = _gradients(setup, point, k)
    theta = entries.flat(point, setup.net.shapes)
    steps = setup.eps * numpy.maximum(1.0, numpy.abs(theta))
    n = len(theta)
    plus, minus, near = numpy.empty(n), numpy.empty(n), {}
    for a in range(0, n, setup.pairs):
        index = numpy.arange(a, min(n, a + setup.pairs))
        loss, kinks = _perturbed(setup, point, base, index, steps[index])
        m = len(index)
        plus[index], minus[index] = loss[:m], loss[m:]
        near.update({int(index[i]): why for i, why in kinks.items()})
    numeric = (plus - minus) / (2 * steps)
    finite = numpy.isfinite(numeric)
    bound = setup.atol + setup.rtol * (float(numpy.max(numpy.abs(numeric[finite]))) if finite.any() else 0.0)
    return [
        row(entries.names[i], entries.latex[i], float(g[i]), float(numeric[i]), bound, near.get(i), loss0, k)
        for i in range(n)
    ]


def _perturbed(
    setup: _Setup, point: dict[Symbol, Any], base: list[Any], index: Any, steps: Any
) -> tuple[Any, dict[int, str]]:
    """The loss at ``θ + h_i e_i`` (copy i) and ``θ − h_i e_i`` (copy m + i) for the entries ``index``,
    and the kinks within a step of each."""
    net, entries = setup.net, setup.entries
    flat = numpy.concatenate([index, index])
    delta = numpy.concatenate([steps, -steps])
    values = dict(point)
    for s, (low, high) in zip(entries.wrt, entries.ranges):
        mine = (flat >= low) & (flat < high)
        if mine.any():
            local = numpy.where(mine, flat - low, 0)
            columns = net.shapes[s][1]
            values[s] = Sparse(point[s], local // columns, local % columns, numpy.where(mine, delta, 0.0))
    slots = setup.program.forward(values, base)
    return _losses(setup, slots, len(flat)), _near_kinks(setup, slots, len(index))


def _losses(setup: _Setup, slots: list[Any], count: int) -> Any:
    return numpy.broadcast_to(slots[setup.program.loss], (count, 1, 1)).reshape(count)


def _near_kinks(setup: _Setup, slots: list[Any], m: int) -> dict[int, str]:
    """``i -> why`` for every copy pair ``(i, m + i)`` that moves some kink's condition onto or across 0.

    The first kink is named as the scalar view's check names it: definition by
    definition, element by element, condition by condition.
    """
    near: dict[int, str] = {}
    by_node: dict[Symbol, list[Any]] = {}
    for kink in setup.program.kinks:
        by_node.setdefault(kink.node, []).append(kink)
    for node, kinks in by_node.items():
        shape = setup.net.shapes[node]
        crossing = []
        for kink in kinks:
            moved = numpy.broadcast_to(slots[kink.slot], (2 * m, *shape)).reshape(2 * m, -1)
            lo, hi = numpy.minimum(moved[:m], moved[m:]), numpy.maximum(moved[:m], moved[m:])
            crossing.append((lo != hi) & (lo <= 0) & (hi >= 0))
        found = numpy.stack(crossing, axis=2).reshape(m, -1)
        for i in numpy.flatnonzero(found.any(axis=1)).tolist():
            element = int(numpy.argmax(found[i])) // len(kinks)
            name = element_name(node.name, shape, *divmod(element, shape[1]))
            why = f"not differentiable here: {name} is at a kink (convention: {kinks[0].convention})"
            near.setdefault(i, why)
    return near


def _check_directions(
    setup: _Setup, point: dict[Symbol, Any], k: int, count: int, seed: int
) -> list[CheckRow]:
    """``count`` random directions at one point against central differences (``2·count`` copies)."""
    net, entries, eps = setup.net, setup.entries, setup.eps
    loss0, g, base = _gradients(setup, point, k)
    theta = entries.flat(point, net.shapes)
    V = numpy.random.default_rng([seed, k]).standard_normal((count, len(theta))) * numpy.maximum(
        1.0, numpy.abs(theta)
    )
    along, terms = V @ g, numpy.abs(V) @ numpy.abs(g)
    moves = numpy.concatenate([V, -V]) * eps
    values = dict(point)
    for s, (low, high) in zip(entries.wrt, entries.ranges):
        values[s] = point[s][None] + moves[:, low:high].reshape(2 * count, *net.shapes[s])
    slots = setup.program.forward(values, base)
    loss = _losses(setup, slots, 2 * count)
    numeric = (loss[:count] - loss[count:]) / (2 * eps)
    near = _near_kinks(setup, slots, count)
    return [
        row(f"v{j + 1}", f"v_{{{j + 1}}}", float(along[j]), float(numeric[j]),
            setup.atol + setup.rtol * float(terms[j]), near.get(j), loss0, k)
        for j in range(count)
    ]  # fmt: skip
