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
from .spec import load_spec, loads_spec

__version__ = "0.1.0"

#: Public names whose modules import heavy dependencies (numpy, jinja2, the
#: LaTeX parser); they load on first use so that ``import symbackprop`` stays light.
_LAZY = {
    "check": "numeric",
    "CheckReport": "numeric",
    "train": "numeric",
    "render": "render",
    "verify": "verify",
    "VerifyReport": "verify",
}


def __getattr__(name: str):  # PEP 562
    module = _LAZY.get(name)
    if module is None:
        msg = f"module 'symbackprop' has no attribute {name!r}"
        raise AttributeError(msg)
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


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
    "load_spec",
    "loads_spec",
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
