"""Walkthroughs: a Derivation laid out as lecture notes, through Jinja2 templates.

:func:`render` builds the format-neutral context
(:func:`symbackprop.output.context.walkthrough_context`) and hands it to the
template of a registered format (:mod:`symbackprop.output.formats`), or to a
template of your own.  The format supplies the template, its Jinja settings, and
the ``escape_text`` and ``table`` filters; the number filters (``fixed``,
``significant``, ``scientific``, ``plain``) are the same for every format.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..core.derivation import Derivation
from ..core.network import Network
from ..errors import TemplateError
from .context import SECTIONS
from .formats import FORMATS, MARKDOWN, Format, get_format
from .numbers import fixed, plain, scientific, significant
from .tables import side_by_side
from .views import VIEWS, choose_view

__all__ = ["FORMATS", "SECTIONS", "render", "template_path", "walkthrough_context"]

#: Filters every template gets, whatever its format: the number policies of :mod:`.numbers`.
NUMBER_FILTERS = {"fixed": fixed, "significant": significant, "scientific": scientific, "plain": plain}


def template_path(name: str) -> Path:
    """Where a bundled template lives: in the installed package, else the checkout."""
    here = Path(__file__).resolve().parent.parent  # the package: symbackprop/
    for directory in (here / "templates", here.parent / "templates"):
        if (directory / name).is_file():
            return directory / name
    msg = f"bundled template {name!r} not found in {here / 'templates'} or {here.parent / 'templates'}"
    raise TemplateError(msg)


def _template(fmt: Format, template: str | Path | None) -> Path:
    if template is not None:
        path = Path(template)
    elif isinstance(fmt.template, Path):
        path = fmt.template
    else:
        path = template_path(fmt.template)
    if not path.is_file():
        raise TemplateError("template not found", file=str(path))
    return path


def _environment(fmt: Format, directory: Path) -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(directory)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        **fmt.jinja,
    )
    env.filters.update(NUMBER_FILTERS)
    env.filters.update(fmt.filters)
    env.filters["escape_text"] = fmt.escape
    env.filters["table"] = fmt.table
    env.filters["side_by_side"] = side_by_side
    return env


def walkthrough_context(source: Any, *, view: str | None = None, **options: Any) -> dict[str, Any]:
    """The plain data a walkthrough template receives, in ``view`` (by default the source's own).

    A scalar source gets :func:`symbackprop.output.context.walkthrough_context`, a matrix
    network or derivation (what ``mlp()`` builds by default) the matrix view's context;
    ``options`` (``digits``, ``rounding``, ``notation``, ``check``, ``sections``, ``detail``,
    ``steps``) go to it.
    """
    chosen = choose_view(source, view)
    return chosen.context(chosen.prepare(source), **options)


def render(
    source: Derivation | Network | Mapping[str, Any],
    format: str | Format = MARKDOWN.name,
    *,
    standalone: bool = False,
    template: str | Path | None = None,
    view: str | None = None,
    **context_options: Any,
) -> str:
    """Render a walkthrough.

    Args:
        source: A Derivation, a Network, or a context from
            :func:`walkthrough_context`.
        format: A registered format's name, ``"md"`` or ``"tex"``, or a
            :class:`~symbackprop.output.formats.Format` (see :mod:`symbackprop.output.formats`).
        standalone: For LaTeX, a complete document (preamble and
            ``\\begin{document}``); otherwise a fragment to ``\\input``.
        template: A template file of your own, given the same context and the
            format's filters.
        view: ``"scalar"`` or ``"matrix"`` (:mod:`symbackprop.output.views`); by default the
            source's own: matrix for a matrix network or derivation.
        **context_options: Passed to :func:`walkthrough_context`
            (``digits``, ``rounding``, ``notation``, ``check``, ``sections``, ``detail``).
    """
    import jinja2

    fmt = get_format(format)
    if isinstance(source, Mapping):
        context = dict(source)
    else:
        context = walkthrough_context(source, view=view, **context_options)
    context["standalone"] = standalone
    context["format"] = fmt.name
    bundled = VIEWS[context.get("view", "scalar")].template(fmt.name)  # None: the format's own template
    path = _template(fmt, template if template is not None or bundled is None else template_path(bundled))
    env = _environment(fmt, path.parent)
    try:
        return env.get_template(path.name).render(**context).lstrip("\n")
    except jinja2.TemplateSyntaxError as e:
        raise TemplateError(e.message or "syntax error", file=str(path), line=e.lineno) from None
    except jinja2.UndefinedError as e:
        raise TemplateError(
            f"the template uses something the context does not have: {e.message}", file=str(path)
        ) from None
