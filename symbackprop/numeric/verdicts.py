"""What a gradient check reports: rows, the report, and one verdict per row.

Shared by the check of a scalar network (:mod:`.gradcheck`) and of a matrix
network (:mod:`.matrix_check`): both compare a symbolic gradient with a
central finite difference and judge it the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.derivation import Derivation
from ..core.display import Displayable
from ..errors import InputError

__all__ = ["CheckReport", "CheckRow", "check_options", "every_point", "raise_exactly", "row"]


@dataclass(frozen=True)
class CheckRow:
    """One parameter (or input) at one point.

    ``ok`` is ``True`` (agrees), ``False`` (disagrees) or ``None`` (nothing to
    compare: the point is within a step of a kink, or, with ``finite`` False, a
    value there is not finite in double precision).
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
    finite: bool = True

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
            "finite": self.finite,
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
    directions: int = 0

    @property
    def fast(self) -> bool:
        """Whether rows are random directions (``check(..., fast=True)``), not single gradients."""
        return self.directions > 0

    @property
    def ok(self) -> bool:
        """True when no gradient disagrees and every value is finite (kinks are reported, not failures)."""
        return all(r.ok is not False and r.finite for r in self.rows)

    @property
    def failures(self) -> tuple[CheckRow, ...]:
        """The rows whose gradients disagree with finite differences."""
        return tuple(r for r in self.rows if r.ok is False)

    @property
    def not_finite(self) -> tuple[CheckRow, ...]:
        """The rows not compared because a value there is not finite in double precision."""
        return tuple(r for r in self.rows if not r.finite)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "seed": self.seed,
            "rtol": self.rtol,
            "atol": self.atol,
            "eps": self.eps,
            "mode": "fast" if self.fast else "full",
            "directions": self.directions,
            "points": list(self.points),
            "rows": [r.to_dict() for r in self.rows],
        }

    def format(self, digits: int = 6) -> str:
        """A plain-text table, one row per parameter and point (laid out by :mod:`..output.tables`)."""
        from ..output.tables import check_table, text_table

        return text_table(check_table(self, digits))


def check_options(points: int, *, rtol: float, atol: float, eps: float) -> None:
    if points < 0 or points > 10_000:
        raise InputError(f"points must be between 0 and 10000, got {points}")
    for name, value in (("rtol", rtol), ("atol", atol), ("eps", eps)):
        if not (math.isfinite(value) and value >= 0) or (name == "eps" and value == 0):
            raise InputError(f"{name} must be a positive number, got {value}")


def raise_exactly(symbolic: Derivation) -> None:
    """Raise derive's error when a value at the network's point is not a finite real number."""
    try:
        symbolic.at(None)
    except InputError:
        raise
    except (ArithmeticError, TypeError, ValueError):
        return  # numbers past every float range: the float64 verdict ("not finite") stands


def row(
    name: str, latex: str, g: float, h: float, bound: float, kink: str | None, loss: float, k: int
) -> CheckRow:
    """One row: the symbolic value ``g`` against the finite difference ``h``."""
    err = abs(g - h)
    rel = err / max(abs(g), abs(h), 1e-300)
    ok, verdict = _verdict(g, h, err, bound, kink, loss)
    return CheckRow(name, latex, g, h, err, rel, verdict, ok, k, ok is not None or kink is not None)


def _verdict(
    g: float, h: float, err: float, bound: float, kink: str | None, loss: float
) -> tuple[bool | None, str]:
    if kink is not None:
        return None, kink
    if not math.isfinite(loss):
        return None, f"not checked: the loss is {loss} here"
    if not math.isfinite(g):
        return None, f"not checked: the gradient is {g} here"
    if not math.isfinite(h):
        return None, "not checked: a finite difference is not finite"
    if err <= bound:
        return True, "ok"
    return False, f"MISMATCH (error {err:.2e} > tolerance {bound:.2e})"


def every_point(
    points: Sequence[Any],
    fast: bool,
    at_point: Callable[[Any, int], list[CheckRow]],
    along: Callable[[Any, int], list[CheckRow]],
) -> list[CheckRow]:
    """The rows of every point ``k``: ``at_point(point, k)``, or ``along(point, k)`` in fast mode."""
    import numpy

    rows: list[CheckRow] = []
    with numpy.errstate(all="ignore"):  # values that are not finite are reported row by row
        for k, point in enumerate(points):
            rows += along(point, k) if fast else at_point(point, k)
    return rows
