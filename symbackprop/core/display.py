"""Rich notebook display for data classes, without the data classes importing the renderers.

A class that inherits :class:`Displayable` gets ``_repr_markdown_`` and
``_repr_latex_``; they call whatever renderer was registered for the class (or
a base class) with :func:`register`.  Renderers live in output modules, which
import the data classes; so that core never imports output, not even inside a
function, an output module is named as a *provider* by a string
(:func:`provide`, called by ``symbackprop/__init__.py``) and imported with
:mod:`importlib` on the first display.  Until then nothing is imported:
``import symbackprop`` stays light.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

__all__ = ["Displayable", "provide", "register", "renderer"]

#: Kinds of rich display: the IPython method each one is for.
KINDS = ("markdown", "latex")

_RENDERERS: dict[tuple[type, str], Callable[[Any], str]] = {}
_PROVIDERS: list[str] = []


def provide(module: str) -> None:
    """Name a module that registers renderers when imported; it is imported on the first display."""
    if module not in _PROVIDERS:
        _PROVIDERS.append(module)


def register(
    cls: type, *, markdown: Callable[[Any], str] | None = None, latex: Callable[[Any], str] | None = None
) -> None:
    """Show instances of ``cls`` (and of its subclasses) with these renderers."""
    for kind, function in (("markdown", markdown), ("latex", latex)):
        if function is not None:
            _RENDERERS[(cls, kind)] = function


def _load_providers() -> None:
    while _PROVIDERS:
        module = _PROVIDERS[0]
        importlib.import_module(module)  # registers its renderers; raises if it cannot be imported
        _PROVIDERS.remove(module)


def renderer(obj: Any, kind: str) -> Callable[[Any], str] | None:
    """The renderer of ``kind`` (``"markdown"`` or ``"latex"``) for ``obj``, or None."""
    if kind not in KINDS:
        msg = f"unknown kind of display {kind!r}; use one of {', '.join(KINDS)}"
        raise ValueError(msg)
    _load_providers()
    for cls in type(obj).__mro__:
        function = _RENDERERS.get((cls, kind))
        if function is not None:
            return function
    return None


def _show(obj: Any, kind: str) -> str | None:
    function = renderer(obj, kind)
    return None if function is None else function(obj)


class Displayable:
    """Mixin: notebook display through the renderers registered for the class."""

    __slots__ = ()

    def _repr_markdown_(self) -> str | None:
        """Notebook display as Markdown (None when no renderer is registered)."""
        return _show(self, "markdown")

    def _repr_latex_(self) -> str | None:
        """Notebook display as LaTeX (None when no renderer is registered)."""
        return _show(self, "latex")
