"""Numbers from a derivation: the reference program, the vectorised program, check and train.

``vectorize`` and ``VectorizedNetwork`` import NumPy, so they are bound on first
use (``symbackprop.numeric.vectorize``), not when this package is imported.
"""

from __future__ import annotations

from typing import Any

from .gradcheck import DEFAULT_ATOL, DEFAULT_EPS, DEFAULT_RTOL, CheckReport, CheckRow, check
from .reference import CompiledNetwork, compile_network
from .training import TrainResult, train

__all__ = [
    "DEFAULT_ATOL",
    "DEFAULT_EPS",
    "DEFAULT_RTOL",
    "CheckReport",
    "CheckRow",
    "CompiledNetwork",
    "TrainResult",
    "VectorizedNetwork",
    "check",
    "compile_network",
    "train",
    "vectorize",
]


def __getattr__(name: str) -> Any:
    if name in ("vectorize", "VectorizedNetwork"):
        from . import vectorization

        return getattr(vectorization, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
