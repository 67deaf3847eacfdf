"""The Sphinx extension's public name: ``extensions = ["symbackprop.sphinx"]``.

The extension itself lives in :mod:`symbackprop.integrations.sphinx`; this module keeps the name
that ``conf.py`` files use stable.
"""

from .integrations.sphinx import setup

__all__ = ["setup"]
