"""symbackprop.core."""

from .layers import find_layers

__all__ = ["find_layers"]
