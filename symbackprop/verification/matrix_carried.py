"""Matrix entries computed from the matrices a page showed before, as a careful reader checks them.

A walkthrough rounded by hand (``--rounding hand``) shows every vector and matrix
rounded, and computes each later step from the shown numbers: ``W_2 - η ∂L/∂W_2``
with the shown ``∂L/∂W_2 ≈ [0.0822 …]`` gives ``0.40865`` where the exact entry is
``0.408666``.  As for scalar claims (:mod:`.carried`, :mod:`.rounding`), every shown
entry stands for an interval: ± half a unit of its last digit (the page's givens are
exact), widened to the interval it was itself computed in.  A side of the chain is
evaluated in interval arithmetic (mpmath intervals in NumPy object arrays), its names
standing for what the page showed for them, and a written entry holds when it lies
in that interval widened by its own last digit.  A slip in one entry lies far
outside: the intervals are a few units of the last digit wide.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import numpy
import sympy
from mpmath import mp
from sympy import Expr, Rational, Symbol

from ..notation.latex.matrices import MatrixUnread, Node
from ..notation.latex.parsed import Number
from .matrix_mistakes import Target
from .rounding import DIGITS_POLICIES, IV, Interval, NoInterval, Rounding, contains, evaluate, hi, lo, point

__all__ = ["MAX_ENTRIES", "ShownMatrices", "exact_number"]

#: The most entries of a quantity followed by intervals (a page shows a larger one elided).
MAX_ENTRIES = 4096


def exact_number(x: Any) -> Expr:
    """A value of the spec (a float read from TOML, or SymPy's) as the exact decimal it was written as."""
    if isinstance(x, sympy.Basic):
        return x  # type: ignore[return-value]
    return Rational(repr(float(x)))


def _number(text: str) -> Number:
    exponent = Decimal(text).as_tuple().exponent
    return Number(Rational(text), max(0, -int(exponent)), text)  # type: ignore[arg-type]


def _objects(shape: tuple[int, ...], values: Iterable[Interval]) -> Any:
    out = numpy.empty(int(numpy.prod(shape)), dtype=object)
    out[:] = list(values)
    return out.reshape(shape)


class ShownMatrices:
    """What a page has shown so far, as intervals, and the interval values of its sides.

    Args:
        policy: The digits policy (a key of :data:`~.rounding.DIGITS_POLICIES`).
        givens: The spec's given values (inputs, targets, parameters, learning rate): exact.
    """

    def __init__(self, policy: str, givens: Iterable[Expr]) -> None:
        self.rounding = Rounding(policy, exact=givens)
        self.shown: dict[Target, Any] = {}
        self.rounded = False  # every written number stands for its rounding (see :meth:`loosely`)

    @property
    def carries(self) -> bool:
        """Whether the policy judges values carried from rounded ones (``strict`` does not)."""
        return self.rounding.policy.carry

    def number(self, text: str, result: bool = False) -> Any:
        """A written number as a 1×1 array of its interval."""
        return _objects((1, 1), [self.rounding.shown(_number(text), result or self.rounded)])

    def literal(self, rows: Any, result: bool = False) -> Any:
        """A written matrix (rows of number texts) as an array of intervals."""
        texts = [x for row in rows for x in row]
        result = result or self.rounded
        return _objects((len(rows), len(rows[0])), [self.rounding.shown(_number(t), result) for t in texts])

    def of(self, target: Target | None, truth: Any) -> Any:
        """What the page showed for a quantity, or its true value (exact) when it showed none."""
        if target is not None and target in self.shown:
            return self.shown[target]
        arr = numpy.asarray(truth, dtype=float)
        if arr.size > MAX_ENTRIES:
            raise MatrixUnread(f"{arr.size} entries are too many to follow by intervals")
        return _objects(arr.shape, [point(exact_number(v)) for v in arr.flat])

    @staticmethod
    def apply(expr: Expr, t: Symbol, arg: Any) -> Any:
        """An elementwise function of an interval array."""
        try:
            with mp.workdps(IV.dps):
                return _objects(arg.shape, [evaluate(expr, {t: iv}) for iv in arg.flat])
        except (NoInterval, ZeroDivisionError, ValueError, TypeError) as e:
            raise MatrixUnread(f"no interval: {e}") from None

    def written(self, node: Node) -> tuple[list[Rational], Any] | None:
        """A side written in numbers: its entries' exact values and the intervals they stand for
        as shown results; ``None`` for any other side."""
        if node.op == "num":
            return [Rational(node.args[0])], self.number(node.args[0], result=True)
        if node.op == "neg" and node.args[0].op == "num":
            return [-Rational(node.args[0].args[0])], -self.number(node.args[0].args[0], result=True)
        if node.op == "lit":
            return [Rational(x) for row in node.args for x in row], self.literal(node.args, result=True)
        return None

    def holds(self, written: Node, decimals: list[int], routes: list[Any]) -> Any | None:
        """What the written side stands for when every entry lies in one route's interval widened by
        its own last digit, else ``None``.  ``routes``: interval values of the chain's earlier sides."""
        side = self.written(written)
        if side is None:
            return None
        values, own = side
        for route in routes:
            if route.shape != own.shape or not all(_finite(iv) for iv in route.flat):
                continue
            wide = [self.rounding.widen(iv, d) for iv, d in zip(route.flat, decimals)]
            if all(contains(w, v) for w, v in zip(wide, values)):
                carried = [_hull(a, b) for a, b in zip(own.flat, route.flat)]
                for v, iv in zip(values, carried):  # the same number written later carries it too
                    self.rounding.carry(v, iv)
                return _objects(own.shape, carried)
        return None

    def remember(self, target: Target | None, written: Node, carried: Any | None) -> None:
        """After a chain held: ``target`` stands for what its written side showed (and what it carried:
        the shown entries stand for their rounding and the interval they were computed in)."""
        if target is None:
            return
        if carried is None:
            side = self.written(written)
            if side is None:
                return
            carried = side[1]
        self.shown[target] = carried

    @staticmethod
    def encloses(route: Any, truth: Any) -> bool:
        """Whether every true entry lies in a side's interval: arithmetic on shown numbers (``(0.5547 -
        0) / 4``) that holds as written, its numbers standing for what the page showed."""
        if route.shape != truth.shape:
            return False
        return all(_within(iv, float(v)) for iv, v in zip(route.flat, truth.flat))

    @contextlib.contextmanager
    def loosely(self) -> Iterator[None]:
        """Shown numbers standing for a whole unit of their last digit, as a shown result is accepted
        (unless the policy is ``strict``), none of them exact (``0.0100``, a rounded result, is not
        the target ``0.01``; ``0.001`` may stand for ``0.000995``)."""
        policy = self.rounding.policy
        if policy.carry:
            self.rounding.policy, self.rounded = DIGITS_POLICIES["loose"], True
        try:
            yield
        finally:
            self.rounding.policy, self.rounded = policy, False


def _within(iv: Interval, v: float) -> bool:
    slack = 1e-9 * max(1.0, abs(v))  # the truth is a float
    return bool(lo(iv) - slack <= v <= hi(iv) + slack)


def _hull(a: Interval, b: Interval) -> Interval:
    return IV.mpf([min(lo(a), lo(b)), max(hi(a), hi(b))])


def _finite(iv: Interval) -> bool:
    return bool(mp.isfinite(lo(iv)) and mp.isfinite(hi(iv)))
