"""symbackprop: exact backpropagation that shows its work.

Define a network as ordered SymPy definitions, derive every gradient through
the chain rule (factors, general form, closed form, value), check it against
finite differences, and render walkthroughs.
"""

from __future__ import annotations

from .derive import Derivation, Evaluation, LocalFactor, Partial, Step, derive
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
from .functions import (
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
from .network import Dataset, Definition, Network, dense, mlp

__version__ = "0.1.0"

__all__ = [
    "CheckFailed",
    "Dataset",
    "Definition",
    "Derivation",
    "Evaluation",
    "GraphError",
    "InputError",
    "LocalFactor",
    "Network",
    "Partial",
    "SizeLimitError",
    "SpecError",
    "Step",
    "SymbackpropError",
    "SymbackpropWarning",
    "TemplateError",
    "__version__",
    "binary_cross_entropy",
    "cross_entropy",
    "custom_function",
    "dense",
    "derive",
    "half_squared_error",
    "identity",
    "leaky_relu",
    "mean_squared_error",
    "mlp",
    "relu",
    "sigmoid",
    "softmax",
    "softmax_cross_entropy",
    "softplus",
    "squared_error",
    "step",
]
