"""Numerics: a Derivation compiled to code, the finite-difference check, and training.

The compiled program follows the network's named nodes, not its inlined closed
form: one line per definition forward, then one accumulation per graph edge
backward, using the local derivatives the derivation found (in node names, so
``a_2*(1 - a_2)`` reuses the forward value of ``a_2``).  Two backends print the
same program: NumPy float64, which broadcasts over a batch, and mpmath, the
arbitrary-precision reference.

The source is generated from SymPy trees of our own, over identifiers ``v0,
v1, ...`` that stand for the network's symbols, so no user text ever reaches
the compiler.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sympy
from sympy import Expr, Symbol
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.pycode import MpmathPrinter

from ..core.derivation import Derivation, derive
from ..core.display import Displayable
from ..core.functions import kink_conditions, kink_convention, to_elementary
from ..core.network import Network
from ..errors import InputError
from ..output.printing import latex as print_latex

if TYPE_CHECKING:
    from .vectorized import VectorizedNetwork

__all__ = [
    "DEFAULT_ATOL",
    "DEFAULT_EPS",
    "DEFAULT_RTOL",
    "CheckReport",
    "CheckRow",
    "CompiledNetwork",
    "TrainResult",
    "check",
    "compile_network",
    "train",
]

#: Relative finite-difference step: h_i = DEFAULT_EPS * max(1, |θ_i|).  The cube
#: root of machine epsilon balances truncation (O(h²)) and rounding (O(ε/h)).
DEFAULT_EPS = 6e-6

#: Tolerances of the normwise verdict: |g_sym − g_num| ≤ atol + rtol·‖g_num‖∞.
DEFAULT_RTOL = 1e-6
DEFAULT_ATOL = 1e-9


# ------------------------------------------------------------------ compiling


class _NumPy(NumPyPrinter):
    """NumPy code whose max/min broadcast like the rest of the program."""

    def _print_Max(self, expr: Expr) -> str:
        out = self._print(expr.args[0])
        for a in expr.args[1:]:
            out = f"numpy.maximum({out}, {self._print(a)})"
        return out

    def _print_Min(self, expr: Expr) -> str:
        out = self._print(expr.args[0])
        for a in expr.args[1:]:
            out = f"numpy.minimum({out}, {self._print(a)})"
        return out

    def _print_Heaviside(self, expr: Expr) -> str:
        z = self._print(expr.args[0])
        h = self._print(expr.args[1]) if len(expr.args) > 1 else "0.5"
        return f"numpy.heaviside({z}, {h})"

    def _print_Pow(self, expr: Expr, rational: bool = False) -> str:
        # 1/x rather than x**(-1.0): NumPy's power is slower than a division on big arrays.
        if expr.exp == -1:
            return "1/(%s)" % self._print(expr.base)
        return super()._print_Pow(expr, rational=rational)


class _Mpmath(MpmathPrinter):
    def _print_Max(self, expr: Expr) -> str:
        return "max(%s)" % ", ".join(self._print(a) for a in expr.args)

    def _print_Min(self, expr: Expr) -> str:
        return "min(%s)" % ", ".join(self._print(a) for a in expr.args)

    def _print_Heaviside(self, expr: Expr) -> str:
        z = self._print(expr.args[0])
        h = self._print(expr.args[1]) if len(expr.args) > 1 else "mpmath.mpf(1)/2"
        return f"(mpmath.mpf(1) if {z} > 0 else (mpmath.mpf(0) if {z} < 0 else mpmath.mpf({h})))"


@dataclass(frozen=True)
class CompiledNetwork:
    """Forward and backward pass of a derivation as a Python function.

    ``run(values)`` takes ``name -> number or array`` for every input, target
    and parameter and returns ``(values, adjoints)``: ``name -> value`` for
    every symbol, and ``name -> ∂loss/∂name`` for every symbol.
    """

    derivation: Derivation
    backend: str
    source: str
    function: Callable[..., tuple[Any, ...]] = field(repr=False)
    names: tuple[str, ...]
    outputs: tuple[str, ...]

    def run(self, values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        args = []
        for name in self.names:
            if name not in values:
                msg = f"no value for {name!r}"
                raise InputError(msg)
            args.append(values[name])
        result = self.function(*args)
        n = len(self.outputs)
        return dict(zip(self.outputs, result[:n])), dict(zip(self.outputs, result[n:]))


def compile_network(derivation: Derivation | Network, backend: str = "numpy") -> CompiledNetwork:
    """Compile the forward and backward pass of a derivation.

    Args:
        derivation: A :class:`~symbackprop.core.derivation.Derivation` (or a Network,
            derived first).
        backend: ``"numpy"`` (float64, broadcasting over a batch) or
            ``"mpmath"`` (arbitrary precision, at the current ``mpmath.mp.dps``).
    """
    d = derivation if isinstance(derivation, Derivation) else derive(derivation, evaluate_point=False)
    net = d.network
    declared = net.inputs + net.targets + net.parameters
    symbols = declared + net.nodes
    ident = {s: Symbol(f"v{i}", real=True) for i, s in enumerate(symbols)}
    adj = {s: Symbol(f"g{i}", real=True) for i, s in enumerate(symbols)}
    if backend == "numpy":
        printer: Any = _NumPy()
        zero, one = "0.0", "1.0"
        import numpy

        namespace: dict[str, Any] = {"numpy": numpy}
    elif backend == "mpmath":
        import mpmath

        printer = _Mpmath()
        zero, one = "mpmath.mpf(0)", "mpmath.mpf(1)"
        namespace = {"mpmath": mpmath}
    else:
        msg = f"unknown backend {backend!r}; use 'numpy' or 'mpmath'"
        raise InputError(msg)

    def code(expr: Expr) -> str:
        return printer.doprint(to_elementary(expr).xreplace(ident))

    lines = ["def program(%s):" % ", ".join(str(ident[s]) for s in declared)]
    for dfn in net.definitions:
        lines.append(f"    {ident[dfn.symbol]} = {code(dfn.expr)}")
    for s in symbols:
        lines.append(f"    {adj[s]} = {one if s == net.loss else zero}")
    order = {s: i for i, s in enumerate(net.nodes)}
    for of in sorted(order, key=order.__getitem__, reverse=True):  # reverse topological
        for e in (e for e in d.edges if e.of == of):
            lines.append(f"    {adj[e.wrt]} = {adj[e.wrt]} + {adj[of]} * ({code(e.general)})")
    outs = [str(ident[s]) for s in symbols] + [str(adj[s]) for s in symbols]
    lines.append("    return (%s,)" % ", ".join(outs))
    source = "\n".join(lines) + "\n"
    # Generated from our own SymPy trees over identifiers v0.., g0..; no user text.
    exec(compile(source, "<symbackprop program>", "exec"), namespace)
    return CompiledNetwork(
        derivation=d,
        backend=backend,
        source=source,
        function=namespace["program"],
        names=tuple(s.name for s in declared),
        outputs=tuple(s.name for s in symbols),
    )


# ---------------------------------------------------------------- the check


@dataclass(frozen=True)
class CheckRow:
    """One parameter (or input) at one point.

    ``ok`` is ``True`` (agrees), ``False`` (disagrees) or ``None`` (the point is
    within a step of a kink, so there is nothing to compare).
    """

    name: str
    latex: str
    symbolic: float
    numeric: float
    abs_error: float
    rel_error: float
    verdict: str
    ok: bool | None
    point: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "point": self.point,
            "symbolic": self.symbolic,
            "numeric": self.numeric,
            "abs_error": self.abs_error,
            "rel_error": self.rel_error,
            "verdict": self.verdict,
            "ok": self.ok,
        }


@dataclass(frozen=True)
class CheckReport(Displayable):
    """Every gradient of a network against central finite differences."""

    rows: tuple[CheckRow, ...]
    points: tuple[dict[str, float], ...]
    seed: int
    rtol: float
    atol: float
    eps: float
    title: str = ""

    @property
    def ok(self) -> bool:
        """True when no gradient disagrees (kinks are reported, not failures)."""
        return all(r.ok is not False for r in self.rows)

    @property
    def failures(self) -> tuple[CheckRow, ...]:
        return tuple(r for r in self.rows if r.ok is False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "seed": self.seed,
            "rtol": self.rtol,
            "atol": self.atol,
            "eps": self.eps,
            "points": list(self.points),
            "rows": [r.to_dict() for r in self.rows],
        }

    def format(self, digits: int = 6) -> str:
        """A plain-text table, one row per parameter and point."""
        head = ("point", "parameter", "symbolic", "numeric", "abs error", "rel error", "verdict")
        body = [
            (
                str(r.point),
                r.name,
                f"{r.symbolic:.{digits}g}",
                f"{r.numeric:.{digits}g}",
                f"{r.abs_error:.2e}",
                f"{r.rel_error:.2e}",
                r.verdict,
            )
            for r in self.rows
        ]
        widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(head))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in [head, *body]]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)


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
    network: Network | Derivation,
    *,
    points: int = 0,
    seed: int = 0,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    eps: float = DEFAULT_EPS,
    inputs: bool = False,
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
        network: What to check.
        points: How many random points to check besides the spec's own
            (parameters uniform in [-1, 1], inputs in [0, 1]; seeded).
        seed: The seed of the random points; reported.
        rtol, atol: Tolerances of the verdict.
        eps: Relative finite-difference step.
        inputs: Also check the gradients with respect to the inputs.
    """
    net = network.network if isinstance(network, Derivation) else network
    if points < 0 or points > 10_000:
        raise InputError(f"points must be between 0 and 10000, got {points}")
    for name, value in (("rtol", rtol), ("atol", atol), ("eps", eps)):
        if not (math.isfinite(value) and value >= 0) or (name == "eps" and value == 0):
            raise InputError(f"{name} must be a positive number, got {value}")
    from .vectorized import vectorize  # NumPy is imported only when numbers are asked for

    symbolic = network if isinstance(network, Derivation) else derive(net, evaluate_point=False)
    program = vectorize(symbolic)
    declared = net.inputs + net.targets + net.parameters
    missing = [s.name for s in declared if s not in net.values]
    if missing:
        raise InputError(f"no value for {', '.join(missing)}: give every input, target and parameter a value")
    rng = random.Random(seed)
    base = {s.name: float(net.values[s]) for s in declared}
    all_points = [base]
    for _ in range(points):
        p = dict(base)
        for s in net.parameters:
            p[s.name] = rng.uniform(-1, 1)
        for s in net.inputs:
            p[s.name] = rng.uniform(0, 1)
        all_points.append(p)
    wrt = list(net.parameters) + (list(net.inputs) if inputs else [])
    kinks = _kink_functions(net)
    rows = []
    for k, point in enumerate(all_points):
        rows += _check_point(net, program, point, k, wrt, kinks, rtol, atol, eps)
    rows = _decided_exactly(symbolic, program, all_points[0], kinks, rows)
    return CheckReport(tuple(rows), tuple(all_points), seed, rtol, atol, eps, net.title)


def _kink_functions(net: Network) -> list[tuple[Symbol, Callable[[Mapping[str, Any]], Any], str]]:
    """(node, values -> condition that is 0 at the kink, convention) for every kink."""
    out: list[tuple[Symbol, Callable[[Mapping[str, Any]], Any], str]] = []
    for node, cond, convention in _kink_expressions(net):
        if isinstance(cond, Symbol):
            out.append((node, functools.partial(_read, name=cond.name), convention))
            continue
        names = sorted(cond.free_symbols, key=str)
        stand_in = {sym: Symbol(f"k{j}") for j, sym in enumerate(names)}
        f = sympy.lambdify(list(stand_in.values()), to_elementary(cond).xreplace(stand_in), "numpy")
        out.append((node, functools.partial(_apply, f=f, names=[s.name for s in names]), convention))
    return out


def _decided_exactly(
    symbolic: Derivation,
    program: VectorizedNetwork,
    point: dict[str, float],
    kinks: list[tuple[Symbol, Callable[[Mapping[str, Any]], Any], str]],
    rows: list[CheckRow],
) -> list[CheckRow]:
    """At the spec's own point, a kink condition within float rounding of 0 is decided exactly.

    0.1 + 0.4·0.5 + 0.3·(−1) is 2.8e-17 in float64 but exactly 0: the symbolic
    column then takes the derivation's exact gradient (the convention's side of
    the kink), as derive and the walkthrough do.
    """
    import numpy

    if not kinks:
        return rows
    X, Y = program.data(point)
    values = program.forward(program.pack(point), X if X.size else None, Y if Y.size else None)
    if not any(numpy.any(numpy.abs(numpy.asarray(f(values), dtype=float)) < 1e-12) for _, f, _ in kinks):
        return rows
    exact = symbolic.at(None).evaluation
    assert exact is not None
    gradients = {s.name: float(exact.adjoints[s]) for s in exact.adjoints}
    out = []
    for r in rows:
        if r.point == 0:
            g = gradients[r.name]
            err = abs(g - r.numeric)
            r = dataclasses.replace(
                r, symbolic=g, abs_error=err, rel_error=err / max(abs(g), abs(r.numeric), 1e-300)
            )
        out.append(r)
    return out


def _read(values: Mapping[str, Any], name: str) -> Any:
    return values[name]


def _apply(values: Mapping[str, Any], f: Callable[..., Any], names: Sequence[str]) -> Any:
    return f(*[values[name] for name in names])


#: Finite differences run all perturbed points of a check point as columns of
#: one program call, in chunks of at most this many values per unit row.
_CHUNK_VALUES = 2_000_000


def _check_point(
    net: Network,
    program: VectorizedNetwork,
    point: dict[str, float],
    k: int,
    wrt: Sequence[Symbol],
    kinks: list[tuple[Symbol, Callable[[Mapping[str, Any]], Any], str]],
    rtol: float,
    atol: float,
    eps: float,
) -> list[CheckRow]:
    import numpy

    theta = program.pack(point)
    X, Y = program.data(point)
    _, grad, dX = program.gradient(theta, X if X.size else None, Y if Y.size else None, inputs=True)
    derived = {name: float(g) for name, g in zip(program.parameters, grad)}
    derived.update({name: float(g) for name, g in zip(program.inputs, dX[:, 0])})
    n = len(wrt)
    steps = numpy.array([eps * max(1.0, abs(point[s.name])) for s in wrt])
    position = {name: ("theta", i) for i, name in enumerate(program.parameters)}
    position.update({name: ("X", i) for i, name in enumerate(program.inputs)})
    # Column i is θ + h_i e_i, column n + i is θ − h_i e_i.
    size = max(len(theta), len(program.units), 1)
    chunk = max(2, _CHUNK_VALUES // size)
    loss = numpy.empty(2 * n)
    conditions = [numpy.empty(2 * n) for _ in kinks]
    for a in range(0, 2 * n, chunk):
        cols = numpy.arange(a, min(2 * n, a + chunk))
        Theta = numpy.repeat(theta[:, None], len(cols), axis=1)
        Xc = numpy.repeat(X, len(cols), axis=1)
        Yc = numpy.repeat(Y, len(cols), axis=1)
        for j, col in enumerate(cols):
            i = col % n
            array, row = position[wrt[i].name]
            target = Theta if array == "theta" else Xc
            target[row, j] += steps[i] if col < n else -steps[i]
        values = program.forward(Theta, Xc if X.size else None, Yc if Y.size else None)
        loss[cols] = values[net.loss.name]
        for c, (_, f, _) in enumerate(kinks):
            conditions[c][cols] = numpy.broadcast_to(numpy.asarray(f(values), dtype=float), (len(cols),))
    numeric = (loss[:n] - loss[n:]) / (2 * steps)
    # A kink is within a step of θ_i when moving θ_i by ±h moves its condition
    # onto or across zero.  (A condition that θ_i does not move is no kink for θ_i.)
    near: dict[int, str] = {}
    for (node, _, convention), moved in zip(kinks, conditions):
        for i in range(n):
            lo, hi = sorted((float(moved[n + i]), float(moved[i])))
            if lo != hi and lo <= 0 <= hi:
                near.setdefault(
                    i, f"not differentiable here: {node.name} is at a kink (convention: {convention})"
                )
    finite = numpy.isfinite(numeric)
    scale = float(numpy.max(numpy.abs(numeric[finite]))) if finite.any() else 0.0
    bound = atol + rtol * scale
    rows = []
    for i, s in enumerate(wrt):
        g, h = derived[s.name], float(numeric[i])
        err = abs(g - h)
        rel = err / max(abs(g), abs(h), 1e-300)
        if i in near:
            ok: bool | None = None
            verdict = near[i]
        elif not (math.isfinite(g) and math.isfinite(h)):
            ok, verdict = False, "not finite"
        elif err <= bound:
            ok, verdict = True, "ok"
        else:
            ok, verdict = False, f"MISMATCH (error {err:.2e} > tolerance {bound:.2e})"
        latex = print_latex(s, latex_names=net.latex_names)
        rows.append(CheckRow(s.name, latex, g, h, err, rel, verdict, ok, k))
    return rows


# ------------------------------------------------------------------ training


@dataclass(frozen=True)
class TrainResult:
    """What training did: the loss before each step and at the end, and the parameters."""

    losses: tuple[float, ...]
    parameters: dict[str, float]
    initial: dict[str, float]
    steps: int
    learning_rate: float
    reduction: str
    frozen: tuple[str, ...]

    @property
    def final_loss(self) -> float:
        return self.losses[-1]

    def to_dict(self, every: int = 1) -> dict[str, Any]:
        trace = [
            {"step": i, "loss": v} for i, v in enumerate(self.losses) if i % every == 0 or i == self.steps
        ]
        return {
            "steps": self.steps,
            "learning_rate": self.learning_rate,
            "reduction": self.reduction,
            "frozen": list(self.frozen),
            "initial": self.initial,
            "loss": trace,
            "final_loss": self.final_loss,
            "parameters": self.parameters,
        }


def train(
    network: Network,
    steps: int,
    *,
    learning_rate: float | None = None,
    callback: Callable[[int, float], None] | None = None,
) -> TrainResult:
    """Gradient descent on the network's dataset (or its single point).

    Each step computes the loss and every gradient over all examples (reduced
    by the dataset's ``mean`` or ``sum``) and updates the parameters that are
    not frozen: θ ← θ − η·∂L/∂θ.

    Args:
        network: The network; its values are the starting point.
        steps: How many updates.
        learning_rate: η; default the network's.
        callback: Called as ``callback(step, loss)`` after every step.
    """
    import numpy

    eta = learning_rate if learning_rate is not None else network.learning_rate
    if eta is None:
        raise InputError("no learning rate: give one in [training] or with --learning-rate")
    eta = float(eta)
    if not (math.isfinite(eta) and eta > 0):
        raise InputError(f"the learning rate must be a positive number, got {eta}")
    if steps < 0 or steps > 10_000_000:
        raise InputError(f"steps must be between 0 and 10000000, got {steps}")
    from .vectorized import vectorize

    program = vectorize(network)
    params = {p.name: float(network.values[p]) for p in network.parameters if p in network.values}
    missing = [p.name for p in network.parameters if p.name not in params]
    if missing:
        raise InputError(f"no starting value for {', '.join(missing)}")
    reduction = "sum"
    if network.dataset is not None:
        reduction = network.dataset.reduction
        X, Y = program.data([{s.name: e[s] for s in e} for e in network.dataset.examples])
    else:
        for s in network.inputs + network.targets:
            if s not in network.values:
                raise InputError(f"no value for {s.name!r}")
        X, Y = program.data({s.name: network.values[s] for s in network.inputs + network.targets})
    count = X.shape[1] if X.size else (Y.shape[1] if Y.size else 1)
    weight = 1.0 / count if reduction == "mean" else 1.0
    theta = program.pack(params)
    grad = numpy.empty_like(theta)
    frozen_names = {p.name for p in network.frozen}
    frozen = numpy.array([name in frozen_names for name in program.parameters], dtype=bool)
    x, y = (X if X.size else None), (Y if Y.size else None)
    initial = dict(params)
    losses = []
    for step in range(steps + 1):
        loss, _ = program.gradient(theta, x, y, out=grad)
        value = float(loss.sum()) * weight
        losses.append(value)
        if step == steps:
            break
        grad[frozen] = 0.0
        theta -= (eta * weight) * grad  # in place: the program's views of theta stay valid
        if callback is not None:
            callback(step + 1, value)
    params = dict(zip(program.parameters, theta.tolist()))
    return TrainResult(
        losses=tuple(losses),
        parameters=params,
        initial=initial,
        steps=steps,
        learning_rate=eta,
        reduction=reduction,
        frozen=tuple(p.name for p in network.frozen),
    )
