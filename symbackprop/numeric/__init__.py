"""Numbers from a derivation: the scalar reference program, the vectorised program, check and train."""

from .scalar import (
    DEFAULT_ATOL,
    DEFAULT_EPS,
    DEFAULT_RTOL,
    CheckReport,
    CheckRow,
    check,
    compile_network,
    train,
)

__all__ = [
    "DEFAULT_ATOL",
    "DEFAULT_EPS",
    "DEFAULT_RTOL",
    "CheckReport",
    "CheckRow",
    "check",
    "compile_network",
    "train",
]
