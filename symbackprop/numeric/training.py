"""Training: gradient descent with the vectorised program, over a dataset or one example."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..core.derivation import Derivation, derive
from ..core.network import Network
from ..errors import InputError

if TYPE_CHECKING:
    from .runtime import VectorizedNetwork

__all__ = ["TrainResult", "train"]


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
    network: Network | Derivation,
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
        network: The network (or its :class:`~symbackprop.core.derivation.Derivation`,
            which is then not derived again); its values are the starting point.
        steps: How many updates.
        learning_rate: η; default the network's.
        callback: Called as ``callback(step, loss)`` after every step.
    """
    import numpy

    net = network.network if isinstance(network, Derivation) else network
    eta = _learning_rate(net, learning_rate)
    if steps < 0 or steps > 10_000_000:
        raise InputError(f"steps must be between 0 and 10000000, got {steps}")
    from .vectorization import vectorize  # NumPy is imported only when numbers are asked for

    program = vectorize(network if isinstance(network, Derivation) else derive(net, evaluate_point=False))
    missing = [p.name for p in net.parameters if p not in net.values]
    if missing:
        raise InputError(f"no starting value for {', '.join(missing)}")
    params = {p.name: float(net.values[p]) for p in net.parameters}
    reduction, x, y, count = _data(net, program)
    weight = 1.0 / count if reduction == "mean" else 1.0
    theta = program.pack(params)
    grad = numpy.empty_like(theta)
    frozen = numpy.isin(program.parameters, [p.name for p in net.frozen])
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
    return TrainResult(
        losses=tuple(losses),
        parameters=dict(zip(program.parameters, theta.tolist())),
        initial=params,
        steps=steps,
        learning_rate=eta,
        reduction=reduction,
        frozen=tuple(p.name for p in net.frozen),
    )


def _learning_rate(net: Network, given: float | None) -> float:
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
