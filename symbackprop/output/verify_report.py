"""Presentation of a verification report: messages, the text table, annotations, JSON.

A :class:`~symbackprop.verification.report.VerifyReport` holds data only; this
module turns it into text.  Numbers go through the one number formatter
(:func:`symbackprop.output.numbers.shown`) and formulas through the one LaTeX
printer (:func:`symbackprop.output.printing.latex`).  On import it registers
its functions with :mod:`symbackprop.verification.report`, so the report's
convenience methods (``.table()``, ``.annotate()``, ``.message``) present
themselves without the data module importing ``output``.
"""

from __future__ import annotations

import json
import math
from typing import Any

from ..errors import InputError
from ..verification.report import (
    Expected,
    Finding,
    Formula,
    Number,
    Part,
    Status,
    VerifyReport,
    register_view,
)
from .numbers import shown
from .printing import latex

__all__ = [
    "annotate",
    "expected",
    "finding_dict",
    "message",
    "report_dict",
    "report_json",
    "summary",
    "table",
    "text",
    "where",
    "without_notes",
]

#: How each verdict reads in the text table (see :attr:`Finding.verdict`).
VERDICTS = {"holds": "holds", "given": "given", "wrong": "WRONG", "not checked": "not checked"}

#: The mark put before each note of an annotated document, by verdict.
MARKS = {"holds": "✓", "given": "·", "wrong": "✗", "not checked": "?"}

#: Longest equation shown whole in the text table.
TABLE_EQUATION_WIDTH = 60


def formula_latex(formula: Formula) -> str:
    """A formula in LaTeX, with the document's spellings of its symbols."""
    settings = {"order": "none"} if formula.in_order else {}
    if formula.denominator is not None:
        num = latex(formula.expr, latex_names=formula.names, **settings)
        den = latex(formula.denominator, latex_names=formula.names, **settings)
        return r"\frac{%s}{%s}" % (num, den)
    return latex(formula.expr, latex_names=formula.names, **settings)


def expected_latex(correction: Expected) -> str:
    """``formula \\approx number`` (``formula = number`` when the number is exact), or whichever is known."""
    pieces = []
    if correction.formula is not None:
        pieces.append(formula_latex(correction.formula))
    if correction.number is not None:
        pieces.append(_number(correction.number))
    return (" = " if _exact(correction.number) else r" \approx ").join(pieces)


def _exact(number: Number | None) -> bool:
    """Whether a number is shown exactly (``-12``, ``0.5``), not rounded."""
    try:
        return number is not None and shown(number.value, number.digits).exact
    except TypeError:  # beyond any decimal exponent: rounded
        return False


def _number(number: Number) -> str:
    try:
        return shown(number.value, number.digits).text
    except TypeError:  # beyond any decimal exponent (e^{e^{e^{e^2}}}): its order of magnitude
        return _astronomical(number.value)


def _astronomical(value: Any) -> str:
    """``10^{2.53e+702}``: a value too large for any decimal, by the power of ten it is."""
    from mpmath import mp
    from sympy import Float

    with mp.workdps(30):
        v = mp.mpf(Float(value, 30)._mpf_)
        if not mp.isfinite(v):
            return shown(float(v)).text
        power = shown(Float(mp.log10(abs(v)), 30), 3).text
    return f"{'-' if v < 0 else ''}10^{{{power}}}"


def _part(part: Part) -> str:
    if isinstance(part, str):
        return part
    if isinstance(part, Number):
        return _number(part)
    if isinstance(part, Formula):
        return formula_latex(part)
    return expected_latex(part)


def text(parts: tuple[Part, ...]) -> str:
    """An explanation as one line of text."""
    return "".join(_part(p) for p in parts)


def message(finding: Finding) -> str:
    """Why a finding is what it is, in one line."""
    return text(finding.explanation)


def expected(finding: Finding) -> str | None:
    """A finding's correction in LaTeX, or ``None``."""
    return None if finding.correction is None else expected_latex(finding.correction)


def finding_dict(finding: Finding) -> dict[str, Any]:
    """One finding as plain data, in the order of its fields."""
    return {
        "line": finding.line,
        "source": finding.source,
        "status": finding.status,
        "message": message(finding),
        "expected": expected(finding),
        "kind": finding.kind,
        "arithmetic": finding.arithmetic,
        "cause": finding.cause,
        "value": finding.value if finding.value is None or math.isfinite(finding.value) else None,
        "block_end": finding.block_end,
        "subject": finding.subject,
        "cell": finding.cell,
        "cell_line": finding.cell_line,
        "verdict": finding.verdict,
        "checked": finding.checked,
        "mistake": finding.mistake,
        "row_of": finding.row_of,
    }


def report_dict(report: VerifyReport) -> dict[str, Any]:
    """A report as plain data: source, verdict, counts and every finding."""
    first = report.first_error
    return {
        "source": report.source,
        "network_from": report.network_from,
        "ok": report.ok,
        "counts": {s.value: n for s, n in report.counts().items()},
        "verdicts": report.verdicts(),
        "claims_checked": report.claims_checked,
        "strict": report.strict,
        "first_error": None if first is None else first.line,
        "findings": [finding_dict(f) for f in report.findings],
    }


def report_json(report: VerifyReport) -> str:
    """:func:`report_dict` as indented JSON."""
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False, allow_nan=False)


def where(finding: Finding) -> str:
    """``12``, or in a notebook ``57 (cell 3, line 2)``: the file's line, and the cell's."""
    if finding.cell is None:
        return str(finding.line)
    return f"{finding.line} (cell {finding.cell}, line {finding.cell_line})"


def table(report: VerifyReport) -> str:
    """A plain-text table: line, verdict, equation, and the correction; then a summary line."""
    rows = [("line", "verdict", "equation", "note")]
    width = TABLE_EQUATION_WIDTH
    for f in report.findings:
        eq = f.source if len(f.source) <= width else f.source[: width - 3] + "..."
        rows.append((where(f), VERDICTS[f.verdict], eq, message(f)))
    w0, w1, w2 = (max(len(r[k]) for r in rows) for k in range(3))
    lines = [f"{a:>{w0}}  {b:<{w1}}  {c:<{w2}}  {d}".rstrip() for a, b, c, d in rows]
    return "\n".join([*lines, "", f"{report.source}: {summary(report)}"]) + "\n"


def summary(report: VerifyReport) -> str:
    """``12 hold, 1 wrong, 0 not checked (3 given: …); 31 claims checked; first error at line 45``.

    "hold" counts every equation that is fine; those that state nothing to check
    (definitions, given values) are counted again as "given".
    """
    c, given = report.counts(), report.verdicts()["given"]
    tail = f"{c[Status.OK]} hold, {c[Status.WRONG]} wrong, {c[Status.NOT_CHECKED]} not checked"
    if given:
        tail += f" ({given} given: definitions and stated values)"
    tail += f"; {report.claims_checked} claim{'s' if report.claims_checked != 1 else ''} checked"
    first = report.first_error
    if first is not None:
        tail += f"; first error at line {where(first)}"
    if report.strict and c[Status.NOT_CHECKED]:
        tail += "; strict: not checked counts as a failure"
    return tail


def _note(report: VerifyReport, f: Finding) -> str:
    mark = MARKS[f.verdict]
    correction = expected(f)
    if report.format == "md" and f.status is Status.WRONG and correction and f.subject:
        why = f"follows from the error at line {f.cause}" if f.cause else "wrong"
        return f"{mark} line {f.line}: {why}; expected ${f.subject} = {correction}$"
    return f"{mark} line {f.line}: {message(f)}"


#: How a note starts, by format: a line that starts so is an earlier annotation.
NOTE_STARTS = {"md": "> **symbackprop** ", "tex": "% symbackprop ", "html": "<!-- symbackprop "}


def without_notes(text: str, format: str) -> str:
    """``text`` with the notes an earlier :func:`annotate` added taken out again.

    Annotating an annotated document then replaces its notes instead of adding a
    second set.  A Markdown note is taken out with the blank line before and after
    it that :func:`annotate` put there.
    """
    start = NOTE_STARTS.get(format)
    if start is None or start not in text:
        return text
    out: list[str] = []
    skip_blank = False
    for line in text.split("\n"):
        if line.startswith(start):
            if format == "md" and out and out[-1] == "":
                out.pop()
            skip_blank = format == "md"
            continue
        if skip_blank and line == "":
            skip_blank = False
            continue
        skip_blank = False
        out.append(line)
    return "\n".join(out)


def annotate(report: VerifyReport) -> str:
    """The document with a mark and a correction after each equation's block.

    Markdown gets a quoted note; LaTeX a ``%`` comment, so the document still compiles;
    HTML an HTML comment.  A notebook is JSON: it is refused (use the table or JSON).
    """
    if report.format == "ipynb":
        msg = "a notebook cannot be annotated line by line; use the table or --json"
        raise InputError(msg, file=report.source)
    notes: dict[int, list[str]] = {}
    for f in report.equations:  # one note per equation, not one per row of a chain
        notes.setdefault(f.block_end or f.line, []).append(_note(report, f).replace("\n", " "))
    out: list[str] = []
    start = NOTE_STARTS.get(report.format, NOTE_STARTS["md"])
    for n, line in enumerate(report.text.split("\n"), start=1):
        out.append(line)
        for note in notes.get(n, []):
            if report.format == "tex":
                out.append(start + note)
            elif report.format == "html":
                out.append(start + note.replace("--", "- -") + " -->")
            else:
                out += ["", start + note, ""]
    return "\n".join(out)


for _name, _view in (
    ("message", message),
    ("expected", expected),
    ("finding_dict", finding_dict),
    ("report_dict", report_dict),
    ("json", report_json),
    ("table", table),
    ("annotate", annotate),
):
    register_view(_name, _view)
