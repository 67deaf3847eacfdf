"""Units of one shape: matching under a renaming, in any order for sums, products and paths.

Each expected verdict is stated by hand from the definitions: p₂ = softmax(2, z₁, z₂, z₃) is
p₁ = softmax(1, z₁, z₂, z₃) with z₁ and z₂ swapped; a product whose factors swap with the
renaming still matches; a different function or a different role never does.
"""

from __future__ import annotations

import time

import pytest
import sympy

from symbackprop.core.functions import sigmoid, softmax
from symbackprop.output.patterns import Unordered, _Renaming

z1, z2, z3, p1, p2, p3, w1, w2 = sympy.symbols("z_1 z_2 z_3 p_1 p_2 p_3 w_1 w_2")
ROLES = {w1: "parameter", w2: "parameter"}
#: The paths of z₁ and of z₂ into a softmax: ∂p₁/∂z₁ = p₁(1 − p₁), ∂p₂/∂z₁ = −p₁p₂, and so on.
PATHS_1 = ((p1, p1 * (1 - p1)), (p2, -p1 * p2))
PATHS_2 = ((p1, -p1 * p2), (p2, p2 * (1 - p2)))


def _match(x: object, y: object) -> bool:
    return _Renaming(lambda s: ROLES.get(s, "node")).match(x, y)


@pytest.mark.parametrize(
    ("x", "y", "same"),
    [
        (softmax(1, z1, z2, z3), softmax(2, z1, z2, z3), True),
        (softmax(1, z1, z2, z3), softmax(3, z1, z2, z3), True),
        (softmax(1, z1, z2), softmax(2, z1, z2, z3), False),
        ((softmax(1, z1, z2, z3), z1), (softmax(2, z1, z2, z3), z1), False),  # z₁ must go to z₂
        ((softmax(1, z1, z2, z3), z1), (softmax(2, z1, z2, z3), z2), True),
        (Unordered(PATHS_1), Unordered(PATHS_2), True),
        (PATHS_1, PATHS_2, False),  # a plain tuple matches in order
        (Unordered([(p1, p1 * (1 - p1))]), Unordered([(p1, p1 * p1)]), False),
        (w1 * z1 + w2 * z2, w2 * z2 + w1 * z1, True),
        (w1 * z1, z1 * z2, False),  # a parameter renamed to a node: another role
        (sigmoid(z1), softmax(1, z1), False),
    ],
    ids=["softmax-2", "softmax-3", "softmax-other-size", "softmax-inconsistent", "softmax-consistent",
         "paths-any-order", "tuples-in-order", "paths-other-shape", "sum", "role", "other-function"],
)  # fmt: skip
def test_steps_match_under_one_renaming(x, y, same):
    assert _match(x, y) is same


def test_matching_in_any_order_is_bounded_on_wide_sums():
    # 200 terms that match nowhere in order: the search gives up within its bound, quickly
    zs = sympy.symbols("a_0:200")
    ws = sympy.symbols("v_0:200")
    x = sympy.Add(*[w * z for w, z in zip(ws, zs)])
    y = sympy.Add(*[w * z**2 for w, z in zip(ws, zs)])
    start = time.process_time()
    assert not _match(x, y)
    assert time.process_time() - start < 2.0
