"""Activations and losses as SymPy functions, and the one registry of facts about them.

* :mod:`.registry`: :class:`FunctionInfo` entries (class, arity, kinks and
  their convention, LaTeX name, spec and LaTeX names) and the tables the
  readers use (:data:`FUNCTIONS`, :data:`LATEX_ALIASES`);
* :mod:`.base`: :class:`LibraryFunction` (textbook ``fdiff``, elementary
  definition), :func:`custom_function`, :func:`to_elementary`;
* :mod:`.activations`, :mod:`.losses`, :mod:`.builtin`: one class and one
  entry per function.

How each function prints is the printer's ``_print_<name>`` method (or the
entry's ``latex_name``): see :mod:`symbackprop.output.printing`.
"""

from __future__ import annotations

from ...errors import GraphError as GraphError  # re-exported: the functions raise it
from . import builtin as _builtin  # noqa: F401 - registers SymPy's functions
from .activations import LEAKY_SLOPE, identity, leaky_relu, relu, sigmoid, softmax, softplus, step
from .base import CustomFunction, LibraryFunction, custom_function, to_elementary
from .losses import (
    binary_cross_entropy,
    cross_entropy,
    half_squared_error,
    mean_squared_error,
    softmax_cross_entropy,
    squared_error,
)
from .registry import (
    FUNCTIONS,
    LATEX_ALIASES,
    REGISTRY,
    FunctionInfo,
    Kink,
    entry_for,
    kink_conditions,
    kink_convention,
    register,
    unregister,
)

__all__ = [
    "FUNCTIONS",
    "LATEX_ALIASES",
    "LEAKY_SLOPE",
    "REGISTRY",
    "CustomFunction",
    "FunctionInfo",
    "Kink",
    "LibraryFunction",
    "binary_cross_entropy",
    "cross_entropy",
    "custom_function",
    "entry_for",
    "half_squared_error",
    "identity",
    "kink_conditions",
    "kink_convention",
    "leaky_relu",
    "mean_squared_error",
    "register",
    "relu",
    "sigmoid",
    "softmax",
    "softmax_cross_entropy",
    "softplus",
    "squared_error",
    "step",
    "to_elementary",
    "unregister",
]
