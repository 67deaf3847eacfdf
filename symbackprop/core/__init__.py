"""symbackprop.core: the function registry, networks, layers and the derivation.

Light on purpose (``symbackprop --help`` imports this package): import the modules you need,
e.g. ``from symbackprop.core.layers import find_layers``.
"""
