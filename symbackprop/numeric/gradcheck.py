"""The gradient check: every symbolic gradient against central finite differences.

The symbolic side is the derivation's own gradient, chained from its local
derivatives and evaluated in float64 by the vectorised program
(:mod:`.vectorization`); the numeric side is central differences of the same
program's loss.  A point within a step of a kink is reported as not
differentiable, never as a mismatch or a silent pass.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sympy
from sympy import Expr, Symbol

from ..core.derivation import Derivation, derive
from ..core.functions import kink_conditions, kink_convention, to_elementary
from ..core.network import Network
from ..errors import InputError
from ..output.printing import latex as print_latex
from .verdicts import CheckReport, CheckRow, check_options, every_point, raise_exactly, row

if TYPE_CHECKING:
    from ..core.matrix import MatrixNetwork
    from ..core.matrix_derivation import MatrixDerivation
    from .runtime import VectorizedNetwork

__all__ = [
    "DEFAULT_ATOL",
    "DEFAULT_DIRECTIONS",
    "DEFAULT_EPS",
    "DEFAULT_RTOL",
    "CheckReport",
    "CheckRow",
    "check",
]

#: Relative finite-difference step: h_i = DEFAULT_EPS * max(1, |θ_i|).  The cube
#: root of machine epsilon balances truncation (O(h²)) and rounding (O(ε/h)).
DEFAULT_EPS = 6e-6

#: Tolerances of the normwise verdict: |g_sym − g_num| ≤ atol + rtol·‖g_num‖∞.
DEFAULT_RTOL = 1e-6
DEFAULT_ATOL = 1e-9

#: Random directions per point in fast mode.
DEFAULT_DIRECTIONS = 3

#: (node, values -> condition that is 0 at the kink, convention) for every kink.
_Kinks = list[tuple[Symbol, Callable[[Mapping[str, Any]], Any], str]]


def _kink_expressions(net: Network) -> list[tuple[Symbol, Expr, str]]:
    """(node, expression that is 0 at the kink, convention) for every kink in the network."""
    out = []
    for dfn in net.definitions:
        for cond in kink_conditions(dfn.expr):
            convention = _convention(dfn.expr)
            out.append((dfn.symbol, cond, convention))
    return out


def _convention(expr: Expr) -> str:
    return kink_convention(expr)  # the slope the derivation uses at the kink, from the function registry


def check(
    network: Network | Derivation | MatrixNetwork | MatrixDerivation,
    *,
    points: int = 0,
    seed: int = 0,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    eps: float = DEFAULT_EPS,
    inputs: bool = False,
    fast: bool = False,
    directions: int = DEFAULT_DIRECTIONS,
) -> CheckReport:
    """Compare every symbolic gradient with central finite differences.

    The symbolic value is the derivation's gradient (its local derivatives,
    chained) evaluated in float64 by the vectorised program; the numeric one
    comes from central differences of the same program's loss, with step
    ``h_i = eps·max(1, |θ_i|)``.  A row agrees when
    ``|g_sym − g_num| ≤ atol + rtol·‖g_num‖∞`` over that point (normwise, so a
    gradient near zero is not judged by its own relative error).  A point
    within a step of a kink (ReLU at 0, abs, max) is reported as not
    differentiable, never as a mismatch or a silent pass.

    Args:
        network: What to check: a network, or its derivation (which is then
            compiled as it is, not derived again).  A matrix network (or its
            :class:`~symbackprop.core.matrix_derivation.MatrixDerivation`) is
            checked on its own array program (:mod:`.matrix_check`), entry by
            entry, with the rows its scalar view's check would have.
        points: How many random points to check besides the spec's own
            (parameters uniform in [-1, 1], inputs in [0, 1]; seeded).
        seed: The seed of the random points; reported.
        rtol, atol: Tolerances of the verdict.
        eps: Relative finite-difference step.
        inputs: Also check the gradients with respect to the inputs.
        fast: Check ``directions`` random directions per point instead of
            every gradient, as torch's ``gradcheck(fast_mode=True)`` and JAX's
            ``check_grads`` do: 2 forward passes per direction instead of 2 per
            parameter.  Row ``v_j`` compares ``v·g`` with
            ``(L(θ + εv) − L(θ − εv)) / 2ε``, where ``v_i = r_i·max(1, |θ_i|)``,
            ``r`` standard normal from ``numpy.random.default_rng([seed, point])``;
            it agrees when the difference is at most ``atol + rtol·Σ|v_i g_i|``.
            A pass says the gradient is right along those directions; a failure
            says some gradient is wrong, not which: run the full check then.
        directions: How many directions per point in fast mode (1 to 1000).
    """
    check_options(points, rtol=rtol, atol=atol, eps=eps)
    if fast and not 1 <= directions <= 1000:
        raise InputError(f"directions must be between 1 and 1000, got {directions}")
    if not isinstance(network, (Network, Derivation)):  # a matrix network: its own array program
        from .matrix_check import check_matrix

        return check_matrix(
            network, points=points, seed=seed, rtol=rtol, atol=atol, eps=eps,
            inputs=inputs, fast=fast, directions=directions,
        )  # fmt: skip
    net = network.network if isinstance(network, Derivation) else network
    from .vectorization import vectorize  # NumPy is imported only when numbers are asked for

    symbolic = network if isinstance(network, Derivation) else derive(net, evaluate_point=False)
    program = vectorize(symbolic)
    declared = net.inputs + net.targets + net.parameters
    missing = [s.name for s in declared if s not in net.values]
    if missing:
        raise InputError(f"no value for {', '.join(missing)}: give every input, target and parameter a value")
    all_points = _points(net, points, seed)
    wrt = list(net.parameters) + (list(net.inputs) if inputs else [])
    setup = _Setup(symbolic, program, tuple(wrt), _kink_functions(net), rtol, atol, eps)
    along = functools.partial(_check_directions, setup, count=directions, seed=seed)
    rows = every_point(all_points, fast, functools.partial(_check_point, setup), along)
    count = directions if fast else 0
    return CheckReport(tuple(rows), tuple(all_points), seed, rtol, atol, eps, net.title, count)


def _points(net: Network, points: int, seed: int) -> list[dict[str, float]]:
    """The network's own point, then ``points`` random ones (parameters in [-1, 1], inputs in [0, 1])."""
    rng = random.Random(seed)
    base = {s.name: float(net.values[s]) for s in net.inputs + net.targets + net.parameters}
    out = [base]
    for _ in range(points):
        p = dict(base)
        for s in net.parameters:
            p[s.name] = rng.uniform(-1, 1)
        for s in net.inputs:
            p[s.name] = rng.uniform(0, 1)
        out.append(p)
    return out


def _kink_functions(net: Network) -> _Kinks:
    """(node, values -> condition that is 0 at the kink, convention) for every kink."""
    out: _Kinks = []
    for node, cond, convention in _kink_expressions(net):
        if isinstance(cond, Symbol):
            out.append((node, functools.partial(_read, name=cond.name), convention))
            continue
        names = sorted(cond.free_symbols, key=str)
        stand_in = {sym: Symbol(f"k{j}") for j, sym in enumerate(names)}
        f = sympy.lambdify(
            list(stand_in.values()), to_elementary(cond, plain=False).xreplace(stand_in), "numpy"
        )
        out.append((node, functools.partial(_apply, f=f, names=[s.name for s in names]), convention))
    return out


def _exact_at_kinks(setup: _Setup, point: dict[str, float]) -> dict[str, float]:
    """At the spec's own point, a kink condition within float rounding of 0 is decided exactly.

    0.1 + 0.4·0.5 + 0.3·(−1) is 2.8e-17 in float64 but exactly 0: the symbolic
    gradients are then the derivation's exact ones (the convention's side of
    the kink), as derive and the walkthrough have them.  Empty otherwise.
    """
    import numpy

    program = setup.program
    if not setup.kinks:
        return {}
    X, Y = program.data(point)
    values = program.forward(program.pack(point), X if X.size else None, Y if Y.size else None)
    conditions = [numpy.asarray(f(values), dtype=float) for _, f, _ in setup.kinks]
    if not any(numpy.any(numpy.abs(c) < 1e-12) for c in conditions):
        return {}
    exact = setup.symbolic.at(None).evaluation
    assert exact is not None
    return {s.name: float(exact.adjoints[s]) for s in exact.adjoints}


def _read(values: Mapping[str, Any], name: str) -> Any:
    return values[name]


def _apply(values: Mapping[str, Any], f: Callable[..., Any], names: Sequence[str]) -> Any:
    return f(*[values[name] for name in names])


#: Finite differences run the perturbed points of a check point as columns of
#: one program call, in chunks of at most this many values per array row.
_CHUNK_VALUES = 1_000_000


@dataclass(frozen=True)
class _Setup:
    """What every point of one check shares."""

    symbolic: Derivation
    program: VectorizedNetwork
    wrt: tuple[Symbol, ...]
    kinks: _Kinks
    rtol: float
    atol: float
    eps: float


def _gradients(setup: _Setup, point: dict[str, float], k: int) -> tuple[float, dict[str, float]]:
    """The loss and every symbolic gradient (parameters and inputs) at a point, in float64.

    At the spec's own point (``k = 0``) a value that is not finite is looked up
    exactly, as ``derive`` does: when the exact value is no finite real number
    either, the check stops with derive's error (one verdict for one point).
    """
    import numpy

    program = setup.program
    theta = program.pack(point)
    X, Y = program.data(point)
    loss, grad, dX = program.gradient(theta, X if X.size else None, Y if Y.size else None, inputs=True)
    derived = {name: float(g) for name, g in zip(program.parameters, grad)}
    derived.update({name: float(g) for name, g in zip(program.inputs, dX[:, 0])})
    finite = numpy.isfinite(loss).all() and numpy.isfinite(grad).all() and numpy.isfinite(dX).all()
    if k == 0:
        if not finite:
            raise_exactly(setup.symbolic)
        exact = _exact_at_kinks(setup, point)
        derived.update({name: exact[name] for name in derived if name in exact})
    return float(loss[0]), derived


def _check_point(setup: _Setup, point: dict[str, float], k: int) -> list[CheckRow]:
    """Every gradient at one point against central differences (``2P`` forward passes)."""
    import numpy

    wrt, net = setup.wrt, setup.symbolic.network
    loss0, derived = _gradients(setup, point, k)
    n = len(wrt)
    steps = numpy.array([setup.eps * max(1.0, abs(point[s.name])) for s in wrt])
    loss, conditions = _perturbed(net, setup.program, point, wrt, steps, setup.kinks)
    numeric = (loss[:n] - loss[n:]) / (2 * steps)
    near = _near_kinks(setup.kinks, conditions, n)
    finite = numpy.isfinite(numeric)
    bound = setup.atol + setup.rtol * (float(numpy.max(numpy.abs(numeric[finite]))) if finite.any() else 0.0)
    rows = []
    for i, s in enumerate(wrt):
        latex = print_latex(s, latex_names=net.latex_names)
        rows.append(row(s.name, latex, derived[s.name], float(numeric[i]), bound, near.get(i), loss0, k))
    return rows


def _check_directions(
    setup: _Setup, point: dict[str, float], k: int, count: int, seed: int
) -> list[CheckRow]:
    """``count`` random directions at one point against central differences (``2·count`` forward passes)."""
    import numpy

    wrt, eps = setup.wrt, setup.eps
    loss0, derived = _gradients(setup, point, k)
    scale = numpy.array([max(1.0, abs(point[s.name])) for s in wrt])
    V = numpy.random.default_rng([seed, k]).standard_normal((count, len(wrt))) * scale
    g = numpy.array([derived[s.name] for s in wrt])
    along, terms = V @ g, numpy.abs(V) @ numpy.abs(g)
    loss, conditions = _along(setup, point, V)
    numeric = (loss[:count] - loss[count:]) / (2 * eps)
    near = _near_kinks(setup.kinks, conditions, count)
    return [
        row(f"v{j + 1}", f"v_{{{j + 1}}}", float(along[j]), float(numeric[j]),
             setup.atol + setup.rtol * float(terms[j]), near.get(j), loss0, k)
        for j in range(count)
    ]  # fmt: skip


def _along(setup: _Setup, point: dict[str, float], V: Any) -> tuple[Any, list[Any]]:
    """The loss, and every kink's condition, at ``θ + εv_j`` (column j) and ``θ − εv_j`` (K + j)."""
    import numpy

    program = setup.program
    theta = program.pack(point)
    X, Y = program.data(point)
    moves = numpy.concatenate([V, -V]).T * setup.eps  # (n, 2K): one column per point
    B = moves.shape[1]
    Theta, Xc, Yc = (numpy.repeat(a, B, axis=1) for a in (theta[:, None], X, Y))
    where = {name: (Theta, i) for i, name in enumerate(program.parameters)}
    where.update({name: (Xc, i) for i, name in enumerate(program.inputs)})
    for s, move in zip(setup.wrt, moves):
        target, row = where[s.name]
        target[row] += move
    values = program.forward(Theta, Xc if X.size else None, Yc if Y.size else None)
    conditions = [numpy.broadcast_to(numpy.asarray(f(values), dtype=float), (B,)) for _, f, _ in setup.kinks]
    return values[setup.symbolic.network.loss.name], conditions


def _perturbed(
    net: Network,
    program: VectorizedNetwork,
    point: dict[str, float],
    wrt: Sequence[Symbol],
    steps: Any,
    kinks: _Kinks,
) -> tuple[Any, list[Any]]:
    """The loss, and every kink's condition, at ``θ + h_i e_i`` (column i) and ``θ − h_i e_i`` (n + i).

    Only what is read is made: the program's perturbed mode moves one
    parameter per column without a copy of theta, and the values are read by
    name (the loss, the kinks' conditions), not as a dict of every node.
    """
    import numpy

    theta = program.pack(point)
    X, Y = program.data(point)
    n = len(wrt)
    where = {name: (True, i) for i, name in enumerate(program.parameters)}
    where.update({name: (False, i) for i, name in enumerate(program.inputs)})
    on_theta = numpy.array([where[s.name][0] for s in wrt], dtype=bool)
    row = numpy.array([where[s.name][1] for s in wrt], dtype=numpy.intp)
    height = sum(u.shape[0] for u in program.units) + len(program.inputs) + len(program.targets)
    chunk = max(2, _CHUNK_VALUES // max(height, 1))
    loss = numpy.empty(2 * n)
    conditions = [numpy.empty(2 * n) for _ in kinks]
    for a in range(0, 2 * n, chunk):
        cols = numpy.arange(a, min(2 * n, a + chunk))
        i = cols % n
        step = numpy.where(cols < n, steps[i], -steps[i])
        index = numpy.where(on_theta[i], row[i], 0)
        delta = numpy.where(on_theta[i], step, 0.0)
        Xc = numpy.repeat(X, len(cols), axis=1)
        moved = numpy.flatnonzero(~on_theta[i])
        Xc[row[i][moved], moved] += step[moved]
        values = program.perturbed(theta, index, delta, Xc if X.size else None, Y if Y.size else None)
        loss[cols] = values[net.loss.name]
        for c, (_, f, _) in enumerate(kinks):
            conditions[c][cols] = numpy.broadcast_to(numpy.asarray(f(values), dtype=float), (len(cols),))
    return loss, conditions


def _near_kinks(kinks: _Kinks, conditions: list[Any], n: int) -> dict[int, str]:
    """``i -> why`` for every θ_i within a step of a kink.

    A kink is within a step of θ_i when moving θ_i by ±h moves its condition
    onto or across zero.  (A condition that θ_i does not move is no kink for θ_i.)
    """
    import numpy

    near: dict[int, str] = {}
    for (node, _, convention), moved in zip(kinks, conditions):
        lo, hi = numpy.minimum(moved[:n], moved[n:]), numpy.maximum(moved[:n], moved[n:])
        for i in numpy.flatnonzero((lo != hi) & (lo <= 0) & (hi >= 0)).tolist():
            near.setdefault(
                i, f"not differentiable here: {node.name} is at a kink (convention: {convention})"
            )
    return near
