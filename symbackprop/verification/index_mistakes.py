"""Naming the classic mistake a wrong index-notation line makes, by rewriting it.

Each mistake is one rewriting of the written side (data, :data:`REWRITES`); the mistake
is named when the rewritten side holds at every index value where the line was compared:

* **a wrong sign**: the side negated;
* **a missing transpose**: every weight's indices swapped (``w_{jk}`` for ``w_{kj}``);
* **a dropped activation derivative**: the side times ``f'(z_j)``, for an index ``j`` of the first
  side (``δ_j``, ``∂L/∂w_{jk}``);
* **a wrong order**: the first side's two indices swapped in the written side
  (``δ_k a_j`` for ``δ_j a_k``).

Against a matrix network the matrix-form transformations (:mod:`.matrix_mistakes`) are
tried first; these rewritings serve a scalar network too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from ..notation.latex.indexed import INDEX_LETTERS, IxNode, Leaf
from .report import Mistake

__all__ = ["REWRITES", "named"]

Rewrite = Callable[[IxNode, IxNode], list[IxNode]]


def _map_leaves(node: IxNode, change: Callable[[Leaf], Leaf]) -> IxNode:
    if node.op == "leaf":
        return IxNode("leaf", (change(node.args[0]),))
    return IxNode(node.op, tuple(_map_leaves(a, change) if isinstance(a, IxNode) else a for a in node.args))


def _negated(first: IxNode, node: IxNode) -> list[IxNode]:
    return [IxNode("neg", (node,))]


def _weights_swapped(first: IxNode, node: IxNode) -> list[IxNode]:
    def swap(leaf: Leaf) -> Leaf:
        if leaf.base.lower() != "w" or len(leaf.indices) != 2:
            return leaf
        return dataclasses.replace(leaf, indices=leaf.indices[::-1])

    return [_map_leaves(node, swap)]


def _with_derivative(first: IxNode, node: IxNode) -> list[IxNode]:
    """The side times ``f'(z_c)`` for each index ``c`` of the first side (``δ_j``, ``∂L/∂w_{jk}``)."""
    if first.op != "leaf":
        return []
    leaf: Leaf = first.args[0]
    letters = [c for c in leaf.indices if c in INDEX_LETTERS]
    zs = [IxNode("leaf", (Leaf("z", (c,), leaf.layer, leaf.example),)) for c in letters]
    return [IxNode("mul", (node, IxNode("call", ("f", 1, z)))) for z in zs]


def _letters_swapped(first: IxNode, node: IxNode) -> list[IxNode]:
    if first.op != "leaf":
        return []
    letters = [c for c in first.args[0].indices if c in INDEX_LETTERS]
    if len(letters) != 2 or letters[0] == letters[1]:
        return []
    a, b = letters
    flip = {a: b, b: a}

    def swap(leaf: Leaf) -> Leaf:
        return dataclasses.replace(leaf, indices=tuple(flip.get(c, c) for c in leaf.indices))

    return [_map_leaves(node, swap)]


#: The mistakes tried, in order, with the rewriting that reproduces each.
REWRITES: tuple[tuple[Mistake, Rewrite], ...] = (
    (Mistake.WRONG_SIGN, _negated),
    (Mistake.MISSING_TRANSPOSE, _weights_swapped),
    (Mistake.DROPPED_ACTIVATION_DERIVATIVE, _with_derivative),
    (Mistake.WRONG_ORDER, _letters_swapped),
)


def named(first: IxNode, node: IxNode, holds: Callable[[IxNode], bool]) -> Mistake | None:
    """The first mistake whose rewriting of the wrong side ``node`` ``holds`` (against ``first``)."""
    for mistake, rewrite in REWRITES:
        if any(variant != node and holds(variant) for variant in rewrite(first, node)):
            return mistake
    return None
