"""The random points a formula is checked at besides the document's own (see :class:`.oracle.Oracle`)."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping

from sympy import Expr, Rational, Symbol

from ..core.derivation import Evaluation
from ..core.functions import kink_conditions
from ..core.network import Network

__all__ = ["RANDOM_POINTS", "RANDOM_TRIES", "random_points"]

#: How many random points symbolic claims are at least checked at.
RANDOM_POINTS = 2

#: How many random points are tried to land on both sides of every kink.
RANDOM_TRIES = 24


def random_points(
    net: Network,
    keep_data: bool,
    evaluate: Callable[[Mapping[Symbol, Expr]], Evaluation | None],
    seed: int,
) -> list[Evaluation]:
    """Random parameters (the document's data kept when ``keep_data``), landing on both sides of
    every kink; ``evaluate`` gives the evaluation at a point (``None``: none there).

    Two random points check a formula in general; when the network has
    kinks (ReLU, ``max``, ``|z|``), more points are drawn until each kink's
    argument is positive at one point and negative at another, so that a
    formula that drops ReLU′ = 𝟙[z > 0] is caught.
    """
    rng = random.Random(seed)
    leaves = net.parameters if keep_data else net.inputs + net.targets + net.parameters
    kinks = [c for d in net.definitions for c in kink_conditions(d.expr)]
    out: list[Evaluation] = []
    signs: set[tuple[int, bool]] = set()
    for attempt in range(RANDOM_TRIES if kinks else RANDOM_POINTS):
        wide = attempt >= RANDOM_POINTS  # after the first two, both signs
        pt = {s: Rational(rng.randint(-85 if wide else 15, 85), 100) for s in leaves}
        ev = evaluate(pt)
        if ev is None:
            continue
        new = {(k, bool(c.xreplace(ev.values) > 0)) for k, c in enumerate(kinks)} - signs
        if len(out) < RANDOM_POINTS or new:
            out.append(ev)
            signs |= new
        if len(out) >= RANDOM_POINTS and len(signs) == 2 * len(kinks):
            break
    return out
