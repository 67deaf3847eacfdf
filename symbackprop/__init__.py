"""symbackprop: exact backpropagation that shows its work.

Define a network as ordered SymPy definitions, derive every gradient through
the chain rule (factors, general form, closed form, value), check it against
finite differences, and render walkthroughs.
"""

from __future__ import annotations

from .core import display as _display
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
from .output.printing import Notation
from .output.walkthrough import render, walkthrough_context
from .verification import VerifyReport, verify

# These modules import numpy, jinja2 and the LaTeX parser only inside the functions that need
# them, so importing them here keeps `import symbackprop` light -- and binds `render` and
# `verify` to the functions, not to the submodules of the same name.

__version__ = "0.1.0"

# Notebook display: the data classes show themselves through renderers that this module
# registers; it is imported by name on the first display, so core never imports output.
_display.provide("symbackprop.output.notebook")


def __getattr__(name: str) -> object:
    # vectorize imports NumPy at once, so it is bound on first use, not on import.
    if name in ("vectorize", "VectorizedNetwork"):
        from .numeric import vectorization

        return getattr(vectorization, name)
    raise AttributeError(f"module 'symbackprop' has no attribute {name!r}")


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
