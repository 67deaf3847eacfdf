"""Rich display in notebooks: what ``_repr_markdown_`` and ``_repr_latex_`` return.

A :class:`~symbackprop.core.derivation.Derivation` shows its walkthrough (Markdown) or
its gradients (LaTeX); a gradient-check report and a verification report show
their rows as a table, built once by :mod:`symbackprop.output.tables` and laid
out by the Markdown format, or as a display-math array for MathJax.  Nothing
here is derived or evaluated.

The data classes do not import this module: they inherit
:class:`symbackprop.core.display.Displayable`, and this module registers its
renderers with :func:`symbackprop.core.display.register` when it is imported.
``import symbackprop`` names it as a display provider, so it is imported on the
first display, by name.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from ..core.derivation import Derivation
from ..core.display import register
from ..numeric.gradcheck import CheckReport
from ..verification.report import VerifyReport
from .context import walkthrough_context
from .formats import MARKDOWN, latex_array
from .numbers import plain, scientific, significant
from .tables import check_summary, check_table, findings_summary, findings_table
from .walkthrough import render

__all__ = [
    "NOTEBOOK_SECTIONS",
    "check_latex",
    "check_markdown",
    "derivation_latex",
    "derivation_markdown",
    "verify_latex",
    "verify_markdown",
]

#: Walkthrough sections shown for a derivation in a notebook (the check needs NumPy and time).
NOTEBOOK_SECTIONS = ("setup", "forward", "loss", "backward", "gradients", "update")


def derivation_markdown(derivation: Any) -> str:
    """The walkthrough of a derivation, in Markdown (no gradient check)."""
    return render(derivation, MARKDOWN.name, sections=list(NOTEBOOK_SECTIONS))


def derivation_latex(derivation: Any) -> str:
    """Every gradient as a chain of Leibniz factors and its value, as display math."""
    context = walkthrough_context(derivation, sections=["gradients"])
    lines = [
        f"{g['quantity']} &= {g['chain']} {g['value']['rel']} {g['value']['latex']}"
        for g in context["gradients"]
    ]
    return "$$\n\\begin{aligned}\n%s\n\\end{aligned}\n$$" % " \\\\\n".join(lines)


def _check_view(report: Any) -> Any:
    """The check table as a notebook shows it: 6 significant digits, the relative error only."""
    table = check_table(report, values=partial(significant, digits=6), errors=partial(scientific, digits=1))
    view = table.select("point", "parameter", "symbolic", "numeric", "rel_error", "verdict")
    return view.relabel(numeric="finite differences", rel_error="relative error")


def check_markdown(report: Any) -> str:
    """A gradient-check report as a Markdown table with a one-line verdict."""
    head = MARKDOWN.strong(check_summary(report))
    tolerances = f"Seed {report.seed}, rtol {plain(report.rtol)}, atol {plain(report.atol)}."
    return f"{head} {tolerances}\n\n{MARKDOWN.table(_check_view(report))}\n"


def check_latex(report: Any) -> str:
    """A gradient-check report as a LaTeX array."""
    return latex_array(_check_view(report))


def verify_markdown(report: Any) -> str:
    """A verification report: one row per equation, with its line and verdict."""
    head = MARKDOWN.strong(findings_summary(report))
    return f"{head}\n\n{MARKDOWN.table(findings_table(report))}\n"


def verify_latex(report: Any) -> str:
    """A verification report as a LaTeX array: line, equation, status and the right value."""
    return latex_array(findings_table(report).select("line", "equation", "status", "expected"))


register(Derivation, markdown=derivation_markdown, latex=derivation_latex)
register(CheckReport, markdown=check_markdown, latex=check_latex)
register(VerifyReport, markdown=verify_markdown, latex=verify_latex)
