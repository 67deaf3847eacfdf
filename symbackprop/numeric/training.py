"""Training: an optimiser (core/optimizers.py) over the vectorised program, on a dataset or one example.

Training stops early at the first loss that is not finite: the result says at
which step (:attr:`TrainResult.diverged_at`), and the command line exits 1.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..core.derivation import Derivation, derive
from ..core.matrix import MatrixNetwork
from ..core.matrix_derivation import MatrixDerivation
from ..core.network import Network
from ..core.optimizers import Optimizer, choose_optimizer
from ..errors import InputError

if TYPE_CHECKING:
    from .matrix_program import FlatProgram
    from .runtime import VectorizedNetwork

#: What a training run starts from: the program, ``theta``, the data ``(X, Y, weight)``, the
#: reduction, the frozen entries' names and the starting values by name.
_Run = tuple[Any, Any, tuple[Any, Any, float], str, list[str], dict[str, float]]

__all__ = ["TrainResult", "train"]


@dataclass(frozen=True)
class TrainResult:
    """What training did: the loss before each step and at the end, and the parameters.

    Attributes:
        losses: The loss after 0, 1, ... updates; when training diverged, the
            last one is the first loss that is not finite.
        parameters: The parameters at the last loss.
        history: With ``record=True``, the parameters at each loss (else empty).
        diverged_at: The number of updates after which the loss stopped being
            finite (0: at the start), or ``None``.
    """

    losses: tuple[float, ...]
    parameters: dict[str, float]
    initial: dict[str, float]
    steps: int
    learning_rate: float
    reduction: str
    frozen: tuple[str, ...]
    optimizer: Optimizer = field(default_factory=Optimizer)
    history: tuple[dict[str, float], ...] = ()
    diverged_at: int | None = None

    @property
    def final_loss(self) -> float:
        return self.losses[-1]

    @property
    def last_step(self) -> int:
        """The step of the last loss: ``steps``, or where training diverged."""
        return len(self.losses) - 1

    def to_dict(self, every: int = 1) -> dict[str, Any]:
        end = self.last_step
        trace = [{"step": i, "loss": v} for i, v in enumerate(self.losses) if i % every == 0 or i == end]
        data = {
            "steps": self.steps,
            "learning_rate": self.learning_rate,
            "optimizer": {"name": self.optimizer.name, **self.optimizer.floats()},
            "reduction": self.reduction,
            "frozen": list(self.frozen),
            "initial": self.initial,
            "loss": trace,
            "final_loss": self.final_loss,
            "parameters": self.parameters,
        }
        if self.diverged_at is not None:
            data["diverged_at"] = self.diverged_at
        return data


def train(
    network: Network | Derivation | MatrixNetwork | MatrixDerivation,
    steps: int,
    *,
    learning_rate: float | None = None,
    callback: Callable[[int, float], None] | None = None,
    optimizer: Optimizer | str | None = None,
    record: bool = False,
) -> TrainResult:
    """Train on the network's dataset (or its single point) with its optimiser.

    Each step computes the loss and every gradient over all examples (reduced
    by the dataset's ``mean`` or ``sum``) and updates the parameters that are
    not frozen by the optimiser's rule, θ ← θ − η·s (``s = ∂L/∂θ`` for
    gradient descent; see :mod:`symbackprop.core.optimizers`).  Training
    stops at the first loss that is not finite (``diverged_at``).

    Args:
        network: The network (or its :class:`~symbackprop.core.derivation.Derivation`,
            which is then not derived again); its values are the starting point.
            A matrix network (or its derivation) trains on its own array
            program (:mod:`.matrix_program`), matrices updated whole; the
            result names the entries as its scalar view does (``W_1_1_2``).
        steps: How many updates.
        learning_rate: η; default the network's.
        callback: Called as ``callback(step, loss)`` after every step.
        optimizer: An :class:`~symbackprop.core.optimizers.Optimizer`, or an
            optimiser's name (its hyper-parameters from the network when it
            chose the same one, else the defaults); default the network's.
        record: Keep the parameters at every step (``history``).
    """
    import numpy

    net = network.network if isinstance(network, (Derivation, MatrixDerivation)) else network
    eta = _learning_rate(net, learning_rate)
    if steps < 0 or steps > 10_000_000:
        raise InputError(f"steps must be between 0 and 10000000, got {steps}")
    missing = [p.name for p in net.parameters if p not in net.values]
    if isinstance(network, (MatrixNetwork, MatrixDerivation)):
        program, theta, data, reduction, frozen_names, params = _matrix_run(network, missing)
    else:
        program, theta, data, reduction, frozen_names, params = _scalar_run(network, missing)
    chosen = _optimizer(net, optimizer)
    frozen = numpy.isin(program.parameters, frozen_names)
    losses, history, diverged = _descend(program, theta, data, frozen, chosen, eta, steps, callback, record)
    return TrainResult(
        losses=tuple(losses),
        parameters=dict(zip(program.parameters, theta.tolist())),
        initial=params,
        steps=steps,
        learning_rate=eta,
        reduction=reduction,
        frozen=tuple(frozen_names),
        optimizer=chosen,
        history=tuple(history),
        diverged_at=diverged,
    )


def _scalar_run(network: Network | Derivation, missing: list[str]) -> _Run:
    """The scalar program, the starting ``theta``, the data ``(X, Y, weight)``, the reduction, the
    frozen parameters and the starting values by name."""
    from .vectorization import vectorize  # NumPy is imported only when numbers are asked for

    net = network.network if isinstance(network, Derivation) else network
    program = vectorize(network if isinstance(network, Derivation) else derive(net, evaluate_point=False))
    if missing:
        raise InputError(f"no starting value for {', '.join(missing)}")
    reduction, x, y, count = _data(net, program)
    weight = 1.0 / count if reduction == "mean" else 1.0
    params = {p.name: float(net.values[p]) for p in net.parameters}
    theta = program.pack(params)
    return program, theta, (x, y, weight), reduction, [p.name for p in net.frozen], params


def _matrix_run(network: MatrixNetwork | MatrixDerivation, missing: list[str]) -> _Run:
    """:func:`_scalar_run` for a matrix network: its own array program, on its one point (a batch is
    an input matrix, reduced by the loss itself); the entries are named as the scalar view names them."""
    from .matrix_program import FlatProgram, compile_matrix

    net = network.network if isinstance(network, MatrixDerivation) else network
    if missing:
        raise InputError(f"no starting value for {', '.join(missing)}")
    absent = [s.name for s in net.inputs + net.targets if s not in net.values]
    if absent:
        raise InputError(f"no value for {absent[0]!r}")
    program = FlatProgram(compile_matrix(network, inputs=False), net.values)
    names = [n for (p, a, b, _) in program.layout if p in net.frozen for n in program.parameters[a:b]]
    theta = program.pack()
    return program, theta, (None, None, 1.0), "sum", names, dict(zip(program.parameters, theta.tolist()))


def _descend(
    program: VectorizedNetwork | FlatProgram,
    theta: Any,
    data: tuple[Any, Any, float],
    frozen: Any,
    chosen: Optimizer,
    eta: float,
    steps: int,
    callback: Callable[[int, float], None] | None,
    record: bool,
) -> tuple[list[float], list[dict[str, float]], int | None]:
    """The training loop, updating ``theta`` in place: the losses, the recorded parameters, and the
    step whose loss was not finite (``None`` when all were)."""
    import numpy

    x, y, weight = data
    rule, hyper = chosen.info.rule, chosen.floats()
    grad = numpy.empty_like(theta)
    state = {k: numpy.zeros_like(theta) for k in chosen.info.state}
    losses: list[float] = []
    history: list[dict[str, float]] = []
    with numpy.errstate(over="ignore", invalid="ignore"):  # a loss that overflows ends training below
        for step in range(steps + 1):
            loss, _ = program.gradient(theta, x, y, out=grad)
            value = float(loss.sum()) * weight
            losses.append(value)
            if record:
                history.append(dict(zip(program.parameters, theta.tolist())))
            if not math.isfinite(value):
                return losses, history, step
            if step == steps:
                break
            grad[frozen] = 0.0
            grad *= weight  # the reduced gradient, in place (the next step overwrites it)
            quantities = rule(grad, state, hyper, step + 1, numpy.sqrt)
            if state:
                state = {k: quantities[k] for k in state}
            theta -= eta * quantities["s"]  # in place: the program's views of theta stay valid
            if callback is not None:
                callback(step + 1, value)
    return losses, history, None


def _optimizer(net: Network | MatrixNetwork, given: Optimizer | str | None) -> Optimizer:
    """The optimiser to train with: ``given`` (a name takes the network's settings for that name)."""
    if isinstance(given, Optimizer):
        return given
    if given is None or given == net.optimizer.name:
        return net.optimizer
    return choose_optimizer(given)


def _learning_rate(net: Network | MatrixNetwork, given: float | None) -> float:
    eta = given if given is not None else net.learning_rate
    if eta is None:
        raise InputError("no learning rate: give one in [training] or with --learning-rate")
    eta = float(eta)
    if not (math.isfinite(eta) and eta > 0):
        raise InputError(f"the learning rate must be a positive number, got {eta}")
    return eta


def _data(net: Network, program: VectorizedNetwork) -> tuple[str, Any, Any, int]:
    """``(reduction, X or None, Y or None, number of examples)``: the dataset, or the network's one point."""
    reduction = "sum"
    if net.dataset is not None:
        reduction = net.dataset.reduction
        X, Y = program.data([{s.name: e[s] for s in e} for e in net.dataset.examples])
    else:
        for s in net.inputs + net.targets:
            if s not in net.values:
                raise InputError(f"no value for {s.name!r}")
        X, Y = program.data({s.name: net.values[s] for s in net.inputs + net.targets})
    count = X.shape[1] if X.size else (Y.shape[1] if Y.size else 1)
    return reduction, (X if X.size else None), (Y if Y.size else None), count
