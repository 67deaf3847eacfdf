"""Rich display in notebooks: what ``_repr_markdown_`` and ``_repr_latex_`` return.

A :class:`~symbackprop.core.derivation.Derivation` shows its walkthrough (Markdown) or
its gradients (LaTeX); a gradient-check report and a verification report show
their rows as a table.  Everything here lays out what the objects already hold,
through :func:`symbackprop.output.walkthrough.walkthrough_context`; nothing is derived or
evaluated.  Imported lazily by the ``_repr_*_`` methods, so the core package
never imports IPython.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "check_latex",
    "check_markdown",
    "derivation_latex",
    "derivation_markdown",
    "verify_latex",
    "verify_markdown",
]

#: Walkthrough sections shown for a derivation in a notebook (the check needs NumPy and time).
NOTEBOOK_SECTIONS = ("setup", "forward", "loss", "backward", "gradients", "update")


def _cell_md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell_md(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _text_tex(text: str) -> str:
    from .walkthrough import _escape_tex

    return r"\text{%s}" % _escape_tex(str(text))


def _tex_array(header: list[str], rows: list[list[str]]) -> str:
    body = [" & ".join(r"\textbf{%s}" % h for h in header)]
    body += [" & ".join(row) for row in rows]
    return "$$\n\\begin{array}{%s}\n%s\n\\end{array}\n$$" % ("l" * len(header), " \\\\\n".join(body))


def derivation_markdown(derivation: Any) -> str:
    """The walkthrough of a derivation, in Markdown (no gradient check)."""
    from .walkthrough import render

    return render(derivation, "md", sections=list(NOTEBOOK_SECTIONS))


def derivation_latex(derivation: Any) -> str:
    """Every gradient as a chain of Leibniz factors and its value, as display math."""
    from .walkthrough import walkthrough_context

    context = walkthrough_context(derivation, sections=["gradients"])
    lines = [
        f"{g['quantity']} &= {g['chain']} {g['value']['rel']} {g['value']['latex']}"
        for g in context["gradients"]
    ]
    return "$$\n\\begin{aligned}\n%s\n\\end{aligned}\n$$" % " \\\\\n".join(lines)


_VERDICT = {True: "ok", False: "FAILED", None: "not compared"}


def check_markdown(report: Any) -> str:
    """A gradient-check report as a Markdown table with a one-line verdict."""
    rows = [
        [
            str(r.point),
            f"${r.latex}$",
            f"{r.symbolic:.6g}",
            f"{r.numeric:.6g}",
            f"{r.rel_error:.1e}",
            r.verdict,
        ]
        for r in report.rows
    ]
    head = "**Gradient check: every gradient agrees.**" if report.ok else "**Gradient check FAILED.**"
    table = _md_table(
        ["point", "parameter", "symbolic", "finite differences", "relative error", "verdict"], rows
    )
    return f"{head} Seed {report.seed}, rtol {report.rtol:g}, atol {report.atol:g}.\n\n{table}\n"


def check_latex(report: Any) -> str:
    """A gradient-check report as a LaTeX array."""
    rows = [
        [
            str(r.point),
            r.latex,
            f"{r.symbolic:.6g}",
            f"{r.numeric:.6g}",
            f"{r.rel_error:.1e}",
            _text_tex(r.verdict),
        ]
        for r in report.rows
    ]
    return _tex_array(["point", "parameter", "symbolic", "numeric", "rel.\\ error", "verdict"], rows)


def _findings(report: Any) -> list[Any]:
    return list(getattr(report, "findings", ()))


def verify_markdown(report: Any) -> str:
    """A verification report: one row per equation, with its line and verdict."""
    findings = _findings(report)
    wrong = sum(f.status == "wrong" for f in findings)
    head = "**Every equation checks out.**" if report.ok else f"**{wrong} wrong equation(s).**"
    rows = []
    for f in findings:
        expected = getattr(f, "expected", None) or ""
        rows.append(
            [
                str(f.line),
                f"${f.source}$" if f.source else "",
                f.status,
                f.message.replace("\\", "\\\\"),  # shown as written, not as Markdown escapes
                f"${expected}$" if expected else "",
            ]
        )
    return f"{head}\n\n{_md_table(['line', 'equation', 'status', 'message', 'expected'], rows)}\n"


def verify_latex(report: Any) -> str:
    """A verification report as a LaTeX array: line, equation, status and the right value."""
    rows = [
        [str(f.line), f.source or "", _text_tex(f.status), getattr(f, "expected", None) or ""]
        for f in _findings(report)
    ]
    return _tex_array(["line", "equation", "status", "expected"], rows)
