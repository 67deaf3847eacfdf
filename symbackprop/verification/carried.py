"""A value computed from the document's own rounded values, as a careful reader checks it.

A summary table (``| ∂L/∂a₂ | ≈ -0.0652 |``) or a document that rounds "at every
step, as by hand" states values computed from numbers it showed before, rounded:
``∂L/∂a₂ = ∂L/∂z · w = -0.0733 · 0.89 = -0.06524``, where the exact value is
``-0.06529``.  A reader who checks the value redoes that step with the numbers
shown, so the value holds when it is what the document's own earlier values give,
to its last digit -- provided those values held themselves (a value that follows
from a wrong one is reported as its consequence, elsewhere) and the digits policy
carries rounding (``strict`` does not).
"""

from __future__ import annotations

from collections.abc import Mapping

from sympy import Expr

from ..core.derivation import Evaluation
from .oracle import Claim, Key, Oracle, Unknown
from .rounding import Interval, Rounding, contains

__all__ = ["follows_shown"]


def follows_shown(
    oracle: Oracle | None,
    ev: Evaluation | None,
    key: Key | None,
    scale: Expr,
    claims: Mapping[Key, Claim],
    rounding: Rounding,
    shown: Interval,
) -> bool:
    """Whether the quantity ``key`` (times ``scale``), computed from the document's earlier holding
    claims, lies in ``shown``: the interval of the number the document writes for it.  Only at the
    document's own point ``ev`` (after an update, its earlier numbers belong to another point)."""
    if oracle is None or key is None or ev is None or ev is not oracle.point or not rounding.policy.carry:
        return False
    try:
        if oracle.roots(key, claims):
            return False
        value = scale * oracle.following(key, claims)
    except (Unknown, KeyError):
        return False
    return bool(contains(shown, value))
