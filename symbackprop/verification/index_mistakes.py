"""Naming the classic mistake a wrong index-notation line makes, by rewriting it.

Each mistake is one rewriting of the written side (data, :data:`REWRITES`); the mistake
is named when the rewritten side holds at every index value where the line was compared:

* **a wrong sign**: the side negated;
* **a missing transpose**: every weight's indices swapped (``w_{jk}`` for ``w_{kj}``);
* **a dropped activation derivative**: the side times ``f'(z_j)``, for a line about ``δ_j``;
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

Rewrite = Callable[[IxNode, IxNode], IxNode | None]


def _map_leaves(node: IxNode, change: Callable[[Leaf], Leaf]) -> IxNode:
    if node.op == "leaf":
        return IxNode("leaf", (change(node.args[0]),))
    return IxNode(node.op, tuple(_map_leaves(a, change) if isinstance(a, IxNode) else a for a in node.args))


def _negated(first: IxNode, node: IxNode) -> IxNode | None:
    return IxNode("neg", (node,))


def _weights_swapped(first: IxNode, node: IxNode) -> IxNode | None:
    def swap(leaf: Leaf) -> Leaf:
        if leaf.base.lower() != "w" or len(leaf.indices) != 2:
            return leaf
        return dataclasses.replace(leaf, indices=leaf.indices[::-1])

    return _map_leaves(node, swap)


def _with_derivative(first: IxNode, node: IxNode) -> IxNode | None:
    if first.op != "leaf":
        return None
    leaf: Leaf = first.args[0]
    about_z = leaf.base == "delta" or (leaf.grad is not None and leaf.base.lower() == "z")
    if not about_z or len(leaf.indices) != 1:
        return None
    z = IxNode("leaf", (Leaf("z", leaf.indices, leaf.layer, leaf.example),))
    return IxNode("mul", (node, IxNode("call", ("f", 1, z))))


def _letters_swapped(first: IxNode, node: IxNode) -> IxNode | None:
    if first.op != "leaf":
        return None
    letters = [c for c in first.args[0].indices if c in INDEX_LETTERS]
    if len(letters) != 2 or letters[0] == letters[1]:
        return None
    a, b = letters
    flip = {a: b, b: a}
    return _map_leaves(
        node, lambda leaf: dataclasses.replace(leaf, indices=tuple(flip.get(c, c) for c in leaf.indices))
    )


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
        variant = rewrite(first, node)
        if variant is not None and variant != node and holds(variant):
            return mistake
    return None
