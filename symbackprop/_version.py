"""The package version, in a module that imports nothing (``symbackprop --version`` reads it)."""

__version__ = "0.1.0"
