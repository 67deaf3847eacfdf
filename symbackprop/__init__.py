"""symbackprop: exact backpropagation that shows its work.

Define a network as ordered SymPy definitions, derive every gradient through
the chain rule (factors, general form, closed form, value), check it against
finite differences, and render walkthroughs.

Every public name is imported on first use (PEP 562), so that ``import
symbackprop`` -- and with it ``symbackprop --help`` -- does not import SymPy:
``from symbackprop import derive`` and ``symbackprop.derive`` work as usual.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from ._version import __version__
from .core import display as _display

if TYPE_CHECKING:
    from .core.builders import dense, mlp
    from .core.derivation import Derivation, Evaluation, LocalFactor, Partial, Step, derive
    from .core.functions import (
        binary_cross_entropy,
        cross_entropy,
        custom_function,
        half_squared_error,
        identity,
        leaky_relu,
        mean_squared_error,
        relu,
        sigmoid,
        softmax,
        softmax_cross_entropy,
        softplus,
        squared_error,
        step,
    )
    from .core.matrix import MatrixNetwork
    from .core.matrix_builders import matrix_mlp
    from .core.matrix_derivation import MatrixDerivation, derive_matrix
    from .core.network import Dataset, Definition, Network
    from .errors import (
        CheckFailed,
        GraphError,
        InputError,
        SizeLimitError,
        SpecError,
        SymbackpropError,
        SymbackpropWarning,
        TemplateError,
    )
    from .notation.spec import load_spec, loads_spec, read_spec
    from .numeric import CheckReport, check, train
    from .numeric.vectorization import VectorizedNetwork, vectorize
    from .output.printing import Notation
    from .output.walkthrough import render, walkthrough_context
    from .verification import VerifyReport, verify

#: Where each public name lives: ``name -> module`` (relative to this package).
_EXPORTS: dict[str, str] = {
    **dict.fromkeys(
        ("Derivation", "Evaluation", "LocalFactor", "Partial", "Step", "derive"), ".core.derivation"
    ),
    **dict.fromkeys(
        (
            "binary_cross_entropy",
            "cross_entropy",
            "custom_function",
            "half_squared_error",
            "identity",
            "leaky_relu",
            "mean_squared_error",
            "relu",
            "sigmoid",
            "softmax",
            "softmax_cross_entropy",
            "softplus",
            "squared_error",
            "step",
        ),
        ".core.functions",
    ),
    **dict.fromkeys(("Dataset", "Definition", "Network"), ".core.network"),
    **dict.fromkeys(("dense", "mlp"), ".core.builders"),
    **dict.fromkeys(
        (
            "CheckFailed",
            "GraphError",
            "InputError",
            "SizeLimitError",
            "SpecError",
            "SymbackpropError",
            "SymbackpropWarning",
            "TemplateError",
        ),
        ".errors",
    ),
    **dict.fromkeys(("load_spec", "loads_spec", "read_spec"), ".notation.spec"),
    "MatrixNetwork": ".core.matrix",
    "matrix_mlp": ".core.matrix_builders",
    **dict.fromkeys(("MatrixDerivation", "derive_matrix"), ".core.matrix_derivation"),
    **dict.fromkeys(("CheckReport", "check", "train"), ".numeric"),
    **dict.fromkeys(("VectorizedNetwork", "vectorize"), ".numeric.vectorization"),
    "Notation": ".output.printing",
    **dict.fromkeys(("render", "walkthrough_context"), ".output.walkthrough"),
    **dict.fromkeys(("VerifyReport", "verify"), ".verification"),
}

# Notebook display: the data classes show themselves through renderers that this module
# registers; it is imported by name on the first display, so core never imports output.
_display.provide("symbackprop.output.notebook")


def __getattr__(name: str) -> object:
    """Import a public name on first access, then keep it as a module attribute."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'symbackprop' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "CheckFailed",
    "CheckReport",
    "Dataset",
    "Definition",
    "Derivation",
    "Evaluation",
    "GraphError",
    "InputError",
    "LocalFactor",
    "MatrixDerivation",
    "MatrixNetwork",
    "Network",
    "Notation",
    "Partial",
    "SizeLimitError",
    "SpecError",
    "Step",
    "SymbackpropError",
    "SymbackpropWarning",
    "TemplateError",
    "VectorizedNetwork",
    "VerifyReport",
    "__version__",
    "binary_cross_entropy",
    "check",
    "cross_entropy",
    "custom_function",
    "dense",
    "derive",
    "derive_matrix",
    "half_squared_error",
    "identity",
    "leaky_relu",
    "load_spec",
    "loads_spec",
    "matrix_mlp",
    "mean_squared_error",
    "mlp",
    "read_spec",
    "relu",
    "render",
    "sigmoid",
    "softmax",
    "softmax_cross_entropy",
    "softplus",
    "squared_error",
    "step",
    "train",
    "vectorize",
    "verify",
    "walkthrough_context",
]
