"""The registry of walkthrough views: one :class:`View` entry per way of writing a derivation out.

``scalar`` writes every weight on its own (:mod:`symbackprop.output.context`);
``matrix`` writes layers as vectors and matrices (:mod:`symbackprop.output.matrix_context`).
A view says which sources it reads, how it turns another source into one of
them (a matrix network's scalar view is :meth:`~symbackprop.core.matrix.MatrixNetwork.scalar`),
its context builder and its template for each format.  :func:`choose_view`
picks the view a source is written in by default: matrix for a matrix network.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import InputError, TemplateError

__all__ = ["VIEWS", "View", "choose_view"]


@dataclass(frozen=True)
class View:
    """One way of writing a walkthrough.

    Attributes:
        name: What ``--view`` calls it.
        prepare: A source (network or derivation, scalar or matrix) -> a source this view reads;
            raises :class:`~symbackprop.errors.InputError` when it cannot.
        context: ``(source, **options) -> dict``: the template context.
        templates: Format name -> bundled template file name; a format without one uses its own.
    """

    name: str
    prepare: Callable[[Any], Any]
    context: Callable[..., dict[str, Any]]
    templates: Mapping[str, str]

    def template(self, format_name: str) -> str | None:
        """This view's bundled template for a format, or None: the format's own (the scalar view)."""
        if not self.templates:
            return None
        if format_name not in self.templates:
            msg = f"the {self.name} view has no template for format {format_name!r}; give one with template="
            raise TemplateError(msg)
        return self.templates[format_name]


def _is_matrix(source: Any) -> bool:
    from ..core.matrix import MatrixNetwork
    from ..core.matrix_derivation import MatrixDerivation

    return isinstance(source, (MatrixNetwork, MatrixDerivation))


def _scalar(source: Any) -> Any:
    if not _is_matrix(source):
        return source
    return getattr(source, "network", source).scalar()


def _matrix(source: Any) -> Any:
    if not _is_matrix(source):
        msg = (
            "the matrix view needs a matrix network "
            "(a spec with an array in [inputs], [targets] or [parameters])"
        )
        raise InputError(msg, where="--view")
    return source


def _scalar_context(source: Any, **options: Any) -> dict[str, Any]:
    from .context import walkthrough_context

    return walkthrough_context(source, **options)


def _matrix_context(source: Any, **options: Any) -> dict[str, Any]:
    from .matrix_context import matrix_walkthrough_context

    return matrix_walkthrough_context(source, **options)


#: The registered views, by name.
VIEWS: dict[str, View] = {
    "scalar": View("scalar", _scalar, _scalar_context, {}),
    "matrix": View(
        "matrix",
        _matrix,
        _matrix_context,
        {"md": "walkthrough_matrix.md.j2", "tex": "walkthrough_matrix.tex.j2"},
    ),
}


def choose_view(source: Any, name: str | None = None) -> View:
    """The view ``name``, or the source's own: matrix for a matrix network, else scalar.

    Raises:
        InputError: ``name`` is not a registered view.
    """
    if name is None:
        name = "matrix" if _is_matrix(source) else "scalar"
    if name not in VIEWS:
        raise InputError(f"unknown view {name!r}; choose from {', '.join(VIEWS)}", where="--view")
    return VIEWS[name]
